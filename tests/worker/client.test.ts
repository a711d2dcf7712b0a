// The main-thread bridge and its watchdog, with a fake Worker (no thread) and fake timers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_EXPORT_TIMEOUT_MS, TrainClient, WorkerGoneError, WorkerReplyError, type WorkerLike } from '../../src/worker/client';
import type { FromWorker } from '../../src/worker/protocol';

type Listener = (event: Event) => void;

/** A Worker that records what it is sent and lets the test speak for the worker. */
class FakeWorker implements WorkerLike {
  sent: unknown[][] = [];
  terminated = false;
  private listeners = new Map<string, Set<Listener>>();
  /** Answer pings automatically (a healthy worker). */
  answerPings = true;

  postMessage(...args: unknown[]): void {
    this.sent.push(args);
    const msg = args[0] as { type: string; seq?: number };
    if (this.answerPings && msg.type === 'ping') queueMicrotask(() => this.emit({ type: 'pong', seq: msg.seq }));
  }
  terminate(): void {
    this.terminated = true;
  }
  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  emit(data: unknown): void {
    for (const l of this.listeners.get('message') ?? []) l({ data } as MessageEvent);
  }
  fire(type: 'error' | 'messageerror', extra: Record<string, unknown> = {}): void {
    for (const l of this.listeners.get(type) ?? []) l({ type, preventDefault() {}, ...extra } as unknown as Event);
  }
  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
  commands(): string[] {
    return this.sent.map((a) => (a[0] as { type: string }).type);
  }
}

let now = 0;
let worker: FakeWorker;
let messages: FromWorker[];
let dead: string[];
let invalid: string[];

function makeClient(extra: Partial<ConstructorParameters<typeof TrainClient>[0]> = {}): TrainClient {
  return new TrainClient({
    spawn: () => worker,
    onMessage: (m) => messages.push(m),
    onDead: (r) => dead.push(r),
    onInvalid: (e) => invalid.push(e),
    heartbeatMs: 1000,
    timeoutMs: 5000,
    startupMs: 8000,
    prepareMs: 30_000,
    now: () => now,
    ...extra,
  });
}

