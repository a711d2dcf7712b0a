// Attention is not explanation, shown (issue 16; docs/ARCHITECTURE.md, "Saliency beside
// attention"). Two other answers to "which source words did this target word depend on?", to
// set beside the attention row of a step:
//
//   gradient × input   g_ij = Σ_e ∂log p(y_i | y_<i, x) / ∂x_je · x_je, where x_j is source
//                      position j's embedding (the table row the encoder gathers; for the
//                      Transformer before the √d_model scale and the positions, which changes
//                      nothing: the gradient scales by the inverse). For RNNsearch by forward
//                      mode (src/model/saliencyTangent.ts), for the Transformer by our autodiff
//                      (src/tensor) through its own training forward: the derivative of the
//                      very maths the page decodes with (the tests hold the two modes to each
//                      other and both to finite differences).
//   leave-one-out      Δ_ij = log p(y_i | y_<i, x) − log p(y_i | y_<i, x without word j): the
//                      same target forced after deleting the word (all of its pieces), with
//                      the inference engine. Positive: the word helped this choice.
//
// Both are per target step and source unit, and so is attention; their agreement is Spearman's
// rank correlation (ties get their average rank) over the source words (</s> left out: it cannot
// be deleted), of α against the magnitudes |g| and |Δ| ("did the word matter, either way", as
// Jain & Wallace 2019 rank gradients and leave-one-out changes).
//
// RNNsearch's gradients come by forward mode, one tangent per source unit for every step at once
// (src/model/saliencyTangent.ts; docs/ARCHITECTURE.md, "Saliency beside attention"). The
// Transformer's, and RNNsearch's with `gradient: 'reverse'` (the reference the tests compare
// with), come by reverse mode: every step in one backward pass. Reverse mode needs one pass per
// output (a step's log-probability), so the sentence is copied once per step into one padded batch, each
// copy with its own leaf holding the sentence's embeddings (a per-copy table of Tx rows, the ids
// rewritten to index it), and copy k's loss is only step k's token. The copies do not interact,
// so the gradient of the summed loss at copy k's rows is exactly ∂log p(y_k)/∂x. A batch of
// steps runs through the batched GEMMs far faster than as many batch-1 passes, a chunk of steps
// only decodes up to its last step, and only copy k's step k gets the deep output and the
// softmax over the vocabulary (`outputRows`, the bulk of the cost with a real vocabulary).
// Leave-one-out decodes the whole source and the source without each unit side by side, in groups
// of LOO_PER_UNIT: for RNNsearch one forced decoding of them all with the inference engine's
// kernels (InferenceModel.forcedLogProbs: the state product, the output layer and the GRU as one
// matrix product per step over the sources instead of one vector product per source, each source
// attending over its own annotations, and only the forced tokens' log p kept — the log-sum-exp
// over the vocabulary, no trace, no top-k), the deletions encoded from the whole source's
// states (InferenceModel.encodeWithout); the Transformer still forces each source on its own.
// Each unit declares the weights constant operands of the products (withConstantOperands, so a
// weight is packed once per unit, not once per step). The work is cut into units (a group of
// tangents or a chunk of steps, a group of sources) yielded one at a time, so that the page can
// spread it over tasks (docs/RELIABILITY.md, "saliency on a long sentence").
//
// Everything returned is plain data (typed arrays and numbers), and it does cross a postMessage:
// the analysis worker computes the leave-one-out half (`part`) while the page computes the
// gradients (src/ui/panels/Saliency.tsx).

import { BOS_ID, EOS_ID, PAD_ID } from '../data/vocab';
import { Tensor, allocArray, backward, crossEntropy, gather, linear, reshape, withConstantOperands, type FloatArray } from '../tensor';
import type { Batch } from './batch';
import { MAX_TARGET_TOKENS, isTransformer, type ModelConfig } from './config';
import { DecodeError } from './decoding';
import type { TranslationModel } from './family';
import { forwardLoss, gruWeights, type GruWeights } from './forward';
import { tangentBaseline, tangentGradients, tangentWeights, type TangentBaseline, type TangentWeights } from './saliencyTangent';
import { InferenceModel, type EncodedSource } from './inference';
import { Params } from './params';
import { decode as transformerDecode, encode as transformerEncode } from './transformer/forward';
import { TransformerModel } from './transformer/model';

