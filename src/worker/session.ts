// What the training worker does, without the worker: it receives validated commands, drives the
// same `src/train` Trainer the CLI drives (no copy of the loop), in slices of about SLICE_MS that
// yield to the message loop so pause / step / reset / ping are answered between them, and posts
// throttled progress, probe snapshots, weights, guard reports and checkpoints. `train.worker.ts`
// wires it to the worker's `self`; tests drive it directly in Node.
//
// Training on every core (docs/ARCHITECTURE.md): with `workers` > 1 and memory that can be shared
// (the page is cross-origin isolated), the weights live in SharedArrayBuffers and each step's
// gradients are computed by src/train/parallel.ts — the CLI's own code — on this thread and
// `workers − 1` gradient workers that this session starts and keeps for the next run. A step then
// awaits its gradients, so messages are handled meanwhile: a pause asked for during a step takes
// effect when it ends (no step is cut), a reset or a new start drops the step's result. A gradient
// worker that fails or hangs is dropped by the pool's deadline and the step is computed again on
// the ones left (down to this thread alone), with a `train/workers` message saying so.
//
// Evaluation (every `evalEvery` steps and at the end): the Trainer's dev loss (which also keeps
// the best weights), then greedy decoding of every dev pair for exact match and BLEU, spread over
// slices. At the end the weights of the best dev loss are put back, as the CLI does.

import { corpusBleu } from '../data/metrics';
import { EOS_TOKEN } from '../data/vocab';
import { saveModel } from '../model/bundle';
import type { ModelConfig, TransformerVariant } from '../model/config';
import { createModel, type TranslationModel } from '../model/family';
import { defaultMaxLength } from '../model/decoding';
import { initParams, type Params } from '../model/params';
import { canShareMemory, GradientWorkerError, ParallelGradients, shareParams, type GradPort } from '../train/parallel';
import { Trainer, type GuardReport, type StepReport, type TrainSettings } from '../train/trainer';
import { buildRunData, DataError, type RunData } from './data';
import {
  LIMITS,
  parseToWorker,
  PROGRESS_INTERVAL_MS,
  PROTOCOL_VERSION,
  WEIGHTS_INTERVAL_MS,
  type EvalPoint,
  type FromWorker,
  type LineError,
  type LossPoint,
  type MessageParams,
  type ResumePoint,
  type RunState,
  type Snapshot,
  type ToWorker,
  type TrainConfig,
  type WorkerErrorCode,
  type WorkersInfo,
} from './protocol';

/** Work done between two yields to the message loop (a training step is never cut). */
export const SLICE_MS = 30;
/** Most probe snapshots held back between two progress messages. */
const MAX_PENDING_SNAPSHOTS = 8;

export interface SessionHost {
  /** Post a message to the page (copied, never transferred). */
  post(message: FromWorker): void;
  /** Run `fn` after the messages already queued (a macrotask). */
  schedule(fn: () => void): void;
  now(): number;
  /** Start a gradient worker (absent: training runs on this thread only). */
  spawnGradientWorker?(): GradPort;
  /** Whether memory can be shared with gradient workers (default: canShareMemory()). */
  sharedMemory?: boolean;
}

function clip(text: string): string {
  return text.length > LIMITS.textChars ? `${text.slice(0, LIMITS.textChars - 1)}…` : text;
}

function errorMessage(err: unknown): string {
  return clip(err instanceof Error ? err.message : String(err));
}

/** A coded message's English and values, each within the protocol's limits. */
function clipped<T extends { message: string; params: MessageParams }>(m: T): T {
  return { ...m, message: clip(m.message), params: m.params.detail === undefined ? m.params : { ...m.params, detail: clip(m.params.detail) } };
}


/** The settings the Trainer gets for a run (or for the rest of a resumed one). */
export function trainerSettings(config: TrainConfig): Partial<TrainSettings> {
  return {
    batchSize: config.batchSize,
    lr: config.lr,
    maxSteps: config.steps,
    warmupSteps: Math.min(100, Math.max(1, Math.round(config.steps / 12))),
    evalEvery: config.evalEvery,
    patience: 0,
    seed: config.seed,
  };
}

