// manifest.json: what a checkpoint is (id, task, attention variant, sizes, vocabularies,
// tokeniser settings, how it was trained) and which weights file belongs to it (byteLength and
// SHA-256). `parseManifest` is a strict validator: it builds the result field by field from what
// it has checked (never merging the input, so hostile keys go nowhere) and throws a
// CheckpointError 'manifest' naming the JSON path of the first problem.

import type { TokenizerSettings } from '../../data/tokenize';
import { MAX_VOCAB_SIZE } from '../../data/limits';
import { SPECIAL_TOKENS } from '../../data/vocab';
import { TRANSFORMER_VARIANTS, VARIANTS, type Family, type ModelSizes, type TransformerSizes, type Variant } from '../config';
import { isModelId, MODEL_ID_PATTERN, MODEL_ID_RULE } from '../domain';
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
const SIZE_FIELDS = ['embedding', 'hidden', 'alignment', 'maxout'] as const;
const TRANSFORMER_SIZE_FIELDS = ['model', 'heads', 'layers', 'ff'] as const;
const TRAINING_FIELDS = new Set(['command', 'seconds', 'steps', 'seed', 'data', 'date', 'metrics']);

/**
 * Validates a parsed manifest.json and returns a fresh, clean copy (unknown top-level keys are
 * dropped). Throws CheckpointError 'manifest' with the JSON path of the first problem.
 */
export function parseManifest(value: unknown): Manifest {
  const root = object(value, 'manifest');

  const format = own(root, 'format');
  if (format !== MANIFEST_FORMAT) fail('manifest.format', `must be ${quote(MANIFEST_FORMAT)}`, format);
  const version = own(root, 'version');
  if (version !== MANIFEST_VERSION) fail('manifest.version', `must be ${MANIFEST_VERSION} (the version this build reads)`, version);

  const id = own(root, 'id');
  if (!isModelId(id)) fail('manifest.id', MODEL_ID_RULE, id);

  const title = own(root, 'title');
  const task = text(own(root, 'task'), 'manifest.task', 1, 64);

  const familyIn = own(root, 'family');
  if (familyIn === 'memn2n') fail('manifest.family', 'is a memory network, which answers questions about stories: open it on the Memory page');
  if (familyIn !== undefined && familyIn !== 'rnnsearch' && familyIn !== 'transformer') fail('manifest.family', 'must be "rnnsearch" or "transformer"', familyIn);
  const family: Family = familyIn === 'transformer' ? 'transformer' : 'rnnsearch';
  const allowed: readonly string[] = family === 'transformer' ? TRANSFORMER_VARIANTS : VARIANTS;
  const variant = own(root, 'variant');
  if (typeof variant !== 'string' || !allowed.includes(variant)) {
    fail('manifest.variant', `must be one of ${allowed.map((v) => quote(v)).join(', ')} for the ${family} family`, variant);
  }

  const sizesIn = object(own(root, 'sizes'), 'manifest.sizes');
  const fields: readonly string[] = family === 'transformer' ? TRANSFORMER_SIZE_FIELDS : SIZE_FIELDS;
  const sizeValues: Record<string, number> = {};
  for (const field of fields) {
    const size = own(sizesIn, field);
    if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_MODEL_SIZE) {
      fail(`manifest.sizes.${field}`, `must be a positive integer ≤ ${MAX_MODEL_SIZE}`, size);
    }
    sizeValues[field] = size as number;
  }
  const sizes = sizeValues as unknown as ModelSizes | TransformerSizes;

  const vocabIn = object(own(root, 'vocab'), 'manifest.vocab');
  const source = vocabulary(own(vocabIn, 'source'), 'manifest.vocab.source');
  const target = vocabulary(own(vocabIn, 'target'), 'manifest.vocab.target');

  const tokenizerIn = object(own(root, 'tokenizer'), 'manifest.tokenizer');
  const level = own(tokenizerIn, 'level');
  if (level !== 'word' && level !== 'char' && level !== 'bpe') fail('manifest.tokenizer.level', 'must be "word", "char" or "bpe"', level);
  const lowercase = own(tokenizerIn, 'lowercase');
  if (typeof lowercase !== 'boolean') fail('manifest.tokenizer.lowercase', 'must be true or false', lowercase);
  let files: ManifestTokenizer['files'];
  if (level === 'bpe') {
    const filesIn = object(own(tokenizerIn, 'files'), 'manifest.tokenizer.files');
    files = { source: fileRecord(own(filesIn, 'source'), 'manifest.tokenizer.files.source'), target: fileRecord(own(filesIn, 'target'), 'manifest.tokenizer.files.target') };
    if (files.source.file === files.target.file) fail('manifest.tokenizer.files', 'source and target must be different files', files.target.file);
  }

  const extras = own(root, 'extras');

  // Built from fresh literals in this key order, which is also the order serializeManifest writes.
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id,
    ...(title !== undefined ? { title: text(title, 'manifest.title', 1, 200) } : {}),
    task,
    ...(family === 'transformer' ? { family } : {}),
    variant: variant as Variant,
    sizes,
    vocab: { source, target },
    tokenizer: { level, lowercase, ...(files ? { files } : {}) },
    ...(extras !== undefined ? { extras: record(extras, 'manifest.extras', scalar) } : {}),
    training: training(own(root, 'training')),
    weights: weights(own(root, 'weights')),
  };
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

