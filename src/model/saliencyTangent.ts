// Gradient × input of RNNsearch by forward-mode differentiation (issue 16; docs/ARCHITECTURE.md,
// "Saliency beside attention").
//
// g_iu = Σ_{j ∈ u} Σ_e ∂log p(y_i)/∂x_je · x_je is a directional derivative: the derivative of
// log p(y_i) when the embeddings of source unit u are scaled by (1 + ε), at ε = 0. So one tangent
// per source unit, pushed forward through the network beside the values, gives g_iu for every
// target step i at once (reverse mode needs one pass per step instead: src/model/saliency.ts,
// which keeps it for the Transformer and as the reference). Three things make the tangents cheap:
//
//   - the tangents of all units are the rows of one matrix, so every product is a matrix product
//     against the model's weights (packed once per unit of work: src/tensor/kernels/gemm.ts,
//     "Constant operands");
//   - the forward encoder's tangent of unit u is zero before u's first piece and the backward
//     encoder's after its last piece, so each encoder step multiplies only the rows that can be
//     non-zero;
//   - d log p(y_i) = (W_o[:, y_i] − W_o·p_i) · dt_i, where t_i is the maxout layer and p_i the
//     softmax over the vocabulary: the vocabulary is visited once per step by the values (w_i),
//     never by the tangents.
//
// The values are computed once in float64 with the exact σ and tanh (`tangentBaseline`); the
// tangents of a range of units at a time (`tangentGradients`), so that the page can spread the
// work over tasks. The maths is the training forward's (src/model/forward.ts) for one unpadded
// sentence and a forced target; tests/model/saliency.test.ts checks it against finite differences
// and against the reverse-mode gradients for every variant.

import { BOS_ID } from '../data/vocab';
import { concat, type FloatArray, type Tensor } from '../tensor';
import { sigmoidExact } from '../tensor/kernels/fastmath';
import { gemm } from '../tensor/kernels/gemm';
import { diagonalPosition } from './batch';
import type { RnnConfig } from './config';
import type { GruWeights } from './forward';
import type { Params } from './params';

/** The weights the tangents are multiplied by, gathered once per job. */
export interface TangentWeights {
  enc: [GruWeights, GruWeights];
  dec: GruWeights;
  /** s_{i−1}·[U_z | U_r | U_o | W_a or W_q]: every product of the previous state, [H, SQ]. */
  stateProj: FloatArray;
  SQ: number;
  /** c_i·[C | C_o], [2H, 3H + 2L]. */
  contextProj: FloatArray;
  /** All of the above and the parameters read, for `withConstantOperands`. */
  arrays: FloatArray[];
}

export function tangentWeights(params: Params, config: RnnConfig, gru: ReadonlyMap<string, GruWeights>): TangentWeights {
  const get = (name: string): Tensor => params.get(name);
  const enc: [GruWeights, GruWeights] = [gru.get('encoder.fwd') as GruWeights, gru.get('encoder.bwd') as GruWeights];
  const dec = gru.get('decoder.gru') as GruWeights;
  const query = config.variant === 'additive' ? [get('attention.Wa')] : config.variant === 'scaled-dot' ? [get('attention.Wq')] : [];
  const sp = concat([dec.Uzr, get('output.Uo'), ...query], 1);
  const cp = concat([dec.C as Tensor, get('output.Co')], 1);
  return { enc, dec, stateProj: sp.data, SQ: sp.shape[1] as number, contextProj: cp.data, arrays: [sp.data, cp.data] };
}

/** One GRU step's values, kept for its tangent. */
interface GruRecord {
  /** The previous state h. */
  h: Float64Array;
  z: Float64Array;
  r: Float64Array;
  /** The candidate h̃. */
  c: Float64Array;
}

