// The permalink codec (docs/ARCHITECTURE.md, "Sharing"): the user's inputs as a versioned record in the URL
// fragment, `#s=<payload>[&embed=1]`, where payload = base64url(deflate-raw(UTF-8(JSON))).
//
// Decoding treats the fragment as hostile (docs/RELIABILITY.md, the hostile-permalink row), with the
// guards in this order: a size cap on the fragment text; the base64url alphabet; inflate with an
// output cap (a deflate bomb stops after MAX_INFLATED_BYTES); strict UTF-8; JSON.parse with
// `__proto__` / `constructor` / `prototype` keys dropped; then a schema check that builds a fresh
// object field by field from own properties only (nothing parsed is ever merged or spread).
//
// What survives a bad link (the policy):
// - the fragment is unreadable (too long, bad base64, bad deflate, too much data, bad UTF-8 or
//   JSON), its version is unknown, or one of the core fields (model, source, target) is invalid:
//   the whole default state, and a problem code (the page words the notice);
// - any other field (decoding, beamWidth, step, edits, a view option) is invalid: that field alone
//   takes its default, and the result names it (the page's notice lists it). Edits are
//   all-or-nothing (a half-applied set of attention edits would show a state nobody made): one
//   malformed edit, or rows of different lengths (every row is over the same source, so the page
//   would apply the rows that fit and silently drop the others), resets them all. Missing fields take their defaults silently;
//   unknown fields are ignored (a later v1 may add fields).
//
// Uses CompressionStream / DecompressionStream ('deflate-raw'; Baseline 2023: Chrome 80,
// Firefox 113, Safari 16.4; Node 20 here), looked up on globalThis at call time.

import * as v from 'valibot';
import { MAX_HEADS, MAX_LAYERS, MAX_TARGET_TOKENS } from '../model/config';
import {
  BeamWidthSchema,
  DECODING_MODES,
  LANGS,
  MAX_SENTENCE_CHARS,
  ModelRefSchema,
  PALETTES,
  SampleSchema,
  THEMES,
  UNITS,
  VALUES_KINDS,
} from '../model/domain';
import { intIn, isRecord, ownObject } from '../model/schema';
import { MAX_TOKENS_PER_SIDE } from '../data/limits';
import { hasLoneSurrogate } from './text';

// The domain's names and limits (src/model/domain.ts), re-exported for the codec's callers.
export { MAX_PAGE_BEAM_WIDTH, MAX_SENTENCE_CHARS, MIN_BEAM_WIDTH, MODEL_REF, USER_MODEL_PREFIX } from '../model/domain';
export type { DecodingMode, Lang, Palette, ThemeSetting, ValuesKind } from '../model/domain';

/** The record format this code writes; links with a larger `v` were made by a newer page. */
export const SHARE_VERSION = 1;
/** Longest fragment text (after `#`) that is decoded at all. */
export const MAX_FRAGMENT_CHARS = 16 * 1024;
/** Most bytes inflated from a payload; past this the stream is cancelled (deflate bombs). */
export const MAX_INFLATED_BYTES = 64 * 1024;
/** Most attention edits in a link (one per target step at most). */
export const MAX_EDITS = MAX_TARGET_TOKENS;
/** Most weights in one edit: a full source of MAX_TOKENS_PER_SIDE tokens plus </s>. */
export const MAX_EDIT_WEIGHTS = MAX_TOKENS_PER_SIDE + 1;
/** Largest `step` (a step index, or the number of steps when decoding is finished). */
export const MAX_STEP = MAX_TARGET_TOKENS;
/** Decimals kept of each edited weight once a row is normalised to sum to 1. */
export const EDIT_WEIGHT_DECIMALS = 4;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** An inflate that has not finished after this long is abandoned (it never should take it). */
const INFLATE_WATCHDOG_MS = 5000;

// ---- the schema (docs/ARCHITECTURE.md, "Schemas at the boundaries") --------------------------

const SentenceSchema = v.pipe(v.string(), v.maxLength(MAX_SENTENCE_CHARS), v.check((s: string) => !hasLoneSurrogate(s)));

