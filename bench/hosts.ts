// Bench hosts: worker threads that build and time cases, so that each contender runs in an
// isolate in the state it would have in the product.
//
// Why: V8 keeps one "ArrayBuffer detaching" protector per isolate. The first time any
// ArrayBuffer is detached in an isolate — a postMessage/structuredClone transfer, or a
// WebAssembly.Memory growing (tfjs-wasm does this) — the protector is invalidated for good, and
// optimised code must re-check detachment on typed-array loads it could otherwise trust. Our
// packed gemm loses ~30 % of its speed then (bench/README.md). So:
//   main thread      our kernels, in a clean isolate (like a page or worker that never
//                    detaches): keep tfjs out of the bench's main thread;
//   `ours-detached`  the same kernels in a worker after a deliberate detach (the worst case);
//   `tfjs`           TensorFlow.js, both backends (its wasm memory growth detaches buffers).
// Every payload is copied into the worker (structured clone, no transfer list) and results come
// back the same way, so no host's protector is touched by the messaging itself.

import { Worker } from 'node:worker_threads';
import type { BuiltCase } from './cases';
import { localCase, type TimedCase } from './timing';

export type HostName = 'ours-detached' | 'tfjs';

export type HostRequest =
  | { op: 'init'; detach: boolean }
  | { op: 'tfjsInfo' }
  | { op: 'build'; id: number; builder: string; payload: unknown }
  | { op: 'warmup'; id: number; ms: number; minCalls?: number }
  | { op: 'calibrate'; id: number; minSampleMs: number }
  | { op: 'sample'; id: number; reps: number }
  | { op: 'dispose'; id: number };

export type HostReply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: string };

/** A case built inside a host: timed there, its result copied back. */
export interface RemoteCase extends TimedCase {
  result: Float32Array | undefined;
  /** BuiltCase.info, copied back. */
  info: Record<string, unknown> | undefined;
  dispose(): Promise<void>;
}

export class Host {
  private readonly worker: Worker;
  private seq = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly name: HostName) {
    this.worker = new Worker(new URL('./host-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./host.worker.ts', import.meta.url).href, name },
    });
    this.worker.on('message', (m: HostReply) => {
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`bench host ${name}: ${m.error}`));
    });
    const failAll = (e: Error): void => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => failAll(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => failAll(new Error(`bench host ${name} exited (code ${code})`)));
  }

  request<T>(msg: HostRequest): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ seq, msg });
    });
  }

  /** Build a case with a builder registered in bench/host.worker.ts. */
  async build(builder: string, payload: unknown): Promise<RemoteCase> {
    const id = this.nextId++;
    const { result, info } = await this.request<{ result: Float32Array | undefined; info: Record<string, unknown> | undefined }>({ op: 'build', id, builder, payload });
    return {
      result,
      info,
      warmup: (ms, minCalls) => this.request<void>({ op: 'warmup', id, ms, ...(minCalls === undefined ? {} : { minCalls }) }),
      calibrate: (minSampleMs) => this.request<number>({ op: 'calibrate', id, minSampleMs }),
      sample: (reps) => this.request<number>({ op: 'sample', id, reps }),
      dispose: () => this.request<void>({ op: 'dispose', id }),
    };
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

const hosts = new Map<HostName, Promise<Host>>();

/** A case built and timed in this (main) thread, with the same interface as a remote one. */
export function localBuilt(built: BuiltCase): RemoteCase {
  return {
    ...localCase(built.fn, built.before),
    result: built.result,
    info: built.info,
    dispose: async () => built.dispose?.(),
  };
}

/** The host of that name, started on first use. */
export function getHost(name: HostName): Promise<Host> {
  let h = hosts.get(name);
  if (!h) {
    h = (async () => {
      const host = new Host(name);
      await host.request<void>({ op: 'init', detach: name === 'ours-detached' });
      return host;
    })();
    hosts.set(name, h);
  }
  return h;
}

/** Version, SIMD and thread count of tfjs as initialised in the tfjs host. */
export async function tfjsInfo(): Promise<{ version: string; simd: boolean; threads: number }> {
  return (await getHost('tfjs')).request({ op: 'tfjsInfo' });
}

export async function closeHosts(): Promise<void> {
  const all = [...hosts.values()];
  hosts.clear();
  await Promise.all(all.map(async (h) => (await h).terminate()));
}
