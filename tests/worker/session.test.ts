// The worker's session driven directly in Node (no thread): a tiny model really trains on the
// reversal task through the same src/train Trainer. Every message it posts must survive
// structured cloning and pass the page's validator.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../src/model/bundle';
import { Trainer } from '../../src/train/trainer';
import { parseFromWorker, type FromWorker, type TrainConfig } from '../../src/worker/protocol';
import { TrainSession } from '../../src/worker/session';

const TINY: TrainConfig = {
  task: { kind: 'builtin', id: 'reverse' },
  variant: 'additive',
  sizes: { embedding: 8, hidden: 16, alignment: 12, maxout: 8 },
  lr: 0.01,
  seed: 3,
  steps: 40,
  batchSize: 16,
  minLength: 2,
  maxLength: 5,
  trainSize: 300,
  devSize: 20,
  evalEvery: 20,
  snapshotEvery: 10,
  probe: { source: 'c a t', target: 't a c' },
};

interface Harness {
  session: TrainSession;
  messages: FromWorker[];
  invalid: string[];
  of<T extends FromWorker['type']>(type: T): Array<Extract<FromWorker, { type: T }>>;
  /** Resolves when a message matching `pred` has been posted. */
  until(pred: (m: FromWorker) => boolean, timeoutMs?: number): Promise<FromWorker>;
}

