// The training worker's message protocol: one valibot schema per message, the union of each
// direction derived from them (docs/ARCHITECTURE.md, "Schemas at the boundaries"), because a
// message is data, never trusted (the worker checks what the page sends; the page checks what the
// worker sends). Objects are read through `ownObject`, so the result is a fresh object of the
// schema's fields and unknown or hostile keys (`__proto__`) go nowhere; typed arrays are checked by
// kind and length, never value by value.
//
// Buffers are COPIED by structured clone, never transferred: a transfer detaches an ArrayBuffer,
// and the first detach in a thread slows our GEMM kernels ~30% for the life of that thread
// (bench/README.md, "V8's ArrayBuffer-detaching protector"). Both threads run kernels.
//
// Page → worker:  ping · train/start · train/pause · train/resume · train/step · train/reset ·
//                 export/checkpoint
// Worker → page:  ready · pong · train/state · data/ready · train/workers · train/progress ·
//                 train/snapshot · train/weights · train/guard · train/done · checkpoint · error
// What the page shows of a failure, a warning or a TSV's line comes as a code with its values
// (`code`, `params`), which the page words in the reader's language (src/ui/i18n.ts); the English
// `message` beside it is the CLI's and the logs'.
// The worker sends progress at most every PROGRESS_INTERVAL_MS (~10 Hz), snapshots every
// `snapshotEvery` steps (coalesced to the same rate), weights at most every WEIGHTS_INTERVAL_MS.

import * as v from 'valibot';
import { isTaskId, type TaskId } from '../data/tasks';
import { TSV_LINE_CODES } from '../data/tsv';
import type { GradientFailure } from '../train/parallel';
import { MAX_TOKENS_PER_SIDE, TSV_MAX_BYTES } from '../data/limits';
import { FILE_NAME_PATTERN, parseManifest } from '../model/checkpoint';
import { modelIdSchema, MODEL_ID_RULE } from '../model/domain';
import { describeIssue, finiteIn, intIn, isRecord, ownObject, ownVariant, text, typedArray } from '../model/schema';
import { hasLinearAttention, isVariant, MAX_HEADS, MAX_LAYERS, MAX_TARGET_TOKENS, TRANSFORMER_VARIANTS, type Variant } from '../model/config';

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


/**
 * Why the worker reports an `error`, a code the page words (src/ui/i18n.ts, `train.error.<code>`):
 * the data (a TSV over the size cap, no usable pairs, a length range the task cannot make, a task
 * that cannot generate the pairs asked for, saved weights that do not fit the run), training (a
 * gradient worker that could not start, a run stopped by an error), an export (no model yet, a
 * failed export), the protocol (a command refused or unreadable), or a bug anywhere ('internal').
 * The English `message` beside it is for logs; an unknown code is refused with its message.
 */
export const WORKER_ERROR_CODES = [
  'tsv-too-large',
  'no-pairs',
  'length-range',
  'split',
  'resume-mismatch',
  'gradient-spawn',
  'stopped',
  'no-model',
  'export-failed',
  'bad-command',
  'unreadable-command',
  'internal',
] as const;
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

/** src/train/parallel.ts's kinds of GradientFailure, every one (a type only: the page's bundle leaves the pool out). */
const GRADIENT_FAILURES = Object.keys({ failed: 1, timeout: 1, 'bad-reply': 1, gone: 1, stopped: 1 } satisfies Record<GradientFailure, 1>) as [GradientFailure, ...GradientFailure[]];

/** What the data left out or changed (`data/ready` warnings), a code the page words (`train.warn.<code>`). */
export const DATA_WARNING_CODES = ['out-of-range', 'dev-borrowed', 'train-cut', 'probe-empty'] as const;
export type DataWarningCode = (typeof DATA_WARNING_CODES)[number];

// ---- field schemas ---------------------------------------------------------------------------

const step = intIn(0, LIMITS.steps);
const anyId = intIn(0, Number.MAX_SAFE_INTEGER);
const flag = v.boolean('must be true or false');
/** A number that may be NaN/±Infinity (losses that blew up are reported, not hidden). */
const real = v.custom<number>((x) => typeof x === 'number', 'must be a number');
const oneOf = <const T extends readonly [string, ...string[]]>(options: T) => v.picklist(options, `must be one of ${options.join(', ')}`);
const long = text(LIMITS.textChars);

