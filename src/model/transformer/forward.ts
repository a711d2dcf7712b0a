// The Transformer (Vaswani et al. 2017) built from autodiff ops: one forward used by training
// (a padded batch, teacher forcing, the loss) and by inference (a batch of one, recording every
// layer's and head's attention), so the two cannot disagree (docs/ARCHITECTURE.md, "Model
// families"). Post-layer-norm as in the paper: x = LayerNorm(x + Sublayer(x)).
//
// Attention is either softmax(QKᵀ/√d_k)V per head, or linear attention (Katharopoulos et al.
// 2020): weights φ(q_i)·φ(k_j) / Σ_j′ φ(q_i)·φ(k_j′) with φ = elu + 1 and no softmax, which in the
// causal decoder is exactly a fast weight memory W_i = W_{i−1} + v_i φ(k_i)ᵀ read as W_i φ(q_i)
// (Schlag, Irie & Schmidhuber 2021; see fastWeights.ts). Training computes it in the parallel
// (quadratic) form; the fast-weight panel replays the recurrent (linear) form.

import { PAD_ID } from '../../data/vocab';
import {
  Tensor,
  add,
  allocArray,
  crossEntropy,
  div,
  eluPlusOne,
  gather,
  layerNorm,
  linear,
  matmul,
  mul,
  relu,
  reshape,
  scale,
  softmax,
  sum,
  transpose,
  type FloatArray,
} from '../../tensor';
import type { Batch } from '../batch';
import { linearAt, type TransformerConfig } from '../config';
import type { Params } from '../params';

/** Which attention of which layer: encoder self-attention, decoder self-attention, cross-attention. */
export type AttentionKind = 'encoder' | 'self' | 'cross';

/** What one attention sub-layer computed, per head, for a batch of one (inference). */
export interface AttentionRecord {
  kind: AttentionKind;
  layer: number;
  /** [h, Tq, Tk] weights (softmax, or normalised φ(q)·φ(k) for linear attention). */
  weights: FloatArray;
  /** [h, Tq, Tk]: q·k/√d (softmax) or φ(q)·φ(k) (linear); masked entries as computed. */
  scores: FloatArray;
  /** [h, Tq, d_k]: the queries the scores used (φ(q) for linear attention). */
  queries: FloatArray;
  /** [h, Tk, d_k]: the keys (φ(k) for linear attention). */
  keys: FloatArray;
  /** [h, Tk, d_k]: the values the weights average. */
  values: FloatArray;
  /** [h, Tq, d_k]: each head's output Σ_j w_ij v_j, before W_o. */
  outputs: FloatArray;
  tq: number;
  tk: number;
}

export interface TransformerRunOptions {
  /** Add the sinusoidal positions (default true); false shows order blindness. */
  positions?: boolean;
  /** Keep every attention's numbers (batch of one only). */
  record?: AttentionRecord[];
  /**
   * Attention edits for the last decoder layer's cross-attention: query position → weights over
   * the source (normalised), used for every head of that layer.
   */
  crossOverride?: ReadonlyMap<number, FloatArray>;
}

/** The sinusoidal position encodings [T, D]: PE(p, 2i) = sin(p/10000^{2i/D}), PE(p, 2i+1) = cos(…). */
export function positionEncoding(T: number, D: number, dtype: 'float32' | 'float64'): Tensor {
  const pe = allocArray(dtype, T * D);
  for (let p = 0; p < T; p++) {
    for (let i = 0; i < D; i += 2) {
      const angle = p / Math.pow(10000, i / D);
      pe[p * D + i] = Math.sin(angle);
      if (i + 1 < D) pe[p * D + i + 1] = Math.cos(angle);
    }
  }
  return new Tensor(pe, [T, D]);
}

/** Token embeddings × √d_model, plus positions: [B, T, D] from batch-major ids [B·T]. */
export function embed(table: Tensor, ids: Int32Array, B: number, T: number, positions: boolean): Tensor {
  const D = table.shape[1];
  const x = scale(gather(table, ids, [B, T]), Math.sqrt(D));
  return positions ? add(x, positionEncoding(T, D, table.dtype)) : x;
}

/** [B, T, D] → [B·h, T, D/h]: the heads side by side as a batch. */
function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, D] = x.shape as [number, number, number];
  return reshape(transpose(reshape(x, [B, T, heads, D / heads]), [0, 2, 1, 3]), [B * heads, T, D / heads]);
}

