// The Trace: everything one decoding computed, recorded so that panels, exports, metrics and
// tests read numbers instead of redoing the maths. Vectors are views into one buffer per trace.

import type { DecodingMode } from './domain';
import type { Variant } from './config';
import type { WordGroups } from '../data/codec';

/** How a trace was decoded: a free decoding mode (src/model/domain.ts) or forced. */
export type DecodeMode = DecodingMode | 'forced';

export type Vec = Float32Array | Float64Array;

export interface TokenChoice {
  id: number;
  token: string;
  /** log p(token | y_<i, x) under the model. */
  logProb: number;
  /** 1 for the model's most probable token. */
  rank: number;
}

export interface TopEntry {
  id: number;
  token: string;
  prob: number;
}

export interface TraceStep {
  /** i, 0-based: this step predicts target token i. */
  index: number;
  /** s_{i−1} [H]. */
  prevState: Vec;
  /**
   * The query side of the score: W_a s_{i−1} [A] (additive), W_q s_{i−1} [A] (scaled-dot),
   * s_{i−1} itself [H] (dot, general); null where there is no score (none, diagonal).
   */
  query: Vec | null;
  /** e_i over the source [Tx]; null for none and diagonal. */
  scores: Vec | null;
  /** α_i over the source [Tx]; null for none (no attention). */
  weights: Vec | null;
  /** c_i [2H]. */
  context: Vec;
  /** s_i [H]. */
  state: Vec;
  /** The k most probable next tokens, most probable first. */
  topK: TopEntry[];
  /** The token emitted at this step (chosen, or forced in forced mode). */
  token: TokenChoice;
  /** True when the caller overrode this step's weights (an attention edit). */
  edited: boolean;
  /**
   * Word view only: each source word's exact share of c_i, [words × 2H] (the mean over the word's
   * target pieces of Σ_{j∈word} α_ij h_j). Absent in piece traces (shares are α_ij h_j there).
   */
  contributions?: Vec;
}

/** Attention maps of every layer and head in one array, [layers, heads, rows, cols] row-major. */
export interface AttentionMaps {
  layers: number;
  heads: number;
  rows: number;
  cols: number;
  weights: Vec;
  /** q·k/√d (softmax) or φ(q)·φ(k) (linear attention). */
  scores: Vec;
}

/** Which cross-attention the trace's common fields show: one head, or the mean of a layer's heads. */
export interface HeadView {
  layer: number;
  head: number | 'mean';
}

/** Everything a Transformer decoding computed (src/model/transformer/trace.ts writes it). */
export interface TransformerDetail {
  layers: number;
  heads: number;
  /** d_k = d_model / heads. */
  dk: number;
  model: number;
  /** Whether position encodings were added (false: the order-blind model). */
  positions: boolean;
  /** Encoder self-attention [L, h, Tx, Tx]. */
  encoder: AttentionMaps;
  /** Decoder (causal) self-attention [L, h, Ty, Ty], zero above the diagonal. */
  self: AttentionMaps;
  /** Cross-attention [L, h, Ty, Tx]. */
  cross: AttentionMaps;
  /** [L, h, Ty, d_k] each: cross-attention queries and head outputs; self-attention queries, keys, values (φ applied for linear attention). */
  crossQueries: Vec;
  crossOutputs: Vec;
  selfQueries: Vec;
  selfKeys: Vec;
  selfValues: Vec;
  /** [L, h, Ty, d_k]: each self-attention head's output at each step, as the model computed it. */
  selfOutputs: Vec;
  /** [L, h, Tx, d_k]: cross-attention keys (φ applied for linear) and values. */
  crossKeys: Vec;
  crossValues: Vec;
  /** The head the common fields (weights, scores, query, keys, context) show. */
  view: HeadView;
}

export interface Trace {
  /** Which model family wrote it (absent: RNNsearch). Views use it only to choose panels. */
  family?: 'transformer';
  variant: Variant;
  mode: DecodeMode;
  /** With mode 'sample': how (each step's top-k then holds the tempered distribution sampled from). */
  sampling?: { temperature: number; topK: number; seed: number };
  /** Source tokens as the model saw them (unknown words as typed), </s> last. */
  sourceTokens: string[];
  sourceIds: Int32Array;
  /** True where a source token is not in the vocabulary (shown as <unk>). */
  sourceUnknown: boolean[];
  /** Tx, </s> included. */
  srcLen: number;
  /** Annotations h_j = [→h_j ; ←h_j], [Tx, 2H] row-major. */
  annotations: Vec;
  /** What scores compare the query with, [Tx, keyDim] (U_a h_j for additive); null for none/diagonal. */
  keys: Vec | null;
  keyDim: number;
  /** The emitted target tokens, </s> last when decoding finished. */
  targetTokens: string[];
  targetIds: Int32Array;
  steps: TraceStep[];
  /** Σ log p of the emitted tokens. */
  logProb: number;
  /** False when decoding stopped at maxLength before </s>. */
  finished: boolean;
  hidden: number;
  /** Transformer traces: every layer's and head's attention (absent for RNNsearch). */
  transformer?: TransformerDetail;
  /** 'words' for the word view of a subword trace (see wordTrace.ts); absent: the model's own units. */
  units?: 'words';
  /** Word view: which pieces make each displayed word. */
  spans?: { source: WordGroups; target: WordGroups };
}
