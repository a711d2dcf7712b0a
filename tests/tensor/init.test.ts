import { describe, expect, it } from 'vitest';
import { Rng, glorotParam, hashString, normalParam, orthogonalValues, zerosParam } from '../../src/tensor';

describe('Rng', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xa);
  });
  it('gives plausible uniform and normal statistics', () => {
    const rng = new Rng(123);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(10)]++;
    for (const k of counts) expect(Math.abs(k - n / 10)).toBeLessThan(n / 10 * 0.1);
  });
  it('rejects bad arguments', () => {
    expect(() => new Rng(NaN)).toThrow(/seed/);
    expect(() => new Rng(1).int(0)).toThrow(/n must be/);
    expect(() => new Rng(1).pick([])).toThrow(/empty/);
  });
  it('hashString is stable', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });
});

describe('initialisers', () => {
  it('orthogonal matrices satisfy QᵀQ = I (square, tall and wide)', () => {
    for (const [rows, cols] of [
      [16, 16],
      [20, 8],
      [8, 20],
    ] as const) {
      const q = orthogonalValues(new Rng(5), rows, cols);
      const small = Math.min(rows, cols);
      // the `small` orthonormal vectors are columns when tall, rows when wide
      for (let i = 0; i < small; i++)
        for (let j = 0; j < small; j++) {
          let d = 0;
          for (let k = 0; k < Math.max(rows, cols); k++) {
            const u = rows >= cols ? (q[k * cols + i] as number) : (q[i * cols + k] as number);
            const v = rows >= cols ? (q[k * cols + j] as number) : (q[j * cols + k] as number);
            d += u * v;
          }
          expect(Math.abs(d - (i === j ? 1 : 0))).toBeLessThan(1e-10);
        }
    }
  });
  it('glorot stays within its limit, normal has its std, zeros are zero; all require grad', () => {
    const rng = new Rng(9);
    const g = glorotParam(rng, 30, 50, { name: 'w' });
    const limit = Math.sqrt(6 / 80);
    expect(Array.from(g.data).every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(g.requiresGrad).toBe(true);
    expect(g.name).toBe('w');
    const n = normalParam(rng, [4000], 0.01);
    const sd = Math.sqrt(Array.from(n.data).reduce((s, v) => s + v * v, 0) / 4000);
    expect(Math.abs(sd - 0.01)).toBeLessThan(0.001);
    expect(Array.from(zerosParam([3]).data)).toEqual([0, 0, 0]);
  });
});
