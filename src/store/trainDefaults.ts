// The train panel's settings: per-task defaults (chosen so the page trains at interactive speed
// on one worker thread) and the form → TrainConfig check with a message per field.
//
// reverse (the issue-6 target: ≥ 95% dev exact match within 60 s on a 2-core machine): letters,
// lengths 1–8, embedding 32 / hidden 64 / alignment 64 / maxout 64, batch 32, Adam at 0.005 with
// a 33-step warm-up and cosine decay over 400 steps; dev exact match is checked every 25 steps
// on 200 held-out rows. In Node on one thread (load ~7 on 2 cores) this passed 95% at steps
// 200–250 (lengths 1–10: 325; a learning rate of 0.007: no faster). Measured in the page with
// `npm run bench -- --only page`.

import { isTaskId, TASK_IDS, type TaskId } from '../data/tasks';
import { MAX_TOKENS_PER_SIDE, TSV_MAX_BYTES } from '../data/limits';
import { type Family, type TransformerSizes, type Variant } from '../model/config';
import { LIMITS, type TrainConfig } from '../worker/protocol';
import type { NoticeMessage, TrainMessage as Message } from './notices';

export type TaskChoice = TaskId | 'tsv';
export const TASK_CHOICES: readonly TaskChoice[] = ['reverse', 'dates', 'en-fr', 'tsv'];

export function isTaskChoice(v: unknown): v is TaskChoice {
  return v === 'tsv' || isTaskId(v);
}

export interface TaskDefaults {
  variant: Variant;
  embedding: number;
  hidden: number;
  alignment: number;
  maxout: number;
  lr: number;
  seed: number;
  steps: number;
  batchSize: number;
  minLength: number;
  maxLength: number;
  trainSize: number;
  devSize: number;
  evalEvery: number;
  snapshotEvery: number;
  probeSource: string;
  probeTarget: string;
}

export const TASK_DEFAULTS: Record<TaskChoice, TaskDefaults> = {
  reverse: {
    variant: 'additive',
    embedding: 32,
    hidden: 64,
    alignment: 64,
    maxout: 64,
    lr: 0.005,
    seed: 1,
    steps: 400,
    batchSize: 32,
    minLength: 1,
    maxLength: 8,
    trainSize: 10_000,
    devSize: 200,
    evalEvery: 25,
    snapshotEvery: 10,
    probeSource: 'b a h d a n a u',
    probeTarget: 'u a n a d h a b',
  },
  dates: {
    variant: 'additive',
    embedding: 32,
    hidden: 64,
    alignment: 64,
    maxout: 64,
    lr: 0.005,
    seed: 1,
    steps: 1500,
    batchSize: 32,
    minLength: 6,
    maxLength: 29,
    trainSize: 10_000,
    devSize: 200,
    evalEvery: 100,
    snapshotEvery: 20,
    probeSource: 'Saturday, 21 November 2026',
    probeTarget: '2026-11-21',
  },
  'en-fr': {
    variant: 'additive',
    embedding: 64,
    hidden: 128,
    alignment: 128,
    maxout: 64,
    lr: 0.003,
    seed: 1,
    steps: 2000,
    batchSize: 32,
    minLength: 3,
    maxLength: 15,
    trainSize: 10_000,
    devSize: 200,
    evalEvery: 200,
    snapshotEvery: 25,
    probeSource: 'the man sees the red car .',
    probeTarget: "l' homme voit la voiture rouge .",
  },
  tsv: {
    variant: 'additive',
    embedding: 64,
    hidden: 128,
    alignment: 128,
    maxout: 64,
    lr: 0.002,
    seed: 1,
    steps: 2000,
    batchSize: 32,
    minLength: 1,
    maxLength: 30,
    trainSize: 50_000,
    devSize: 300,
    evalEvery: 200,
    snapshotEvery: 25,
    probeSource: '',
    probeTarget: '',
  },
};

/**
 * A Transformer's sizes, steps and learning rate per task (chosen in the same form). reverse
 * (issue 13's target: ≥ 95% dev exact match within 30 s in the page's worker): d_model 32, 2
 * heads, 1 layer, d_ff 64, Adam at 0.005 over 600 steps; in Node on one thread, on a machine
 * busy with another 2-thread training run, it passed 95% at step 400 after 31 s
 * (`npm run bench -- --only page` measures it in the page).
 */
export const TRANSFORMER_DEFAULTS: Record<TaskChoice, TransformerSizes & { steps: number; lr: number }> = {
  reverse: { model: 32, heads: 2, layers: 1, ff: 64, steps: 600, lr: 0.005 },
  dates: { model: 32, heads: 2, layers: 2, ff: 64, steps: 1500, lr: 0.004 },
  'en-fr': { model: 64, heads: 4, layers: 2, ff: 128, steps: 2000, lr: 0.002 },
  tsv: { model: 64, heads: 4, layers: 2, ff: 128, steps: 2000, lr: 0.002 },
};

/** The form fields that change with the family: its own default steps and learning rate for the task. */
export function familyDefaults(task: TaskChoice, family: Family): Pick<TrainForm, 'steps' | 'lr'> {
  const d = family === 'transformer' ? TRANSFORMER_DEFAULTS[task] : TASK_DEFAULTS[task];
  return { steps: String(d.steps), lr: String(d.lr) };
}

/** The editable settings, as typed (strings, so a field can be cleared while typing). */
export interface TrainForm {
  task: TaskChoice;
  /** RNNsearch (the four sizes below the variant) or a Transformer (model, heads, layers, ff). */
  family: Family;
  variant: Variant;
  model: string;
  heads: string;
  layers: string;
  ff: string;
  embedding: string;
  hidden: string;
  alignment: string;
  maxout: string;
  lr: string;
  seed: string;
  steps: string;
  batchSize: string;
  minLength: string;
  maxLength: string;
  probeSource: string;
  probeTarget: string;
  lowercase: boolean;
}