/** What the computation needs of a loaded model (a LoadedModel has all three). */
export interface SaliencyModel {
  config: ModelConfig;
  params: Params;
  /** The inference engine, for the leave-one-out decodings. */
  inference: TranslationModel;
}

/** Contiguous groups of source pieces: the units shown (words of a subword model, else each token). */
export interface SourceUnits {
  firstPiece: readonly number[];
  lastPiece: readonly number[];
}

export interface SaliencyRequest {
  /** Source ids as the model saw them, </s> last. */
  sourceIds: Int32Array;
  /** The shown target's ids (a trace's `targetIds`: </s> last when decoding finished). */
  targetIds: Int32Array;
  /** The source units (default: each position its own unit); </s> must be a unit of its own, the last. */
  units?: SourceUnits;
  /** Transformer: position encodings on (default true), as the trace was decoded. */
  positions?: boolean;
  /** Steps per backward chunk (default STEPS_PER_CHUNK; reverse mode only). */
  chunk?: number;
  /**
   * How the gradients are computed: 'forward' (RNNsearch's default: one tangent per source unit,
   * src/model/saliencyTangent.ts) or 'reverse' (one backward pass per step through the autodiff,
   * the Transformer's way and the reference the tests compare with).
   */
  gradient?: 'forward' | 'reverse';
  /**
   * One half of the computation only (default: both): 'gradient' leaves `logProb` and
   * `leaveOneOut` NaN, 'leave-one-out' leaves `gradInput` NaN. `mergeSaliency` puts the two halves
   * together: the page computes them on two threads (docs/ARCHITECTURE.md, "Saliency beside attention").
   */
  part?: SaliencyPart;
}

export type SaliencyPart = 'gradient' | 'leave-one-out';

export interface Saliency {
  /** Target steps (the pieces of targetIds). */
  steps: number;
  /** Source units, </s> the last. */
  units: number;
  /** log p(y_i | y_<i, x) of each step under the whole source [steps]. */
  logProb: Float64Array;
  /** Gradient × input summed over each unit's pieces, [steps × units] row-major. */
  gradInput: Float64Array;
  /** log p − log p without the unit, [steps × units]; NaN for </s> and where nothing would be left. */
  leaveOneOut: Float64Array;
}

/** Progress of the unit-by-unit computation. */
export interface SaliencyProgress {
  done: number;
  total: number;
}

/**
 * Steps whose gradients one forward/backward computes. Measured on the real default model
 * (tatoeba-en-fr), a 20-word sentence forced to a 28-piece translation: chunks of 7 took the
 * least time in all (4: 2.2×, 14: 1.3×, 28: 1.35× as long), because small batches run the GEMMs
 * poorly and large ones decode every copy up to the chunk's last step.
 */
export const STEPS_PER_CHUNK = 7;

/**
 * Sources (the whole one, then the source without each unit) whose forced decodings one unit of
 * work runs side by side. Measured on the real default model, 21 sources of a 20-word sentence
 * (a loaded machine, same run): all 21 at once 283 ms, groups of 11 304 ms, of 8 313 ms, one by
 * one 355 ms; the longest unit grows with the group (283, 158, 116, 21 ms). 12 keeps a 20-word
 * sentence to two units of about a gradient chunk's length.
 */
export const LOO_PER_UNIT = 12;

/** Source units whose tangents one unit of work pushes through RNNsearch (forward mode). */
export const UNITS_PER_TANGENT = 11;

/** Each position its own unit. */
export function positionUnits(n: number): SourceUnits {
  return { firstPiece: Array.from({ length: n }, (_, k) => k), lastPiece: Array.from({ length: n }, (_, k) => k) };
}

function checkUnits(units: SourceUnits, Tx: number): void {
  const n = units.firstPiece.length;
  if (n === 0 || units.lastPiece.length !== n) throw new RangeError('saliency: the source units are empty or ragged');
  let next = 0;
  for (let u = 0; u < n; u++) {
    if (units.firstPiece[u] !== next || units.lastPiece[u] < next) throw new RangeError(`saliency: source unit ${u} does not continue the previous one`);
    next = units.lastPiece[u] + 1;
  }
  if (next !== Tx) throw new RangeError(`saliency: the source units cover ${next} of ${Tx} positions`);
  if (units.firstPiece[n - 1] !== Tx - 1) throw new RangeError('saliency: </s> must be the last unit, on its own');
}