/** Greedy decoding of the dev set for exact match and BLEU, a few sentences per slice. */
class DevDecoding {
  private readonly model: TranslationModel;
  private k = 0;
  private matches = 0;
  private readonly hyps: string[] = [];
  private readonly refs: string[] = [];

  constructor(
    private readonly run: Run,
    readonly point: { step: number; devLoss: number; best: boolean },
  ) {
    this.model = run.inference();
  }

  /** Decode until `deadline`; true when the whole dev set is done. */
  advance(deadline: number, now: () => number): boolean {
    const dev = this.run.data.dev;
    while (this.k < dev.length) {
      const ex = dev[this.k++];
      if (!ex) break;
      let out: string[] = [];
      try {
        out = this.model.greedy(this.model.encodeTokens(ex.source), { maxLength: defaultMaxLength(ex.source.length) }).targetTokens.filter((t) => t !== EOS_TOKEN);
      } catch {
        out = [];
      }
      if (out.length === ex.target.length && out.every((t, i) => t === ex.target[i])) this.matches++;
      this.hyps.push(out.join(' '));
      this.refs.push(ex.target.join(' '));
      if (now() >= deadline) break;
    }
    return this.k >= dev.length;
  }

  result(): EvalPoint {
    const n = this.run.data.dev.length;
    const bleu = n > 0 ? corpusBleu(this.hyps, this.refs).score : 0;
    return { ...this.point, exactMatch: n > 0 ? this.matches / n : 0, bleu: Number.isFinite(bleu) ? Math.max(0, Math.min(100, bleu)) : 0 };
  }
}

/** One training run: its data, model, Trainer and what is waiting to be posted. */
class Run {
  state: 'running' | 'paused' | 'done' = 'paused';
  readonly modelConfig: ModelConfig;
  readonly params: Params;
  readonly trainer: Trainer;
  /** Steps already taken before this run resumed from a weights snapshot. */
  readonly offset: number;
  /** Steps still to take while paused (train/step). */
  stepsToTake = 0;
  private decoding: DevDecoding | null = null;
  private finishing = false;
  private losses: LossPoint[] = [];
  private pendingEval: EvalPoint | null = null;
  /** Snapshots not posted yet (all of them go with the next progress message, for the replay). */
  private pendingSnapshots: Snapshot[] = [];
  private lastFlush = -Infinity;
  private lastWeights = -Infinity;
  private last = { loss: NaN, gradNorm: NaN, lr: 0 };
  private windowTokens = 0;
  private windowMs = 0;
  private tokensPerSec = 0;
  elapsedMs = 0;
  readonly evals: EvalPoint[] = [];
  /** A step is waiting for its gradients (parallel training). */
  busy = false;
  /** A pause arrived during a step: announce it when the step ends. */
  pausePending = false;
  /** Replaced or reset: a step still in flight is thrown away. */
  disposed = false;