/** The values of one forced decoding, everything the tangents need. */
export interface TangentBaseline {
  Tx: number;
  steps: number;
  /** Source position → unit. */
  unitOf: Int32Array;
  /** Per source position: x_t·W (no bias) of the forward and backward encoder GRUs, [Tx, 3H] each. */
  inputProj: [Float64Array, Float64Array];
  encGru: [GruRecord[], GruRecord[]];
  /** Annotations [Tx, 2H], keys [Tx, K] (null without), values [Tx, 2H] (what α averages). */
  annotations: Float64Array;
  keys: Float64Array | null;
  keyDim: number;
  values: Float64Array;
  /** s_0 = tanh(←h_1·W_s + b_s). */
  s0: Float64Array;
  /** Per step: the query q (W_a s or W_q s; s itself for dot and general), α [Tx], and for additive v_a ⊙ (1 − tanh²) [Tx, A]. */
  query: Float64Array[];
  alpha: Float64Array[];
  scoreSlope: Float64Array[];
  /** The diagonal variant's attended position per step. */
  diagonal: Int32Array;
  decGru: GruRecord[];
  /** Per step: which half of the maxout pair won (1: the first), [L]. */
  firstWins: Uint8Array[];
  /** Per step: W_o[:, y_i] − W_o·p_i, [L]. */
  outGrad: Float64Array[];
  /** log p(y_i) per step. */
  logProb: Float64Array;
}

function mm(m: number, n: number, k: number, a: FloatArray, aOff: number, b: FloatArray, c: FloatArray, cOff: number, acc = false): void {
  gemm(false, false, m, n, k, a, aOff, k, b, 0, n, c, cOff, n, acc);
}

/** One exact GRU step of a single row (float64), recording what its tangent needs. */
function gruForward(xp: Float64Array, h: Float64Array, w: GruWeights, H: number, add?: Float64Array): { out: Float64Array; rec: GruRecord } {
  const zr = new Float64Array(2 * H);
  mm(1, 2 * H, H, h, 0, w.Uzr.data, zr, 0);
  const z = new Float64Array(H);
  const r = new Float64Array(H);
  const rh = new Float64Array(H);
  for (let u = 0; u < H; u++) {
    z[u] = sigmoidExact(zr[u] + xp[u] + (add ? add[u] : 0));
    r[u] = sigmoidExact(zr[H + u] + xp[H + u] + (add ? add[H + u] : 0));
    rh[u] = r[u] * h[u];
  }
  const c = new Float64Array(H);
  mm(1, H, H, rh, 0, w.Uh.data, c, 0);
  const out = new Float64Array(H);
  for (let u = 0; u < H; u++) {
    c[u] = Math.tanh(c[u] + xp[2 * H + u] + (add ? add[2 * H + u] : 0));
    out[u] = (1 - z[u]) * h[u] + z[u] * c[u];
  }
  return { out, rec: { h, z, r, c } };
}

/** The encoder's values: input projections, GRU records, annotations, s_0, keys and values. */
type EncoderValues = Pick<TangentBaseline, 'inputProj' | 'encGru' | 'annotations' | 'keys' | 'keyDim' | 'values' | 's0'>;