/** The source without pieces [first, last]. */
function withoutUnit(src: Int32Array, first: number, last: number): Int32Array {
  const ids = new Int32Array(src.length - (last - first + 1));
  ids.set(src.subarray(0, first));
  ids.set(src.subarray(last + 1), first);
  return ids;
}

/**
 * The model's weights as the job's products read them, made once per job: parameters sharing the
 * model's numbers without gradients, the RNN's gathered GRU weights, and every array the products
 * may treat as constant while a unit runs (the inference engine's own included), so that each
 * weight is packed once per unit instead of once per step (src/tensor/kernels/gemm.ts, "Constant
 * operands").
 */
interface Frozen {
  list: Tensor[];
  params: Params;
  gru: Map<string, GruWeights> | undefined;
  /** RNNsearch: the weights of the forward-mode gradients. */
  tangent: TangentWeights | undefined;
  arrays: FloatArray[];
}

function freeze(model: SaliencyModel): Frozen {
  const list = model.params.list.map((t) => new Tensor(t.data, t.shape.slice(), false, t.name));
  const params = new Params(list);
  const config = model.config;
  const gru = isTransformer(config) ? undefined : new Map(['encoder.fwd', 'encoder.bwd', 'decoder.gru'].map((prefix) => [prefix, gruWeights(params, prefix)]));
  const tangent = isTransformer(config) || !gru ? undefined : tangentWeights(params, config, gru);
  const arrays = list.map((t) => t.data);
  for (const w of gru?.values() ?? []) for (const t of [w.W, w.b, w.Uzr, w.Uh, w.C]) if (t) arrays.push(t.data);
  if (tangent) arrays.push(...tangent.arrays);
  if (model.inference instanceof InferenceModel) arrays.push(...model.inference.weightArrays());
  return { list, params, gru, tangent, arrays };
}

/** The frozen parameters with `encoder.embedding` replaced by `table`. */
function withSourceTable(frozen: Frozen, table: Tensor): Params {
  return new Params(frozen.list.map((t) => (t.name === 'encoder.embedding' ? table : t)));
}

/** The padded batch the training forwards read: sources (each ending in </s>) against one target, time-major. */
interface Padded {
  B: number;
  Tx: number;
  Ty: number;
  /** [Tx, B] time-major source ids (PAD after a short source). */
  srcIds: Int32Array;
  /** [B, Tx] 1 on real positions. */
  srcMask: Uint8Array;
  srcLengths: Int32Array;
  /** [Ty, B]: <s> y_0 … y_{Ty−2}. */
  tgtIn: Int32Array;
  /** [Ty, B]: y_0 … y_{Ty−1}. */
  tgtOut: Int32Array;
}

function padded(sources: readonly Int32Array[], tgt: Int32Array, Ty: number): Padded {
  const B = sources.length;
  let Tx = 0;
  for (const s of sources) Tx = Math.max(Tx, s.length);
  const srcIds = new Int32Array(Tx * B).fill(PAD_ID);
  const srcMask = new Uint8Array(B * Tx);
  const srcLengths = new Int32Array(B);
  sources.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) srcIds[t * B + b] = s[t];
    srcMask.fill(1, b * Tx, b * Tx + s.length);
    srcLengths[b] = s.length;
  });
  const tgtIn = new Int32Array(Ty * B);
  const tgtOut = new Int32Array(Ty * B);
  for (let i = 0; i < Ty; i++) {
    for (let b = 0; b < B; b++) {
      tgtIn[i * B + b] = i === 0 ? BOS_ID : tgt[i - 1];
      tgtOut[i * B + b] = tgt[i];
    }
  }
  return { B, Tx, Ty, srcIds, srcMask, srcLengths, tgtIn, tgtOut };
}

/** Time-major [T, B] → batch-major [B, T]. */
function batchMajor(ids: Int32Array, T: number, B: number): Int32Array {
  const out = new Int32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out[b * T + t] = ids[t * B + b];
  return out;
}

/**
 * Logits [rows, V] of the time-major rows `rows` (row i·B + b: step i of sentence b) under the
 * family's training forward, with parameters `params` (whose `encoder.embedding` the source ids
 * index). `ty` is the forced target's length (the diagonal variant spreads over it).
 */
