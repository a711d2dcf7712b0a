// manifest.json: what a checkpoint is (id, task, attention variant, sizes, vocabularies,
// tokeniser settings, how it was trained) and which weights file belongs to it (byteLength and
// SHA-256). `parseManifest` checks it with a valibot schema (docs/ARCHITECTURE.md, "Schemas at the
// boundaries"): own fields only, a fresh result (never the input, so hostile keys go nowhere), and a
// CheckpointError 'manifest' naming the JSON path of the first problem and the value found.

import * as v from 'valibot';
import type { TokenizerSettings } from '../../data/tokenize';
import { MAX_VOCAB_SIZE } from '../../data/limits';
import { SPECIAL_TOKENS } from '../../data/vocab';
import { TRANSFORMER_VARIANTS, VARIANTS, type Family, type ModelSizes, type TransformerSizes, type Variant } from '../config';
import { isModelId, MODEL_ID_RULE } from '../domain';
import { describeIssue, isRecord, ownObject, ownVariant } from '../schema';
import { CheckpointError, FORBIDDEN_KEYS, quote } from './errors';
import type { SafetensorsDType } from './safetensors';

/**
 * The Hugging Face tokenizer.json files that sit beside the weights of a subword (`bpe`) model,
 * one per side; manifest.vocab lists the same tokens in id order.
 */
export const BPE_FILES = { source: 'tokenizer.source.json', target: 'tokenizer.target.json' } as const;

/** A file beside manifest.json and its SHA-256. */
export interface FileRecord {
  file: string;
  sha256: string;
}

/** manifest.tokenizer: the settings, and for subword models the two tokenizer.json files. */
export interface ManifestTokenizer extends TokenizerSettings {
  files?: { source: FileRecord; target: FileRecord };
}

/** The value of manifest.format. */
export const MANIFEST_FORMAT = 'rnnsearch-checkpoint';
/** The manifest version this build reads and writes. */
export const MANIFEST_VERSION = 1;
/** Largest accepted value of each manifest.sizes field. */
export const MAX_MODEL_SIZE = 4096;
/** Longest manifest.json text `parseManifestText` accepts (16 MiB; two 100k vocabularies fit). */
export const MAX_MANIFEST_CHARS = 16 * 1024 * 1024;

/** A free-form value in manifest.extras and in the open part of manifest.training. */
export type ManifestScalar = number | string | boolean;

/** How sentences are cut into tokens for this model (the data layer's settings). */
export type { TokenizerSettings };

/** How the checkpoint was trained: enough to reproduce the run. */
export interface TrainingRecord {
  /** The command line that trained it (e.g. `npm run train -- --task en-fr --seed 1`). */
  command: string;
  /** Wall-clock training time in seconds. */
  seconds: number;
  /** Optimiser steps taken. */
  steps: number;
  /** The seed of the run. */
  seed: number;
  /** Where the training data came from (task generator and its seed, or a file name). */
  data: string;
  /** When training finished, ISO 8601 (e.g. 2026-01-31T12:00:00Z). */
  date: string;
  /** Evaluation results by name (e.g. bleu, accuracy, aer). */
  metrics?: Record<string, number>;
  /** Anything else about the run (batchSize, learningRate, …): finite numbers, strings or booleans. */
  [other: string]: ManifestScalar | Record<string, number> | undefined;
}

/** The weights file that belongs to the manifest and how to check it. */
export interface WeightsRecord {
  /** A plain file name next to manifest.json (no slashes, no ".."). */
  file: string;
  byteLength: number;
  /** SHA-256 of the file, 64 lowercase hex digits. */
  sha256: string;
  dtype: SafetensorsDType;
}

/** The validated contents of manifest.json (what `parseManifest` returns). */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** 1–64 characters of [a-z0-9-]; also the folder name under public/models. */
  id: string;
  title?: string;
  /** The task it was trained on (e.g. en-fr, dates, reverse, or custom). */
  task: string;
  /** The model family; absent means RNNsearch (every checkpoint before the Transformer). */
  family?: Family;
  variant: Variant;
  /** RNNsearch: embedding/hidden/alignment/maxout; Transformer: model/heads/layers/ff. */
  sizes: ModelSizes | TransformerSizes;
  vocab: { source: string[]; target: string[] };
  tokenizer: ManifestTokenizer;
  /** Model settings beyond the sizes (e.g. lengthRatio for diagonal decoding). */
  extras?: Record<string, ManifestScalar>;
  training: TrainingRecord;
  weights: WeightsRecord;
}