function baselineEncoder(params: Params, config: RnnConfig, w: TangentWeights, src: Int32Array): EncoderValues {
  const { hidden: H, embedding: E } = config.sizes;
  const variant = config.variant;
  const Tx = src.length;
  const H2 = 2 * H;
  const get = (name: string): FloatArray => params.get(name).data;
  const table = get('encoder.embedding');
  const inputProj: [Float64Array, Float64Array] = [new Float64Array(Tx * 3 * H), new Float64Array(Tx * 3 * H)];
  const encGru: [GruRecord[], GruRecord[]] = [new Array<GruRecord>(Tx), new Array<GruRecord>(Tx)];
  const annotations = new Float64Array(Tx * H2);
  for (let dir = 0; dir < 2; dir++) {
    const g = w.enc[dir] as GruWeights;
    const proj = inputProj[dir] as Float64Array;
    for (let t = 0; t < Tx; t++) gemm(false, false, 1, 3 * H, E, table, (src[t] as number) * E, E, g.W.data, 0, 3 * H, proj, t * 3 * H, 3 * H, false);
    let h: Float64Array = new Float64Array(H);
    const xp = new Float64Array(3 * H);
    for (let k = 0; k < Tx; k++) {
      const t = dir === 0 ? k : Tx - 1 - k;
      for (let u = 0; u < 3 * H; u++) xp[u] = (proj[t * 3 * H + u] as number) + (g.b.data[u] as number);
      const { out, rec } = gruForward(xp, h, g, H);
      (encGru[dir] as GruRecord[])[t] = rec;
      annotations.set(out, t * H2 + dir * H);
      h = out;
    }
  }
  const s0 = new Float64Array(H);
  s0.set(get('decoder.init.bs'));
  mm(1, H, H, annotations, H, get('decoder.init.Ws'), s0, 0, true); // ←h_1 is row 0's second half
  for (let u = 0; u < H; u++) s0[u] = Math.tanh(s0[u] as number);
  let keys: Float64Array | null = null;
  let keyDim = 0;
  let values: Float64Array = annotations;
  const project = (name: string, n: number): Float64Array => {
    const out = new Float64Array(Tx * n);
    mm(Tx, n, H2, annotations, 0, get(name), out, 0);
    return out;
  };
  if (variant === 'additive') [keys, keyDim] = [project('attention.Ua', config.sizes.alignment), config.sizes.alignment];
  else if (variant === 'general') [keys, keyDim] = [project('attention.Wg', H), H];
  else if (variant === 'scaled-dot') {
    [keys, keyDim] = [project('attention.Wk', config.sizes.alignment), config.sizes.alignment];
    values = project('attention.Wv', H2);
  } else if (variant === 'dot') {
    keys = new Float64Array(Tx * H);
    for (let t = 0; t < Tx; t++) for (let u = 0; u < H; u++) keys[t * H + u] = (annotations[t * H2 + u] as number) + (annotations[t * H2 + H + u] as number);
    keyDim = H;
  }
  return { inputProj, encGru, annotations, keys, keyDim, values, s0 };
}

/** One step's attention values: α, the context, and what the scores' tangents need. */
function baselineAttention(config: RnnConfig, enc: EncoderValues, s: Float64Array, sq: Float64Array, qOff: number, i: number, ty: number, va: FloatArray | null): { a: Float64Array; q: Float64Array; slope: Float64Array | null; diagonal: number; context: Float64Array } {
  const { hidden: H } = config.sizes;
  const H2 = 2 * H;
  const variant = config.variant;
  const { annotations, values, keyDim } = enc;
  const Tx = annotations.length / H2;
  const a = new Float64Array(Tx);
  const context = new Float64Array(H2);
  if (variant === 'none') {
    context.set(annotations.subarray((Tx - 1) * H2, (Tx - 1) * H2 + H), 0); // →h_Tx
    context.set(annotations.subarray(H, H2), H); // ←h_1
    return { a, q: new Float64Array(0), slope: null, diagonal: 0, context };
  }
  if (variant === 'diagonal') {
    const j = diagonalPosition(i, Tx, ty);
    a[j] = 1;
    context.set(values.subarray(j * H2, (j + 1) * H2));
    return { a, q: new Float64Array(0), slope: null, diagonal: j, context };
  }
  const K = enc.keys as Float64Array;
  const e = new Float64Array(Tx);
  let q: Float64Array;
  let slope: Float64Array | null = null;
  if (variant === 'additive') {
    q = sq.slice(qOff, qOff + keyDim);
    slope = new Float64Array(Tx * keyDim);
    for (let j = 0; j < Tx; j++) {
      let acc = 0;
      for (let u = 0; u < keyDim; u++) {
        const th = Math.tanh((q[u] as number) + (K[j * keyDim + u] as number));
        acc += (va as FloatArray)[u] * th;
        slope[j * keyDim + u] = (va as FloatArray)[u] * (1 - th * th);
      }
      e[j] = acc;
    }
  } else {
    q = variant === 'scaled-dot' ? sq.slice(qOff, qOff + keyDim) : Float64Array.from(s);
    const scale = variant === 'scaled-dot' ? 1 / Math.sqrt(keyDim) : 1;
    for (let j = 0; j < Tx; j++) {
      let acc = 0;
      for (let u = 0; u < keyDim; u++) acc += (q[u] as number) * (K[j * keyDim + u] as number);
      e[j] = acc * scale;
    }
  }
  let max = -Infinity;
  for (const v of e) max = Math.max(max, v);
  let sum = 0;
  for (let j = 0; j < Tx; j++) sum += a[j] = Math.exp((e[j] as number) - max);
  for (let j = 0; j < Tx; j++) {
    a[j] = (a[j] as number) / sum;
    for (let u = 0; u < H2; u++) context[u] = (context[u] as number) + (a[j] as number) * (values[j * H2 + u] as number);
  }
  return { a, q, slope, diagonal: 0, context };
}

