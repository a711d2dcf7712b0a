// The ops the Transformer adds: layer norm, ReLU and φ = elu + 1. Forward against plain float64
// loops written here, backward against central differences (the same tolerances as ops.test.ts).

import { describe, expect, it } from 'vitest';
import { Rng, Tensor, eluPlusOne, layerNorm, relu } from '../../src/tensor';
import { expectClose, expectGradOk, randTensor } from './helpers';

const rng = new Rng(7);
const r = (shape: number[], lo = -1, hi = 1): Tensor => randTensor(rng, shape, { requiresGrad: true, lo, hi });

describe('layerNorm', () => {
  it('normalises each row to mean 0 and variance 1 before gain and bias', () => {
    const x = r([3, 5], -3, 3);
    const g = r([5], 0.5, 1.5);
    const b = r([5]);
    const y = layerNorm(x, g, b, 1e-5);
    for (let row = 0; row < 3; row++) {
      const xs = Array.from(x.data.subarray(row * 5, row * 5 + 5));
      const mu = xs.reduce((p, q) => p + q, 0) / 5;
      const v = xs.reduce((p, q) => p + (q - mu) ** 2, 0) / 5;
      const ref = xs.map((q, d) => (g.data[d] as number) * ((q - mu) / Math.sqrt(v + 1e-5)) + (b.data[d] as number));
      expectClose(y.data.subarray(row * 5, row * 5 + 5), ref, `row ${row}`, { atol: 1e-12 });
    }
  });
  it('passes gradcheck for input, gain and bias (rank 3)', () => {
    expectGradOk('layerNorm', (x, g, b) => layerNorm(x, g, b), [r([2, 3, 4], -2, 2), r([4], 0.5, 1.5), r([4])]);
  });
  it('rejects a gain of the wrong size with a message naming both shapes', () => {
    expect(() => layerNorm(r([2, 4]), r([3]), r([4]))).toThrow(/\[3\].*\[2, ?4\]|\[2x4\]|2×4/);
  });
});

describe('relu and elu + 1', () => {
  it('relu is max(x, 0) and passes gradcheck away from the kink', () => {
    const x = r([4, 3], -2, 2);
    for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i] as number) < 0.05) x.data[i] = 0.3;
    expectClose(relu(x).data, Array.from(x.data, (v) => Math.max(v, 0)), 'relu', { atol: 0 });
    expectGradOk('relu', (a) => relu(a), [x]);
  });
  it('elu + 1 is positive, continuous at 0, and passes gradcheck', () => {
    const x = r([5, 4], -4, 4);
    const y = eluPlusOne(x);
    expectClose(y.data, Array.from(x.data, (v) => (v > 0 ? v + 1 : Math.exp(v))), 'elu+1', { atol: 0 });
    for (const v of y.data) expect(v).toBeGreaterThan(0);
    expectGradOk('eluPlusOne', (a) => eluPlusOne(a), [x]);
  });
});
