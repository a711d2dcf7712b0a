// A probe snapshot (tokens and α rows from the worker) as a Trace, so the shared heatmap draws it.
// Only what a heatmap reads is filled in: tokens, α per step (no scores, states or predictions).

import type { Variant } from '../../model/config';
import type { Trace, TraceStep } from '../../model/trace';
import type { ProbeSnapshot } from '../../store/train';

const EMPTY = new Float32Array(0);

export function probeTrace(s: ProbeSnapshot, variant: Variant): Trace {
  const hasWeights = s.weights.length > 0 && s.weights.length === s.rows * s.cols;
  const steps: TraceStep[] = s.target.map((token, i) => ({
    index: i,
    prevState: EMPTY,
    query: null,
    scores: null,
    weights: hasWeights ? s.weights.subarray(i * s.cols, (i + 1) * s.cols) : null,
    context: EMPTY,
    state: EMPTY,
    topK: [],
    token: { id: 0, token, logProb: 0, rank: 1 },
    edited: false,
  }));
  return {
    variant,
    mode: s.forced ? 'forced' : 'greedy',
    sourceTokens: s.source,
    sourceIds: new Int32Array(s.cols),
    sourceUnknown: s.source.map((t) => t === '<unk>'),
    srcLen: s.cols,
    annotations: EMPTY,
    keys: null,
    keyDim: 0,
    targetTokens: s.target,
    targetIds: new Int32Array(s.rows),
    steps,
    logProb: 0,
    finished: true,
    hidden: 0,
  };
}

/**
 * How anti-diagonal a reversal probe's alignment is: the share of target rows (before </s>)
 * whose largest weight sits on source position T−1−i (T source tokens before </s>).
 */
export function antiDiagonalShare(s: ProbeSnapshot): number {
  const T = s.cols - 1;
  const rows = Math.min(s.rows - 1, T);
  if (rows <= 0 || s.weights.length !== s.rows * s.cols) return 0;
  let hits = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < s.cols; j++) if (s.weights[i * s.cols + j] > s.weights[i * s.cols + best]) best = j;
    if (best === T - 1 - i) hits++;
  }
  return hits / rows;
}