function forwardRows(model: SaliencyModel, params: Params, gru: Frozen['gru'], p: Padded, ty: number, rows: Int32Array, positions: boolean): Tensor {
  const { config } = model;
  const { B, Tx, Ty } = p;
  if (isTransformer(config)) {
    const enc = transformerEncode(params, config, batchMajor(p.srcIds, Tx, B), p.srcMask, B, Tx, { positions });
    const { hidden } = transformerDecode(params, config, enc, batchMajor(p.tgtIn, Ty, B), B, Ty, { positions }); // [B, Ty, D]
    const D = hidden.shape[2];
    // batch-major rows of the decoder's output, for the time-major rows asked for
    const picked = gather(reshape(hidden, [B * Ty, D]), Int32Array.from(rows, (r) => (r % B) * Ty + Math.floor(r / B)));
    return linear(picked, params.get('output.W'), params.get('output.b'));
  }
  const stepMasks = Array.from({ length: Tx }, (_, t) => Uint8Array.from({ length: B }, (_, b) => (t < p.srcLengths[b] ? 1 : 0)));
  const batch: Batch = {
    size: B,
    srcLen: Tx,
    tgtLen: Ty,
    srcIds: p.srcIds,
    srcMask: p.srcMask,
    srcStepMasks: stepMasks,
    srcLengths: p.srcLengths,
    tgtIn: p.tgtIn,
    tgtOut: p.tgtOut,
    tgtLengths: new Int32Array(B).fill(ty),
    tokens: rows.length,
    rowKeys: new Uint32Array(B), // no dropout here
  };
  return forwardLoss(params, config, batch, { outputRows: rows, gru }).logits;
}

/**
 * ∂ log p(y_k) / ∂x · x summed over the embedding, for the steps k in [from, to): one padded batch
 * of (to − from) copies of the sentence, decoded up to step to − 1, copy k's logits only at its
 * own step. Returns [(to − from) × Tx].
 */
function gradientChunk(model: SaliencyModel, frozen: Frozen, src: Int32Array, tgt: Int32Array, ty: number, from: number, to: number, positions: boolean): Float64Array {
  const B = to - from;
  const Tx = src.length;
  const table = model.params.get('encoder.embedding');
  const E = table.shape[1];
  // one leaf per copy: the sentence's embedding rows, copy k at rows k·Tx … k·Tx + Tx − 1
  const local = new Tensor(allocArray(table.dtype, B * Tx * E), [B * Tx, E], true, 'encoder.embedding');
  for (let k = 0; k < B; k++) {
    for (let t = 0; t < Tx; t++) local.data.set(table.data.subarray(src[t] * E, (src[t] + 1) * E), (k * Tx + t) * E);
  }
  const p = padded(
    Array.from({ length: B }, (_, k) => Int32Array.from({ length: Tx }, (_, t) => k * Tx + t)),
    tgt,
    to,
  );
  const rows = Int32Array.from({ length: B }, (_, k) => (from + k) * B + k);
  const logits = forwardRows(model, withSourceTable(frozen, local), frozen.gru, p, ty, rows, positions);
  const targets = Int32Array.from({ length: B }, (_, k) => tgt[from + k]);
  // Σ_k log p(y_k) = −B · mean cross-entropy: seeding backward with −B gives Σ_k ∇ log p(y_k)
  const loss = crossEntropy(logits, targets);
  backward(loss, { seed: loss.dtype === 'float64' ? Float64Array.of(-B) : Float32Array.of(-B) });
  const grad = local.grad;
  const g = new Float64Array(B * Tx);
  for (let k = 0; k < B; k++) {
    for (let t = 0; t < Tx; t++) {
      let s = 0;
      const o = (k * Tx + t) * E;
      if (grad) for (let e = 0; e < E; e++) s += grad[o + e] * local.data[o + e];
      g[k * Tx + t] = s;
    }
  }
  return g;
}

