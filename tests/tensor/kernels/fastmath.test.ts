import { describe, expect, it } from 'vitest';
import { fastSigmoid, fastTanh, logSumExpFast } from '../../../src/tensor/kernels/fastmath';

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

describe('logSumExpFast', () => {
  const exact = (x: ArrayLike<number>, off: number, n: number): number => {
    let max = -Infinity;
    for (let v = off; v < off + n; v++) max = Math.max(max, x[v] as number);
    let total = 0;
    for (let v = off; v < off + n; v++) total += Math.exp((x[v] as number) - max);
    return max + Math.log(total);
  };

  it('is within 1e-9 of log Σ exp over rows of logits, float32 and float64, any offset', () => {
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const spread of [0.01, 1, 30, 300, 2000]) {
      const x64 = Float64Array.from({ length: 5000 }, () => (rand() - 0.5) * spread);
      const x32 = Float32Array.from(x64);
      for (const x of [x64, x32]) {
        for (const [off, n] of [[0, 5000], [17, 4353], [4999, 1], [100, 2]] as const) {
          expect(Math.abs(logSumExpFast(x, off, n) - exact(x, off, n)), `spread ${spread} [${off}, +${n})`).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('handles what a row can hold: −∞ entries, all −∞, +∞, NaN, nothing', () => {
    expect(logSumExpFast(Float64Array.of(-Infinity, 0, -Infinity), 0, 3)).toBe(0);
    expect(logSumExpFast(Float64Array.of(-Infinity, -Infinity), 0, 2)).toBe(-Infinity);
    expect(logSumExpFast(Float64Array.of(1, Infinity), 0, 2)).toBe(Infinity);
    expect(logSumExpFast(Float64Array.of(1, NaN, 2), 0, 3)).toBeNaN();
    expect(logSumExpFast(Float64Array.of(NaN), 0, 1)).toBeNaN();
    expect(logSumExpFast(Float64Array.of(1), 0, 0)).toBe(-Infinity);
    // far apart: the small terms vanish as they do in float64
    expect(logSumExpFast(Float64Array.of(0, -800), 0, 2)).toBe(0);
    // large values do not overflow (the row's maximum is taken out first)
    const big = Float32Array.of(1e30, 1e30);
    expect(logSumExpFast(big, 0, 2)).toBe((big[0] as number) + Math.LN2);
  });
});