/** An array of at most `max` items, its length checked before any item. */
function list<T extends v.GenericSchema>(item: T, max: number) {
  return v.pipe(
    v.custom<unknown[]>(Array.isArray, 'must be an array'),
    v.maxLength(max, (issue) => `has ${issue.input.length} entries; at most ${max}`),
    v.array(item),
  );
}

/**
 * The values a coded message's sentence is filled with (src/ui/i18n.ts): counts and limits, a
 * file's name, and a technical (English) detail; each optional, only the code's own are sent.
 */
const ParamsSchema = ownObject({
  line: v.optional(anyId),
  n: v.optional(anyId),
  min: v.optional(anyId),
  max: v.optional(anyId),
  from: v.optional(anyId),
  to: v.optional(anyId),
  read: v.optional(anyId),
  problems: v.optional(anyId),
  seconds: v.optional(finiteIn(0)),
  mib: v.optional(finiteIn(0)),
  name: v.optional(text(LIMITS.nameChars)),
  detail: v.optional(long),
});
export type MessageParams = v.InferOutput<typeof ParamsSchema>;

/** A coded message's fields: a code of `codes` (any other is refused), its values, and its English. */
const coded = <const C extends readonly [string, ...string[]]>(codes: C) => ({ code: oneOf(codes), params: ParamsSchema, message: long });

const tokens = (max: number) => list(text(LIMITS.tokenChars), max);
const sourceTokens = tokens(MAX_TOKENS_PER_SIDE + 1);
const targetTokens = tokens(MAX_TARGET_TOKENS);

// ---- the config ------------------------------------------------------------------------------

const size = intIn(1, LIMITS.size);

const TaskSpecSchema = ownVariant(
  'kind',
  [
    v.object({ kind: v.literal('builtin'), id: v.custom<TaskId>(isTaskId, 'must name a built-in task') }),
    /** The user's TSV (source<TAB>target[<TAB>attribution]); parsed in the worker. */
    v.object({
      kind: v.literal('tsv'),
      name: text(LIMITS.nameChars),
      bytes: v.pipe(typedArray('Uint8Array'), v.maxLength(TSV_MAX_BYTES, (issue) => `is ${issue.input.length} bytes; the limit is ${TSV_MAX_BYTES}`)),
      lowercase: flag,
    }),
  ],
  'must be one of builtin, tsv',
);

const TrainConfigFields = ownObject({
  task: TaskSpecSchema,
  /** Absent: RNNsearch with `sizes`. 'transformer': a Transformer with `transformer` sizes (and `sizes` unused). */
  family: v.optional(v.literal('transformer', 'must be "transformer" or absent')),
  variant: v.custom<Variant>(isVariant, 'must be an attention variant'),
  sizes: ownObject({ embedding: size, hidden: size, alignment: size, maxout: size }),
  transformer: v.optional(ownObject({ model: size, heads: intIn(1, MAX_HEADS), layers: intIn(1, MAX_LAYERS), ff: size })),
  /** Peak learning rate (Adam, warm-up then cosine decay). */
  lr: finiteIn(1e-6, 1),
  seed: intIn(0, LIMITS.seed),
  /** Optimiser steps in the run. */
  steps: intIn(1, LIMITS.steps),
  batchSize: intIn(1, LIMITS.batchSize),
  /** Source lengths (tokens) of the generated / kept pairs. */
  minLength: intIn(1, MAX_TOKENS_PER_SIDE),
  maxLength: intIn(1, MAX_TOKENS_PER_SIDE),
  /** Generated training pairs (built-in tasks). */
  trainSize: intIn(1, LIMITS.trainSize),
  /** Dev pairs (exact match by greedy decoding, dev loss). */
  devSize: intIn(0, LIMITS.devSize),
  /** Evaluate on dev every this many steps (0: only at the end). */
  evalEvery: intIn(0, LIMITS.steps),
  /** Record the probe's alignment every this many steps. */
  snapshotEvery: intIn(1, LIMITS.steps),
  /** The probe sentence (display text); with a target it is force-decoded on it. */
  probe: ownObject({ source: text(LIMITS.probeChars), target: text(LIMITS.probeChars) }),
});
type ConfigFields = v.InferOutput<typeof TrainConfigFields>;

