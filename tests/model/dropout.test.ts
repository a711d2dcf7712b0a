import { describe, expect, it } from 'vitest';
import { makeBatch } from '../../src/model/batch';
import { dropoutMask, pairKey, stepSeed } from '../../src/model/dropout';
import { batchLoss } from '../../src/model/family';
import { forwardLoss } from '../../src/model/forward';
import type { TransformerConfig } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { gradcheck } from '../../src/tensor';
import { DEFAULT_TRAIN_SETTINGS, Trainer } from '../../src/train/trainer';
import { makeConfig, makeModel, randomBatch, randomPairs } from './fixtures';

const TINY = { embedding: 3, hidden: 4, alignment: 3, maxout: 2 };

describe('dropout masks', () => {
  it('drop about `rate` of the units and scale the rest by 1/(1−rate)', () => {
    const batch = randomBatch(1, Array.from({ length: 40 }, () => [5, 5] as [number, number]));
    const m = dropoutMask([25, 40, 100], batch, { rate: 0.3, seed: 7 }, 1);
    const d = m.data;
    let zeros = 0;
    let others = 0;
    const keep = Math.fround(1 / 0.7);
    for (let e = 0; e < d.length; e++) {
      if (d[e] === 0) zeros++;
      else if (d[e] !== keep) others++;
    }
    expect(others).toBe(0);
    // 100,000 draws: the fraction is within 1% of the rate (≈ 7 standard deviations)
    expect(Math.abs(zeros / d.length - 0.3)).toBeLessThan(0.01);
  });

  it('are fixed by the seed and differ between seeds, steps and activations', () => {
    const batch = randomBatch(2, [
      [4, 3],
      [2, 5],
    ]);
    const a = dropoutMask([6, 2, 16], batch, { rate: 0.5, seed: 3 }, 1).data;
    expect(Array.from(dropoutMask([6, 2, 16], batch, { rate: 0.5, seed: 3 }, 1).data)).toEqual(Array.from(a));
    expect(Array.from(dropoutMask([6, 2, 16], batch, { rate: 0.5, seed: 4 }, 1).data)).not.toEqual(Array.from(a));
    expect(Array.from(dropoutMask([6, 2, 16], batch, { rate: 0.5, seed: 3 }, 2).data)).not.toEqual(Array.from(a));
    expect(stepSeed(1, 0)).not.toBe(stepSeed(1, 1));
    expect(stepSeed(1, 5)).not.toBe(stepSeed(2, 5));
  });

  it("give a pair the same mask whatever else is in its batch (so shares of a batch agree)", () => {
    const [a, b, c] = randomPairs(5, [
      [3, 3],
      [8, 2],
      [1, 9],
    ]) as [ReturnType<typeof randomPairs>[number], ReturnType<typeof randomPairs>[number], ReturnType<typeof randomPairs>[number]];
    const small = makeBatch([a]);
    const big = makeBatch([b, c, a]);
    const d = { rate: 0.4, seed: 11 };
    const m1 = dropoutMask([small.srcLen, 1, 8], small, d, 1).data;
    const m3 = dropoutMask([big.srcLen, 3, 8], big, d, 1).data;
    for (let t = 0; t < small.srcLen; t++) for (let u = 0; u < 8; u++) expect(m3[(t * 3 + 2) * 8 + u]).toBe(m1[t * 8 + u]);
    expect(pairKey(a.source, a.target)).not.toBe(pairKey(b.source, b.target));
  });

  it('reject a rate outside [0, 1) and a shape that is not [T, B, D] of the batch', () => {
    const batch = randomBatch(1, [[2, 2]]);
    expect(() => dropoutMask([3, 1, 4], batch, { rate: 1, seed: 1 }, 1)).toThrow(/rate/);
    expect(() => dropoutMask([3, 2, 4], batch, { rate: 0.1, seed: 1 }, 1)).toThrow(/expected/);
  });
});

describe('dropout in the training forward', () => {
  it('rate 0 is the plain forward; a positive rate changes the loss, deterministically', () => {
    const { config, params } = makeModel('additive', { seed: 2, dtype: 'float64' });
    const batch = randomBatch(3, [
      [4, 4],
      [3, 5],
    ]);
    const plain = forwardLoss(params, config, batch).loss.item();
    expect(forwardLoss(params, config, batch, { dropout: { rate: 0, seed: 1 } }).loss.item()).toBe(plain);
    const dropped = forwardLoss(params, config, batch, { dropout: { rate: 0.5, seed: 1 } }).loss.item();
    expect(dropped).not.toBe(plain);
    expect(forwardLoss(params, config, batch, { dropout: { rate: 0.5, seed: 1 } }).loss.item()).toBe(dropped);
  });

  it('has the gradient of finite differences (float64, masks fixed by the seed)', () => {
    const { config, params } = makeModel('additive', { sizes: TINY, seed: 3 });
    const batch = randomBatch(4, [
      [3, 2],
      [1, 3],
    ]);
    const res = gradcheck(() => forwardLoss(params, config, batch, { dropout: { rate: 0.3, seed: 5 } }).loss, [...params.list], { maxPerInput: 6, seed: 9 });
    expect(res.ok, JSON.stringify(res.worst)).toBe(true);
    expect(res.checked).toBeGreaterThan(60);
  });

  it('is refused where it is not implemented: a Transformer, and picked output rows', () => {
    const tconfig: TransformerConfig = { family: 'transformer', variant: 'scaled-dot', sizes: { model: 8, heads: 2, layers: 1, ff: 12 }, srcVocabSize: 30, tgtVocabSize: 30, lengthRatio: 1 };
    const tparams = initParams(tconfig, 1);
    const batch = randomBatch(1, [[3, 3]]);
    expect(() => batchLoss(tparams, tconfig, batch, { dropout: { rate: 0.2, seed: 1 } })).toThrow(/RNNsearch models only/);
    const { config, params } = makeModel('additive', { seed: 2 });
    expect(() => forwardLoss(params, config, batch, { outputRows: Int32Array.of(0), dropout: { rate: 0.2, seed: 1 } })).toThrow(/outputRows/);
  });
});

describe('the trainer with dropout', () => {
  it('gives each step its own masks and refuses a rate of 1', () => {
    const config = makeConfig('additive');
    const params = initParams(config, 1);
    const pairs = randomPairs(1, Array.from({ length: 8 }, () => [3, 3] as [number, number]));
    expect(() => new Trainer(config, params, pairs, [], { dropout: 1 })).toThrow(/dropout/);
    expect(new Trainer(config, params, pairs, []).lossOptions()).toEqual({});
    const t = new Trainer(config, params, pairs, [], { dropout: 0.2, maxSteps: 5, seed: DEFAULT_TRAIN_SETTINGS.seed });
    const first = t.lossOptions().dropout;
    expect(first?.rate).toBe(0.2);
    t.trainStep();
    expect(t.lossOptions().dropout?.seed).not.toBe(first?.seed);
  });
});