function mergeHeads(x: Tensor, B: number): Tensor {
  const [BH, T, dk] = x.shape as [number, number, number];
  const h = BH / B;
  return reshape(transpose(reshape(x, [B, h, T, dk]), [0, 2, 1, 3]), [B, T, h * dk]);
}

/**
 * keep(b, q, k): whether query q of sentence b may look at key k. Returns the 0/1 mask laid out
 * like the scores [B·h, Tq, Tk].
 */
function attentionMask(B: number, heads: number, tq: number, tk: number, keep: (b: number, q: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(B * heads * tq * tk);
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < tq; q++) {
      for (let k = 0; k < tk; k++) {
        if (!keep(b, q, k)) continue;
        for (let h = 0; h < heads; h++) m[((b * heads + h) * tq + q) * tk + k] = 1;
      }
    }
  }
  return m;
}

interface AttentionArgs {
  params: Params;
  prefix: string;
  query: Tensor;
  memory: Tensor;
  mask: Uint8Array;
  heads: number;
  linearAttention: boolean;
  kind: AttentionKind;
  layer: number;
  record?: AttentionRecord[];
  override?: ReadonlyMap<number, FloatArray>;
}

/** Multi-head attention: W_o · concat_h(attend(W_q^h x, W_k^h m, W_v^h m)). */
function multiHead(a: AttentionArgs): Tensor {
  const P = (n: string): Tensor => a.params.get(`${a.prefix}.${n}`);
  const B = a.query.shape[0];
  const tq = a.query.shape[1];
  const tk = a.memory.shape[1];
  let q = splitHeads(linear(a.query, P('Wq')), a.heads);
  let k = splitHeads(linear(a.memory, P('Wk')), a.heads);
  const v = splitHeads(linear(a.memory, P('Wv')), a.heads);
  let scores: Tensor;
  let weights: Tensor;
  if (a.linearAttention) {
    q = eluPlusOne(q);
    k = eluPlusOne(k);
    scores = matmul(q, k, { transB: true }); // φ(q_i)·φ(k_j) ≥ 0
    const keep = allocArray(scores.dtype, a.mask.length);
    for (let e = 0; e < keep.length; e++) keep[e] = a.mask[e];
    const masked = mul(scores, new Tensor(keep, scores.shape));
    weights = div(masked, sum(masked, -1, true));
  } else {
    const dk = q.shape[2];
    scores = scale(matmul(q, k, { transB: true }), 1 / Math.sqrt(dk));
    weights = softmax(scores, -1, a.mask);
  }
  if (a.override && a.override.size > 0) weights = overrideRows(weights, a.override);
  const out = matmul(weights, v); // [B·h, Tq, d_k]
  if (a.record) {
    a.record.push({
      kind: a.kind,
      layer: a.layer,
      weights: weights.data.slice(),
      scores: scores.data.slice(),
      queries: q.data.slice(),
      keys: k.data.slice(),
      values: v.data.slice(),
      outputs: out.data.slice(),
      tq,
      tk,
    });
  }
  return linear(mergeHeads(out, B), P('Wo'));
}

/** Replace whole weight rows (an attention edit; inference only, no gradient through them). */
function overrideRows(weights: Tensor, rows: ReadonlyMap<number, FloatArray>): Tensor {
  const [BH, tq, tk] = weights.shape as [number, number, number];
  const data = weights.data.slice();
  for (let bh = 0; bh < BH; bh++) {
    for (const [pos, row] of rows) if (pos < tq) data.set(row.subarray(0, tk), (bh * tq + pos) * tk);
  }
  return new Tensor(data, weights.shape);
}

function feedForward(params: Params, prefix: string, x: Tensor): Tensor {
  const P = (n: string): Tensor => params.get(`${prefix}.ffn.${n}`);
  return linear(relu(linear(x, P('W1'), P('b1'))), P('W2'), P('b2'));
}

function addNorm(params: Params, prefix: string, n: number, x: Tensor, sub: Tensor): Tensor {
  return layerNorm(add(x, sub), params.get(`${prefix}.ln${n}.g`), params.get(`${prefix}.ln${n}.b`));
}

