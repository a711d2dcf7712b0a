// npm run eval -- --model public/models/<id> [--json] [--beam K] [--data pairs.tsv] [--limit N]
//
// Loads a checkpoint (validated like the page does), rebuilds the held-out test set recorded in
// its manifest, decodes it and prints BLEU, exact match, AER, attention entropy and BLEU by
// source length. With --json: one JSON object on stdout.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel } from '../src/model/bundle';
import { parseArgs, runCli, UsageError, type FlagSpec } from './lib/args';
import { buildDataset, recipeFromRecord, type DataRecipe } from './lib/data';
import { evaluate, type EvalResult } from './lib/evaluate';
import { bpeTestSet, sha256Hex } from './lib/data';
import type { BleuTokenizer } from '../src/data/metrics';
import { parseManifest, type Manifest } from '../src/model/checkpoint';

const SPEC = {
  model: { kind: 'string', help: 'checkpoint folder (manifest.json + weights)' },
  json: { kind: 'boolean', help: 'print one JSON object on stdout' },
  beam: { kind: 'int', help: 'beam width (default 1: greedy)', default: 1 },
  data: { kind: 'string', help: 'evaluate on the test split of this TSV (for models trained with --data)' },
  limit: { kind: 'int', help: 'evaluate on at most this many test pairs' },
} satisfies Record<string, FlagSpec>;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (!args.model) throw new UsageError('--model is required');
  const dir = resolve(args.model);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${join(dir, 'manifest.json')}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const file = (manifestJson as { weights?: { file?: unknown } })?.weights?.file;
  const weightsPath = join(dir, typeof file === 'string' && /^[\w.-]+$/.test(file) ? file : 'model.safetensors');
  const model = await loadModel(manifestJson, new Uint8Array(readFileSync(weightsPath)), readTokenizerFiles(dir, manifestJson));
  const { manifest } = model;

  const training = manifest.training as Record<string, unknown>;
  if (args.data && typeof training.dataSha256 === 'string') {
    const sha = sha256Hex(new Uint8Array(readFileSync(resolve(args.data))));
    if (sha !== training.dataSha256) {
      throw new UsageError(
        `${args.data} is not the file ${manifest.id} was trained on: its SHA-256 is ${sha}, the manifest records ${training.dataSha256}` +
          `${typeof training.dataFile === 'string' ? ` (${training.dataFile})` : ''}. A different file would mix training sentences into the test set.`,
      );
    }
  }
  if (manifest.tokenizer.level === 'bpe') {
    if (!args.data) throw new UsageError(`${manifest.id} was trained on ${typeof training.dataFile === 'string' ? training.dataFile : 'a TSV file'}; pass it with --data`);
    const { test: all } = bpeTestSet(resolve(args.data), model.codecs, training.toSimplified === true);
    const test = args.limit ? all.slice(0, args.limit) : all;
    const bleuTokenizer: BleuTokenizer = training.bleuTokenizer === 'zh' ? 'zh' : '13a';
    const result = evaluate(model.inference, test, { beam: args.beam, detokenize: (t) => model.codecs.target.detokenize(t), bleuTokenizer });
    report(manifest, result, args.beam, `${test.length} held-out pairs of ${args.data} (BLEU tokenisation ${bleuTokenizer})`, args.json);
    return;
  }
  let recipe: DataRecipe | null;
  if (args.data) recipe = { kind: 'tsv', file: resolve(args.data), lowercase: manifest.tokenizer.lowercase };
  else recipe = recipeFromRecord(manifest.training as Record<string, unknown>);
  if (!recipe) throw new UsageError(`the manifest of ${manifest.id} does not say how its data was made; pass --data with the TSV it was trained on`);
  const data = buildDataset(recipe);
  const test = args.limit ? data.test.slice(0, args.limit) : data.test;
  const tty = process.stderr.isTTY && !args.json;
  const result = evaluate(model.inference, test, {
    beam: args.beam,
    onProgress: (done, total) => {
      if (tty && (done % 25 === 0 || done === total)) process.stderr.write(`\r\x1b[2Kdecoding ${done}/${total}`);
    },
  });
  if (tty) process.stderr.write('\n');
  report(manifest, result, args.beam, `${result.count} (${data.description})`, args.json);
}

/** The tokenizer.json files a subword manifest names (validated names; loadModel checks the bytes). */
function readTokenizerFiles(dir: string, manifest: unknown): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const record of Object.values(parseManifest(manifest).tokenizer.files ?? {})) {
    try {
      files[record.file] = new Uint8Array(readFileSync(join(dir, record.file)));
    } catch {
      // missing: loadModel names it
    }
  }
  return files;
}

function report(manifest: Manifest, result: EvalResult, beam: number, what: string, json: boolean | undefined): void {
  const args = { beam, json };
  if (args.json) {
    const out = {
      model: manifest.id,
      variant: manifest.variant,
      task: manifest.task,
      decoding: args.beam > 1 ? `beam ${args.beam}` : 'greedy',
      count: result.count,
      bleu: result.bleu,
      exactMatch: result.exactMatch,
      tokenAccuracy: result.tokenAccuracy,
      aer: result.aer,
      ...(result.heads ? { heads: result.heads } : {}),
      entropy: result.entropy,
      byLength: result.byLength.map((b) => ({ bucket: b.bucket, bleu: b.bleu, count: b.count })),
      seconds: result.seconds,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const lines = [
    `model        ${manifest.id} (${manifest.variant}, task ${manifest.task})`,
    `test pairs   ${what}`,
    `decoding     ${args.beam > 1 ? `beam ${args.beam}` : 'greedy'}`,
    `BLEU         ${result.bleu.toFixed(2)}`,
    `exact match  ${pct(result.exactMatch)}`,
    `token acc.   ${pct(result.tokenAccuracy)}`,
    `AER          ${result.aer === null ? 'n/a (no gold alignments or no attention)' : result.aer.toFixed(4)}`,
    `entropy      ${result.entropy === null ? 'n/a' : `${result.entropy.toFixed(3)} nats per step`}`,
    ...(result.heads ? ['', 'AER per cross-attention head (layer.head; "mean": the layer’s head average)', ...result.heads.map((h) => `  ${h.layer + 1}.${h.head === 'mean' ? 'mean' : h.head + 1}`.padEnd(12) + h.aer.toFixed(4))] : []),
    '',
    'BLEU by source length',
    '  bucket   count   BLEU',
    ...result.byLength.map((b) => `  ${b.bucket.padEnd(7)} ${String(b.count).padStart(6)}   ${b.bleu === null ? '   -' : b.bleu.toFixed(2).padStart(6)}`),
    '',
    `(${result.seconds.toFixed(1)}s)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

runCli(main, 'npm run eval --', SPEC);
