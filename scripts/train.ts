// npm run train -- --task en-fr|dates|reverse --variant additive --out public/models/<id>
//                  [--data pairs.tsv] [--steps N] [--seed S] [--hidden H] ...
//
// Trains an RNNsearch model on a built-in task (or a TSV of sentence pairs), evaluates it on the
// held-out test set, and writes manifest.json + model.safetensors into --out. The manifest
// records the command, the time taken, the data recipe and the metrics.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { TASK_IDS } from '../src/data/tasks';
import { saveModel } from '../src/model/bundle';
import { ALL_VARIANTS, DEFAULT_SIZES, DEFAULT_TRANSFORMER_SIZES, FAMILIES, TRANSFORMER_VARIANTS, VARIANTS, type TransformerVariant, type Variant } from '../src/model/config';
import { createModel } from '../src/model/family';
import { serializeManifest } from '../src/model/checkpoint';
import { parseArgs, runCli, shellQuote, UsageError, type FlagSpec } from './lib/args';
import { buildDataset, recipeToRecord, type DataRecipe } from './lib/data';
import { evaluate } from './lib/evaluate';
import { formatDuration } from './lib/progress';
import { trainModel, type TrainModelOptions } from './lib/trainModel';
import { Vocab } from '../src/data/vocab';
import { detokenizePieces } from '../src/data/tokenize';
import type { BleuTokenizer } from '../src/data/metrics';

const SPEC = {
  task: { kind: 'string', help: 'built-in task', choices: TASK_IDS },
  data: { kind: 'string', help: 'train on sentence pairs from a TSV file (source<TAB>target[<TAB>attribution])' },
  family: { kind: 'string', help: 'model family', choices: FAMILIES, default: 'rnnsearch' },
  variant: { kind: 'string', help: 'attention variant (transformer: scaled-dot, linear or linear-causal)', choices: ALL_VARIANTS, default: 'additive' },
  out: { kind: 'string', help: 'output folder, e.g. public/models/en-fr-additive' },
  id: { kind: 'string', help: 'model id (default: the output folder name)' },
  title: { kind: 'string', help: 'a human-readable title for the model picker' },
  corpus: { kind: 'string', help: 'with --data: the name recorded as the model\'s task (e.g. tatoeba-en-fr; default custom)' },
  steps: { kind: 'int', help: 'training steps (default: per task)' },
  seed: { kind: 'int', help: 'seed for initialisation, batching and data', default: 1 },
  'data-seed': { kind: 'int', help: 'seed of the generated data (default: 1, shared by all variants)', default: 1 },
  embedding: { kind: 'int', help: 'embedding size', default: DEFAULT_SIZES.embedding },
  hidden: { kind: 'int', help: 'GRU state size', default: DEFAULT_SIZES.hidden },
  alignment: { kind: 'int', help: 'alignment model size', default: DEFAULT_SIZES.alignment },
  maxout: { kind: 'int', help: 'maxout units of the deep output', default: DEFAULT_SIZES.maxout },
  model: { kind: 'int', help: 'transformer: d_model', default: DEFAULT_TRANSFORMER_SIZES.model },
  heads: { kind: 'int', help: 'transformer: attention heads per layer', default: DEFAULT_TRANSFORMER_SIZES.heads },
  layers: { kind: 'int', help: 'transformer: encoder and decoder layers', default: DEFAULT_TRANSFORMER_SIZES.layers },
  ff: { kind: 'int', help: 'transformer: feed-forward inner size', default: DEFAULT_TRANSFORMER_SIZES.ff },
  warmup: { kind: 'int', help: 'learning-rate warm-up steps (default: steps/20, at most 200)' },
  batch: { kind: 'int', help: 'sentence pairs per batch', default: 32 },
  lr: { kind: 'number', help: 'peak learning rate (Adam)' },
  dropout: { kind: 'number', help: 'RNNsearch: dropout rate on the embeddings and the maxout output in training', default: 0 },
  'train-size': { kind: 'int', help: 'generated training pairs (default: per task)' },
  'max-length': { kind: 'int', help: 'longest training source, in tokens (default: per task)' },
  'test-max-length': { kind: 'int', help: 'longest test source (default: per task)' },
  threads: { kind: 'int', help: 'threads for data-parallel gradients (1 = main thread only)', default: 2 },
  dtype: { kind: 'string', help: 'weight precision in the checkpoint', choices: ['F16', 'F32'], default: 'F16' },
  'eval-every': { kind: 'int', help: 'steps between dev evaluations', default: 250 },
  lowercase: { kind: 'boolean', help: 'lower-case TSV text (with --data)' },
  bpe: { kind: 'int', help: 'subword units: BPE merges learned per side from the training split (with --data; 0 = whole words)', default: 0 },
  'bpe-target': { kind: 'int', help: 'BPE merges on the target side (default: --bpe)' },
  'to-simplified': { kind: 'boolean', help: 'convert Traditional Chinese targets to Simplified (OpenCC) before learning' },
  'bleu-tokenizer': { kind: 'string', help: 'sacreBLEU tokenisation of the target for BLEU', choices: ['13a', 'zh'], default: '13a' },
  quiet: { kind: 'boolean', help: 'no progress line' },
} satisfies Record<string, FlagSpec>;

