// @vitest-environment jsdom
// The words/pieces switch of a subword model in the store: it keeps the selected step, the word
// view is read-only for edits, and a link carries the units.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { learnBpe } from '../../src/data/bpe';
import { Vocab } from '../../src/data/vocab';
import { loadModel, saveModel } from '../../src/model/bundle';
import type { RnnConfig } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { toShareState } from '../../src/store/share';
import { useStore } from '../../src/store/store';
import { resetStore, setUp } from '../ui/panels/helpers';

const EN = ['I think my cat is hungry.', 'I miss you.', 'The cat is under the table.', "I don't like coffee."];
const FR = ['Je pense que mon chat a faim.', 'Tu me manques.', 'Le chat est sous la table.', "Je n'aime pas le café."];

async function subwordModel() {
  const source = learnBpe(EN.concat(EN), { merges: 30 });
  const target = learnBpe(FR.concat(FR), { merges: 30 });
  const srcVocab = Vocab.fromJSON(source.spec.vocab);
  const tgtVocab = Vocab.fromJSON(target.spec.vocab);
  const config: RnnConfig = { variant: 'additive', sizes: { embedding: 6, hidden: 8, alignment: 5, maxout: 4 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1.2 };
  const saved = await saveModel({
    id: 'test-bpe',
    task: 'custom',
    config,
    params: initParams(config, 5, 'float32'),
    srcVocab,
    tgtVocab,
    tokenizer: { level: 'bpe', lowercase: false },
    bpe: { source, target },
    dtype: 'F32',
    training: { command: 'test', seconds: 0, steps: 0, seed: 5, data: 'test', date: '2026-12-03T00:00:00Z' },
  });
  return loadModel(JSON.parse(JSON.stringify(saved.manifest)), saved.weights, saved.files);
}

beforeEach(resetStore);
afterEach(resetStore);

describe('words and pieces in the store', () => {
  it('switching keeps the selected step (the piece ↔ the word it belongs to) and edits only work on pieces', async () => {
    const model = await subwordModel();
    const s = useStore.getState();
    s.addModel(model, 'shipped');
    s.loadDocument({ modelId: 'test-bpe', source: 'I think my cat is hungry.', target: "Je n'aime pas le café." });
    let a = useStore.getState().analysis;
    expect(a?.units).toBe('words');
    const spans = a?.trace?.spans;
    if (!spans || !a?.pieces) throw new Error('no word trace');
    expect(a.trace?.steps.length).toBe(spans.target.words.length);
    expect(a.pieces.steps.length).toBeGreaterThan(a.trace?.steps.length ?? 0);
    // select the word "n'aime" (several pieces), switch to pieces: the step is a piece of that word
    const w = spans.target.words.indexOf("n'aime");
    expect(w).toBeGreaterThan(0);
    useStore.getState().setStep(w);
    useStore.getState().setUnits('pieces');
    a = useStore.getState().analysis;
    expect(a?.units).toBe('pieces');
    const step = useStore.getState().step;
    expect(spans.target.wordOf[step]).toBe(w);
    // and back
    useStore.getState().setUnits('words');
    expect(useStore.getState().step).toBe(w);
    // the word view refuses edits; pieces accept them
    const n = useStore.getState().analysis?.trace?.srcLen ?? 0;
    useStore.getState().setEdit(0, Array.from({ length: n }, (_, j) => (j === 0 ? 1 : 0)));
    expect(useStore.getState().edits).toEqual({});
    useStore.getState().setUnits('pieces');
    const m = useStore.getState().analysis?.trace?.srcLen ?? 0;
    useStore.getState().setEdit(0, Array.from({ length: m }, (_, j) => (j === 0 ? 1 : 0)));
    expect(Object.keys(useStore.getState().edits)).toEqual(['0']);
    expect(toShareState(useStore.getState()).view.units).toBe('pieces');
  });

  it('a word-level model is shown in its own units whatever the switch says', async () => {
    await setUp('additive', 'the cat sat .');
    useStore.getState().setUnits('words');
    const a = useStore.getState().analysis;
    expect(a?.units).toBe('pieces');
    expect(a?.trace).toBe(a?.pieces);
    expect(a?.trace?.spans).toBeUndefined();
  });
});