/**
 * One step's output values: t̃ = s_{i−1}·U_o + E y_{i−1}·V_o + c_i·C_o + b_o, which half of each
 * maxout pair won, log p(y), and w = W_o[:, y] − W_o·p. `ey` [2L] and `logits` [V] are scratch.
 */
function baselineOutput(params: Params, config: RnnConfig, sq: Float64Array, cp: Float64Array, prev: number, y: number, ey: Float64Array, logits: Float64Array): { wins: Uint8Array; grad: Float64Array; logProb: number } {
  const { hidden: H, maxout: L, embedding: E } = config.sizes;
  const V = config.tgtVocabSize;
  const get = (name: string): FloatArray => params.get(name).data;
  const Wo = get('output.Wo');
  const bo = get('output.bo');
  gemm(false, false, 1, 2 * L, E, get('decoder.embedding'), prev * E, E, get('output.Vo'), 0, 2 * L, ey, 0, 2 * L, false);
  const t = new Float64Array(L);
  const wins = new Uint8Array(L);
  for (let l = 0; l < L; l++) {
    const first = (sq[2 * H + l] as number) + (ey[l] as number) + (cp[3 * H + l] as number) + (bo[l] as number);
    const second = (sq[2 * H + L + l] as number) + (ey[L + l] as number) + (cp[3 * H + L + l] as number) + (bo[L + l] as number);
    wins[l] = first >= second ? 1 : 0;
    t[l] = Math.max(first, second);
  }
  logits.set(get('output.bw'));
  mm(1, V, L, t, 0, Wo, logits, 0, true);
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[v] as number);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += logits[v] = Math.exp((logits[v] as number) - max);
  // w = W_o[:, y] − W_o·p (logits now hold p·sum)
  const grad = new Float64Array(L);
  gemm(false, true, 1, L, V, logits, 0, V, Wo, 0, V, grad, 0, L, false);
  for (let l = 0; l < L; l++) grad[l] = (Wo[l * V + y] as number) - (grad[l] as number) / sum;
  return { wins, grad, logProb: Math.log((logits[y] as number) / sum) };
}

/**
 * The values of the forced decoding of `tgt` (y_0 … y_{steps−1}) from `src`, in float64; `ty` is
 * the target length the diagonal variant spreads over.
 */
