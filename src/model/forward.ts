// The batched training forward of RNNsearch, built from autodiff ops so that backward() reaches
// every parameter. Teacher forcing; padding is masked in the encoder (a padded step keeps its
// state), in attention (padding gets exactly zero weight) and in the loss (ignored).
//
// Notation (paper, appendix A): annotations h_j = [→h_j ; ←h_j]; s_0 = tanh(W_s ←h_1 + b_s);
// e_ij = score(s_{i−1}, h_j); α_ij = softmax_j(e_ij); c_i = Σ_j α_ij h_j;
// s_i = GRU(s_{i−1}, [E_y y_{i−1} ; c_i]); t_i = maxout(U_o s_{i−1} + V_o E_y y_{i−1} + C_o c_i);
// p(y_i | y_<i, x) = softmax(W_o t_i + b_w).

import { PAD_ID } from '../data/vocab';
import {
  Tensor,
  add,
  additiveScore,
  allocArray,
  concat,
  crossEntropy,
  gather,
  gruCell,
  linear,
  matmul,
  maximum,
  mul,
  reshape,
  scale,
  slice,
  softmax,
  tanh,
  zeros,
} from '../tensor';
import { diagonalPosition, type Batch } from './batch';
import type { RnnConfig } from './config';
import { dropoutMask, type Dropout } from './dropout';
import type { Params } from './params';

/** GRU weights gathered into the fused layout: W [in, 3H] = [W_z|W_r|W_h], b [3H], Uzr, Uh. */
export interface GruWeights {
  W: Tensor;
  b: Tensor;
  Uzr: Tensor;
  Uh: Tensor;
  /** Decoder only: context weights C [2H, 3H] = [C_z|C_r|C_h]. */
  C?: Tensor;
}

/** Concatenate a GRU's per-gate parameters (differentiably; once per batch). */
export function gruWeights(params: Params, prefix: string): GruWeights {
  const p = (n: string): Tensor => params.get(`${prefix}.${n}`);
  const w: GruWeights = {
    W: concat([p('Wz'), p('Wr'), p('Wh')], 1),
    b: concat([p('bz'), p('br'), p('bh')], 0),
    Uzr: concat([p('Uz'), p('Ur')], 1),
    Uh: p('Uh'),
  };
  if (params.has(`${prefix}.Cz`)) w.C = concat([p('Cz'), p('Cr'), p('Ch')], 1);
  return w;
}

export interface ForwardOptions {
  /** Keep each step's scores e and weights α (batch-major [B, Tx]) for tests and probes. */
  record?: boolean;
  /**
   * Only these rows of the time-major [Ty·B] outputs get logits (and a loss): the deep output and
   * the softmax over the vocabulary are most of a step's cost with a real vocabulary, and a caller
   * that needs one step per sentence (the saliency's copies, src/model/saliency.ts) would
   * otherwise pay them Ty times over. The loss is then the mean over these rows' targets.
   */
  outputRows?: Int32Array;
  /**
   * The GRUs' gathered weights (`gruWeights`) by prefix, made once by a caller that runs many
   * forwards on weights that do not change (the saliency's chunks): the same arrays every time,
   * so that the products can reuse their packed copies (src/tensor/kernels/gemm.ts, "Constant
   * operands"). Without it, each forward gathers them itself.
   */
  gru?: ReadonlyMap<string, GruWeights>;
  /** Training only: drop units of the embeddings and of the maxout output t_i (src/model/dropout.ts). */
  dropout?: Dropout;
}

export interface ForwardResult {
  /** Mean cross-entropy per target token (nats). */
  loss: Tensor;
  /** Target tokens counted in the loss. */
  tokens: number;
  /** Logits, time-major [Ty·B, V] (with `outputRows`: [rows, V], in their order). */
  logits: Tensor;
  /** With `record`: per decoder step, scores and weights [B·Tx] (null where the variant has none). */
  steps?: Array<{ scores: Float32Array | Float64Array | null; weights: Float32Array | Float64Array | null }>;
}

/** x ⊙ a dropout mask (stream: which activation), or x itself without dropout. */
function drop(x: Tensor, batch: Batch, d: Dropout | undefined, stream: number): Tensor {
  return d && d.rate > 0 ? mul(x, dropoutMask(x.shape, batch, d, stream, x.dtype)) : x;
}