/** Per-step log-probabilities of a forced target from the inference engine, or null when nothing is left to decode. */
function forcedLogProbs(model: TranslationModel, ids: Int32Array, forced: Int32Array, positions: boolean, steps: number): Float64Array | null {
  let trace;
  try {
    trace = model instanceof TransformerModel ? model.forced(model.encodeIds(ids, { positions }), forced) : model.forced(model.encodeIds(ids), forced);
  } catch (err) {
    // a sentence of one word has nothing left without it (empty-source): no number, said so
    if (err instanceof DecodeError) return null;
    throw err;
  }
  const out = new Float64Array(steps);
  for (let i = 0; i < steps; i++) out[i] = trace.steps[i]?.token.logProb ?? NaN;
  return out;
}

/** InferenceModel.forcedLogProbs of the encodings present, NaN-padded to `steps`; null where there is no encoding. */
function forcedScores(model: InferenceModel, encoded: ReadonlyArray<EncodedSource | null>, forced: Int32Array, steps: number): Array<Float64Array | null> {
  const scores = model.forcedLogProbs(encoded.filter((e) => e !== null), forced);
  let k = 0;
  return encoded.map((e) => {
    if (!e) return null;
    const lp = scores[k++] as Float64Array;
    const out = new Float64Array(steps).fill(NaN);
    out.set(lp.subarray(0, Math.min(steps, lp.length)));
    return out;
  });
}

/**
 * The gradient × input part of the job, one unit of work per yield, into `gradInput` [steps × U]:
 * forward mode (`tangent` given: the values once, then the tangents of UNITS_PER_TANGENT source
 * units per unit of work) or reverse mode (chunks of `chunk` steps).
 */
function* gradientUnits(
  model: SaliencyModel,
  frozen: Frozen,
  job: { src: Int32Array; tgt: Int32Array; ty: number; unitOf: Int32Array; U: number; positions: boolean; chunk: number; tangent: TangentWeights | undefined },
  gradInput: Float64Array,
  progress: () => SaliencyProgress,
): Generator<SaliencyProgress, void, void> {
  const { src, tgt, ty, unitOf, U, positions, chunk, tangent } = job;
  const steps = tgt.length;
  const Tx = src.length;
  const config = model.config;
  if (tangent && !isTransformer(config)) {
    let base: TangentBaseline | null = null;
    for (let u0 = 0; u0 < U; u0 += UNITS_PER_TANGENT) {
      const u1 = Math.min(U, u0 + UNITS_PER_TANGENT);
      const g = withConstantOperands(frozen.arrays, () => {
        base ??= tangentBaseline(frozen.params, config, tangent, src, tgt, ty, unitOf);
        return tangentGradients(frozen.params, config, tangent, base, u0, u1);
      });
      const D = u1 - u0;
      for (let i = 0; i < steps; i++) for (let d = 0; d < D; d++) gradInput[i * U + u0 + d] = g[i * D + d] as number;
      yield progress();
    }
    return;
  }
  for (let from = 0; from < steps; from += chunk) {
    const to = Math.min(steps, from + chunk);
    const g = withConstantOperands(frozen.arrays, () => gradientChunk(model, frozen, src, tgt, ty, from, to, positions));
    for (let k = 0; k < to - from; k++) {
      for (let j = 0; j < Tx; j++) gradInput[(from + k) * U + (unitOf[j] as number)] += g[k * Tx + j] as number;
    }
    yield progress();
  }
}

/**
 * The computation as units of work, for the page to spread over tasks: each `next()` does one
 * unit (a chunk of steps' gradients, or a batch of deletions) and yields the progress; the
 * return value is the result. `computeSaliency` runs it to the end.
 */
