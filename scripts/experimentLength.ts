// npm run experiment:length [-- --steps N --train-size N --seed S --threads T]
//
// The paper's Figure 2 on our en-fr task: RNNencdec (`none`, one fixed context vector) and
// RNNsearch (`additive`) trained with the same sizes, data and step budget on sources of at most
// 30 tokens, then evaluated on held-out sentences up to 60 tokens. Writes
// docs/length-experiment.json and docs/length-experiment.svg and prints the table.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SIZES, type Variant } from '../src/model/config';
import { createModel } from '../src/model/family';
import { parseArgs, runCli, type FlagSpec } from './lib/args';
import { buildDataset, type DataRecipe } from './lib/data';
import { evaluate, type EvalResult } from './lib/evaluate';
import { formatDuration } from './lib/progress';
import { trainModel } from './lib/trainModel';

const SPEC = {
  steps: { kind: 'int', help: 'training steps per model', default: 2000 },
  'train-size': { kind: 'int', help: 'training pairs (sources ≤ 30 tokens)', default: 40000 },
  'test-size': { kind: 'int', help: 'test pairs, spread over the length buckets up to 60', default: 600 },
  seed: { kind: 'int', help: 'seed', default: 1 },
  threads: { kind: 'int', help: 'threads per training run', default: 2 },
  batch: { kind: 'int', help: 'batch size', default: 32 },
  lr: { kind: 'number', help: 'peak learning rate', default: 3e-3 },
  out: { kind: 'string', help: 'output folder', default: 'docs' },
  'chart-only': { kind: 'boolean', help: 'redraw the SVG from the JSON already in --out (no training)' },
} satisfies Record<string, FlagSpec>;

const VARIANTS_COMPARED: Variant[] = ['none', 'additive'];

interface Row {
  variant: Variant;
  seconds: number;
  result: EvalResult;
}

/** A small line chart of BLEU by source length, as standalone SVG text. */
export function chartSvg(rows: readonly Row[], title: string): string {
  const W = 720;
  const H = 400;
  const m = { left: 60, right: 200, top: 50, bottom: 60 };
  const buckets = (rows[0]?.result.byLength ?? []).filter((b) => b.count > 0).map((b) => b.bucket);
  const x = (k: number): number => m.left + ((W - m.left - m.right) * (k + 0.5)) / Math.max(buckets.length, 1);
  const y = (v: number): number => m.top + (H - m.top - m.bottom) * (1 - v / 100);
  const colours: Record<string, string> = { none: '#b5651d', additive: '#1f5fa8' };
  const names: Record<string, string> = { none: 'RNNencdec (no attention)', additive: 'RNNsearch (additive)' };
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="13">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${W / 2 - m.right / 2 + m.left / 2}" y="28" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`);
  for (let v = 0; v <= 100; v += 20) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#444">${v}</text>`);
  }
  buckets.forEach((b, k) => parts.push(`<text x="${x(k)}" y="${H - m.bottom + 20}" text-anchor="middle" fill="#444">${b}</text>`));
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" text-anchor="middle">source sentence length (tokens)</text>`);
  parts.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">BLEU</text>`);
  rows.forEach((row, r) => {
    const colour = colours[row.variant] ?? '#333';
    const pts = row.result.byLength.filter((b) => b.count > 0).map((b, k) => [x(k), y(b.bleu ?? 0)] as const);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of pts) parts.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="4" fill="${colour}"/>`);
    const ly = m.top + 10 + r * 22;
    parts.push(`<line x1="${W - m.right + 12}" x2="${W - m.right + 34}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`);
    parts.push(`<text x="${W - m.right + 40}" y="${ly + 4}" font-size="11">${esc(names[row.variant] ?? row.variant)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args['chart-only']) {
    const record = JSON.parse(readFileSync(resolve(args.out, 'length-experiment.json'), 'utf8')) as { results: Array<{ variant: Variant; trainSeconds: number; byLength: EvalResult['byLength'] }> };
    const rows = record.results.map((r) => ({ variant: r.variant, seconds: r.trainSeconds, result: { byLength: r.byLength } as EvalResult }));
    writeFileSync(resolve(args.out, 'length-experiment.svg'), `${chartSvg(rows, 'BLEU by source length: trained on ≤ 30 tokens')}\n`);
    process.stdout.write(`redrew ${resolve(args.out, 'length-experiment.svg')}\n`);
    return;
  }
  const recipe: DataRecipe = {
    kind: 'task',
    task: 'en-fr',
    seed: args.seed,
    train: args['train-size'],
    dev: 300,
    test: args['test-size'],
    minLength: 1,
    maxLength: 30,
    testMaxLength: 60,
  };
  const data = buildDataset(recipe);
  process.stderr.write(`data: ${data.description}\n`);
  const rows: Row[] = [];
  for (const variant of VARIANTS_COMPARED) {
    const trained = await trainModel(data, {
      label: variant,
      model: { variant, sizes: DEFAULT_SIZES },
      steps: args.steps,
      batchSize: args.batch,
      lr: args.lr,
      seed: args.seed,
      threads: args.threads,
      evalEvery: 250,
      minCount: 1,
    });
    const inference = createModel(trained.config, trained.params, trained.srcVocab, trained.tgtVocab);
    const result = evaluate(inference, data.test);
    rows.push({ variant, seconds: trained.seconds, result });
    process.stderr.write(`${variant}: trained in ${formatDuration(trained.seconds)}, test BLEU ${result.bleu.toFixed(2)}\n`);
  }
  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const record = {
    experiment: 'BLEU by source length (Bahdanau et al. 2014, figure 2), en-fr task',
    command: `npm run experiment:length -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    settings: { sizes: DEFAULT_SIZES, steps: args.steps, batchSize: args.batch, lr: args.lr, seed: args.seed, trainMaxLength: 30, testMaxLength: 60, data: data.description },
    results: rows.map((r) => ({
      variant: r.variant,
      trainSeconds: Math.round(r.seconds),
      bleu: r.result.bleu,
      exactMatch: r.result.exactMatch,
      aer: r.result.aer,
      byLength: r.result.byLength,
    })),
  };
  writeFileSync(resolve(outDir, 'length-experiment.json'), `${JSON.stringify(record, null, 2)}\n`);
  // the page's "Sentence length" view reads the same record
  const publicDir = resolve('public/experiments');
  mkdirSync(publicDir, { recursive: true });
  writeFileSync(resolve(publicDir, 'length.json'), `${JSON.stringify(record)}\n`);
  writeFileSync(resolve(outDir, 'length-experiment.svg'), `${chartSvg(rows, 'BLEU by source length: trained on ≤ 30 tokens')}\n`);
  const buckets = rows[0]?.result.byLength ?? [];
  const lines = ['bucket   count  ' + rows.map((r) => r.variant.padStart(10)).join('')];
  buckets.forEach((b, k) => {
    lines.push(`${b.bucket.padEnd(8)} ${String(b.count).padStart(6)}  ` + rows.map((r) => (r.result.byLength[k]?.bleu ?? NaN).toFixed(2).padStart(10)).join(''));
  });
  lines.push(`${'all'.padEnd(8)} ${String(rows[0]?.result.count ?? 0).padStart(6)}  ` + rows.map((r) => r.result.bleu.toFixed(2).padStart(10)).join(''));
  process.stdout.write(`${lines.join('\n')}\nwrote ${outDir}/length-experiment.json and .svg, and public/experiments/length.json\n`);
}

runCli(main, 'npm run experiment:length --', SPEC);