/** Stack equally shaped [B, D] tensors into [T, B, D] (time-major). */
function stackTime(xs: readonly Tensor[]): Tensor {
  return concat(
    xs.map((x) => reshape(x, [1, ...x.shape])),
    0,
  );
}

/** Stack [B, D] tensors into [B, T, D] (batch-major, for attention). */
function stackBatch(xs: readonly Tensor[]): Tensor {
  return concat(
    xs.map((x) => reshape(x, [x.shape[0], 1, x.shape[1]])),
    1,
  );
}

/** Run one direction of the encoder over time-major input projections [Tx, B, 3H]. */
function runEncoderGru(xProj: Tensor, w: GruWeights, batch: Batch, reverse: boolean, H: number): Tensor[] {
  const B = batch.size;
  const Tx = batch.srcLen;
  const states: Tensor[] = new Array<Tensor>(Tx);
  let h = zeros([B, H], { dtype: xProj.dtype });
  for (let k = 0; k < Tx; k++) {
    const t = reverse ? Tx - 1 - k : k;
    const x = reshape(slice(xProj, 0, t, t + 1), [B, 3 * H]);
    h = gruCell(x, h, w.Uzr, w.Uh, batch.srcStepMasks[t]);
    states[t] = h;
  }
  return states;
}

/** The encoder side of a batch: annotations, s_0, and what the variant's attention precomputes. */
interface EncodedBatch {
  annotations: Tensor;
  s0: Tensor;
  /** [B, Tx, K] (null for none / diagonal). */
  keys: Tensor | null;
  /** What the weights average: [B, Tx, 2H]. */
  values: Tensor;
  /** RNNencdec's fixed summary [→h_Tx ; ←h_1] (none only). */
  summary: Tensor | null;
}

/** A GRU's gathered weights: the caller's (ForwardOptions.gru) or gathered now. */
function gruOf(params: Params, prefix: string, given: ReadonlyMap<string, GruWeights> | undefined): GruWeights {
  return given?.get(prefix) ?? gruWeights(params, prefix);
}

function encodeBatch(params: Params, config: RnnConfig, batch: Batch, opts: ForwardOptions): EncodedBatch {
  const { hidden: H } = config.sizes;
  const B = batch.size;
  const Tx = batch.srcLen;
  const variant = config.variant;
  const P = (name: string): Tensor => params.get(name);
  // ---- encoder: embeddings, both GRUs, annotations h [B, Tx, 2H] ----
  const srcEmb = drop(gather(P('encoder.embedding'), batch.srcIds, [Tx, B]), batch, opts.dropout, 1); // [Tx, B, E]
  const fw = gruOf(params, 'encoder.fwd', opts.gru);
  const bw = gruOf(params, 'encoder.bwd', opts.gru);
  const fwdStates = runEncoderGru(linear(srcEmb, fw.W, fw.b), fw, batch, false, H);
  const bwdStates = runEncoderGru(linear(srcEmb, bw.W, bw.b), bw, batch, true, H);
  const annotations = concat([stackBatch(fwdStates), stackBatch(bwdStates)], 2); // [B, Tx, 2H]
  const firstBwd = bwdStates[0] as Tensor; // ←h_1
  const s0 = tanh(linear(firstBwd, P('decoder.init.Ws'), P('decoder.init.bs'))); // s_0 [B, H]

  // ---- what attention precomputes once per sentence ----
  let keys: Tensor | null = null; // [B, Tx, K]
  let values = annotations; // what the weights average: [B, Tx, 2H]
  switch (variant) {
    case 'additive':
      keys = linear(annotations, P('attention.Ua')); // U_a h_j
      break;
    case 'general':
      keys = linear(annotations, P('attention.Wg'));
      break;
    case 'dot':
      keys = add(slice(annotations, 2, 0, H), slice(annotations, 2, H, 2 * H));
      break;
    case 'scaled-dot':
      keys = linear(annotations, P('attention.Wk'));
      values = linear(annotations, P('attention.Wv'));
      break;
    default:
      break;
  }
  // the fixed summary of RNNencdec: [→h_Tx ; ←h_1] (padding kept the forward state at the end)
  const summary = variant === 'none' ? concat([fwdStates[Tx - 1] as Tensor, firstBwd], 1) : null;
  return { annotations, s0, keys, values, summary };
}

