// The training worker's message protocol: one discriminated union per direction, and a runtime
// validator for each, because a message is data, never trusted (the worker checks what the page
// sends; the page checks what the worker sends). Validators build fresh objects field by field
// from what they checked, so unknown or hostile keys (`__proto__`) go nowhere.
//
// Buffers are COPIED by structured clone, never transferred: a transfer detaches an ArrayBuffer,
// and the first detach in a thread slows our GEMM kernels ~30% for the life of that thread
// (bench/README.md, "V8's ArrayBuffer-detaching protector"). Both threads run kernels.
//
// Page → worker:  ping · train/start · train/pause · train/resume · train/step · train/reset ·
//                 export/checkpoint
// Worker → page:  ready · pong · train/state · data/ready · train/workers · train/progress ·
//                 train/snapshot · train/weights · train/guard · train/done · checkpoint · error
// The worker sends progress at most every PROGRESS_INTERVAL_MS (~10 Hz), snapshots every
// `snapshotEvery` steps (coalesced to the same rate), weights at most every WEIGHTS_INTERVAL_MS.

import { isTaskId, type TaskId } from '../data/tasks';
import { MAX_TOKENS_PER_SIDE, TSV_MAX_BYTES } from '../data/limits';
import { parseManifest, type Manifest } from '../model/checkpoint';
import { isModelId, MODEL_ID_RULE } from '../model/domain';
import { isVariant, MAX_TARGET_TOKENS, TRANSFORMER_VARIANTS, type ModelSizes, type TransformerSizes, type Variant } from '../model/config';

export const PROTOCOL_VERSION = 1;
/** The shortest interval between two progress messages (~10 Hz). */
export const PROGRESS_INTERVAL_MS = 100;
/** The shortest interval between two weights messages (the page keeps the last for resumption). */
export const WEIGHTS_INTERVAL_MS = 2000;

/** Page-side caps on a run's settings (the page trains small models). */
export const LIMITS = {
  size: 512,
  steps: 100_000,
  batchSize: 256,
  seed: 2 ** 31 - 1,
  trainSize: 200_000,
  devSize: 2000,
  probeChars: 500,
  nameChars: 200,
  titleChars: 200,
  lineErrors: 50,
  warnings: 20,
  tokenChars: 200,
  textChars: 2000,
  tensors: 64,
  tensorElements: 16 * 1024 * 1024,
  lossPoints: 1000,
  /** Threads computing a run's gradients (the training worker and its gradient workers). */
  workers: 16,
} as const;

// ---- shared pieces ---------------------------------------------------------------------------

export type TaskSpec =
  | { kind: 'builtin'; id: TaskId }
  /** The user's TSV (source<TAB>target[<TAB>attribution]); parsed in the worker. */
  | { kind: 'tsv'; name: string; bytes: Uint8Array; lowercase: boolean };

export interface TrainConfig {
  task: TaskSpec;
  /** Absent: RNNsearch with `sizes`. 'transformer': a Transformer with `transformer` sizes (and `sizes` unused). */
  family?: 'transformer';
  variant: Variant;
  sizes: ModelSizes;
  transformer?: TransformerSizes;
  /** Peak learning rate (Adam, warm-up then cosine decay). */
  lr: number;
  seed: number;
  /** Optimiser steps in the run. */
  steps: number;
  batchSize: number;
  /** Source lengths (tokens) of the generated / kept pairs. */
  minLength: number;
  maxLength: number;
  /** Generated training pairs (built-in tasks). */
  trainSize: number;
  /** Dev pairs (exact match by greedy decoding, dev loss). */
  devSize: number;
  /** Evaluate on dev every this many steps (0: only at the end). */
  evalEvery: number;
  /** Record the probe's alignment every this many steps. */
  snapshotEvery: number;
  /** The probe sentence (display text); with a target it is force-decoded on it. */
  probe: { source: string; target: string };
}

export interface WeightTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Where a resumed run starts: the weights of a step the page received. */
export interface ResumePoint {
  step: number;
  tensors: WeightTensor[];
}

