// The training run shared by the train CLI and the length experiment: vocabularies from the
// training split, a model, the Trainer driven on one or more threads with a progress line, and
// the best dev weights restored at the end.

import type { PairIds } from '../../src/model/batch';
import type { ModelConfig, ModelSizes, TransformerSizes, TransformerVariant, Variant } from '../../src/model/config';
import { initParams, type Params } from '../../src/model/params';
import { Vocab } from '../../src/data/vocab';
import { Trainer } from '../../src/train/trainer';
import type { Dataset } from './data';
import { ParallelGradients, shareParams } from './parallelGrads';
import { Progress } from './progress';

export interface TrainModelOptions {
  label: string;
  /** The family, attention variant and sizes; the vocabulary sizes and length ratio come from the data. */
  model: { family?: 'rnnsearch'; variant: Variant; sizes: ModelSizes } | { family: 'transformer'; variant: TransformerVariant; sizes: TransformerSizes };
  steps: number;
  /** Linear warm-up steps (default: steps/20, at most 200). */
  warmupSteps?: number;
  batchSize: number;
  lr: number;
  seed: number;
  threads: number;
  evalEvery: number;
  /** Dropout rate in training (0: none; RNNsearch only). */
  dropout?: number;
  minCount: number;
  quiet?: boolean;
  /** Fixed vocabularies (subword models: the BPE vocabularies); built from the data when absent. */
  vocabs?: { source: Vocab; target: Vocab };
}

export interface TrainedModel {
  config: ModelConfig;
  params: Params;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  steps: number;
  seconds: number;
  bestDevLoss: number;
  guardTrips: number;
}

export function toPairs(examples: ReadonlyArray<{ source: string[]; target: string[] }>, src: Vocab, tgt: Vocab): PairIds[] {
  return examples.map((e) => ({ source: src.encode(e.source), target: tgt.encode(e.target) }));
}

export async function trainModel(data: Dataset, o: TrainModelOptions): Promise<TrainedModel> {
  const srcVocab = o.vocabs?.source ?? Vocab.build(data.train.map((e) => e.source), { minCount: o.minCount });
  const tgtVocab = o.vocabs?.target ?? Vocab.build(data.train.map((e) => e.target), { minCount: o.minCount });
  const train = toPairs(data.train, srcVocab, tgtVocab);
  const dev = toPairs(data.dev, srcVocab, tgtVocab);
  let ratio = 0;
  for (const p of train) ratio += (p.target.length + 1) / (p.source.length + 1);
  const common = { srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: ratio / train.length };
  const config: ModelConfig = o.model.family === 'transformer' ? { ...o.model, sizes: { ...o.model.sizes }, ...common } : { ...o.model, sizes: { ...o.model.sizes }, ...common };
  const threads = Math.max(1, Math.min(o.threads, 8));
  const base = initParams(config, o.seed);
  const params = threads > 1 ? shareParams(base) : base;
  const trainer = new Trainer(config, params, train, dev, {
    batchSize: o.batchSize,
    lr: o.lr,
    maxSteps: o.steps,
    warmupSteps: o.warmupSteps ?? Math.min(200, Math.round(o.steps / 20)),
    evalEvery: o.evalEvery,
    seed: o.seed,
    dropout: o.dropout ?? 0,
  });
  const parallel = threads > 1 ? new ParallelGradients(config, params, threads) : null;
  const progress = new Progress(o.steps, o.label);
  let devNote = '';
  let guardTrips = 0;
  try {
    while (!trainer.done) {
      const t0 = performance.now();
      let report;
      if (parallel) {
        const { loss, tokens } = await parallel.compute(trainer.nextPairs(), trainer.lossOptions());
        report = trainer.applyGradients(loss, tokens, t0);
      } else {
        report = trainer.trainStep();
      }
      if (report.type === 'guard') {
        guardTrips++;
        progress.note(`guard: ${report.message}`);
        continue;
      }
      if (o.evalEvery > 0 && (report.step % o.evalEvery === 0 || trainer.done)) {
        const ev = trainer.evaluate();
        devNote = `dev ${ev.devLoss.toFixed(3)}${ev.best ? '*' : ''}`;
      }
      if (!o.quiet) progress.update(report.step, report.loss, report.tokens, devNote);
    }
  } finally {
    await parallel?.close();
  }
  progress.done();
  // with --eval-every 0 nothing was evaluated: measure the final weights once (the manifest's devLoss)
  if (!Number.isFinite(trainer.bestDevLoss) && dev.length > 0) trainer.evaluate();
  trainer.restoreBest();
  return { config, params, srcVocab, tgtVocab, steps: trainer.step, seconds: progress.seconds, bestDevLoss: trainer.bestDevLoss, guardTrips };
}
