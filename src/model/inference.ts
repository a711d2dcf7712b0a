// Inference: encode a source once, then decode (greedy, beam, forced, or with edited attention)
// recording a Trace. No autodiff tape; buffers are allocated once per decode and reused at
// every step.
//
// Work that does not depend on the step is done once:
//  - when the model loads, the embedding × input-weight products are tabulated per word:
//    E_x·W + b for both encoder GRUs, E_y·W + b for the decoder GRU, E_y·V_o + b_o;
//  - when a source is encoded, U_a h_j (the keys) and the context projections h_j·[C | C_o]
//    are computed for all j in one matrix product, so that a step only mixes Tx precomputed
//    rows with its weights α_i instead of multiplying c_i by two 2H-row matrices.

import { BOS_ID, EOS_ID, UNK_ID, type Vocab } from '../data/vocab';
import { allocArray, concat, noGrad, type DType, type FloatArray } from '../tensor';
import { fastTanh, logSumExpFast } from '../tensor/kernels/fastmath';
import { gemm } from '../tensor/kernels/gemm';
import { gruStep } from '../tensor/kernels/gru';
import { diagonalPosition } from './batch';
import { MAX_SOURCE_TOKENS, validateConfig, type RnnConfig, type Variant } from './config';
import { gruWeights } from './forward';
import type { Params } from './params';
import type { EncodeOptions, TranslationModel } from './family';
import { scoreTerms, type ScoreTerms } from './explain';
import type { DecodeMode, Trace, TraceStep, Vec } from './trace';
import {
  DecodeError,
  beamSearchTree,
  beamTreeResult,
  decodeSequence,
  withSampling,
  forcedWithEos,
  logSoftmaxInPlace,
  normaliseOverrides,
  resolveMaxLength,
  softmaxInto,
  topEntries,
  traceTokens,
  type BeamHypothesis,
  type BeamOptions,
  type BeamTreeOptions,
  type BeamTreeResult,
  type DecodeOptions,
  type Decoded,
  type Stepper,
} from './decoding';

/** A source sentence after the encoder: everything decoding steps reuse. */
export interface EncodedSource {
  tokens: string[];
  ids: Int32Array;
  unknown: boolean[];
  /** Tx, </s> included. */
  length: number;
  annotations: FloatArray;
  keys: FloatArray | null;
  keyDim: number;
  /** What α averages into c_i: the annotations, or W_v h_j for scaled-dot. [Tx, 2H] */
  values: FloatArray;
  /** values·[C | C_o]: [Tx, 3H + 2L] (for `none`: one row, the summary's projection). */
  contextProj: FloatArray;
  /** For `none`: the fixed context [→h_Tx ; ←h_1]. */
  summary: FloatArray | null;
  initialState: FloatArray;
}

/** Per-step scratch, allocated once per decode. */
interface Scratch {
  /** s_{i−1}·[U_z|U_r (decoder) | U_o | W_a or W_q]: every product of the previous state at once. */
  sq: FloatArray;
  q: FloatArray;
  e: FloatArray;
  alpha: FloatArray;
  ctx: FloatArray;
  cp: FloatArray;
  tt: FloatArray;
  t: FloatArray;
  logits: FloatArray;
  x: FloatArray;
  zr: FloatArray;
  rh: FloatArray;
  cand: FloatArray;
  sNext: FloatArray;
}

/** The numbers of one step, before a token is chosen. */
interface StepResult {
  /** log p over the target vocabulary (in scratch.logits, overwritten next step). */
  logProbs: FloatArray;
}

/** A variant's own weight, present by construction (paramSpecs gives every variant its weights). */
function need(w: FloatArray | null, name: string): FloatArray {
  if (!w) throw new Error(`InferenceModel: ${name} is missing`);
  return w;
}

function sliceRows(src: FloatArray, row: number, width: number): FloatArray {
  return src.subarray(row * width, (row + 1) * width);
}

/**
 * Embedding × input weights (+ bias) per vocabulary word, computed the first time a word is used
 * and kept: a real vocabulary has thousands of words and a sentence uses a dozen, so tabulating
 * them all up front held the page for ~0.4 s when a 4k-piece model loaded.
 */
class LazyTable {
  private readonly data: FloatArray;
  private readonly done: Uint8Array;
  constructor(
    dtype: 'float32' | 'float64',
    private readonly emb: FloatArray,
    private readonly E: number,
    private readonly W: FloatArray,
    private readonly b: FloatArray,
    private readonly n: number,
    rows: number,
  ) {
    this.data = allocArray(dtype, rows * n);
    this.done = new Uint8Array(rows);
  }

  /** Row `id`: E[id]·W + b. */
  row(id: number): FloatArray {
    const { n } = this;
    const out = this.data.subarray(id * n, (id + 1) * n);
    if (this.done[id] === 0) {
      out.set(this.b);
      gemm(false, false, 1, n, this.E, this.emb, id * this.E, this.E, this.W, 0, n, out, 0, n, true);
      this.done[id] = 1;
    }
    return out;
  }
}

/** RNNsearch's weights as inference uses them, gathered once when the model loads. */
interface RnnWeights {
  /** Each GRU's recurrent weights: [U_z | U_r] [H, 2H] and U_h [H, H]. */
  encFwd: { Uzr: FloatArray; Uh: FloatArray };
  encBwd: { Uzr: FloatArray; Uh: FloatArray };
  dec: { Uzr: FloatArray; Uh: FloatArray };
  /** [C | C_o]: [2H, 3H + 2L], what a context vector is multiplied by. */
  contextProj: FloatArray;
  /** [U_z | U_r | U_o | W_a or W_q]: [H, SQ], what s_{i−1} is multiplied by. */
  stateProj: FloatArray;
  /** s_0 = tanh(←h_1·W_s + b_s). */
  initW: FloatArray;
  initB: FloatArray;
  /** The output layer W_o [L, V] and its bias b_w [V]. */
  outW: FloatArray;
  outBias: FloatArray;
  /** Attention weights of the variants that have them. */
  va: FloatArray | null;
  Ua: FloatArray | null;
  Wg: FloatArray | null;
  Wk: FloatArray | null;
  Wv: FloatArray | null;
}