export function forwardLoss(params: Params, config: RnnConfig, batch: Batch, opts: ForwardOptions = {}): ForwardResult {
  const { hidden: H, maxout: L, alignment: A } = config.sizes;
  const B = batch.size;
  const Tx = batch.srcLen;
  const Ty = batch.tgtLen;
  const variant = config.variant;
  const P = (name: string): Tensor => params.get(name);
  const dtype = P('encoder.embedding').dtype;
  // the chosen rows are not [Ty, B] any more, which the masks are laid out by
  if (opts.outputRows && opts.dropout && opts.dropout.rate > 0) throw new RangeError('forwardLoss: dropout is for training batches, not with outputRows');
  const { keys, values, summary, s0 } = encodeBatch(params, config, batch, opts);
  let s = s0;

  // ---- decoder ----
  const tgtEmb = drop(gather(P('decoder.embedding'), batch.tgtIn, [Ty, B]), batch, opts.dropout, 2); // E_y y_{i−1}: [Ty, B, E]
  const dw = gruOf(params, 'decoder.gru', opts.gru);
  const decIn = linear(tgtEmb, dw.W, dw.b); // [Ty, B, 3H]
  const prevStates: Tensor[] = [];
  const contexts: Tensor[] = [];
  const steps: ForwardResult['steps'] = opts.record ? [] : undefined;
  const invSqrtD = 1 / Math.sqrt(A);

  for (let i = 0; i < Ty; i++) {
    prevStates.push(s);
    let context: Tensor;
    let scores: Tensor | null = null;
    let weights: Tensor | null = null;
    if (variant === 'none') {
      context = summary as Tensor;
    } else {
      if (variant === 'diagonal') {
        const onehot = allocArray(dtype, B * Tx);
        for (let b = 0; b < B; b++) {
          const j = diagonalPosition(i, batch.srcLengths[b], batch.tgtLengths[b]);
          onehot[b * Tx + j] = 1;
        }
        weights = new Tensor(onehot, [B, Tx]);
      } else {
        const k = keys as Tensor;
        if (variant === 'additive') {
          scores = additiveScore(linear(s, P('attention.Wa')), k, P('attention.va'));
        } else {
          const q = variant === 'scaled-dot' ? linear(s, P('attention.Wq')) : s;
          const d = q.shape[1];
          scores = reshape(matmul(reshape(q, [B, 1, d]), k, { transB: true }), [B, Tx]);
          if (variant === 'scaled-dot') scores = scale(scores, invSqrtD);
        }
        weights = softmax(scores, -1, batch.srcMask);
      }
      context = reshape(matmul(reshape(weights, [B, 1, Tx]), values), [B, 2 * H]); // c_i = Σ_j α_ij h_j
    }
    if (steps) steps.push({ scores: scores ? scores.data.slice() : null, weights: weights ? weights.data.slice() : null });
    contexts.push(context);
    const x = add(reshape(slice(decIn, 0, i, i + 1), [B, 3 * H]), linear(context, dw.C as Tensor));
    s = gruCell(x, s, dw.Uzr, dw.Uh);
  }

  // ---- deep output with maxout, for all steps at once ----
  let S = stackTime(prevStates); // [Ty, B, H]
  let C = stackTime(contexts); // [Ty, B, 2H]
  let Ey = tgtEmb;
  let targets: Int32Array = batch.tgtOut;
  const rows = opts.outputRows;
  if (rows) {
    // the chosen rows of [Ty·B, ·] as [1, rows, ·] (gather differentiates into S and C)
    const pick = (x: Tensor, d: number): Tensor => reshape(gather(reshape(x, [Ty * B, d]), rows, [1, rows.length]), [1, rows.length, d]);
    S = pick(S, H);
    C = pick(C, 2 * H);
    Ey = pick(tgtEmb, tgtEmb.shape[2]);
    targets = Int32Array.from(rows, (r) => batch.tgtOut[r]);
  }
  const tTilde = add(add(linear(S, P('output.Uo')), linear(Ey, P('output.Vo'))), linear(C, P('output.Co'), P('output.bo')));
  const t = drop(maximum(slice(tTilde, 2, 0, L), slice(tTilde, 2, L, 2 * L)), batch, opts.dropout, 3); // [Ty, B, L]
  const logits = reshape(linear(t, P('output.Wo'), P('output.bw')), [targets.length, config.tgtVocabSize]);
  const loss = crossEntropy(logits, targets, { ignoreIndex: PAD_ID });
  const result: ForwardResult = { loss, tokens: batch.tokens, logits };
  if (steps) result.steps = steps;
  return result;
}
