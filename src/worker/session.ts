// What the training worker does, without the worker: it receives validated commands, drives the
// same `src/train` Trainer the CLI drives (no copy of the loop), in slices of about SLICE_MS that
// yield to the message loop so pause / step / reset / ping are answered between them, and posts
// throttled progress, probe snapshots, weights, guard reports and checkpoints. `train.worker.ts`
// wires it to the worker's `self`; tests drive it directly in Node.
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
import { Trainer, type TrainSettings } from '../train/trainer';
import { buildRunData, DataError, type RunData } from './data';
import {
  LIMITS,
  parseToWorker,
  PROGRESS_INTERVAL_MS,
  PROTOCOL_VERSION,
  WEIGHTS_INTERVAL_MS,
  type EvalPoint,
  type FromWorker,
  type LossPoint,
  type ResumePoint,
  type RunState,
  type Snapshot,
  type ToWorker,
  type TrainConfig,
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
}

function clip(text: string): string {
  return text.length > LIMITS.textChars ? `${text.slice(0, LIMITS.textChars - 1)}…` : text;
}

function errorMessage(err: unknown): string {
  return clip(err instanceof Error ? err.message : String(err));
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

  constructor(
    private readonly host: SessionHost,
    readonly config: TrainConfig,
    readonly data: RunData,
    resume: ResumePoint | null,
  ) {
    const common = { srcVocabSize: data.srcVocab.size, tgtVocabSize: data.tgtVocab.size, lengthRatio: data.lengthRatio };
    // parseTrainConfig checked that a Transformer's variant is scaled-dot or linear
    this.modelConfig =
      config.family === 'transformer' && config.transformer
        ? { family: 'transformer', variant: config.variant as TransformerVariant, sizes: { ...config.transformer }, ...common }
        : { variant: config.variant, sizes: { ...config.sizes }, ...common };
    this.params = initParams(this.modelConfig, config.seed);
    const settings = trainerSettings(config);
    if (resume && resume.step > 0) {
      const values = new Map(resume.tensors.map((t) => [t.name, t.data] as const));
      try {
        this.params.restore(values);
      } catch {
        throw new DataError('the saved weights do not fit this run (a different model or data?); start again instead');
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

  /** Do up to `budgetMs` of work. */
  work(budgetMs: number): void {
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
      this.trainOneStep();
    } while (now() < deadline);
    this.elapsedMs += now() - t0;
    this.flush(false);
  }

  private trainOneStep(): void {
    const report = this.trainer.trainStep();
    if (this.stepsToTake > 0) this.stepsToTake--;
    if (report.type === 'guard') {
      this.host.post({ type: 'train/guard', step: this.offset + report.step, what: report.what, restoredStep: this.offset + report.restoredStep, message: clip(report.message) });
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
  private scheduled = false;

  constructor(private readonly host: SessionHost) {}

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
    this.error('protocol', 'a command from the page could not be read (it could not be deserialised) and was ignored', null);
  }

  /** Handle one incoming message (validated here: a message is data, never trusted). */
  receive(data: unknown): void {
    const parsed = parseToWorker(data);
    if (!parsed.ok) {
      this.error('protocol', `bad command: ${parsed.error}`, null);
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
        this.start(msg.config, msg.paused, msg.resume);
        return;
      case 'train/pause':
        if (this.run && this.run.state === 'running') {
          this.run.state = 'paused';
          this.run.stepsToTake = 0;
          this.run.flush(true);
          this.run.sendWeights(true);
          this.postState();
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
        this.run = null;
        this.postState();
        return;
      case 'export/checkpoint':
        void this.exportCheckpoint(msg.requestId, msg.id, msg.title);
        return;
    }
  }

  private postState(): void {
    const run = this.run;
    const state: RunState = run ? run.state : 'idle';
    this.host.post({ type: 'train/state', state, step: run ? run.step : 0 });
  }

  private error(scope: 'data' | 'train' | 'export' | 'protocol', message: string, requestId: number | null, lineErrors: { line: number; message: string }[] = []): void {
    this.host.post({ type: 'error', scope, message: clip(message), requestId, lineErrors: lineErrors.slice(0, LIMITS.lineErrors) });
  }

  private start(config: TrainConfig, paused: boolean, resume: ResumePoint | null): void {
    this.run = null;
    this.host.post({ type: 'train/state', state: 'preparing', step: resume?.step ?? 0 });
    let run: Run;
    try {
      const data = buildRunData(config);
      run = new Run(this.host, config, data, resume);
      this.host.post({
        type: 'data/ready',
        train: data.trainIds.length,
        dev: data.devIds.length,
        srcVocab: data.srcVocab.size,
        tgtVocab: data.tgtVocab.size,
        description: clip(data.description),
        lineErrors: data.lineErrors.map((e) => ({ line: e.line, message: clip(e.message) })),
        lineErrorCount: data.lineErrorCount,
        warnings: data.warnings.map(clip),
        probe: { source: data.probe.source.map((t) => t.slice(0, LIMITS.tokenChars)), target: data.probe.target?.map((t) => t.slice(0, LIMITS.tokenChars)) ?? null },
      });
    } catch (err) {
      this.error('data', errorMessage(err), null, err instanceof DataError ? err.lineErrors : []);
      this.postState();
      return;
    }
    this.run = run;
    run.state = paused ? 'paused' : 'running';
    // the untrained alignment opens the replay
    try {
      run.flush(true);
      this.host.post(run.snapshot());
    } catch (err) {
      this.error('train', errorMessage(err), null);
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
    this.scheduled = false;
    const run = this.run;
    if (!run) return;
    const wasPausedStepping = run.state === 'paused' && run.stepsToTake > 0;
    try {
      run.work(SLICE_MS);
    } catch (err) {
      // a bug or an impossible state: stop this run, keep the worker
      run.state = 'paused';
      run.stepsToTake = 0;
      this.error('train', `training stopped: ${errorMessage(err)}`, null);
      this.postState();
      return;
    }
    if (this.run !== run) return;
    if (wasPausedStepping && run.stepsToTake === 0 && run.state === 'paused') {
      run.flush(true);
      run.sendWeights(true);
      this.postState();
    }
    this.kick();
  }

  private async exportCheckpoint(requestId: number, id: string, title: string): Promise<void> {
    const run = this.run;
    if (!run) {
      this.error('export', 'there is no trained model to export yet', requestId);
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
      this.error('export', `the model could not be exported: ${errorMessage(err)}`, requestId);
    }
  }
}
