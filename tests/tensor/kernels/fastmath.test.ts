import { describe, expect, it } from 'vitest';
import { fastSigmoid, fastTanh } from '../../../src/tensor/kernels/fastmath';

describe('fast tanh and sigmoid', () => {
  it('stay within 3e-7 of Math.tanh / the logistic function over [-20, 20]', () => {
    let worstT = 0;
    let worstS = 0;
    let at = 0;
    for (let x = -20; x <= 20; x += 1e-4) {
      const e = Math.abs(fastTanh(x) - Math.tanh(x));
      if (e > worstT) {
        worstT = e;
        at = x;
      }
      worstS = Math.max(worstS, Math.abs(fastSigmoid(x) - 1 / (1 + Math.exp(-x))));
    }
    expect(worstT, `worst at x = ${at}`).toBeLessThan(3e-7);
    expect(worstS).toBeLessThan(1.5e-7);
  });
  it('are odd / symmetric, exact at 0, bounded, and keep NaN', () => {
    expect(fastTanh(0)).toBe(0);
    expect(fastSigmoid(0)).toBe(0.5);
    for (const x of [0.3, 1.7, 5, 1e4, Infinity]) {
      expect(fastTanh(-x)).toBe(-fastTanh(x));
      expect(Math.abs(fastTanh(x))).toBeLessThanOrEqual(1);
      expect(fastSigmoid(x) + fastSigmoid(-x)).toBeCloseTo(1, 12);
    }
    expect(fastTanh(NaN)).toBeNaN();
    expect(fastSigmoid(NaN)).toBeNaN();
  });
});
