// The Transformer family: gradients of the whole model against finite differences (float64),
// training-vs-inference parity (the same logits), padding that changes nothing, order blindness
// without positions, head views, and the family seam.

import { describe, expect, it } from 'vitest';
import { makeBatch } from '../../src/model/batch';
import { paramSpecs, TRANSFORMER_VARIANTS, type TransformerConfig, type TransformerVariant } from '../../src/model/config';
import { batchLoss, createModel } from '../../src/model/family';
import { initParams } from '../../src/model/params';
import { withHeadView } from '../../src/model/transformer/trace';
import { gradcheck, noGrad } from '../../src/tensor';
import { randomPairs, srcVocab, tgtVocab } from './fixtures';

function makeTransformer(variant: TransformerVariant, sizes = { model: 8, heads: 2, layers: 2, ff: 12 }, seed = 3): { config: TransformerConfig; params: ReturnType<typeof initParams> } {
  const config: TransformerConfig = { family: 'transformer', variant, sizes, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
  return { config, params: initParams(config, seed, 'float64') };
}

describe.each(TRANSFORMER_VARIANTS)('Transformer (%s attention)', (variant) => {
  it('passes a gradient check of every parameter (float64)', () => {
    const { config, params } = makeTransformer(variant, { model: 4, heads: 2, layers: 1, ff: 6 });
    const batch = makeBatch(randomPairs(4, [[3, 2], [1, 3]]));
    const res = gradcheck(() => batchLoss(params, config, batch).loss, [...params.list], { maxPerInput: 5, seed: 9 });
    const w = res.worst;
    expect(res.ok, `worst: ${params.list[w?.input ?? 0]?.name}[${w?.index}] analytic ${w?.analytic} numeric ${w?.numeric}`).toBe(true);
    expect(res.checked).toBeGreaterThan(5 * 20);
  });

  it('gives the same log-probabilities in inference as in training (forced decoding)', () => {
    const { config, params } = makeTransformer(variant);
    const model = createModel(config, params, srcVocab, tgtVocab);
    const [pair] = randomPairs(8, [[5, 4]]);
    if (!pair) throw new Error('no pair');
    const { logits } = noGrad(() => batchLoss(params, config, makeBatch([pair])));
    const trace = model.forced(model.encodeIds(Int32Array.from([...pair.source, 2])), pair.target);
    const V = config.tgtVocabSize;
    trace.steps.forEach((step, i) => {
      const row = Array.from(logits.data.subarray(i * V, (i + 1) * V));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      expect(step.token.logProb).toBeCloseTo((row[step.token.id] as number) - lse, 10);
    });
  });

  it('masks padding: a sentence scores the same alone and in a padded batch', () => {
    const { config, params } = makeTransformer(variant);
    const pairs = randomPairs(5, [[6, 3], [2, 5]]);
    const together = batchLoss(params, config, makeBatch(pairs));
    let sum = 0;
    let tokens = 0;
    for (const p of pairs) {
      const alone = batchLoss(params, config, makeBatch([p]));
      sum += alone.loss.item() * alone.tokens;
      tokens += alone.tokens;
    }
    expect(together.loss.item()).toBeCloseTo(sum / tokens, 10);
  });

  it('records every layer and head; rows are distributions and causal self-attention never looks ahead', () => {
    const { config, params } = makeTransformer(variant);
    const model = createModel(config, params, srcVocab, tgtVocab);
    const trace = model.greedy(model.encodeTokens(['the', 'cat', 'sat']), { maxLength: 5, stopAtEos: false });
    const d = trace.transformer;
    if (!d) throw new Error('no transformer detail');
    expect([d.layers, d.heads, d.cross.rows, d.cross.cols]).toEqual([2, 2, 5, 4]);
    for (const m of [d.encoder, d.self, d.cross]) {
      for (let r = 0; r < m.layers * m.heads * m.rows; r++) {
        const row = Array.from(m.weights.subarray(r * m.cols, (r + 1) * m.cols));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
        if (m === d.self) {
          const i = r % m.rows;
          for (let k = i + 1; k < m.cols; k++) expect(row[k]).toBe(0);
        }
      }
    }
    // the default view: the last layer's head mean, with exact per-source shares of c_i
    const step = trace.steps[2];
    if (!step?.weights || !step.contributions) throw new Error('no mean view');
    const D = config.sizes.model;
    for (let k = 0; k < D; k++) {
      let s = 0;
      for (let j = 0; j < trace.srcLen; j++) s += step.contributions[j * D + k] as number;
      expect(s).toBeCloseTo(step.context[k] as number, 10);
    }
    // one head: its weights, and c_i = Σ_j α_ij v_j over its values
    const one = withHeadView(trace, { layer: 0, head: 1 });
    const s1 = one.steps[2];
    if (!s1?.weights || !s1.scores) throw new Error('no head view');
    const dk = D / 2;
    for (let k = 0; k < dk; k++) {
      let c = 0;
      for (let j = 0; j < one.srcLen; j++) c += (s1.weights[j] as number) * (one.annotations[j * dk + k] as number);
      expect(c).toBeCloseTo(s1.context[k] as number, 10);
    }
    const terms = model.explainScore(one, 2, 1);
    expect(terms?.total).toBeCloseTo(s1.scores[1] as number, 8);
  });

  it('beam search of width 1 equals greedy decoding', () => {
    const { config, params } = makeTransformer(variant);
    const model = createModel(config, params, srcVocab, tgtVocab);
    const enc = model.encodeTokens(['a', 'dog', 'ran']);
    const g = model.greedy(enc, { maxLength: 6 });
    const [b] = model.beam(enc, { width: 1, maxLength: 6 });
    expect(Array.from(b?.trace.targetIds ?? [])).toEqual(Array.from(g.targetIds));
  });
});

describe('Transformer without positions', () => {
  it('is blind to source order: shuffling the source permutes the cross-attention and nothing else', () => {
    const config: TransformerConfig = { family: 'transformer', variant: 'scaled-dot', sizes: { model: 8, heads: 2, layers: 2, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
    const model = createModel(config, initParams(config, 5, 'float64'), srcVocab, tgtVocab);
    const a = model.forcedTokens(model.encodeTokens(['the', 'red', 'cat'], { positions: false }), ['le', 'chat']);
    const b = model.forcedTokens(model.encodeTokens(['cat', 'the', 'red'], { positions: false }), ['le', 'chat']);
    a.steps.forEach((s, i) => {
      expect(b.steps[i]?.token.logProb).toBeCloseTo(s.token.logProb, 10);
      // b's source order: cat(2) the(0) red(1) </s>(3)
      const wa = s.weights as Float64Array;
      const wb = b.steps[i]?.weights as Float64Array;
      expect([wb[0], wb[1], wb[2], wb[3]].map((v) => (v as number).toFixed(10))).toEqual([wa[2], wa[0], wa[1], wa[3]].map((v) => (v as number).toFixed(10)));
    });
    const withPositions = model.forcedTokens(model.encodeTokens(['cat', 'the', 'red']), ['le', 'chat']);
    expect(withPositions.steps[0]?.token.logProb).not.toBeCloseTo(b.steps[0]?.token.logProb ?? 0, 6);
  });

  it('names its parameters in checkpoint order, one per spec', () => {
    const { config, params } = makeTransformer('linear');
    expect(params.list.map((p) => p.name)).toEqual(paramSpecs(config).map((s) => s.name));
    expect(() => createModel({ ...config, sizes: { ...config.sizes, heads: 3 } }, params, srcVocab, tgtVocab)).toThrow(/multiple of 3 heads/);
  });
});

describe('fast weights = linear attention (property over random sizes)', () => {
  it('the recurrent read W_t φ(q_t) equals the attention form and the model, on every step', async () => {
    const { replayFastWeights } = await import('../../src/model/transformer/fastWeights');
    const { Rng } = await import('../../src/tensor');
    const rng = new Rng(21);
    for (let trial = 0; trial < 6; trial++) {
      const heads = 1 + rng.int(3);
      const dk = 2 + rng.int(6);
      const config: TransformerConfig = { family: 'transformer', variant: trial % 2 === 0 ? 'linear' : 'linear-causal', sizes: { model: heads * dk, heads, layers: 1 + rng.int(2), ff: 4 + rng.int(8) }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
      const model = createModel(config, initParams(config, 100 + trial, 'float32'), srcVocab, tgtVocab);
      const words = ['the', 'cat', 'sat', 'on', 'a', 'red', 'mat'].slice(0, 1 + rng.int(7));
      const trace = model.greedy(model.encodeTokens(words), { maxLength: 3 + rng.int(8), stopAtEos: false });
      const d = trace.transformer;
      if (!d) throw new Error('no detail');
      for (let l = 0; l < d.layers; l++) {
        for (let h = 0; h < d.heads; h++) {
          for (let t = 0; t < trace.steps.length; t++) {
            const r = replayFastWeights(d, l, h, t);
            expect(r.diff, `trial ${trial} layer ${l} head ${h} step ${t}`).toBeLessThanOrEqual(1e-5);
            expect(r.diffModel).toBeLessThanOrEqual(1e-5);
            expect(r.work.parallel).toBe((t + 1) * (t + 2) * dk);
          }
        }
      }
    }
  });
});

describe('attention edits on a Transformer', () => {
  it('replace the last layer’s cross-attention row of every head at that step, and change what follows', () => {
    const { config, params } = makeTransformer('scaled-dot');
    const model = createModel(config, params, srcVocab, tgtVocab);
    const enc = model.encodeTokens(['the', 'cat', 'sat']);
    const plain = model.forcedTokens(enc, ['le', 'chat', 'assis']);
    const edit = [0, 0, 1, 0];
    const edited = model.forcedTokens(enc, ['le', 'chat', 'assis'], { overrides: new Map([[1, edit]]) });
    expect(edited.steps[1]?.edited).toBe(true);
    expect(Array.from(edited.steps[1]?.weights ?? []).map((v) => Number(v.toFixed(12)))).toEqual(edit);
    const d = edited.transformer;
    if (!d) throw new Error('no detail');
    // an earlier layer is untouched at that step; later steps see the edited past
    expect(edited.steps[0]?.token.logProb).toBeCloseTo(plain.steps[0]?.token.logProb ?? NaN, 12);
    expect(edited.steps[1]?.token.logProb).not.toBeCloseTo(plain.steps[1]?.token.logProb ?? NaN, 6);
  });
});
