// The probe sentence's alignment as training goes, drawn by the shared read-only heatmap, and a
// scrubber that replays the saved snapshots (every `snapshotEvery` steps) so the reader can watch
// the diagonal — the anti-diagonal for reversal — emerge. The scrubber follows the newest
// snapshot until it is moved; "Latest" goes back to following.
//
// Before the first snapshot the heatmap already shows the probe with uniform weights (what an
// untrained model's attention looks like, near enough). Besides telling the reader what to watch,
// this mounts the heatmap when the view opens: its first layout (measuring its width, resolving
// the axis glyphs' fonts) is then not a long main-thread task in the middle of training.

import { useDeferredValue, useId, useMemo } from 'react';
import { getTask } from '../../data/tasks';
import { tokenize } from '../../data/tokenize';
import { EOS_TOKEN } from '../../data/vocab';
import { MAX_TOKENS_PER_SIDE } from '../../data/limits';
import { useStore } from '../../store/store';
import { TraceHeatmap } from '../panels/Heatmap';
import { useT } from '../i18n';
import { probeTrace } from './probeTrace';
import { setScrub, useTrainStore, type ProbeSnapshot } from '../../store/train';

/** The probe as the form describes it, with uniform weights (null without a reference). */
function previewSnapshot(task: string, source: string, target: string): ProbeSnapshot | null {
  if (task === 'tsv' || !target.trim()) return null;
  const tokenizer = getTask(task as Parameters<typeof getTask>[0]).tokenizer;
  const src = [...tokenize(source, tokenizer).slice(0, MAX_TOKENS_PER_SIDE), EOS_TOKEN];
  const tgt = [...tokenize(target, tokenizer).slice(0, MAX_TOKENS_PER_SIDE), EOS_TOKEN];
  if (src.length < 2) return null;
  return { step: 0, source: src, target: tgt, rows: tgt.length, cols: src.length, weights: new Float32Array(src.length * tgt.length).fill(1 / src.length), output: [], forced: true };
}

export function ProbePanel() {
  const t = useT();
  const sliderId = useId();
  const snapshots = useTrainStore((s) => s.snapshots);
  const scrub = useTrainStore((s) => s.scrub);
  const variant = useTrainStore((s) => s.runConfig?.variant ?? s.form.variant);
  const probe = useTrainStore((s) => s.data?.probe ?? null);
  const task = useTrainStore((s) => s.form.task);
  const probeSource = useTrainStore((s) => s.form.probeSource);
  const probeTarget = useTrainStore((s) => s.form.probeTarget);
  const palette = useStore((s) => s.palette);
  const transpose = useStore((s) => s.transpose);
  const index = scrub ?? snapshots.length - 1;
  const snapshot = snapshots[index] ?? null;
  const preview = useMemo(() => (snapshot ? null : previewSnapshot(task, probeSource, probeTarget)), [snapshot, task, probeSource, probeTarget]);
  // the heatmap renders from a deferred value: an interruptible background pass (see TrainCharts)
  const shown = useDeferredValue(snapshot ?? preview);
  const trace = useMemo(() => (shown ? probeTrace(shown, variant) : null), [shown, variant]);
  return (
    <section className="panel train-probe" aria-labelledby="train-probe-h">
      <h2 id="train-probe-h">{t('train.probe.title')}</h2>
      <p className="note">{t('train.probe.help')}</p>
      {probe && (
        <p className="train-probe-line">
          {t('train.probe.sentence')} <bdi dir="auto">{probe.source.join(' ')}</bdi>
          {probe.target ? (
            <>
              {' → '}
              <bdi dir="auto">{probe.target.join(' ')}</bdi> <span className="muted">{t('punct.paren', { text: t('train.probe.forced') })}</span>
            </>
          ) : (
            <span className="muted"> {t('punct.paren', { text: t('train.probe.free') })}</span>
          )}
        </p>
      )}
      <div className="train-scrub">
        <label htmlFor={sliderId}>{t('train.probe.replay')}</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={Math.max(0, snapshots.length - 1)}
          step={1}
          value={Math.max(0, index)}
          disabled={snapshots.length < 2}
          aria-valuetext={snapshot ? t('train.probe.atStep', { step: snapshot.step }) : t('train.probe.untrained')}
          onChange={(e) => setScrub(Number(e.target.value))}
        />
        <span className="train-scrub-step" data-metric="probe-step" data-value={snapshot ? snapshot.step : ''}>
          {snapshot ? t('train.probe.atStep', { step: snapshot.step }) : t('train.probe.untrained')}
        </span>
        <button type="button" onClick={() => setScrub(null)} disabled={scrub === null}>
          {t('train.probe.latest')}
        </button>
      </div>
      {trace && shown ? (
        <TraceHeatmap trace={trace} palette={palette} transpose={transpose} label={shown === preview ? t('train.probe.previewGrid') : t('train.probe.grid', { step: shown.step })} compact />
      ) : (
        <p className="note">{t('train.probe.empty')}</p>
      )}
      <p className="train-probe-output">
        {snapshot ? (
          <>
            {t('train.probe.output')} <bdi dir="auto">{snapshot.output.length > 0 ? snapshot.output.join(' ') : t('train.probe.nothing')}</bdi>
          </>
        ) : (
          t('train.probe.previewNote')
        )}
      </p>
    </section>
  );
}
