// "Is attention an explanation?" (issue 16; docs/ARCHITECTURE.md, "Saliency beside attention"):
// beside the attention row of the current step, the gradient × input of the chosen word's
// log-probability for each source word and the leave-one-out change of it, with Spearman's ρ
// between attention and each, for the step and the sentence, and one sentence on why they can
// disagree (Jain & Wallace 2019; Wiegreffe & Pinter 2019).
//
// The numbers cost a few hundred decodings' worth of work, so they are computed on demand (the
// button), never on a keystroke, and on two threads where the analysis worker holds the model (it
// computes the leave-one-out while this thread computes the gradients). The panel keeps its
// result with the key of what it was computed for (model, positions, units, source and target
// ids), shows it for every step of that sentence, and offers to compute again once the sentence
// changes. The computation (src/model/saliency.ts)
// comes as units of work; the panel runs one unit per task (setTimeout between them), so that the
// page stays responsive and a stale run is dropped between two units (docs/RELIABILITY.md,
// "saliency on a long sentence"). The result stays in this component, outside the store: it is
// derived, on demand, and nothing else reads it.

import { useEffect, useRef, useState } from 'react';
import { groupTargetSteps, mergeSaliency, positionUnits, saliencyJob, sentenceAgreement, stepAgreement, type Saliency as SaliencyResult, type SaliencyModel, type SaliencyProgress } from '../../model/saliency';
import type { Trace } from '../../model/trace';
import type { Analysis } from '../../model/analysis';
import { internalReason } from '../../store/errorReason';
import type { NoticeVar } from '../../store/notices';
import { saliencyInWorker, useStore } from '../../store/store';
import type { SaliencyWireRequest } from '../../worker/analysisSession';
import { fmt, fmtSmall } from '../format';
import { useAnalysis, useModel, useStep } from '../hooks';
import { useT } from '../i18n';
import { Notation, panelEmpty, PanelSection, rich, Tok } from './common';
import './panels.css';

/** What a result was computed for: the same key, the same numbers. */
export function saliencyKey(modelId: string, a: Analysis, positions: boolean): string | null {
  const pieces = a.pieces;
  if (!pieces || pieces.steps.length === 0) return null;
  return [modelId, positions ? 'pos' : 'nopos', a.units, pieces.sourceIds.join(','), pieces.targetIds.join(',')].join('|');
}

/** Run a job one unit per task; null when `cancelled()` turns true between two units. */
async function runUnits(job: Generator<SaliencyProgress, SaliencyResult, void>, onProgress: (p: SaliencyProgress) => void, cancelled: () => boolean): Promise<SaliencyResult | null> {
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
    onProgress(r.value);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (cancelled()) return null;
  }
}

/**
 * Compute the numbers for an analysis, in the units it shows, one unit of work per task. With
 * `inWorker` (the analysis worker, when it holds the model: src/store/store.ts), the leave-one-out
 * runs there while this thread computes the gradients, the two halves at once on two cores; if the
 * worker fails, this thread computes the leave-one-out too. Resolves to null when `cancelled()`
 * turns true between two units; `ms` is the time from the start to the result.
 */
export async function computeForAnalysis(
  model: SaliencyModel,
  a: Analysis,
  positions: boolean,
  onProgress: (fraction: number) => void,
  cancelled: () => boolean,
  inWorker?: (request: SaliencyWireRequest, signal: AbortSignal) => Promise<SaliencyResult> | null,
): Promise<{ result: SaliencyResult; ms: number; threads: 1 | 2 } | null> {
  const t0 = performance.now();
  const stop = new AbortController();
  try {
    return await computeHalves(model, a, positions, onProgress, cancelled, inWorker, stop.signal, t0);
  } finally {
    // whatever ended this run, the worker's half is not wanted any more (a no-op once it has answered)
    stop.abort();
  }
}

