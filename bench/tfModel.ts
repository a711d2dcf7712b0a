// RNNsearch (Bahdanau et al. 2014, appendix A; additive attention) written with TensorFlow.js
// ops, for the `sentence` and `train` bench sections. Loaded only inside the `tfjs` bench host
// (bench/hosts.ts: tfjs must never run in the bench's main thread).
//
// The maths is ours, line for line (src/model/forward.ts, src/model/inference.ts), with the
// row-vector convention y = x·W and the parameter names of src/model/config.ts:
//
//   encoder   x_t = E_x[id_t]                              (embedding row)
//             GRU, the paper's form (reset applied before U_h):
//               z  = σ(x·W_z + b_z + h·U_z)
//               r  = σ(x·W_r + b_r + h·U_r)
//               h̃  = tanh(x·W_h + b_h + (r ⊙ h)·U_h)
//               h' = (1 − z) ⊙ h + z ⊙ h̃                  (written h + z ⊙ (h̃ − h))
//             →h_t over t = 0 … Tx−1, ←h_t over t = Tx−1 … 0, both from h = 0;
//             annotations h_j = [→h_j ; ←h_j]               [Tx, 2H]
//   decoder   s_0 = tanh(←h_1·W_s + b_s)
//             keys k_j = h_j·U_a                            (once per sentence) [Tx, A]
//             per step i, from s = s_{i−1} and y = y_{i−1} (y_0 = <s>):
//               e_ij = v_aᵀ tanh(s·W_a + k_j)               scores
//               α_i  = softmax_j(e_i)                       weights
//               c_i  = Σ_j α_ij h_j                         context [2H]
//               t̃    = s·U_o + E_y[y]·V_o + c_i·C_o + b_o   [2L]
//               t    = max(t̃_k, t̃_{k+L}), k < L             maxout, pairs (k, k+L)
//               logits = t·W_o + b_w                        [V]
//               s_i  = GRU(s, input [E_y[y] ; c_i]): the gate pre-activations get
//                      E_y[y]·W_g + b_g + c_i·C_g for g ∈ {z, r, h}
//   loss      mean over target tokens of −log softmax(logits)[y_i]   (training, teacher forcing)
//
// Gate weights are concatenated once ([W_z|W_r|W_h], [U_z|U_r], [C_z|C_r|C_h]) as ours does
// (gruWeights), so a GRU step is two matrix products.

import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { paramSpecs, type RnnConfig } from '../src/model/config';
import { tf } from './tf';

/** Parameter values by name (src/model/config.ts paramSpecs), copied from the main thread. */
export type Weights = Record<string, Float32Array>;

function shapes(config: RnnConfig): Map<string, number[]> {
  if (config.variant !== 'additive') throw new Error(`tfModel: only the additive variant is written in tfjs, got ${config.variant}`);
  return new Map(paramSpecs(config).map((s) => [s.name, s.shape]));
}

// ---- inference: encode + greedy decode of one sentence ------------------------------------

/** What one greedy decode returns: the tokens and, per step, e_i, α_i and c_i (row-major). */
export interface TfGreedyResult {
  tokens: Int32Array;
  /** [steps, Tx] */
  scores: Float32Array;
  /** [steps, Tx] */
  weights: Float32Array;
  /** [steps, 2H] */
  context: Float32Array;
}