const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_TEXT = 2000;
const MAX_RECORD_KEYS = 256;
const MAX_KEY_LENGTH = 64;
const TRAINING_FIELDS = ['command', 'seconds', 'steps', 'seed', 'data', 'date', 'metrics'] as const;

// ---- field schemas ----------------------------------------------------------------------------

type Rec = Record<string, unknown>;

/** A message "<problem>, got <the value>" ("got nothing" when the field is absent). */
const got = (problem: string) => (issue: v.BaseIssue<unknown>) => `${problem}, got ${issue.input === undefined ? 'nothing' : quote(issue.input)}`;

/** A value that passes `test`, or the message "<problem>, got <value>". */
const is = <T>(test: (x: unknown) => boolean, problem: string) => v.custom<T>(test, got(problem));

const isString = (x: unknown): x is string => typeof x === 'string';
const isFinite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isCount = (x: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): x is number => Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max;

const textOf = (min: number, max: number) =>
  is<string>((x) => isString(x) && x.length >= min && x.length <= max, min > 0 ? `must be a string of ${min}–${max} characters` : `must be a string of at most ${max} characters`);
const nonNegative = is<number>((x) => isCount(x), 'must be a non-negative integer');
const sha256 = is<string>((x) => isString(x) && SHA256_PATTERN.test(x), 'must be 64 lowercase hex digits');
const objectOf = <const E extends v.ObjectEntries>(entries: E) => ownObject(entries, got('must be an object'));

/** A free-form value in manifest.extras and in the open part of manifest.training. */
const ScalarSchema = is<ManifestScalar>(
  (x) => typeof x === 'boolean' || isFinite(x) || (isString(x) && x.length <= MAX_TEXT),
  `must be a finite number, a string of at most ${MAX_TEXT} characters, or a boolean`,
);

/** Why these record keys are refused (a hostile or out-of-range name), or null. */
function keysProblem(keys: readonly string[]): string | null {
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) return `may not have a key named ${quote(key)}`;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return `keys must have 1–${MAX_KEY_LENGTH} characters, got ${quote(key)}`;
  }
  return null;
}

/** Keys checked before anything is copied: at most `max` of them, none hostile. */
function keysChecked(keysOf: (o: Rec) => string[], what: string) {
  return [
    v.check((o: Rec) => keysOf(o).length <= MAX_RECORD_KEYS, (issue) => `has ${keysOf(issue.input as Rec).length} ${what}; the limit is ${MAX_RECORD_KEYS}`),
    v.check((o: Rec) => keysProblem(keysOf(o)) === null, (issue) => keysProblem(keysOf(issue.input as Rec)) ?? ''),
  ] as const;
}

/** A string-keyed record with every value checked by `value`, keys sorted, hostile keys refused. */
function recordOf<T>(value: v.GenericSchema<unknown, T>) {
  return v.pipe(
    is<Rec>(isRecord, 'must be an object'),
    ...keysChecked(Object.keys, 'keys'),
    v.transform((o: Rec) => Object.fromEntries(Object.keys(o).sort().map((key) => [key, o[key]]))),
    v.record(v.string(), value),
  );
}

/** Why a vocabulary is refused, with the index of the entry at fault, or null (one fast loop). */
function vocabularyProblem(value: unknown): { index?: number; message: string } | null {
  if (!Array.isArray(value)) return { message: got('must be an array of strings')({ input: value } as v.BaseIssue<unknown>) };
  if (value.length > MAX_VOCAB_SIZE) return { message: `has ${value.length} entries; the limit is ${MAX_VOCAB_SIZE}` };
  if (value.length < SPECIAL_TOKENS.length) {
    return { message: `has ${value.length} entries; it must start with the ${SPECIAL_TOKENS.length} specials ${SPECIAL_TOKENS.map((t) => quote(t)).join(', ')}` };
  }
  const firstIndex = new Map<string, number>();
  for (let k = 0; k < value.length; k++) {
    const token: unknown = value[k];
    if (typeof token !== 'string' || token.length === 0) return { index: k, message: `must be a non-empty string, got ${quote(token)}` };
    if (k < SPECIAL_TOKENS.length && token !== SPECIAL_TOKENS[k]) return { index: k, message: `must be ${quote(SPECIAL_TOKENS[k])}, got ${quote(token)}` };
    const first = firstIndex.get(token);
    if (first !== undefined) return { index: k, message: `duplicates entry ${first} (${quote(token)})` };
    firstIndex.set(token, k);
  }
  return null;
}