async function computeHalves(
  model: SaliencyModel,
  a: Analysis,
  positions: boolean,
  onProgress: (fraction: number) => void,
  cancelled: () => boolean,
  inWorker: ((request: SaliencyWireRequest, signal: AbortSignal) => Promise<SaliencyResult> | null) | undefined,
  signal: AbortSignal,
  t0: number,
): Promise<{ result: SaliencyResult; ms: number; threads: 1 | 2 } | null> {
  const pieces = a.pieces as Trace;
  const spans = a.units === 'words' ? a.trace?.spans : undefined;
  const units = spans ? spans.source : positionUnits(pieces.srcLen);
  // only the steps the trace has (an unfinished decoding has no </s>)
  const request = { sourceIds: pieces.sourceIds, targetIds: pieces.targetIds.subarray(0, pieces.steps.length), units, positions };
  // (a failed worker answers null at once: handled now, not when this thread's half is done)
  const asked = inWorker?.({ ...request, units: { firstPiece: [...units.firstPiece], lastPiece: [...units.lastPiece] }, part: 'leave-one-out' }, signal) ?? null;
  const elsewhere = asked ? asked.then((r): SaliencyResult | null => r, () => null) : null;
  // the worker's half is not counted in the progress: it ends about when this thread's does
  const here = await runUnits(saliencyJob(model, elsewhere ? { ...request, part: 'gradient' } : request), (p) => onProgress(p.done / (p.total + (elsewhere ? 1 : 0))), cancelled);
  if (!here) return null;
  let result = here;
  let threads: 1 | 2 = 1;
  if (elsewhere) {
    const there = await elsewhere;
    if (there) threads = 2;
    const other = there ?? (await runUnits(saliencyJob(model, { ...request, part: 'leave-one-out' }), () => undefined, cancelled));
    if (!other || cancelled()) return null;
    result = mergeSaliency(here, other);
  }
  return { result: spans ? groupTargetSteps(result, spans.target) : result, ms: performance.now() - t0, threads };
}

type RunState =
  | { status: 'idle' }
  | { status: 'running'; key: string; fraction: number }
  | { status: 'done'; key: string; result: SaliencyResult; ms: number; threads: 1 | 2 }
  | { status: 'error'; key: string; detail: NoticeVar };

export function Saliency() {
  const t = useT();
  const analysis = useAnalysis();
  const model = useModel();
  const i = useStep();
  const modelId = useStore((s) => s.modelId);
  const positions = useStore((s) => s.positions);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const current = useRef<string | null>(null);
  const key = analysis ? saliencyKey(modelId, analysis, positions) : null;
  // a run for another sentence (or a panel that is gone) stops between two units: typing on
  // while it runs costs at most one unit
  useEffect(() => {
    if (current.current !== key) current.current = null;
  }, [key]);
  useEffect(() => () => void (current.current = null), []);
  if (!analysis) return null;
  const trace = analysis.trace;
  const step = trace?.steps[i] ?? null;
  if (!trace || !step || !key || !model) return panelEmpty(t('sal.titleEmpty'));

  const start = (): void => {
    current.current = key;
    setRun({ status: 'running', key, fraction: 0 });
    computeForAnalysis(
      model,
      analysis,
      positions,
      (fraction) => current.current === key && setRun({ status: 'running', key, fraction }),
      () => current.current !== key,
      (request, signal) => saliencyInWorker(model, request, signal),
    ).then(
      (done) => {
        if (done && current.current === key) setRun({ status: 'done', key, result: done.result, ms: done.ms, threads: done.threads });
      },
      (err: unknown) => {
        if (current.current === key) setRun({ status: 'error', key, detail: internalReason(err) });
      },
    );
  };

  const title = rich(t('sal.title', { i: i + 1 }), { token: <Tok token={step.token.token} /> });
  const running = run.status === 'running' && run.key === key;
  const fresh = run.status === 'done' && run.key === key ? run : null;
  const stale = run.status !== 'idle' && run.key !== key;
  const subword = model.codecs.source.subword;
  return (
    <PanelSection title={title} className="sal">
      <div data-testid="saliency">
        <p className="note">{rich(t('sal.intro'), { token: <Tok token={step.token.token} /> })}</p>
        <p className="note sal-why">{t('sal.why')}</p>
        {!fresh && (
          <div className="sal-actions">
            {stale && <p className="note">{t('sal.stale')}</p>}
            <button type="button" className="sal-compute" onClick={start} disabled={running}>
              {stale ? t('sal.recompute') : t('sal.compute')}
            </button>
            <p className="note" role="status" aria-live="polite">
              {running ? t('sal.running', { pct: `${Math.round(run.fraction * 100)}%` }) : run.status === 'error' && run.key === key ? t('sal.error', { detail: run.detail }) : t('sal.cost')}
            </p>
          </div>
        )}
        {fresh && <SaliencyTable analysis={analysis} result={fresh.result} ms={fresh.ms} threads={fresh.threads} i={i} subword={subword} />}
      </div>
    </PanelSection>
  );
}

/** The attention rows the numbers are compared with: the unedited ones when the reader edited attention. */
function attentionRows(a: Analysis): Array<ArrayLike<number> | null> {
  const trace = (a.baseline ?? a.trace) as Trace;
  return trace.steps.map((s) => s.weights);
}

