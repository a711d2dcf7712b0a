// Subword checkpoints (manifest + weights + two tokenizer.json files) and the word view of their
// traces: rows still sum to 1, the context shares stay exact, edits of a bad file are refused.

import { describe, expect, it } from 'vitest';
import { learnBpe, type BpeTokenizer } from '../../src/data/bpe';
import { Vocab } from '../../src/data/vocab';
import { loadModel, saveModel, type LoadedModel } from '../../src/model/bundle';
import { BPE_FILES, CheckpointError } from '../../src/model/checkpoint';
import type { RnnConfig, Variant } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { wordTrace } from '../../src/model/wordTrace';
import { analyse } from '../../src/model/analysis';

const EN = ['I think my cat is hungry.', 'I miss you.', 'The cat is under the table.', "I don't like coffee.", 'My cat died yesterday.'];
const FR = ['Je pense que mon chat a faim.', 'Tu me manques.', 'Le chat est sous la table.', "Je n'aime pas le café.", 'Mon chat est mort hier.'];

const source = learnBpe(EN.concat(EN), { merges: 40 });
const target = learnBpe(FR.concat(FR), { merges: 40 });

async function build(variant: Variant = 'additive', bpe: { source: BpeTokenizer; target: BpeTokenizer } = { source, target }) {
  const srcVocab = Vocab.fromJSON(bpe.source.spec.vocab);
  const tgtVocab = Vocab.fromJSON(bpe.target.spec.vocab);
  const config: RnnConfig = { variant, sizes: { embedding: 6, hidden: 8, alignment: 5, maxout: 4 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1.2 };
  const params = initParams(config, 3, 'float32');
  return saveModel({
    id: 'tiny-bpe',
    task: 'custom',
    config,
    params,
    srcVocab,
    tgtVocab,
    tokenizer: { level: 'bpe', lowercase: false },
    bpe,
    dtype: 'F32',
    training: { command: 'test', seconds: 0, steps: 0, seed: 3, data: 'test', date: '2026-12-03T00:00:00Z' },
  });
}

describe('subword checkpoints', () => {
  it('write both tokenizer.json files with their SHA-256 in the manifest, and load back', async () => {
    const saved = await build();
    expect(Object.keys(saved.files).sort()).toEqual([BPE_FILES.source, BPE_FILES.target].sort());
    expect(saved.manifest.tokenizer.level).toBe('bpe');
    expect(saved.manifest.tokenizer.files?.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    const model = await loadModel(JSON.parse(JSON.stringify(saved.manifest)), saved.weights, saved.files);
    expect(model.codecs.source.subword).toBe(true);
    expect(model.codecs.source.tokenize('I miss you.')).toEqual(source.encode('I miss you.').tokens);
    // no unknown units, whatever is typed
    const a = analyse({ model, source: 'Ω naïve 猫 👩‍👩‍👧 qwxz', target: '', decoding: 'greedy', beamWidth: 4, edits: new Map(), units: 'pieces' });
    expect(a.trace?.sourceUnknown.some(Boolean)).toBe(false);
  });

  it('refuses a missing, corrupt, swapped or mismatched tokenizer file with a clear error', async () => {
    const saved = await build();
    const manifest = JSON.parse(JSON.stringify(saved.manifest)) as unknown;
    const { [BPE_FILES.target]: tgt, ...onlySource } = saved.files;
    await expect(loadModel(manifest, saved.weights, onlySource)).rejects.toThrow(/target tokenizer file .* is missing/);
    const corrupt = { ...saved.files, [BPE_FILES.target]: (tgt as Uint8Array).slice(0, -3) };
    await expect(loadModel(manifest, saved.weights, corrupt)).rejects.toThrow(/SHA-256/);
    const swapped = { [BPE_FILES.source]: saved.files[BPE_FILES.target] as Uint8Array, [BPE_FILES.target]: saved.files[BPE_FILES.source] as Uint8Array };
    await expect(loadModel(manifest, saved.weights, swapped)).rejects.toBeInstanceOf(CheckpointError);
    // a manifest that points the tokenizer at the manifest itself or outside the folder
    const hostile = JSON.parse(JSON.stringify(saved.manifest)) as { tokenizer: { files: { source: { file: string } } } };
    hostile.tokenizer.files.source.file = '../../etc/passwd';
    await expect(loadModel(hostile, saved.weights, saved.files)).rejects.toThrow(/plain file name/);
    // a bpe manifest without its files
    const bare = JSON.parse(JSON.stringify(saved.manifest)) as { tokenizer: Record<string, unknown> };
    delete bare.tokenizer.files;
    await expect(loadModel(bare, saved.weights, saved.files)).rejects.toThrow(/manifest.tokenizer.files/);
  });

  it('refuses a tokenizer whose vocabulary differs from the manifest', async () => {
    const other = learnBpe(FR.concat(FR), { merges: 10 });
    const saved = await build('additive', { source, target });
    const otherSaved = await build('additive', { source, target: other });
    const files = { ...saved.files, [BPE_FILES.target]: otherSaved.files[BPE_FILES.target] as Uint8Array };
    const manifest = JSON.parse(JSON.stringify(saved.manifest)) as { tokenizer: { files: { target: { sha256: string } } } };
    manifest.tokenizer.files.target.sha256 = otherSaved.manifest.tokenizer.files?.target.sha256 as string;
    await expect(loadModel(manifest, saved.weights, files)).rejects.toThrow(/differs from manifest.vocab.target/);
  });
});

describe('the word view', () => {
  let model: LoadedModel;
  const load = async (variant: Variant): Promise<LoadedModel> => {
    const saved = await build(variant);
    return loadModel(JSON.parse(JSON.stringify(saved.manifest)), saved.weights, saved.files);
  };

  for (const variant of ['additive', 'scaled-dot', 'dot'] as const) {
    it(`${variant}: rows sum to 1, source words sum their pieces, target words average theirs`, async () => {
      model = await load(variant);
      const a = analyse({ model, source: 'I think my cat is hungry.', target: "Je n'aime pas le café.", decoding: 'greedy', beamWidth: 4, edits: new Map(), units: 'words' });
      const pieces = a.pieces;
      const words = a.trace;
      expect(a.units).toBe('words');
      if (!pieces || !words?.spans) throw new Error('no trace');
      const { source: sg, target: tg } = words.spans;
      expect(words.sourceTokens).toEqual(['I', 'think', 'my', 'cat', 'is', 'hungry', '.', '</s>']);
      expect(words.targetTokens.slice(0, 4)).toEqual(['Je', "n'aime", 'pas', 'le']);
      expect(words.steps.length).toBe(tg.words.length);
      for (const [w, step] of words.steps.entries()) {
        let sum = 0;
        for (const v of step.weights as Float64Array) sum += v;
        expect(sum).toBeCloseTo(1, 6); // float32 weights
        // source: sum over pieces; target: mean over pieces
        const first = tg.firstPiece[w] as number;
        const last = tg.lastPiece[w] as number;
        for (let j = 0; j < sg.words.length; j++) {
          let expected = 0;
          for (let i = first; i <= last; i++) {
            for (let p = sg.firstPiece[j] as number; p <= (sg.lastPiece[j] as number); p++) expected += (pieces.steps[i]?.weights?.[p] as number) / (last - first + 1);
          }
          expect(step.weights?.[j]).toBeCloseTo(expected, 6);
        }
        // the context shares add up to the (mean) context vector exactly
        const H2 = 2 * words.hidden;
        if (variant !== 'scaled-dot') {
          for (let k = 0; k < H2; k++) {
            let s = 0;
            for (let j = 0; j < sg.words.length; j++) s += step.contributions?.[j * H2 + k] as number;
            expect(s).toBeCloseTo(step.context[k] as number, 5);
          }
        }
        // the word's log-probability is the sum over its pieces
        let lp = 0;
        for (let i = first; i <= last; i++) lp += pieces.steps[i]?.token.logProb as number;
        expect(step.token.logProb).toBeCloseTo(lp, 6);
      }
    });
  }

  it('softmax of the aggregated scores gives the summed weights (one target piece per word)', async () => {
    model = await load('additive');
    const a = analyse({ model, source: 'The cat is under the table.', target: '', decoding: 'greedy', beamWidth: 4, edits: new Map(), units: 'pieces' });
    const trace = a.trace;
    if (!trace) throw new Error('no trace');
    const words = wordTrace(trace);
    const tg = words.spans?.target;
    words.steps.forEach((step, w) => {
      if (!tg || tg.firstPiece[w] !== tg.lastPiece[w] || !step.scores) return;
      const e = Array.from(step.scores);
      const m = Math.max(...e);
      const z = e.reduce((s, v) => s + Math.exp(v - m), 0);
      e.forEach((v, j) => expect(Math.exp(v - m) / z).toBeCloseTo(step.weights?.[j] as number, 5));
    });
  });

  it('the word view of a word-level model is the model’s own trace', async () => {
    model = await load('additive');
    const a = analyse({ model, source: 'I miss you.', target: '', decoding: 'greedy', beamWidth: 4, edits: new Map(), units: 'pieces' });
    expect(a.units).toBe('pieces');
    expect(a.pieces).toBe(a.trace);
  });
});