/**
 * Greedy decoding at batch 1 with tfjs ops. What does not depend on the sentence is prepared
 * once here, the same load-time work InferenceModel's constructor does: per vocabulary word the
 * embedding × input-weight products E_x·[W_z|W_r|W_h] + b (both encoder GRUs) and
 * E_y·[W_z|W_r|W_h|V_o] + [b | b_o] (decoder GRU input and deep output), so "embed" is a row
 * lookup (tf.gather) in a table. Everything else is per sentence, as in ours.
 *
 * tfjs specifics, chosen for speed:
 *  - `tf.split` (one kernel, several outputs) rather than several slices or tf.unstack;
 *  - v_aᵀ tanh(·) over all j as one matMul with transposeB;
 *  - `tf.fused.matMul` only where the bias is a constant weight (b_s, b_w): tfjs-wasm caches an
 *    XNNPACK operator per (weights, bias) pair, so a per-step bias (x_z|x_r from the input,
 *    measured: 150 µs a call instead of 8) rebuilds and repacks it every call; the per-step
 *    additions are plain tf.add;
 *  - the argmax is read back each step (a greedy decoder must know the token, to stop at </s>)
 *    and the next input row is gathered with the argmax tensor itself;
 *  - the per-step e_i, α_i and c_i are kept as tensors inside the sentence's tf.tidy and read
 *    back once at the end (three concats and three dataSync), which is what a tfjs user who
 *    wants them for a heatmap would do.
 */
export class TfGreedy {
  private readonly H: number;
  private readonly L: number;
  private readonly t: Record<string, Tensor>;

  constructor(config: RnnConfig, w: Weights) {
    const shape = shapes(config);
    const { hidden: H, maxout: L } = config.sizes;
    this.H = H;
    this.L = L;
    this.t = tf.tidy(() => {
      const p = (name: string): Tensor => {
        const v = w[name];
        const s = shape.get(name);
        if (!v || !s) throw new Error(`tfModel: missing weight ${name}`);
        return tf.tensor(v, s, 'float32');
      };
      const gates = (prefix: string, names: string[], axis: number): Tensor => tf.concat(names.map((n) => p(`${prefix}.${n}`)), axis);
      // E·[W_z|W_r|W_h] + [b_z|b_r|b_h]: the input projections of every word, [V, 3H]
      const table = (emb: string, prefix: string): Tensor2D =>
        tf.add(tf.matMul(p(emb) as Tensor2D, gates(prefix, ['Wz', 'Wr', 'Wh'], 1) as Tensor2D), gates(prefix, ['bz', 'br', 'bh'], 0));
      // decoder: [x_z | x_r | x_h | E_y·V_o + b_o] per target word, [V, 3H + 2L]
      const decGru = table('decoder.embedding', 'decoder.gru');
      const decOut = tf.add(tf.matMul(p('decoder.embedding') as Tensor2D, p('output.Vo') as Tensor2D), p('output.bo'));
      return {
        encF: table('encoder.embedding', 'encoder.fwd'),
        encB: table('encoder.embedding', 'encoder.bwd'),
        UzrF: gates('encoder.fwd', ['Uz', 'Ur'], 1),
        UhF: p('encoder.fwd.Uh'),
        UzrB: gates('encoder.bwd', ['Uz', 'Ur'], 1),
        UhB: p('encoder.bwd.Uh'),
        dec: tf.concat([decGru, decOut], 1),
        UzrD: gates('decoder.gru', ['Uz', 'Ur'], 1),
        UhD: p('decoder.gru.Uh'),
        // [C_z | C_r | C_h | C_o]: c_i's contribution to the GRU gates and to t̃, [2H, 3H + 2L]
        CCo: tf.concat([gates('decoder.gru', ['Cz', 'Cr', 'Ch'], 1), p('output.Co')], 1),
        Ws: p('decoder.init.Ws'),
        bs: p('decoder.init.bs'),
        Wa: p('attention.Wa'),
        Ua: p('attention.Ua'),
        vaRow: tf.reshape(p('attention.va'), [1, -1]),
        Uo: p('output.Uo'),
        Wo: p('output.Wo'),
        bw: p('output.bw'),
        bos: tf.tensor1d([1], 'int32'), // <s>
      };
    });
  }