function SaliencyTable({ analysis, result, ms, threads, i, subword }: { analysis: Analysis; result: SaliencyResult; ms: number; threads: 1 | 2; i: number; subword: boolean }) {
  const t = useT();
  const trace = analysis.trace as Trace;
  const rows = attentionRows(analysis);
  const weights = rows[i] ?? null;
  const U = result.units;
  const words = U - 1;
  const tokens = trace.sourceTokens;
  if (i >= result.steps) return null;
  const g = Array.from({ length: U }, (_, u) => result.gradInput[i * U + u]);
  const d = Array.from({ length: U }, (_, u) => result.leaveOneOut[i * U + u]);
  const maxAbs = (xs: number[]): number => xs.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const gMax = maxAbs(g);
  const dMax = maxAbs(d);
  const aMax = weights ? maxAbs(Array.from(weights)) : 0;
  const stepRho = weights ? stepAgreement(weights, result, i) : null;
  const sentence = sentenceAgreement(rows, result);
  const tv = trace.transformer;
  return (
    <>
      {!weights && <p className="note">{t('sal.noAttention')}</p>}
      {analysis.baseline && <p className="note">{t('sal.edited')}</p>}
      {tv && (
        <p className="note">
          {t('sal.transformer', { what: tv.view.head === 'mean' ? t('hg.meanOf', { heads: tv.heads, layer: tv.view.layer + 1 }) : t('hg.headOf', { head: tv.view.head + 1, layer: tv.view.layer + 1 }) })}
        </p>
      )}
      {weights && (
        <div className="sal-rho" data-testid="saliency-rho">
          <h3>{t('sal.rhoTitle')}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">{t('sal.rhoStep')}</th>
                <th scope="col">{t('sal.rhoSentence', { n: sentence.steps.gradient })}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('sal.grad')}</th>
                <td className="num" data-testid="rho-grad-step">{fmt(stepRho?.gradient ?? NaN)}</td>
                <td className="num" data-testid="rho-grad-sentence">{fmt(sentence.gradient)}</td>
              </tr>
              <tr>
                <th scope="row">{t('sal.loo')}</th>
                <td className="num" data-testid="rho-loo-step">{fmt(stepRho?.leaveOneOut ?? NaN)}</td>
                <td className="num" data-testid="rho-loo-sentence">{fmt(sentence.leaveOneOut)}</td>
              </tr>
            </tbody>
          </table>
          <p className="note">{t('sal.rhoNote', { n: words })}</p>
        </div>
      )}
      <div className="sal-grid" role="table" aria-label={t('sal.tableLabel', { i: i + 1 })}>
        <div className="sal-row sal-header" role="row">
          <span role="columnheader">{t('sal.word')}</span>
          <span role="columnheader">
            <Notation text={t('sal.alpha')} />
          </span>
          <span role="columnheader">{t('sal.grad')}</span>
          <span role="columnheader">{t('sal.loo')}</span>
        </div>
        {tokens.map((token, u) => {
          const a = weights ? weights[u] : NaN;
          return (
            <div className="sal-row" role="row" key={u} aria-label={t('sal.rowLabel', { token, alpha: fmt(a, 3), g: fmtSmall(g[u]), d: fmtSmall(d[u]) })}>
              <span role="cell" className="sal-tok" title={token}>
                <Tok token={token} unknown={trace.sourceUnknown[u] ?? false} />
              </span>
              <span role="cell" className="sal-cell">
                <span className="num">{fmt(a, 2)}</span>
                <span className="sal-track" aria-hidden="true">
                  {weights && <span className="sal-fill alpha" style={{ width: `${aMax > 0 ? (100 * a) / aMax : 0}%` }} />}
                </span>
              </span>
              <Diverging value={g[u]} max={gMax} />
              <Diverging value={d[u]} max={dMax} />
            </div>
          );
        })}
      </div>
      <p className="note">{t('sal.signNote')}</p>
      {subword && <p className="note">{t(analysis.units === 'words' ? 'sal.wordsRule' : 'sal.piecesRule')}</p>}
      <p className="note muted" data-testid="saliency-done" data-threads={threads}>
        {t(threads === 2 ? 'sal.doneTwo' : 'sal.done', { ms: ms.toFixed(0), steps: result.steps, words })}
      </p>
    </>
  );
}

/** A bar from the middle: right (purple) for a positive value, left (orange) for a negative one. */
function Diverging({ value, max }: { value: number; max: number }) {
  const finite = Number.isFinite(value);
  const half = finite && max > 0 ? (50 * Math.abs(value)) / max : 0;
  const sign = value >= 0 ? 'pos' : 'neg';
  return (
    <span role="cell" className="sal-cell">
      <span className="num">{fmtSmall(value)}</span>
      <span className="sal-track diverging" aria-hidden="true">
        {finite && <span className={`sal-fill ${sign}`} style={value >= 0 ? { left: '50%', width: `${half}%` } : { right: '50%', width: `${half}%` }} />}
      </span>
    </span>
  );
}