const isTransformer = (c: ConfigFields): boolean => c.family === 'transformer';

/** A run's settings: the fields, then the rules between them. */
const TrainConfigSchema = v.pipe(
  TrainConfigFields,
  v.forward(v.check((c) => isTransformer(c) || !hasLinearAttention(c.variant), 'linear attention belongs to the Transformer family'), ['variant']),
  v.forward(v.check((c) => !isTransformer(c) || (TRANSFORMER_VARIANTS as readonly string[]).includes(c.variant), `a Transformer's attention is one of ${TRANSFORMER_VARIANTS.join(', ')}`), ['variant']),
  v.forward(v.check((c) => !isTransformer(c) || c.transformer !== undefined, 'must be an object'), ['transformer']),
  v.forward(
    v.check((c) => !c.transformer || c.transformer.model % c.transformer.heads === 0, (issue) => `must be a multiple of the ${issue.input.transformer?.heads} heads`),
    ['transformer'],
  ),
  v.forward(v.check((c) => c.maxLength >= c.minLength, (issue) => `must be an integer in [${issue.input.minLength}, ${MAX_TOKENS_PER_SIDE}]`), ['maxLength']),
);

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const WeightTensorSchema = v.pipe(
  ownObject({ name: text(128, 1), shape: list(intIn(1, LIMITS.tensorElements), 4), data: typedArray('Float32Array') }),
  v.forward(v.check((t) => t.data.length === product(t.shape), (issue) => `has ${issue.input.data.length} values; expected ${product(issue.input.shape)}`), ['data']),
);

const WeightTensorsSchema = v.pipe(
  list(WeightTensorSchema, LIMITS.tensors),
  v.check((ts) => ts.reduce((n, t) => n + t.data.length, 0) <= LIMITS.tensorElements, `holds more than ${LIMITS.tensorElements} values`),
);

/** Where a resumed run starts: the weights of a step the page received. */
const ResumePointSchema = ownObject({ step, tensors: WeightTensorsSchema });

/** A TSV's problems by line (src/data/tsv.ts's codes; `params.n`: the count its message names). */
const LineErrorsSchema = list(ownObject({ line: anyId, ...coded(TSV_LINE_CODES) }), LIMITS.lineErrors);

const EvalPointSchema = ownObject({
  step,
  devLoss: real,
  /** Fraction of dev pairs decoded exactly (greedy). */
  exactMatch: finiteIn(0, 1),
  /** Corpus BLEU of the greedy dev translations (0–100). */
  bleu: finiteIn(0, 100),
  /** Best dev loss so far (these weights are kept). */
  best: flag,
});

const DataWarningSchema = ownObject(coded(DATA_WARNING_CODES));

const RUN_STATES = ['idle', 'preparing', 'running', 'paused', 'done'] as const;

export type TrainConfig = v.InferOutput<typeof TrainConfigSchema>;
export type TaskSpec = TrainConfig['task'];
export type WeightTensor = v.InferOutput<typeof WeightTensorSchema>;
export type ResumePoint = v.InferOutput<typeof ResumePointSchema>;
export type LineError = v.InferOutput<typeof LineErrorsSchema>[number];
export type DataWarning = v.InferOutput<typeof DataWarningSchema>;
export type EvalPoint = v.InferOutput<typeof EvalPointSchema>;
export type RunState = (typeof RUN_STATES)[number];

// ---- page → worker ---------------------------------------------------------------------------

const command = <const T extends string, const E extends v.ObjectEntries>(type: T, entries: E) => ownObject({ type: v.literal(type), ...entries });