/** Advance the fake clock and the timers together. */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 500) {
    now += 500;
    await vi.advanceTimersByTimeAsync(500);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  now = 0;
  worker = new FakeWorker();
  messages = [];
  dead = [];
  invalid = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TrainClient', () => {
  it('resolves ready, forwards validated messages and pings while healthy', async () => {
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    await expect(client.ready).resolves.toBeUndefined();
    worker.emit({ type: 'train/state', state: 'running', step: 3 });
    expect(messages.map((m) => m.type)).toEqual(['ready', 'train/state']);
    await advance(20_000);
    expect(dead).toEqual([]);
    expect(worker.commands().filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(15);
    client.dispose();
  });

  it('drops and reports messages that fail validation', () => {
    makeClient();
    worker.emit({ type: 'train/snapshot', step: 1, source: ['a'], target: ['a'], rows: 1, cols: 1, weights: [1], output: [], forced: false });
    worker.emit('not even an object');
    expect(messages).toEqual([]);
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatch(/Float32Array/);
  });

  it('copies commands: postMessage never gets a transfer list', async () => {
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    client.send({ type: 'train/step', count: 2 });
    await advance(2000);
    expect(worker.sent.length).toBeGreaterThan(1);
    for (const args of worker.sent) expect(args).toHaveLength(1);
  });

  it('terminates a worker that stops answering, rejects what was pending and says why', async () => {
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    const exported = client.exportCheckpoint('trained-x', 'x');
    const rejected = expect(exported).rejects.toBeInstanceOf(WorkerGoneError);
    worker.answerPings = false; // hung in a loop
    await advance(4000);
    expect(dead).toEqual([]);
    await advance(3000);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatch(/stopped answering/);
    expect(worker.terminated).toBe(true);
    expect(worker.listenerCount()).toBe(0);
    await rejected;
    expect(client.alive).toBe(false);
    expect(client.send({ type: 'train/pause' })).toBe(false);
    await expect(client.exportCheckpoint('trained-x', 'x')).rejects.toBeInstanceOf(WorkerGoneError);
    // dead once, not once per heartbeat
    await advance(5000);
    expect(dead).toHaveLength(1);
  });

  it('keeps an idle worker in a background tab, where the heartbeat runs once a minute', async () => {
    makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    for (let k = 0; k < 5; k++) {
      now += 60_000; // the timer was throttled: a minute passed without a tick
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(dead).toEqual([]);
    // but a ping left unanswered still counts, however rarely the timer runs
    worker.answerPings = false;
    now += 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(dead).toHaveLength(1);
  });

  it('allows a long silence while the data is prepared, not afterwards', async () => {
    makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    worker.answerPings = false;
    worker.emit({ type: 'train/state', state: 'preparing', step: 0 });
    await advance(20_000);
    expect(dead).toEqual([]);
    worker.emit({ type: 'data/ready', train: 1, dev: 1, srcVocab: 5, tgtVocab: 5, description: 'd', lineErrors: [], lineErrorCount: 0, warnings: [], probe: { source: ['a'], target: null } });
    await advance(7000);
    expect(dead).toHaveLength(1);
  });

  it('gives up on a worker that never says ready', async () => {
    const client = makeClient();
    worker.answerPings = false;
    await advance(9000);
    expect(dead[0]).toMatch(/stopped answering/);
    await expect(client.ready).rejects.toBeInstanceOf(WorkerGoneError);
  });

  it('treats error and messageerror events as death', () => {
    makeClient();
    worker.fire('error', { message: 'Uncaught RangeError: boom' });
    expect(dead).toEqual(['the training worker failed: Uncaught RangeError: boom']);
    expect(worker.terminated).toBe(true);

    worker = new FakeWorker();
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    const exported = client.exportCheckpoint('trained-x', 'x');
    worker.fire('messageerror');
    expect(dead[1]).toMatch(/could not be read/);
    expect(worker.terminated).toBe(true);
    return expect(exported).rejects.toBeInstanceOf(WorkerGoneError);
  });

  it('reports a worker that cannot even be constructed', () => {
    const client = makeClient({
      spawn: () => {
        throw new Error('blocked by the Content-Security-Policy');
      },
    });
    expect(client.alive).toBe(false);
    expect(dead[0]).toMatch(/could not be started.*Content-Security-Policy/);
  });

  it('matches checkpoints and export errors to their requests', async () => {
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    const a = client.exportCheckpoint('trained-a', 'A');
    const b = client.exportCheckpoint('trained-b', 'B');
    const [first, second] = worker.sent.filter((s) => (s[0] as { type: string }).type === 'export/checkpoint').map((s) => s[0] as { requestId: number });
    worker.emit({ type: 'error', scope: 'export', code: 'no-model', params: {}, message: 'nothing to export', requestId: second?.requestId, lineErrors: [] });
    // the worker's code and values travel with the error (the page words them), its English as the message
    await expect(b).rejects.toThrow('nothing to export');
    await expect(b).rejects.toMatchObject({ name: 'TrainWorkerError', code: 'no-model', params: {} });
    // a checkpoint with a broken manifest is refused by validation: it was `a`'s one reply, so
    // `a` is rejected at once, saying why, and the worker carries on
    const c = client.exportCheckpoint('trained-c', 'C');
    worker.emit({ type: 'checkpoint', requestId: first?.requestId, manifest: {}, weights: new Uint8Array(1) });
    expect(invalid).toHaveLength(1);
    await expect(a).rejects.toThrow(WorkerReplyError);
    await expect(a).rejects.toThrow(/reply was not valid \(checkpoint\.manifest/);
    await expect(a).rejects.toMatchObject({ kind: 'invalid', params: { detail: expect.stringMatching(/^checkpoint\.manifest/) } });
    expect(client.alive).toBe(true);
    // a refused message naming no pending request rejects nothing
    worker.emit({ type: 'checkpoint', requestId: 999, manifest: {}, weights: new Uint8Array(1) });
    worker.emit({ type: 'train/progress', requestId: 3 });
    expect(invalid).toHaveLength(3);
    client.dispose();
    await expect(c).rejects.toBeInstanceOf(WorkerGoneError);
    expect(dead).toEqual([]); // dispose is not a death
  });

  it('an export whose reply never comes rejects after exportTimeoutMs, and the worker lives on', async () => {
    const client = makeClient({ exportTimeoutMs: 5000 });
    worker.emit({ type: 'ready', protocol: 1 });
    let settled: unknown = null;
    const exported = client.exportCheckpoint('trained-x', 'x').catch((e: unknown) => (settled = e));
    await advance(4500);
    expect(settled).toBeNull();
    await advance(1000);
    await exported;
    expect(settled).toBeInstanceOf(WorkerReplyError);
    expect((settled as Error).message).toBe('the training worker did not send the model within 5 s; try exporting again');
    expect(settled).toMatchObject({ kind: 'timeout', params: { seconds: 5 } });
    expect(client.alive).toBe(true);
    expect(dead).toEqual([]);
    // the late reply finds nothing pending and breaks nothing
    const [req] = worker.sent.filter((s) => (s[0] as { type: string }).type === 'export/checkpoint').map((s) => s[0] as { requestId: number });
    worker.emit({ type: 'error', scope: 'export', code: 'internal', params: { detail: 'late' }, message: 'late', requestId: req?.requestId, lineErrors: [] });
    expect(client.alive).toBe(true);
    client.dispose();
  });

  it('the export deadline defaults to DEFAULT_EXPORT_TIMEOUT_MS (60 s)', async () => {
    expect(DEFAULT_EXPORT_TIMEOUT_MS).toBe(60_000);
    const client = makeClient();
    worker.emit({ type: 'ready', protocol: 1 });
    let settled: unknown = null;
    const exported = client.exportCheckpoint('trained-x', 'x').catch((e: unknown) => (settled = e));
    await advance(59_000);
    expect(settled).toBeNull();
    await advance(1500);
    await exported;
    expect(settled).toBeInstanceOf(WorkerReplyError);
    expect((settled as Error).message).toMatch(/within 60 s/);
    expect(dead).toEqual([]);
    client.dispose();
  });
});