export function* saliencyJob(model: SaliencyModel, req: SaliencyRequest): Generator<SaliencyProgress, Saliency, void> {
  const src = req.sourceIds;
  const Tx = src.length;
  if (Tx < 2 || src[Tx - 1] !== EOS_ID) throw new RangeError('saliency: the source must hold a token and end with </s>');
  const tgt = req.targetIds;
  const steps = tgt.length;
  if (steps === 0) throw new RangeError('saliency: the target is empty');
  if (steps > MAX_TARGET_TOKENS) throw new RangeError(`saliency: the target has ${steps} tokens; at most ${MAX_TARGET_TOKENS}`);
  for (const id of src) if (!Number.isInteger(id) || id < 0 || id >= model.config.srcVocabSize) throw new RangeError(`saliency: source id ${id} is out of range`);
  for (const id of tgt) if (!Number.isInteger(id) || id < 0 || id >= model.config.tgtVocabSize) throw new RangeError(`saliency: target id ${id} is out of range`);
  const units = req.units ?? positionUnits(Tx);
  checkUnits(units, Tx);
  const U = units.firstPiece.length;
  const positions = req.positions !== false;
  const chunk = Math.max(1, Math.floor(req.chunk ?? STEPS_PER_CHUNK));
  // the length the inference engine's forced decoding has (it appends </s> unless it is there)
  const ty = tgt[steps - 1] === EOS_ID ? steps : steps + 1;
  const frozen = freeze(model);
  const config = model.config;
  const tangent = !isTransformer(config) && req.gradient !== 'reverse' ? frozen.tangent : undefined;
  const doGradient = req.part !== 'leave-one-out';
  const doLeaveOneOut = req.part !== 'gradient';
  const total = (doGradient ? (tangent ? Math.ceil(U / UNITS_PER_TANGENT) : Math.ceil(steps / chunk)) : 0) + (doLeaveOneOut ? Math.ceil(U / LOO_PER_UNIT) : 0);
  let done = 0;

  const unitOf = new Int32Array(Tx);
  for (let u = 0; u < U; u++) for (let j = units.firstPiece[u]; j <= units.lastPiece[u]; j++) unitOf[j] = u;
  const gradInput = new Float64Array(steps * U);
  const progress = (): SaliencyProgress => ({ done: ++done, total });
  if (doGradient) yield* gradientUnits(model, frozen, { src, tgt, ty, unitOf, U, positions, chunk, tangent }, gradInput, progress);
  else gradInput.fill(NaN);
  if (!doLeaveOneOut) return { steps, units: U, logProb: new Float64Array(steps).fill(NaN), gradInput, leaveOneOut: new Float64Array(steps * U).fill(NaN) };

  // leave-one-out: the whole source and the source without each unit, forced through the
  // inference engine in groups (a sentence of one word has nothing left without it: NaN, said so on the page)
  const forced = tgt[steps - 1] === EOS_ID ? tgt.subarray(0, steps - 1) : tgt;
  const sources = [src, ...Array.from({ length: U - 1 }, (_, u) => withoutUnit(src, units.firstPiece[u] as number, units.lastPiece[u] as number))];
  const spans = Array.from({ length: U - 1 }, (_, u) => [units.firstPiece[u] as number, units.lastPiece[u] as number] as const);
  let logProb: Float64Array | null = null;
  let whole: EncodedSource | null = null;
  const leaveOneOut = new Float64Array(steps * U).fill(NaN);
  for (let g = 0; g < sources.length; g += LOO_PER_UNIT) {
    const inference = model.inference;
    const scores = withConstantOperands(frozen.arrays, () => {
      if (!(inference instanceof InferenceModel)) return sources.slice(g, g + LOO_PER_UNIT).map((ids) => forcedLogProbs(inference, ids, forced, positions, steps));
      // RNNsearch: the deletions from the whole source's encoder states (InferenceModel.encodeWithout)
      whole ??= inference.encodeIds(src);
      const encs = [...(g === 0 ? [whole] : []), ...inference.encodeWithout(whole, spans.slice(Math.max(0, g - 1), g + LOO_PER_UNIT - 1))];
      return forcedScores(inference, encs, forced, steps);
    });
    if (g === 0) logProb = scores[0] ?? null; // the whole source is source 0
    if (!logProb) throw new RangeError('saliency: the source cannot be decoded');
    for (let k = g === 0 ? 1 : 0; k < scores.length; k++) {
      const without = scores[k];
      const u = g + k - 1;
      if (without) for (let i = 0; i < steps; i++) leaveOneOut[i * U + u] = logProb[i] - without[i];
    }
    yield progress();
  }
  if (!logProb) throw new RangeError('saliency: the source cannot be decoded'); // (the loop ran: the sources hold the whole one)
  return { steps, units: U, logProb, gradInput, leaveOneOut };
}

/**
 * The two halves of one request (`part` 'gradient' and 'leave-one-out') as one result. Throws when
 * they are not of the same sentence's size.
 */
