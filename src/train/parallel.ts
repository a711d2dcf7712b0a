// Data-parallel gradients, ONE implementation for the Node CLIs (worker threads) and the page
// (Web Workers inside the training worker). The batch is split into shares of about equal tokens;
// the calling thread computes the first share itself, each gradient worker one other share with
// the same weights (a SharedArrayBuffer: zero copy, every Adam update seen at once) and writes its
// gradient into shared buffers of its own. The caller combines them weighted by tokens:
//
//     g = Σ_k n_k g_k / N        (g_k: the gradient of share k's mean loss, n_k its tokens)
//
// which is the exact gradient of the mean loss over the whole batch, so the Trainer's step
// (guard, clip, Adam) is unchanged and the loss curve is the one-thread curve within float
// round-off (docs/ARCHITECTURE.md, "Training on every core").
//
// Nothing here knows what a thread is: a gradient worker is a `GradPort` (post a message, hear
// replies and failures, terminate). `scripts/lib/parallelGrads.ts` adapts Node's worker_threads,
// `src/worker/gradPort.ts` the page's Web Workers; both worker entries run `gradientWorker`.
// Messages are checked on both sides (docs/RELIABILITY.md, "the worker dies or sends garbage"),
// and every request has a deadline, so a gradient worker that crashes, hangs or answers garbage
// is dropped with a reason (`GradientWorkerError`) instead of leaving training waiting forever:
// the caller decides whether to go on with the others (the page does; the CLI stops).

import { makeBatch, type PairIds } from '../model/batch';
import type { ModelConfig } from '../model/config';
import { batchLoss, type LossOptions } from '../model/family';
import { Params } from '../model/params';
import { Tensor, backward, type FloatArray } from '../tensor';
import { withConstantOperands } from '../tensor/kernels/gemm';
import { isRecord } from '../model/schema';
import * as v from 'valibot';

/** What a pool needs of one gradient worker (a Node worker thread, a Web Worker, a fake in tests). */
export interface GradPort {
  /** Send a request (structured clone; SharedArrayBuffers are shared, never copied). */
  post(message: GradRequest): void;
  /** Every message the worker sends (unchecked: the pool validates it). */
  onMessage(listener: (data: unknown) => void): void;
  /** The worker failed (crashed, failed to load, a message that could not be read). */
  onError(listener: (reason: string) => void): void;
  terminate(): void;
}

// ---- messages: one valibot schema per message, the types derived (docs/ARCHITECTURE.md, -------
// "Schemas at the boundaries"). Buffers are checked by kind, never element by element.

const messageId = v.pipe(v.number(), v.safeInteger());
// looked up at call time: a page that is not cross-origin isolated has no SharedArrayBuffer at all
const shared = v.array(v.custom<SharedArrayBuffer>((x) => typeof SharedArrayBuffer === 'function' && x instanceof SharedArrayBuffer));
const tokenLists = v.array(v.custom<Int32Array>((x) => x instanceof Int32Array));

const GRAD_REQUEST_SCHEMAS = {
  init: v.pipe(
    v.object({
      type: v.literal('init'),
      id: messageId,
      config: v.custom<ModelConfig>(isRecord),
      names: v.pipe(v.array(v.string()), v.minLength(1)),
      shapes: v.array(v.array(v.number())),
      values: shared,
      grads: shared,
    }),
    v.check((r) => r.shapes.length === r.names.length && r.values.length === r.names.length && r.grads.length === r.names.length),
  ),
  grad: v.pipe(
    v.object({
      type: v.literal('grad'),
      id: messageId,
      sources: tokenLists,
      targets: tokenLists,
      // the step's dropout (src/model/dropout.ts): every share draws its pairs' masks from the same seed
      dropout: v.optional(v.object({ rate: v.pipe(v.number(), v.minValue(0), v.maxValue(0.99)), seed: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) })),
    }),
    v.check((r) => r.sources.length === r.targets.length),
  ),
};
const GRAD_REQUEST_ERRORS = { init: 'init: config, names, shapes and shared buffers must agree', grad: 'grad: sources and targets must be Int32Array lists of one length' } as const;