export function tangentBaseline(params: Params, config: RnnConfig, w: TangentWeights, src: Int32Array, tgt: Int32Array, ty: number, unitOf: Int32Array): TangentBaseline {
  const { hidden: H, maxout: L, embedding: E } = config.sizes;
  const V = config.tgtVocabSize;
  const Tx = src.length;
  const steps = tgt.length;
  const get = (name: string): FloatArray => params.get(name).data;
  const enc = baselineEncoder(params, config, w, src);
  // ---- decoder ----
  const { SQ } = w;
  const CP = 3 * H + 2 * L;
  const qOff = 2 * H + 2 * L;
  const decEmb = get('decoder.embedding');
  const va = config.variant === 'additive' ? get('attention.va') : null;
  const query: Float64Array[] = [];
  const alpha: Float64Array[] = [];
  const scoreSlope: Float64Array[] = [];
  const diagonal = new Int32Array(steps);
  const decGru: GruRecord[] = [];
  const firstWins: Uint8Array[] = [];
  const outGrad: Float64Array[] = [];
  const logProb = new Float64Array(steps);
  const sq = new Float64Array(SQ);
  const cp = new Float64Array(CP);
  const xp = new Float64Array(3 * H);
  const ey = new Float64Array(2 * L);
  const logits = new Float64Array(V);
  let s: Float64Array = enc.s0;
  for (let i = 0; i < steps; i++) {
    const prev = i === 0 ? BOS_ID : (tgt[i - 1] as number);
    mm(1, SQ, H, s, 0, w.stateProj, sq, 0);
    const att = baselineAttention(config, enc, s, sq, qOff, i, ty, va);
    const { a, q, context } = att;
    if (att.slope) scoreSlope.push(att.slope);
    diagonal[i] = att.diagonal;
    query.push(q);
    alpha.push(a);
    mm(1, CP, 2 * H, context, 0, w.contextProj, cp, 0);
    const o = baselineOutput(params, config, sq, cp, prev, tgt[i] as number, ey, logits);
    firstWins.push(o.wins);
    outGrad.push(o.grad);
    logProb[i] = o.logProb;
    // s_i = GRU(s_{i−1}, E y_{i−1}·W + b + c_i·C), with s_{i−1}·[U_z | U_r] from the state product
    gemm(false, false, 1, 3 * H, E, decEmb, prev * E, E, w.dec.W.data, 0, 3 * H, xp, 0, 3 * H, false);
    for (let u = 0; u < 3 * H; u++) xp[u] = (xp[u] as number) + (w.dec.b.data[u] as number) + (cp[u] as number);
    const { out, rec } = gruForward(xp, s, w.dec, H);
    decGru.push(rec);
    s = out;
  }
  return { Tx, steps, unitOf, ...enc, query, alpha, scoreSlope, diagonal, decGru, firstWins, outGrad, logProb };
}

/**
 * One GRU step's tangent for rows [r0, r1) of D: dh' from dh (the previous state's tangent, or
 * null: zero) and dx (the input projection's tangent [D, 3H], or null: zero). Writes `out` [D, H]
 * rows [r0, r1). zr, rh, c: scratch [D, 2H], [D, H], [D, H].
 */
function gruTangent(rec: GruRecord, w: GruWeights, H: number, dh: Float64Array | null, dx: Float64Array | null, r0: number, r1: number, out: Float64Array, zr: Float64Array, rh: Float64Array, cand: Float64Array, zrGiven?: Float64Array, zrLd = 2 * H): void {
  const n = r1 - r0;
  if (n <= 0) return;
  const H2 = 2 * H;
  const H3 = 3 * H;
  if (zrGiven) {
    for (let d = r0; d < r1; d++) for (let u = 0; u < H2; u++) zr[d * H2 + u] = zrGiven[d * zrLd + u] as number;
  } else if (dh) mm(n, H2, H, dh, r0 * H, w.Uzr.data, zr, r0 * H2);
  else zr.fill(0, r0 * H2, r1 * H2);
  const { h, z, r, c } = rec;
  for (let d = r0; d < r1; d++) {
    for (let u = 0; u < H; u++) {
      const dz = (z[u] as number) * (1 - (z[u] as number)) * ((zr[d * H2 + u] as number) + (dx ? (dx[d * H3 + u] as number) : 0));
      const dr = (r[u] as number) * (1 - (r[u] as number)) * ((zr[d * H2 + H + u] as number) + (dx ? (dx[d * H3 + H + u] as number) : 0));
      zr[d * H2 + u] = dz; // keep dz for below
      rh[d * H + u] = dr * (h[u] as number) + (r[u] as number) * (dh ? (dh[d * H + u] as number) : 0);
    }
  }
  mm(n, H, H, rh, r0 * H, w.Uh.data, cand, r0 * H);
  for (let d = r0; d < r1; d++) {
    for (let u = 0; u < H; u++) {
      const cu = c[u] as number;
      const dc = (1 - cu * cu) * ((cand[d * H + u] as number) + (dx ? (dx[d * H3 + 2 * H + u] as number) : 0));
      const zu = z[u] as number;
      out[d * H + u] = (1 - zu) * (dh ? (dh[d * H + u] as number) : 0) + (zr[d * H2 + u] as number) * (cu - (h[u] as number)) + zu * dc;
    }
  }
}

