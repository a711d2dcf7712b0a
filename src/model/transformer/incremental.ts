// The Transformer decoder one position at a time, for inference (docs/ARCHITECTURE.md, "Model
// families"): each layer keeps the keys and values of the positions already decoded (a KV cache),
// so step i costs O(i) instead of re-running the whole prefix. The numbers are the training
// forward's (forward.ts), op for op; tests/model/transformer.test.ts checks that the two agree.

import { allocArray, eluPlusOneScalar, type DType, type FloatArray } from '../../tensor';
import { gemm } from '../../tensor/kernels/gemm';
import { linearAt, type TransformerConfig } from '../config';
import { softmaxInto } from '../decoding';
import type { Params } from '../params';

/** One attention of one layer at the current position, per head. */
export interface RowRecord {
  kind: 'self' | 'cross';
  layer: number;
  /** Positions attended to: i + 1 (self) or Tx (cross). */
  tk: number;
  /** [h, tk] */
  weights: FloatArray;
  scores: FloatArray;
  /** [h, d_k]: the query (φ applied for linear attention), and the head outputs. */
  queries: FloatArray;
  outputs: FloatArray;
  /** Self-attention only: this position's key (φ applied) and value [h, d_k]. */
  keys?: FloatArray;
  values?: FloatArray;
}

interface LayerWeights {
  self: { Wq: FloatArray; Wk: FloatArray; Wv: FloatArray; Wo: FloatArray };
  cross: { Wq: FloatArray; Wk: FloatArray; Wv: FloatArray; Wo: FloatArray };
  W1: FloatArray;
  b1: FloatArray;
  W2: FloatArray;
  b2: FloatArray;
  ln: Array<{ g: FloatArray; b: FloatArray }>;
}

/** y = x·W (+ b) for a row x [k] and W [k, n]. */
function rowTimes(x: FloatArray, W: FloatArray, k: number, n: number, out: FloatArray, bias?: FloatArray): FloatArray {
  if (bias) out.set(bias);
  gemm(false, false, 1, n, k, x, 0, k, W, 0, n, out, 0, n, bias !== undefined);
  return out;
}

/** x ← LayerNorm(x + sub), as ops/norm.ts computes it. */
function addNormInPlace(x: FloatArray, sub: FloatArray, g: FloatArray, b: FloatArray): void {
  const D = x.length;
  let mu = 0;
  for (let d = 0; d < D; d++) {
    x[d] = x[d] + sub[d];
    mu += x[d];
  }
  mu /= D;
  let v = 0;
  for (let d = 0; d < D; d++) {
    const c = x[d] - mu;
    v += c * c;
  }
  const s = 1 / Math.sqrt(v / D + 1e-5);
  for (let d = 0; d < D; d++) x[d] = g[d] * ((x[d] - mu) * s) + b[d];
}

/** The decoder's weights and the source's cross-attention keys and values, ready for steps. */
export class IncrementalDecoder {
  private readonly D: number;
  private readonly h: number;
  private readonly dk: number;
  private readonly layers: LayerWeights[];
  /** Linear attention (φ = elu + 1, no softmax) in the self-attention and in the cross-attention. */
  private readonly linearSelf: boolean;
  private readonly linearCross: boolean;
  private readonly dtype: DType;
  private readonly emb: FloatArray;
  private readonly Wout: FloatArray;
  private readonly bout: FloatArray;

  constructor(
    private readonly config: TransformerConfig,
    params: Params,
  ) {
    const { model: D, heads, layers } = config.sizes;
    this.D = D;
    this.h = heads;
    this.dk = D / heads;
    this.linearSelf = linearAt(config.variant, 'self');
    this.linearCross = linearAt(config.variant, 'cross');
    const get = (n: string): FloatArray => params.get(n).data;
    this.dtype = params.get('decoder.embedding').dtype;
    this.emb = get('decoder.embedding');
    this.Wout = get('output.W');
    this.bout = get('output.b');
    this.layers = Array.from({ length: layers }, (_, l) => {
      const p = `decoder.layer${l}`;
      const att = (a: string) => ({ Wq: get(`${p}.${a}.Wq`), Wk: get(`${p}.${a}.Wk`), Wv: get(`${p}.${a}.Wv`), Wo: get(`${p}.${a}.Wo`) });
      return {
        self: att('self'),
        cross: att('cross'),
        W1: get(`${p}.ffn.W1`),
        b1: get(`${p}.ffn.b1`),
        W2: get(`${p}.ffn.W2`),
        b2: get(`${p}.ffn.b2`),
        ln: [1, 2, 3].map((n) => ({ g: get(`${p}.ln${n}.g`), b: get(`${p}.ln${n}.b`) })),
      };
    });
  }

  /** Cross-attention keys (φ applied for linear attention) and values of the encoder output, per layer [Tx, D]. */
  memoryKeysValues(memory: FloatArray, Tx: number): Array<{ K: FloatArray; V: FloatArray }> {
    const D = this.D;
    return this.layers.map((w) => {
      const K = allocArray(this.dtype, Tx * D);
      const V = allocArray(this.dtype, Tx * D);
      gemm(false, false, Tx, D, D, memory, 0, D, w.cross.Wk, 0, D, K, 0, D, false);
      gemm(false, false, Tx, D, D, memory, 0, D, w.cross.Wv, 0, D, V, 0, D, false);
      if (this.linearCross) for (let e = 0; e < K.length; e++) K[e] = eluPlusOneScalar(K[e]);
      return { K, V };
    });
  }