const GRAD_REPLY_SCHEMAS = {
  ready: v.object({ type: v.literal('ready'), id: messageId }),
  grad: v.object({ type: v.literal('grad'), id: messageId, loss: v.number(), tokens: v.pipe(messageId, v.minValue(0)) }),
  error: v.object({ type: v.literal('error'), id: messageId, message: v.pipe(v.string(), v.transform((m) => m.slice(0, 500))) }),
};

export type GradRequest = v.InferOutput<(typeof GRAD_REQUEST_SCHEMAS)[keyof typeof GRAD_REQUEST_SCHEMAS]>;
export type GradReply = v.InferOutput<(typeof GRAD_REPLY_SCHEMAS)[keyof typeof GRAD_REPLY_SCHEMAS]>;

/**
 * Why a gradient worker was dropped: it failed (`detail`: its own words), did not answer within
 * `seconds`, answered with something that is not a reply, had already been dropped, or the pool
 * was closed. The page words each kind (src/ui/i18n.ts); `message` is the CLI's English.
 */
export type GradientFailure = 'failed' | 'timeout' | 'bad-reply' | 'gone' | 'stopped';

/** A gradient worker failed, hung past its deadline or answered garbage; it has been dropped. */
export class GradientWorkerError extends Error {
  override readonly name = 'GradientWorkerError';
  constructor(
    readonly kind: GradientFailure,
    message: string,
    readonly params: { seconds?: number; detail?: string } = {},
  ) {
    super(message);
  }
}

function workerFailed(detail: string): GradientWorkerError {
  return new GradientWorkerError('failed', `a gradient worker failed: ${detail}`, { detail });
}

/** Whether this thread can share memory with workers (the page: only when cross-origin isolated). */
export function canShareMemory(): boolean {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
  // Node has SharedArrayBuffer and no crossOriginIsolated; a browser has both and says false
  // when the page was not served with COOP/COEP (README, "Cross-origin isolation")
  return typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
}

/** A copy of the parameters whose values live in shared memory (so workers see every update). */
export function shareParams(params: Params): Params {
  return new Params(
    params.list.map((p) => {
      const data = new Float32Array(new SharedArrayBuffer(p.size * 4));
      data.set(p.data);
      return new Tensor(data, p.shape, true, p.name);
    }),
  );
}

/** Split pairs into `parts` shares of about equal tokens (greedy by size, largest first). */
export function splitByTokens(pairs: readonly PairIds[], parts: number): PairIds[][] {
  const shares: PairIds[][] = Array.from({ length: parts }, () => []);
  const load = new Array<number>(parts).fill(0);
  const order = [...pairs].sort((a, b) => b.target.length + b.source.length - (a.target.length + a.source.length));
  for (const p of order) {
    let k = 0;
    for (let i = 1; i < parts; i++) if (load[i] < load[k]) k = i;
    (shares[k] as PairIds[]).push(p);
    load[k] = load[k] + p.target.length + p.source.length + 2;
  }
  return shares.filter((s) => s.length > 0);
}

// ---- messages, checked -------------------------------------------------------------------------

/** The schema of `data`'s own `type` in `schemas`, or null. */
function schemaFor<K extends string, S>(schemas: Record<K, S>, data: unknown): { type: K; schema: S } | null {
  if (!isRecord(data) || !Object.hasOwn(data, 'type')) return null;
  const type = data.type;
  return typeof type === 'string' && Object.hasOwn(schemas, type) ? { type: type as K, schema: schemas[type as K] } : null;
}