export type FormField = Exclude<keyof TrainForm, 'task' | 'family' | 'variant' | 'lowercase'> | 'tsv';
/** A message per bad field (translated where it is shown). */
/** A message per bad field (keys of src/ui/i18n.ts: the form's own, or the Train view's, e.g. a TSV too large to read). */
export type FormErrors = Partial<Record<FormField, NoticeMessage>>;

export function defaultForm(task: TaskChoice): TrainForm {
  const d = TASK_DEFAULTS[task];
  const tf = TRANSFORMER_DEFAULTS[task];
  return {
    task,
    family: 'rnnsearch',
    variant: d.variant,
    model: String(tf.model),
    heads: String(tf.heads),
    layers: String(tf.layers),
    ff: String(tf.ff),
    embedding: String(d.embedding),
    hidden: String(d.hidden),
    alignment: String(d.alignment),
    maxout: String(d.maxout),
    lr: String(d.lr),
    seed: String(d.seed),
    steps: String(d.steps),
    batchSize: String(d.batchSize),
    minLength: String(d.minLength),
    maxLength: String(d.maxLength),
    probeSource: d.probeSource,
    probeTarget: d.probeTarget,
    lowercase: false,
  };
}

export interface TsvFile {
  name: string;
  bytes: Uint8Array;
}

function parseInteger(text: string, min: number, max: number): number | Message {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < min || v > max) return { key: 'train.err.int', vars: { min, max } };
  return v;
}

/** Check the form; either the run's config or a message per bad field. */
export function formToConfig(form: TrainForm, tsv: TsvFile | null): { config: TrainConfig; errors: null } | { config: null; errors: FormErrors } {
  const errors: FormErrors = {};
  const ints: Record<string, number> = {};
  const intField = (field: FormField & keyof TrainForm, min: number, max: number): void => {
    const r = parseInteger(form[field] as string, min, max);
    if (typeof r !== 'number') errors[field] = r;
    else ints[field] = r;
  };
  const transformer = form.family === 'transformer';
  if (transformer) {
    intField('model', 1, LIMITS.size);
    intField('heads', 1, 64);
    intField('layers', 1, 12);
    intField('ff', 1, LIMITS.size);
    if (ints.model !== undefined && ints.heads !== undefined && ints.model % ints.heads !== 0) errors.model = { key: 'train.err.heads', vars: { heads: ints.heads } };
  } else {
    for (const f of ['embedding', 'hidden', 'alignment', 'maxout'] as const) intField(f, 1, LIMITS.size);
  }
  intField('seed', 0, LIMITS.seed);
  intField('steps', 1, LIMITS.steps);
  intField('batchSize', 1, LIMITS.batchSize);
  intField('minLength', 1, MAX_TOKENS_PER_SIDE);
  intField('maxLength', 1, MAX_TOKENS_PER_SIDE);
  if (ints.minLength !== undefined && ints.maxLength !== undefined && ints.minLength > ints.maxLength) {
    errors.maxLength = { key: 'train.err.minMax' };
  }
  const lr = Number(form.lr.trim());
  if (form.lr.trim() === '' || !Number.isFinite(lr) || lr < 1e-6 || lr > 1) errors.lr = { key: 'train.err.lr' };
  if (form.probeSource.length > LIMITS.probeChars) errors.probeSource = { key: 'train.err.chars', vars: { n: LIMITS.probeChars } };
  if (form.probeTarget.length > LIMITS.probeChars) errors.probeTarget = { key: 'train.err.chars', vars: { n: LIMITS.probeChars } };
  if (form.task === 'tsv') {
    if (!tsv) errors.tsv = { key: 'train.err.noTsv' };
    else if (tsv.bytes.length > TSV_MAX_BYTES) errors.tsv = { key: 'train.err.tsvLarge', vars: { mib: TSV_MAX_BYTES / (1024 * 1024) } };
  }
  if (Object.keys(errors).length > 0) return { config: null, errors };
  const d = TASK_DEFAULTS[form.task];
  const task: TrainConfig['task'] =
    form.task === 'tsv' ? { kind: 'tsv', name: (tsv as TsvFile).name.slice(0, LIMITS.nameChars), bytes: (tsv as TsvFile).bytes, lowercase: form.lowercase } : { kind: 'builtin', id: form.task };
  const steps = ints.steps as number;
  return {
    config: {
      task,
      variant: form.variant,
      // a Transformer run carries its own sizes; `sizes` then keeps the task's RNNsearch defaults (unused)
      sizes: transformer ? { embedding: d.embedding, hidden: d.hidden, alignment: d.alignment, maxout: d.maxout } : { embedding: ints.embedding as number, hidden: ints.hidden as number, alignment: ints.alignment as number, maxout: ints.maxout as number },
      ...(transformer ? { family: 'transformer' as const, transformer: { model: ints.model as number, heads: ints.heads as number, layers: ints.layers as number, ff: ints.ff as number } } : {}),
      lr,
      seed: ints.seed as number,
      steps,
      batchSize: ints.batchSize as number,
      minLength: ints.minLength as number,
      maxLength: ints.maxLength as number,
      trainSize: d.trainSize,
      devSize: d.devSize,
      evalEvery: Math.min(d.evalEvery, steps),
      snapshotEvery: Math.max(1, Math.min(d.snapshotEvery, Math.ceil(steps / 20))),
      probe: { source: form.probeSource, target: form.probeTarget },
    },
    errors: null,
  };
}

export { TASK_IDS };