/** The annotations' tangents [Tx, D, 2H] for the units [u0, u1); rows that cannot be non-zero are skipped. */
function encoderTangents(config: RnnConfig, w: TangentWeights, base: TangentBaseline, u0: number, u1: number): Float64Array {
  const { hidden: H } = config.sizes;
  const { Tx, unitOf } = base;
  const D = u1 - u0;
  const H2 = 2 * H;
  const H3 = 3 * H;
  // per direction [Tx, D, H]
  const dEnc = [new Float64Array(Tx * D * H), new Float64Array(Tx * D * H)];
  const dx = new Float64Array(D * H3);
  const zr = new Float64Array(D * H2);
  const rh = new Float64Array(D * H);
  const cand = new Float64Array(D * H);
  for (let dir = 0; dir < 2; dir++) {
    const g = w.enc[dir] as GruWeights;
    const proj = base.inputProj[dir] as Float64Array;
    const states = dEnc[dir] as Float64Array;
    const rec = base.encGru[dir] as GruRecord[];
    let prev: Float64Array | null = null;
    for (let k = 0; k < Tx; k++) {
      const t = dir === 0 ? k : Tx - 1 - k;
      const unit = unitOf[t] as number;
      // forward GRU: units up to this position's can have moved; backward GRU: from it on
      const r0 = dir === 0 ? 0 : Math.max(0, unit - u0);
      const r1 = dir === 0 ? Math.min(D, unit - u0 + 1) : D;
      if (r1 <= r0) continue;
      // the input's tangent: x_t·W in the row of x_t's unit (scaling x_t by 1 + ε adds ε·x_t·W)
      dx.fill(0, r0 * H3, r1 * H3);
      if (unit >= u0 && unit < u1) dx.set(proj.subarray(t * H3, (t + 1) * H3), (unit - u0) * H3);
      const out = states.subarray(t * D * H, (t + 1) * D * H);
      gruTangent(rec[t] as GruRecord, g, H, prev, dx, r0, r1, out, zr, rh, cand);
      prev = out;
    }
  }
  // annotations' tangents [Tx, D, 2H]
  const dAnn = new Float64Array(Tx * D * H2);
  for (let t = 0; t < Tx; t++) {
    for (let d = 0; d < D; d++) {
      dAnn.set((dEnc[0] as Float64Array).subarray((t * D + d) * H, (t * D + d + 1) * H), (t * D + d) * H2);
      dAnn.set((dEnc[1] as Float64Array).subarray((t * D + d) * H, (t * D + d + 1) * H), (t * D + d) * H2 + H);
    }
  }
  return dAnn;
}

