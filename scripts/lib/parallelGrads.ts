// Data-parallel gradients for the Node CLIs: the batch is split across worker threads that share
// the weights (SharedArrayBuffer, zero copy) and write their gradients into shared buffers; the
// main thread computes one share itself and combines them weighted by tokens. The result is the
// exact gradient of the mean loss over the whole batch, so the Trainer's step is unchanged.

import { Worker } from 'node:worker_threads';
import { makeBatch, type PairIds } from '../../src/model/batch';
import type { ModelConfig } from '../../src/model/config';
import { batchLoss } from '../../src/model/family';
import { Params } from '../../src/model/params';
import { Tensor, backward } from '../../src/tensor';

/** A copy of the parameters whose values live in shared memory (so threads see every update). */
export function shareParams(params: Params): Params {
  return new Params(
    params.list.map((p) => {
      const data = new Float32Array(new SharedArrayBuffer(p.size * 4));
      data.set(p.data);
      return new Tensor(data, p.shape, true, p.name);
    }),
  );
}

export interface WorkerInit {
  config: ModelConfig;
  names: string[];
  shapes: number[][];
  values: SharedArrayBuffer[];
  grads: SharedArrayBuffer[];
}

export type WorkerRequest = { type: 'grad'; id: number; sources: Int32Array[]; targets: Int32Array[] };
export type WorkerReply = { type: 'grad'; id: number; loss: number; tokens: number } | { type: 'error'; id: number; message: string };

/** Split pairs into `parts` shares of about equal target tokens (greedy by size). */
export function splitByTokens(pairs: readonly PairIds[], parts: number): PairIds[][] {
  const shares: PairIds[][] = Array.from({ length: parts }, () => []);
  const load = new Array<number>(parts).fill(0);
  const order = [...pairs].sort((a, b) => b.target.length + b.source.length - (a.target.length + a.source.length));
  for (const p of order) {
    let k = 0;
    for (let i = 1; i < parts; i++) if ((load[i] as number) < (load[k] as number)) k = i;
    (shares[k] as PairIds[]).push(p);
    load[k] = (load[k] as number) + p.target.length + p.source.length + 2;
  }
  return shares.filter((s) => s.length > 0);
}

export class ParallelGradients {
  private readonly workers: Worker[] = [];
  private readonly gradViews: Float32Array[][] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: { loss: number; tokens: number }) => void; reject: (e: Error) => void }>();

  /** `params` must come from shareParams(). `threads` counts the main thread. */
  constructor(
    private readonly config: ModelConfig,
    private readonly params: Params,
    threads: number,
  ) {
    const values = params.list.map((p) => {
      const buf = p.data.buffer;
      if (!(buf instanceof SharedArrayBuffer)) throw new Error('ParallelGradients: parameters must be shared (shareParams)');
      return buf;
    });
    for (let w = 0; w < threads - 1; w++) {
      const grads = params.list.map((p) => new SharedArrayBuffer(p.size * 4));
      this.gradViews.push(grads.map((g) => new Float32Array(g)));
      const init: WorkerInit = {
        config,
        names: params.list.map((p) => p.name as string),
        shapes: params.list.map((p) => [...p.shape]),
        values,
        grads,
      };
      // the worker is TypeScript: register tsx's loader inside the thread, then load it
      const url = new URL('./gradWorker.ts', import.meta.url).href;
      const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
      const worker = new Worker(boot, { eval: true, workerData: init });
      worker.on('message', (msg: WorkerReply) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === 'error') p.reject(new Error(`gradient worker: ${msg.message}`));
        else p.resolve({ loss: msg.loss, tokens: msg.tokens });
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  private ask(w: number, pairs: PairIds[]): Promise<{ loss: number; tokens: number }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: WorkerRequest = { type: 'grad', id, sources: pairs.map((p) => p.source), targets: pairs.map((p) => p.target) };
      (this.workers[w] as Worker).postMessage(req);
    });
  }

  /** Fill params[].grad with the gradient of the batch's mean loss per token; return that loss. */
  async compute(pairs: PairIds[]): Promise<{ loss: number; tokens: number }> {
    const shares = splitByTokens(pairs, this.workers.length + 1);
    const remote = shares.slice(1).map((share, w) => this.ask(w, share));
    for (const p of this.params.list) p.zeroGrad();
    const batch = makeBatch(shares[0] as PairIds[]);
    const { loss } = batchLoss(this.params, this.config, batch);
    const l0 = loss.item();
    if (Number.isFinite(l0)) backward(loss);
    const results = await Promise.all(remote);
    let tokens = batch.tokens;
    for (const r of results) tokens += r.tokens;
    // combine: g = Σ_k n_k g_k / N, where g_k is the gradient of share k's mean loss
    const w0 = batch.tokens / tokens;
    this.params.list.forEach((p, i) => {
      const g = p.gradBuffer();
      for (let e = 0; e < g.length; e++) g[e] = (g[e] as number) * w0;
      results.forEach((r, w) => {
        const gw = (this.gradViews[w] as Float32Array[])[i] as Float32Array;
        const f = r.tokens / tokens;
        for (let e = 0; e < g.length; e++) g[e] = (g[e] as number) + (gw[e] as number) * f;
      });
    });
    let lossTotal = l0 * batch.tokens;
    for (const r of results) lossTotal += r.loss * r.tokens;
    return { loss: lossTotal / tokens, tokens };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