/** One edited row: finite weights ≥ 0 (-0 read as 0), checked as one array, not one schema a value. */
const EditWeightsSchema = v.pipe(
  v.custom<number[]>((x) => Array.isArray(x) && x.length >= 1 && x.length <= MAX_EDIT_WEIGHTS && x.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0)),
  v.transform((w: number[]) => w.map((x) => (x === 0 ? 0 : x))),
);

/** One attention edit: the weights (over the source, </s> included) that replace step `step`'s α. */
const EditSchema = ownObject({ step: intIn(0, MAX_STEP - 1), weights: EditWeightsSchema });

/**
 * The edits, all or nothing (see the policy at the top): at most one per step, and every row over
 * the one source (</s> included), so a row of another length is malformed.
 */
const EditsSchema = v.pipe(
  v.array(EditSchema),
  v.maxLength(MAX_EDITS),
  v.check((edits) => new Set(edits.map((e) => e.step)).size === edits.length),
  v.check((edits) => edits.every((e) => e.weights.length === edits[0]?.weights.length)),
);

/** One head of one layer, or the layer's mean (the limits of a Transformer: src/model/config.ts). */
const HeadViewSchema = ownObject({ layer: intIn(0, MAX_LAYERS - 1), head: v.union([intIn(0, MAX_HEADS - 1), v.literal('mean')]) });

/** The view options a link restores, each checked on its own (a bad one takes its default). */
const VIEW_FIELDS = {
  values: v.picklist(VALUES_KINDS),
  transpose: v.boolean(),
  palette: v.picklist(PALETTES),
  lang: v.picklist(LANGS),
  theme: v.picklist(THEMES),
  /** Subword models: words or pieces (absent in older links: words). */
  units: v.picklist(UNITS),
};

/** The fields beside model/source/target, each checked on its own, in this order. */
const STATE_FIELDS = {
  decoding: v.picklist(DECODING_MODES),
  /** Sampling settings (with decoding 'sample'; absent otherwise): the seed makes the link reproduce the sample. */
  sample: SampleSchema,
  beamWidth: BeamWidthSchema,
  /** The decoding step on show. */
  step: intIn(0, MAX_STEP),
  edits: EditsSchema,
  /** A Transformer's cross-attention head on show (absent: the mean of the last layer's heads). */
  head: HeadViewSchema,
  /** A Transformer's position encodings (absent: on; off shows its order blindness). */
  positions: v.boolean(),
};

/** The core: a link whose version, model or sentences are bad is refused whole. */
const CoreSchema = ownObject({
  v: v.literal(SHARE_VERSION),
  /**
   * A shipped model's id, as in public/models/<id>/ (the id also fixes the attention variant), or
   * `user:<manifest id>` for a model of the reader's own (USER_MODEL_PREFIX).
   */
  model: ModelRefSchema,
  source: SentenceSchema,
  /** A typed reference translation to force-decode; '' for free decoding. */
  target: SentenceSchema,
});

/** The user's inputs that a permalink restores (version 1): the type is derived from these rules. */
export const ShareStateSchema = v.object({
  ...CoreSchema.pipe[2].entries,
  ...STATE_FIELDS,
  sample: v.optional(SampleSchema),
  head: v.optional(HeadViewSchema),
  positions: v.optional(v.boolean()),
  view: v.object(VIEW_FIELDS),
});

export type ShareState = v.InferOutput<typeof ShareStateSchema>;
/** View options that a link restores. */
export type ShareView = ShareState['view'];
/** One attention edit. */
export type AttentionEdit = ShareState['edits'][number];

/** Why a fragment did not give back the state it names; null when it did (or there was none). */
export type ShareProblem = 'too-long' | 'damaged' | 'too-large' | 'unsupported' | 'newer-version' | 'invalid' | 'partial';

/** What `parseFragment` returns. */
export interface ParsedFragment {
  state: ShareState;
  /** `&embed=1`: the page shows only the heatmap (for iframes). */
  embed: boolean;
  /**
   * What was not restored, as a code (null when nothing went wrong): the page words the notice
   * (src/ui/i18n.ts, `link.<problem>`), so that it reads in the reader's language.
   */
  problem: ShareProblem | null;
  /** With problem 'partial': the fields reset to defaults (ResetField codes, in the link's order). */
  reset: ResetField[];
}

