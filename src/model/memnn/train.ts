// Training and evaluating a memory network with the shared trainer (src/train/trainer.ts): the
// CLI (scripts/trainMemory.ts) and the page's worker both call `trainMemory`, so the page trains
// exactly what the command line does (docs/ARCHITECTURE.md, "Memory networks").

import { makeQaSplits, MAX_MEMORIES, type QaExample, type QaSplitOptions } from '../../data/tasks/babi';
import { Rng } from '../../tensor';
import { ObjectiveTrainer, type EvalReport, type GuardReport, type Objective, type StepReport, type TrainSettings } from '../../train/trainer';
import { makeQaBatch, memoryLoss, type MemoryConfig, type QaIds } from './forward';
import { buildQaVocab, initMemoryParams, MemoryModel, qaIds } from './model';

/** The objective: answer cross-entropy, with random empty memories during training (RN) when asked. */
export function memoryObjective(model: { params: MemoryModel['params']; config: MemoryConfig }, noise: number, seed: number): Objective<QaIds> {
  const rng = new Rng(seed);
  return {
    loss: (examples, opts) => {
      if (opts?.dropout && opts.dropout.rate > 0) throw new RangeError('dropout is implemented for RNNsearch models only');
      return memoryLoss(model.params, model.config, makeQaBatch(examples, { maxSlots: model.config.memories, ...(noise > 0 ? { noise: { rate: noise, rng } } : {}) }));
    },
    key: (e) => e.story.length,
  };
}

export interface MemoryTrainOptions {
  data: QaSplitOptions;
  hops: number;
  embed: number;
  temporal: boolean;
  positionEncoding: boolean;
  /** Rate of random empty memories in training batches (0: none). */
  noise: number;
  settings: Partial<TrainSettings>;
  seed: number;
}

export const DEFAULT_MEMORY_TRAINING: MemoryTrainOptions = {
  data: { seed: 1, train: 10000, dev: 500, test: 1000 },
  hops: 3,
  embed: 32,
  temporal: true,
  positionEncoding: true,
  noise: 0.1,
  settings: { batchSize: 32, lr: 0.01, warmupSteps: 50, maxSteps: 1500, evalEvery: 250, clip: 40 },
  seed: 1,
};

export type MemoryTrainReport = StepReport | GuardReport | EvalReport;

/** Data, vocabulary, a fresh model and its trainer, ready to step. */
export function prepareMemoryTraining(options: MemoryTrainOptions): { splits: ReturnType<typeof makeQaSplits>; model: MemoryModel; trainer: ObjectiveTrainer<QaIds> } {
  const splits = makeQaSplits(options.data);
  const vocab = buildQaVocab([...splits.train, ...splits.dev]);
  const config: MemoryConfig = {
    family: 'memn2n',
    vocabSize: vocab.size,
    embed: options.embed,
    hops: options.hops,
    memories: MAX_MEMORIES,
    temporal: options.temporal,
    positionEncoding: options.positionEncoding,
  };
  const model = new MemoryModel(config, initMemoryParams(config, options.seed), vocab);
  const ids = (xs: QaExample[]): QaIds[] => xs.map((e) => qaIds(vocab, e));
  const trainer = new ObjectiveTrainer(memoryObjective(model, options.noise, options.seed), model.params, ids(splits.train), ids(splits.dev), {
    ...options.settings,
    seed: options.seed,
  });
  return { splits, model, trainer };
}

export interface MemoryEvaluation {
  /** Test accuracy per question kind and overall. */
  accuracy: { one: number; two: number; all: number };
  count: { one: number; two: number };
  /**
   * On correctly answered two-fact questions: of the hops that need a gold fact (min(K, 2) per
   * question), the share whose attention maximum is on one (each hop on a gold fact counts, up
   * to the number needed).
   */
  hopsOnGold: number;
}

export function evaluateMemory(model: MemoryModel, examples: readonly QaExample[]): MemoryEvaluation {
  const right = { one: 0, two: 0 };
  const count = { one: 0, two: 0 };
  let needed = 0;
  let onGold = 0;
  for (const e of examples) {
    const trace = model.answer(e.story, e.question);
    const ok = trace.answers[0]?.token === e.answer;
    count[e.kind]++;
    if (ok) right[e.kind]++;
    if (!ok || e.kind !== 'two') continue;
    // the trace keeps the last MAX_MEMORIES sentences; gold indices shift by what was dropped
    const gold = new Set(e.support.map((s) => s - trace.dropped));
    const need = Math.min(model.config.hops, e.support.length);
    let hits = 0;
    for (const h of trace.hops) if (gold.has(argmax(h.weights))) hits++;
    needed += need;
    onGold += Math.min(hits, need);
  }
  const frac = (a: number, b: number): number => (b === 0 ? NaN : a / b);
  return {
    accuracy: { one: frac(right.one, count.one), two: frac(right.two, count.two), all: frac(right.one + right.two, count.one + count.two) },
    count,
    hopsOnGold: frac(onGold, needed),
  };
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** Train to the end (or early stop), restore the best dev weights; reports every step and evaluation. */
export function runMemoryTraining(trainer: ObjectiveTrainer<QaIds>, onReport: (r: MemoryTrainReport) => void): void {
  while (!trainer.done) {
    onReport(trainer.trainStep());
    const every = trainer.settings.evalEvery;
    if (every > 0 && (trainer.step % every === 0 || trainer.done)) {
      const r = trainer.evaluate();
      onReport(r);
      if (r.stop) break;
    }
  }
  trainer.restoreBest();
}
