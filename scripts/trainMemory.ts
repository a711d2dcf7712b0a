// npm run train:memory -- --hops 3 --out public/models/babi-memn2n-3hop [--steps N] [--seed S] ...
//
// Trains an End-To-End Memory Network on the built-in bAbI-style stories (src/data/tasks/babi.ts)
// with the shared trainer, evaluates it on held-out stories (accuracy per question kind and how
// often a hop's attention maximum lands on a gold supporting fact), and writes manifest.json +
// model.safetensors into --out, the manifest recording the command, time, data and metrics.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { saveMemoryModel } from '../src/model/memnn/checkpoint';
import { DEFAULT_MEMORY_TRAINING, evaluateMemory, prepareMemoryTraining, runMemoryTraining } from '../src/model/memnn/train';
import { parseArgs, runCli, shellQuote, UsageError, type FlagSpec } from './lib/args';
import { formatDuration } from './lib/progress';

const D = DEFAULT_MEMORY_TRAINING;
const SPEC = {
  out: { kind: 'string', help: 'output folder, e.g. public/models/babi-memn2n-3hop' },
  id: { kind: 'string', help: 'model id (default: the output folder name)' },
  title: { kind: 'string', help: 'a human-readable title' },
  hops: { kind: 'int', help: 'hops (1-3)', default: D.hops },
  embed: { kind: 'int', help: 'embedding size d', default: D.embed },
  steps: { kind: 'int', help: 'training steps', default: D.settings.maxSteps ?? 1500 },
  batch: { kind: 'int', help: 'stories per batch', default: D.settings.batchSize ?? 32 },
  lr: { kind: 'number', help: 'peak learning rate (Adam)', default: D.settings.lr ?? 0.01 },
  seed: { kind: 'int', help: 'seed for initialisation and batching', default: 1 },
  'data-seed': { kind: 'int', help: 'seed of the generated stories', default: 1 },
  'train-size': { kind: 'int', help: 'training stories', default: D.data.train },
  noise: { kind: 'number', help: 'rate of random empty memories in training (the paper\'s RN; 0 = off)', default: D.noise },
  'no-temporal': { kind: 'boolean', help: 'switch the temporal encoding off' },
  'no-position': { kind: 'boolean', help: 'a plain bag of words instead of position encoding' },
  'eval-every': { kind: 'int', help: 'steps between dev evaluations', default: 250 },
  dtype: { kind: 'string', help: 'weight precision in the checkpoint', choices: ['F16', 'F32'], default: 'F32' },
} satisfies Record<string, FlagSpec>;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv, SPEC);
  if (!args.out) throw new UsageError('--out is required');
  const outDir = resolve(args.out);
  const id = args.id ?? basename(outDir);
  if (!/^[a-z0-9-]{1,64}$/.test(id)) throw new UsageError(`model id ${JSON.stringify(id)} must be 1-64 characters of a-z, 0-9 and -`);
  if (args.hops < 1 || args.hops > 3) throw new UsageError('--hops must be 1, 2 or 3');
  if (!(args.noise >= 0 && args.noise < 1)) throw new UsageError('--noise must be in [0, 1)');
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  const data = { ...D.data, seed: args['data-seed'], train: args['train-size'] };
  const { splits, model, trainer } = prepareMemoryTraining({
    data,
    hops: args.hops,
    embed: args.embed,
    temporal: !args['no-temporal'],
    positionEncoding: !args['no-position'],
    noise: args.noise,
    settings: { ...D.settings, batchSize: args.batch, lr: args.lr, maxSteps: args.steps, evalEvery: args['eval-every'] },
    seed: args.seed,
  });
  log(`data: ${splits.train.length} train, ${splits.dev.length} dev, ${splits.test.length} test stories; vocabulary ${model.vocab.size}`);
  log(`model: MemN2N, ${args.hops} hop(s), d = ${args.embed}, ${model.params.count} parameters; ${args.steps} steps of ${args.batch}`);
  const t0 = performance.now();
  let window = 0;
  let n = 0;
  runMemoryTraining(trainer, (r) => {
    if (r.type === 'step') {
      window += r.loss;
      n++;
      if (r.step % 100 === 0) {
        log(`step ${r.step}  loss ${(window / n).toFixed(4)}  lr ${r.lr.toExponential(2)}  ${formatDuration((performance.now() - t0) / 1000)}`);
        window = 0;
        n = 0;
      }
    } else if (r.type === 'eval') {
      const dev = evaluateMemory(model, splits.dev);
      log(`eval at step ${r.step}: dev loss ${r.devLoss.toFixed(4)}${r.best ? ' (best)' : ''}, dev accuracy one-fact ${pct(dev.accuracy.one)}, two-fact ${pct(dev.accuracy.two)}`);
    } else {
      log(`guard: ${r.message}`);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const test = evaluateMemory(model, splits.test);
  const metrics = {
    accuracy: round(test.accuracy.all),
    accuracyOneFact: round(test.accuracy.one),
    accuracyTwoFact: round(test.accuracy.two),
    hopsOnGold: round(test.hopsOnGold),
    devLoss: round(trainer.bestDevLoss),
  };
  const command = `npm run train:memory -- ${argv.map(shellQuote).join(' ')}`;
  const { manifest, manifestText, weights } = await saveMemoryModel(model, {
    id,
    ...(args.title ? { title: args.title } : {}),
    task: 'babi',
    dtype: args.dtype as 'F16' | 'F32',
    training: {
      command,
      seconds: Math.round(seconds),
      steps: trainer.step,
      seed: args.seed,
      data: `task babi (seed ${data.seed}; ${data.train} train / ${data.dev} dev / ${data.test} test stories, half one-fact, half two-fact)`,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      metrics,
    },
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, manifest.weights.file), weights);
  writeFileSync(join(outDir, 'manifest.json'), manifestText);
  log(
    `trained in ${formatDuration(seconds)}; test accuracy one-fact ${pct(test.accuracy.one)} (${test.count.one}), two-fact ${pct(test.accuracy.two)} (${test.count.two}); ` +
      `hop maxima on a gold fact ${pct(test.hopsOnGold)}\nwrote ${join(outDir, 'manifest.json')} and ${manifest.weights.file} (${(weights.byteLength / 1024).toFixed(0)} KiB)`,
  );
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const round = (v: number): number => Math.round(v * 10000) / 10000;


runCli(main, 'npm run train:memory --', SPEC);