  constructor(
    private readonly host: SessionHost,
    readonly config: TrainConfig,
    readonly data: RunData,
    resume: ResumePoint | null,
    private readonly pool: ParallelGradients | null = null,
    private readonly requestedWorkers = 1,
  ) {
    const common = { srcVocabSize: data.srcVocab.size, tgtVocabSize: data.tgtVocab.size, lengthRatio: data.lengthRatio };
    // the protocol's config schema (src/worker/protocol.ts) checked that a Transformer's variant is scaled-dot or linear
    this.modelConfig =
      config.family === 'transformer' && config.transformer
        ? { family: 'transformer', variant: config.variant as TransformerVariant, sizes: { ...config.transformer }, ...common }
        : { variant: config.variant, sizes: { ...config.sizes }, ...common };
    // shared memory only when gradient workers read it (the same values either way)
    const init = initParams(this.modelConfig, config.seed);
    this.params = pool ? shareParams(init) : init;
    const settings = trainerSettings(config);
    if (resume && resume.step > 0) {
      const values = new Map(resume.tensors.map((t) => [t.name, t.data] as const));
      try {
        this.params.restore(values);
      } catch {
        throw new DataError('resume-mismatch', {}, 'the saved weights do not fit this run (a different model or data?); start again instead');
      }
      this.offset = Math.min(resume.step, config.steps);
      // Adam's moments start afresh; the learning rate goes on from the old schedule's value at
      // this step (after a short warm-up) and decays to the same floor by the last step.
      const schedule = new Trainer(this.modelConfig, this.params, data.trainIds, data.devIds, settings);
      const lrNow = schedule.lrAt(this.offset);
      const floor = config.lr * schedule.settings.finalLrFraction;
      const remaining = Math.max(1, config.steps - this.offset);
      this.trainer = new Trainer(this.modelConfig, this.params, data.trainIds, data.devIds, {
        ...settings,
        lr: lrNow,
        maxSteps: remaining,
        warmupSteps: Math.min(20, remaining),
        finalLrFraction: Math.min(1, floor / lrNow),
        seed: (config.seed + this.offset) % LIMITS.seed,
      });
    } else {
      this.offset = 0;
      this.trainer = new Trainer(this.modelConfig, this.params, data.trainIds, data.devIds, settings);
    }
    void pool?.bind(this.modelConfig, this.params);
  }

  /** Threads computing this run's gradients now. */
  get workers(): number {
    return this.pool ? this.pool.threads : 1;
  }

  /** How many threads compute now, and why (`dropped`: the gradient worker's failure). */
  workersInfo(reason: WorkersInfo['reason'], dropped: GradientWorkerError | null = null): WorkersInfo {
    const failure = dropped && clipped({ code: dropped.kind, params: dropped.params, message: dropped.message });
    return { type: 'train/workers', workers: this.workers, requested: this.requestedWorkers, reason, failure };
  }

  get step(): number {
    return this.offset + this.trainer.step;
  }

  inference(): TranslationModel {
    return createModel(this.modelConfig, this.params, this.data.srcVocab, this.data.tgtVocab);
  }

  hasWork(): boolean {
    if (this.decoding !== null || this.finishing) return true;
    return this.state === 'running' || (this.state === 'paused' && this.stepsToTake > 0);
  }

  /** Do up to `budgetMs` of work (a parallel step is awaited; a step is never cut). */
  async work(budgetMs: number): Promise<void> {
    const now = (): number => this.host.now();
    const t0 = now();
    const deadline = t0 + budgetMs;
    do {
      if (this.decoding) {
        if (!this.decoding.advance(deadline, now)) break;
        this.finishEvaluation();
        continue;
      }
      if (this.finishing) {
        this.complete();
        break;
      }
      if (this.state === 'done' || !(this.state === 'running' || this.stepsToTake > 0)) break;
      if (this.step >= this.config.steps) {
        this.beginFinish();
        continue;
      }
      if (this.pool) {
        this.busy = true;
        let report: StepReport | GuardReport | null;
        try {
          report = await this.parallelStep();
        } finally {
          this.busy = false;
        }
        if (report === null || this.disposed) return;
        this.afterStep(report);
      } else {
        this.afterStep(this.trainer.trainStep());
      }
    } while (now() < deadline && !this.pausePending);
    this.elapsedMs += now() - t0;
    this.flush(false);
  }

  /**
   * One step with its gradients from the pool; null when the run was replaced meanwhile. A
   * gradient worker that fails is dropped and the same batch computed again on the ones left.
   */
  private async parallelStep(): Promise<StepReport | GuardReport | null> {
    const pool = this.pool as ParallelGradients;
    const t0 = performance.now();
    const pairs = this.trainer.nextPairs();
    for (;;) {
      try {
        const { loss, tokens } = await pool.compute(pairs, this.trainer.lossOptions());
        if (this.disposed) return null;
        return this.trainer.applyGradients(loss, tokens, t0);
      } catch (err) {
        if (this.disposed) return null;
        if (!(err instanceof GradientWorkerError)) throw err;
        this.host.post(this.workersInfo('dropped', err));
      }
    }
  }

