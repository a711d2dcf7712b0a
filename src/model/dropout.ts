// Dropout for training (Srivastava et al. 2014, inverted: kept units are scaled by 1/(1−rate), so
// inference needs no change). Used by the RNNsearch training forward on the embeddings and on the
// maxout output t_i before the vocabulary projection (docs/ARCHITECTURE.md, "Regularisation").
//
// Each mask value is a hash of (seed, the sentence pair's own key, time step, unit), not a draw
// from a running generator. So a pair gets the same mask whichever share of a data-parallel batch
// it lands in and wherever padding puts it: one thread and N threads compute the same gradient
// (src/train/parallel.ts), and the step's seed makes every step's masks differ.

import { Tensor, allocArray, type DType } from '../tensor';
import type { Batch } from './batch';

/** What a training step asks of dropout: the probability of dropping a unit and the step's seed. */
export interface Dropout {
  rate: number;
  seed: number;
}

/** A 32-bit mix of two words (the finaliser of MurmurHash3 applied to a ⊕ b·golden). */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A key per sentence pair from its ids (FNV-1a over source, a separator and target). */
export function pairKey(source: Int32Array, target: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ (source[i] as number), 0x01000193);
  h = Math.imul(h ^ 0x7fffffff, 0x01000193);
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ (target[i] as number), 0x01000193);
  return h >>> 0;
}

/** The seed of one step's masks, from the run's seed and the step number. */
export function stepSeed(seed: number, step: number): number {
  return mix(mix(0x5eed ^ seed, seed >>> 0), step);
}

/**
 * A mask for a time-major activation [T, B, D] of `batch` (rows in batch order): 0 with
 * probability `rate`, else 1/(1−rate). `stream` tells apart masks of different activations.
 */
export function dropoutMask(shape: readonly number[], batch: Batch, d: Dropout, stream: number, dtype: DType = 'float32'): Tensor {
  const [T, B, D] = shape as [number, number, number];
  if (shape.length !== 3 || B !== batch.size) throw new RangeError(`dropoutMask: expected [T, ${batch.size}, D], got [${shape.join(', ')}]`);
  if (!(d.rate >= 0 && d.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${d.rate}`);
  const out = allocArray(dtype, T * B * D);
  const keep = 1 / (1 - d.rate);
  // a unit is dropped when its hash, as a fraction of 2³², falls below the rate
  const threshold = Math.floor(d.rate * 4294967296);
  const base = mix(d.seed >>> 0, stream);
  for (let b = 0; b < B; b++) {
    const rowSeed = mix(base, batch.rowKeys[b] as number);
    for (let t = 0; t < T; t++) {
      const cell = mix(rowSeed, t);
      const o = (t * B + b) * D;
      for (let u = 0; u < D; u++) out[o + u] = mix(cell, u) < threshold ? 0 : keep;
    }
  }
  return new Tensor(out, [T, B, D]);
}