  /**
   * One GRU step at batch 1: h [1, H], x [1, 3H] the input projections (z | r | h̃).
   * z|r = σ(x_zr + h·[U_z|U_r]); h̃ = tanh(x_h + (r ⊙ h)·U_h); h' = h + z ⊙ (h̃ − h).
   */
  private gru(x: Tensor2D, h: Tensor2D, Uzr: Tensor, Uh: Tensor): Tensor2D {
    const H = this.H;
    const [xzr, xh] = tf.split(x, [2 * H, H], 1) as [Tensor2D, Tensor2D];
    const [z, r] = tf.split(tf.sigmoid(tf.add(xzr, tf.matMul(h, Uzr as Tensor2D))), 2, 1) as [Tensor2D, Tensor2D];
    const hTilde = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), Uh as Tensor2D)));
    return tf.add(h, tf.mul(z, tf.sub(hTilde, h)));
  }

  /** Encode `ids` (ending with </s>) and decode exactly `steps` tokens greedily. */
  decode(ids: Int32Array, steps: number): TfGreedyResult {
    const { H, L } = this;
    const t = this.t;
    const Tx = ids.length;
    if (!(Tx >= 1 && steps >= 1)) throw new RangeError(`TfGreedy.decode: needs a source and at least one step, got ${Tx} ids and ${steps} steps`);
    const tokens = new Int32Array(steps);
    const out = tf.tidy(() => {
      // ---- encoder: the input projections of the source words, one [1, 3H] row per position ----
      const idsT = tf.tensor1d(ids, 'int32');
      const xF = tf.split(tf.gather(t.encF as Tensor, idsT), Tx) as Tensor2D[];
      const xB = tf.split(tf.gather(t.encB as Tensor, idsT), Tx) as Tensor2D[];
      const fwd: Tensor2D[] = new Array<Tensor2D>(Tx);
      const bwd: Tensor2D[] = new Array<Tensor2D>(Tx);
      let h = tf.zeros([1, H]) as Tensor2D;
      for (let j = 0; j < Tx; j++) fwd[j] = h = this.gru(xF[j] as Tensor2D, h, t.UzrF as Tensor, t.UhF as Tensor);
      h = tf.zeros([1, H]) as Tensor2D;
      for (let j = Tx - 1; j >= 0; j--) bwd[j] = h = this.gru(xB[j] as Tensor2D, h, t.UzrB as Tensor, t.UhB as Tensor);
      const ann = tf.concat([tf.concat(fwd, 0), tf.concat(bwd, 0)], 1) as Tensor2D; // h_j = [→h_j ; ←h_j], [Tx, 2H]
      // s_0 = tanh(←h_1·W_s + b_s)
      let s = tf.tanh(tf.fused.matMul({ a: bwd[0] as Tensor2D, b: t.Ws as Tensor2D, bias: t.bs as Tensor })) as Tensor2D;
      // U_a h_j for every j, once
      const keys = tf.matMul(ann, t.Ua as Tensor2D); // [Tx, A]

      // ---- decoder ----
      const es: Tensor[] = [];
      const alphas: Tensor[] = [];
      const ctxs: Tensor[] = [];
      let y = t.bos as Tensor; // y_{i−1} as an int32 [1] tensor
      for (let i = 0; i < steps; i++) {
        // e_ij = v_aᵀ tanh(s·W_a + U_a h_j), for all j: [1, Tx]
        const e = tf.matMul(t.vaRow as Tensor2D, tf.tanh(tf.add(keys, tf.matMul(s, t.Wa as Tensor2D))), false, true);
        const alpha = tf.softmax(e); // α_i [1, Tx]
        const ctx = tf.matMul(alpha, ann); // c_i = Σ_j α_ij h_j, [1, 2H]
        es.push(e);
        alphas.push(alpha);
        ctxs.push(ctx);
        // [x_z | x_r | x_h | t̃ part] = (E_y[y]·[W|V_o] + [b|b_o]) + c_i·[C|C_o]
        const [x, tPart] = tf.split(tf.add(tf.gather(t.dec as Tensor, y), tf.matMul(ctx, t.CCo as Tensor2D)), [3 * H, 2 * L], 1) as [Tensor2D, Tensor2D];
        // deep output: t̃ = s·U_o + (E_y[y]·V_o + b_o + c_i·C_o); maxout over pairs (k, k+L)
        const [ta, tb] = tf.split(tf.add(tPart, tf.matMul(s, t.Uo as Tensor2D)), 2, 1) as [Tensor2D, Tensor2D];
        const logits = tf.fused.matMul({ a: tf.maximum(ta, tb), b: t.Wo as Tensor2D, bias: t.bw as Tensor });
        y = tf.argMax(logits, 1);
        tokens[i] = (y.dataSync() as Int32Array)[0] as number;
        // s_i = GRU(s_{i−1}, [E_y y_{i−1} ; c_i])
        s = this.gru(x, s, t.UzrD as Tensor, t.UhD as Tensor);
      }
      return {
        scores: tf.concat(es, 0).dataSync() as Float32Array,
        weights: tf.concat(alphas, 0).dataSync() as Float32Array,
        context: tf.concat(ctxs, 0).dataSync() as Float32Array,
      };
    });
    return { tokens, ...out };
  }

  dispose(): void {
    tf.dispose(Object.values(this.t));
  }
}

