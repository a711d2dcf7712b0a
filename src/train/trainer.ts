// The training loop, one step at a time, with no DOM: the Node CLI drives it in a plain loop,
// the Web Worker between messages. Length-bucketed batches, Adam, global-norm clipping, a
// warm-up + cosine learning-rate schedule, dev evaluation with early stopping, and a NaN/Inf
// guard that restores the last good weights and says so. Everything random comes from the seed.
//
// What is trained is an Objective (docs/ARCHITECTURE.md, "Model families"): the loss of a list of
// examples and a batching key. Translation families train sentence pairs (`Trainer`); the memory
// network trains stories with questions through the same loop (`ObjectiveTrainer`).

import { makeBatch, type PairIds } from '../model/batch';
import type { ModelConfig } from '../model/config';
import { stepSeed } from '../model/dropout';
import { batchLoss, type LossOptions } from '../model/family';
import type { Params } from '../model/params';
import { Adam, Rng, backward, clipGradNorm, noGrad, type AdamState, type Tensor } from '../tensor';

/** What a trainer minimises: the mean loss of some examples (autodiff ops), and how to batch them. */
export interface Objective<E> {
  /**
   * The mean loss per counted unit over `examples`, and how many units were counted. `opts` come
   * from a training step (dropout); evaluation passes none.
   */
  loss(examples: readonly E[], opts?: LossOptions): { loss: Tensor; tokens: number };
  /** Examples with close keys are batched together (e.g. lengths, to save padding). */
  key(example: E): number;
}

/** Sentence pairs under a translation family: padded batches, cross-entropy per target token. */
export function translationObjective(params: Params, config: ModelConfig): Objective<PairIds> {
  return {
    loss: (pairs, opts) => {
      const batch = makeBatch(pairs);
      return { loss: batchLoss(params, config, batch, opts).loss, tokens: batch.tokens };
    },
    key: (p) => p.source.length * 1024 + p.target.length,
  };
}

export interface TrainSettings {
  /** Sentence pairs per batch. */
  batchSize: number;
  /** Peak learning rate (Adam). */
  lr: number;
  /** Linear warm-up steps. */
  warmupSteps: number;
  /** Learning rate at the end of the cosine decay, as a fraction of `lr`. */
  finalLrFraction: number;
  /** Global gradient-norm clip (the paper: 1). */
  clip: number;
  /** Training stops after this many steps. */
  maxSteps: number;
  /** Evaluate on the dev set every this many steps (0: never). */
  evalEvery: number;
  /** Stop when this many evaluations in a row did not improve the dev loss (0: never). */
  patience: number;
  seed: number;
  /** Probability of dropping a unit in training (0: none; RNNsearch only, src/model/dropout.ts). */
  dropout: number;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 32,
  lr: 3e-3,
  warmupSteps: 100,
  finalLrFraction: 0.05,
  clip: 1,
  maxSteps: 2000,
  evalEvery: 200,
  patience: 0,
  seed: 1,
  dropout: 0,
};

export interface StepReport {
  type: 'step';
  step: number;
  /** Mean cross-entropy per target token of this batch (nats). */
  loss: number;
  /** Gradient norm before clipping. */
  gradNorm: number;
  lr: number;
  /** Target tokens in this batch. */
  tokens: number;
  ms: number;
}

export interface GuardReport {
  type: 'guard';
  step: number;
  /** What was not finite. */
  what: 'loss' | 'gradient' | 'weights';
  /** The step whose weights were restored (the update was skipped). */
  restoredStep: number;
  /** The loss or gradient norm that was not finite (null for a weight). */
  value: number | null;
  /** Whether the last good weights were put back (else only this batch was skipped). */
  restored: boolean;
  /** In English, for the CLI (the page words the fields above). */
  message: string;
}

export interface EvalReport {
  type: 'eval';
  step: number;
  devLoss: number;
  best: boolean;
  /** True when early stopping says training should end. */
  stop: boolean;
}

/** Length-bucketed batches: similar lengths together (little padding), batch order shuffled. */
export class Batcher<E = PairIds> {
  private readonly rng: Rng;
  private queue: number[][] = [];
  epoch = 0;

