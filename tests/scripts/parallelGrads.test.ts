import { describe, expect, it } from 'vitest';
import { makeBatch } from '../../src/model/batch';
import { forwardLoss } from '../../src/model/forward';
import { initParams } from '../../src/model/params';
import { backward } from '../../src/tensor';
import { ParallelGradients, shareParams, splitByTokens } from '../../scripts/lib/parallelGrads';
import { makeConfig, randomPairs } from '../model/fixtures';

describe('data-parallel gradients (Node worker threads)', () => {
  it('splitByTokens keeps every pair and balances the load', () => {
    const pairs = randomPairs(1, Array.from({ length: 21 }, (_, i) => [1 + (i % 7), 1 + ((i * 3) % 5)] as [number, number]));
    const shares = splitByTokens(pairs, 2);
    expect(shares.flat().length).toBe(21);
    expect(new Set(shares.flat()).size).toBe(21);
    const load = shares.map((s) => s.reduce((n, p) => n + p.source.length + p.target.length + 2, 0));
    expect(Math.abs((load[0] as number) - (load[1] as number))).toBeLessThanOrEqual(9);
  });

  for (const dropout of [undefined, { rate: 0.3, seed: 17 }]) {
    it(`two threads give the gradient and loss of the whole batch${dropout ? ' (with dropout)' : ''}`, async () => {
      const config = makeConfig('additive');
      const params = shareParams(initParams(config, 3));
      const pairs = randomPairs(2, [
        [5, 4],
        [3, 6],
        [7, 2],
        [2, 2],
        [6, 5],
      ]);
      const opts = dropout ? { dropout } : {};
      const par = new ParallelGradients(config, params, 2);
      try {
        const r = await par.compute(pairs, opts);
        const parallel = params.list.map((p) => Float32Array.from(p.grad ?? []));
        for (const p of params.list) p.zeroGrad();
        const { loss } = forwardLoss(params, config, makeBatch(pairs), opts);
        backward(loss);
        expect(r.loss).toBeCloseTo(loss.item(), 5);
        if (dropout) expect(r.loss).not.toBeCloseTo(forwardLoss(params, config, makeBatch(pairs)).loss.item(), 3);
        params.list.forEach((p, i) => {
          const g = p.grad as Float32Array;
          for (let e = 0; e < g.length; e++) expect(Math.abs((g[e] as number) - ((parallel[i] as Float32Array)[e] as number))).toBeLessThan(1e-6 + 1e-4 * Math.abs(g[e] as number));
        });
      } finally {
        await par.close();
      }
    });
  }
});