  /**
   * Attention of one query row over `tk` cached keys/values ([tk, D], heads side by side): fills
   * the record's scores, weights and outputs. `override` replaces the weights (every head).
   */
  private attend(q: FloatArray, K: FloatArray, V: FloatArray, tk: number, rec: RowRecord, override: FloatArray | null, linear: boolean): FloatArray {
    const { D, h, dk } = this;
    const concat = allocArray(this.dtype, D);
    const inv = 1 / Math.sqrt(dk);
    for (let head = 0; head < h; head++) {
      const s = rec.scores.subarray(head * tk, (head + 1) * tk);
      const w = rec.weights.subarray(head * tk, (head + 1) * tk);
      for (let j = 0; j < tk; j++) {
        let acc = 0;
        for (let c = 0; c < dk; c++) acc += q[head * dk + c] * K[j * D + head * dk + c];
        s[j] = linear ? acc : acc * inv;
      }
      if (override) w.set(override.subarray(0, tk));
      else if (linear) {
        let total = 0;
        for (let j = 0; j < tk; j++) total += s[j];
        for (let j = 0; j < tk; j++) w[j] = s[j] / total;
      } else softmaxInto(s, tk, w);
      for (let c = 0; c < dk; c++) {
        let acc = 0;
        for (let j = 0; j < tk; j++) acc += w[j] * V[j * D + head * dk + c];
        concat[head * dk + c] = acc;
      }
    }
    rec.queries.set(q);
    rec.outputs.set(concat);
    return concat;
  }

  /**
   * Decode position i (reading token `prev`) given the caches of positions < i; appends this
   * position's self-attention keys and values to `cache`. Returns the logits, the last layer's
   * output, the input x_i and one record per attention.
   */
  step(
    prev: number,
    i: number,
    positions: boolean,
    memory: Array<{ K: FloatArray; V: FloatArray }>,
    Tx: number,
    cache: Array<{ K: FloatArray; V: FloatArray }>,
    override: FloatArray | null,
  ): { logits: FloatArray; output: FloatArray; input: FloatArray; records: RowRecord[] } {
    const { D, h, dtype } = this;
    const x = allocArray(dtype, D);
    const scale = Math.sqrt(D);
    for (let d = 0; d < D; d++) {
      // as forward.ts: √D·E[y] + PE(i)
      let v = this.emb[prev * D + d] * scale;
      if (positions) {
        const even = d - (d % 2);
        const angle = i / Math.pow(10000, even / D);
        v += d % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
      }
      x[d] = v;
    }
    const input = x.slice();
    const records: RowRecord[] = [];
    const tmp = allocArray(dtype, D);
    const q = allocArray(dtype, D);
    this.layers.forEach((w, l) => {
      // masked self-attention over positions 0..i
      const kv = cache[l] as { K: FloatArray; V: FloatArray };
      rowTimes(x, w.self.Wq, D, D, q);
      rowTimes(x, w.self.Wk, D, D, tmp);
      if (this.linearSelf) {
        for (let d = 0; d < D; d++) {
          q[d] = eluPlusOneScalar(q[d]);
          tmp[d] = eluPlusOneScalar(tmp[d]);
        }
      }
      kv.K.set(tmp, i * D);
      rowTimes(x, w.self.Wv, D, D, tmp);
      kv.V.set(tmp, i * D);
      const tk = i + 1;
      const self: RowRecord = {
        kind: 'self',
        layer: l,
        tk,
        weights: allocArray(dtype, h * tk),
        scores: allocArray(dtype, h * tk),
        queries: allocArray(dtype, D),
        outputs: allocArray(dtype, D),
        keys: kv.K.slice(i * D, (i + 1) * D),
        values: kv.V.slice(i * D, (i + 1) * D),
      };
      const a = this.attend(q, kv.K, kv.V, tk, self, null, this.linearSelf);
      addNormInPlace(x, rowTimes(a, w.self.Wo, D, D, tmp), w.ln[0]?.g as FloatArray, w.ln[0]?.b as FloatArray);
      records.push(self);
      // cross-attention over the source
      const m = memory[l] as { K: FloatArray; V: FloatArray };
      rowTimes(x, w.cross.Wq, D, D, q);
      if (this.linearCross) for (let d = 0; d < D; d++) q[d] = eluPlusOneScalar(q[d]);
      const cross: RowRecord = { kind: 'cross', layer: l, tk: Tx, weights: allocArray(dtype, h * Tx), scores: allocArray(dtype, h * Tx), queries: allocArray(dtype, D), outputs: allocArray(dtype, D) };
      const c = this.attend(q, m.K, m.V, Tx, cross, l === this.layers.length - 1 ? override : null, this.linearCross);
      addNormInPlace(x, rowTimes(c, w.cross.Wo, D, D, tmp), w.ln[1]?.g as FloatArray, w.ln[1]?.b as FloatArray);
      records.push(cross);
      // position-wise feed-forward
      const F = this.config.sizes.ff;
      const hid = rowTimes(x, w.W1, D, F, allocArray(dtype, F), w.b1);
      for (let f = 0; f < F; f++) if (hid[f] < 0) hid[f] = 0;
      addNormInPlace(x, rowTimes(hid, w.W2, F, D, tmp, w.b2), w.ln[2]?.g as FloatArray, w.ln[2]?.b as FloatArray);
    });
    const V = this.config.tgtVocabSize;
    const logits = rowTimes(x, this.Wout, D, V, allocArray(dtype, V), this.bout);
    return { logits, output: x, input, records };
  }

  /** Empty per-layer caches for up to `maxLength` positions. */
  newCache(maxLength: number): Array<{ K: FloatArray; V: FloatArray }> {
    return this.layers.map(() => ({ K: allocArray(this.dtype, maxLength * this.D), V: allocArray(this.dtype, maxLength * this.D) }));
  }
}
