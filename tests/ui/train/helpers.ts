// Shared set-up for the train-view tests: a fake Worker the train store spawns (the test speaks
// for the worker), a real tiny checkpoint for exports, and a store reset between tests.

import { act } from '@testing-library/react';
import { vi } from 'vitest';
import { saveModel } from '../../../src/model/bundle';
import type { Manifest } from '../../../src/model/checkpoint';
import { initParams } from '../../../src/model/params';
import { setIndexedDbFactory, useStoredModels } from '../../../src/store/modelDb';
import { applyWorkerMessages, resetTrainStore, setWorkerFactory } from '../../../src/store/train';
import type { WorkerLike } from '../../../src/worker/client';
import type { FromWorker, ToWorker } from '../../../src/worker/protocol';
import { makeConfig, srcVocab, tgtVocab } from '../../model/fixtures';
import { resetStore } from '../panels/helpers';

type Listener = (event: Event) => void;

export class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  terminated = false;
  private listeners = new Map<string, Set<Listener>>();
  /** Called for each command (e.g. to answer export/checkpoint). */
  onCommand: ((msg: ToWorker, worker: FakeWorker) => void) | null = null;

  postMessage(message: unknown, ...rest: unknown[]): void {
    if (rest.length > 0) throw new Error('a transfer list was passed: buffers must be copied');
    const msg = structuredClone(message) as ToWorker;
    this.sent.push(msg);
    if (msg.type === 'ping') queueMicrotask(() => this.emit({ type: 'pong', seq: msg.seq }));
    this.onCommand?.(msg, this);
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
  emit(data: FromWorker | Record<string, unknown>): void {
    for (const l of this.listeners.get('message') ?? []) l({ data: structuredClone(data) } as MessageEvent);
  }
  fire(type: 'error' | 'messageerror', message = ''): void {
    for (const l of this.listeners.get(type) ?? []) l({ type, message, preventDefault() {} } as unknown as Event);
  }
  commands(): string[] {
    return this.sent.filter((m) => m.type !== 'ping').map((m) => m.type);
  }
  last<T extends ToWorker['type']>(type: T): Extract<ToWorker, { type: T }> | undefined {
    return this.sent.filter((m): m is Extract<ToWorker, { type: T }> => m.type === type).at(-1);
  }
}

export const workers: FakeWorker[] = [];

/** The newest fake worker. */
export function worker(): FakeWorker {
  const w = workers.at(-1);
  if (!w) throw new Error('no worker was spawned');
  return w;
}

export function setUpTrain(): void {
  resetStore();
  resetTrainStore();
  workers.length = 0;
  setIndexedDbFactory(null);
  useStoredModels.setState({ list: [], error: null });
  setWorkerFactory(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
}

export function tearDownTrain(): void {
  resetTrainStore();
  setWorkerFactory(null);
  setIndexedDbFactory(undefined);
  resetStore();
}

/** Let queued worker messages reach the store and React (without waiting for the 5 Hz timer). */
export async function flush(ms = 5): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
    applyWorkerMessages();
  });
}

/** Speak for the worker, then let the page catch up. */
export async function say(...messages: Array<FromWorker | Record<string, unknown>>): Promise<void> {
  for (const m of messages) worker().emit(m);
  await flush();
}

export function snapshot(step: number, diagonal: number): FromWorker {
  // 4×4 α for "c a t </s>" → "t a c </s>": `diagonal` of each row on the anti-diagonal
  const weights = new Float32Array(16);
  for (let i = 0; i < 4; i++) {
    const j = i < 3 ? 2 - i : 3;
    for (let k = 0; k < 4; k++) weights[i * 4 + k] = k === j ? diagonal : (1 - diagonal) / 3;
  }
  return { type: 'train/snapshot', step, source: ['c', 'a', 't', '</s>'], target: ['t', 'a', 'c', '</s>'], rows: 4, cols: 4, weights, output: step > 0 ? ['t', 'a', 'c'] : ['a'], forced: true };
}

export function progress(step: number, extra: Partial<Extract<FromWorker, { type: 'train/progress' }>> = {}): FromWorker {
  return { type: 'train/progress', step, maxSteps: 600, epoch: 1, loss: 3 / step, losses: [{ step, loss: 3 / step }], eval: null, tokensPerSec: 2500, gradNorm: 0.8, lr: 0.005, elapsedMs: step * 50, ...extra };
}

export const DATA_READY: Extract<FromWorker, { type: 'data/ready' }> = {
  type: 'data/ready',
  train: 10000,
  dev: 200,
  srcVocab: 30,
  tgtVocab: 30,
  description: 'task reverse',
  lineErrors: [],
  lineErrorCount: 0,
  warnings: [],
  probe: { source: ['c', 'a', 't'], target: ['t', 'a', 'c'] },
};

/** A real (untrained, tiny) checkpoint with the given id, as the worker would export it. */
export async function checkpoint(id: string, task = 'toy'): Promise<{ manifest: Manifest; weights: Uint8Array }> {
  const config = makeConfig('additive');
  const params = initParams(config, 5, 'float32');
  return saveModel({
    id,
    title: `Test model ${id}`,
    task,
    config,
    params,
    srcVocab,
    tgtVocab,
    tokenizer: { level: 'word', lowercase: true },
    training: { command: 'test', seconds: 1, steps: 3, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' },
    dtype: 'F32',
  });
}

/**
 * A stubbed `fetch` serving shipped models: the list (these models, then `alsoListed` ids with no
 * files), and each model's manifest and weights, after `gate` when one is given; 404 otherwise.
 * Returns the paths asked for, in order.
 */
export function serveModels(models: ReadonlyArray<{ manifest: Manifest; weights: Uint8Array }>, options: { gate?: Promise<void>; alsoListed?: string[] } = {}): string[] {
  const asked: string[] = [];
  const task = models[0]?.manifest.task ?? 'toy';
  const listed = [...models.map((m) => ({ id: m.manifest.id, task: m.manifest.task })), ...(options.alsoListed ?? []).map((id) => ({ id, task }))];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = new URL(url, 'http://localhost/').pathname;
      asked.push(path);
      if (path.endsWith('/index.json')) return new Response(JSON.stringify({ models: listed.map((m) => ({ ...m, variant: 'additive' })) }));
      await options.gate;
      for (const m of models) {
        if (path.endsWith(`/${m.manifest.id}/manifest.json`)) return new Response(JSON.stringify(m.manifest));
        if (path.endsWith(`/${m.manifest.id}/model.safetensors`)) return new Response(m.weights.slice());
      }
      return new Response('nope', { status: 404 });
    }),
  );
  return asked;
}
