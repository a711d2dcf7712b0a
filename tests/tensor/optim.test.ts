import { describe, expect, it } from 'vitest';
import { Adam, Rng, Sgd, backward, clipGradNorm, gradNorm, mul, sub, sum, tensor } from '../../src/tensor';

describe('optimisers', () => {
  it('Adam’s first step moves each weight by lr·sign(g) (bias-corrected), then follows the moments', () => {
    const w = tensor([1, -2, 3], [3], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = Float64Array.from([0.5, -4, 0]);
    opt.step();
    // m̂ = g, v̂ = g²  ⇒ Δ = lr · g/(|g| + ε)
    expect(w.data[0]).toBeCloseTo(0.9, 6);
    expect(w.data[1]).toBeCloseTo(-1.9, 6);
    expect(w.data[2]).toBe(3);
    // second step with g = 1 on the first weight: m = 0.9·0.05+0.1 = 0.145 → m̂ = 0.145/0.19
    w.grad = Float64Array.from([1, 0, 0]);
    opt.step();
    const m = (0.9 * 0.05 + 0.1) / (1 - 0.81);
    const v = (0.999 * 0.001 * 0.25 + 0.001) / (1 - 0.999 ** 2);
    const first = 1 - (0.1 * 0.5) / (0.5 + 1e-8);
    expect(w.data[0]).toBeCloseTo(first - (0.1 * m) / (Math.sqrt(v) + 1e-8), 12);
  });

  it('Adam minimises a quadratic', () => {
    const rng = new Rng(3);
    const target = tensor(Array.from({ length: 8 }, () => rng.normal()), [8]);
    const w = tensor(new Array(8).fill(0), [8], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.05 });
    for (let i = 0; i < 600; i++) {
      opt.zeroGrad();
      const d = sub(w, target);
      backward(sum(mul(d, d)));
      opt.step();
    }
    for (let i = 0; i < 8; i++) expect(Math.abs((w.data[i] as number) - (target.data[i] as number))).toBeLessThan(1e-2);
  });

  it('Adam state round-trips and rejects a mismatched state', () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = Float32Array.from([1, 1]);
    opt.step();
    const s = opt.state();
    expect(s.t).toBe(1);
    const other = new Adam([tensor([0], [1], { requiresGrad: true })], { lr: 0.1 });
    expect(() => other.loadState(s)).toThrow(/state of parameter 0 has the wrong size|state for 1 parameters/);
    opt.loadState(s);
    expect(opt.steps).toBe(1);
  });

  it('SGD with momentum', () => {
    const w = tensor([1], [1], { dtype: 'float64', requiresGrad: true });
    const opt = new Sgd([w], { lr: 0.1, momentum: 0.9 });
    w.grad = Float64Array.from([1]);
    opt.step(); // v = 1, w = 0.9
    opt.step(); // v = 1.9, w = 0.71
    expect(w.data[0]).toBeCloseTo(0.71, 12);
  });

  it('clipGradNorm scales to the max norm, returns the pre-clip norm, and leaves small gradients alone', () => {
    const a = tensor([0, 0], [2], { requiresGrad: true });
    const b = tensor([0], [1], { requiresGrad: true });
    a.grad = Float32Array.from([3, 0]);
    b.grad = Float32Array.from([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(gradNorm([a, b])).toBeCloseTo(1, 6);
    expect(a.grad[0]).toBeCloseTo(0.6, 6);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 6);
    expect(a.grad[0]).toBeCloseTo(0.6, 6);
    b.grad[0] = NaN;
    expect(clipGradNorm([a, b], 1)).toBeNaN();
  });

  it('refuses a parameter listed twice or one that needs no gradient', () => {
    const w = tensor([1], [1], { requiresGrad: true });
    expect(() => new Adam([w, w], { lr: 1 })).toThrow(/listed twice/);
    expect(() => new Sgd([tensor([1])], { lr: 1 })).toThrow(/does not require a gradient/);
  });
});
