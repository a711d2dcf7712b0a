// Play / pause / step / reset, the run's status, its notices (NaN guard, a worker that died, a
// training error) and the live numbers. The numbers carry data-metric / data-value attributes so
// scripts (bench/page.ts, the end-to-end tests) read them without parsing text.

import { fmt, fmtPct } from '../format';
import { translateMessage, useLang, useT } from '../i18n';
import { droppedMessage, warningMessage } from '../../store/trainReason';
import { pause, play, reset, restartAfterCrash, resumeAfterCrash, step, useTrainStore, type TrainStatus } from '../../store/train';

const STATUS_KEYS = {
  idle: 'train.status.idle',
  starting: 'train.status.starting',
  preparing: 'train.status.preparing',
  running: 'train.status.running',
  paused: 'train.status.paused',
  done: 'train.status.done',
  crashed: 'train.status.crashed',
} as const satisfies Record<TrainStatus, string>;

/**
 * Play and pause drawn as SVG: the text glyphs (U+25B6, U+23F8) have emoji presentation, and the
 * first one on screen made Chromium load a colour-emoji font inside a 150 ms layout.
 */
function Icon({ kind }: { kind: 'play' | 'pause' }) {
  return (
    <svg className="train-icon" width="10" height="12" viewBox="0 0 10 12" aria-hidden="true" focusable="false">
      {kind === 'play' ? <path d="M0 0 L10 6 L0 12 Z" /> : <path d="M0 0 H3.5 V12 H0 Z M6.5 0 H10 V12 H6.5 Z" />}
    </svg>
  );
}

