// src/train/parallel.ts, the one data-parallel implementation of the CLI and the page: gradients
// computed on 1, 2 and 3 threads (real Node worker threads running gradientWorker, the function the
// page's gradient.worker.ts runs) equal the one-thread gradient of the whole batch, for RNNsearch
// and a Transformer; and a gradient worker that crashes, hangs or answers garbage is dropped with a
// reason, after which the same batch computes on the workers left (docs/RELIABILITY.md, "the
// worker dies or sends garbage").

import { afterEach, describe, expect, it } from 'vitest';
import { makeBatch, type PairIds } from '../../src/model/batch';
import type { ModelConfig } from '../../src/model/config';
import { batchLoss } from '../../src/model/family';
import { initParams, type Params } from '../../src/model/params';
import { backward } from '../../src/tensor';
import { gradientWorker, GradientWorkerError, ParallelGradients, parseGradRequest, shareParams, type GradPort } from '../../src/train/parallel';
import { spawnNodeGradPort } from '../../scripts/lib/parallelGrads';
import { makeConfig, randomPairs, srcVocab, tgtVocab } from '../model/fixtures';

const PAIRS = randomPairs(5, [
  [5, 4],
  [3, 6],
  [7, 2],
  [2, 2],
  [6, 5],
  [4, 4],
  [1, 3],
]);