// ---- training: one step of teacher-forced mean cross-entropy, clip, Adam ------------------

/** A batch with no padding: every source and target has the same length (</s> included). */
export interface TfBatch {
  B: number;
  /** Tx, </s> included. */
  srcLen: number;
  /** Ty, </s> included. */
  tgtLen: number;
  /** Time-major [Tx·B] (row t·B + b), as src/model/batch.ts lays them out. */
  srcIds: Int32Array;
  /** Decoder inputs <s> y_1 … y_n, time-major [Ty·B]. */
  tgtIn: Int32Array;
  /** Decoder targets y_1 … y_n </s>, time-major [Ty·B]. */
  tgtOut: Int32Array;
}

export interface TfTrainStep {
  /** Mean cross-entropy per target token before the update (nats). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/**
 * The batched training forward as tfjs ops, differentiated by tf.variableGrads, with global-norm
 * clipping and tf.train.adam — the same step as Trainer.trainStep (forwardLoss, backward,
 * clipGradNorm, Adam.step). One tf.Variable per named parameter, so the gradients, their global
 * norm and Adam's moments are per parameter exactly as in ours.
 *
 * tfjs specifics: embeddings are one-hot × matrix products (the one-hot matrices are built once
 * per batch, outside the step) because the gradient of tf.gather needs UnsortedSegmentSum, a
 * kernel tfjs-wasm does not have; plain (unfused) ops, since tfjs cannot differentiate a fused
 * sigmoid; per-step slices via one tf.unstack per sequence; the clipping norm is read back
 * (like ours, which also decides in JS whether to scale) and the loss is read back every step.
 */
export class TfTrainer {
  private readonly vars: Map<string, Variable>;
  private readonly varList: Variable[];
  private readonly opt: ReturnType<typeof tf.train.adam>;
  private readonly batch: { srcOneHot: Tensor2D; tgtInOneHot: Tensor2D; tgtOutOneHot: Tensor2D; B: number; Tx: number; Ty: number };

  constructor(
    private readonly config: RnnConfig,
    w: Weights,
    batch: TfBatch,
    /** Unique per trainer: tfjs variable names are global to the engine. */
    prefix: string,
    lr: number,
    private readonly clip: number,
  ) {
    const shape = shapes(config);
    this.vars = new Map();
    for (const [name, s] of shape) {
      const v = w[name];
      if (!v) throw new Error(`tfModel: missing weight ${name}`);
      const init = tf.tensor(v, s, 'float32');
      this.vars.set(name, tf.variable(init, true, `${prefix}/${name}`));
      init.dispose();
    }
    this.varList = [...this.vars.values()];
    // the same Adam as src/tensor/optim.ts: β1 0.9, β2 0.999, ε 1e-8, bias-corrected
    this.opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
    const { B, srcLen: Tx, tgtLen: Ty } = batch;
    // built in JS: tfjs-wasm's OneHot kernel writes int32 bit patterns into a float32 tensor
    const oneHot = (ids: Int32Array, depth: number): Tensor2D => {
      const m = new Float32Array(ids.length * depth);
      ids.forEach((id, r) => (m[r * depth + id] = 1));
      return tf.tensor2d(m, [ids.length, depth]);
    };
    this.batch = {
      B,
      Tx,
      Ty,
      srcOneHot: oneHot(batch.srcIds, config.srcVocabSize),
      tgtInOneHot: oneHot(batch.tgtIn, config.tgtVocabSize),
      tgtOutOneHot: oneHot(batch.tgtOut, config.tgtVocabSize),
    };
  }

