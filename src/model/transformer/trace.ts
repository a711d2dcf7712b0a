// The Transformer's trace writer and head views (docs/ARCHITECTURE.md, "The trace"). The trace
// keeps every layer's and head's attention (TransformerDetail); its common fields — the weights,
// scores, query, keys and context the RNNsearch panels read — show one cross-attention head, or
// the mean of one layer's heads, chosen by `withHeadView`. Views never redo the maths.

import { allocArray, type FloatArray } from '../../tensor';
import { topEntries, traceTokens, type Decoded } from '../decoding';
import type { AttentionMaps, DecodeMode, HeadView, Trace, TraceStep, TransformerDetail, Vec } from '../trace';
import type { RowRecord } from './incremental';
import type { TransformerEncoded, TransformerModel } from './model';

/** What one decoding step keeps: each attention's row at this position, and the position's input and output. */
export interface TransformerStep {
  records: RowRecord[];
  /** x_i = √d·E[y_{i−1}] + PE_i. */
  input: FloatArray;
  /** The last decoder layer's output at position i. */
  output: FloatArray;
}

function maps(layers: number, heads: number, rows: number, cols: number, dtype: 'float32' | 'float64'): AttentionMaps {
  return { layers, heads, rows, cols, weights: allocArray(dtype, layers * heads * rows * cols), scores: allocArray(dtype, layers * heads * rows * cols) };
}

/** Offset of (layer, head, row) in a [L, h, rows, width] array. */
export function at(d: { heads: number }, rows: number, width: number, layer: number, head: number, row: number): number {
  return ((layer * d.heads + head) * rows + row) * width;
}

/** Every layer's and head's numbers, from the encoder's records and each step's rows. */
function collectDetail(model: TransformerModel, enc: TransformerEncoded, decoded: Decoded<TransformerStep>): TransformerDetail {
  const { layers: L, heads: h, model: D } = model.config.sizes;
  const dk = D / h;
  const Tx = enc.length;
  const Ty = decoded.steps.length;
  const dtype = model.dtype;
  const detail: TransformerDetail = {
    layers: L,
    heads: h,
    dk,
    model: D,
    positions: enc.positions,
    encoder: maps(L, h, Tx, Tx, dtype),
    self: maps(L, h, Ty, Ty, dtype),
    cross: maps(L, h, Ty, Tx, dtype),
    crossQueries: allocArray(dtype, L * h * Ty * dk),
    crossOutputs: allocArray(dtype, L * h * Ty * dk),
    selfQueries: allocArray(dtype, L * h * Ty * dk),
    selfKeys: allocArray(dtype, L * h * Ty * dk),
    selfValues: allocArray(dtype, L * h * Ty * dk),
    selfOutputs: allocArray(dtype, L * h * Ty * dk),
    crossKeys: allocArray(dtype, L * h * Tx * dk),
    crossValues: allocArray(dtype, L * h * Tx * dk),
    view: { layer: L - 1, head: 'mean' },
  };
  for (const r of enc.records) {
    detail.encoder.weights.set(r.weights, r.layer * h * Tx * Tx);
    detail.encoder.scores.set(r.scores, r.layer * h * Tx * Tx);
  }
  // the source side of every cross-attention: [Tx, D] per layer → [h, Tx, d_k]
  enc.memory.forEach((m, l) => {
    for (let head = 0; head < h; head++) {
      for (let j = 0; j < Tx; j++) {
        const from = j * D + head * dk;
        detail.crossKeys.set(m.K.subarray(from, from + dk), at(detail, Tx, dk, l, head, j));
        detail.crossValues.set(m.V.subarray(from, from + dk), at(detail, Tx, dk, l, head, j));
      }
    }
  });
  // per head: a row of weights/scores [h, tk] → [L, h, rows, width]; a vector [h·d_k] → [L, h, Ty, d_k]
  const rows = (src: Vec, tk: number, dst: Vec, layer: number, i: number, width: number): void => {
    for (let head = 0; head < h; head++) dst.set(src.subarray(head * tk, (head + 1) * tk), at(detail, Ty, width, layer, head, i));
  };
  const vecs = (src: Vec, dst: Vec, layer: number, i: number): void => rows(src, dk, dst, layer, i, dk);
  decoded.steps.forEach((st, i) => {
    for (const r of st.record.records) {
      if (r.kind === 'self') {
        rows(r.weights, r.tk, detail.self.weights, r.layer, i, Ty);
        rows(r.scores, r.tk, detail.self.scores, r.layer, i, Ty);
        vecs(r.queries, detail.selfQueries, r.layer, i);
        vecs(r.outputs, detail.selfOutputs, r.layer, i);
        if (r.keys) vecs(r.keys, detail.selfKeys, r.layer, i);
        if (r.values) vecs(r.values, detail.selfValues, r.layer, i);
      } else {
        rows(r.weights, r.tk, detail.cross.weights, r.layer, i, Tx);
        rows(r.scores, r.tk, detail.cross.scores, r.layer, i, Tx);
        vecs(r.queries, detail.crossQueries, r.layer, i);
        vecs(r.outputs, detail.crossOutputs, r.layer, i);
      }
    }
  });
  return detail;
}