const TRANSFORMER: ModelConfig = { family: 'transformer', variant: 'scaled-dot', sizes: { model: 8, heads: 2, layers: 1, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1.1 };

/** The one-thread reference: the gradient of the whole batch's mean loss. */
function reference(config: ModelConfig, params: Params, pairs: PairIds[]): { loss: number; grads: Float32Array[] } {
  for (const p of params.list) p.zeroGrad();
  const { loss } = batchLoss(params, config, makeBatch(pairs));
  backward(loss);
  return { loss: loss.item(), grads: params.list.map((p) => Float32Array.from(p.grad ?? [])) };
}

function expectGradsClose(params: Params, want: Float32Array[]): void {
  let worst = 0;
  params.list.forEach((p, i) => {
    const g = p.grad as Float32Array;
    const w = want[i] as Float32Array;
    expect(g.length).toBe(w.length);
    for (let e = 0; e < g.length; e++) worst = Math.max(worst, Math.abs((g[e] as number) - (w[e] as number)) / (1e-6 + 1e-4 * Math.abs(w[e] as number)));
  });
  // float round-off only: every element within 1e-6 + 1e-4·|g|
  expect(worst).toBeLessThan(1);
}

/** A gradient worker in this thread (the real handler), with a switch to misbehave. */
function inThreadPort(behaviour: { mode: 'ok' | 'hang' | 'garbage' | 'crash-on-grad' } = { mode: 'ok' }): GradPort & { terminated: boolean } {
  let listener: (data: unknown) => void = () => undefined;
  let failed: (reason: string) => void = () => undefined;
  const handle = gradientWorker((reply) => setTimeout(() => listener(structuredClone(reply)), 0));
  const port = {
    terminated: false,
    post: (message: unknown) => {
      const isGrad = (message as { type: string }).type === 'grad';
      if (isGrad && behaviour.mode === 'hang') return;
      if (isGrad && behaviour.mode === 'garbage') return void setTimeout(() => listener({ type: 'grad', id: 'x' }), 0);
      if (isGrad && behaviour.mode === 'crash-on-grad') return void setTimeout(() => failed('boom'), 0);
      setTimeout(() => handle(structuredClone(message)), 0);
    },
    onMessage: (l: (data: unknown) => void) => void (listener = l),
    onError: (l: (reason: string) => void) => void (failed = l),
    terminate: () => void (port.terminated = true),
  };
  return port;
}

const pools: ParallelGradients[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

describe('data-parallel gradients (src/train/parallel.ts)', () => {
  for (const [name, config] of [
    ['RNNsearch (additive)', makeConfig('additive')],
    ['Transformer', TRANSFORMER],
  ] as Array<[string, ModelConfig]>) {
    it(`${name}: 1, 2 and 3 threads (Node worker threads) give the whole batch's loss and gradient`, async () => {
      const params = shareParams(initParams(config, 3));
      const want = reference(config, params, PAIRS);
      for (const threads of [1, 2, 3]) {
        const pool = new ParallelGradients(Array.from({ length: threads - 1 }, () => spawnNodeGradPort()));
        pools.push(pool);
        await pool.bind(config, params);
        expect(pool.threads).toBe(threads);
        const r = await pool.compute(PAIRS);
        expect(r.tokens).toBe(makeBatch(PAIRS).tokens);
        expect(Math.abs(r.loss - want.loss)).toBeLessThan(1e-5);
        expectGradsClose(params, want.grads);
      }
    }, 60_000);
  }

  it('a worker sees the weights change in place (shared memory), without a new bind', async () => {
    const config = makeConfig('dot');
    const params = shareParams(initParams(config, 4));
    const pool = new ParallelGradients([inThreadPort()]);
    pools.push(pool);
    await pool.bind(config, params);
    await pool.compute(PAIRS);
    for (const p of params.list) for (let e = 0; e < p.size; e++) p.data[e] = (p.data[e] as number) * 0.5 + 0.01;
    const want = reference(config, params, PAIRS);
    const r = await pool.compute(PAIRS);
    expect(Math.abs(r.loss - want.loss)).toBeLessThan(1e-5);
    expectGradsClose(params, want.grads);
  });

  for (const mode of ['hang', 'garbage', 'crash-on-grad'] as const) {
    it(`a gradient worker that ${mode === 'hang' ? 'never answers' : mode === 'garbage' ? 'answers garbage' : 'crashes'} is dropped with a reason; the batch then computes on the rest`, async () => {
      const config = makeConfig('additive');
      const params = shareParams(initParams(config, 5));
      const want = reference(config, params, PAIRS);
      const bad = inThreadPort({ mode });
      const pool = new ParallelGradients([inThreadPort(), bad], { timeoutMs: 200 });
      pools.push(pool);
      await pool.bind(config, params);
      expect(pool.threads).toBe(3);
      const failure = await pool.compute(PAIRS).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(GradientWorkerError);
      expect((failure as Error).message).toMatch(mode === 'hang' ? /did not answer within [\d.]+ s/ : mode === 'garbage' ? /not a reply/ : /failed: boom/);
      expect(bad.terminated).toBe(true);
      expect(pool.threads).toBe(2);
      expect(pool.dropped).toHaveLength(1);
      const r = await pool.compute(PAIRS);
      expect(Math.abs(r.loss - want.loss)).toBeLessThan(1e-5);
      expectGradsClose(params, want.grads);
    });
  }

  it('refuses parameters that are not shared, and a worker checks what it is sent', () => {
    const config = makeConfig('additive');
    const pool = new ParallelGradients([inThreadPort()]);
    pools.push(pool);
    expect(() => pool.bind(config, initParams(config, 1))).toThrow(/must be shared/);
    expect(parseGradRequest({ type: 'grad', id: 1, sources: [[1, 2]], targets: [new Int32Array(2)] })).toMatchObject({ ok: false, id: 1 });
    expect(parseGradRequest({ type: 'init', id: 2, config: {}, names: ['a'], shapes: [[1]], values: [new ArrayBuffer(4)], grads: [new SharedArrayBuffer(4)] })).toMatchObject({ ok: false });
    // a step's dropout: a rate in [0, 0.99] and a seed that is a non-negative integer
    const grad = { type: 'grad', id: 4, sources: [Int32Array.of(1)], targets: [Int32Array.of(2)] };
    expect(parseGradRequest({ ...grad, dropout: { rate: 0.3, seed: 7 } })).toMatchObject({ ok: true });
    for (const dropout of [{ rate: 1, seed: 7 }, { rate: -0.1, seed: 7 }, { rate: Number.NaN, seed: 7 }, { rate: 0.3, seed: 1.5 }, { rate: 0.3 }]) {
      expect(parseGradRequest({ ...grad, dropout })).toMatchObject({ ok: false, id: 4 });
    }
    const replies: unknown[] = [];
    const handle = gradientWorker((r) => replies.push(r));
    handle({ type: 'grad', id: 3, sources: [], targets: [] });
    handle('nonsense');
    expect(replies).toEqual([
      { type: 'error', id: 3, message: 'grad before init' },
      { type: 'error', id: -1, message: 'a request must be an object' },
    ]);
  });
});