/** A vocabulary: the specials first, no duplicates, at most MAX_VOCAB_SIZE non-empty strings; a fresh copy. */
const VocabularySchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const problem = vocabularyProblem(dataset.value);
    if (!problem) return (dataset.value as string[]).slice();
    const list = dataset.value as unknown[];
    const at = problem.index;
    addIssue({ message: problem.message, ...(at === undefined ? {} : { path: [{ type: 'array', origin: 'value', input: list, key: at, value: list[at] }] }) });
    return NEVER;
  }),
);

const FileRecordSchema = objectOf({
  file: is<string>((x) => isString(x) && FILE_NAME_PATTERN.test(x) && x !== 'manifest.json', 'must be a plain file name beside manifest.json'),
  sha256,
});

const TokenizerFilesSchema = v.pipe(
  objectOf({ source: FileRecordSchema, target: FileRecordSchema }),
  v.check((f) => f.source.file !== f.target.file, (issue) => `source and target must be different files, got ${quote(issue.input.target.file)}`),
);

const lowercase = v.boolean(got('must be true or false'));
const TokenizerSchema = ownVariant(
  'level',
  [v.object({ level: v.picklist(['word', 'char']), lowercase }), v.object({ level: v.literal('bpe'), lowercase, files: TokenizerFilesSchema })],
  got('must be "word", "char" or "bpe"'),
);

const TrainingSchema = v.pipe(
  is<Rec>(isRecord, 'must be an object'),
  ...keysChecked(otherTrainingKeys, 'fields'),
  v.transform(trainingFields),
  v.objectWithRest(
    {
      command: textOf(0, MAX_TEXT),
      seconds: is<number>((x) => isFinite(x) && x >= 0, 'must be a finite number ≥ 0'),
      steps: nonNegative,
      seed: nonNegative,
      data: textOf(0, MAX_TEXT),
      date: is<string>((x) => isString(x) && DATE_PATTERN.test(x) && !Number.isNaN(Date.parse(x)), 'must be an ISO 8601 date such as "2026-01-31" or "2026-01-31T12:00:00Z"'),
      metrics: v.optional(recordOf(is<number>(isFinite, 'must be a finite number'))),
    },
    ScalarSchema,
  ),
  v.transform((t) => t as TrainingRecord),
);

function otherTrainingKeys(o: Rec): string[] {
  return Object.keys(o).filter((key) => !(TRAINING_FIELDS as readonly string[]).includes(key));
}

/** The known fields (a missing one as undefined, so its own rule names it), then the others sorted. */
function trainingFields(o: Rec): Rec {
  const out: Rec = {};
  for (const key of TRAINING_FIELDS) if (Object.hasOwn(o, key) || key !== 'metrics') out[key] = Object.hasOwn(o, key) ? o[key] : undefined;
  for (const key of otherTrainingKeys(o).sort()) out[key] = o[key];
  return out;
}

const WeightsSchema = objectOf({
  file: is<string>((x) => isString(x) && FILE_NAME_PATTERN.test(x) && !x.includes('..'), 'must be a plain file name (letters, digits, ".", "_", "-"; no slashes, no "..")'),
  byteLength: is<number>((x) => isCount(x, 8), 'must be an integer ≥ 8'),
  sha256,
  dtype: v.picklist(['F32', 'F16'], got('must be "F32" or "F16"')),
});

const sizeOf = is<number>((x) => isCount(x, 1, MAX_MODEL_SIZE), `must be a positive integer ≤ ${MAX_MODEL_SIZE}`);
const variantOf = <const T extends readonly string[]>(allowed: T, family: Family) =>
  v.picklist(allowed, got(`must be one of ${allowed.map((x) => quote(x)).join(', ')} for the ${family} family`));

/** The first fields of every manifest, whatever the family. */
const HEAD_ENTRIES = {
  format: v.literal(MANIFEST_FORMAT, got(`must be ${quote(MANIFEST_FORMAT)}`)),
  version: v.literal(MANIFEST_VERSION, got(`must be ${MANIFEST_VERSION} (the version this build reads)`)),
  id: is<string>(isModelId, MODEL_ID_RULE),
};