const TO_WORKER = {
  ping: command('ping', { seq: anyId }),
  /**
   * Build the data and the model and start (or wait paused); replaces any run. `workers`: threads
   * computing gradients (1 when absent; more only where memory can be shared). Not part of the
   * config: it changes the speed, not the numbers (docs/ARCHITECTURE.md, "Training on every core").
   */
  'train/start': command('train/start', { config: TrainConfigSchema, paused: flag, resume: v.nullish(ResumePointSchema, null), workers: v.optional(intIn(1, LIMITS.workers)) }),
  'train/pause': command('train/pause', {}),
  'train/resume': command('train/resume', {}),
  /** While paused: take `count` steps, then pause again. */
  'train/step': command('train/step', { count: intIn(1, 10_000) }),
  /** Discard the run; the worker goes idle. */
  'train/reset': command('train/reset', {}),
  'export/checkpoint': command('export/checkpoint', { requestId: anyId, id: modelIdSchema(MODEL_ID_RULE), title: text(LIMITS.titleChars) }),
};

export type ToWorker = v.InferOutput<(typeof TO_WORKER)[keyof typeof TO_WORKER]>;

// ---- worker → page ---------------------------------------------------------------------------

/** A checkpoint's manifest, checked by the manifest's own schema. */
const ManifestField = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseManifest(dataset.value);
    } catch (err) {
      addIssue({ message: `is not a valid manifest (${err instanceof Error ? err.message : String(err)})` });
      return NEVER;
    }
  }),
);

const badFileName = (o: Record<string, unknown>): string | undefined => Object.keys(o).find((name) => !FILE_NAME_PATTERN.test(name));

/** The tokenizer.json files of a subword model, by the names its manifest gives them. */
const TokenizerFilesSchema = v.pipe(
  v.custom<Record<string, unknown>>(isRecord, 'must be an object'),
  v.check((o) => Object.keys(o).length <= 2, 'has more than the two tokenizer files'),
  v.check((o) => badFileName(o) === undefined, (issue) => `has a bad file name ${JSON.stringify((badFileName(issue.input) ?? '').slice(0, 40))}`),
  v.record(v.string(), typedArray('Uint8Array')),
);

const FROM_WORKER = {
  ready: command('ready', { protocol: intIn(0, 1000) }),
  pong: command('pong', { seq: anyId }),
  'train/state': command('train/state', { state: oneOf(RUN_STATES), step }),
  'data/ready': command('data/ready', {
    train: intIn(0, LIMITS.trainSize),
    dev: intIn(0, LIMITS.trainSize),
    srcVocab: intIn(0, 1_000_000),
    tgtVocab: intIn(0, 1_000_000),
    /** Where the data came from, in one line (also the manifest's training.data). */
    description: long,
    /** TSV problems by line (the first LIMITS.lineErrors), and how many there were in all. */
    lineErrors: LineErrorsSchema,
    lineErrorCount: anyId,
    warnings: list(DataWarningSchema, LIMITS.warnings),
    /** The probe as the model reads it; target null when it is decoded freely. */
    probe: ownObject({ source: sourceTokens, target: v.nullable(targetTokens) }),
  }),
  /**
   * How many threads compute the run's gradients (sent when a run starts and when that changes).
   * `reason`: 'ok'; 'no-shared-memory' when more were asked for but this page cannot share memory
   * (not cross-origin isolated); 'dropped' when a gradient worker failed and training goes on with
   * the others (`failure` says why: src/train/parallel.ts's kind, its values and its English).
   */
  'train/workers': command('train/workers', {
    workers: intIn(1, LIMITS.workers),
    requested: intIn(1, LIMITS.workers),
    reason: oneOf(['ok', 'no-shared-memory', 'dropped']),
    failure: v.nullable(ownObject(coded(GRADIENT_FAILURES))),
  }),
  'train/progress': command('train/progress', {
    step,
    maxSteps: intIn(1, LIMITS.steps),
    epoch: anyId,
    /** Loss of the last batch (nats per target token). */
    loss: real,
    /** Every step's batch loss since the previous progress message. */
    losses: list(ownObject({ step, loss: real }), LIMITS.lossPoints),
    /** The evaluation that finished since the previous message, if any. */
    eval: v.nullish(EvalPointSchema, null),
    tokensPerSec: finiteIn(0),
    gradNorm: real,
    lr: finiteIn(0, 1),
    /** Training time (ms), pauses excluded. */
    elapsedMs: finiteIn(0),
  }),
  'train/snapshot': v.pipe(
    command('train/snapshot', {
      step,
      /** Tokens as the model saw them, </s> last. */
      source: sourceTokens,
      /** The rows' tokens (the reference when forced, else the greedy output), </s> last. */
      target: targetTokens,
      rows: intIn(1, MAX_TARGET_TOKENS),
      cols: intIn(1, MAX_TOKENS_PER_SIDE + 1),
      /** α, rows × cols row-major (rows = target steps, cols = source positions); empty for `none`. */
      weights: typedArray('Float32Array'),
      /** What greedy decoding writes at this step (without </s>). */
      output: targetTokens,
      forced: flag,
    }),
    v.forward(v.check((s) => s.source.length === s.cols, (issue) => `has ${issue.input.source.length} tokens; expected ${issue.input.cols}`), ['source']),
    v.forward(v.check((s) => s.target.length === s.rows, (issue) => `has ${issue.input.target.length} tokens; expected ${issue.input.rows}`), ['target']),
    v.forward(
      v.check((s) => s.weights.length === 0 || s.weights.length === s.rows * s.cols, (issue) => `has ${issue.input.weights.length} values; expected ${issue.input.rows * issue.input.cols} (or 0 without attention)`),
      ['weights'],
    ),
  ),
  'train/weights': command('train/weights', { step, tensors: WeightTensorsSchema }),
  /** The NaN guard tripped: `value` the loss or gradient norm (null for a weight), `restored` whether the last good weights were put back. */
  'train/guard': command('train/guard', { step, what: oneOf(['loss', 'gradient', 'weights']), value: v.nullable(real), restoredStep: step, restored: flag, message: long }),
  'train/done': command('train/done', {
    reason: oneOf(['steps', 'early-stop']),
    step,
    devLoss: v.nullish(real, null),
    exactMatch: v.nullable(finiteIn(0, 1)),
    bleu: v.nullable(finiteIn(0, 100)),
    /** The step whose weights were kept (the best dev loss), when there was an evaluation. */
    bestStep: v.nullable(step),
    elapsedMs: finiteIn(0),
  }),
  checkpoint: command('checkpoint', { requestId: anyId, manifest: ManifestField, weights: typedArray('Uint8Array'), files: v.optional(TokenizerFilesSchema, () => ({})) }),
  /** Something failed (`code`: why); `lineErrors` carries a TSV's problems when it had no usable pairs. */
  error: command('error', { scope: oneOf(['data', 'train', 'export', 'protocol']), ...coded(WORKER_ERROR_CODES), requestId: v.nullish(anyId, null), lineErrors: v.nullish(LineErrorsSchema, () => []) }),
};

