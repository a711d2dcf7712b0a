import { describe, expect, it } from 'vitest';
import { Rng, Tensor, add, backward, isGradEnabled, mul, noGrad, sum, tanh, tensor, topologicalOrder, zeros } from '../../src/tensor';
import { randTensor } from './helpers';

describe('autodiff', () => {
  it('a value used twice receives both gradients', () => {
    const x = tensor([3], [1], { dtype: 'float64', requiresGrad: true });
    const y = mul(x, x); // x²
    backward(sum(add(y, x))); // d(x² + x)/dx = 2x + 1
    expect(x.grad?.[0]).toBe(7);
  });

  it('walks a 20,000-node chain without recursion (no stack overflow)', () => {
    const x = tensor([0.5], [1], { dtype: 'float64', requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 20_000; i++) y = add(y, x);
    backward(sum(y));
    expect(x.grad?.[0]).toBe(20_001);
  });

  it('orders parents before children', () => {
    const a = tensor([1], [1], { requiresGrad: true });
    const b = tanh(a);
    const c = add(b, a);
    const d = mul(c, b);
    const order = topologicalOrder(d);
    const pos = new Map(order.map((t, i) => [t.id, i]));
    for (const t of order) for (const p of t.parents) expect(pos.get(p.id)).toBeLessThan(pos.get(t.id) as number);
    expect(order[order.length - 1]).toBe(d);
  });

  it('noGrad records nothing and restores the previous mode, even on throw', () => {
    const x = zeros([2], { requiresGrad: true });
    const y = noGrad(() => tanh(x));
    expect(y.requiresGrad).toBe(false);
    expect(y.backwardFn).toBeNull();
    expect(y.parents).toHaveLength(0);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('ops on inputs that need no gradient record nothing', () => {
    const rng = new Rng(1);
    const y = tanh(randTensor(rng, [3]));
    expect(y.requiresGrad).toBe(false);
    expect(() => backward(y)).toThrow(/does not require a gradient/);
  });

  it('frees intermediate gradients and the graph after backward, unless asked to keep them', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const h = tanh(x);
    const loss = sum(h);
    backward(loss, { retainGraph: true });
    expect(h.grad).not.toBeNull();
    const h2 = tanh(x);
    backward(sum(h2));
    expect(h2.grad).toBeNull();
    expect(h2.parents).toHaveLength(0);
    // the leaf accumulated both passes
    expect(x.grad?.[0]).toBeCloseTo(2 * (1 - Math.tanh(1) ** 2), 6);
  });
});