/** The source side as the decoder needs it. */
export interface EncoderOutput {
  /** [B, Tx, D] */
  memory: Tensor;
  /** 1 where a source position holds a token, batch-major [B, Tx]. */
  srcMask: Uint8Array;
}

/** The encoder stack over batch-major source ids [B·Tx]. */
export function encode(params: Params, config: TransformerConfig, srcIds: Int32Array, srcMask: Uint8Array, B: number, Tx: number, opts: TransformerRunOptions = {}): EncoderOutput {
  const { heads, layers } = config.sizes;
  const linearAttention = linearAt(config.variant, 'encoder');
  let x = embed(params.get('encoder.embedding'), srcIds, B, Tx, opts.positions !== false);
  const mask = attentionMask(B, heads, Tx, Tx, (b, _q, k) => srcMask[b * Tx + k] === 1);
  for (let l = 0; l < layers; l++) {
    const prefix = `encoder.layer${l}`;
    const att = multiHead({ params, prefix: `${prefix}.self`, query: x, memory: x, mask, heads, linearAttention, kind: 'encoder', layer: l, ...(opts.record ? { record: opts.record } : {}) });
    x = addNorm(params, prefix, 1, x, att);
    x = addNorm(params, prefix, 2, x, feedForward(params, prefix, x));
  }
  return { memory: x, srcMask };
}

/** The decoder stack over batch-major target inputs [B·Ty] (<s> y_1 …): the last layer's output [B, Ty, D] and the logits [B, Ty, V]. */
export function decode(params: Params, config: TransformerConfig, enc: EncoderOutput, tgtIn: Int32Array, B: number, Ty: number, opts: TransformerRunOptions = {}): { hidden: Tensor; logits: Tensor } {
  const { heads, layers } = config.sizes;
  const Tx = enc.memory.shape[1];
  let y = embed(params.get('decoder.embedding'), tgtIn, B, Ty, opts.positions !== false);
  const causal = attentionMask(B, heads, Ty, Ty, (_b, q, k) => k <= q);
  const cross = attentionMask(B, heads, Ty, Tx, (b, _q, k) => enc.srcMask[b * Tx + k] === 1);
  const rec = opts.record ? { record: opts.record } : {};
  for (let l = 0; l < layers; l++) {
    const prefix = `decoder.layer${l}`;
    const self = multiHead({ params, prefix: `${prefix}.self`, query: y, memory: y, mask: causal, heads, linearAttention: linearAt(config.variant, 'self'), kind: 'self', layer: l, ...rec });
    y = addNorm(params, prefix, 1, y, self);
    const override = l === layers - 1 ? opts.crossOverride : undefined;
    const att = multiHead({ params, prefix: `${prefix}.cross`, query: y, memory: enc.memory, mask: cross, heads, linearAttention: linearAt(config.variant, 'cross'), kind: 'cross', layer: l, ...rec, ...(override ? { override } : {}) });
    y = addNorm(params, prefix, 2, y, att);
    y = addNorm(params, prefix, 3, y, feedForward(params, prefix, y));
  }
  return { hidden: y, logits: linear(y, params.get('output.W'), params.get('output.b')) };
}

/** Time-major [T, B] ids → batch-major [B, T]. */
function batchMajor(ids: Int32Array, T: number, B: number): Int32Array {
  const out = new Int32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out[b * T + t] = ids[t * B + b];
  return out;
}

/** Mean cross-entropy per target token of a padded batch (teacher forcing), as RNNsearch's forwardLoss. */
export function transformerLoss(params: Params, config: TransformerConfig, batch: Batch): { loss: Tensor; tokens: number; logits: Tensor } {
  const B = batch.size;
  const enc = encode(params, config, batchMajor(batch.srcIds, batch.srcLen, B), batch.srcMask, B, batch.srcLen);
  const { logits } = decode(params, config, enc, batchMajor(batch.tgtIn, batch.tgtLen, B), B, batch.tgtLen); // [B, Ty, V]
  // time-major rows, to line up with batch.tgtOut
  const rows = reshape(transpose(logits, [1, 0, 2]), [batch.tgtLen * B, config.tgtVocabSize]);
  return { loss: crossEntropy(rows, batch.tgtOut, { ignoreIndex: PAD_ID }), tokens: batch.tokens, logits: rows };
}
