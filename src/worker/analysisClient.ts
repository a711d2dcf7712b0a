// The page's side of the analysis worker (analysisSession.ts): the store's Decoder
// (src/store/derived.ts) for models the worker holds.
//
// - A model is sent to the worker after the first time the page decodes with it (once the page is
//   idle, for a small model), as the checkpoint bytes it was loaded from (copied, never
//   transferred: the page keeps using them). Until the worker says it holds the model, `accepts` is
//   false and the page decodes on its own thread, so opening a model never waits for the worker's
//   copy, nor for the copy to be made.
// - At most one decoding is in flight. A request made meanwhile waits in a one-place queue; a newer
//   one replaces it and the replaced one resolves to null at once (superseded: never sent).
// - A worker that fails (an error event, a message that cannot be read, a model it cannot load) is
//   given up: everything pending rejects, `accepts` is false from then on, and `onFail` says why
//   once, as a kind the page words (with the browser's or the worker's own words as a detail). The page then decodes on its own thread, as it did before there was a worker
//   (docs/RELIABILITY.md, "worker boundary").

import { parameterCount, type LoadedModel } from '../model/bundle';
import type { Analysis } from '../model/analysis';
import type { Saliency } from '../model/saliency';
import type { WorkerLike } from './client';
import { MAX_WORKER_MODELS, type AnalysisCommand, type AnalysisEvent, type DecodeRequest, type SaliencyWireRequest } from './analysisSession';

export function spawnAnalysisWorker(): WorkerLike {
  return new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'rnnsearch-analysis' });
}

/** An event as sent, or null when it is not one the page understands. */
export function parseAnalysisEvent(value: unknown): AnalysisEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const int = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  switch (v.type) {
    case 'loaded':
      return int(v.key) && typeof v.ms === 'number' ? { type: 'loaded', key: v.key, ms: v.ms } : null;
    case 'load-failed':
      return int(v.key) && typeof v.message === 'string' ? { type: 'load-failed', key: v.key, message: v.message.slice(0, 500) } : null;
    case 'failed':
      return int(v.id) && typeof v.message === 'string' ? { type: 'failed', id: v.id, message: v.message.slice(0, 500) } : null;
    case 'result':
      return int(v.id) && isAnalysis(v.analysis) ? { type: 'result', id: v.id, analysis: v.analysis } : null;
    case 'saliency':
      return int(v.id) && isSaliency(v.result) ? { type: 'saliency', id: v.id, result: v.result } : null;
    default:
      return null;
  }
}

/** The shape the panels rely on (a structured clone keeps typed arrays and plain objects as they were). */
function isAnalysis(value: unknown): value is Analysis {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  const trace = a.trace as Record<string, unknown> | null;
  const traceOk = trace === null || (typeof trace === 'object' && Array.isArray(trace.steps) && Array.isArray(trace.sourceTokens) && Array.isArray(trace.targetTokens));
  return Array.isArray(a.sourceTokens) && Array.isArray(a.targetTokens) && Array.isArray(a.truncations) && (a.mode === 'free' || a.mode === 'forced') && traceOk && typeof a.ms === 'number';
}

/** A saliency result as the panel reads it: sizes that agree with its arrays. */
function isSaliency(value: unknown): value is Saliency {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const steps = r.steps;
  const units = r.units;
  if (!Number.isSafeInteger(steps) || !Number.isSafeInteger(units) || (steps as number) < 0 || (units as number) < 0) return false;
  const sized = (x: unknown, n: number): boolean => x instanceof Float64Array && x.length === n;
  return sized(r.logProb, steps as number) && sized(r.gradInput, (steps as number) * (units as number)) && sized(r.leaveOneOut, (steps as number) * (units as number));
}

/**
 * Models above this many parameters are decoded only in the worker, even the first time (the page
 * waits for the worker's copy rather than decode on its own thread). The real Tatoeba models
 * (about 1.5 million) decode a sentence in 20–40 ms here and open faster on the page's thread;
 * a paper-sized one (80 million) takes seconds (docs/ARCHITECTURE.md, "Large models").
 */