  constructor(
    private readonly pairs: readonly E[],
    private readonly batchSize: number,
    seed: number,
    private readonly keyOf: (example: E) => number = (p) => {
      const pair = p as unknown as PairIds;
      return pair.source.length * 1024 + pair.target.length;
    },
  ) {
    if (pairs.length === 0) throw new RangeError('Batcher: no training pairs');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Batcher: batch size must be a positive integer, got ${batchSize}`);
    this.rng = new Rng(seed);
  }

  private refill(): void {
    // shuffle first so that equal lengths mix differently each epoch, then sort by length
    const order = this.rng.shuffle(Array.from({ length: this.pairs.length }, (_, i) => i));
    const key = (i: number): number => this.keyOf(this.pairs[i] as E);
    order.sort((a, b) => key(a) - key(b));
    const batches: number[][] = [];
    for (let k = 0; k < order.length; k += this.batchSize) batches.push(order.slice(k, k + this.batchSize));
    this.queue = this.rng.shuffle(batches);
    this.epoch++;
  }

  next(): E[] {
    if (this.queue.length === 0) this.refill();
    const idx = this.queue.pop() as number[];
    return idx.map((i) => this.pairs[i] as E);
  }
}

/** Examples in chunks of at most `size`, sorted by key (for evaluation). */
function chunksInOrder<E>(items: readonly E[], size: number, key: (e: E) => number): E[][] {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const out: E[][] = [];
  for (let k = 0; k < sorted.length; k += size) out.push(sorted.slice(k, k + size));
  return out;
}

function allFinite(params: Params): boolean {
  for (const p of params.list) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}

interface Snapshot {
  step: number;
  weights: Map<string, Float32Array>;
  adam: AdamState;
}

export class ObjectiveTrainer<E> {
  readonly settings: TrainSettings;
  readonly optimizer: Adam;
  private readonly batcher: Batcher<E>;
  private devBatches: E[][] | null = null;
  private stepCount = 0;
  private good: Snapshot;
  private bestDev = Infinity;
  private bestSnapshot: Map<string, Float32Array> | null = null;
  private badEvals = 0;
  /** Steps whose update was skipped by the guard. */
  guardTrips = 0;

  constructor(
    readonly objective: Objective<E>,
    readonly params: Params,
    train: readonly E[],
    private readonly dev: readonly E[],
    settings: Partial<TrainSettings> = {},
  ) {
    this.settings = { ...DEFAULT_TRAIN_SETTINGS, ...settings };
    const s = this.settings;
    if (!(s.lr > 0) || !(s.clip > 0) || !Number.isInteger(s.maxSteps) || s.maxSteps < 1) {
      throw new RangeError('Trainer: lr and clip must be positive and maxSteps a positive integer');
    }
    if (!(s.dropout >= 0 && s.dropout < 1)) throw new RangeError(`Trainer: dropout must be in [0, 1), got ${s.dropout}`);
    this.optimizer = new Adam(params.list, { lr: s.lr });
    this.batcher = new Batcher(train, s.batchSize, s.seed, (e) => objective.key(e));
    this.good = { step: 0, weights: params.snapshot(), adam: this.optimizer.state() };
  }

  get step(): number {
    return this.stepCount;
  }

  get epoch(): number {
    return this.batcher.epoch;
  }

  get done(): boolean {
    return this.stepCount >= this.settings.maxSteps;
  }

  /** The best dev loss seen so far (∞ before the first evaluation). */
  get bestDevLoss(): number {
    return this.bestDev;
  }

  /** Learning rate at a step: linear warm-up, then cosine decay to finalLrFraction·lr. */
  lrAt(step: number): number {
    const { lr, warmupSteps, maxSteps, finalLrFraction } = this.settings;
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    const span = Math.max(1, maxSteps - warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / span);
    const floor = lr * finalLrFraction;
    return floor + (lr - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /** One optimisation step on the next batch, gradients computed here. */
  trainStep(): StepReport | GuardReport {
    const t0 = performance.now();
    const examples = this.nextPairs();
    this.optimizer.zeroGrad();
    const { loss, tokens } = this.objective.loss(examples, this.lossOptions());
    const lossValue = loss.item();
    if (Number.isFinite(lossValue)) backward(loss);
    return this.applyGradients(lossValue, tokens, t0);
  }

  /** How the next step computes its loss (its dropout masks' seed); callers computing gradients elsewhere pass it on. */
  lossOptions(): LossOptions {
    const { dropout, seed } = this.settings;
    return dropout > 0 ? { dropout: { rate: dropout, seed: stepSeed(seed, this.stepCount) } } : {};
  }

  /** The examples of the next batch (for callers that compute gradients elsewhere, e.g. in threads). */
  nextPairs(): E[] {
    return this.batcher.next();
  }

  /**
   * Finish a step whose gradients (of the mean loss per token) are already in the parameters'
   * `.grad`: guard, clip, schedule, Adam, and every 50 steps a snapshot of good weights.
   */
  applyGradients(lossValue: number, tokens: number, t0: number): StepReport | GuardReport {
    const step = this.stepCount;
    if (!Number.isFinite(lossValue)) return this.trip(step, 'loss', lossValue);
    const gradNorm = clipGradNorm(this.params.list, this.settings.clip);
    if (!Number.isFinite(gradNorm)) return this.trip(step, 'gradient', gradNorm);
    const lr = this.lrAt(step);
    this.optimizer.lr = lr;
    this.optimizer.step();
    this.stepCount++;
    if (this.stepCount % 50 === 0) {
      if (!allFinite(this.params)) return this.trip(step, 'weights', null);
      this.good = { step: this.stepCount, weights: this.params.snapshot(), adam: this.optimizer.state() };
    }
    return { type: 'step', step: this.stepCount, loss: lossValue, gradNorm, lr, tokens, ms: performance.now() - t0 };
  }

  private trip(step: number, what: GuardReport['what'], value: number | null): GuardReport {
    this.optimizer.zeroGrad();
    this.guardTrips++;
    this.stepCount = step + 1; // the batch is skipped, the schedule moves on
    const reason = what === 'weights' ? 'a weight became NaN or infinite' : `the ${what === 'loss' ? 'loss' : 'gradient norm'} became ${value}`;
    const report = { type: 'guard', step: this.stepCount, what, value } as const;
    if (what !== 'weights' && allFinite(this.params)) {
      // nothing was updated yet: the current weights are good, only this batch is skipped
      return { ...report, restoredStep: step, restored: false, message: `Step ${step + 1}: ${reason}; the update was skipped.` };
    }
    this.params.restore(this.good.weights);
    this.optimizer.loadState(this.good.adam);
    return { ...report, restoredStep: this.good.step, restored: true, message: `Step ${step + 1}: ${reason}; the update was skipped and the last good weights (step ${this.good.step}) restored.` };
  }

  /** Mean dev cross-entropy per token (teacher forced, no tape). */
  devLoss(maxPairs = 2000): number {
    if (this.dev.length === 0) return NaN;
    if (!this.devBatches) this.devBatches = chunksInOrder(this.dev.slice(0, maxPairs), 64, (e) => this.objective.key(e));
    return noGrad(() => {
      let total = 0;
      let tokens = 0;
      for (const chunk of this.devBatches as E[][]) {
        const r = this.objective.loss(chunk);
        total += r.loss.item() * r.tokens;
        tokens += r.tokens;
      }
      return total / tokens;
    });
  }

  /** Evaluate on dev; keeps the best weights and applies early stopping. */
  evaluate(): EvalReport {
    const devLoss = this.devLoss();
    const best = devLoss < this.bestDev;
    if (best) {
      this.bestDev = devLoss;
      this.bestSnapshot = this.params.snapshot();
      this.badEvals = 0;
    } else {
      this.badEvals++;
    }
    const stop = this.settings.patience > 0 && this.badEvals >= this.settings.patience;
    return { type: 'eval', step: this.stepCount, devLoss, best, stop };
  }

  /** Put back the weights of the best evaluation (if any). */
  restoreBest(): boolean {
    if (!this.bestSnapshot) return false;
    this.params.restore(this.bestSnapshot);
    return true;
  }
}

/** The trainer of translation families: sentence pairs under `config`'s family. */
export class Trainer extends ObjectiveTrainer<PairIds> {
  constructor(
    readonly config: ModelConfig,
    params: Params,
    train: readonly PairIds[],
    dev: readonly PairIds[],
    settings: Partial<TrainSettings> = {},
  ) {
    super(translationObjective(params, config), params, train, dev, settings);
  }
}
