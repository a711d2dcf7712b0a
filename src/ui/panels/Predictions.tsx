// The next-word distribution at step i: the top-k tokens with their probabilities as bars, the
// emitted (chosen or forced) token marked — with its own row and rank when it is outside the
// top k. Forced decoding adds the forced word's p and rank and where free and forced decoding
// first part ways; attention edits add an unedited-vs-edited comparison (tokens, Δ log p per
// step, total log p); beam search lists its hypotheses with their scores.

import type { Analysis } from '../../model/analysis';
import type { Trace } from '../../model/trace';
import { useStore } from '../../store/store';
import { fmt, fmtProb } from '../format';
import { useAnalysis, useStep } from '../hooks';
import { useT } from '../i18n';
import { panelEmpty, PanelSection, rich, Tok } from './common';
import './panels.css';

/**
 * Where free and forced decoding first part ways, and what the model would have written there:
 * its own greedy token when a free decoding is at hand and agrees up to that step, else the top-1
 * of the (unedited) forced step, which is the same word (up to there the forced words were the
 * model's first choices: the explorer decodes no free translation for it, DecodeInput.free).
 */
export function divergenceChoice(analysis: Analysis): { step: number; token: string } | null {
  const d = analysis.divergence;
  const reference = analysis.baseline ?? analysis.trace;
  if (d === null || !reference) return null;
  const free = analysis.free;
  let agree = free !== null && free.steps.length > d;
  for (let k = 0; agree && free && k < d; k++) if (free.targetIds[k] !== reference.targetIds[k]) agree = false;
  const token = agree && free ? free.steps[d]?.token.token : reference.steps[d]?.topK[0]?.token;
  return token === undefined ? null : { step: d, token };
}

/** Steps at which two decodings emit different tokens (a missing step counts as different). */
export function changedSteps(a: Trace, b: Trace): number[] {
  const out: number[] = [];
  const n = Math.max(a.targetTokens.length, b.targetTokens.length);
  for (let k = 0; k < n; k++) if (a.targetTokens[k] !== b.targetTokens[k]) out.push(k);
  return out;
}

