// The main-thread side of the training worker (after squoosh's worker bridge): spawn it, send
// typed commands, validate what comes back (a worker message is data, never trusted), and watch
// it. The watchdog pings every `heartbeatMs`; a worker that leaves a ping unanswered for longer
// than its allowance (startup, data preparation or training), or fires `error` / `messageerror`, is
// terminated, everything pending is rejected, and `onDead` says why. Nothing else is touched:
// the caller keeps its config, curves and last weights, and may start a new client to resume.
// An export request also has its own deadline (`exportTimeoutMs`), and a reply to it that fails
// validation rejects it at once: a healthy worker whose reply is lost or refused never leaves the
// caller waiting forever (docs/RELIABILITY.md, "a message that cannot be deserialised").
//
// Commands are copied by structured clone, never transferred (bench/README.md: a transfer
// detaches a buffer and slows the sending thread's kernels; the explorer runs kernels here).

import type { Manifest } from '../model/checkpoint';
import { parseFromWorker, type FromWorker, type MessageParams, type ToWorker, type WorkerErrorCode } from './protocol';

/** What the client needs of a Worker (a fake in tests). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
}

/** The real training worker (Vite bundles it as a module worker; no blob: URL, so the CSP holds). */
export function spawnTrainWorker(): WorkerLike {
  return new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'rnnsearch-train' });
}

/**
 * Why the worker is gone: not running, stopped (disposed), could not start, failed or crashed, sent
 * a message that could not be read, or stopped answering (the page names each in the reader's language).
 */
export type WorkerGoneKind = 'not-running' | 'stopped' | 'start' | 'crashed' | 'unreadable' | 'silent';

/** Rejects what was pending when the worker died or the client was disposed; `kind` says why. */
export class WorkerGoneError extends Error {
  override readonly name = 'WorkerGoneError';
  constructor(
    readonly kind: WorkerGoneKind,
    message: string,
    /** The silence in seconds ('silent'), or the browser's own (English) words for the failure. */
    readonly params: { seconds?: number; detail?: string } = {},
  ) {
    super(message);
  }
}

export interface TrainClientOptions {
  /** Defaults to spawnTrainWorker. */
  spawn?: () => WorkerLike;
  onMessage(message: FromWorker): void;
  /** The worker was terminated by the watchdog (or failed to start); `reason` in English, `error` says why by its kind. */
  onDead(reason: string, error: WorkerGoneError): void;
  /** A message failed validation (it is dropped). */
  onInvalid?(error: string): void;
  /** Ping interval (ms). */
  heartbeatMs?: number;
  /** Longest silence while training (ms). A slice of work is ~30 ms; an evaluation chunk too. */
  timeoutMs?: number;
  /** Longest wait for 'ready' (ms): loading and compiling the worker's code. */
  startupMs?: number;
  /** Longest silence while the worker builds a run's data (ms): a big TSV takes a while. */
  prepareMs?: number;
  /** Longest wait for the reply to an export request (ms); then its promise rejects. */
  exportTimeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_HEARTBEAT_MS = 1000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_STARTUP_MS = 20_000;
export const DEFAULT_PREPARE_MS = 60_000;
export const DEFAULT_EXPORT_TIMEOUT_MS = 60_000;

/** Rejects an export request whose reply did not come in time ('timeout'), or came but was not valid ('invalid'). */
export class WorkerReplyError extends Error {
  override readonly name = 'WorkerReplyError';
  constructor(
    readonly kind: 'timeout' | 'invalid',
    message: string,
    /** The wait in seconds ('timeout'), or the check's own (English) words ('invalid'). */
    readonly params: { seconds?: number; detail?: string },
  ) {
    super(message);
  }
}

/** Rejects an export request that the worker answered with an error: its code and values (the page words them). */
export class TrainWorkerError extends Error {
  override readonly name = 'TrainWorkerError';
  constructor(
    readonly code: WorkerErrorCode,
    readonly params: MessageParams,
    message: string,
  ) {
    super(message);
  }
}

type Exported = { manifest: Manifest; weights: Uint8Array; files: Record<string, Uint8Array> };
type Pending = { resolve(value: Exported): void; reject(error: Error): void };

export class TrainClient {
  private worker: WorkerLike | null;
  private status: 'starting' | 'ready' | 'dead' | 'disposed' = 'starting';
  /**
   * Since when a reply is awaited (a ping not yet answered, or the first 'ready'); null when the
   * worker has spoken since the last ping. Timing the wait, not the silence, keeps an idle worker
   * in a background tab alive: there Chrome runs the heartbeat timer about once a minute.
   */
  private waitingSince: number | null;
  private preparing = false;
  private seq = 0;
  private nextRequest = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly limits: { startup: number; timeout: number; prepare: number; exportReply: number };
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  /** Settles when the worker says 'ready' (rejects if it dies first). */
  readonly ready: Promise<void>;

  constructor(private readonly options: TrainClientOptions) {
    this.now = options.now ?? (() => Date.now());
    this.limits = {
      startup: options.startupMs ?? DEFAULT_STARTUP_MS,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      prepare: options.prepareMs ?? DEFAULT_PREPARE_MS,
      exportReply: options.exportTimeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS,
    };
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a client nobody awaited must not log an unhandled rejection
    this.waitingSince = this.now();
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    let worker: WorkerLike;
    try {
      worker = (options.spawn ?? spawnTrainWorker)();
    } catch (err) {
      this.worker = null;
      const detail = err instanceof Error ? err.message : String(err);
      this.die(new WorkerGoneError('start', `the training worker could not be started (${detail})`, { detail }));
      return;
    }
    this.worker = worker;
    worker.addEventListener('message', this.onMessage);
    worker.addEventListener('error', this.onError);
    worker.addEventListener('messageerror', this.onMessageError);
  }

