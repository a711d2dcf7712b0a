// Property tests of the attention softmax: finite rows summing to 1 for logits up to ±1e4,
// invariance to adding a constant, masked entries exactly 0.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { logSoftmax, softmax, tensor } from '../../src/tensor';

const logit = fc.double({ min: -1e4, max: 1e4, noNaN: true });
const row = fc.array(logit, { minLength: 1, maxLength: 40 });

describe('softmax properties', () => {
  test.prop([row])('rows are finite, in [0, 1], and sum to 1 (float32 and float64)', (values) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = softmax(tensor(values, [1, values.length], { dtype }));
      let s = 0;
      for (const v of y.data) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        s += v;
      }
      expect(Math.abs(s - 1)).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
    }
  });

  test.prop([row])('logSoftmax is finite, ≤ 0, and log-sum-exps to 0', (values) => {
    const y = logSoftmax(tensor(values, [values.length], { dtype: 'float64' }));
    let s = 0;
    for (const v of y.data) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThanOrEqual(0);
      s += Math.exp(v);
    }
    expect(Math.abs(s - 1)).toBeLessThan(1e-12);
  });

  test.prop([fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })])(
    'adding a constant to every score changes no weight',
    (values, c) => {
      const a = softmax(tensor(values, [values.length], { dtype: 'float64' }));
      const b = softmax(tensor(values.map((v) => v + c), [values.length], { dtype: 'float64' }));
      for (let i = 0; i < values.length; i++) expect(Math.abs((a.data[i] as number) - (b.data[i] as number))).toBeLessThan(1e-9);
    },
  );

  test.prop([
    fc.array(fc.tuple(logit, fc.boolean()), { minLength: 1, maxLength: 30 }).filter((xs) => xs.some(([, keep]) => keep)),
  ])('masked entries are exactly 0 and the rest sum to 1', (pairs) => {
    const values = pairs.map(([v]) => v);
    const mask = Uint8Array.from(pairs.map(([, keep]) => (keep ? 1 : 0)));
    const y = softmax(tensor(values, [values.length]), -1, mask);
    let s = 0;
    pairs.forEach(([, keep], i) => {
      if (!keep) expect(y.data[i]).toBe(0);
      s += y.data[i] as number;
    });
    expect(Math.abs(s - 1)).toBeLessThan(1e-5);
  });
});