/** The fields of both families, in the order serializeManifest writes them. */
function manifestEntries<const F extends v.GenericSchema, const S extends v.GenericSchema, const V extends v.GenericSchema>(family: F, variant: V, sizes: S) {
  return {
    ...HEAD_ENTRIES,
    title: v.optional(textOf(1, 200)),
    /** The task it was trained on (e.g. en-fr, dates, reverse, or custom). */
    task: textOf(1, 64),
    family,
    variant,
    sizes,
    vocab: objectOf({ source: VocabularySchema, target: VocabularySchema }),
    tokenizer: TokenizerSchema,
    /** Model settings beyond the sizes (e.g. lengthRatio for diagonal decoding). */
    extras: v.optional(recordOf(ScalarSchema)),
    training: TrainingSchema,
    weights: WeightsSchema,
  };
}

const familyMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.input === 'memn2n' ? 'is a memory network, which answers questions about stories: open it on the Memory page' : got('must be "rnnsearch" or "transformer"')(issue);

/**
 * manifest.json, one object per model family (absent `family` means RNNsearch, every checkpoint
 * before the Transformer; a "rnnsearch" family is read as absent).
 */
const ManifestSchema = ownVariant(
  'family',
  [
    v.object(
      manifestEntries(
        v.optional(v.pipe(v.literal('rnnsearch'), v.transform((): undefined => undefined))),
        variantOf(VARIANTS, 'rnnsearch'),
        objectOf({ embedding: sizeOf, hidden: sizeOf, alignment: sizeOf, maxout: sizeOf }),
      ),
    ),
    v.object(manifestEntries(v.literal('transformer'), variantOf(TRANSFORMER_VARIANTS, 'transformer'), objectOf({ model: sizeOf, heads: sizeOf, layers: sizeOf, ff: sizeOf }))),
  ],
  familyMessage,
  got('must be an object'),
);

/** Runs `schema` on `value`; a problem is a CheckpointError 'manifest' naming `path` and the field. */
function checked<T>(schema: v.GenericSchema<unknown, T>, value: unknown, path: string): T {
  const r = v.safeParse(schema, value, { abortEarly: true });
  if (!r.success) throw new CheckpointError('manifest', describeIssue(r.issues, path));
  return r.output;
}

/**
 * Validates a parsed manifest.json and returns a fresh, clean copy (unknown top-level keys are
 * dropped). Throws CheckpointError 'manifest' with the JSON path of the first problem.
 */
export function parseManifest(value: unknown): Manifest {
  const m: Manifest = checked(ManifestSchema, value, 'manifest');
  if (m.family === undefined) delete m.family;
  return m;
}

/** JSON.parse + parseManifest for the text of manifest.json; bad JSON is a CheckpointError 'manifest' too. */
export function parseManifestText(json: string): Manifest {
  if (typeof json !== 'string') fail('manifest', 'must be JSON text', json);
  if (json.length > MAX_MANIFEST_CHARS) fail('manifest', `is ${json.length} characters long; the cap is ${MAX_MANIFEST_CHARS}`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error);
    throw new CheckpointError('manifest', `manifest.json is not valid JSON: ${reason}`);
  }
  return parseManifest(value);
}

/**
 * manifest.json text for `m`: validated first (so only valid manifests are written), then pretty
 * JSON (2-space indent, trailing newline) in a fixed key order, record keys sorted.
 */
export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(parseManifest(m), null, 2)}\n`;
}


// ---- shared with other families' manifests ---------------------------------------------------

/**
 * The field schemas, for the manifests of families outside this schema (memory networks): the same
 * rules and messages, and `checked`, which throws CheckpointError 'manifest' naming the path.
 */
export const manifestParts = {
  got,
  is,
  isCount,
  textOf,
  objectOf,
  checked,
  fail,
  HEAD_ENTRIES,
  VocabularySchema,
  TrainingSchema,
  WeightsSchema,
} as const;

/** Throws CheckpointError 'manifest': "<path> <problem>, got <value>" (", got …" only when a value is passed). */
function fail(path: string, problem: string, ...got: unknown[]): never {
  const suffix = got.length === 0 ? '' : `, got ${got[0] === undefined ? 'nothing' : quote(got[0])}`;
  throw new CheckpointError('manifest', `${path} ${problem}${suffix}`);
}