/** src·W for the rows of `src` ([rows, 2H]) and W [2H, n]: how attentionInputs projects annotations. */
type Projector = (src: FloatArray, W: FloatArray, n: number) => FloatArray;

/** A trained RNNsearch ready to translate, built from parameters and vocabularies. */
export class InferenceModel implements TranslationModel<EncodedSource> {
  readonly family = 'rnnsearch' as const;
  readonly config: RnnConfig;
  readonly srcVocab: Vocab;
  readonly tgtVocab: Vocab;
  readonly dtype: DType;
  private readonly H: number;
  private readonly A: number;
  private readonly L: number;
  private readonly V: number;
  /** Width of a context projection row: 3H (decoder GRU input) + 2L (deep output). */
  private readonly CP: number;
  /** Columns of the merged state product: 2H (GRU gates) + 2L (deep output) + query size. */
  private readonly SQ: number;
  private readonly queryDim: number;
  private readonly w: RnnWeights;
  private encF!: LazyTable;
  private encB!: LazyTable;
  private decIn!: LazyTable;
  private outEmb!: LazyTable;
  /**
   * float32 models use the fast rational tanh (within 3e-7, below float32 resolution); float64
   * models (gradient and parity checks) the exact library function. The GRU kernel chooses its
   * σ and tanh by the same rule.
   */
  private readonly tanh: (x: number) => number;

  constructor(config: RnnConfig, params: Params, srcVocab: Vocab, tgtVocab: Vocab) {
    validateConfig(config);
    if (srcVocab.size !== config.srcVocabSize || tgtVocab.size !== config.tgtVocabSize) {
      throw new RangeError(
        `InferenceModel: vocabularies have ${srcVocab.size}/${tgtVocab.size} entries, the model expects ${config.srcVocabSize}/${config.tgtVocabSize}`,
      );
    }
    this.config = config;
    this.srcVocab = srcVocab;
    this.tgtVocab = tgtVocab;
    const { embedding: E, hidden: H, alignment: A, maxout: L } = config.sizes;
    this.H = H;
    this.A = A;
    this.L = L;
    this.V = config.tgtVocabSize;
    this.CP = 3 * H + 2 * L;
    this.dtype = params.get('encoder.embedding').dtype;
    const dtype = this.dtype;
    this.tanh = dtype === 'float32' ? fastTanh : Math.tanh;
    this.queryDim = config.variant === 'additive' || config.variant === 'scaled-dot' ? A : 0;
    this.SQ = 2 * H + 2 * L + this.queryDim;
    const get = (name: string): FloatArray => params.get(name).data;
    const opt = (name: string): FloatArray | null => (params.has(name) ? get(name) : null);
    this.w = noGrad(() => {
      const fwd = gruWeights(params, 'encoder.fwd');
      const bwd = gruWeights(params, 'encoder.bwd');
      const dec = gruWeights(params, 'decoder.gru');
      // embedding × input weights (+ bias) per vocabulary word, filled in as words are used
      const table = (emb: FloatArray, rows: number, W: FloatArray, b: FloatArray, n: number): LazyTable => new LazyTable(dtype, emb, E, W, b, n, rows);
      this.encF = table(get('encoder.embedding'), config.srcVocabSize, fwd.W.data, fwd.b.data, 3 * H);
      this.encB = table(get('encoder.embedding'), config.srcVocabSize, bwd.W.data, bwd.b.data, 3 * H);
      this.decIn = table(get('decoder.embedding'), config.tgtVocabSize, dec.W.data, dec.b.data, 3 * H);
      this.outEmb = table(get('decoder.embedding'), config.tgtVocabSize, get('output.Vo'), get('output.bo'), 2 * L);
      // everything the decoder multiplies s_{i−1} by, side by side: one product per step
      const query = config.variant === 'additive' ? [params.get('attention.Wa')] : config.variant === 'scaled-dot' ? [params.get('attention.Wq')] : [];
      const weights: RnnWeights = {
        encFwd: { Uzr: fwd.Uzr.data, Uh: fwd.Uh.data },
        encBwd: { Uzr: bwd.Uzr.data, Uh: bwd.Uh.data },
        dec: { Uzr: dec.Uzr.data, Uh: dec.Uh.data },
        contextProj: concat([dec.C as NonNullable<typeof dec.C>, params.get('output.Co')], 1).data,
        stateProj: concat([dec.Uzr, params.get('output.Uo'), ...query], 1).data,
        initW: get('decoder.init.Ws'),
        initB: get('decoder.init.bs'),
        outW: get('output.Wo'),
        outBias: get('output.bw'),
        va: opt('attention.va'),
        Ua: opt('attention.Ua'),
        Wg: opt('attention.Wg'),
        Wk: opt('attention.Wk'),
        Wv: opt('attention.Wv'),
      };
      return weights;
    });
  }

  get variant(): Variant {
    return this.config.variant;
  }

  /**
   * Every weight array the engine multiplies by (its own gathered copies included). They never
   * change after construction, so a caller may declare them constant operands of the products
   * (src/tensor/kernels/gemm.ts, `withConstantOperands`).
   */
  weightArrays(): FloatArray[] {
    const { encFwd, encBwd, dec, ...rest } = this.w;
    return [encFwd.Uzr, encFwd.Uh, encBwd.Uzr, encBwd.Uh, dec.Uzr, dec.Uh, ...Object.values(rest)].filter((x): x is FloatArray => x !== null);
  }