  private afterStep(report: StepReport | GuardReport): void {
    if (this.stepsToTake > 0) this.stepsToTake--;
    if (report.type === 'guard') {
      const { what, value, restored } = report;
      this.host.post({ type: 'train/guard', step: this.offset + report.step, what, value, restoredStep: this.offset + report.restoredStep, restored, message: clip(report.message) });
      this.last.loss = NaN;
    } else {
      this.last = { loss: report.loss, gradNorm: report.gradNorm, lr: report.lr };
      this.losses.push({ step: this.step, loss: report.loss });
      this.windowTokens += report.tokens;
      this.windowMs += report.ms;
    }
    const step = this.step;
    if (step % this.config.snapshotEvery === 0) this.queueSnapshot();
    if (step >= this.config.steps) this.beginFinish();
    else if (this.config.evalEvery > 0 && step % this.config.evalEvery === 0) this.beginEvaluation();
    if (this.losses.length >= LIMITS.lossPoints) this.flush(true);
  }

  private beginEvaluation(): void {
    if (this.data.devIds.length === 0) return;
    const report = this.trainer.evaluate();
    this.decoding = new DevDecoding(this, { step: this.step, devLoss: report.devLoss, best: report.best });
  }

  private finishEvaluation(): void {
    const decoding = this.decoding as DevDecoding;
    this.decoding = null;
    const point = decoding.result();
    this.evals.push(point);
    this.pendingEval = point;
    this.flush(true);
    this.sendWeights(false);
  }

  private beginFinish(): void {
    if (this.finishing || this.state === 'done') return;
    this.finishing = true;
    const evaluated = this.evals.at(-1)?.step === this.step || this.decoding?.point.step === this.step;
    if (!evaluated) this.beginEvaluation();
  }

  /** The end of the run: the best dev weights back, a final snapshot, weights and train/done. */
  private complete(): void {
    this.finishing = false;
    this.state = 'done';
    let best: EvalPoint | null = null;
    for (const e of this.evals) if (!best || e.devLoss < best.devLoss) best = e;
    if (best && best.step !== this.step) this.trainer.restoreBest();
    this.queueSnapshot();
    this.flush(true);
    this.sendWeights(true);
    this.host.post({
      type: 'train/done',
      reason: 'steps',
      step: this.step,
      devLoss: best && Number.isFinite(best.devLoss) ? best.devLoss : null,
      exactMatch: best ? best.exactMatch : null,
      bleu: best ? best.bleu : null,
      bestStep: best ? best.step : null,
      elapsedMs: this.elapsedMs,
    });
    this.host.post({ type: 'train/state', state: 'done', step: this.step });
  }

  /** Record the probe now; a flood (a tiny model, many steps a slice) keeps only the newest few. */
  private queueSnapshot(): void {
    if (this.pendingSnapshots.length >= MAX_PENDING_SNAPSHOTS) this.pendingSnapshots.pop();
    this.pendingSnapshots.push(this.snapshot());
  }

  /** The probe's alignment now: forced on its reference when it has one, else greedy. */
  snapshot(): Snapshot {
    const model = this.inference();
    const { source, target } = this.data.probe;
    const enc = model.encodeTokens(source);
    const greedy = model.greedy(enc, { maxLength: defaultMaxLength(source.length) });
    const trace = target ? model.forcedTokens(enc, target) : greedy;
    const rows = trace.steps.length;
    const cols = trace.srcLen;
    const attention = trace.steps.every((s) => s.weights !== null);
    const weights = new Float32Array(attention ? rows * cols : 0);
    if (attention) trace.steps.forEach((s, i) => weights.set(s.weights as ArrayLike<number>, i * cols));
    return {
      type: 'train/snapshot',
      step: this.step,
      source: trace.sourceTokens.map((t) => t.slice(0, LIMITS.tokenChars)),
      target: trace.targetTokens.map((t) => t.slice(0, LIMITS.tokenChars)),
      rows,
      cols,
      weights,
      output: greedy.targetTokens.filter((t) => t !== EOS_TOKEN).map((t) => t.slice(0, LIMITS.tokenChars)),
      forced: target !== null,
    };
  }