export const WORKER_ONLY_PARAMETERS = 4_000_000;

interface Entry {
  key: number;
  ready: boolean;
  /** Dropped from the worker to make room: sent again if it is needed again. */
  dropped: boolean;
  /** Sent by `preload`, before the page had built the model: its failure is the page's to report. */
  early?: boolean;
}

/** A model's files as the page fetched them (what LoadedModel.checkpoint holds once it is built). */
export type CheckpointFiles = NonNullable<LoadedModel['checkpoint']>;

interface Pending {
  id: number;
  model: LoadedModel;
  input: DecodeRequest;
  resolve(a: Analysis | null): void;
  reject(err: Error): void;
}

/**
 * Why the worker was given up: it could not start, failed, could not be sent a request, sent a
 * message that could not be deserialised or that the page cannot read, or could not load a model.
 * `detail`: the browser's or the worker's own (English) words, when there are any.
 */
export interface AnalysisFailure {
  kind: 'start' | 'crashed' | 'send' | 'unreadable' | 'bad-event' | 'load';
  detail?: string;
}

export interface AnalysisClientOptions {
  spawn?: () => WorkerLike;
  /** The worker was given up; the page tells the reader why (src/store/errorReason.ts). Called once. */
  onFail?(failure: AnalysisFailure): void;
  /**
   * Runs a small model's hand-over to the worker later (default: when the page is idle,
   * requestIdleCallback where there is one, else a 50 ms timer). Tests pass one that runs at once.
   */
  later?(run: () => void): void;
  /** Models above this many parameters are decoded only in the worker (default WORKER_ONLY_PARAMETERS; tests lower it). */
  workerOnlyParameters?: number;
}

function whenIdle(run: () => void): void {
  const idle = (globalThis as { requestIdleCallback?: (cb: () => void, opts?: { timeout: number }) => number }).requestIdleCallback;
  if (typeof idle === 'function') idle(run, { timeout: 1000 });
  else setTimeout(run, 50);
}

