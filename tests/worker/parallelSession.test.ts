// The training worker's session on several threads, in Node: the gradient workers are real Node
// worker threads running src/train/parallel.ts's gradientWorker (the page's gradient.worker.ts runs
// the same function). Same seed and global batch → the same loss curve as one worker within float
// round-off; pausing and stepping behave as on one worker; a gradient worker that dies is dropped
// with a `train/workers` message and the run goes on with the same curve; a page that cannot share
// memory trains on one worker and says so.

import { afterEach, describe, expect, it } from 'vitest';
import { spawnNodeGradPort } from '../../scripts/lib/parallelGrads';
import type { GradPort } from '../../src/train/parallel';
import { parseFromWorker, type FromWorker, type TrainConfig } from '../../src/worker/protocol';
import { TrainSession, type SessionHost } from '../../src/worker/session';

const TINY: TrainConfig = {
  task: { kind: 'builtin', id: 'reverse' },
  variant: 'additive',
  sizes: { embedding: 8, hidden: 16, alignment: 12, maxout: 8 },
  lr: 0.01,
  seed: 3,
  steps: 30,
  batchSize: 16,
  minLength: 2,
  maxLength: 5,
  trainSize: 300,
  devSize: 20,
  evalEvery: 15,
  snapshotEvery: 10,
  probe: { source: 'c a t', target: 't a c' },
};

const spawned: GradPort[] = [];

afterEach(() => {
  for (const p of spawned.splice(0)) p.terminate();
});

function harness(extra: Partial<SessionHost> = {}) {
  const messages: FromWorker[] = [];
  const invalid: string[] = [];
  const waiters: Array<{ pred: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }> = [];
  const session = new TrainSession({
    post: (m) => {
      const parsed = parseFromWorker(structuredClone(m));
      if (!parsed.ok) invalid.push(`${m.type}: ${parsed.error}`);
      messages.push(m);
      for (const w of [...waiters]) {
        if (!w.pred(m)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    },
    schedule: (fn) => setTimeout(fn, 0),
    now: () => performance.now(),
    spawnGradientWorker: () => {
      const port = spawnNodeGradPort();
      spawned.push(port);
      return port;
    },
    ...extra,
  });
  const of = <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  const until = (pred: (m: FromWorker) => boolean, timeoutMs = 60_000): Promise<FromWorker> => {
    const hit = messages.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a worker message')), timeoutMs);
      waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  };
  return { session, messages, invalid, of, until };
}

type H = ReturnType<typeof harness>;

async function curve(h: H, workers: number, config: TrainConfig = TINY): Promise<number[]> {
  h.session.receive({ type: 'train/start', config, paused: false, resume: null, workers });
  await h.until((m) => m.type === 'train/done');
  expect(h.invalid).toEqual([]);
  return h.of('train/progress').flatMap((p) => p.losses.map((l) => l.loss));
}

function expectSameCurve(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  // float32 round-off grows a little over 30 Adam steps; a different batch order would differ by ~0.1
  a.forEach((v, k) => expect(Math.abs(v - (b[k] as number))).toBeLessThan(2e-3 * Math.max(1, Math.abs(v))));
}

describe('TrainSession on several threads', () => {
  it('same seed and batch: 2 and 3 workers give the one-worker loss curve within round-off, and the same probe', async () => {
    const one = harness();
    const base = await curve(one, 1);
    expect(one.of('train/workers')).toEqual([{ type: 'train/workers', workers: 1, requested: 1, reason: 'ok', failure: null }]);
    for (const workers of [2, 3]) {
      const h = harness();
      const losses = await curve(h, workers);
      expect(h.of('train/workers')[0]).toMatchObject({ workers, requested: workers, reason: 'ok' });
      expectSameCurve(losses, base);
      // the losses are not all equal (the test could fail): training moved
      expect(Math.abs((losses[0] as number) - (losses.at(-1) as number))).toBeGreaterThan(0.05);
      expect(h.of('train/snapshot').map((s) => s.output)).toEqual(one.of('train/snapshot').map((s) => s.output));
    }
  }, 120_000);

  it('pauses after the step in flight, steps exactly N, and the weights sent are the paused step’s', async () => {
    const h = harness();
    h.session.receive({ type: 'train/start', config: { ...TINY, steps: 400, evalEvery: 0 }, paused: true, resume: null, workers: 2 });
    await h.until((m) => m.type === 'train/state' && m.state === 'paused');
    h.session.receive({ type: 'train/step', count: 3 });
    await h.until((m) => m.type === 'train/state' && m.state === 'paused' && m.step === 3);
    expect(h.of('train/progress').flatMap((p) => p.losses.map((l) => l.step))).toEqual([1, 2, 3]);
    h.session.receive({ type: 'train/resume' });
    await h.until((m) => m.type === 'train/progress' && m.step >= 8);
    h.session.receive({ type: 'train/pause' });
    const paused = (await h.until((m) => m.type === 'train/state' && m.state === 'paused' && m.step > 3)) as Extract<FromWorker, { type: 'train/state' }>;
    await new Promise((r) => setTimeout(r, 100));
    expect(h.of('train/progress').flatMap((p) => p.losses).filter((l) => l.step > paused.step)).toEqual([]);
    expect(h.of('train/weights').at(-1)?.step).toBe(paused.step);
    // a reset during a run throws away nothing the page sees later
    h.session.receive({ type: 'train/resume' });
    h.session.receive({ type: 'train/reset' });
    const count = h.messages.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(h.messages.slice(count).filter((m) => m.type === 'train/progress')).toEqual([]);
    expect(h.invalid).toEqual([]);
  }, 60_000);

  it('a gradient worker that dies mid-run is dropped with a message; the run ends with the same curve', async () => {
    const base = await curve(harness(), 1);
    const h = harness();
    h.session.receive({ type: 'train/start', config: TINY, paused: false, resume: null, workers: 3 });
    await h.until((m) => m.type === 'train/progress' && m.step >= 5);
    spawned[0]?.terminate(); // the thread exits: its port reports the failure
    await h.until((m) => m.type === 'train/done');
    const dropped = h.of('train/workers').filter((m) => m.reason === 'dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ workers: 2, requested: 3 });
    expect(dropped[0]?.failure).toMatchObject({ code: 'failed', params: { detail: expect.any(String) }, message: expect.stringMatching(/^a gradient worker failed: /) });
    expectSameCurve(
      h.of('train/progress').flatMap((p) => p.losses.map((l) => l.loss)),
      base,
    );
  }, 120_000);

  it('without shared memory (a page that is not cross-origin isolated) it trains on one worker and says so', async () => {
    let spawns = 0;
    const h = harness({ sharedMemory: false, spawnGradientWorker: () => ((spawns += 1), spawnNodeGradPort()) });
    const losses = await curve(h, 4);
    expect(spawns).toBe(0);
    expect(h.of('train/workers')).toEqual([{ type: 'train/workers', workers: 1, requested: 4, reason: 'no-shared-memory', failure: null }]);
    expect(losses).toHaveLength(30);
  }, 60_000);
});
