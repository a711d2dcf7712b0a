// npm run checkpoint:synthetic -- --out DIR [--embedding 620 --hidden 1000 --alignment 1000
//                                 --maxout 500 --vocab 30000 --seed 1]
//
// Writes an untrained RNNsearch checkpoint of the paper's size (RNNsearch-50 of Bahdanau et al.
// 2014: 620-dimensional embeddings, 1000 hidden units, 30,000-word vocabularies; about 77 million
// parameters, 155 MB in float16) with random weights: what the page must open and stay responsive
// with (docs/ARCHITECTURE.md, "Large models"). Its vocabularies are word-level: everyday English
// and French words first (so a typed sentence has few unknown words), then numbered fillers up to
// the size asked for. The page bench writes one into the build to measure opening and typing.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { saveModel } from '../src/model/bundle';
import { serializeManifest } from '../src/model/checkpoint';
import type { ModelConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import { SPECIAL_TOKENS, Vocab } from '../src/data/vocab';
import { parseArgs, runCli, UsageError, type FlagSpec } from './lib/args';

const SPEC = {
  out: { kind: 'string', help: 'output folder (manifest.json + model.safetensors)' },
  id: { kind: 'string', help: 'model id (default: the folder name)' },
  embedding: { kind: 'int', help: 'embedding size', default: 620 },
  hidden: { kind: 'int', help: 'GRU state size', default: 1000 },
  alignment: { kind: 'int', help: 'alignment model size', default: 1000 },
  maxout: { kind: 'int', help: 'maxout units', default: 500 },
  vocab: { kind: 'int', help: 'words per side, specials included', default: 30000 },
  seed: { kind: 'int', help: 'seed of the random weights', default: 1 },
} satisfies Record<string, FlagSpec>;

const ENGLISH =
  'the a an i you he she it we they my your his her our their this that these those is are was were be been am do does did have has had not no yes and or but if then so because of to in on at by for with from about into over under after before up down out off again very really just still also too more most some any all each every one two three four five six seven eight nine ten cat dog house car book city man woman child time day night year week today tomorrow yesterday here there where when what who why how miss love like want need think know see go come eat drink sleep work play read write speak talk say tell ask give take make help find look hear feel live stay leave black white red big small good bad new old happy sad hungry tired sofa table door window water food friend family mother father brother sister school train station . , ? ! \'s n\'t'.split(' ');
const FRENCH =
  'le la les un une je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses est sont était être ai as a avons avez ont ne pas et ou mais si de du des à au aux dans sur sous avec pour par chat chien maison voiture livre ville homme femme enfant temps jour nuit an semaine aujourd\'hui demain hier ici là où quand quoi qui pourquoi comment manque aime veux pense sais vois vais viens mange bois dors travaille noir blanc rouge grand petit bon mauvais nouveau vieux heureux triste faim fatigué canapé table porte fenêtre eau ami famille mère père frère sœur école train gare . , ? !'.split(' ');

function vocabOf(words: readonly string[], size: number): Vocab {
  const list: string[] = [...SPECIAL_TOKENS];
  for (const w of new Set(words)) if (!list.includes(w)) list.push(w);
  for (let k = 0; list.length < size; k++) list.push(`w${k}`);
  return Vocab.fromJSON(list.slice(0, size));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (!args.out) throw new UsageError('--out is required');
  const out = resolve(args.out);
  const id = args.id ?? out.split('/').pop() ?? 'synthetic';
  const srcVocab = vocabOf(ENGLISH, args.vocab);
  const tgtVocab = vocabOf(FRENCH, args.vocab);
  const config: ModelConfig = {
    variant: 'additive',
    sizes: { embedding: args.embedding, hidden: args.hidden, alignment: args.alignment, maxout: args.maxout },
    srcVocabSize: srcVocab.size,
    tgtVocabSize: tgtVocab.size,
    lengthRatio: 1.2,
  };
  const t0 = Date.now();
  const params = initParams(config, args.seed, 'float32');
  const count = params.list.reduce((n, p) => n + p.data.length, 0);
  const { manifest, weights } = await saveModel({
    id,
    title: `Paper-sized RNNsearch, untrained (${(count / 1e6).toFixed(0)}M parameters, synthetic)`,
    task: 'synthetic',
    config,
    params,
    srcVocab,
    tgtVocab,
    tokenizer: { level: 'word', lowercase: true },
    training: { command: `npm run checkpoint:synthetic -- ${process.argv.slice(2).join(' ')}`, seconds: 0, steps: 0, seed: args.seed, data: 'none (random weights)', date: new Date().toISOString() },
    dtype: 'F16',
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'manifest.json'), serializeManifest(manifest));
  writeFileSync(join(out, manifest.weights.file), weights);
  console.log(`${id}: ${count.toLocaleString('en-US')} parameters, ${(weights.byteLength / 2 ** 20).toFixed(1)} MiB (float16), written to ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

runCli(main, 'npm run checkpoint:synthetic --', SPEC);