  /** v_a of the additive scorer (for the "how a score is built" panel); null for other variants. */
  get va(): FloatArray | null {
    return this.w.va;
  }

  /**
   * The per-unit terms that add up to the score e_ij of a trace this model produced, computed
   * with the same tanh it decoded with (null for variants without scores).
   */
  explainScore(trace: Trace, i: number, j: number): ScoreTerms | null {
    return scoreTerms(trace, i, j, this.va, this.tanh);
  }

  /** Map tokens to source ids (unknown → <unk>) and encode. Throws DecodeError on bad input. */
  encodeTokens(tokens: readonly string[], _opts?: EncodeOptions): EncodedSource {
    if (tokens.length === 0) throw new DecodeError('empty-source', 'The source sentence is empty: there is nothing to attend to.');
    if (tokens.length > MAX_SOURCE_TOKENS) {
      throw new DecodeError('source-too-long', `The source has ${tokens.length} tokens; the model accepts at most ${MAX_SOURCE_TOKENS}.`);
    }
    const n = tokens.length;
    const ids = new Int32Array(n + 1);
    const unknown: boolean[] = [];
    for (let t = 0; t < n; t++) {
      const id = this.srcVocab.id(tokens[t] as string);
      ids[t] = id;
      unknown.push(id === UNK_ID);
    }
    ids[n] = EOS_ID;
    unknown.push(false);
    return this.encodeIds(ids, [...tokens, '</s>'], unknown);
  }

  /** Encode source ids that already end with </s>. */
  encodeIds(ids: Int32Array, tokens?: string[], unknown?: boolean[]): EncodedSource {
    const Tx = ids.length;
    if (Tx === 0 || (Tx < 2 && ids[0] === EOS_ID)) throw new DecodeError('empty-source', 'The source sentence is empty: there is nothing to attend to.');
    if (Tx > MAX_SOURCE_TOKENS + 1) {
      throw new DecodeError('source-too-long', `The source has ${Tx - 1} tokens; the model accepts at most ${MAX_SOURCE_TOKENS}.`);
    }
    for (let t = 0; t < Tx; t++) {
      const id = ids[t];
      if (!Number.isInteger(id) || id < 0 || id >= this.config.srcVocabSize) throw new DecodeError('bad-option', `source id ${id} at ${t} is out of range`);
    }
    const { fwd, bwd, annotations } = this.runEncoder(ids);
    const { H, dtype, w } = this;
    // s_0 = tanh(←h_1·W_s + b_s)
    const s0 = allocArray(dtype, H);
    s0.set(w.initB);
    gemm(false, false, 1, H, H, bwd, 0, H, w.initW, 0, H, s0, 0, H, true);
    for (let u = 0; u < H; u++) s0[u] = Math.tanh(s0[u]); // once per sentence: exact
    return {
      tokens: tokens ?? Array.from(ids, (id) => this.srcVocab.token(id)),
      ids,
      unknown: unknown ?? Array.from(ids, (id) => id === UNK_ID),
      length: Tx,
      annotations,
      ...this.attentionInputs(fwd, bwd, annotations, Tx),
      initialState: s0,
    };
  }