  /** Post progress (and the latest snapshot) if PROGRESS_INTERVAL_MS has passed, or now. */
  flush(force: boolean): void {
    const now = this.host.now();
    if (!force && now - this.lastFlush < PROGRESS_INTERVAL_MS) return;
    if (!force && this.losses.length === 0 && !this.pendingEval && this.pendingSnapshots.length === 0) return;
    if (this.windowMs > 0) {
      const rate = (1000 * this.windowTokens) / this.windowMs;
      this.tokensPerSec = this.tokensPerSec === 0 ? rate : 0.7 * this.tokensPerSec + 0.3 * rate;
      this.windowTokens = 0;
      this.windowMs = 0;
    }
    const step = this.step;
    this.host.post({
      type: 'train/progress',
      step,
      maxSteps: this.config.steps,
      epoch: this.trainer.epoch,
      loss: this.last.loss,
      losses: this.losses,
      eval: this.pendingEval,
      tokensPerSec: this.tokensPerSec,
      gradNorm: this.last.gradNorm,
      lr: this.last.lr || this.trainer.lrAt(this.trainer.step),
      elapsedMs: this.elapsedMs,
    });
    this.losses = [];
    this.pendingEval = null;
    for (const snapshot of this.pendingSnapshots) this.host.post(snapshot);
    this.pendingSnapshots = [];
    this.lastFlush = now;
  }

  /** A copy of every weight, for the page to resume from if this thread dies. */
  sendWeights(force: boolean): void {
    const now = this.host.now();
    if (!force && now - this.lastWeights < WEIGHTS_INTERVAL_MS) return;
    this.lastWeights = now;
    this.host.post({
      type: 'train/weights',
      step: this.step,
      tensors: this.params.list.map((p) => ({ name: p.name as string, shape: [...p.shape], data: new Float32Array(p.data) })),
    });
  }

  /** What the manifest records about this run. */
  command(): string {
    const c = this.config;
    const task = c.task.kind === 'builtin' ? c.task.id : `TSV ${c.task.name.slice(0, 80)}`;
    const s = c.sizes;
    const t = c.transformer;
    const model = c.family === 'transformer' && t ? `transformer ${c.variant}, d_model ${t.model}, ${t.heads} heads, ${t.layers} layers, d_ff ${t.ff}` : `variant ${c.variant}, sizes ${s.embedding}/${s.hidden}/${s.alignment}/${s.maxout}`;
    return `trained in the page: task ${task}, ${model}, lr ${c.lr}, batch ${c.batchSize}, ${c.steps} steps, lengths ${c.minLength}-${c.maxLength}, seed ${c.seed}`;
  }
}

/** The worker's state machine: at most one run at a time. */
export class TrainSession {
  private run: Run | null = null;
  /** A slice is scheduled or running (a parallel slice awaits its steps). */
  private scheduled = false;
  /** The gradient workers, kept from run to run while the number asked for stays the same. */
  private pool: ParallelGradients | null = null;

  constructor(private readonly host: SessionHost) {}

  /** The pool for `workers` threads, or null for this thread alone (or when memory cannot be shared). */
  private poolFor(workers: number): ParallelGradients | null {
    const spawn = this.host.spawnGradientWorker;
    if (workers <= 1 || !spawn || !(this.host.sharedMemory ?? canShareMemory())) {
      this.pool?.close();
      this.pool = null;
      return null;
    }
    if (this.pool && this.pool.threads === workers) return this.pool;
    this.pool?.close();
    const ports: GradPort[] = [];
    try {
      for (let k = 1; k < workers; k++) ports.push(spawn.call(this.host));
    } catch (err) {
      // a browser that cannot start one more worker: train on the ones that started
      const detail = errorMessage(err);
      this.error('train', 'gradient-spawn', { detail }, `a gradient worker could not be started (${detail})`, null);
    }
    this.pool = ports.length > 0 ? new ParallelGradients(ports) : null;
    return this.pool;
  }