/** A request as the gradient worker received it, or an error saying what is wrong. */
export function parseGradRequest(data: unknown): { ok: true; value: GradRequest } | { ok: false; id: number; error: string } {
  if (!isRecord(data)) return { ok: false, id: -1, error: 'a request must be an object' };
  const id = Object.hasOwn(data, 'id') && Number.isSafeInteger(data.id) ? (data.id as number) : -1;
  const found = schemaFor(GRAD_REQUEST_SCHEMAS, data);
  if (!found) return { ok: false, id, error: 'unknown request type' };
  const r = v.safeParse(found.schema, data);
  return r.success ? { ok: true, value: r.output } : { ok: false, id, error: GRAD_REQUEST_ERRORS[found.type] };
}

function parseGradReply(data: unknown): GradReply | null {
  const found = schemaFor(GRAD_REPLY_SCHEMAS, data);
  const r = found && v.safeParse(found.schema, data);
  return r?.success ? r.output : null;
}

// ---- the gradient worker's side -----------------------------------------------------------------

/**
 * The body of a gradient worker (Node thread or Web Worker): returns the message handler. `init`
 * binds the shared weights and this worker's gradient buffers (sent again for every run); `grad`
 * computes the gradient of one share's mean loss straight into the shared gradient buffers.
 */
export function gradientWorker(post: (reply: GradReply) => void): (data: unknown) => void {
  let bound: { config: ModelConfig; params: Params; grads: Float32Array[] } | null = null;
  return (data) => {
    const parsed = parseGradRequest(data);
    if (!parsed.ok) {
      post({ type: 'error', id: parsed.id, message: parsed.error });
      return;
    }
    const req = parsed.value;
    try {
      if (req.type === 'init') {
        const params = new Params(req.names.map((name, i) => new Tensor(new Float32Array(req.values[i] as SharedArrayBuffer), req.shapes[i] as number[], true, name)));
        const grads = req.grads.map((g) => new Float32Array(g));
        params.list.forEach((p, i) => {
          if ((grads[i] as Float32Array).length !== p.size) throw new Error(`init: the gradient buffer of ${p.name} has the wrong size`);
        });
        bound = { config: req.config, params, grads };
        post({ type: 'ready', id: req.id });
        return;
      }
      if (!bound) throw new Error('grad before init');
      const { params, grads, config } = bound;
      params.list.forEach((p, i) => {
        const g = grads[i] as Float32Array;
        g.fill(0);
        p.grad = g; // backward accumulates straight into shared memory
      });
      const pairs = req.sources.map((source, k) => ({ source, target: req.targets[k] as Int32Array }));
      const batch = makeBatch(pairs);
      const value = shareGradient(params, config, batch, req.dropout ? { dropout: req.dropout } : {});
      post({ type: 'grad', id: req.id, loss: value, tokens: batch.tokens });
    } catch (err) {
      post({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) });
    }
  };
}

/**
 * The mean loss of one share and its gradient, accumulated into params[].grad. The weights do not
 * change until the step ends, so the products pack each weight matrix once for the whole share
 * rather than once per time step (withConstantOperands, src/tensor/kernels/gemm.ts).
 */
function shareGradient(params: Params, config: ModelConfig, batch: ReturnType<typeof makeBatch>, opts: LossOptions): number {
  return withConstantOperands(params.list.map((p) => p.data), () => {
    const { loss } = batchLoss(params, config, batch, opts);
    const value = loss.item();
    if (Number.isFinite(value)) backward(loss);
    return value;
  });
}

/** g ← w₀·g + Σ_k w_{k+1}·others[k] (module-level: see "Hot loops" in src/tensor/autodiff.ts). */
function combineInto(g: FloatArray, others: readonly Float32Array[], weights: readonly number[]): void {
  const w0 = weights[0] as number;
  for (let e = 0; e < g.length; e++) g[e] = (g[e] as number) * w0;
  for (let k = 0; k < others.length; k++) {
    const gw = others[k] as Float32Array;
    const f = weights[k + 1] as number;
    for (let e = 0; e < g.length; e++) g[e] = (g[e] as number) + (gw[e] as number) * f;
  }
}

// ---- the caller's side ------------------------------------------------------------------------