type FromWorkerOf<T extends keyof typeof FROM_WORKER> = v.InferOutput<(typeof FROM_WORKER)[T]>;
export type FromWorker = FromWorkerOf<keyof typeof FROM_WORKER>;
export type DataReady = FromWorkerOf<'data/ready'>;
export type WorkersInfo = FromWorkerOf<'train/workers'>;
export type WorkerError = FromWorkerOf<'error'>;
export type GuardTrip = FromWorkerOf<'train/guard'>;
export type Progress = FromWorkerOf<'train/progress'>;
export type Snapshot = FromWorkerOf<'train/snapshot'>;
export type LossPoint = Progress['losses'][number];

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

/** Check a message by the schema its `type` names; `what` names the direction's messages. */
function parseMessage<S extends Record<string, v.GenericSchema>>(schemas: S, data: unknown, what: string): Validated<v.InferOutput<S[keyof S]>> {
  if (!isRecord(data)) return { ok: false, error: 'message must be an object' };
  const type = Object.hasOwn(data, 'type') ? data.type : undefined;
  if (typeof type !== 'string') return { ok: false, error: 'message.type must be a string' };
  if (!Object.hasOwn(schemas, type)) return { ok: false, error: `message.type is not a known ${what} (${JSON.stringify(type.slice(0, 40))})` };
  const r = v.safeParse(schemas[type] as S[keyof S], data, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, error: describeIssue(r.issues, type) };
}

/** Validate a message the worker received. */
export function parseToWorker(data: unknown): Validated<ToWorker> {
  return parseMessage(TO_WORKER, data, 'command');
}

/** Validate a message the page received from the worker. */
export function parseFromWorker(data: unknown): Validated<FromWorker> {
  return parseMessage(FROM_WORKER, data, 'worker message');
}