/** Per-task defaults: chosen so each shipped model trains in minutes on two cores. */
const TASK_DEFAULTS: Record<string, { steps: number; train: number; dev: number; test: number; minLength: number; maxLength: number; testMaxLength: number; lr: number }> = {
  'en-fr': { steps: 3000, train: 60000, dev: 400, test: 1200, minLength: 1, maxLength: 60, testMaxLength: 60, lr: 3e-3 },
  dates: { steps: 1500, train: 20000, dev: 300, test: 1000, minLength: 1, maxLength: 40, testMaxLength: 40, lr: 3e-3 },
  reverse: { steps: 1500, train: 20000, dev: 300, test: 1000, minLength: 1, maxLength: 30, testMaxLength: 30, lr: 3e-3 },
  tsv: { steps: 3000, train: 0, dev: 0, test: 0, minLength: 1, maxLength: 256, testMaxLength: 256, lr: 2e-3 },
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv, SPEC);
  if (!args.out) throw new UsageError('--out is required');
  if (!args.task && !args.data) throw new UsageError('give --task or --data');
  if (args.task && args.data) throw new UsageError('give either --task or --data, not both');
  const outDir = resolve(args.out);
  const id = args.id ?? basename(outDir);
  if (args.corpus !== undefined && !/^[a-z0-9-]{1,64}$/.test(args.corpus)) throw new UsageError('--corpus must be 1-64 characters of a-z, 0-9 and -');
  if (!/^[a-z0-9-]{1,64}$/.test(id)) throw new UsageError(`model id ${JSON.stringify(id)} must be 1-64 characters of a-z, 0-9 and -`);
  const defaults = TASK_DEFAULTS[args.task ?? 'tsv'] as (typeof TASK_DEFAULTS)[string];
  const recipe: DataRecipe = args.task
    ? {
        kind: 'task',
        task: args.task as (typeof TASK_IDS)[number],
        seed: args['data-seed'],
        train: args['train-size'] ?? defaults.train,
        dev: defaults.dev,
        test: defaults.test,
        minLength: defaults.minLength,
        maxLength: args['max-length'] ?? defaults.maxLength,
        testMaxLength: args['test-max-length'] ?? defaults.testMaxLength,
      }
    : {
        kind: 'tsv',
        file: resolve(args.data as string),
        lowercase: args.lowercase,
        ...(args.bpe > 0 ? { bpe: { sourceMerges: args.bpe, targetMerges: args['bpe-target'] ?? args.bpe, toSimplified: args['to-simplified'] } } : {}),
      };
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };

  const tData = performance.now();
  const data = buildDataset(recipe);
  for (const w of data.warnings) log(`warning: ${w}`);
  log(`data: ${data.description}; ${data.train.length} train, ${data.dev.length} dev, ${data.test.length} test pairs (${((performance.now() - tData) / 1000).toFixed(1)}s)`);
  const steps = args.steps ?? defaults.steps;
  const threads = Math.max(1, Math.min(args.threads, 8));
  log(`model: ${args.family} ${args.variant}, ${steps} steps of ${args.batch} pairs on ${threads} thread(s)`);
  let model: TrainModelOptions['model'];
  if (args.family === 'transformer') {
    if (!(TRANSFORMER_VARIANTS as readonly string[]).includes(args.variant)) throw new UsageError(`a transformer's --variant is one of ${TRANSFORMER_VARIANTS.join(', ')}`);
    model = { family: 'transformer', variant: args.variant as TransformerVariant, sizes: { model: args.model, heads: args.heads, layers: args.layers, ff: args.ff } };
  } else {
    if (!(VARIANTS as readonly string[]).includes(args.variant)) throw new UsageError(`--variant ${args.variant} is not an RNNsearch attention variant`);
    model = { variant: args.variant as Variant, sizes: { embedding: args.embedding, hidden: args.hidden, alignment: args.alignment, maxout: args.maxout } };
  }
  if (!(args.dropout >= 0 && args.dropout < 1)) throw new UsageError('--dropout must be at least 0 and below 1');
  if (args.dropout > 0 && args.family === 'transformer') throw new UsageError('--dropout is implemented for RNNsearch models only');
  const trained = await trainModel(data, {
    label: id,
    model,
    ...(args.warmup !== undefined ? { warmupSteps: args.warmup } : {}),
    steps,
    batchSize: args.batch,
    lr: args.lr ?? defaults.lr,
    seed: args.seed,
    threads,
    evalEvery: args['eval-every'],
    dropout: args.dropout,
    minCount: recipe.kind === 'tsv' ? 2 : 1,
    quiet: args.quiet,
    ...(data.bpe ? { vocabs: { source: Vocab.fromJSON(data.bpe.source.spec.vocab), target: Vocab.fromJSON(data.bpe.target.spec.vocab) } } : {}),
  });
  const { config, params, srcVocab, tgtVocab } = trained;
  log(`vocabularies ${srcVocab.size}/${tgtVocab.size}; best dev loss ${trained.bestDevLoss.toFixed(4)}`);
  const trainSeconds = trained.seconds;

  log(`evaluating on ${data.test.length} held-out pairs…`);
  const inference = createModel(config, params, srcVocab, tgtVocab);
  const bleuTokenizer = args['bleu-tokenizer'] as BleuTokenizer;
  const result = evaluate(inference, data.test, {
    ...(data.bpe ? { detokenize: (t: readonly string[]) => detokenizePieces(t) } : {}),
    bleuTokenizer,
  });
  const metrics: Record<string, number> = {
    bleu: round(result.bleu, 2),
    exactMatch: round(result.exactMatch, 4),
    tokenAccuracy: round(result.tokenAccuracy, 4),
  };
  if (Number.isFinite(trained.bestDevLoss)) metrics.devLoss = round(trained.bestDevLoss, 4);
  if (result.aer !== null) metrics.aer = round(result.aer, 4);
  if (result.heads) {
    // a Transformer: the best single head or layer mean (the issue's AER target), and which
    const best = result.heads.reduce((a, b) => (b.aer < a.aer ? b : a));
    metrics.aerBestHead = round(best.aer, 4);
    log(`AER per head: ${result.heads.map((h) => `${h.layer + 1}.${h.head === 'mean' ? 'mean' : h.head + 1} ${h.aer.toFixed(3)}`).join(', ')}`);
  }
  if (result.entropy !== null) metrics.entropy = round(result.entropy, 4);
  if (data.bpe) metrics.testPairs = data.test.length;
  for (const b of result.byLength) if (b.bleu !== null) metrics[`bleu_${b.bucket}`] = round(b.bleu, 2);
  const command = `npm run train -- ${argv.map(shellQuote).join(' ')}`;
  const { manifest, weights, files } = await saveModel({
    id,
    ...(args.title ? { title: args.title } : {}),
    task: args.task ?? args.corpus ?? 'custom',
    config,
    params,
    srcVocab,
    tgtVocab,
    tokenizer: data.tokenizer,
    ...(data.bpe ? { bpe: data.bpe } : {}),
    dtype: args.dtype as 'F16' | 'F32',
    training: {
      command,
      seconds: Math.round(trainSeconds),
      steps: trained.steps,
      seed: args.seed,
      data: data.description,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      metrics,
      batchSize: args.batch,
      learningRate: args.lr ?? defaults.lr,
      ...(args.dropout > 0 ? { dropout: args.dropout } : {}),
      threads,
      guardTrips: trained.guardTrips,
      bleuTokenizer,
      ...(data.fileSha256 ? { dataSha256: data.fileSha256 } : {}),
      ...recipeToRecord(recipe),
    },
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, manifest.weights.file), weights);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(outDir, name), bytes);
  writeFileSync(join(outDir, 'manifest.json'), `${serializeManifest(manifest)}\n`);
  log(
    `trained in ${formatDuration(trainSeconds)}; test BLEU ${result.bleu.toFixed(2)}, exact match ${(100 * result.exactMatch).toFixed(1)}%` +
      (result.aer !== null ? `, AER ${result.aer.toFixed(3)}` : '') +
      `\nwrote ${join(outDir, 'manifest.json')} and ${manifest.weights.file} (${(weights.byteLength / 1024).toFixed(0)} KiB)`,
  );
}


function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

runCli(main, 'npm run train --', SPEC);
