// Padded, masked batches for training: sources get </s> appended, targets are shifted for teacher
// forcing (<s> y_1 … y_n in, y_1 … y_n </s> out). Sequences are stored time-major ([T, B]) so that
// one time step of a batch is contiguous.

import { BOS_ID, EOS_ID, PAD_ID } from '../data/vocab';
import { pairKey } from './dropout';

/** One sentence pair as vocabulary ids, without specials. */
export interface PairIds {
  source: Int32Array;
  target: Int32Array;
}

export interface Batch {
  /** B, the number of sentence pairs. */
  size: number;
  /** Tx: the longest source in the batch, </s> included. */
  srcLen: number;
  /** Ty: the longest target in the batch, </s> included. */
  tgtLen: number;
  /** Source ids, time-major [Tx, B], PAD after each sentence's </s>. */
  srcIds: Int32Array;
  /** 1 where a source position holds a token (</s> included), batch-major [B, Tx]. */
  srcMask: Uint8Array;
  /** Per time step t, which rows are real tokens (for the encoder GRUs). */
  srcStepMasks: Uint8Array[];
  /** Source lengths with </s>. */
  srcLengths: Int32Array;
  /** Decoder inputs, time-major [Ty, B]: <s> y_1 … y_n, then PAD. */
  tgtIn: Int32Array;
  /** Decoder targets, time-major [Ty, B]: y_1 … y_n </s>, then PAD (ignored by the loss). */
  tgtOut: Int32Array;
  /** Target lengths with </s>. */
  tgtLengths: Int32Array;
  /** Number of target tokens the loss counts (Σ tgtLengths). */
  tokens: number;
  /** A hash of each pair's ids: its dropout masks do not depend on the batch it is in (src/model/dropout.ts). */
  rowKeys: Uint32Array;
}

export function makeBatch(pairs: readonly PairIds[]): Batch {
  if (pairs.length === 0) throw new RangeError('makeBatch: empty batch');
  const B = pairs.length;
  let Tx = 0;
  let Ty = 0;
  for (const p of pairs) {
    if (p.source.length === 0) throw new RangeError('makeBatch: a source sentence is empty');
    Tx = Math.max(Tx, p.source.length + 1);
    Ty = Math.max(Ty, p.target.length + 1);
  }
  const srcIds = new Int32Array(Tx * B).fill(PAD_ID);
  const srcMask = new Uint8Array(B * Tx);
  const srcLengths = new Int32Array(B);
  const tgtIn = new Int32Array(Ty * B).fill(PAD_ID);
  const tgtOut = new Int32Array(Ty * B).fill(PAD_ID);
  const tgtLengths = new Int32Array(B);
  const rowKeys = new Uint32Array(B);
  let tokens = 0;
  pairs.forEach((p, b) => {
    rowKeys[b] = pairKey(p.source, p.target);
    const sx = p.source.length;
    for (let t = 0; t < sx; t++) srcIds[t * B + b] = p.source[t];
    srcIds[sx * B + b] = EOS_ID;
    srcLengths[b] = sx + 1;
    srcMask.fill(1, b * Tx, b * Tx + sx + 1);
    const ty = p.target.length;
    tgtIn[b] = BOS_ID;
    for (let t = 0; t < ty; t++) {
      tgtIn[(t + 1) * B + b] = p.target[t];
      tgtOut[t * B + b] = p.target[t];
    }
    tgtOut[ty * B + b] = EOS_ID;
    tgtLengths[b] = ty + 1;
    tokens += ty + 1;
  });
  const srcStepMasks: Uint8Array[] = [];
  for (let t = 0; t < Tx; t++) {
    const m = new Uint8Array(B);
    for (let b = 0; b < B; b++) m[b] = t < srcLengths[b] ? 1 : 0;
    srcStepMasks.push(m);
  }
  return { size: B, srcLen: Tx, tgtLen: Ty, srcIds, srcMask, srcStepMasks, srcLengths, tgtIn, tgtOut, tgtLengths, tokens, rowKeys };
}

/**
 * The hard-coded diagonal of the `diagonal` variant: target step i (0-based, of ty steps) looks
 * at source position round(i·(tx−1)/(ty−1)), clamped to the source.
 */
export function diagonalPosition(i: number, tx: number, ty: number): number {
  if (ty <= 1 || tx <= 1) return 0;
  return Math.min(tx - 1, Math.round((i * (tx - 1)) / (ty - 1)));
}