/** The state a page with no (or an unusable) link starts from. Frozen: copy it with `defaultShareState()`. */
export const DEFAULT_SHARE_STATE: Readonly<ShareState> = deepFreeze({
  v: 1,
  model: 'tatoeba-en-fr',
  source: 'I really miss you.',
  target: '',
  decoding: 'greedy',
  beamWidth: 5,
  step: 0,
  edits: [],
  view: { values: 'weights', transpose: false, palette: 'cividis', lang: 'en', theme: 'auto', units: 'words' },
});

/** A fresh, mutable copy of DEFAULT_SHARE_STATE. */
export function defaultShareState(): ShareState {
  const d = DEFAULT_SHARE_STATE;
  return { ...d, edits: [], view: { ...d.view } };
}

/** The fields a 'partial' link can reset (dotted paths into ShareState). */
export type ResetField = 'decoding' | 'beamWidth' | 'sample' | 'step' | 'edits' | 'head' | 'positions' | 'view' | 'view.values' | 'view.transpose' | 'view.palette' | 'view.lang' | 'view.theme' | 'view.units';

/** Thrown by `encodeShareState` / `buildFragment` for a state that could not round-trip. */
export class ShareStateError extends Error {
  override name = 'ShareStateError';
  constructor(
    readonly kind: 'invalid' | 'too-long' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

// ---- validation ---------------------------------------------------------------------------

type Rec = Record<string, unknown>;

function has(o: Rec, key: string): boolean {
  return Object.hasOwn(o, key);
}

type Validation = { state: ShareState; problem: 'newer-version' | 'invalid' | null; reset: ResetField[] };

/**
 * Reads each field of `schemas` that `from` has as its own: a valid one is set on `into`, a bad
 * one is named in `reset` (with `prefix`) and keeps its default.
 */
function readFields(schemas: Record<string, v.GenericSchema>, from: Rec, into: Rec, reset: ResetField[], prefix = ''): void {
  for (const [key, schema] of Object.entries(schemas)) {
    if (!has(from, key)) continue;
    const r = v.safeParse(schema, from[key]);
    if (r.success) into[key] = r.output;
    else reset.push(`${prefix}${key}` as ResetField);
  }
}

/** The schema check: a fresh state from `raw`'s own, valid fields (see the policy at the top). */
function validate(raw: unknown): Validation {
  const state = defaultShareState();
  if (!isRecord(raw)) return { state, problem: 'invalid', reset: [] };
  const version = has(raw, 'v') ? raw.v : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > SHARE_VERSION) return { state, problem: 'newer-version', reset: [] };
  const core = v.safeParse(CoreSchema, raw);
  if (!core.success) return { state, problem: 'invalid', reset: [] };
  state.model = core.output.model;
  state.source = core.output.source;
  state.target = core.output.target;

  const reset: ResetField[] = [];
  readFields(STATE_FIELDS, raw, state as unknown as Rec, reset);
  if (has(raw, 'view')) {
    const view = raw.view;
    if (!isRecord(view)) reset.push('view');
    else readFields(VIEW_FIELDS, view, state.view as unknown as Rec, reset, 'view.');
  }
  return { state, problem: null, reset };
}

/** True when `x` is a complete, valid ShareState (every field present and in range). */
export function isValidShareState(x: unknown): x is ShareState {
  if (!isRecord(x)) return false;
  const r = validate(x);
  if (r.problem !== null || r.reset.length > 0) return false;
  const keys = ['decoding', 'beamWidth', 'step', 'edits', 'view'];
  if (!keys.every((k) => has(x, k))) return false;
  const view = x.view as Rec;
  return ['values', 'transpose', 'palette', 'lang', 'theme'].every((k) => has(view, k));
}

// ---- canonical form -----------------------------------------------------------------------

/**
 * One edited row as a link stores it: clipped at 0 and normalised to sum to 1 (what the model does
 * with an edit anyway), then rounded to EDIT_WEIGHT_DECIMALS. An all-zero row stays all zero (the
 * model reads it as uniform).
 */
function canonicalWeights(weights: readonly number[]): number[] {
  let max = 0;
  for (const w of weights) if (w > max) max = w;
  if (!(max > 0) || !Number.isFinite(max)) return weights.map(() => 0);
  let sum = 0;
  for (const w of weights) sum += w > 0 ? w / max : 0;
  const k = 10 ** EDIT_WEIGHT_DECIMALS;
  return weights.map((w) => (w > 0 ? Math.round((w / max / sum) * k) / k : 0));
}

/**
 * The state exactly as a link restores it: a fresh object in a fixed key order, with edited rows
 * normalised and rounded (see canonicalWeights). `parseFragment(await buildFragment(s)).state`
 * deep-equals `canonicalShareState(s)` for every valid `s`.
 */
export function canonicalShareState(s: ShareState): ShareState {
  return {
    v: 1,
    model: s.model,
    source: s.source,
    target: s.target,
    decoding: s.decoding,
    beamWidth: s.beamWidth,
    ...(s.sample ? { sample: { temperature: s.sample.temperature, topK: s.sample.topK, seed: s.sample.seed } } : {}),
    step: s.step,
    edits: s.edits.map((e) => ({ step: e.step, weights: canonicalWeights(e.weights) })),
    ...(s.head ? { head: { layer: s.head.layer, head: s.head.head } } : {}),
    ...(s.positions === false ? { positions: false } : {}),
    view: {
      values: s.view.values,
      transpose: s.view.transpose,
      palette: s.view.palette,
      lang: s.view.lang,
      theme: s.view.theme,
      units: s.view.units,
    },
  };
}

// ---- bytes --------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** base64url (RFC 4648 §5) without padding. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63];
  }
  return out;
}