  /** Replace the run: a step still in flight for the old one is thrown away. */
  private setRun(run: Run | null): void {
    if (this.run) this.run.disposed = true;
    this.run = run;
  }

  /** Announce that the worker is up. */
  hello(): void {
    this.host.post({ type: 'ready', protocol: PROTOCOL_VERSION });
  }

  /**
   * A command arrived that could not be deserialised (the worker scope's `messageerror`): it is
   * lost, so say so rather than leave the page waiting on it. An export request it carried is
   * settled by the client's own deadline.
   */
  unreadable(): void {
    this.error('protocol', 'unreadable-command', {}, 'a command from the page could not be read (it could not be deserialised) and was ignored', null);
  }

  /** Handle one incoming message (validated here: a message is data, never trusted). */
  receive(data: unknown): void {
    const parsed = parseToWorker(data);
    if (!parsed.ok) {
      this.error('protocol', 'bad-command', { detail: parsed.error }, `bad command: ${parsed.error}`, null);
      return;
    }
    this.handle(parsed.value);
  }

  private handle(msg: ToWorker): void {
    switch (msg.type) {
      case 'ping':
        this.host.post({ type: 'pong', seq: msg.seq });
        return;
      case 'train/start':
        this.start(msg.config, msg.paused, msg.resume, msg.workers ?? 1);
        return;
      case 'train/pause':
        if (this.run && this.run.state === 'running') {
          this.run.state = 'paused';
          this.run.stepsToTake = 0;
          // during a parallel step: when it ends, so the weights sent are the paused run's
          if (this.run.busy) this.run.pausePending = true;
          else this.announcePause(this.run);
        }
        return;
      case 'train/resume':
        if (this.run && this.run.state === 'paused') {
          this.run.state = 'running';
          this.postState();
          this.kick();
        }
        return;
      case 'train/step':
        if (this.run && this.run.state === 'paused') {
          this.run.stepsToTake += msg.count;
          this.kick();
        }
        return;
      case 'train/reset':
        this.setRun(null);
        this.postState();
        return;
      case 'export/checkpoint':
        void this.exportCheckpoint(msg.requestId, msg.id, msg.title);
        return;
    }
  }

  /** The page learns of a pause with the weights it would resume from. */
  private announcePause(run: Run): void {
    run.pausePending = false;
    run.flush(true);
    run.sendWeights(true);
    this.postState();
  }

  private postState(): void {
    const run = this.run;
    const state: RunState = run ? run.state : 'idle';
    this.host.post({ type: 'train/state', state, step: run ? run.step : 0 });
  }

  private error(scope: 'data' | 'train' | 'export' | 'protocol', code: WorkerErrorCode, params: MessageParams, message: string, requestId: number | null, lineErrors: LineError[] = []): void {
    this.host.post({ type: 'error', scope, ...clipped({ code, params, message }), requestId, lineErrors: lineErrors.slice(0, LIMITS.lineErrors).map(clipped) });
  }

  /** An error that has no code of its own (a bug's, in any scope): its message as the detail. */
  private internal(scope: 'data' | 'train' | 'export', err: unknown, requestId: number | null = null): void {
    const detail = errorMessage(err);
    this.error(scope, 'internal', { detail }, detail, requestId);
  }

  private start(config: TrainConfig, paused: boolean, resume: ResumePoint | null, workers: number): void {
    this.setRun(null);
    this.host.post({ type: 'train/state', state: 'preparing', step: resume?.step ?? 0 });
    let run: Run;
    try {
      const data = buildRunData(config);
      run = new Run(this.host, config, data, resume, this.poolFor(workers), workers);
      this.host.post({
        type: 'data/ready',
        train: data.trainIds.length,
        dev: data.devIds.length,
        srcVocab: data.srcVocab.size,
        tgtVocab: data.tgtVocab.size,
        description: clip(data.description),
        lineErrors: data.lineErrors.map(clipped),
        lineErrorCount: data.lineErrorCount,
        warnings: data.warnings.map(clipped),
        probe: { source: data.probe.source.map((t) => t.slice(0, LIMITS.tokenChars)), target: data.probe.target?.map((t) => t.slice(0, LIMITS.tokenChars)) ?? null },
      });
    } catch (err) {
      if (err instanceof DataError) this.error('data', err.code, err.params, err.message, null, err.lineErrors);
      else this.internal('data', err);
      this.postState();
      return;
    }
    this.setRun(run);
    const shared = workers <= 1 || !this.host.spawnGradientWorker || (this.host.sharedMemory ?? canShareMemory());
    this.host.post(run.workersInfo(shared ? 'ok' : 'no-shared-memory'));
    run.state = paused ? 'paused' : 'running';
    // the untrained alignment opens the replay
    try {
      run.flush(true);
      this.host.post(run.snapshot());
    } catch (err) {
      this.internal('train', err);
    }
    this.postState();
    this.kick();
  }