  /**
   * The source of `whole` (this model's encodeIds) without each of `spans` (pieces [first, last];
   * </s> is never among them), encoded: what encodeIds gives for each shortened source (up to the order of float sums), or null
   * where nothing but </s> would be left. For the leave-one-out of the saliency
   * (src/model/saliency.ts): a deletion leaves the forward GRU's states before it and the
   * backward GRU's after it as they were, so each shortened source runs only the rest, and all of
   * them side by side, one matrix product per step; their attention inputs are one product over
   * all their rows.
   */
  encodeWithout(whole: EncodedSource, spans: ReadonlyArray<readonly [number, number]>): Array<EncodedSource | null> {
    const ids = whole.ids;
    const Tx = ids.length;
    if (Tx < 2 || ids[Tx - 1] !== EOS_ID) throw new DecodeError('bad-option', 'encodeWithout: the source must hold a token and end with </s>');
    for (const [a, b] of spans) {
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a || b >= Tx - 1) throw new RangeError(`encodeWithout: span [${a}, ${b}] is not inside the source before </s>`);
    }
    const { H, dtype, w } = this;
    const H2 = 2 * H;
    const wholeAnn = whole.annotations; // rows [→h | ←h]
    const kept = spans.map(([a, b]) => ({ a, b, len: Tx - (b - a + 1) })).filter((d) => d.len >= 2);
    const fwd = kept.map((d) => allocArray(dtype, d.len * H));
    const bwd = kept.map((d) => allocArray(dtype, d.len * H));
    kept.forEach((d, k) => {
      const f = fwd[k] as FloatArray;
      const g = bwd[k] as FloatArray;
      for (let t = 0; t < d.a; t++) f.set(wholeAnn.subarray(t * H2, t * H2 + H), t * H); // before the deletion: →h unchanged
      for (let t = d.b + 1; t < Tx; t++) g.set(wholeAnn.subarray(t * H2 + H, (t + 1) * H2), (t - (d.b + 1) + d.a) * H); // after it: ←h unchanged
    });
    // the rest, side by side: →h from the deletion on (from →h just before it), ←h from just before it down to the start (from ←h just after it)
    this.lockstep(
      this.encF,
      w.encFwd,
      kept.map((d, k) => ({
        init: d.a > 0 ? wholeAnn.subarray((d.a - 1) * H2, (d.a - 1) * H2 + H) : null,
        tokens: ids.subarray(d.b + 1),
        out: fwd[k] as FloatArray,
        rows: Int32Array.from({ length: Tx - d.b - 1 }, (_, s) => d.a + s),
      })),
    );
    this.lockstep(
      this.encB,
      w.encBwd,
      kept.map((d, k) => ({
        init: wholeAnn.subarray((d.b + 1) * H2 + H, (d.b + 2) * H2),
        tokens: Int32Array.from({ length: d.a }, (_, s) => ids[d.a - 1 - s] as number),
        out: bwd[k] as FloatArray,
        rows: Int32Array.from({ length: d.a }, (_, s) => d.a - 1 - s),
      })),
    );
    const encoded = this.encodeRows(ids, wholeAnn, kept, fwd, bwd);
    let next = 0;
    return spans.map(([a, b]) => (Tx - (b - a + 1) >= 2 ? (encoded[next++] as EncodedSource) : null));
  }

  /**
   * EncodedSources of shortened sources (encodeWithout) from their encoder states: the annotations,
   * the attention inputs of all their rows in one product (a projection is row by row), s_0.
   */
  private encodeRows(ids: Int32Array, full: FloatArray, kept: ReadonlyArray<{ a: number; b: number; len: number }>, fwd: readonly FloatArray[], bwd: readonly FloatArray[]): EncodedSource[] {
    const { H, dtype, w } = this;
    const H2 = 2 * H;
    const total = kept.reduce((n, d) => n + d.len, 0);
    const allF = allocArray(dtype, total * H);
    const allB = allocArray(dtype, total * H);
    const allA = allocArray(dtype, total * H2);
    let row = 0;
    const starts = kept.map((d, k) => {
      const start = row;
      allF.set(fwd[k] as FloatArray, row * H);
      allB.set(bwd[k] as FloatArray, row * H);
      for (let t = 0; t < d.len; t++) {
        allA.set((fwd[k] as FloatArray).subarray(t * H, (t + 1) * H), (row + t) * H2);
        allA.set((bwd[k] as FloatArray).subarray(t * H, (t + 1) * H), (row + t) * H2 + H);
      }
      row += d.len;
      return start;
    });
    const stacked = this.config.variant === 'none' ? null : this.attentionInputs(allF, allB, allA, total, this.splitProjector(full, kept, starts, allF, allB, allA));
    const rowsOf = (x: FloatArray | null, start: number, len: number): FloatArray | null => (x ? x.subarray((start * x.length) / total, ((start + len) * x.length) / total) : null);
    return kept.map((d, k): EncodedSource => {
      const start = starts[k] as number;
      const newIds = new Int32Array(d.len);
      newIds.set(ids.subarray(0, d.a));
      newIds.set(ids.subarray(d.b + 1), d.a);
      const annotations = allA.subarray(start * H2, (start + d.len) * H2);
      const s0 = allocArray(dtype, H);
      s0.set(w.initB);
      gemm(false, false, 1, H, H, bwd[k] as FloatArray, 0, H, w.initW, 0, H, s0, 0, H, true);
      for (let u = 0; u < H; u++) s0[u] = Math.tanh(s0[u]);
      const inputs = stacked
        ? {
            keys: rowsOf(stacked.keys, start, d.len),
            keyDim: stacked.keyDim,
            values: rowsOf(stacked.values, start, d.len) as FloatArray,
            contextProj: rowsOf(stacked.contextProj, start, d.len) as FloatArray,
            summary: null,
          }
        : this.attentionInputs(fwd[k] as FloatArray, bwd[k] as FloatArray, annotations, d.len);
      return {
        tokens: Array.from(newIds, (id) => this.srcVocab.token(id)),
        ids: newIds,
        unknown: Array.from(newIds, (id) => id === UNK_ID),
        length: d.len,
        annotations,
        ...inputs,
        initialState: s0,
      };
    });
  }

  /**
   * The projections of the shortened sources' annotation rows (encodeRows), half the work of a
   * plain product: a row [→h ; ←h] times W is →h·W_top + ←h·W_bottom, and before the deletion →h is
   * the whole source's (after it ←h is), so that half comes from one product over the whole
   * source, and only the changed halves of all rows are multiplied, stacked into two products.
   * Any other matrix is projected as usual.
   */
  private splitProjector(full: FloatArray, kept: ReadonlyArray<{ a: number; b: number; len: number }>, starts: readonly number[], allF: FloatArray, allB: FloatArray, allA: FloatArray): Projector {
    const { H, dtype } = this;
    const H2 = 2 * H;
    const Tx = full.length / H2;
    const total = allA.length / H2;
    const nB = kept.reduce((n, d) => n + d.a, 0);
    const newB = allocArray(dtype, nB * H);
    const newF = allocArray(dtype, (total - nB) * H);
    let ib = 0;
    let jf = 0;
    kept.forEach((d, k) => {
      const start = starts[k] as number;
      newB.set(allB.subarray(start * H, (start + d.a) * H), ib * H);
      newF.set(allF.subarray((start + d.a) * H, (start + d.len) * H), jf * H);
      ib += d.a;
      jf += d.len - d.a;
    });
    return (src, W, n) => {
      const out = allocArray(dtype, total * n);
      if (src !== allA) {
        gemm(false, false, total, n, H2, src, 0, H2, W, 0, n, out, 0, n, false);
        return out;
      }
      const PF = allocArray(dtype, Tx * n);
      const PB = allocArray(dtype, Tx * n);
      gemm(false, false, Tx, n, H, full, 0, H2, W, 0, n, PF, 0, n, false);
      gemm(false, false, Tx, n, H, full, H, H2, W, H * n, n, PB, 0, n, false);
      const RB = allocArray(dtype, nB * n);
      const RF = allocArray(dtype, (total - nB) * n);
      gemm(false, false, nB, n, H, newB, 0, H, W, H * n, n, RB, 0, n, false);
      gemm(false, false, total - nB, n, H, newF, 0, H, W, 0, n, RF, 0, n, false);
      let rb = 0;
      let rf = 0;
      kept.forEach((d, k) => {
        const start = starts[k] as number;
        const shift = d.b - d.a + 1;
        for (let t = 0; t < d.len; t++) {
          const o = (start + t) * n;
          if (t < d.a) for (let c = 0; c < n; c++) out[o + c] = PF[t * n + c] + RB[(rb + t) * n + c];
          else for (let c = 0; c < n; c++) out[o + c] = RF[(rf + t - d.a) * n + c] + PB[(t + shift) * n + c];
        }
        rb += d.a;
        rf += d.len - d.a;
      });
      return out;
    };
  }

  /**
   * Several runs of one encoder GRU side by side: run k starts from `init` (null: zeros), reads
   * `tokens` in order and writes state s to row `rows[s]` of `out` ([·, H]). One matrix product per
   * step over the runs still going (longest first, so that they are a prefix).
   */
  private lockstep(table: LazyTable, g: { Uzr: FloatArray; Uh: FloatArray }, runs: Array<{ init: FloatArray | null; tokens: Int32Array; out: FloatArray; rows: Int32Array }>): void {
    const { H, dtype } = this;
    const order = runs.map((_, k) => k).sort((x, y) => (runs[y] as (typeof runs)[number]).tokens.length - (runs[x] as (typeof runs)[number]).tokens.length);
    const n = order.length;
    if (n === 0) return;
    const steps = (runs[order[0] as number] as (typeof runs)[number]).tokens.length;
    let h = allocArray(dtype, n * H);
    let next = allocArray(dtype, n * H);
    order.forEach((k, i) => {
      const init = (runs[k] as (typeof runs)[number]).init;
      if (init) h.set(init, i * H);
    });
    const x = allocArray(dtype, n * 3 * H);
    for (let s = 0; s < steps; s++) {
      let m = 0;
      while (m < n && (runs[order[m] as number] as (typeof runs)[number]).tokens.length > s) m++;
      for (let i = 0; i < m; i++) x.set(table.row((runs[order[i] as number] as (typeof runs)[number]).tokens[s] as number), i * 3 * H);
      gruStep(m, H, x, h, g.Uzr, g.Uh, next);
      for (let i = 0; i < m; i++) {
        const run = runs[order[i] as number] as (typeof runs)[number];
        run.out.set(next.subarray(i * H, (i + 1) * H), (run.rows[s] as number) * H);
      }
      [h, next] = [next, h];
    }
  }

  /** Both encoder GRUs over the source: →h, ←h [Tx, H] each, and the annotations [Tx, 2H]. */
  private runEncoder(ids: Int32Array): { fwd: FloatArray; bwd: FloatArray; annotations: FloatArray } {
    const { H, dtype, w } = this;
    const Tx = ids.length;
    const H2 = 2 * H;
    const fwd = allocArray(dtype, Tx * H);
    const bwd = allocArray(dtype, Tx * H);
    const scratch = this.newScratch(Tx);
    let prev: FloatArray = allocArray(dtype, H);
    for (let t = 0; t < Tx; t++) {
      const out = sliceRows(fwd, t, H);
      gruStep(1, this.H, this.encF.row(ids[t]), prev, w.encFwd.Uzr, w.encFwd.Uh, out, { zr: scratch.zr, rh: scratch.rh, hTilde: scratch.cand });
      prev = out;
    }
    prev = allocArray(dtype, H);
    for (let t = Tx - 1; t >= 0; t--) {
      const out = sliceRows(bwd, t, H);
      gruStep(1, this.H, this.encB.row(ids[t]), prev, w.encBwd.Uzr, w.encBwd.Uh, out, { zr: scratch.zr, rh: scratch.rh, hTilde: scratch.cand });
      prev = out;
    }
    const annotations = allocArray(dtype, Tx * H2);
    for (let t = 0; t < Tx; t++) {
      annotations.set(sliceRows(fwd, t, H), t * H2);
      annotations.set(sliceRows(bwd, t, H), t * H2 + H);
    }
    return { fwd, bwd, annotations };
  }

  /** What the variant's attention precomputes once per sentence: keys, values, their context projections. */
  private attentionInputs(fwd: FloatArray, bwd: FloatArray, annotations: FloatArray, Tx: number, projector?: Projector): Pick<EncodedSource, 'keys' | 'keyDim' | 'values' | 'contextProj' | 'summary'> {
    const { H, dtype, w } = this;
    const H2 = 2 * H;
    const project = projector ?? ((src: FloatArray, W: FloatArray, n: number): FloatArray => {
      const out = allocArray(dtype, Tx * n);
      gemm(false, false, Tx, n, H2, src, 0, H2, W, 0, n, out, 0, n, false);
      return out;
    });
    let keys: FloatArray | null = null;
    let keyDim = 0;
    let values: FloatArray = annotations;
    switch (this.config.variant) {
      case 'additive':
        keys = project(annotations, need(w.Ua, 'attention.Ua'), this.A);
        keyDim = this.A;
        break;
      case 'general':
        keys = project(annotations, need(w.Wg, 'attention.Wg'), H);
        keyDim = H;
        break;
      case 'dot':
        keys = allocArray(dtype, Tx * H);
        for (let t = 0; t < Tx; t++) for (let u = 0; u < H; u++) keys[t * H + u] = fwd[t * H + u] + bwd[t * H + u];
        keyDim = H;
        break;
      case 'scaled-dot':
        keys = project(annotations, need(w.Wk, 'attention.Wk'), this.A);
        keyDim = this.A;
        values = project(annotations, need(w.Wv, 'attention.Wv'), H2);
        break;
      default:
        break;
    }
    if (this.config.variant !== 'none') return { keys, keyDim, values, contextProj: project(values, w.contextProj, this.CP), summary: null };
    // RNNencdec: one fixed summary [→h_Tx ; ←h_1] and its projection
    const summary = allocArray(dtype, H2);
    summary.set(sliceRows(fwd, Tx - 1, H), 0);
    summary.set(sliceRows(bwd, 0, H), H);
    const contextProj = allocArray(dtype, this.CP);
    gemm(false, false, 1, this.CP, H2, summary, 0, H2, w.contextProj, 0, this.CP, contextProj, 0, this.CP, false);
    return { keys, keyDim, values, contextProj, summary };
  }

  private newScratch(Tx: number): Scratch {
    const { dtype, H, L, V } = this;
    return {
      sq: allocArray(dtype, this.SQ),
      q: allocArray(dtype, Math.max(this.A, H)),
      e: allocArray(dtype, Tx),
      alpha: allocArray(dtype, Tx),
      ctx: allocArray(dtype, 2 * H),
      cp: allocArray(dtype, this.CP),
      tt: allocArray(dtype, 2 * L),
      t: allocArray(dtype, L),
      logits: allocArray(dtype, V),
      x: allocArray(dtype, 3 * H),
      zr: allocArray(dtype, 2 * H),
      rh: allocArray(dtype, H),
      cand: allocArray(dtype, H),
      sNext: allocArray(dtype, H),
    };
  }

  /**
   * One decoder step from state s (= s_{i−1}) and previous token: fills scratch.q/e/alpha/ctx,
   * scratch.sNext (= s_i) and scratch.logits with log-probabilities.
   * `override` replaces α_i (already normalised); `diagonalJ` is used by the diagonal variant.
   */
  private decoderStep(enc: EncodedSource, s: FloatArray, prevToken: number, sc: Scratch, override: FloatArray | null, diagonalJ: number): StepResult {
    const { H, L, V, w } = this;
    // ---- s_{i−1}·[U_z|U_r | U_o | W_a]: the GRU gates, the deep output and the query at once ----
    const sq = sc.sq;
    gemm(false, false, 1, this.SQ, H, s, 0, H, w.stateProj, 0, this.SQ, sq, 0, this.SQ, false);
    this.attend(enc, s, sq, sc, override, diagonalJ);
    this.deepOutput(prevToken, sc.cp, sq, sc.tt, sc.t, 0);
    const logits = sc.logits;
    logits.set(w.outBias);
    gemm(false, false, 1, V, L, sc.t, 0, L, w.outW, 0, V, logits, 0, V, true);
    logSoftmaxInPlace(logits);
    // ---- s_i = GRU(s_{i−1}, [E_y y_{i−1} ; c_i]): the one GRU kernel, with the context part
    // (cp) added to the input and the gate product taken from the merged state product (sq) ----
    gruStep(1, H, this.decIn.row(prevToken), s, w.dec.Uzr, w.dec.Uh, sc.sNext, { zr: sc.zr, rh: sc.rh, hTilde: sc.cand, addX: sc.cp, zrPre: sq });
    return { logProbs: logits };
  }

  /**
   * Attention of one step, given s_{i−1} and its merged product `sq` (s_{i−1}·[U_z|U_r | U_o | W_a]):
   * fills sc.q, sc.e, sc.alpha, sc.ctx and the context projections sc.cp.
   */
  private attend(enc: EncodedSource, s: FloatArray, sq: FloatArray, sc: Scratch, override: FloatArray | null, diagonalJ: number): void {
    const { H, A, L, CP, w } = this;
    const Tx = enc.length;
    const variant = this.config.variant;
    const alpha = sc.alpha;
    const e = sc.e;
    const tanh = this.tanh;
    const qOff = 2 * H + 2 * L;
    if (this.queryDim > 0) for (let a = 0; a < A; a++) sc.q[a] = sq[qOff + a];
    if (variant === 'none') {
      sc.ctx.set(enc.summary as FloatArray);
      sc.cp.set(enc.contextProj);
      return;
    }
    if (variant === 'diagonal') {
      alpha.fill(0);
      alpha[diagonalJ] = 1;
    } else {
      const keys = enc.keys as FloatArray;
      if (variant === 'additive') {
        // q = W_a s_{i−1} (from the merged product);  e_j = v_aᵀ tanh(q + U_a h_j)
        const q = sc.q;
        const va = need(w.va, 'attention.va');
        for (let j = 0; j < Tx; j++) {
          const base = j * A;
          let acc = 0;
          for (let a = 0; a < A; a++) acc += va[a] * tanh(q[a] + keys[base + a]);
          e[j] = acc;
        }
      } else {
        // W_q s_{i−1} (from the merged product) for scaled-dot, s_{i−1} itself for dot and general
        const q: FloatArray = variant === 'scaled-dot' ? sc.q : s;
        const d = variant === 'scaled-dot' ? A : H;
        const f = variant === 'scaled-dot' ? 1 / Math.sqrt(A) : 1;
        for (let j = 0; j < Tx; j++) {
          const base = j * d;
          let acc = 0;
          for (let k = 0; k < d; k++) acc += q[k] * keys[base + k];
          e[j] = acc * f;
        }
      }
      softmaxInto(e, Tx, alpha); // α_i = softmax(e_i)
    }
    // an attention edit replaces the weights (the scores stay as the model computed them)
    if (override) alpha.set(override);
    // c_i = Σ_j α_ij h_j and its projections Σ_j α_ij (h_j·[C | C_o])
    gemm(false, false, 1, 2 * H, Tx, alpha, 0, Tx, enc.values, 0, 2 * H, sc.ctx, 0, 2 * H, false);
    gemm(false, false, 1, CP, Tx, alpha, 0, Tx, enc.contextProj, 0, CP, sc.cp, 0, CP, false);
  }

  /**
   * Deep output: t̃ = U_o s_{i−1} + (V_o E y_{i−1} + b_o) + C_o c_i into `tt` (2L), then its maxout
   * into t[tOff, tOff + L). `cp` holds the context projections, `sq` the merged state product.
   */
  private deepOutput(prevToken: number, cp: FloatArray, sq: FloatArray, tt: FloatArray, t: FloatArray, tOff: number): void {
    const { H, L } = this;
    tt.set(this.outEmb.row(prevToken));
    for (let k = 0; k < 2 * L; k++) tt[k] = tt[k] + cp[3 * H + k] + sq[2 * H + k];
    for (let k = 0; k < L; k++) {
      const a = tt[k];
      const b = tt[k + L];
      t[tOff + k] = a >= b ? a : b;
    }
  }

  /**
   * The decoder as the shared strategies see it (src/model/decoding.ts): the state is s_{i−1};
   * each step records s_{i−1}, the query, e_i, α_i, c_i and s_i in one array (see `stepLayout`).
   * `ty` is the target length the diagonal variant spreads over; `overrides` are edited rows.
   */
  private stepper(enc: EncodedSource, ty: number, overrides: ReadonlyMap<number, FloatArray>): Stepper<FloatArray, FloatArray> {
    const Tx = enc.length;
    const sc = this.newScratch(Tx);
    const layout = this.stepLayout(Tx);
    const qLen = this.queryLength();
    const hasScores = qLen > 0;
    const queryFromState = this.variant === 'dot' || this.variant === 'general';
    return {
      initial: enc.initialState,
      step: (s, prev, i) => {
        const diagJ = this.variant === 'diagonal' ? diagonalPosition(i, Tx, ty) : 0;
        const override = this.variant === 'none' ? null : (overrides.get(i) ?? null);
        const { logProbs } = this.decoderStep(enc, s, prev, sc, override, diagJ);
        const record = allocArray(this.dtype, layout.size);
        record.set(s, layout.off.prev);
        if (qLen > 0) record.set((queryFromState ? s : sc.q).subarray(0, qLen), layout.off.query);
        if (hasScores) record.set(sc.e.subarray(0, Tx), layout.off.scores);
        record.set(sc.alpha.subarray(0, Tx), layout.off.weights);
        record.set(sc.ctx, layout.off.context);
        record.set(sc.sNext, layout.off.state);
        return { logProbs, record, next: record.subarray(layout.off.state, layout.off.state + this.H) };
      },
    };
  }

  private tyEstimate(Tx: number): number {
    return Math.max(1, Math.round(this.config.lengthRatio * Tx));
  }

  private topKFor(requested: number | undefined): number {
    return Math.max(1, Math.min(requested ?? 5, this.V));
  }

  /** Free decoding, always taking the most probable token. */
  greedy(enc: EncodedSource, opts: DecodeOptions = {}): Trace {
    const overrides = normaliseOverrides(opts.overrides, enc.length, this.dtype);
    const decoded = decodeSequence(this.stepper(enc, this.tyEstimate(enc.length), overrides), {
      maxLength: resolveMaxLength(enc.length, opts.maxLength),
      topK: this.topKFor(opts.topK),
      forced: null,
      stopAtEos: opts.stopAtEos !== false,
      sample: opts.sample ?? null,
    });
    return withSampling(this.writeTrace(enc, opts.sample ? 'sample' : 'greedy', decoded, overrides), opts);
  }

  /** Teacher-forced decoding of a given target (ids without </s>; </s> is appended). */
  forced(enc: EncodedSource, targetIds: Int32Array, opts: DecodeOptions = {}): Trace {
    const ids = forcedWithEos(targetIds, this.V);
    const overrides = normaliseOverrides(opts.overrides, enc.length, this.dtype);
    const decoded = decodeSequence(this.stepper(enc, ids.length, overrides), { maxLength: ids.length, topK: this.topKFor(opts.topK), forced: ids, stopAtEos: true });
    return this.writeTrace(enc, 'forced', decoded, overrides);
  }

  /**
   * log p(y_i | y_<i, x) of one forced target (ids without </s>; </s> is appended) under each of
   * several encoded sources, decoded side by side: the state product, the output layer and the
   * GRU are one matrix product per step over all the sources (each source attends over its own
   * annotations), and nothing is recorded but the forced tokens' log-probabilities (no trace, no
   * top-k). Returns [sources][steps]: `forced(enc, targetIds).steps[i].token.logProb` of each.
   */
  forcedLogProbs(encs: readonly EncodedSource[], targetIds: Int32Array): Float64Array[] {
    const all = forcedWithEos(targetIds, this.V);
    // decoding stops at the first </s>, as `forced` does
    const ids = all.subarray(0, all.indexOf(EOS_ID) + 1);
    const { H, L, V, SQ, dtype, w } = this;
    const B = encs.length;
    const out = encs.map(() => new Float64Array(ids.length));
    let s = allocArray(dtype, B * H);
    let next = allocArray(dtype, B * H);
    encs.forEach((enc, b) => s.set(enc.initialState, b * H));
    const sq = allocArray(dtype, B * SQ);
    const zr = allocArray(dtype, B * 2 * H);
    const x = allocArray(dtype, B * 3 * H);
    const addX = allocArray(dtype, B * 3 * H);
    const t = allocArray(dtype, B * L);
    const logits = allocArray(dtype, B * V);
    const scratch = encs.map((enc) => this.newScratch(enc.length));
    for (let i = 0; i < ids.length && B > 0; i++) {
      const prev = i === 0 ? BOS_ID : (ids[i - 1] as number);
      gemm(false, false, B, SQ, H, s, 0, H, w.stateProj, 0, SQ, sq, 0, SQ, false);
      const xRow = this.decIn.row(prev);
      encs.forEach((enc, b) => {
        const sc = scratch[b] as Scratch;
        const sqRow = sq.subarray(b * SQ, (b + 1) * SQ);
        this.attend(enc, s.subarray(b * H, (b + 1) * H), sqRow, sc, null, this.variant === 'diagonal' ? diagonalPosition(i, enc.length, all.length) : 0);
        this.deepOutput(prev, sc.cp, sqRow, sc.tt, t, b * L);
        addX.set(sc.cp.subarray(0, 3 * H), b * 3 * H);
        zr.set(sqRow.subarray(0, 2 * H), b * 2 * H);
        x.set(xRow, b * 3 * H);
        logits.set(w.outBias, b * V);
      });
      gemm(false, false, B, V, L, t, 0, L, w.outW, 0, V, logits, 0, V, true);
      const token = ids[i] as number;
      out.forEach((o, b) => (o[i] = logits[b * V + token] - logSumExpFast(logits, b * V, V)));
      gruStep(B, H, x, s, w.dec.Uzr, w.dec.Uh, next, { zrPre: zr, addX });
      [s, next] = [next, s];
    }
    return out;
  }

  /** Map target tokens to ids (unknown → <unk>) and force-decode them. */
  forcedTokens(enc: EncodedSource, tokens: readonly string[], opts: DecodeOptions = {}): Trace {
    return this.forced(enc, Int32Array.from(tokens, (t) => this.tgtVocab.id(t)), opts);
  }

  /**
   * Beam search (src/model/decoding.ts): keeps the `width` best partial translations, ranked by
   * logP / len^alpha. Every hypothesis carries its own trace.
   */
  beam(enc: EncodedSource, opts: BeamOptions): BeamHypothesis[] {
    return this.beamTree(enc, opts).hypotheses;
  }

  /**
   * Beam search with its search tree (every candidate, kept or pruned) and, on request, the trace
   * of one branch (src/model/decoding.ts, `beamTreeResult`).
   */
  beamTree(enc: EncodedSource, opts: BeamTreeOptions): BeamTreeResult {
    const result = beamSearchTree(this.stepper(enc, this.tyEstimate(enc.length), new Map()), {
      width: opts.width,
      maxLength: resolveMaxLength(enc.length, opts.maxLength),
      topK: this.topKFor(opts.topK),
      alpha: opts.alpha ?? 1,
    });
    const hypotheses = result.hypotheses.map((h) => ({ trace: this.writeTrace(enc, 'beam', h, new Map()), score: h.score }));
    return beamTreeResult(result, hypotheses, opts, (id) => this.tgtVocab.token(id), (d) => this.writeTrace(enc, 'beam', d, new Map()));
  }

  /** The layout of one step's record. */
  private stepLayout(Tx: number): { size: number; off: Record<'prev' | 'query' | 'scores' | 'weights' | 'context' | 'state', number> } {
    const H = this.H;
    const qd = Math.max(this.A, H);
    const off = { prev: 0, query: H, scores: H + qd, weights: H + qd + Tx, context: H + qd + 2 * Tx, state: H + qd + 2 * Tx + 2 * H };
    return { size: off.state + H, off };
  }

  /** Length of the recorded query: W_a s / W_q s (A), s itself for dot and general (H), else 0. */
  private queryLength(): number {
    switch (this.variant) {
      case 'additive':
      case 'scaled-dot':
        return this.A;
      case 'dot':
      case 'general':
        return this.H;
      default:
        return 0;
    }
  }

  /** The one trace writer of RNNsearch, shared by greedy, forced and beam decoding. */
  private writeTrace(enc: EncodedSource, mode: DecodeMode, decoded: Decoded<FloatArray>, overrides: ReadonlyMap<number, unknown>): Trace {
    const Tx = enc.length;
    const H = this.H;
    const layout = this.stepLayout(Tx);
    const qLen = this.queryLength();
    const token = (id: number): string => this.tgtVocab.token(id);
    const steps: TraceStep[] = decoded.steps.map((st, i) => {
      const view = (off: number, n: number): Vec => st.record.subarray(off, off + n);
      return {
        index: i,
        prevState: view(layout.off.prev, H),
        query: qLen > 0 ? view(layout.off.query, qLen) : null,
        scores: qLen > 0 ? view(layout.off.scores, Tx) : null,
        weights: this.variant !== 'none' ? view(layout.off.weights, Tx) : null,
        context: view(layout.off.context, 2 * H),
        state: view(layout.off.state, H),
        topK: topEntries(st, token),
        token: { id: st.token, token: token(st.token), logProb: st.logP, rank: st.rank },
        edited: overrides.has(i),
      };
    });
    return {
      variant: this.variant,
      mode,
      sourceTokens: enc.tokens,
      sourceIds: enc.ids,
      sourceUnknown: enc.unknown,
      srcLen: Tx,
      annotations: enc.annotations,
      keys: enc.keys,
      keyDim: enc.keyDim,
      ...traceTokens(decoded, token),
      steps,
      finished: decoded.finished,
      hidden: H,
    };
  }
}
