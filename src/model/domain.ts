// The page's domain, defined once (docs/ARCHITECTURE.md, "Schemas at the boundaries"): model
// names, beam widths, decoding modes, the view's choices (values, palette, theme, language,
// units), sentence and sampling limits. Every boundary schema (the permalink, local storage, the
// worker protocols, the manifest, IndexedDB records) and the store take their rules and types from
// here, so two boundaries cannot disagree on what a valid beam width or model id is
// (docs/RELIABILITY.md, "a permalink with one good and one malformed attention edit").
//
// It lives in src/model because every layer that checks these values may import the model layer
// (export, worker and store sit above it) and the model itself needs the id pattern, the beam
// limit and the sampling rule. No DOM, no React: plain constants and valibot schemas.

import * as v from 'valibot';

// ---- model names ------------------------------------------------------------------------------

/** A manifest id: 1–64 characters of a-z, 0-9 and "-" (also the folder name under public/models). */
export const MODEL_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
/** How a rule on a model id reads in a message. */
export const MODEL_ID_RULE = 'must be 1–64 characters of a-z, 0-9 and "-"';

export function isModelId(x: unknown): x is string {
  return typeof x === 'string' && MODEL_ID_PATTERN.test(x);
}

/**
 * How a link names a model of the reader's own (trained or loaded in a browser, docs/ARCHITECTURE.md,
 * "Model names"): `user:` and its manifest id. A shipped model is named by its plain id, as links
 * always have, so a user's model can never take a shipped model's name; a page older than this
 * prefix refuses such a link as invalid rather than opening the shipped model of that id.
 */
export const USER_MODEL_PREFIX = 'user:';
/** A model's name in a link: a shipped model's id, or USER_MODEL_PREFIX and a manifest id. */
export const MODEL_REF = /^(?:user:)?[a-z0-9-]{1,64}$/;

/** A manifest id (message: `<what> must be 1–64 characters…`). */
export const modelIdSchema = (message = `the id ${MODEL_ID_RULE}`) => v.pipe(v.string(message), v.regex(MODEL_ID_PATTERN, message));
/** A model's name (a shipped id or `user:` and a manifest id). */
export const ModelRefSchema = v.pipe(v.string(), v.regex(MODEL_REF));

// ---- decoding ---------------------------------------------------------------------------------

/** Free decoding modes (a non-empty target is force-decoded instead). */
export const DECODING_MODES = ['greedy', 'beam', 'sample'] as const;
export type DecodingMode = (typeof DECODING_MODES)[number];

/** Beam widths the models accept (the page offers a narrower range, below). */
export const MAX_BEAM_WIDTH = 16;
/**
 * The page's beam widths: the permalink, the store's setBeamWidth and its local-storage check all
 * use these (width 1 is greedy decoding, and wider beams are slow to show).
 */
export const MIN_BEAM_WIDTH = 2;
export const MAX_PAGE_BEAM_WIDTH = 8;
export const BeamWidthSchema = v.pipe(v.number(), v.integer(), v.minValue(MIN_BEAM_WIDTH), v.maxValue(MAX_PAGE_BEAM_WIDTH));

/**
 * Sampling: each step draws the next word from softmax(log p / temperature) restricted to the
 * `topK` most probable words (0: all), with a seeded generator, so the same seed gives the same
 * sentence.
 */
export interface SampleOptions {
  temperature: number;
  topK: number;
  seed: number;
}

export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 5;
export const MAX_SAMPLE_TOP_K = 1000;
export const MAX_SAMPLE_SEED = 2 ** 31 - 1;

/** Why sampling options are not usable, or null. */
export function sampleProblem(s: SampleOptions): string | null {
  if (!(s.temperature >= MIN_TEMPERATURE && s.temperature <= MAX_TEMPERATURE)) return `temperature must be in [${MIN_TEMPERATURE}, ${MAX_TEMPERATURE}], got ${s.temperature}`;
  if (!Number.isInteger(s.topK) || s.topK < 0 || s.topK > MAX_SAMPLE_TOP_K) return `top-k must be an integer in [0, ${MAX_SAMPLE_TOP_K}] (0: all words), got ${s.topK}`;
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > MAX_SAMPLE_SEED) return `the seed must be an integer in [0, ${MAX_SAMPLE_SEED}], got ${s.seed}`;
  return null;
}

/** Sampling settings in range (a fresh object of the three fields). */
export const SampleSchema = v.pipe(
  v.object({ temperature: v.number(), topK: v.number(), seed: v.number() }),
  v.check((s: SampleOptions) => sampleProblem(s) === null),
);

// ---- the view ---------------------------------------------------------------------------------

/** What the heatmap colours: the weights α or the scores e. */
export const VALUES_KINDS = ['weights', 'scores'] as const;
export type ValuesKind = (typeof VALUES_KINDS)[number];
/** The colour-blind-safe colour scales of the heatmap (d3-scale-chromatic). */
export const PALETTES = ['cividis', 'viridis'] as const;
export type Palette = (typeof PALETTES)[number];
/** The page language. */
export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
/** The page theme; 'auto' follows prefers-color-scheme. */
export const THEMES = ['auto', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEMES)[number];
/** Subword models: show whole words or the model's pieces. */
export const UNITS = ['pieces', 'words'] as const;
export type Units = (typeof UNITS)[number];

// ---- sentences --------------------------------------------------------------------------------

/** Longest source or target sentence in a link, in UTF-16 code units. */
export const MAX_SENTENCE_CHARS = 5000;
