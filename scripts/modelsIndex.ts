// npm run models:index — write public/models/index.json from the manifests found under
// public/models/*/ (validated), so the page's model picker lists exactly what ships.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseManifest } from '../src/model/checkpoint';
import { ALL_VARIANTS, type Variant } from '../src/model/config';
import { runCli } from './lib/args';

const TASK_ORDER = ['tatoeba-en-fr', 'tatoeba-en-zh', 'en-fr', 'dates', 'reverse'];

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'public/models');
  const models = [];
  for (const name of readdirSync(dir)) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    const raw: unknown = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    // memory networks answer questions, not translate: the memory page lists them (src/store/memory.ts)
    if ((raw as { family?: unknown } | null)?.family === 'memn2n') continue;
    const manifest = parseManifest(raw);
    if (manifest.id !== name) throw new Error(`${folder}: manifest id ${manifest.id} differs from the folder name`);
    const bytes = statSync(join(folder, manifest.weights.file)).size;
    if (bytes !== manifest.weights.byteLength) throw new Error(`${folder}: weights are ${bytes} bytes, the manifest says ${manifest.weights.byteLength}`);
    const m = manifest.training.metrics ?? {};
    models.push({
      id: manifest.id,
      task: manifest.task,
      ...(manifest.family === 'transformer' ? { family: 'transformer' } : {}),
      variant: manifest.variant,
      title: manifest.title ?? manifest.id,
      metrics: { bleu: m.bleu, aer: m.aer, exactMatch: m.exactMatch },
      bytes: bytes + statSync(join(folder, 'manifest.json')).size + Object.values(manifest.tokenizer.files ?? {}).reduce((n, f) => n + statSync(join(folder, f.file)).size, 0),
    });
  }
  const rank = (t: string): number => (TASK_ORDER.includes(t) ? TASK_ORDER.indexOf(t) : TASK_ORDER.length);
  // RNNsearch's variants first, then the Transformers
  const order = (m: { family?: string; variant: Variant }): number => (m.family === 'transformer' ? ALL_VARIANTS.length : 0) + ALL_VARIANTS.indexOf(m.variant);
  models.sort((a, b) => rank(a.task) - rank(b.task) || order(a) - order(b));
  writeFileSync(join(dir, 'index.json'), `${JSON.stringify({ models }, null, 2)}\n`);
  const total = models.reduce((s, m) => s + m.bytes, 0);
  process.stdout.write(`${models.length} models, ${(total / 1024 / 1024).toFixed(2)} MiB in all → ${join(dir, 'index.json')}\n`);
}

runCli(main, 'npm run models:index --', {});