function harness(now: () => number = () => performance.now()): Harness {
  const messages: FromWorker[] = [];
  const invalid: string[] = [];
  const waiters: Array<{ pred: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }> = [];
  const session = new TrainSession({
    post: (m) => {
      // what the page receives: a structured clone, validated
      const parsed = parseFromWorker(structuredClone(m));
      if (!parsed.ok) invalid.push(`${m.type}: ${parsed.error}`);
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    },
    schedule: (fn) => setTimeout(fn, 0),
    now,
  });
  return {
    session,
    messages,
    invalid,
    of: <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type),
    until: (pred, timeoutMs = 30_000) => {
      const hit = messages.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a worker message')), timeoutMs);
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('TrainSession', () => {
  it('trains to the end: data, throttled progress with every loss, snapshots, evaluations, weights, done', async () => {
    // a clock that moves 1 ms per reading: slices end, and throttling is exercised
    let clock = 0;
    const h = harness(() => (clock += 1));
    h.session.hello();
    h.session.receive({ type: 'train/start', config: TINY, paused: false, resume: null });
    const done = (await h.until((m) => m.type === 'train/done')) as Extract<FromWorker, { type: 'train/done' }>;
    expect(h.invalid).toEqual([]);
    expect(h.messages[0]?.type).toBe('ready');
    const states = h.of('train/state').map((m) => m.state);
    expect(states[0]).toBe('preparing');
    expect(states.at(-1)).toBe('done');

    const data = h.of('data/ready')[0];
    expect(data).toMatchObject({ train: 300, dev: 20, lineErrors: [], probe: { source: ['c', 'a', 't'], target: ['t', 'a', 'c'] } });

    // every step's loss arrives exactly once, in far fewer messages than steps
    const progress = h.of('train/progress');
    const steps = progress.flatMap((p) => p.losses.map((l) => l.step));
    expect(steps).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    expect(progress.length).toBeLessThan(20);
    expect(progress.at(-1)?.step).toBe(40);
    expect(progress.every((p) => p.tokensPerSec >= 0 && p.lr > 0)).toBe(true);

    const evals = progress.flatMap((p) => (p.eval ? [p.eval] : []));
    expect(evals.map((e) => e.step)).toEqual([20, 40]);
    for (const e of evals) {
      expect(e.exactMatch).toBeGreaterThanOrEqual(0);
      expect(e.exactMatch).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.devLoss)).toBe(true);
    }

    // the probe: the untrained one first, then every 10 steps (and the final weights)
    const snaps = h.of('train/snapshot');
    expect(snaps.map((s) => s.step)).toEqual([0, 10, 20, 30, 40, 40]);
    for (const s of snaps) {
      expect(s.forced).toBe(true);
      expect(s.source).toEqual(['c', 'a', 't', '</s>']);
      expect(s.target).toEqual(['t', 'a', 'c', '</s>']);
      expect(s.weights).toHaveLength(16);
      for (let i = 0; i < 4; i++) {
        const row = Array.from(s.weights.subarray(i * 4, i * 4 + 4));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
    expect(snaps[0]?.weights).not.toEqual(snaps.at(-1)?.weights);

    const weights = h.of('train/weights');
    expect(weights.length).toBeGreaterThanOrEqual(1);
    expect(weights.at(-1)?.step).toBe(40);
    expect(weights.at(-1)?.tensors.map((t) => t.name)).toContain('attention.va');

    expect(done).toMatchObject({ reason: 'steps', step: 40 });
    expect(done.bestStep === 20 || done.bestStep === 40).toBe(true);
    expect(done.exactMatch).toBe(evals.find((e) => e.step === done.bestStep)?.exactMatch);
  });

  it('pauses, takes exactly N steps on request, resumes, and resets to idle', async () => {
    const h = harness();
    h.session.receive({ type: 'train/start', config: { ...TINY, steps: 200, evalEvery: 0 }, paused: true, resume: null });
    await settle();
    expect(h.of('train/state').at(-1)?.state).toBe('paused');
    expect(h.of('train/progress').flatMap((p) => p.losses)).toEqual([]);

    h.session.receive({ type: 'train/step', count: 3 });
    await h.until((m) => m.type === 'train/state' && m.state === 'paused' && m.step === 3);
    expect(h.of('train/progress').flatMap((p) => p.losses.map((l) => l.step))).toEqual([1, 2, 3]);

    h.session.receive({ type: 'train/resume' });
    await h.until((m) => m.type === 'train/progress' && m.step >= 8);
    h.session.receive({ type: 'train/pause' });
    const paused = (await h.until((m) => m.type === 'train/state' && m.state === 'paused' && m.step > 3)) as Extract<FromWorker, { type: 'train/state' }>;
    await settle();
    const stepsAfterPause = h.of('train/progress').flatMap((p) => p.losses).filter((l) => l.step > paused.step);
    expect(stepsAfterPause).toEqual([]);
    // pausing hands the page the weights it would resume from
    expect(h.of('train/weights').at(-1)?.step).toBe(paused.step);

    h.session.receive({ type: 'train/reset' });
    expect(h.of('train/state').at(-1)?.state).toBe('idle');
    const count = h.messages.length;
    h.session.receive({ type: 'train/resume' });
    h.session.receive({ type: 'train/step', count: 1 });
    await settle();
    expect(h.messages.length).toBe(count);
    expect(h.invalid).toEqual([]);
  });

  it('exports a checkpoint that loadModel accepts, with the run recorded in the manifest', async () => {
    const h = harness();
    h.session.receive({ type: 'export/checkpoint', requestId: 7, id: 'trained-none', title: '' });
    await h.until((m) => m.type === 'error');
    expect(h.of('error')[0]).toMatchObject({ scope: 'export', requestId: 7 });

    h.session.receive({ type: 'train/start', config: TINY, paused: false, resume: null });
    await h.until((m) => m.type === 'train/done');
    h.session.receive({ type: 'export/checkpoint', requestId: 8, id: 'trained-reverse-additive-t1', title: 'Reverse · test' });
    const cp = (await h.until((m) => m.type === 'checkpoint')) as Extract<FromWorker, { type: 'checkpoint' }>;
    expect(cp.requestId).toBe(8);
    const model = await loadModel(JSON.parse(JSON.stringify(cp.manifest)) as unknown, cp.weights);
    expect(model.manifest).toMatchObject({ id: 'trained-reverse-additive-t1', title: 'Reverse · test', task: 'reverse', variant: 'additive' });
    expect(model.manifest.training.steps).toBe(40);
    expect(model.manifest.training.command).toMatch(/trained in the page: task reverse/);
    expect(model.manifest.training.metrics?.exactMatch).toBeTypeOf('number');
    const trace = model.inference.greedy(model.inference.encodeTokens(['c', 'a', 't']));
    expect(trace.steps.length).toBeGreaterThan(0);
  });

  it('trains a Transformer (linear attention) through the same session and exports it as one', async () => {
    const h = harness();
    const config: TrainConfig = { ...TINY, family: 'transformer', variant: 'linear', transformer: { model: 8, heads: 2, layers: 1, ff: 12 } };
    h.session.receive({ type: 'train/start', config, paused: false, resume: null });
    await h.until((m) => m.type === 'train/done');
    expect(h.invalid).toEqual([]);
    const losses = h.of('train/progress').flatMap((p) => p.losses.map((l) => l.loss));
    expect(losses.every(Number.isFinite)).toBe(true);
    // the probe's weights are the mean of the last layer's cross-attention heads: rows sum to 1
    const snap = h.of('train/snapshot').at(-1);
    expect(Array.from(snap?.weights.subarray(0, 4) ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    h.session.receive({ type: 'export/checkpoint', requestId: 11, id: 'trained-reverse-linear', title: '' });
    const cp = (await h.until((m) => m.type === 'checkpoint')) as Extract<FromWorker, { type: 'checkpoint' }>;
    const model = await loadModel(JSON.parse(JSON.stringify(cp.manifest)) as unknown, cp.weights);
    expect(model.manifest).toMatchObject({ family: 'transformer', variant: 'linear', sizes: { model: 8, heads: 2, layers: 1, ff: 12 } });
    expect(model.manifest.training.command).toMatch(/transformer linear, d_model 8, 2 heads, 1 layers/);
    const trace = model.inference.greedy(model.inference.encodeTokens(['c', 'a', 't']));
    expect(trace.transformer?.layers).toBe(1);
  });

  it('a TSV run learns subword units in the worker and exports a checkpoint with its tokenizer files', async () => {
    const lines: string[] = [];
    for (let k = 0; k < 60; k++) lines.push(`the red cat number ${k} sleeps\tle chat rouge numéro ${k} dort`);
    const h = harness();
    h.session.receive({
      type: 'train/start',
      config: { ...TINY, task: { kind: 'tsv', name: 'pairs.tsv', bytes: new TextEncoder().encode(lines.join('\n')), lowercase: false }, maxLength: 30, steps: 2, evalEvery: 0, probe: { source: 'the red cat 🐈', target: '' } },
      paused: false,
      resume: null,
    });
    const data = (await h.until((m) => m.type === 'data/ready')) as Extract<FromWorker, { type: 'data/ready' }>;
    // the probe's emoji is bytes, not <unk>
    expect(data.probe.source).not.toContain('<unk>');
    expect(data.probe.source.some((t) => /^<0x[0-9A-F]{2}>$/.test(t))).toBe(true);
    await h.until((m) => m.type === 'train/done');
    h.session.receive({ type: 'export/checkpoint', requestId: 9, id: 'my-pairs', title: '' });
    const cp = (await h.until((m) => m.type === 'checkpoint')) as Extract<FromWorker, { type: 'checkpoint' }>;
    expect(cp.manifest.tokenizer.level).toBe('bpe');
    expect(Object.keys(cp.files).sort()).toEqual(['tokenizer.source.json', 'tokenizer.target.json']);
    const model = await loadModel(JSON.parse(JSON.stringify(cp.manifest)) as unknown, cp.weights, cp.files);
    expect(model.codecs.source.subword).toBe(true);
    expect(model.codecs.target.detokenize(model.codecs.target.tokenize('le chat rouge dort'))).toBe('le chat rouge dort');
  });

  it('reads a TSV in the worker: line errors reported, and a file with no usable pair refused', async () => {
    const lines = ['the cat\tle chat', 'no tab here', 'a dog\tun chien', '\tempty source'];
    for (let k = 0; k < 40; k++) lines.push(`word${k} red\tmot${k} rouge`);
    const h = harness();
    h.session.receive({
      type: 'train/start',
      config: { ...TINY, task: { kind: 'tsv', name: 'pairs.tsv', bytes: new TextEncoder().encode(lines.join('\n')), lowercase: true }, steps: 2, evalEvery: 0, probe: { source: '', target: '' } },
      paused: true,
      resume: null,
    });
    const data = (await h.until((m) => m.type === 'data/ready')) as Extract<FromWorker, { type: 'data/ready' }>;
    expect(data.lineErrorCount).toBe(2);
    expect(data.lineErrors.map((e) => e.line)).toEqual([2, 4]);
    expect(data.lineErrors[0]).toMatchObject({ line: 2, code: 'columns', params: { n: 1 }, message: expect.stringMatching(/line 2: expected 2 or 3 tab-separated columns/) });
    expect(data.warnings.map((w) => w.code)).toContain('probe-empty');
    expect(data.train + data.dev).toBeGreaterThan(30);
    expect(data.probe.source.length).toBeGreaterThan(0); // an empty probe falls back to a dev pair

    const bad = harness();
    bad.session.receive({
      type: 'train/start',
      config: { ...TINY, task: { kind: 'tsv', name: 'bad.tsv', bytes: new TextEncoder().encode('only one column\nstill one\n'), lowercase: false } },
      paused: false,
      resume: null,
    });
    const err = (await bad.until((m) => m.type === 'error')) as Extract<FromWorker, { type: 'error' }>;
    expect(err.scope).toBe('data');
    expect(err).toMatchObject({ code: 'no-pairs', params: { name: 'bad.tsv', read: 0, problems: 2 } });
    expect(err.message).toMatch(/bad.tsv: no usable sentence pairs/);
    expect(err.lineErrors.map((e) => e.code)).toEqual(['columns', 'columns']);
    expect(err.lineErrors.map((e) => e.line)).toEqual([1, 2]);
    expect(bad.of('train/state').at(-1)?.state).toBe('idle');
    expect(bad.invalid).toEqual([]);
  });

  it('surfaces the NaN guard and keeps training', async () => {
    const original = Trainer.prototype.trainStep;
    let calls = 0;
    vi.spyOn(Trainer.prototype, 'trainStep').mockImplementation(function (this: Trainer) {
      calls++;
      if (calls === 3) return { type: 'guard', step: 3, what: 'loss', value: NaN, restoredStep: 0, restored: false, message: 'Step 3: the loss became NaN; the update was skipped.' };
      return original.call(this);
    });
    const h = harness();
    h.session.receive({ type: 'train/start', config: { ...TINY, steps: 10, evalEvery: 0 }, paused: false, resume: null });
    await h.until((m) => m.type === 'train/done');
    expect(h.of('train/guard')).toEqual([{ type: 'train/guard', step: 3, what: 'loss', value: NaN, restoredStep: 0, restored: false, message: 'Step 3: the loss became NaN; the update was skipped.' }]);
    expect(h.invalid).toEqual([]);
  });

  it('resumes from a weights message: same weights, the step count goes on', async () => {
    const h = harness();
    h.session.receive({ type: 'train/start', config: { ...TINY, steps: 30, evalEvery: 0 }, paused: true, resume: null });
    h.session.receive({ type: 'train/step', count: 12 });
    await h.until((m) => m.type === 'train/state' && m.state === 'paused' && m.step === 12);
    const weights = h.of('train/weights').at(-1) as Extract<FromWorker, { type: 'train/weights' }>;
    expect(weights.step).toBe(12);
    const snapAt12 = h.of('train/snapshot').at(-1);

    // a new worker (a new session), given those weights
    const r = harness();
    r.session.receive({ type: 'train/start', config: { ...TINY, steps: 30, evalEvery: 0 }, paused: true, resume: { step: weights.step, tensors: structuredClone(weights.tensors) } });
    await settle();
    const first = r.of('train/snapshot')[0];
    expect(first?.step).toBe(12);
    // the probe decodes the same way from the same weights
    expect(first?.output).toEqual(h.of('train/snapshot').find((s) => s.step === 12)?.output ?? snapAt12?.output);
    r.session.receive({ type: 'train/resume' });
    await r.until((m) => m.type === 'train/done');
    expect(r.of('train/progress').flatMap((p) => p.losses.map((l) => l.step))).toEqual(Array.from({ length: 18 }, (_, k) => k + 13));

    const bad = harness();
    bad.session.receive({ type: 'train/start', config: { ...TINY, sizes: { ...TINY.sizes, hidden: 20 } }, paused: true, resume: { step: 12, tensors: weights.tensors } });
    const err = (await bad.until((m) => m.type === 'error')) as Extract<FromWorker, { type: 'error' }>;
    expect(err).toMatchObject({ scope: 'data', code: 'resume-mismatch', params: {} });
    expect(err.message).toMatch(/do not fit this run/);
  });

  it('answers a malformed command with a protocol error and keeps working', () => {
    const h = harness();
    h.session.receive({ type: 'train/start', config: { ...TINY, lr: 'fast' }, paused: false, resume: null });
    h.session.receive({ type: 'ping', seq: 9 });
    expect(h.messages.map((m) => m.type)).toEqual(['error', 'pong']);
    expect(h.of('error')[0]).toMatchObject({ scope: 'protocol', code: 'bad-command', params: { detail: expect.stringMatching(/config.lr/) } });
    expect(h.of('error')[0]?.message).toMatch(/config.lr/);
  });
});