  /** True until the worker died or the client was disposed. */
  get alive(): boolean {
    return this.status === 'starting' || this.status === 'ready';
  }

  /** Send a command (copied, never transferred). False when the worker is gone. */
  send(message: ToWorker): boolean {
    if (!this.alive || !this.worker) return false;
    this.worker.postMessage(message);
    return true;
  }

  /**
   * Ask for the current model as manifest + safetensors bytes. Rejects with WorkerReplyError when
   * no valid reply came within `exportTimeoutMs` (or the reply failed validation), and with
   * WorkerGoneError when the worker died or the client was disposed first.
   */
  exportCheckpoint(id: string, title: string): Promise<Exported> {
    if (!this.alive) return Promise.reject(new WorkerGoneError('not-running', 'the training worker is not running'));
    const requestId = this.nextRequest++;
    return new Promise<Exported>((resolve, reject) => {
      const limit = this.limits.exportReply;
      const timer = setTimeout(() => {
        if (!this.pending.delete(requestId)) return;
        const seconds = Math.round(limit / 1000);
        reject(new WorkerReplyError('timeout', `the training worker did not send the model within ${seconds} s; try exporting again`, { seconds }));
      }, limit);
      const settle = (): void => {
        clearTimeout(timer);
        this.pending.delete(requestId);
      };
      this.pending.set(requestId, {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.send({ type: 'export/checkpoint', requestId, id, title });
    });
  }

  /** Stop the worker and reject what is pending; no onDead. */
  dispose(): void {
    if (!this.alive) return;
    this.status = 'disposed';
    this.shutDown(new WorkerGoneError('stopped', 'the training worker was stopped'));
  }

  private readonly onMessage = (event: Event): void => {
    if (!this.alive) return;
    const data: unknown = (event as MessageEvent).data;
    const parsed = parseFromWorker(data);
    if (!parsed.ok) {
      this.options.onInvalid?.(parsed.error);
      this.refuseReply(data, parsed.error);
      return;
    }
    const message = parsed.value;
    this.waitingSince = null;
    switch (message.type) {
      case 'ready':
        if (this.status === 'starting') this.status = 'ready';
        this.resolveReady();
        break;
      case 'train/state':
        this.preparing = message.state === 'preparing';
        break;
      case 'data/ready':
        this.preparing = false;
        break;
      case 'checkpoint': {
        const p = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        p?.resolve({ manifest: message.manifest, weights: message.weights, files: message.files });
        break;
      }
      case 'error':
        if (message.scope === 'data') this.preparing = false;
        if (message.requestId !== null) {
          const p = this.pending.get(message.requestId);
          this.pending.delete(message.requestId);
          p?.reject(new TrainWorkerError(message.code, message.params, message.message));
        }
        break;
      default:
        break;
    }
    this.options.onMessage(message);
  };

  /**
   * A refused message that names a pending request (a 'checkpoint' or 'error' reply with its
   * requestId) was that request's one reply: reject the request now rather than at its deadline.
   */
  private refuseReply(data: unknown, error: string): void {
    if (typeof data !== 'object' || data === null) return;
    const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
    const { type, requestId } = data as { type?: unknown; requestId?: unknown };
    if (!has('type') || !has('requestId') || (type !== 'checkpoint' && type !== 'error') || typeof requestId !== 'number') return;
    this.pending.get(requestId)?.reject(new WorkerReplyError('invalid', `the training worker's reply was not valid (${error})`, { detail: error }));
  }

  private readonly onError = (event: Event): void => {
    // the page reports it through onDead; do not let the browser log it a second time
    event.preventDefault?.();
    const detail = (event as ErrorEvent).message;
    this.die(new WorkerGoneError('crashed', detail ? `the training worker failed: ${detail}` : 'the training worker failed to load or crashed', detail ? { detail } : {}));
  };

  private readonly onMessageError = (): void => {
    this.die(new WorkerGoneError('unreadable', 'a message from the training worker could not be read'));
  };

  private heartbeat(): void {
    if (!this.alive) return;
    const limit = this.status === 'starting' ? this.limits.startup : this.preparing ? this.limits.prepare : this.limits.timeout;
    const now = this.now();
    if (this.waitingSince !== null && now - this.waitingSince > limit) {
      const seconds = Math.round((now - this.waitingSince) / 1000);
      this.die(new WorkerGoneError('silent', `the training worker stopped answering (no reply for ${seconds} s)`, { seconds }));
      return;
    }
    this.waitingSince ??= now;
    this.send({ type: 'ping', seq: this.seq++ });
  }

  private die(error: WorkerGoneError): void {
    if (!this.alive) return;
    this.status = 'dead';
    this.shutDown(error);
    this.options.onDead(error.message, error);
  }

  private shutDown(error: Error): void {
    clearInterval(this.timer);
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      worker.removeEventListener('message', this.onMessage);
      worker.removeEventListener('error', this.onError);
      worker.removeEventListener('messageerror', this.onMessageError);
      try {
        worker.terminate();
      } catch {
        // already gone
      }
    }
    this.rejectReady(error);
    for (const p of [...this.pending.values()]) p.reject(error);
    this.pending.clear();
  }
}
