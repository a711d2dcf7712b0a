import { describe, expect, it } from 'vitest';
import { makeBatch, type PairIds } from '../../src/model/batch';
import { forwardLoss } from '../../src/model/forward';
import { initParams } from '../../src/model/params';
import { Rng, noGrad } from '../../src/tensor';
import { Batcher, Trainer } from '../../src/train/trainer';
import { makeConfig } from '../model/fixtures';

/** Reversal over ids 4..11: a task a tiny model learns in a few hundred steps. */
function reversePairs(seed: number, n: number): PairIds[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = 2 + rng.int(4);
    const source = Int32Array.from({ length: len }, () => 4 + rng.int(8));
    return { source, target: source.slice().reverse() };
  });
}

const sizes = { embedding: 8, hidden: 16, alignment: 12, maxout: 8 };

describe('Batcher', () => {
  it('visits every pair once per epoch, grouping similar lengths', () => {
    const pairs = reversePairs(1, 50);
    const b = new Batcher(pairs, 8, 3);
    const seen = new Set<PairIds>();
    let batches = 0;
    while (seen.size < 50 && batches < 20) {
      const batch = b.next();
      batches++;
      for (const p of batch) {
        expect(seen.has(p)).toBe(false);
        seen.add(p);
      }
      const lens = batch.map((p) => p.source.length);
      expect(Math.max(...lens) - Math.min(...lens)).toBeLessThanOrEqual(2);
    }
    expect(seen.size).toBe(50);
    expect(batches).toBe(7);
  });
});

describe('Trainer', () => {
  it('learns a small reversal task (loss falls by more than half) and is deterministic by seed', () => {
    const config = { ...makeConfig('additive', sizes) };
    const train = reversePairs(2, 400);
    const dev = reversePairs(3, 50);
    const run = (): { first: number; last: number; dev: number; weights: Float32Array } => {
      const params = initParams(config, 5);
      const t = new Trainer(config, params, train, dev, { batchSize: 16, lr: 1e-2, warmupSteps: 10, maxSteps: 150, seed: 4 });
      const losses: number[] = [];
      while (!t.done) {
        const r = t.trainStep();
        if (r.type === 'step') losses.push(r.loss);
      }
      const head = losses.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
      const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
      return { first: head, last: tail, dev: t.devLoss(), weights: Float32Array.from(params.get('attention.va').data) };
    };
    const a = run();
    expect(a.last).toBeLessThan(a.first / 2);
    expect(a.dev).toBeLessThan(a.first / 2);
    const b = run();
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
  });

  it('the guard skips a non-finite step and restores the last good weights, saying so', () => {
    const config = makeConfig('additive', sizes);
    const params = initParams(config, 5);
    const t = new Trainer(config, params, reversePairs(2, 100), reversePairs(3, 10), { batchSize: 8, maxSteps: 200 });
    for (let i = 0; i < 60; i++) t.trainStep();
    const saved = params.snapshot();
    params.get('decoder.gru.Uh').data[3] = NaN;
    const r = t.trainStep();
    expect(r.type).toBe('guard');
    if (r.type !== 'guard') return;
    expect(r.what).toBe('loss');
    expect(r.restoredStep).toBe(50);
    expect(r.message).toMatch(/restored/);
    expect(t.guardTrips).toBe(1);
    // weights are finite again and equal to the step-50 snapshot, not to the NaN state
    for (const p of params.list) expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
    expect(params.get('decoder.gru.Uh').data[3]).not.toBe(saved.get('decoder.gru.Uh')?.[3]);
    const next = t.trainStep();
    expect(next.type).toBe('step');
  });

  it('a gradient blow-up is clipped, and an infinite one is skipped without touching good weights', () => {
    const config = makeConfig('additive', sizes);
    const params = initParams(config, 5);
    const t = new Trainer(config, params, reversePairs(2, 100), [], { batchSize: 8, maxSteps: 10, clip: 0.5 });
    const r = t.trainStep();
    expect(r.type).toBe('step');
    params.get('output.Wo').data[0] = 3e38; // finite, but its square overflows the gradient norm
    const before = params.snapshot();
    const g = t.trainStep();
    if (g.type === 'guard') {
      expect(['gradient', 'loss']).toContain(g.what);
      expect(params.get('output.Wo').data[0]).toBe(before.get('output.Wo')?.[0]);
    } else {
      expect(Number.isFinite(g.gradNorm)).toBe(true);
    }
  });

  it('warm-up then cosine decay of the learning rate', () => {
    const config = makeConfig('additive', sizes);
    const t = new Trainer(config, initParams(config, 1), reversePairs(2, 20), [], { lr: 1, warmupSteps: 10, maxSteps: 110, finalLrFraction: 0.1 });
    expect(t.lrAt(0)).toBeCloseTo(0.1, 12);
    expect(t.lrAt(9)).toBeCloseTo(1, 12);
    expect(t.lrAt(60)).toBeCloseTo(0.55, 12);
    expect(t.lrAt(110)).toBeCloseTo(0.1, 12);
  });

  it('early stopping after `patience` evaluations without improvement, and restoreBest', () => {
    const config = makeConfig('additive', sizes);
    const params = initParams(config, 5);
    const dev = reversePairs(3, 20);
    const t = new Trainer(config, params, reversePairs(2, 100), dev, { batchSize: 8, maxSteps: 100, patience: 2, lr: 1e-2 });
    const e1 = t.evaluate();
    expect(e1.best).toBe(true);
    // make the model worse on purpose: the next evaluations cannot improve
    const best = params.snapshot();
    for (const p of params.list) for (let i = 0; i < p.size; i++) p.data[i] = (p.data[i] as number) + 0.5 * Math.sin(i);
    expect(t.evaluate().stop).toBe(false);
    expect(t.evaluate().stop).toBe(true);
    expect(t.restoreBest()).toBe(true);
    expect(Array.from(params.get('attention.va').data)).toEqual(Array.from(best.get('attention.va') ?? []));
    const loss = noGrad(() => forwardLoss(params, config, makeBatch(dev)).loss.item());
    expect(loss).toBeCloseTo(e1.devLoss, 5);
  });
});