const words = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class AnalysisClient {
  private worker: WorkerLike | null = null;
  private dead = false;
  private nextKey = 1;
  private nextId = 1;
  /** The key each model has in the worker, and whether the worker has said it holds it. */
  private readonly keys = new WeakMap<LoadedModel, Entry>();
  /** The same records by key (what the worker's replies name), least recently used first. */
  private readonly entries = new Map<number, Entry>();
  private inFlight: Pending | null = null;
  /** Saliency halves asked of the worker, by request id (they do not wait in the decodings' queue). */
  private readonly jobs = new Map<number, { resolve(r: Saliency): void; reject(err: Error): void }>();
  private queued: Pending | null = null;
  private readonly spawn: () => WorkerLike;
  private readonly onFail: (failure: AnalysisFailure) => void;
  private readonly later: (run: () => void) => void;
  private readonly workerOnly: number;
  /** Small models whose hand-over to the worker is waiting for `later`. */
  private readonly scheduled = new WeakSet<LoadedModel>();
  /** Large models sent by `preload`, by their weights' bytes, until the page's model claims them. */
  private readonly early = new WeakMap<Uint8Array, Entry>();
  /** Load times reported by the worker (ms), newest last: the bench and tests read them. */
  readonly loads: number[] = [];

  constructor(opts: AnalysisClientOptions = {}) {
    this.spawn = opts.spawn ?? spawnAnalysisWorker;
    this.onFail = opts.onFail ?? (() => undefined);
    this.later = opts.later ?? whenIdle;
    this.workerOnly = opts.workerOnlyParameters ?? WORKER_ONLY_PARAMETERS;
  }

  /**
   * True when the worker holds this model, or is loading a large one (whose decodings would hold
   * the page for a long task: they wait for the worker instead). Otherwise starts sending it (when
   * it can) and returns false: the page decodes this one itself.
   */
  accepts(model: LoadedModel): boolean {
    if (this.dead || !model.checkpoint) return false;
    const large = this.only(model);
    const sent = this.early.get(model.checkpoint.weights);
    if (sent && !this.keys.has(model)) {
      this.early.delete(model.checkpoint.weights);
      if (!sent.dropped) this.keys.set(model, sent);
    }
    const known = this.keys.get(model);
    if (known && !known.dropped) return known.ready || large;
    if (large) return this.hand(model) && !this.dead;
    // a small model is decoded here until the worker holds it: its copy (a structured clone of the
    // checkpoint, and the worker's start the first time) waits until the page is idle, off the
    // path to the heatmap this decoding paints (docs/ARCHITECTURE.md, "Loading a model")
    if (!this.scheduled.has(model)) {
      this.scheduled.add(model);
      this.later(() => {
        this.scheduled.delete(model);
        const again = this.keys.get(model);
        if (!this.dead && (!again || again.dropped)) this.hand(model);
      });
    }
    return false;
  }

  /**
   * Start the worker for a large model as soon as its manifest says it is one. Its start needs the
   * page's thread for a moment, which building the model holds for over a second: started after
   * that, the worker began loading its copy only once the page had built its own.
   */
  warm(config: LoadedModel['config']): void {
    if (!this.dead && parameterCount(config) > this.workerOnly) this.ensureWorker();
  }

  /**
   * Send a large model's files to the worker as soon as they are in, before the page has checked
   * and built its own copy: the two loads then run side by side on two cores, and the model the page
   * builds from the same bytes claims the worker's copy (`accepts`). Models the page may decode
   * itself wait, as before, until it is idle after their first decoding. A copy that fails to load
   * is forgotten without giving the worker up: the page's own load fails on the same checks and
   * says why (docs/ARCHITECTURE.md, "Large models").
   */
  preload(files: CheckpointFiles, config: LoadedModel['config']): void {
    if (this.dead || parameterCount(config) <= this.workerOnly || this.early.has(files.weights)) return;
    const entry = this.sendFiles(files, true);
    if (entry) this.early.set(files.weights, entry);
  }

  /** Send the model to the worker (starting it if need be); false when there is no worker. */
  private hand(model: LoadedModel): boolean {
    const entry = model.checkpoint ? this.sendFiles(model.checkpoint, false) : null;
    if (!entry) return false;
    this.keys.set(model, entry);
    return true;
  }

  private sendFiles(files: CheckpointFiles, early: boolean): Entry | null {
    const worker = this.ensureWorker();
    if (!worker) return null;
    const key = this.nextKey++;
    const entry: Entry = { key, ready: false, dropped: false, ...(early ? { early } : {}) };
    this.entries.set(key, entry);
    // the worker keeps MAX_WORKER_MODELS models: the least recently used one makes room
    while (this.entries.size > MAX_WORKER_MODELS) {
      const oldest = this.entries.values().next().value;
      if (!oldest) break;
      this.entries.delete(oldest.key);
      oldest.dropped = true;
      oldest.ready = false;
      this.send({ type: 'drop', key: oldest.key });
    }
    this.send({ type: 'load', key, manifest: files.manifest, weights: files.weights, files: files.files });
    return entry;
  }

  /** Models over WORKER_ONLY_PARAMETERS are decoded only here, never by the page's fast path. */
  only(model: LoadedModel): boolean {
    return parameterCount(model.config) > this.workerOnly;
  }

  /** Decode in the worker; null when a newer request superseded this one before it was sent. */
  decode(model: LoadedModel, input: DecodeRequest): Promise<Analysis | null> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error('the analysis worker is gone'));
      const p: Pending = { id: this.nextId++, model, input, resolve, reject };
      if (this.inFlight) {
        this.queued?.resolve(null);
        this.queued = p;
        return;
      }
      this.start(p);
    });
  }

  /**
   * Half of a saliency computation in the worker (the page computes the other half meanwhile), or
   * null when the worker does not hold this model yet (the page computes it all itself then).
   */
  saliency(model: LoadedModel, request: SaliencyWireRequest, signal?: AbortSignal): Promise<Saliency> | null {
    const known = this.keys.get(model);
    if (this.dead || !known || known.dropped || !known.ready) return null;
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.jobs.set(id, { resolve, reject });
      this.entries.delete(known.key);
      this.entries.set(known.key, known);
      this.send({ type: 'saliency', id, key: known.key, request });
      // given up (the sentence changed): the worker stops at its next unit of work and says so
      signal?.addEventListener('abort', () => this.jobs.has(id) && this.send({ type: 'cancel', id }), { once: true });
    });
  }

  /** Stop the worker (pending requests reject). */
  dispose(): void {
    this.giveUp(null);
  }

  private start(p: Pending): void {
    const known = this.keys.get(p.model);
    if (!known || known.dropped) {
      p.reject(new Error('the model was never sent to the analysis worker'));
      return;
    }
    // most recently used last
    this.entries.delete(known.key);
    this.entries.set(known.key, known);
    this.inFlight = p;
    this.send({ type: 'decode', id: p.id, key: known.key, input: p.input });
  }

  private ensureWorker(): WorkerLike | null {
    if (this.worker || this.dead) return this.worker;
    try {
      const w = this.spawn();
      w.addEventListener('message', (event) => this.receive((event as MessageEvent).data));
      w.addEventListener('error', (event) => {
        (event as ErrorEvent).preventDefault?.();
        const detail = (event as ErrorEvent).message;
        this.giveUp({ kind: 'crashed', ...(detail ? { detail } : {}) });
      });
      w.addEventListener('messageerror', () => this.giveUp({ kind: 'unreadable' }));
      this.worker = w;
    } catch (err) {
      this.giveUp({ kind: 'start', detail: words(err) });
    }
    return this.worker;
  }

  private send(cmd: AnalysisCommand): void {
    try {
      this.worker?.postMessage(cmd);
    } catch (err) {
      this.giveUp({ kind: 'send', detail: words(err) });
    }
  }

  private receive(value: unknown): void {
    const e = parseAnalysisEvent(value);
    if (!e) return this.giveUp({ kind: 'bad-event' });
    if (e.type === 'loaded' || e.type === 'load-failed') {
      const sent = this.entries.get(e.key);
      if (e.type === 'load-failed' && sent?.early) {
        sent.dropped = true;
        this.entries.delete(e.key);
        return;
      }
      if (e.type === 'load-failed') return this.giveUp({ kind: 'load', detail: e.message });
      this.loads.push(e.ms);
      const entry = this.entries.get(e.key);
      if (entry) entry.ready = true;
      return;
    }
    const job = this.jobs.get(e.id);
    if (job) {
      this.jobs.delete(e.id);
      if (e.type === 'saliency') job.resolve(e.result);
      else if (e.type === 'failed') job.reject(new Error(e.message));
      else job.reject(new Error('the analysis worker answered a saliency request with a decoding'));
      return;
    }
    const p = this.inFlight;
    if (!p || p.id !== e.id || e.type === 'saliency') return;
    this.inFlight = null;
    if (e.type === 'result') p.resolve(e.analysis);
    else p.reject(new Error(e.message));
    const next = this.queued;
    this.queued = null;
    if (next) this.start(next);
  }

  private giveUp(failure: AnalysisFailure | null): void {
    if (this.dead) return;
    this.dead = true;
    this.worker?.terminate();
    this.worker = null;
    const gone = new Error(failure ? `the analysis worker failed (${failure.kind}${failure.detail ? `: ${failure.detail}` : ''})` : 'the analysis worker was stopped');
    this.inFlight?.reject(gone);
    this.queued?.reject(gone);
    this.inFlight = null;
    this.queued = null;
    for (const job of this.jobs.values()) job.reject(gone);
    this.jobs.clear();
    if (failure) this.onFail(failure);
  }
}
