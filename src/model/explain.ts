// Explanations the panels show, computed by the model (panels never redo the maths): the
// per-unit terms that add up to one attention score e_ij.

import { crossVariant, type Variant } from './config';
import type { Trace } from './trace';

/** The sum of the terms and the trace's score agree within this (float32 rounding of e). */
export const SCORE_TOLERANCE = 1e-5;

export interface ScoreTerms {
  variant: Variant;
  i: number;
  j: number;
  /** The query side: W_a s_{i−1} / s_{i−1} / W_q s_{i−1}. */
  query: Float64Array;
  /** The key side: U_a h_j / (→h_j + ←h_j) / W_g h_j / W_k h_j. */
  key: Float64Array;
  /** Additive only: q + k, tanh(q + k), v_a. */
  sum: Float64Array | null;
  act: Float64Array | null;
  va: Float64Array | null;
  /** One term per unit; their sum is the score. */
  terms: Float64Array;
  /** Σ terms. */
  total: number;
  /** e_ij as the trace recorded it. */
  score: number;
  /** 1, or 1/√d for scaled-dot (and a Transformer's softmax cross-attention). */
  scale: number;
}

/**
 * The per-unit terms of e_ij. `va` is v_a (additive only); `tanh` is the model's own tanh.
 * Null when the variant has no score or the pieces do not fit together.
 */
export function scoreTerms(trace: Trace, i: number, j: number, va: ArrayLike<number> | null, tanh: (x: number) => number = Math.tanh): ScoreTerms | null {
  const step = trace.steps[i];
  const d = trace.keyDim;
  if (!step || !step.query || !step.scores || !trace.keys || d <= 0 || j < 0 || j >= trace.srcLen) return null;
  if (step.query.length !== d) return null;
  const query = Float64Array.from(step.query);
  const key = Float64Array.from(trace.keys.subarray(j * d, (j + 1) * d));
  const terms = new Float64Array(d);
  let sum: Float64Array | null = null;
  let act: Float64Array | null = null;
  let vaCopy: Float64Array | null = null;
  let scale = 1;
  if (trace.variant === 'additive') {
    if (!va || va.length !== d) return null;
    sum = new Float64Array(d);
    act = new Float64Array(d);
    vaCopy = Float64Array.from(va);
    for (let k = 0; k < d; k++) {
      sum[k] = query[k] + key[k];
      act[k] = tanh(sum[k]);
      terms[k] = vaCopy[k] * act[k];
    }
  } else {
    scale = crossVariant(trace.variant) === 'scaled-dot' ? 1 / Math.sqrt(d) : 1;
    for (let k = 0; k < d; k++) terms[k] = query[k] * key[k] * scale;
  }
  let total = 0;
  for (let k = 0; k < d; k++) total += terms[k];
  return { variant: trace.variant, i, j, query, key, sum, act, va: vaCopy, terms, total, score: step.scores[j], scale };
}