/** Step i's scores' tangents de [D, Tx]: de_j = dq·k_j + q·dk_j (through tanh for additive). */
function scoreTangent(config: RnnConfig, base: TangentBaseline, i: number, D: number, ds: Float64Array, dsq: Float64Array, SQ: number, dk: Float64Array, de: Float64Array): void {
  const { hidden: H, maxout: L } = config.sizes;
  const variant = config.variant;
  const { Tx, keys } = base;
  const K = base.keyDim;
  const qOff = 2 * H + 2 * L;
  const invSqrt = variant === 'scaled-dot' ? 1 / Math.sqrt(K) : 1;
  const q = base.query[i] as Float64Array;
  if (variant === 'additive') {
    const slope = base.scoreSlope[i] as Float64Array;
    // Σ_a slope_ja·dq_a (dq = ds·W_a, in the state product) + Σ_a slope_ja·dk_ja
    gemm(false, true, D, Tx, K, dsq, qOff, SQ, slope, 0, K, de, 0, Tx, false);
    for (let j = 0; j < Tx; j++) {
      for (let d = 0; d < D; d++) {
        let acc = 0;
        const o = (j * D + d) * K;
        for (let u = 0; u < K; u++) acc += (slope[j * K + u] as number) * (dk[o + u] as number);
        de[d * Tx + j] = (de[d * Tx + j] as number) + acc;
      }
    }
  } else {
    // e_j = q·k_j (· 1/√K): de_j = dq·k_j + q·dk_j, with dq = ds (dot, general) or ds·W_q
    if (variant === 'scaled-dot') gemm(false, true, D, Tx, K, dsq, qOff, SQ, keys as Float64Array, 0, K, de, 0, Tx, false);
    else gemm(false, true, D, Tx, K, ds, 0, H, keys as Float64Array, 0, K, de, 0, Tx, false);
    for (let j = 0; j < Tx; j++) {
      for (let d = 0; d < D; d++) {
        let acc = 0;
        const o = (j * D + d) * K;
        for (let u = 0; u < K; u++) acc += (q[u] as number) * (dk[o + u] as number);
        de[d * Tx + j] = ((de[d * Tx + j] as number) + acc) * invSqrt;
      }
    }
  }
}

/** Step i's context tangent dc [D, 2H] (and the scores' de [D, Tx] as scratch). */
function contextTangent(config: RnnConfig, base: TangentBaseline, i: number, D: number, ds: Float64Array, dsq: Float64Array, SQ: number, dAnn: Float64Array, dKeys: Float64Array | null, dValues: Float64Array, de: Float64Array, dc: Float64Array): void {
  const { hidden: H } = config.sizes;
  const variant = config.variant;
  const { Tx, values } = base;
  const H2 = 2 * H;
  const a = base.alpha[i] as Float64Array;
  dc.fill(0);
  if (variant === 'none') {
    for (let d = 0; d < D; d++) {
      dc.set(dAnn.subarray(((Tx - 1) * D + d) * H2, ((Tx - 1) * D + d) * H2 + H), d * H2);
      dc.set(dAnn.subarray(d * H2 + H, d * H2 + H2), d * H2 + H);
    }
  } else if (variant === 'diagonal') {
    const j = base.diagonal[i] as number;
    dc.set(dValues.subarray(j * D * H2, (j + 1) * D * H2));
  } else {
    scoreTangent(config, base, i, D, ds, dsq, SQ, dKeys as Float64Array, de);
    // dα_j = α_j (de_j − Σ_k α_k de_k); dc = Σ_j dα_j v_j + α_j dv_j
    for (let d = 0; d < D; d++) {
      let mean = 0;
      for (let j = 0; j < Tx; j++) mean += (a[j] as number) * (de[d * Tx + j] as number);
      for (let j = 0; j < Tx; j++) {
        const da = (a[j] as number) * ((de[d * Tx + j] as number) - mean);
        const aj = a[j] as number;
        const vo = j * H2;
        const dvo = (j * D + d) * H2;
        for (let u = 0; u < H2; u++) dc[d * H2 + u] = (dc[d * H2 + u] as number) + da * (values[vo + u] as number) + aj * (dValues[dvo + u] as number);
      }
    }
  }
}

/**
 * g_iu for the units [u0, u1): [steps, u1 − u0] row-major (column k is unit u0 + k). The caller
 * opens `withConstantOperands(w.arrays and the parameters)` around it.
 */