  private p(name: string): Tensor {
    const v = this.vars.get(name);
    if (!v) throw new Error(`tfModel: no parameter ${name}`);
    return v;
  }

  /** The mean cross-entropy per target token (a scalar, differentiable in the variables). */
  loss(): Scalar {
    const { hidden: H, maxout: L, alignment: A } = this.config.sizes;
    const { B, Tx, Ty, srcOneHot, tgtInOneHot, tgtOutOneHot } = this.batch;
    const p = (n: string): Tensor2D => this.p(n) as Tensor2D;
    const concatGates = (prefix: string, names: string[], axis: number): Tensor2D => tf.concat(names.map((n) => p(`${prefix}.${n}`)), axis);
    const gruW = (prefix: string) => ({
      W: concatGates(prefix, ['Wz', 'Wr', 'Wh'], 1), // [in, 3H]
      b: concatGates(prefix, ['bz', 'br', 'bh'], 0), // [3H]
      Uzr: concatGates(prefix, ['Uz', 'Ur'], 1), // [H, 2H]
      Uh: p(`${prefix}.Uh`),
    });
    // GRU step for a batch: x [B, 3H] = input projections (z | r | h̃), h [B, H]
    const gru = (x: Tensor2D, h: Tensor2D, g: { Uzr: Tensor2D; Uh: Tensor2D }): Tensor2D => {
      const [xzr, xh] = tf.split(x, [2 * H, H], 1) as [Tensor2D, Tensor2D];
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr, tf.matMul(h, g.Uzr))), 2, 1) as [Tensor2D, Tensor2D];
      const hTilde = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), g.Uh)));
      return tf.add(h, tf.mul(z, tf.sub(hTilde, h))); // (1 − z) ⊙ h + z ⊙ h̃
    };

    // ---- encoder: embeddings [Tx·B, E], input projections per step, both GRUs ----
    const srcEmb = tf.matMul(srcOneHot, p('encoder.embedding'));
    const fw = gruW('encoder.fwd');
    const bw = gruW('encoder.bwd');
    const xF = tf.unstack(tf.reshape(tf.add(tf.matMul(srcEmb, fw.W), fw.b), [Tx, B, 3 * H])) as Tensor2D[];
    const xB = tf.unstack(tf.reshape(tf.add(tf.matMul(srcEmb, bw.W), bw.b), [Tx, B, 3 * H])) as Tensor2D[];
    const fwd: Tensor2D[] = new Array<Tensor2D>(Tx);
    const bwd: Tensor2D[] = new Array<Tensor2D>(Tx);
    let h = tf.zeros([B, H]) as Tensor2D;
    for (let j = 0; j < Tx; j++) fwd[j] = h = gru(xF[j] as Tensor2D, h, fw);
    h = tf.zeros([B, H]) as Tensor2D;
    for (let j = Tx - 1; j >= 0; j--) bwd[j] = h = gru(xB[j] as Tensor2D, h, bw);
    const ann = tf.concat([tf.stack(fwd, 1), tf.stack(bwd, 1)], 2); // [B, Tx, 2H]
    let s = tf.tanh(tf.add(tf.matMul(bwd[0] as Tensor2D, p('decoder.init.Ws')), p('decoder.init.bs'))) as Tensor2D; // s_0
    const keys = tf.reshape(tf.matMul(tf.reshape(ann, [B * Tx, 2 * H]), p('attention.Ua')), [B, Tx, A]); // U_a h_j
    const vaCol = tf.reshape(p('attention.va'), [A, 1]);

    // ---- decoder, teacher forced ----
    const tgtEmb = tf.matMul(tgtInOneHot, p('decoder.embedding')); // E_y y_{i−1}, [Ty·B, E]
    const dw = gruW('decoder.gru');
    const Cdec = concatGates('decoder.gru', ['Cz', 'Cr', 'Ch'], 1); // [2H, 3H]
    const xD = tf.unstack(tf.reshape(tf.add(tf.matMul(tgtEmb, dw.W), dw.b), [Ty, B, 3 * H])) as Tensor2D[];
    const prev: Tensor2D[] = [];
    const ctxs: Tensor2D[] = [];
    for (let i = 0; i < Ty; i++) {
      prev.push(s);
      // e_ij = v_aᵀ tanh(s·W_a + U_a h_j): [B, Tx]
      const pre = tf.tanh(tf.add(keys, tf.reshape(tf.matMul(s, p('attention.Wa')), [B, 1, A])));
      const e = tf.reshape(tf.matMul(tf.reshape(pre, [B * Tx, A]), vaCol), [B, Tx]);
      const alpha = tf.softmax(e); // no padding in this batch, so no mask
      const ctx = tf.reshape(tf.matMul(tf.reshape(alpha, [B, 1, Tx]), ann), [B, 2 * H]) as Tensor2D; // c_i
      ctxs.push(ctx);
      s = gru(tf.add(xD[i] as Tensor2D, tf.matMul(ctx, Cdec)), s, dw);
    }

    // ---- deep output with maxout, all steps at once (rows time-major: i·B + b) ----
    const S = tf.concat(prev, 0); // s_{i−1}, [Ty·B, H]
    const C = tf.concat(ctxs, 0); // c_i, [Ty·B, 2H]
    const tTilde = tf.add(tf.add(tf.add(tf.matMul(S, p('output.Uo')), tf.matMul(tgtEmb, p('output.Vo'))), tf.matMul(C, p('output.Co'))), p('output.bo'));
    const N = Ty * B;
    const t = tf.maximum(tf.slice(tTilde, [0, 0], [N, L]), tf.slice(tTilde, [0, L], [N, L]));
    const logits = tf.add(tf.matMul(t, p('output.Wo')), p('output.bw')); // [Ty·B, V]
    // mean over the N target tokens of −log p(y_i)
    return tf.div(tf.neg(tf.sum(tf.mul(tgtOutOneHot, tf.logSoftmax(logits)))), N) as Scalar;
  }

  /** The loss without gradients. */
  lossValue(): number {
    return tf.tidy(() => (this.loss().dataSync() as Float32Array)[0] as number);
  }

  /** One optimisation step: loss and gradients, global-norm clip at `clip`, Adam. */
  step(): TfTrainStep {
    const { value, grads } = tf.variableGrads(() => this.loss(), this.varList);
    const loss = (value.dataSync() as Float32Array)[0] as number;
    const names = Object.keys(grads);
    const gs = names.map((n) => grads[n] as Tensor);
    const gradNorm = tf.tidy(() => (tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))).dataSync() as Float32Array)[0] as number);
    // clip: scale every gradient by clip/norm when the global norm is above the clip
    const f = Number.isFinite(gradNorm) && gradNorm > this.clip ? this.clip / gradNorm : 1;
    const scaled = f === 1 ? gs : gs.map((g) => tf.mul(g, f));
    const apply: Array<{ name: string; tensor: Tensor }> = names.map((name, k) => ({ name, tensor: scaled[k] as Tensor }));
    this.opt.applyGradients(apply);
    tf.dispose([value, ...gs, ...(scaled === gs ? [] : scaled)]);
    return { loss, gradNorm };
  }

  dispose(): void {
    this.opt.dispose();
    tf.dispose([...this.varList, this.batch.srcOneHot, this.batch.tgtInOneHot, this.batch.tgtOutOneHot]);
  }
}