export function TrainControls() {
  const t = useT();
  const status = useTrainStore((s) => s.status);
  const hasRun = useTrainStore((s) => s.runConfig !== null);
  const running = status === 'running';
  const busy = status === 'starting' || status === 'preparing';
  const playLabel = status === 'paused' ? t('train.continue') : status === 'done' || status === 'crashed' ? t('train.again') : t('train.play');
  return (
    <div className="train-controls">
      <div className="train-buttons" role="group" aria-label={t('train.controls')}>
        {running ? (
          <button type="button" className="primary" onClick={pause}>
            <Icon kind="pause" />
            {t('train.pause')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={play} disabled={busy}>
            <Icon kind="play" />
            {playLabel}
          </button>
        )}
        <button type="button" onClick={() => step(1)} disabled={running || busy}>
          {t('train.step')}
        </button>
        <button type="button" onClick={reset} disabled={!hasRun && status === 'idle'}>
          {t('train.reset')}
        </button>
      </div>
      <p className="train-status" role="status" data-status={status}>
        {t(STATUS_KEYS[status])}
      </p>
    </div>
  );
}

/** Guard trips, a dead worker, a training error. */
export function TrainNotices() {
  const t = useT();
  const lang = useLang();
  const guards = useTrainStore((s) => s.guards);
  const crash = useTrainStore((s) => s.crash);
  const error = useTrainStore((s) => s.error);
  const status = useTrainStore((s) => s.status);
  const workersInfo = useTrainStore((s) => s.workersInfo);
  return (
    <div className="train-notices">
      {workersInfo?.reason === 'dropped' && (
        <div className="notice warning" role="status">
          <p>
            <strong>{t('train.workersDropped', { n: workersInfo.workers })}</strong> {workersInfo.failure && translateMessage(lang, droppedMessage(workersInfo.failure))}
          </p>
        </div>
      )}
      {crash && status === 'crashed' && (
        <div className="notice error" role="alert">
          <p>
            <strong>{t('train.crash.title')}</strong> {t('train.crash.text', { reason: crash.reason })}
          </p>
          <div className="train-buttons">
            {crash.weightsStep !== null && (
              <button type="button" onClick={resumeAfterCrash}>
                {t('train.crash.resume', { step: crash.weightsStep })}
              </button>
            )}
            <button type="button" onClick={restartAfterCrash}>
              {t('train.crash.restart')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <div className="notice error" role="alert">
          <p>{translateMessage(lang, error)}</p>
        </div>
      )}
      {guards.length > 0 && (
        <div className="notice warning" role="status">
          <p>
            <strong>{t('train.guard.title', { n: guards.length })}</strong> {t('train.guard.help')}
          </p>
          <ul>
            {guards.slice(-5).map((g, k) => (
              <li key={k}>{translateMessage(lang, g.message)}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Metric({ name, label, value, text }: { name: string; label: string; value: number | null; text: string }) {
  return (
    <div className="train-metric">
      <dt>{label}</dt>
      <dd data-metric={name} data-value={value === null || !Number.isFinite(value) ? '' : String(value)}>
        {text}
      </dd>
    </div>
  );
}

function seconds(ms: number, t: ReturnType<typeof useT>): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? t('time.s', { s }) : t('time.min', { m: Math.floor(s / 60), s: s % 60 });
}

export function TrainMetrics() {
  const t = useT();
  const lang = useLang();
  const progress = useTrainStore((s) => s.progress);
  const lastEval = useTrainStore((s) => s.evals.at(-1) ?? null);
  const data = useTrainStore((s) => s.data);
  const done = useTrainStore((s) => s.done);
  const workers = useTrainStore((s) => s.workersInfo?.workers ?? null);
  const exact = done?.exactMatch ?? lastEval?.exactMatch ?? null;
  const bleu = done?.bleu ?? lastEval?.bleu ?? null;
  const devLoss = done?.devLoss ?? lastEval?.devLoss ?? null;
  return (
    <div className="train-numbers">
      <dl className="train-metrics">
        <Metric name="step" label={t('train.m.step')} value={progress?.step ?? null} text={progress ? `${progress.step} / ${progress.maxSteps}` : '–'} />
        <Metric name="loss" label={t('train.m.loss')} value={progress?.loss ?? null} text={progress ? fmt(progress.loss, 3) : '–'} />
        <Metric name="dev-loss" label={t('train.m.devLoss')} value={devLoss} text={devLoss === null ? '–' : fmt(devLoss, 3)} />
        <Metric name="exact-match" label={t('train.m.exact')} value={exact} text={exact === null ? '–' : fmtPct(exact)} />
        <Metric name="bleu" label={t('train.m.bleu')} value={bleu} text={bleu === null ? '–' : fmt(bleu, 1)} />
        <Metric name="tokens-per-sec" label={t('train.m.tps')} value={progress?.tokensPerSec ?? null} text={progress ? Math.round(progress.tokensPerSec).toLocaleString('en') : '–'} />
        <Metric name="grad-norm" label={t('train.m.grad')} value={progress?.gradNorm ?? null} text={progress ? fmt(progress.gradNorm, 2) : '–'} />
        <Metric name="lr" label={t('train.m.lr')} value={progress?.lr ?? null} text={progress ? progress.lr.toExponential(1) : '–'} />
        <Metric name="elapsed" label={t('train.m.time')} value={progress?.elapsedMs ?? null} text={progress ? seconds(progress.elapsedMs, t) : '–'} />
        <Metric name="workers" label={t('train.m.workers')} value={workers} text={workers === null ? '–' : String(workers)} />
      </dl>
      {data && <p className="note">{t('train.dataLine', { train: data.train, dev: data.dev, src: data.srcVocab, tgt: data.tgtVocab })}</p>}
      {data && data.warnings.length > 0 && (
        <ul className="note train-warnings">
          {data.warnings.map((w, k) => (
            <li key={k}>{translateMessage(lang, warningMessage(w))}</li>
          ))}
        </ul>
      )}
      {done && (
        <p className="note">
          {done.bestStep !== null ? t('train.doneLine', { step: done.step, best: done.bestStep, time: seconds(done.elapsedMs, t) }) : t('train.doneLineNoDev', { step: done.step, time: seconds(done.elapsedMs, t) })}
        </p>
      )}
    </div>
  );
}