export function tangentGradients(params: Params, config: RnnConfig, w: TangentWeights, base: TangentBaseline, u0: number, u1: number): Float64Array {
  const { hidden: H, maxout: L } = config.sizes;
  const variant = config.variant;
  const { Tx, steps } = base;
  const D = u1 - u0;
  const H2 = 2 * H;
  const H3 = 3 * H;
  const get = (name: string): FloatArray => params.get(name).data;
  const dAnn = encoderTangents(config, w, base, u0, u1);
  const zr = new Float64Array(D * H2);
  const rh = new Float64Array(D * H);
  const cand = new Float64Array(D * H);
  const K = base.keyDim;
  let dKeys: Float64Array | null = null;
  let dValues: Float64Array = dAnn;
  const project = (name: string, n: number): Float64Array => {
    const out = new Float64Array(Tx * D * n);
    mm(Tx * D, n, H2, dAnn, 0, get(name), out, 0);
    return out;
  };
  if (variant === 'additive') dKeys = project('attention.Ua', K);
  else if (variant === 'general') dKeys = project('attention.Wg', K);
  else if (variant === 'scaled-dot') {
    dKeys = project('attention.Wk', K);
    dValues = project('attention.Wv', H2);
  } else if (variant === 'dot') {
    dKeys = new Float64Array(Tx * D * H);
    for (let r = 0; r < Tx * D; r++) for (let u = 0; u < H; u++) dKeys[r * H + u] = (dAnn[r * H2 + u] as number) + (dAnn[r * H2 + H + u] as number);
  }
  // ds_0 = (1 − s_0²) ⊙ (d←h_1·W_s)
  const ds = new Float64Array(D * H);
  // (the rows of dAnn at t = 0 are [D, 2H]: ←h_1's tangents are their second halves)
  gemm(false, false, D, H, H, dAnn, H, H2, get('decoder.init.Ws'), 0, H, ds, 0, H, false);
  for (let d = 0; d < D; d++) for (let u = 0; u < H; u++) ds[d * H + u] = (1 - (base.s0[u] as number) ** 2) * (ds[d * H + u] as number);
  // ---- decoder ----
  const { SQ } = w;
  const CP = 3 * H + 2 * L;
  const dsq = new Float64Array(D * SQ);
  const de = new Float64Array(D * Tx);
  const dc = new Float64Array(D * H2);
  const dcp = new Float64Array(D * CP);
  const next = new Float64Array(D * H);
  const dxp = new Float64Array(D * H3);
  const out = new Float64Array(steps * D);
  for (let i = 0; i < steps; i++) {
    mm(D, SQ, H, ds, 0, w.stateProj, dsq, 0);
    contextTangent(config, base, i, D, ds, dsq, SQ, dAnn, dKeys, dValues, de, dc);
    mm(D, CP, H2, dc, 0, w.contextProj, dcp, 0);
    // the step's output: d log p(y_i) = w_i · dt_i, dt̃ = ds·U_o + dc·C_o (E y_{i−1} is fixed)
    const wins = base.firstWins[i] as Uint8Array;
    const g = base.outGrad[i] as Float64Array;
    for (let d = 0; d < D; d++) {
      let acc = 0;
      for (let l = 0; l < L; l++) {
        const m = wins[l] ? l : L + l;
        acc += (g[l] as number) * ((dsq[d * SQ + 2 * H + m] as number) + (dcp[d * CP + 3 * H + m] as number));
      }
      out[i * D + d] = acc;
    }
    // the state's tangent: the GRU with input tangent dc·C and ds·[U_z | U_r] from the state product
    for (let d = 0; d < D; d++) dxp.set(dcp.subarray(d * CP, d * CP + H3), d * H3);
    gruTangent(base.decGru[i] as GruRecord, w.dec, H, ds, dxp, 0, D, next, zr, rh, cand, dsq, SQ);
    ds.set(next);
  }
  return out;
}
