// npm run fixtures:parity
//
// Writes the fixtures of the PyTorch twin's parity tests (README, "PyTorch twin"): for every
// RNNsearch attention variant a tiny random model (seeded; every parameter, biases included, made
// non-zero so that a layout mistake shows), saved with the app's own saveModel as
// python/tests/fixtures/parity-<variant>/ (F32; additive also as F16), and
// python/tests/fixtures/reference.json with what the TypeScript model computes on them after
// loadModel: per sentence, forced and greedy decoding (per step log-probabilities, scores e,
// weights α, contexts c, tokens), and the training forward on a padded batch (logits, loss).
// The script is deterministic: running it again rewrites the same bytes.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EOS_ID, Vocab } from '../src/data/vocab';
import { makeBatch, type PairIds } from '../src/model/batch';
import { saveModel } from '../src/model/bundle';
import { serializeManifest } from '../src/model/checkpoint';
import type { SafetensorsDType } from '../src/model/checkpoint/safetensors';
import { VARIANTS, type ModelSizes, type RnnConfig, type RnnVariant } from '../src/model/config';
import { forwardLoss } from '../src/model/forward';
import { InferenceModel } from '../src/model/inference';
import { loadModel } from '../src/model/bundle';
import { initParams } from '../src/model/params';
import type { Trace } from '../src/model/trace';
import { Rng } from '../src/tensor';

const OUT = resolve(import.meta.dirname, '..', 'python', 'tests', 'fixtures');
const SIZES: ModelSizes = { embedding: 5, hidden: 6, alignment: 4, maxout: 3 };
const SRC_WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', '.'];
const TGT_WORDS = ['le', 'chat', 'assis', 'sur', 'un', 'tapis', 'chien', 'courait', '.', 'la'];
/** (source length, target length) of the sentences, </s> not counted. */
const LENGTHS: Array<[number, number]> = [
  [4, 5],
  [7, 6],
  [1, 2],
];
/** Greedy decoding stops at </s> or after this many tokens (keeps the fixture small). */
const GREEDY_MAX = 10;
/** Significant digits written (float32 needs 9 for an exact round trip; the tests allow 1e-4). */
const DIGITS = 8;

const srcVocab = Vocab.build([SRC_WORDS]);
const tgtVocab = Vocab.build([TGT_WORDS]);

function num(x: number): number {
  return Number(x.toPrecision(DIGITS));
}

function vec(v: ArrayLike<number> | null): number[] | null {
  return v ? Array.from(v, num) : null;
}

/** What the tests compare of a decoding: tokens and, per step, log p over the vocabulary, e, α, c. */
function decoding(trace: Trace, V: number): Record<string, unknown> {
  return {
    tokens: Array.from(trace.targetIds),
    finished: trace.finished,
    steps: trace.steps.map((s) => {
      // topK = V: every token's probability, most probable first; back to log p by id
      const logProbs = new Array<number>(V).fill(0);
      for (const e of s.topK) logProbs[e.id] = num(Math.log(e.prob));
      return { logProbs, scores: vec(s.scores), weights: vec(s.weights), context: vec(s.context) };
    }),
  };
}

function pairs(seed: number): PairIds[] {
  const rng = new Rng(seed);
  return LENGTHS.map(([sx, ty]) => ({
    source: Int32Array.from({ length: sx }, () => 4 + rng.int(srcVocab.size - 4)),
    target: Int32Array.from({ length: ty }, () => 4 + rng.int(tgtVocab.size - 4)),
  }));
}

async function fixture(variant: RnnVariant, dtype: SafetensorsDType, seed: number, sentences: PairIds[]): Promise<Record<string, unknown>> {
  const id = `parity-${variant}${dtype === 'F16' ? '-f16' : ''}`;
  const config: RnnConfig = { variant, sizes: SIZES, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1.3 };
  const params = initParams(config, seed, 'float32');
  // every value non-zero and of a size that moves the outputs: biases start at zero, v_a small
  const rng = new Rng(seed + 1000);
  for (const p of params.list) for (let k = 0; k < p.size; k++) p.data[k] = (p.data[k] as number) + rng.uniform(-0.3, 0.3);
  const saved = await saveModel({
    id,
    task: 'parity',
    config,
    params,
    srcVocab,
    tgtVocab,
    tokenizer: { level: 'word', lowercase: false },
    training: { command: 'npm run fixtures:parity', seconds: 0, steps: 0, seed, data: 'random initialisation', date: '2026-01-01T00:00:00Z' },
    dtype,
  });
  const dir = join(OUT, id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, saved.manifest.weights.file), saved.weights);
  writeFileSync(join(dir, 'manifest.json'), `${serializeManifest(saved.manifest)}\n`);

  // the reference: what the app computes on the checkpoint as loaded (F16 weights rounded)
  const loaded = await loadModel(JSON.parse(JSON.stringify(saved.manifest)), saved.weights);
  const model = loaded.inference as InferenceModel;
  const V = config.tgtVocabSize;
  const perSentence = sentences.map((pair) => {
    const enc = model.encodeIds(Int32Array.from([...pair.source, EOS_ID]));
    return {
      source: [...pair.source, EOS_ID],
      target: Array.from(pair.target),
      forced: decoding(model.forced(enc, pair.target, { topK: V }), V),
      greedy: decoding(model.greedy(enc, { topK: V, maxLength: GREEDY_MAX }), V),
    };
  });
  // the training forward on the same sentences as one padded batch
  const batch = makeBatch(sentences);
  const fw = forwardLoss(loaded.params, config, batch);
  return {
    id,
    variant,
    dtype,
    greedyMaxLength: GREEDY_MAX,
    sentences: perSentence,
    batch: {
      size: batch.size,
      srcLen: batch.srcLen,
      tgtLen: batch.tgtLen,
      srcIds: Array.from(batch.srcIds),
      srcLengths: Array.from(batch.srcLengths),
      tgtIn: Array.from(batch.tgtIn),
      tgtOut: Array.from(batch.tgtOut),
      tgtLengths: Array.from(batch.tgtLengths),
      logits: Array.from(fw.logits.data, num),
      loss: num(fw.loss.data[0] as number),
    },
  };
}

async function main(): Promise<void> {
  const sentences = pairs(11);
  const models: Record<string, unknown>[] = [];
  let seed = 21;
  for (const variant of VARIANTS) models.push(await fixture(variant, 'F32', seed++, sentences));
  models.push(await fixture('additive', 'F16', seed++, sentences));
  const reference = {
    about: 'Written by `npm run fixtures:parity` (scripts/parityFixtures.ts): outputs of the TypeScript model on the checkpoints beside this file.',
    layout: 'batch.srcIds, tgtIn, tgtOut: time-major [T, B]; batch.logits: [tgtLen·B, V] time-major; forced/greedy steps: logProbs [V], scores e [Tx] (null for none, diagonal), weights α [Tx] (null for none), context c [2H].',
    sizes: SIZES,
    models,
  };
  writeFileSync(join(OUT, 'reference.json'), `${JSON.stringify(reference)}\n`);
  console.log(`wrote ${models.length} checkpoints and reference.json to ${OUT}`);
}

await main();