/** Decodes unpadded base64url; null for a character outside the alphabet or an impossible length. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1 || (text.length > 0 && !BASE64URL.test(text))) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const v = B64_INDEX[text.charCodeAt(i)];
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

type StreamCtor = new (format: 'deflate-raw') => TransformStream<BufferSource, Uint8Array>;

function streamCtor(name: 'CompressionStream' | 'DecompressionStream'): StreamCtor | null {
  const c = (globalThis as Record<string, unknown>)[name];
  return typeof c === 'function' ? (c as StreamCtor) : null;
}

async function deflateRaw(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const CS = streamCtor('CompressionStream');
  if (!CS) throw new ShareStateError('unsupported', 'this browser lacks CompressionStream; links cannot be made');
  const cs = new CS('deflate-raw');
  const writer = cs.writable.getWriter();
  // not awaited: a write waits for the reader below (backpressure) and would deadlock
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  return concat(await readAll(cs.readable.getReader(), Infinity));
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, cap: number): Promise<Uint8Array[] | 'too-large'> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    total += value.byteLength;
    if (total > cap) {
      reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
}

function concat(chunks: Uint8Array[] | 'too-large'): Uint8Array {
  if (chunks === 'too-large') throw new Error('unreachable: no cap on compression');
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/**
 * Inflates deflate-raw `bytes`, reading the output stream chunk by chunk and cancelling it as soon
 * as more than `cap` bytes come out, so a bomb costs at most one chunk past the cap. Never throws:
 * a truncated or garbage stream (the stream rejects), a missing DecompressionStream and a stall
 * past the watchdog are all reported as values.
 */
async function inflateCapped(bytes: Uint8Array<ArrayBuffer>, cap: number): Promise<Uint8Array | 'damaged' | 'too-large' | 'unsupported'> {
  const DS = streamCtor('DecompressionStream');
  if (!DS) return 'unsupported';
  let ds: TransformStream<BufferSource, Uint8Array>;
  try {
    ds = new DS('deflate-raw');
  } catch {
    return 'unsupported';
  }
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<'damaged'>((resolve) => {
    timer = setTimeout(() => resolve('damaged'), INFLATE_WATCHDOG_MS);
  });
  try {
    const result = await Promise.race([readAll(reader, cap).catch(() => 'damaged' as const), watchdog]);
    if (result === 'damaged') {
      reader.cancel().catch(() => {});
      return 'damaged';
    }
    return result === 'too-large' ? 'too-large' : concat(result);
  } finally {
    clearTimeout(timer);
  }
}

// ---- encode -------------------------------------------------------------------------------

const FRAGMENT_OVERHEAD = 's='.length + '&embed=1'.length;