export function mergeSaliency(gradient: Saliency, leaveOneOut: Saliency): Saliency {
  if (gradient.steps !== leaveOneOut.steps || gradient.units !== leaveOneOut.units || gradient.gradInput.length !== leaveOneOut.leaveOneOut.length) {
    throw new RangeError(`saliency: halves of different sizes (${gradient.steps}×${gradient.units} and ${leaveOneOut.steps}×${leaveOneOut.units})`);
  }
  return { steps: gradient.steps, units: gradient.units, logProb: leaveOneOut.logProb, gradInput: gradient.gradInput, leaveOneOut: leaveOneOut.leaveOneOut };
}

/** Run the whole computation at once (Node, the bench, the tests). */
export function computeSaliency(model: SaliencyModel, req: SaliencyRequest): Saliency {
  const job = saliencyJob(model, req);
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
  }
}

/**
 * The same numbers with the target steps grouped into words (the word view; docs/ARCHITECTURE.md,
 * "Words and pieces"): a word's log-probability is the sum over its pieces, and both measures are
 * linear in it, so a target word's g and Δ are the sums over its pieces' steps.
 */
export function groupTargetSteps(s: Saliency, target: SourceUnits): Saliency {
  const W = target.firstPiece.length;
  const U = s.units;
  const logProb = new Float64Array(W);
  const gradInput = new Float64Array(W * U);
  const leaveOneOut = new Float64Array(W * U);
  for (let w = 0; w < W; w++) {
    for (let i = target.firstPiece[w]; i <= target.lastPiece[w] && i < s.steps; i++) {
      logProb[w] = logProb[w] + s.logProb[i];
      for (let u = 0; u < U; u++) {
        gradInput[w * U + u] = gradInput[w * U + u] + s.gradInput[i * U + u];
        leaveOneOut[w * U + u] = leaveOneOut[w * U + u] + s.leaveOneOut[i * U + u];
      }
    }
  }
  return { steps: W, units: U, logProb, gradInput, leaveOneOut };
}

/** Average ranks (1-based; tied values share the mean of their ranks). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let k = 0;
  while (k < n) {
    let end = k;
    while (end + 1 < n && x[order[end + 1]] === x[order[k]]) end++;
    const r = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) ranks[order[m]] = r;
    k = end + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks, which is the
 * textbook definition with ties. NaN when it is undefined: fewer than two values, a value that
 * is not finite, or either side all tied (no order to agree with).
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`spearman: ${n} and ${b.length} values`);
  if (n < 2) return NaN;
  for (let k = 0; k < n; k++) if (!Number.isFinite(a[k]) || !Number.isFinite(b[k])) return NaN;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const da = ra[k] - mean;
    const db = rb[k] - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  return sab / Math.sqrt(saa * sbb);
}

/** One step's agreement: ρ(α, |g|) and ρ(α, |Δ|) over the source words (</s>, the last unit, left out). */
export function stepAgreement(weights: ArrayLike<number>, s: Saliency, step: number): { gradient: number; leaveOneOut: number } {
  const n = s.units - 1;
  if (weights.length !== s.units || step < 0 || step >= s.steps) return { gradient: NaN, leaveOneOut: NaN };
  const a = Array.from({ length: n }, (_, u) => weights[u]);
  const g = Array.from({ length: n }, (_, u) => Math.abs(s.gradInput[step * s.units + u]));
  const d = Array.from({ length: n }, (_, u) => Math.abs(s.leaveOneOut[step * s.units + u]));
  return { gradient: spearman(a, g), leaveOneOut: spearman(a, d) };
}

/** The sentence's agreement: the mean of the steps' ρ where defined, and how many steps it averages. */
export function sentenceAgreement(rows: ReadonlyArray<ArrayLike<number> | null>, s: Saliency): { gradient: number; leaveOneOut: number; steps: { gradient: number; leaveOneOut: number } } {
  let gs = 0;
  let gn = 0;
  let ls = 0;
  let ln = 0;
  rows.forEach((w, i) => {
    if (!w) return;
    const r = stepAgreement(w, s, i);
    if (Number.isFinite(r.gradient)) {
      gs += r.gradient;
      gn++;
    }
    if (Number.isFinite(r.leaveOneOut)) {
      ls += r.leaveOneOut;
      ln++;
    }
  });
  return { gradient: gn > 0 ? gs / gn : NaN, leaveOneOut: ln > 0 ? ls / ln : NaN, steps: { gradient: gn, leaveOneOut: ln } };
}