export interface ParallelOptions {
  /**
   * The least time a gradient worker gets to answer (ms). Its deadline is this, or 20 × the time
   * the caller took for its own share if longer (a big model's share is slow, not hung).
   */
  timeoutMs?: number;
}

export const DEFAULT_GRAD_TIMEOUT_MS = 10_000;

interface Bound {
  config: ModelConfig;
  params: Params;
  /** The workers given this run's weights, each with its gradient buffers. */
  workers: Array<{ port: GradPort; grads: Float32Array[] }>;
  ready: Promise<void>;
}

interface Waiting {
  port: GradPort;
  resolve(reply: GradReply): void;
  reject(error: GradientWorkerError): void;
  timer: unknown;
}

/**
 * The gradient workers of one trainer. `bind` (again for each run) hands them the shared
 * weights; `compute` fills the parameters' `.grad` with the gradient of a batch's mean loss. A
 * worker that fails is terminated and left out from then on; `compute` then rejects with
 * GradientWorkerError and may be called again with the same pairs on the workers left (with none
 * left, the caller computes the whole batch: the one-thread path).
 */
export class ParallelGradients {
  private ports: GradPort[];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private bound: Bound | null = null;
  private readonly timeoutMs: number;
  /** Why workers were dropped, oldest first (for the caller to report). */
  readonly dropped: string[] = [];

  constructor(ports: GradPort[], options: ParallelOptions = {}) {
    this.ports = [...ports];
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GRAD_TIMEOUT_MS;
    for (const port of this.ports) {
      port.onMessage((data) => this.receive(port, data));
      port.onError((reason) => this.drop(port, workerFailed(reason)));
    }
  }

  /** Threads computing gradients: the caller and its live workers. */
  get threads(): number {
    return this.ports.length + 1;
  }

  /** Hand every worker the weights (`params` from shareParams) and a gradient buffer of its own. */
  bind(config: ModelConfig, params: Params): Promise<void> {
    const values = params.list.map((p) => {
      const buf = p.data.buffer;
      if (!(buf instanceof SharedArrayBuffer)) throw new Error('ParallelGradients: parameters must be shared (shareParams)');
      return buf;
    });
    const names = params.list.map((p) => p.name as string);
    const shapes = params.list.map((p) => [...p.shape]);
    const workers = this.ports.map((port) => {
      const buffers = params.list.map((p) => new SharedArrayBuffer(p.size * 4));
      const reply = this.ask(port, (id) => ({ type: 'init', id, config, names, shapes, values, grads: buffers }), this.timeoutMs);
      return { port, grads: buffers.map((b) => new Float32Array(b)), reply };
    });
    // a worker whose init failed has been dropped (and is left out by compute): not an error here
    const ready = Promise.allSettled(workers.map((w) => w.reply)).then(() => undefined);
    this.bound = { config, params, workers: workers.map(({ port, grads }) => ({ port, grads })), ready };
    return ready;
  }

