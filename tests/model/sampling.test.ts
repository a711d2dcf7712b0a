// Sampling (issue 16 item 3): seeded, tempered, top-k; the trace records what was sampled from.
import { describe, expect, it } from 'vitest';
import { drawFrom, DecodeError, sampleProblem, temperedLogProbs } from '../../src/model/decoding';
import { InferenceModel } from '../../src/model/inference';
import { TransformerModel } from '../../src/model/transformer/model';
import { initParams } from '../../src/model/params';
import type { TransformerConfig } from '../../src/model/config';
import type { TranslationModel } from '../../src/model/family';
import { Rng } from '../../src/tensor';
import { makeModel, srcVocab, tgtVocab } from './fixtures';

const rnn = (): InferenceModel => {
  const { config, params } = makeModel('additive', { dtype: 'float64', seed: 5 });
  return new InferenceModel(config, params, srcVocab, tgtVocab);
};
const transformer = (): TransformerModel => {
  const config: TransformerConfig = { family: 'transformer', variant: 'scaled-dot', sizes: { model: 8, heads: 2, layers: 1, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
  return new TransformerModel(config, initParams(config, 3, 'float64'), srcVocab, tgtVocab);
};
const SOURCE = srcVocab.toJSON().slice(4, 9);

describe('sampling', () => {
  it('tempers and truncates: a distribution over the top k only, sharper when cold, flatter when hot', () => {
    const logP = Float64Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
    const out = new Float64Array(4);
    temperedLogProbs(logP, 1, 0, out);
    expect([...out].map(Math.exp)).toEqual([0.5, 0.3, 0.15, 0.05].map((p) => expect.closeTo(p, 12)));
    temperedLogProbs(logP, 1, 2, out);
    expect([...out].map(Math.exp)).toEqual([0.625, 0.375, 0, 0].map((p) => expect.closeTo(p, 12)));
    temperedLogProbs(logP, 0.5, 0, out);
    const cold = [...out].map(Math.exp);
    expect(cold[0]).toBeGreaterThan(0.5);
    expect(cold.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    temperedLogProbs(logP, 5, 0, out);
    expect(Math.exp(out[3] as number)).toBeGreaterThan(0.15);
  });

  it('draws with the right frequencies', () => {
    const logP = Float64Array.from([0.6, 0.3, 0.1].map(Math.log));
    const rng = new Rng(9);
    const counts = [0, 0, 0];
    for (let k = 0; k < 20000; k++) counts[drawFrom(logP, rng)]!++;
    expect(counts.map((c) => c / 20000)).toEqual([0.6, 0.3, 0.1].map((p) => expect.closeTo(p, 1.5)));
    expect(Math.abs((counts[0] as number) / 20000 - 0.6)).toBeLessThan(0.02);
    expect(Math.abs((counts[2] as number) / 20000 - 0.1)).toBeLessThan(0.01);
  });

  for (const [name, make] of [['RNNsearch', rnn], ['Transformer', transformer]] as const) {
    it(`${name}: the same seed gives the same sample; top-k 1 is greedy; the trace says how it was sampled`, () => {
      const m = make() as unknown as TranslationModel;
      const enc = m.encodeTokens(SOURCE);
      const opts = { temperature: 1.5, topK: 0, seed: 42 };
      const a = m.greedy(enc, { sample: opts });
      const b = m.greedy(enc, { sample: { ...opts } });
      expect(a.targetTokens).toEqual(b.targetTokens);
      expect(a.mode).toBe('sample');
      expect(a.sampling).toEqual(opts);
      const others = [1, 2, 3, 4, 5, 6].map((seed) => m.greedy(enc, { sample: { ...opts, seed } }).targetTokens.join(' '));
      expect(new Set([a.targetTokens.join(' '), ...others]).size).toBeGreaterThan(1);
      const greedy = m.greedy(enc);
      expect(m.greedy(enc, { sample: { temperature: 1, topK: 1, seed: 7 } }).targetTokens).toEqual(greedy.targetTokens);
      // each step's recorded distribution is the tempered one, and the chosen word's log p is the model's own
      const step = a.steps[0];
      if (!step) throw new Error('no step');
      const total = step.topK.reduce((s, t) => s + t.prob, 0);
      expect(total).toBeLessThanOrEqual(1 + 1e-9);
      const g0 = greedy.steps[0];
      if (!g0) throw new Error('no greedy step');
      // the model's log p of the sampled word: what greedy decoding's first step computed for it
      const same = g0.topK.find((t) => t.id === step.token.id);
      if (same) expect(step.token.logProb).toBeCloseTo(Math.log(same.prob), 10);
      expect(step.topK[0]?.prob).not.toBeCloseTo(g0.topK[0]?.prob as number, 10);
      expect(() => m.greedy(enc, { sample: { temperature: 0, topK: 0, seed: 1 } })).toThrow(DecodeError);
    });
  }

  it('refuses impossible settings with a message', () => {
    expect(sampleProblem({ temperature: 1, topK: 0, seed: 1 })).toBeNull();
    expect(sampleProblem({ temperature: 9, topK: 0, seed: 1 })).toMatch(/temperature/);
    expect(sampleProblem({ temperature: 1, topK: 1.5, seed: 1 })).toMatch(/top-k/);
    expect(sampleProblem({ temperature: 1, topK: 0, seed: -1 })).toMatch(/seed/);
  });
});