export function writeTransformerTrace(model: TransformerModel, enc: TransformerEncoded, decoded: Decoded<TransformerStep>, mode: DecodeMode, edited: ReadonlyMap<number, unknown>): Trace {
  const detail = collectDetail(model, enc, decoded);
  const dtype = model.dtype;
  const D = detail.model;
  const Tx = enc.length;
  const token = (id: number): string => model.tgtVocab.token(id);
  const empty = allocArray(dtype, 0);
  const steps: TraceStep[] = decoded.steps.map((st, i) => ({
    index: i,
    prevState: st.record.input,
    query: null,
    scores: null,
    weights: null,
    context: empty,
    state: st.record.output,
    topK: topEntries(st, token),
    token: { id: st.token, token: token(st.token), logProb: st.logP, rank: st.rank },
    edited: edited.has(i),
  }));
  const base: Trace = {
    family: 'transformer',
    variant: model.variant,
    mode,
    sourceTokens: enc.tokens,
    sourceIds: enc.ids,
    sourceUnknown: enc.unknown,
    srcLen: Tx,
    annotations: empty,
    keys: null,
    keyDim: 0,
    ...traceTokens(decoded, token),
    steps,
    finished: decoded.finished,
    hidden: D / 2,
    transformer: detail,
  };
  return withHeadView(base, detail.view);
}

/**
 * The trace with its common fields showing one cross-attention head (weights, scores, q_i, k_j,
 * the head's output as c_i, its values as the annotations) or the mean of a layer's heads (the
 * mean weights; c_i the concatenated head outputs, split exactly into per-source shares).
 * Anything out of range falls back to the last layer's mean.
 */
export function withHeadView(trace: Trace, requested: HeadView): Trace {
  const d = trace.transformer;
  if (!d) return trace;
  const layer = Number.isInteger(requested.layer) && requested.layer >= 0 && requested.layer < d.layers ? requested.layer : d.layers - 1;
  const head = typeof requested.head === 'number' && Number.isInteger(requested.head) && requested.head >= 0 && requested.head < d.heads ? requested.head : 'mean';
  const Tx = trace.srcLen;
  const Ty = trace.steps.length;
  const { dk, heads } = d;
  const dtype = d.cross.weights instanceof Float64Array ? 'float64' : 'float32';
  if (head !== 'mean') {
    const keys = d.crossKeys.subarray(at(d, Tx, dk, layer, head, 0), at(d, Tx, dk, layer, head, Tx));
    const values = d.crossValues.subarray(at(d, Tx, dk, layer, head, 0), at(d, Tx, dk, layer, head, Tx));
    const steps = trace.steps.map((s, i) => {
      const { contributions: _drop, ...rest } = s;
      return {
        ...rest,
        weights: d.cross.weights.subarray(at(d, Ty, Tx, layer, head, i), at(d, Ty, Tx, layer, head, i) + Tx),
        scores: d.cross.scores.subarray(at(d, Ty, Tx, layer, head, i), at(d, Ty, Tx, layer, head, i) + Tx),
        query: d.crossQueries.subarray(at(d, Ty, dk, layer, head, i), at(d, Ty, dk, layer, head, i) + dk),
        context: d.crossOutputs.subarray(at(d, Ty, dk, layer, head, i), at(d, Ty, dk, layer, head, i) + dk),
      };
    });
    return { ...trace, steps, keys, keyDim: dk, annotations: values, hidden: dk / 2, transformer: { ...d, view: { layer, head } } };
  }
  // the mean of the layer's heads; c_i = concat_h(head outputs), annotations = concat_h(values)
  const D = d.model;
  const annotations = allocArray(dtype, Tx * D);
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < Tx; j++) annotations.set(d.crossValues.subarray(at(d, Tx, dk, layer, h, j), at(d, Tx, dk, layer, h, j) + dk), j * D + h * dk);
  }
  const steps = trace.steps.map((s, i) => {
    const weights = allocArray(dtype, Tx);
    const context = allocArray(dtype, D);
    const contributions = allocArray(dtype, Tx * D);
    for (let h = 0; h < heads; h++) {
      const row = at(d, Ty, Tx, layer, h, i);
      context.set(d.crossOutputs.subarray(at(d, Ty, dk, layer, h, i), at(d, Ty, dk, layer, h, i) + dk), h * dk);
      for (let j = 0; j < Tx; j++) {
        const a = d.cross.weights[row + j];
        weights[j] = weights[j] + a / heads;
        for (let k = 0; k < dk; k++) contributions[j * D + h * dk + k] = a * annotations[j * D + h * dk + k];
      }
    }
    return { ...s, weights, scores: null, query: null, context, contributions };
  });
  return { ...trace, steps, keys: null, keyDim: 0, annotations, hidden: D / 2, transformer: { ...d, view: { layer, head: 'mean' } } };
}