export function Predictions() {
  const t = useT();
  const analysis = useAnalysis();
  const i = useStep();
  const setStep = useStore((s) => s.setStep);
  const trace = analysis?.trace ?? null;
  const step = trace?.steps[i] ?? null;
  if (!analysis) return null;
  if (!trace || !step) return panelEmpty(t('predict.title'));
  const forced = analysis.mode === 'forced';
  const chosenId = step.token.id;
  const inTop = step.topK.some((e) => e.id === chosenId);
  const chosenP = Math.exp(step.token.logProb);
  const picked = analysis.beamPick !== null && analysis.beamPick !== undefined && analysis.beamPick.hypothesis !== 0;
  const mark = forced ? t('pr.forcedMark') : analysis.beams ? t(picked ? 'pr.beamMarkPicked' : 'pr.beamMark') : t('pr.chosenMark');
  const prev = i > 0 ? trace.targetTokens[i - 1] : '<s>';
  const div = forced ? divergenceChoice(analysis) : null;
  // the hypothesis the panels show: the one picked in the beam tree (none for a pruned branch), else the best
  const shownHyp = analysis.beamPick ? analysis.beamPick.hypothesis : 0;

  return (
    <PanelSection title={t('predict.title')} className="pr">
      <p className="note">{rich(t('pr.context', { i: i + 1 }), { prev: <Tok token={prev ?? ''} /> })}</p>
      {trace.sampling && (
        <p className="note" data-testid="tempered">
          {t('pred.tempered', { t: fmt(trace.sampling.temperature, 2), k: trace.sampling.topK > 0 ? t('pred.temperedTopK', { k: trace.sampling.topK }) : '' })}
        </p>
      )}
      {forced && (
        <p className="pr-forced" data-testid="forced-rank">
          {rich(t('predict.forced', { p: fmtProb(chosenP), rank: step.token.rank }), { token: <Tok token={step.token.token} /> })}
        </p>
      )}
      <ol className="pr-list" aria-label={t('pr.listLabel', { k: step.topK.length })}>
        {step.topK.map((entry, k) => {
          const chosen = entry.id === chosenId;
          return (
            <li key={entry.id} className={chosen ? 'chosen' : undefined}>
              <span className="pr-rank num" aria-hidden="true">
                {k + 1}
              </span>
              <span className="pr-tok">
                <Tok token={entry.token} />
              </span>
              <span className="pr-bar" aria-hidden="true">
                <span style={{ transform: `scaleX(${Math.max(0, Math.min(1, entry.prob)).toFixed(4)})` }} />
              </span>
              <span className="pr-p num">{fmtProb(entry.prob)}</span>
              {chosen && <span className="pr-mark">{mark}</span>}
            </li>
          );
        })}
      </ol>
      {!inTop && (
        <ol className="pr-list pr-extra" start={step.token.rank} aria-label={t('pr.outsideLabel')}>
          <li className="chosen">
            <span className="pr-rank num" aria-hidden="true">
              {step.token.rank}
            </span>
            <span className="pr-tok">
              <Tok token={step.token.token} />
            </span>
            <span className="pr-bar" aria-hidden="true">
              <span style={{ transform: `scaleX(${Math.max(0, Math.min(1, chosenP)).toFixed(4)})` }} />
            </span>
            <span className="pr-p num">{fmtProb(chosenP)}</span>
            <span className="pr-mark">{mark}</span>
          </li>
        </ol>
      )}
      {forced && (
        <div className="pr-diverge">
          {div ? (
            <p>
              {rich(t('predict.diverge', { i: div.step + 1 }), { token: <Tok token={div.token} /> })}{' '}
              {div.step !== i && (
                <button type="button" onClick={() => setStep(div.step)}>
                  {t('pr.goTo', { i: div.step + 1 })}
                </button>
              )}
            </p>
          ) : (
            <p>{t('predict.agree')}</p>
          )}
          {analysis.baseline && <p className="note">{t('pr.divergeUnedited')}</p>}
        </div>
      )}
      {analysis.baseline && <EditComparison baseline={analysis.baseline} edited={trace} forced={forced} current={i} />}
      {analysis.beams && (
        <>
          <h3 className="pnl-h3">{t('pr.beamTitle', { n: analysis.beams.length })}</h3>
          <ol className="pr-beams">
            {analysis.beams.map((h, k) => (
              <li key={k} className={k === shownHyp ? 'shown' : undefined}>
                <bdi dir="auto" className="pr-hyp">
                  {h.trace.targetTokens.join(' ')}
                </bdi>
                <span className="pr-beam-nums num">
                  {t('pr.beamScore', { score: fmt(h.score, 3), logp: fmt(h.trace.logProb, 3), len: h.trace.steps.length })}
                  {!h.trace.finished && ` · ${t('pr.unfinished')}`}
                  {k === shownHyp && ` · ${t('pr.beamShown')}`}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </PanelSection>
  );
}

function EditComparison({ baseline, edited, forced, current }: { baseline: Trace; edited: Trace; forced: boolean; current: number }) {
  const t = useT();
  const changed = new Set(changedSteps(baseline, edited));
  const n = Math.max(baseline.steps.length, edited.steps.length);
  const cols = Array.from({ length: n }, (_, k) => k);
  const delta = edited.logProb - baseline.logProb;
  const tokenCell = (tr: Trace, k: number) => {
    const tok = tr.targetTokens[k];
    const isChanged = changed.has(k);
    return (
      <td key={k} className={`${isChanged ? 'changed' : ''}${k === current ? ' current' : ''}`}>
        {tok === undefined ? <span className="muted">—</span> : <Tok token={tok} />}
        {isChanged && tr === edited && (
          <>
            <span aria-hidden="true" className="pr-changed-mark">
              {' '}
              ≠
            </span>
            <span className="sr-only"> {t('pr.changedSr')}</span>
          </>
        )}
      </td>
    );
  };
  return (
    <div className="pr-compare">
      <h3 className="pnl-h3">{t('pr.compareTitle')}</h3>
      <p className="note">{forced ? t('pr.forcedEdit') : changed.size > 0 ? t('edit.changed', { n: changed.size }) : t('edit.unchanged')}</p>
      <div className="pnl-table-wrap" role="region" aria-label={t('pr.compareTitle')} tabIndex={0}>
        <table className="pnl-table pr-table">
          <thead>
            <tr>
              <td />
              {cols.map((k) => (
                <th scope="col" key={k} className={k === current ? 'current' : undefined}>
                  {k + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('pr.unedited')}</th>
              {cols.map((k) => tokenCell(baseline, k))}
            </tr>
            <tr>
              <th scope="row">{t('pr.edited')}</th>
              {cols.map((k) => tokenCell(edited, k))}
            </tr>
            <tr className="num">
              <th scope="row">{t('pr.deltaLogp')}</th>
              {cols.map((k) => {
                const a = baseline.steps[k];
                const b = edited.steps[k];
                const d = a && b ? b.token.logProb - a.token.logProb : null;
                return (
                  <td key={k} className={k === current ? 'current' : undefined}>
                    {d === null ? '—' : `${d > 0 ? '+' : ''}${fmt(d, 2)}`}
                  </td>
                );
              })}
            </tr>
          </tbody>
        </table>
      </div>
      <p className="pr-totals num">{t('pr.totals', { base: fmt(baseline.logProb, 3), edited: fmt(edited.logProb, 3), delta: `${delta > 0 ? '+' : ''}${fmt(delta, 3)}` })}</p>
    </div>
  );
}