export interface LineError {
  line: number;
  message: string;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface EvalPoint {
  step: number;
  devLoss: number;
  /** Fraction of dev pairs decoded exactly (greedy). */
  exactMatch: number;
  /** Corpus BLEU of the greedy dev translations (0–100). */
  bleu: number;
  /** Best dev loss so far (these weights are kept). */
  best: boolean;
}

export type RunState = 'idle' | 'preparing' | 'running' | 'paused' | 'done';

// ---- page → worker ---------------------------------------------------------------------------

export type ToWorker =
  | { type: 'ping'; seq: number }
  /**
   * Build the data and the model and start (or wait paused); replaces any run. `workers`: threads
   * computing gradients (1 when absent; more only where memory can be shared). Not part of the
   * config: it changes the speed, not the numbers (docs/ARCHITECTURE.md, "Training on every core").
   */
  | { type: 'train/start'; config: TrainConfig; paused: boolean; resume: ResumePoint | null; workers?: number }
  | { type: 'train/pause' }
  | { type: 'train/resume' }
  /** While paused: take `count` steps, then pause again. */
  | { type: 'train/step'; count: number }
  /** Discard the run; the worker goes idle. */
  | { type: 'train/reset' }
  | { type: 'export/checkpoint'; requestId: number; id: string; title: string };

// ---- worker → page ---------------------------------------------------------------------------

export interface DataReady {
  type: 'data/ready';
  train: number;
  dev: number;
  srcVocab: number;
  tgtVocab: number;
  /** Where the data came from, in one line (also the manifest's training.data). */
  description: string;
  /** TSV problems by line (the first LIMITS.lineErrors), and how many there were in all. */
  lineErrors: LineError[];
  lineErrorCount: number;
  warnings: string[];
  /** The probe as the model reads it; target null when it is decoded freely. */
  probe: { source: string[]; target: string[] | null };
}

export interface Progress {
  type: 'train/progress';
  step: number;
  maxSteps: number;
  epoch: number;
  /** Loss of the last batch (nats per target token). */
  loss: number;
  /** Every step's batch loss since the previous progress message. */
  losses: LossPoint[];
  /** The evaluation that finished since the previous message, if any. */
  eval: EvalPoint | null;
  tokensPerSec: number;
  gradNorm: number;
  lr: number;
  /** Training time (ms), pauses excluded. */
  elapsedMs: number;
}

export interface Snapshot {
  type: 'train/snapshot';
  step: number;
  /** Tokens as the model saw them, </s> last. */
  source: string[];
  /** The rows' tokens (the reference when forced, else the greedy output), </s> last. */
  target: string[];
  /** α, rows × cols row-major (rows = target steps, cols = source positions); empty for `none`. */
  rows: number;
  cols: number;
  weights: Float32Array;
  /** What greedy decoding writes at this step (without </s>). */
  output: string[];
  forced: boolean;
}

/**
 * How many threads compute the run's gradients (sent when a run starts and when that changes).
 * `reason`: 'ok'; 'no-shared-memory' when more were asked for but this page cannot share memory
 * (not cross-origin isolated); 'dropped' when a gradient worker failed and training goes on with
 * the others (`message` says why, in English, like every worker error).
 */
export interface WorkersInfo {
  type: 'train/workers';
  workers: number;
  requested: number;
  reason: 'ok' | 'no-shared-memory' | 'dropped';
  message: string | null;
}

export type FromWorker =
  | { type: 'ready'; protocol: number }
  | { type: 'pong'; seq: number }
  | { type: 'train/state'; state: RunState; step: number }
  | DataReady
  | WorkersInfo
  | Progress
  | Snapshot
  | { type: 'train/weights'; step: number; tensors: WeightTensor[] }
  | { type: 'train/guard'; step: number; what: 'loss' | 'gradient' | 'weights'; restoredStep: number; message: string }
  | {
      type: 'train/done';
      reason: 'steps' | 'early-stop';
      step: number;
      devLoss: number | null;
      exactMatch: number | null;
      bleu: number | null;
      /** The step whose weights were kept (the best dev loss), when there was an evaluation. */
      bestStep: number | null;
      elapsedMs: number;
    }
  | { type: 'checkpoint'; requestId: number; manifest: Manifest; weights: Uint8Array; files: Record<string, Uint8Array> }
  /** Something failed; `lineErrors` carries a TSV's problems when it had no usable pairs. */
  | { type: 'error'; scope: 'data' | 'train' | 'export' | 'protocol'; message: string; requestId: number | null; lineErrors: LineError[] };

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

// ---- validation helpers ----------------------------------------------------------------------

class Invalid extends Error {}

function fail(path: string, what: string): never {
  throw new Invalid(`${path} ${what}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}

/** An own property (inherited ones, e.g. from a polluted prototype, are ignored). */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function num(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(path, `must be a finite number in [${min}, ${max}]`);
  return v;
}

/** A number that may be NaN/±Infinity (losses that blew up are reported, not hidden). */
function real(v: unknown, path: string): number {
  if (typeof v !== 'number') fail(path, 'must be a number');
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) fail(path, `must be an integer in [${min}, ${max}]`);
  return v as number;
}

function str(v: unknown, path: string, max: number, min = 0): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) fail(path, `must be a string of ${min}–${max} characters`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be true or false');
  return v;
}

function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  if (v.length > max) fail(path, `has ${v.length} entries; at most ${max}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) fail(path, `must be one of ${options.join(', ')}`);
  return v as T;
}

function tokens(v: unknown, path: string, max: number): string[] {
  return arr(v, path, max).map((t, k) => str(t, `${path}[${k}]`, LIMITS.tokenChars));
}

/** A typed array of that kind, from any realm (structured clones come from the receiving one). */
function isTyped(v: unknown, tag: 'Float32Array' | 'Uint8Array'): boolean {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === `[object ${tag}]`;
}

function float32(v: unknown, path: string, length?: number): Float32Array {
  if (!isTyped(v, 'Float32Array')) fail(path, 'must be a Float32Array');
  if (!(v instanceof Float32Array)) v = new Float32Array(v as Float32Array);
  const f = v as Float32Array;
  if (length !== undefined && f.length !== length) fail(path, `has ${f.length} values; expected ${length}`);
  return f;
}

function uint8(v: unknown, path: string): Uint8Array {
  if (!isTyped(v, 'Uint8Array')) fail(path, 'must be a Uint8Array');
  return v instanceof Uint8Array ? v : new Uint8Array(v as Uint8Array);
}

function optionalNumber(v: unknown, path: string): number | null {
  return v === null || v === undefined ? null : real(v, path);
}

function validate<T>(fn: () => T): Validated<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function typeOf(data: unknown): { o: Record<string, unknown>; type: string } {
  const o = obj(data, 'message');
  const type = own(o, 'type');
  if (typeof type !== 'string') fail('message.type', 'must be a string');
  return { o, type };
}

// ---- the config ------------------------------------------------------------------------------

function sizes(v: unknown, path: string): ModelSizes {
  const o = obj(v, path);
  return {
    embedding: int(own(o, 'embedding'), `${path}.embedding`, 1, LIMITS.size),
    hidden: int(own(o, 'hidden'), `${path}.hidden`, 1, LIMITS.size),
    alignment: int(own(o, 'alignment'), `${path}.alignment`, 1, LIMITS.size),
    maxout: int(own(o, 'maxout'), `${path}.maxout`, 1, LIMITS.size),
  };
}

function taskSpec(v: unknown, path: string): TaskSpec {
  const o = obj(v, path);
  const kind = oneOf(own(o, 'kind'), `${path}.kind`, ['builtin', 'tsv'] as const);
  if (kind === 'builtin') {
    const id = own(o, 'id');
    if (!isTaskId(id)) fail(`${path}.id`, 'must name a built-in task');
    return { kind, id };
  }
  const bytes = uint8(own(o, 'bytes'), `${path}.bytes`);
  if (bytes.length > TSV_MAX_BYTES) fail(`${path}.bytes`, `is ${bytes.length} bytes; the limit is ${TSV_MAX_BYTES}`);
  return { kind, name: str(own(o, 'name'), `${path}.name`, LIMITS.nameChars), bytes, lowercase: bool(own(o, 'lowercase'), `${path}.lowercase`) };
}

/** Check a run's settings (also used by the page before it sends them). */
export function parseTrainConfig(v: unknown, path = 'config'): TrainConfig {
  const o = obj(v, path);
  const variant = own(o, 'variant');
  if (!isVariant(variant)) fail(`${path}.variant`, 'must be an attention variant');
  const family = own(o, 'family');
  if (family !== undefined && family !== 'transformer') fail(`${path}.family`, 'must be "transformer" or absent');
  let transformer: TransformerSizes | undefined;
  if (family === 'transformer') {
    if (!(TRANSFORMER_VARIANTS as readonly string[]).includes(variant)) fail(`${path}.variant`, 'a Transformer\'s attention is scaled-dot or linear');
    const t = obj(own(o, 'transformer'), `${path}.transformer`);
    transformer = {
      model: int(own(t, 'model'), `${path}.transformer.model`, 1, LIMITS.size),
      heads: int(own(t, 'heads'), `${path}.transformer.heads`, 1, 64),
      layers: int(own(t, 'layers'), `${path}.transformer.layers`, 1, 12),
      ff: int(own(t, 'ff'), `${path}.transformer.ff`, 1, LIMITS.size),
    };
    if (transformer.model % transformer.heads !== 0) fail(`${path}.transformer.model`, `must be a multiple of the ${transformer.heads} heads`);
  } else if (variant === 'linear') {
    fail(`${path}.variant`, 'linear attention belongs to the Transformer family');
  }
  const minLength = int(own(o, 'minLength'), `${path}.minLength`, 1, MAX_TOKENS_PER_SIDE);
  const maxLength = int(own(o, 'maxLength'), `${path}.maxLength`, minLength, MAX_TOKENS_PER_SIDE);
  const probe = obj(own(o, 'probe'), `${path}.probe`);
  return {
    task: taskSpec(own(o, 'task'), `${path}.task`),
    ...(transformer ? { family: 'transformer' as const, transformer } : {}),
    variant,
    sizes: sizes(own(o, 'sizes'), `${path}.sizes`),
    lr: num(own(o, 'lr'), `${path}.lr`, 1e-6, 1),
    seed: int(own(o, 'seed'), `${path}.seed`, 0, LIMITS.seed),
    steps: int(own(o, 'steps'), `${path}.steps`, 1, LIMITS.steps),
    batchSize: int(own(o, 'batchSize'), `${path}.batchSize`, 1, LIMITS.batchSize),
    minLength,
    maxLength,
    trainSize: int(own(o, 'trainSize'), `${path}.trainSize`, 1, LIMITS.trainSize),
    devSize: int(own(o, 'devSize'), `${path}.devSize`, 0, LIMITS.devSize),
    evalEvery: int(own(o, 'evalEvery'), `${path}.evalEvery`, 0, LIMITS.steps),
    snapshotEvery: int(own(o, 'snapshotEvery'), `${path}.snapshotEvery`, 1, LIMITS.steps),
    probe: {
      source: str(own(probe, 'source'), `${path}.probe.source`, LIMITS.probeChars),
      target: str(own(probe, 'target'), `${path}.probe.target`, LIMITS.probeChars),
    },
  };
}

function weightTensors(v: unknown, path: string): WeightTensor[] {
  let total = 0;
  return arr(v, path, LIMITS.tensors).map((t, k) => {
    const o = obj(t, `${path}[${k}]`);
    const shape = arr(own(o, 'shape'), `${path}[${k}].shape`, 4).map((d, m) => int(d, `${path}[${k}].shape[${m}]`, 1, LIMITS.tensorElements));
    const size = shape.reduce((a, b) => a * b, 1);
    total += size;
    if (total > LIMITS.tensorElements) fail(path, `holds more than ${LIMITS.tensorElements} values`);
    return { name: str(own(o, 'name'), `${path}[${k}].name`, 128, 1), shape, data: float32(own(o, 'data'), `${path}[${k}].data`, size) };
  });
}

// ---- page → worker validation ----------------------------------------------------------------

/** Validate a message the worker received. */
export function parseToWorker(data: unknown): Validated<ToWorker> {
  return validate((): ToWorker => {
    const { o, type } = typeOf(data);
    switch (type) {
      case 'ping':
        return { type, seq: int(own(o, 'seq'), 'ping.seq', 0, Number.MAX_SAFE_INTEGER) };
      case 'train/start': {
        const resume = own(o, 'resume');
        let point: ResumePoint | null = null;
        if (resume !== null && resume !== undefined) {
          const r = obj(resume, 'train/start.resume');
          point = { step: int(own(r, 'step'), 'train/start.resume.step', 0, LIMITS.steps), tensors: weightTensors(own(r, 'tensors'), 'train/start.resume.tensors') };
        }
        const workers = own(o, 'workers');
        return {
          type,
          config: parseTrainConfig(own(o, 'config'), 'train/start.config'),
          paused: bool(own(o, 'paused'), 'train/start.paused'),
          resume: point,
          ...(workers === undefined ? {} : { workers: int(workers, 'train/start.workers', 1, LIMITS.workers) }),
        };
      }
      case 'train/pause':
      case 'train/resume':
      case 'train/reset':
        return { type };
      case 'train/step':
        return { type, count: int(own(o, 'count'), 'train/step.count', 1, 10_000) };
      case 'export/checkpoint': {
        const id = str(own(o, 'id'), 'export/checkpoint.id', 64, 1);
        if (!isModelId(id)) fail('export/checkpoint.id', MODEL_ID_RULE);
        return { type, requestId: int(own(o, 'requestId'), 'export/checkpoint.requestId', 0, Number.MAX_SAFE_INTEGER), id, title: str(own(o, 'title'), 'export/checkpoint.title', LIMITS.titleChars) };
      }
      default:
        fail('message.type', `is not a known command (${JSON.stringify(type.slice(0, 40))})`);
    }
  });
}

// ---- worker → page validation ----------------------------------------------------------------

function evalPoint(v: unknown, path: string): EvalPoint {
  const o = obj(v, path);
  return {
    step: int(own(o, 'step'), `${path}.step`, 0, LIMITS.steps),
    devLoss: real(own(o, 'devLoss'), `${path}.devLoss`),
    exactMatch: num(own(o, 'exactMatch'), `${path}.exactMatch`, 0, 1),
    bleu: num(own(o, 'bleu'), `${path}.bleu`, 0, 100),
    best: bool(own(o, 'best'), `${path}.best`),
  };
}

/** α of a snapshot: rows × cols values, or none at all for a model without attention. */
function snapshotWeights(v: unknown, size: number): Float32Array {
  const w = float32(v, 'train/snapshot.weights');
  if (w.length !== 0 && w.length !== size) fail('train/snapshot.weights', `has ${w.length} values; expected ${size} (or 0 without attention)`);
  return w;
}

function lineErrors(v: unknown, path: string): LineError[] {
  return arr(v, path, LIMITS.lineErrors).map((e, k) => {
    const o = obj(e, `${path}[${k}]`);
    return { line: int(own(o, 'line'), `${path}[${k}].line`, 0, Number.MAX_SAFE_INTEGER), message: str(own(o, 'message'), `${path}[${k}].message`, LIMITS.textChars) };
  });
}

/** Validate a message the page received from the worker. */
export function parseFromWorker(data: unknown): Validated<FromWorker> {
  return validate((): FromWorker => {
    const { o, type } = typeOf(data);
    switch (type) {
      case 'ready':
        return { type, protocol: int(own(o, 'protocol'), 'ready.protocol', 0, 1000) };
      case 'pong':
        return { type, seq: int(own(o, 'seq'), 'pong.seq', 0, Number.MAX_SAFE_INTEGER) };
      case 'train/state':
        return { type, state: oneOf(own(o, 'state'), 'train/state.state', ['idle', 'preparing', 'running', 'paused', 'done'] as const), step: int(own(o, 'step'), 'train/state.step', 0, LIMITS.steps) };
      case 'data/ready': {
        const probe = obj(own(o, 'probe'), 'data/ready.probe');
        const target = own(probe, 'target');
        return {
          type,
          train: int(own(o, 'train'), 'data/ready.train', 0, LIMITS.trainSize),
          dev: int(own(o, 'dev'), 'data/ready.dev', 0, LIMITS.trainSize),
          srcVocab: int(own(o, 'srcVocab'), 'data/ready.srcVocab', 0, 1_000_000),
          tgtVocab: int(own(o, 'tgtVocab'), 'data/ready.tgtVocab', 0, 1_000_000),
          description: str(own(o, 'description'), 'data/ready.description', LIMITS.textChars),
          lineErrors: lineErrors(own(o, 'lineErrors'), 'data/ready.lineErrors'),
          lineErrorCount: int(own(o, 'lineErrorCount'), 'data/ready.lineErrorCount', 0, Number.MAX_SAFE_INTEGER),
          warnings: arr(own(o, 'warnings'), 'data/ready.warnings', LIMITS.warnings).map((w, k) => str(w, `data/ready.warnings[${k}]`, LIMITS.textChars)),
          probe: {
            source: tokens(own(probe, 'source'), 'data/ready.probe.source', MAX_TOKENS_PER_SIDE + 1),
            target: target === null ? null : tokens(target, 'data/ready.probe.target', MAX_TARGET_TOKENS),
          },
        };
      }
      case 'train/workers': {
        const message = own(o, 'message');
        return {
          type,
          workers: int(own(o, 'workers'), 'train/workers.workers', 1, LIMITS.workers),
          requested: int(own(o, 'requested'), 'train/workers.requested', 1, LIMITS.workers),
          reason: oneOf(own(o, 'reason'), 'train/workers.reason', ['ok', 'no-shared-memory', 'dropped'] as const),
          message: message === null ? null : str(message, 'train/workers.message', LIMITS.textChars),
        };
      }
      case 'train/progress': {
        const ev = own(o, 'eval');
        return {
          type,
          step: int(own(o, 'step'), 'train/progress.step', 0, LIMITS.steps),
          maxSteps: int(own(o, 'maxSteps'), 'train/progress.maxSteps', 1, LIMITS.steps),
          epoch: int(own(o, 'epoch'), 'train/progress.epoch', 0, Number.MAX_SAFE_INTEGER),
          loss: real(own(o, 'loss'), 'train/progress.loss'),
          losses: arr(own(o, 'losses'), 'train/progress.losses', LIMITS.lossPoints).map((p, k) => {
            const po = obj(p, `train/progress.losses[${k}]`);
            return { step: int(own(po, 'step'), `train/progress.losses[${k}].step`, 0, LIMITS.steps), loss: real(own(po, 'loss'), `train/progress.losses[${k}].loss`) };
          }),
          eval: ev === null || ev === undefined ? null : evalPoint(ev, 'train/progress.eval'),
          tokensPerSec: num(own(o, 'tokensPerSec'), 'train/progress.tokensPerSec', 0),
          gradNorm: real(own(o, 'gradNorm'), 'train/progress.gradNorm'),
          lr: num(own(o, 'lr'), 'train/progress.lr', 0, 1),
          elapsedMs: num(own(o, 'elapsedMs'), 'train/progress.elapsedMs', 0),
        };
      }
      case 'train/snapshot': {
        const rows = int(own(o, 'rows'), 'train/snapshot.rows', 1, MAX_TARGET_TOKENS);
        const cols = int(own(o, 'cols'), 'train/snapshot.cols', 1, MAX_TOKENS_PER_SIDE + 1);
        const source = tokens(own(o, 'source'), 'train/snapshot.source', MAX_TOKENS_PER_SIDE + 1);
        const target = tokens(own(o, 'target'), 'train/snapshot.target', MAX_TARGET_TOKENS);
        if (source.length !== cols) fail('train/snapshot.source', `has ${source.length} tokens; expected ${cols}`);
        if (target.length !== rows) fail('train/snapshot.target', `has ${target.length} tokens; expected ${rows}`);
        return {
          type,
          step: int(own(o, 'step'), 'train/snapshot.step', 0, LIMITS.steps),
          source,
          target,
          rows,
          cols,
          weights: snapshotWeights(own(o, 'weights'), rows * cols),
          output: tokens(own(o, 'output'), 'train/snapshot.output', MAX_TARGET_TOKENS),
          forced: bool(own(o, 'forced'), 'train/snapshot.forced'),
        };
      }
      case 'train/weights':
        return { type, step: int(own(o, 'step'), 'train/weights.step', 0, LIMITS.steps), tensors: weightTensors(own(o, 'tensors'), 'train/weights.tensors') };
      case 'train/guard':
        return {
          type,
          step: int(own(o, 'step'), 'train/guard.step', 0, LIMITS.steps),
          what: oneOf(own(o, 'what'), 'train/guard.what', ['loss', 'gradient', 'weights'] as const),
          restoredStep: int(own(o, 'restoredStep'), 'train/guard.restoredStep', 0, LIMITS.steps),
          message: str(own(o, 'message'), 'train/guard.message', LIMITS.textChars),
        };
      case 'train/done': {
        const best = own(o, 'bestStep');
        return {
          type,
          reason: oneOf(own(o, 'reason'), 'train/done.reason', ['steps', 'early-stop'] as const),
          step: int(own(o, 'step'), 'train/done.step', 0, LIMITS.steps),
          devLoss: optionalNumber(own(o, 'devLoss'), 'train/done.devLoss'),
          exactMatch: own(o, 'exactMatch') === null ? null : num(own(o, 'exactMatch'), 'train/done.exactMatch', 0, 1),
          bleu: own(o, 'bleu') === null ? null : num(own(o, 'bleu'), 'train/done.bleu', 0, 100),
          bestStep: best === null ? null : int(best, 'train/done.bestStep', 0, LIMITS.steps),
          elapsedMs: num(own(o, 'elapsedMs'), 'train/done.elapsedMs', 0),
        };
      }
      case 'checkpoint': {
        const weights = uint8(own(o, 'weights'), 'checkpoint.weights');
        let manifest: Manifest;
        try {
          manifest = parseManifest(own(o, 'manifest'));
        } catch (err) {
          fail('checkpoint.manifest', `is not a valid manifest (${err instanceof Error ? err.message : String(err)})`);
        }
        // the tokenizer.json files of a subword model, by the names its manifest gives them
        const filesIn = own(o, 'files');
        const files: Record<string, Uint8Array> = {};
        if (filesIn !== undefined) {
          const fo = obj(filesIn, 'checkpoint.files');
          const names = Object.keys(fo);
          if (names.length > 2) fail('checkpoint.files', 'has more than the two tokenizer files');
          for (const name of names) {
            if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(name)) fail('checkpoint.files', `has a bad file name ${JSON.stringify(name.slice(0, 40))}`);
            files[name] = uint8(own(fo, name), `checkpoint.files.${name}`);
          }
        }
        return { type, requestId: int(own(o, 'requestId'), 'checkpoint.requestId', 0, Number.MAX_SAFE_INTEGER), manifest, weights, files };
      }
      case 'error': {
        const requestId = own(o, 'requestId');
        return {
          type,
          scope: oneOf(own(o, 'scope'), 'error.scope', ['data', 'train', 'export', 'protocol'] as const),
          message: str(own(o, 'message'), 'error.message', LIMITS.textChars),
          requestId: requestId === null || requestId === undefined ? null : int(requestId, 'error.requestId', 0, Number.MAX_SAFE_INTEGER),
          lineErrors: lineErrors(own(o, 'lineErrors') ?? [], 'error.lineErrors'),
        };
      }
      default:
        fail('message.type', `is not a known worker message (${JSON.stringify(type.slice(0, 40))})`);
    }
  });
}