/**
 * The fragment value for `s`: base64url (no padding) of deflate-raw of the UTF-8 JSON of
 * `canonicalShareState(s)`. Throws ShareStateError: 'invalid' when `s` is not a valid state (so a
 * link that parses as damaged is never made), 'too-long' when the link would be refused on the
 * way back in (a sentence over MAX_SENTENCE_CHARS, more than MAX_INFLATED_BYTES of JSON or a
 * fragment over MAX_FRAGMENT_CHARS; e.g. long sentences of random CJK, or many edits),
 * 'unsupported' without CompressionStream.
 */
export async function encodeShareState(s: ShareState): Promise<string> {
  // a sentence longer than a link holds is too long (not invalid): the page keeps longer ones
  for (const [side, text] of [['source', s.source], ['target', s.target]] as const) {
    if (typeof text === 'string' && text.length > MAX_SENTENCE_CHARS) {
      throw new ShareStateError('too-long', `the ${side} is ${text.length} characters; links hold at most ${MAX_SENTENCE_CHARS} a sentence`);
    }
  }
  const check = validate(s);
  if (check.problem !== null || check.reset.length > 0) {
    throw new ShareStateError('invalid', `not a valid share state (${check.problem ?? check.reset.join(', ')})`);
  }
  const json = JSON.stringify(canonicalShareState(s));
  const bytes = new TextEncoder().encode(json);
  if (bytes.byteLength > MAX_INFLATED_BYTES) {
    throw new ShareStateError('too-long', `the state is ${bytes.byteLength} bytes of JSON; links hold at most ${MAX_INFLATED_BYTES}`);
  }
  const payload = bytesToBase64Url(await deflateRaw(bytes));
  if (payload.length + FRAGMENT_OVERHEAD > MAX_FRAGMENT_CHARS) {
    throw new ShareStateError('too-long', `the link would be ${payload.length + FRAGMENT_OVERHEAD} characters; links hold at most ${MAX_FRAGMENT_CHARS}`);
  }
  return payload;
}

/** `#s=<payload>`, plus `&embed=1` for the embed view. Throws as `encodeShareState`. */
export async function buildFragment(s: ShareState, options: { embed?: boolean } = {}): Promise<string> {
  const payload = await encodeShareState(s);
  return `#s=${payload}${options.embed === true ? '&embed=1' : ''}`;
}

// ---- decode -------------------------------------------------------------------------------

function result(problem: ShareProblem | null, embed: boolean, state: ShareState = defaultShareState(), reset: ResetField[] = []): ParsedFragment {
  return { state, embed, problem, reset: problem === 'partial' ? reset : [] };
}

/** Drops the keys that could reach a prototype if some later code merged the object. */
function reviver(key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

async function parseUnguarded(input: unknown): Promise<ParsedFragment> {
  if (typeof input !== 'string') return result(null, false);
  const hashAt = input.indexOf('#');
  const text = hashAt >= 0 ? input.slice(hashAt + 1) : input;
  if (text.length > MAX_FRAGMENT_CHARS) return result('too-long', false);
  const params = new Map<string, string>();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!params.has(key)) params.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  const embed = params.get('embed') === '1';
  const payload = params.get('s');
  if (payload === undefined) return result(null, embed);

  const bytes = base64UrlToBytes(payload);
  if (bytes === null || bytes.byteLength === 0) return result('damaged', embed);
  const inflated = await inflateCapped(bytes, MAX_INFLATED_BYTES);
  if (typeof inflated === 'string') return result(inflated, embed);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return result('damaged', embed);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json, reviver);
  } catch {
    return result('damaged', embed);
  }
  const v = validate(raw);
  if (v.problem !== null) return result(v.problem, embed);
  return v.reset.length > 0 ? result('partial', embed, v.state, v.reset) : result(null, embed, v.state);
}

/**
 * Reads a fragment (`#s=…&embed=1`, the same without `#`, or a whole URL whose fragment holds it).
 * Never throws and never hangs: no `s` parameter gives the defaults with problem null; anything
 * wrong gives the defaults (or, for fields outside model/source/target, the valid parts: see the
 * policy at the top of this file) with a `problem` code that the UI words as a notice.
 */
export async function parseFragment(hash: string): Promise<ParsedFragment> {
  try {
    return await parseUnguarded(hash);
  } catch {
    return result('damaged', false);
  }
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