  /** Make sure a slice is scheduled while the run has work. */
  private kick(): void {
    if (this.scheduled || !this.run?.hasWork()) return;
    this.scheduled = true;
    this.host.schedule(() => this.slice());
  }

  private slice(): void {
    const run = this.run;
    if (!run) {
      this.scheduled = false;
      return;
    }
    const wasPausedStepping = run.state === 'paused' && run.stepsToTake > 0;
    // `scheduled` stays true while the slice runs: a command that arrives during a parallel step
    // must not start a second slice beside it
    run.work(SLICE_MS).then(
      () => {
        this.scheduled = false;
        if (this.run !== run) {
          this.kick();
          return;
        }
        if (run.pausePending || (wasPausedStepping && run.stepsToTake === 0 && run.state === 'paused')) this.announcePause(run);
        this.kick();
      },
      (err: unknown) => {
        this.scheduled = false;
        if (this.run !== run) {
          this.kick();
          return;
        }
        // a bug or an impossible state: stop this run, keep the worker
        run.state = 'paused';
        run.stepsToTake = 0;
        run.pausePending = false;
        const detail = errorMessage(err);
        this.error('train', 'stopped', { detail }, `training stopped: ${detail}`, null);
        this.postState();
      },
    );
  }

  private async exportCheckpoint(requestId: number, id: string, title: string): Promise<void> {
    const run = this.run;
    if (!run) {
      this.error('export', 'no-model', {}, 'there is no trained model to export yet', requestId);
      return;
    }
    try {
      const best = run.evals.reduce<EvalPoint | null>((b, e) => (!b || e.devLoss < b.devLoss ? e : b), null);
      const latest = run.evals.at(-1) ?? null;
      const shown = run.state === 'done' ? best : latest;
      const metrics: Record<string, number> = {};
      if (shown) {
        metrics.exactMatch = Math.round(shown.exactMatch * 10000) / 10000;
        metrics.bleu = Math.round(shown.bleu * 100) / 100;
        if (Number.isFinite(shown.devLoss)) metrics.devLoss = Math.round(shown.devLoss * 10000) / 10000;
      }
      const c = run.config;
      const { manifest, weights, files } = await saveModel({
        id,
        ...(title ? { title } : {}),
        task: run.data.task,
        config: run.modelConfig,
        params: run.params,
        srcVocab: run.data.srcVocab,
        tgtVocab: run.data.tgtVocab,
        tokenizer: run.data.tokenizer,
        ...(run.data.bpe ? { bpe: run.data.bpe } : {}),
        dtype: 'F32',
        training: {
          command: run.command(),
          seconds: Math.round(run.elapsedMs / 1000),
          steps: run.step,
          seed: c.seed,
          data: run.data.description,
          date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          ...(shown ? { metrics } : {}),
          batchSize: c.batchSize,
          learningRate: c.lr,
          minLength: c.minLength,
          maxLength: c.maxLength,
          dataKind: 'page',
          guardTrips: run.trainer.guardTrips,
        },
      });
      this.host.post({ type: 'checkpoint', requestId, manifest, weights, files });
    } catch (err) {
      const detail = errorMessage(err);
      this.error('export', 'export-failed', { detail }, `the model could not be exported: ${detail}`, requestId);
    }
  }
}