  /**
   * Fill params[].grad with the gradient of the batch's mean loss per token; return that loss.
   * `opts`: the step's (Trainer.lossOptions), the same for every share.
   */
  async compute(pairs: readonly PairIds[], opts: LossOptions = {}): Promise<{ loss: number; tokens: number }> {
    const bound = this.bound;
    if (!bound) throw new Error('ParallelGradients: bind() first');
    await bound.ready;
    const { config, params } = bound;
    // the workers bound to this run that are still alive
    const workers = bound.workers.filter((w) => this.ports.includes(w.port));
    const shares = splitByTokens(pairs, workers.length + 1);
    const t0 = performance.now();
    // ask first, compute our own share meanwhile (the deadline is set once ours is done)
    const remote = shares.slice(1).map((share, k) => {
      const w = workers[k] as { port: GradPort; grads: Float32Array[] };
      const request = (id: number): GradRequest => ({ type: 'grad', id, sources: share.map((p) => p.source), targets: share.map((p) => p.target), ...(opts.dropout ? { dropout: opts.dropout } : {}) });
      return { w, reply: this.ask(w.port, request, null) };
    });
    for (const p of params.list) p.zeroGrad();
    const batch = makeBatch(shares[0] as PairIds[]);
    const l0 = shareGradient(params, config, batch, opts);
    const deadline = Math.max(this.timeoutMs, 20 * (performance.now() - t0));
    for (const r of remote) this.arm(r.w.port, deadline);
    const settled = await Promise.allSettled(remote.map((r) => r.reply));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason instanceof Error ? failure.reason : workerFailed(String(failure.reason));
    const results = settled.map((s) => (s as PromiseFulfilledResult<GradReply>).value as Extract<GradReply, { type: 'grad' }>);
    let tokens = batch.tokens;
    for (const r of results) tokens += r.tokens;
    // combine: g = Σ_k n_k g_k / N, where g_k is the gradient of share k's mean loss
    const weights = [batch.tokens / tokens, ...results.map((r) => r.tokens / tokens)];
    params.list.forEach((p, i) => combineInto(p.gradBuffer(), remote.map((r) => r.w.grads[i] as Float32Array), weights));
    let lossTotal = l0 * batch.tokens;
    for (const r of results) lossTotal += r.loss * r.tokens;
    return { loss: lossTotal / tokens, tokens };
  }

  /** Terminate every worker; pending requests reject. */
  close(): void {
    for (const port of [...this.ports]) this.drop(port, new GradientWorkerError('stopped', 'the gradient workers were stopped'), false);
  }

  /** Send a request; its reply settles the promise. `timeoutMs` null: armed later (`arm`). */
  private ask(port: GradPort, make: (id: number) => GradRequest, timeoutMs: number | null): Promise<GradReply> {
    if (!this.ports.includes(port)) return Promise.reject(new GradientWorkerError('gone', 'a gradient worker was already dropped'));
    const id = this.nextId++;
    return new Promise<GradReply>((resolve, reject) => {
      this.waiting.set(id, { port, resolve, reject, timer: null });
      if (timeoutMs !== null) this.arm(port, timeoutMs, id);
      port.post(make(id));
    });
  }

  /** Start the deadline of `port`'s waiting request (or of request `only`). */
  private arm(port: GradPort, timeoutMs: number, only?: number): void {
    for (const [id, w] of this.waiting) {
      if (w.port !== port || w.timer !== null || (only !== undefined && id !== only)) continue;
      w.timer = setTimeout(() => {
        const seconds = Math.round(timeoutMs / 100) / 10;
        if (this.waiting.has(id)) this.drop(port, new GradientWorkerError('timeout', `a gradient worker did not answer within ${seconds} s`, { seconds }));
      }, timeoutMs);
    }
  }

  private receive(port: GradPort, data: unknown): void {
    const reply = parseGradReply(data);
    if (!reply) {
      this.drop(port, new GradientWorkerError('bad-reply', 'a gradient worker sent a message that is not a reply'));
      return;
    }
    const w = this.waiting.get(reply.id);
    if (!w || w.port !== port) return; // a reply to a request that was given up
    this.waiting.delete(reply.id);
    if (w.timer !== null) clearTimeout(w.timer);
    if (reply.type === 'error') {
      const error = workerFailed(reply.message);
      this.drop(port, error);
      w.reject(error);
      return;
    }
    w.resolve(reply);
  }

  /** Terminate `port`, reject what it owes with `error`, and leave it out from now on. */
  private drop(port: GradPort, error: GradientWorkerError, record = true): void {
    if (!this.ports.includes(port)) return;
    this.ports = this.ports.filter((p) => p !== port);
    if (record) this.dropped.push(error.message);
    try {
      port.terminate();
    } catch {
      // already gone
    }
    for (const [id, w] of [...this.waiting]) {
      if (w.port !== port) continue;
      this.waiting.delete(id);
      if (w.timer !== null) clearTimeout(w.timer);
      w.reject(error);
    }
  }
}
