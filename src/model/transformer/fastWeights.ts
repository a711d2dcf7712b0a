// Linear attention replayed as a fast weight programmer (Schmidhuber 1991; Schlag, Irie &
// Schmidhuber 2021): in a causal linear-attention head, step t writes the outer product
// v_t φ(k_t)ᵀ into a matrix W_t = W_{t−1} + v_t φ(k_t)ᵀ (and φ(k_t) into a normaliser z_t), and
// reads W_t φ(q_t) / (z_t · φ(q_t)). That is the same number as the attention form
// Σ_{j≤t} (φ(q_t)·φ(k_j)) v_j / Σ_{j≤t} φ(q_t)·φ(k_j), computed in linear instead of quadratic
// time in the length. Both are computed here in float32, beside the model's own output.

import type { TransformerDetail } from '../trace';

export interface FastWeightStep {
  /** t, 0-based. */
  t: number;
  dk: number;
  /** W_t [d_k × d_k] row-major (rows: value units, columns: key features). */
  W: Float32Array;
  /** The write of this step, v_t φ(k_t)ᵀ [d_k × d_k]. */
  write: Float32Array;
  /** z_t = Σ_{j≤t} φ(k_j). */
  z: Float32Array;
  phiQ: Float32Array;
  phiK: Float32Array;
  v: Float32Array;
  /** W_t φ(q_t) / (z_t·φ(q_t)): the recurrent (fast weight) read. */
  recurrent: Float32Array;
  /** Σ_j (φ(q_t)·φ(k_j)) v_j / Σ_j φ(q_t)·φ(k_j): the parallel (attention) form. */
  parallel: Float32Array;
  /** The head's output as the model computed it (float64 or float32 forward). */
  model: Float32Array;
  /** max |recurrent − parallel| and max |recurrent − model|. */
  diff: number;
  diffModel: number;
  /** Multiply-adds to reach step t: recurrent 2·d_k² per step (write + read); parallel 2·(j+1)·d_k at step j. */
  work: { recurrent: number; parallel: number };
}

function rowOf(src: ArrayLike<number>, offset: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = src[offset + k];
  return out;
}

/**
 * Replay decoder self-attention head (`layer`, `head`) of a linear-attention trace up to step
 * `t`. Throws RangeError for an out-of-range layer, head or step.
 */
export function replayFastWeights(detail: TransformerDetail, layer: number, head: number, t: number): FastWeightStep {
  const { dk, heads, layers } = detail;
  const Ty = detail.self.rows;
  if (!(layer >= 0 && layer < layers && head >= 0 && head < heads && t >= 0 && t < Ty)) throw new RangeError(`no decoder self-attention head ${layer}.${head} at step ${t}`);
  const base = (layer * heads + head) * Ty * dk;
  const W = new Float32Array(dk * dk);
  const z = new Float32Array(dk);
  let write = new Float32Array(dk * dk);
  for (let j = 0; j <= t; j++) {
    const k = rowOf(detail.selfKeys, base + j * dk, dk);
    const v = rowOf(detail.selfValues, base + j * dk, dk);
    write = new Float32Array(dk * dk);
    for (let r = 0; r < dk; r++) for (let c = 0; c < dk; c++) write[r * dk + c] = v[r] * k[c];
    for (let e = 0; e < W.length; e++) W[e] = W[e] + write[e];
    for (let c = 0; c < dk; c++) z[c] = z[c] + k[c];
  }
  const phiQ = rowOf(detail.selfQueries, base + t * dk, dk);
  const phiK = rowOf(detail.selfKeys, base + t * dk, dk);
  const v = rowOf(detail.selfValues, base + t * dk, dk);
  // recurrent read
  let den = 0;
  for (let c = 0; c < dk; c++) den += z[c] * phiQ[c];
  const recurrent = new Float32Array(dk);
  for (let r = 0; r < dk; r++) {
    let s = 0;
    for (let c = 0; c < dk; c++) s += W[r * dk + c] * phiQ[c];
    recurrent[r] = s / den;
  }
  // parallel form over the stored keys and values
  const parallel = new Float32Array(dk);
  let total = 0;
  for (let j = 0; j <= t; j++) {
    let sim = 0;
    for (let c = 0; c < dk; c++) sim += phiQ[c] * detail.selfKeys[base + j * dk + c];
    total += sim;
    for (let r = 0; r < dk; r++) parallel[r] = parallel[r] + sim * detail.selfValues[base + j * dk + r];
  }
  for (let r = 0; r < dk; r++) parallel[r] = parallel[r] / total;
  const model = rowOf(detail.selfOutputs, base + t * dk, dk);
  let diff = 0;
  let diffModel = 0;
  for (let r = 0; r < dk; r++) {
    diff = Math.max(diff, Math.abs(recurrent[r] - parallel[r]));
    diffModel = Math.max(diffModel, Math.abs(recurrent[r] - model[r]));
  }
  const n = t + 1;
  return { t, dk, W, write, z, phiQ, phiK, v, recurrent, parallel, model, diff, diffModel, work: { recurrent: 2 * n * dk * dk, parallel: n * (n + 1) * dk } };
}