// ---- sections ---------------------------------------------------------------------------------

function fileRecord(value: unknown, path: string): FileRecord {
  const o = object(value, path);
  const file = own(o, 'file');
  if (typeof file !== 'string' || !FILE_NAME_PATTERN.test(file) || file === 'manifest.json') fail(`${path}.file`, 'must be a plain file name beside manifest.json', file);
  const sha256 = own(o, 'sha256');
  if (typeof sha256 !== 'string' || !SHA256_PATTERN.test(sha256)) fail(`${path}.sha256`, 'must be 64 lowercase hex digits', sha256);
  return { file, sha256 };
}

function vocabulary(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) fail(path, 'must be an array of strings', value);
  if (value.length > MAX_VOCAB_SIZE) fail(path, `has ${value.length} entries; the limit is ${MAX_VOCAB_SIZE}`);
  if (value.length < SPECIAL_TOKENS.length) {
    fail(path, `has ${value.length} entries; it must start with the ${SPECIAL_TOKENS.length} specials ${SPECIAL_TOKENS.map((t) => quote(t)).join(', ')}`);
  }
  const firstIndex = new Map<string, number>();
  const tokens: string[] = new Array<string>(value.length);
  for (let k = 0; k < value.length; k++) {
    const token: unknown = value[k];
    if (typeof token !== 'string' || token.length === 0) fail(`${path}[${k}]`, 'must be a non-empty string', token);
    if (k < SPECIAL_TOKENS.length && token !== SPECIAL_TOKENS[k]) fail(`${path}[${k}]`, `must be ${quote(SPECIAL_TOKENS[k])}`, token);
    const first = firstIndex.get(token);
    if (first !== undefined) fail(`${path}[${k}]`, `duplicates entry ${first} (${quote(token)})`);
    firstIndex.set(token, k);
    tokens[k] = token;
  }
  return tokens;
}

function training(value: unknown): TrainingRecord {
  const path = 'manifest.training';
  const input = object(value, path);
  const out: TrainingRecord = {
    command: text(own(input, 'command'), `${path}.command`, 0, MAX_TEXT),
    seconds: finite(own(input, 'seconds'), `${path}.seconds`, 0),
    steps: integer(own(input, 'steps'), `${path}.steps`),
    seed: integer(own(input, 'seed'), `${path}.seed`),
    data: text(own(input, 'data'), `${path}.data`, 0, MAX_TEXT),
    date: date(own(input, 'date'), `${path}.date`),
  };
  const metrics = own(input, 'metrics');
  if (metrics !== undefined) out.metrics = record(metrics, `${path}.metrics`, (v, p) => finite(v, p));
  const others = Object.keys(input).filter((key) => !TRAINING_FIELDS.has(key));
  if (others.length > MAX_RECORD_KEYS) fail(path, `has ${others.length} fields; the limit is ${MAX_RECORD_KEYS}`);
  for (const key of others.sort()) {
    checkKey(key, `${path}`);
    out[key] = scalar(input[key], `${path}.${key}`);
  }
  return out;
}

