import { describe, expect, it } from 'vitest';
import { EOS_ID, PAD_ID } from '../../src/data/vocab';
import { diagonalPosition, makeBatch } from '../../src/model/batch';
import { VARIANTS, paramSpecs } from '../../src/model/config';
import { forwardLoss } from '../../src/model/forward';
import { initParams } from '../../src/model/params';
import { backward, gradcheck } from '../../src/tensor';
import { TINY, makeConfig, makeModel, randomBatch, randomPairs } from './fixtures';

describe('batches', () => {
  it('pads, appends </s>, shifts targets, and masks exactly the real positions', () => {
    const b = makeBatch([
      { source: Int32Array.from([5, 6, 7]), target: Int32Array.from([8]) },
      { source: Int32Array.from([9]), target: Int32Array.from([10, 11, 12]) },
    ]);
    expect([b.size, b.srcLen, b.tgtLen, b.tokens]).toEqual([2, 4, 4, 2 + 4]);
    // time-major source: column 0 = sentence 0
    expect(Array.from({ length: 4 }, (_, t) => b.srcIds[t * 2])).toEqual([5, 6, 7, EOS_ID]);
    expect(Array.from({ length: 4 }, (_, t) => b.srcIds[t * 2 + 1])).toEqual([9, EOS_ID, PAD_ID, PAD_ID]);
    expect(Array.from(b.srcMask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from({ length: 4 }, (_, t) => b.tgtIn[t * 2 + 1])).toEqual([1, 10, 11, 12]);
    expect(Array.from({ length: 4 }, (_, t) => b.tgtOut[t * 2 + 1])).toEqual([10, 11, 12, EOS_ID]);
    expect(Array.from({ length: 4 }, (_, t) => b.tgtOut[t * 2])).toEqual([8, EOS_ID, PAD_ID, PAD_ID]);
    expect(() => makeBatch([])).toThrow(/empty batch/);
    expect(() => makeBatch([{ source: new Int32Array(0), target: new Int32Array(1) }])).toThrow(/source sentence is empty/);
  });
  it('the diagonal runs corner to corner', () => {
    expect(Array.from({ length: 5 }, (_, i) => diagonalPosition(i, 3, 5))).toEqual([0, 1, 1, 2, 2]);
    expect(Array.from({ length: 3 }, (_, i) => diagonalPosition(i, 7, 3))).toEqual([0, 3, 6]);
    expect(diagonalPosition(0, 4, 1)).toBe(0);
  });
});

describe('training forward, every variant', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: finite loss, padding gets exactly zero weight, every parameter gets a gradient`, () => {
      const { config, params } = makeModel(variant);
      const batch = randomBatch(1, [
        [5, 4],
        [2, 6],
        [7, 1],
      ]);
      const res = forwardLoss(params, config, batch, { record: true });
      const loss = res.loss.item();
      expect(Number.isFinite(loss)).toBe(true);
      // an untrained model is close to uniform over the target vocabulary
      expect(loss).toBeGreaterThan(0.5 * Math.log(config.tgtVocabSize));
      expect(res.logits.shape).toEqual([batch.tgtLen * batch.size, config.tgtVocabSize]);
      const steps = res.steps ?? [];
      expect(steps).toHaveLength(batch.tgtLen);
      for (const step of steps) {
        if (variant === 'none') {
          expect(step.weights).toBeNull();
          continue;
        }
        const w = step.weights as Float64Array;
        for (let b = 0; b < batch.size; b++) {
          let total = 0;
          for (let j = 0; j < batch.srcLen; j++) {
            const v = w[b * batch.srcLen + j] as number;
            if (j >= (batch.srcLengths[b] as number)) expect(v).toBe(0);
            total += v;
          }
          expect(total).toBeCloseTo(1, 12);
        }
        if (variant === 'diagonal') expect(step.scores).toBeNull();
        else expect(step.scores).not.toBeNull();
      }
      backward(res.loss);
      for (const p of params.list) {
        const g = p.grad;
        expect(g, `${p.name} has no gradient`).not.toBeNull();
        expect(Array.from(g as Float64Array).some((v) => v !== 0), `${p.name} gradient is all zero`).toBe(true);
        expect(Array.from(g as Float64Array).every(Number.isFinite), `${p.name} gradient not finite`).toBe(true);
      }
    });
  }

  it('a padded batch gives each sentence the loss it has alone', () => {
    for (const variant of VARIANTS) {
      const { config, params } = makeModel(variant);
      const pairs = randomPairs(5, [
        [6, 3],
        [2, 5],
      ]);
      const together = forwardLoss(params, config, makeBatch(pairs));
      let sum = 0;
      let tokens = 0;
      for (const p of pairs) {
        const alone = forwardLoss(params, config, makeBatch([p]));
        sum += alone.loss.item() * alone.tokens;
        tokens += alone.tokens;
      }
      expect(together.loss.item(), variant).toBeCloseTo(sum / tokens, 10);
    }
  });

  it('is deterministic by seed', () => {
    const config = makeConfig('additive');
    const a = initParams(config, 11, 'float64');
    const b = initParams(config, 11, 'float64');
    const c = initParams(config, 12, 'float64');
    const batch = randomBatch(2, [[4, 4]]);
    expect(forwardLoss(a, config, batch).loss.item()).toBe(forwardLoss(b, config, batch).loss.item());
    expect(forwardLoss(a, config, batch).loss.item()).not.toBe(forwardLoss(c, config, batch).loss.item());
    expect(paramSpecs(config).map((s) => s.name)).toEqual(a.list.map((p) => p.name));
  });
});

describe('gradient of the whole model against finite differences (float64, small sizes)', () => {
  for (const variant of VARIANTS) {
    it(variant, () => {
      const { config, params } = makeModel(variant, { sizes: TINY, seed: 3 });
      const batch = randomBatch(4, [
        [3, 2],
        [1, 3],
      ]);
      const res = gradcheck(() => forwardLoss(params, config, batch).loss, [...params.list], { maxPerInput: 6, seed: 9 });
      const w = res.worst;
      expect(res.ok, `worst: parameter ${params.list[w?.input ?? 0]?.name}[${w?.index}] analytic ${w?.analytic} numeric ${w?.numeric}`).toBe(true);
      expect(res.checked).toBeGreaterThan(6 * 10);
    });
  }
});