function weights(value: unknown): WeightsRecord {
  const path = 'manifest.weights';
  const input = object(value, path);
  const file = own(input, 'file');
  if (typeof file !== 'string' || !FILE_NAME_PATTERN.test(file) || file.includes('..')) {
    fail(`${path}.file`, 'must be a plain file name (letters, digits, ".", "_", "-"; no slashes, no "..")', file);
  }
  const byteLength = own(input, 'byteLength');
  if (!Number.isSafeInteger(byteLength) || (byteLength as number) < 8) fail(`${path}.byteLength`, 'must be an integer ≥ 8', byteLength);
  const sha256 = own(input, 'sha256');
  if (typeof sha256 !== 'string' || !SHA256_PATTERN.test(sha256)) fail(`${path}.sha256`, 'must be 64 lowercase hex digits', sha256);
  const dtype = own(input, 'dtype');
  if (dtype !== 'F32' && dtype !== 'F16') fail(`${path}.dtype`, 'must be "F32" or "F16"', dtype);
  return { file, byteLength: byteLength as number, sha256, dtype };
}

// ---- field checks -----------------------------------------------------------------------------

/** Throws CheckpointError 'manifest': "<path> <problem>, got <value>" (", got …" only when a value is passed). */
function fail(path: string, problem: string, ...got: unknown[]): never {
  const suffix = got.length === 0 ? '' : `, got ${got[0] === undefined ? 'nothing' : quote(got[0])}`;
  throw new CheckpointError('manifest', `${path} ${problem}${suffix}`);
}

function own(value: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object', value);
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    fail(path, min > 0 ? `must be a string of ${min}–${max} characters` : `must be a string of at most ${max} characters`, value);
  }
  return value;
}

function finite(value: unknown, path: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(path, min === 0 ? 'must be a finite number ≥ 0' : 'must be a finite number', value);
  }
  return value;
}

function integer(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(path, 'must be a non-negative integer', value);
  return value as number;
}

function date(value: unknown, path: string): string {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
    fail(path, 'must be an ISO 8601 date such as "2026-01-31" or "2026-01-31T12:00:00Z"', value);
  }
  return value;
}

function scalar(value: unknown, path: string): ManifestScalar {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length <= MAX_TEXT) return value;
  return fail(path, `must be a finite number, a string of at most ${MAX_TEXT} characters, or a boolean`, value);
}

function checkKey(key: string, path: string): void {
  if (FORBIDDEN_KEYS.has(key)) fail(path, `may not have a key named ${quote(key)}`);
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) fail(path, `keys must have 1–${MAX_KEY_LENGTH} characters, got ${quote(key)}`);
}

/** A string-keyed record with every value checked by `check`, keys sorted, hostile keys refused. */
function record<T>(value: unknown, path: string, check: (value: unknown, path: string) => T): Record<string, T> {
  const input = object(value, path);
  const keys = Object.keys(input).sort();
  if (keys.length > MAX_RECORD_KEYS) fail(path, `has ${keys.length} keys; the limit is ${MAX_RECORD_KEYS}`);
  const out: Record<string, T> = {};
  for (const key of keys) {
    checkKey(key, path);
    out[key] = check(input[key], `${path}.${key}`);
  }
  return out;
}

/** The field validators, for the manifests of families outside this schema (memory networks). */
export const manifestFields = { fail, own, object, text, integer, vocabulary, training, weights, id: MODEL_ID_PATTERN } as const;
