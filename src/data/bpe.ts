// Byte-pair encoding (Sennrich, Haddow & Birch 2016) stored as a Hugging Face `tokenizer.json`.
//
// The learner is ours (no maintained JavaScript BPE trainer exists); applying a learned
// vocabulary is done by `@huggingface/tokenizers`, the reference JavaScript reader of the format,
// so a tokenizer we write is read the same way by the page, by Python's `tokenizers` and by
// transformers.js. The learner counts words with that same library's normaliser and
// pre-tokeniser, so learning and applying can never disagree about where words end.
//
// The pipeline (docs/ARCHITECTURE.md, "Subword units"):
//   normalise   NFC (optionally lower-cased); a typed "▁" becomes a space; every whitespace run
//               → one space; trim; "▁" prepended; spaces → "▁"
//   pre-split   "▁"-led runs of letters/digits/marks, and each punctuation mark, symbol and Han
//               character on its own: Chinese is split into characters before merges
//   merge       BPE merges in the order learned (within a pre-split word only)
//   fallback    a character outside the vocabulary becomes its UTF-8 bytes <0x..>: no input
//               ever maps to <unk>
//   decode      "▁" → space, bytes fused back into characters, the leading space dropped
// so decode(encode(text)) is the normalised text for any Unicode input.

import { Tokenizer } from '@huggingface/tokenizers';
import { compareCodePoints, SPECIAL_TOKENS, UNK_TOKEN } from './vocab';
import { MAX_VOCAB_SIZE } from './limits';

/** Thrown when a tokenizer.json is malformed or hostile, or learning options are invalid. */
export class BpeError extends Error {
  override readonly name = 'BpeError';
}

/** The word-boundary marker (U+2581), as in SentencePiece. */
export const WORD_MARK = '\u2581';

/** The byte-fallback token of byte `b` ("<0x0A>"), as the format spells it. */
export function byteToken(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}
const BYTE_TOKEN = /^<0x[0-9A-F]{2}>$/;

// "▁"-led runs of anything but "▁", punctuation, symbols and Han; or one mark/symbol/Han
// character (optionally "▁"-led); or a lone "▁". Written in the Oniguruma syntax of the format.
const SPLIT_PATTERN = '▁?[^▁\\p{P}\\p{S}\\p{Han}]+|▁?[\\p{P}\\p{S}\\p{Han}]|▁';

function normalizerSpec(lowercase: boolean): object {
  return {
    type: 'Sequence',
    normalizers: [
      { type: 'NFC' },
      ...(lowercase ? [{ type: 'Lowercase' }, { type: 'NFC' }] : []),
      // a typed "▁" would read as a word boundary: it becomes a space like any other
      { type: 'Replace', pattern: { String: WORD_MARK }, content: ' ' },
      { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
      { type: 'Strip', strip_left: true, strip_right: true },
      { type: 'Prepend', prepend: WORD_MARK },
      { type: 'Replace', pattern: { String: ' ' }, content: WORD_MARK },
    ],
  };
}

const PRE_TOKENIZER = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: SPLIT_PATTERN }, behavior: 'Isolated', invert: false }] };

const DECODER = {
  type: 'Sequence',
  decoders: [
    { type: 'Replace', pattern: { String: WORD_MARK }, content: ' ' },
    { type: 'ByteFallback' },
    { type: 'Fuse' },
    { type: 'Strip', content: ' ', start: 1, stop: 0 },
  ],
};

/** The parts of a tokenizer.json that we write and accept (the rest is fixed, see above). */
export interface BpeSpec {
  /** Tokens in id order: the four specials, the 256 byte tokens, then characters and merges. */
  vocab: string[];
  /** Merges in the order learned, as [left, right] pairs. */
  merges: Array<[string, string]>;
  lowercase: boolean;
}

/** The Hugging Face tokenizer.json object for `spec`. */
export function tokenizerJson(spec: BpeSpec): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  spec.vocab.forEach((t, k) => {
    vocab[t] = k;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: normalizerSpec(spec.lowercase),
    pre_tokenizer: PRE_TOKENIZER,
    post_processor: null,
    decoder: DECODER,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: UNK_TOKEN,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: spec.merges.map(([a, b]) => [a, b]),
    },
  };
}

/** Largest tokenizer.json text we parse (a 100k vocabulary with its merges fits). */
export const MAX_TOKENIZER_CHARS = 16 * 1024 * 1024;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Validate a parsed tokenizer.json and return its spec. Only the pipeline this module writes is
 * accepted (a different normaliser, pre-tokeniser or decoder would make the page and the
 * training disagree); the error names the first field that is off.
 */
export function parseTokenizerJson(value: unknown): BpeSpec {
  if (!isPlainObject(value)) throw new BpeError('tokenizer.json must be a JSON object');
  const model = value.model;
  if (!isPlainObject(model) || model.type !== 'BPE') throw new BpeError('tokenizer.json: model.type must be "BPE"');
  if (model.byte_fallback !== true) throw new BpeError('tokenizer.json: model.byte_fallback must be true (no input may become <unk>)');
  if (model.unk_token !== UNK_TOKEN) throw new BpeError(`tokenizer.json: model.unk_token must be ${JSON.stringify(UNK_TOKEN)}`);
  if (model.continuing_subword_prefix != null || model.end_of_word_suffix != null) {
    throw new BpeError('tokenizer.json: continuing_subword_prefix and end_of_word_suffix must be null');
  }
  if (model.dropout != null) throw new BpeError('tokenizer.json: model.dropout must be null (encoding must be deterministic)');
  let lowercase: boolean;
  if (same(value.normalizer, normalizerSpec(false))) lowercase = false;
  else if (same(value.normalizer, normalizerSpec(true))) lowercase = true;
  else throw new BpeError('tokenizer.json: normalizer is not the one this page uses (NFC, whitespace, "▁" marks)');
  if (!same(value.pre_tokenizer, PRE_TOKENIZER)) throw new BpeError('tokenizer.json: pre_tokenizer is not the one this page uses');
  if (!same(value.decoder, DECODER)) throw new BpeError('tokenizer.json: decoder is not the one this page uses');

  const vocabIn = model.vocab;
  if (!isPlainObject(vocabIn)) throw new BpeError('tokenizer.json: model.vocab must be an object of token → id');
  const entries = Object.entries(vocabIn);
  if (entries.length > MAX_VOCAB_SIZE) throw new BpeError(`tokenizer.json: ${entries.length} tokens; the limit is ${MAX_VOCAB_SIZE}`);
  const vocab: string[] = new Array<string>(entries.length);
  for (const [token, id] of entries) {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= entries.length) {
      throw new BpeError(`tokenizer.json: id of ${JSON.stringify(token.slice(0, 40))} must be an integer in [0, ${entries.length})`);
    }
    if (token.length === 0) throw new BpeError('tokenizer.json: the vocabulary has an empty token');
    if (vocab[id as number] !== undefined) throw new BpeError(`tokenizer.json: id ${id as number} is used twice`);
    vocab[id as number] = token;
  }
  SPECIAL_TOKENS.forEach((t, k) => {
    if (vocab[k] !== t) throw new BpeError(`tokenizer.json: id ${k} must be ${JSON.stringify(t)}`);
  });
  for (let b = 0; b < 256; b++) {
    if (vocab[SPECIAL_TOKENS.length + b] !== byteToken(b)) throw new BpeError(`tokenizer.json: id ${SPECIAL_TOKENS.length + b} must be ${byteToken(b)}`);
  }
  const mergesIn = model.merges;
  if (!Array.isArray(mergesIn)) throw new BpeError('tokenizer.json: model.merges must be an array');
  if (mergesIn.length > MAX_VOCAB_SIZE) throw new BpeError(`tokenizer.json: ${mergesIn.length} merges; the limit is ${MAX_VOCAB_SIZE}`);
  const known = new Set(vocab);
  const merges: Array<[string, string]> = [];
  mergesIn.forEach((m: unknown, k) => {
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new BpeError(`tokenizer.json: merge ${k} must be a pair of tokens`);
    }
    const [a, b] = pair as [string, string];
    if (!known.has(a) || !known.has(b) || !known.has(a + b)) throw new BpeError(`tokenizer.json: merge ${k} (${JSON.stringify(`${a} ${b}`.slice(0, 60))}) uses tokens outside the vocabulary`);
    merges.push([a, b]);
  });
  return { vocab, merges, lowercase };
}

/** Encoded text: the pieces and their ids. */
export interface BpeEncoding {
  tokens: string[];
  ids: number[];
}

/** A learned BPE vocabulary, applied by @huggingface/tokenizers. */
export class BpeTokenizer {
  readonly spec: BpeSpec;
  private readonly hf: Tokenizer;

  constructor(spec: BpeSpec) {
    this.spec = spec;
    this.hf = new Tokenizer(tokenizerJson(spec), { clean_up_tokenization_spaces: false });
  }

  /** Build from a parsed tokenizer.json (validated; throws BpeError). */
  static fromJSON(value: unknown): BpeTokenizer {
    return new BpeTokenizer(parseTokenizerJson(value));
  }

  /** The text as pieces (every piece is in the vocabulary). */
  encode(text: string): BpeEncoding {
    const e = this.hf.encode(text, { add_special_tokens: false });
    return { tokens: e.tokens, ids: e.ids };
  }

  /** Pieces back to text (specials dropped). */
  decodeTokens(tokens: readonly string[]): string {
    const ids: number[] = [];
    for (const t of tokens) {
      const id = this.hf.token_to_id(t);
      if (id !== undefined && id >= SPECIAL_TOKENS.length) ids.push(id);
    }
    // the library refuses an empty list
    return ids.length === 0 ? '' : this.hf.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }

  /** The normalised, pre-split words of `text` (what the learner counts). */
  preSplit(text: string): string[] {
    const normalised = this.hf.normalizer ? this.hf.normalizer(text) : text;
    return this.hf.pre_tokenizer ? this.hf.pre_tokenizer(normalised) : [normalised];
  }

  toJSON(): Record<string, unknown> {
    return tokenizerJson(this.spec);
  }
}

/** Options of `learnBpe`. */
export interface LearnBpeOptions {
  /** Number of merges to learn (fewer if pairs run out). */
  merges: number;
  /** A character needs this many occurrences to get its own token (rarer ones use bytes). */
  minCharCount?: number;
  /** A pair needs this many occurrences to be merged. */
  minPairCount?: number;
  lowercase?: boolean;
}

/**
 * Learn BPE merges from sentences. Deterministic: ties between equally frequent pairs are broken
 * by code-point order of (left, right), so the same text always gives the same tokenizer.
 * Incremental pair counts (only words containing the merged pair are revisited).
 */
export function learnBpe(sentences: Iterable<string>, options: LearnBpeOptions): BpeTokenizer {
  const nMerges = options.merges;
  const minChar = options.minCharCount ?? 2;
  const minPair = options.minPairCount ?? 2;
  const lowercase = options.lowercase ?? false;
  if (!Number.isInteger(nMerges) || nMerges < 0) throw new BpeError(`merges must be a non-negative integer, got ${nMerges}`);
  if (!Number.isInteger(minChar) || minChar < 1 || !Number.isInteger(minPair) || minPair < 1) throw new BpeError('minimum counts must be integers ≥ 1');
  const splitter = new BpeTokenizer({ vocab: baseVocab([]), merges: [], lowercase });

  // Word counts.
  const wordCounts = new Map<string, number>();
  for (const s of sentences) for (const w of splitter.preSplit(s)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  const alphabet = [...charCounts].filter(([, c]) => c >= minChar).map(([ch]) => ch);
  alphabet.sort(compareCodePoints);

  // Words as symbol arrays; a character outside the alphabet is a barrier (it becomes bytes).
  const words: string[][] = [];
  const counts: number[] = [];
  for (const [w, c] of [...wordCounts].sort((a, b) => compareCodePoints(a[0], b[0]))) {
    words.push(Array.from(w));
    counts.push(c);
  }
  const SEP = '\u0000';
  // Every symbol that may take part in a merge; anything else (a rare character) is a barrier.
  const vocabSet = new Set<string>(alphabet);
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addPairs = (wi: number, sign: number): void => {
    const sym = words[wi] as string[];
    const c = counts[wi] * sign;
    for (let k = 0; k + 1 < sym.length; k++) {
      const a = sym[k] as string;
      const b = sym[k + 1] as string;
      if (!vocabSet.has(a) || !vocabSet.has(b)) continue;
      const key = a + SEP + b;
      pairCount.set(key, (pairCount.get(key) ?? 0) + c);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);

  const merges: Array<[string, string]> = [];
  const merged: string[] = [];
  while (merges.length < nMerges) {
    let bestKey = '';
    let bestCount = 0;
    for (const [key, c] of pairCount) {
      if (c > bestCount || (c === bestCount && c > 0 && compareCodePoints(key, bestKey) < 0)) {
        bestKey = key;
        bestCount = c;
      }
    }
    if (bestCount < minPair) break;
    const [a, b] = bestKey.split(SEP) as [string, string];
    const ab = a + b;
    merges.push([a, b]);
    if (!vocabSet.has(ab)) {
      vocabSet.add(ab);
      merged.push(ab);
    }
    const affected = [...(pairWords.get(bestKey) ?? [])];
    for (const wi of affected) {
      addPairs(wi, -1);
      const sym = words[wi] as string[];
      const out: string[] = [];
      for (let k = 0; k < sym.length; k++) {
        if (k + 1 < sym.length && sym[k] === a && sym[k + 1] === b) {
          out.push(ab);
          k++;
        } else out.push(sym[k] as string);
      }
      words[wi] = out;
      addPairs(wi, 1);
    }
    pairCount.delete(bestKey);
    pairWords.delete(bestKey);
    for (const [key, c] of pairCount) if (c <= 0) pairCount.delete(key);
  }
  const vocab = baseVocab([...alphabet, ...merged]);
  if (vocab.length > MAX_VOCAB_SIZE) throw new BpeError(`the vocabulary would have ${vocab.length} tokens; the limit is ${MAX_VOCAB_SIZE}`);
  return new BpeTokenizer({ vocab, merges, lowercase });
}

/** Specials, the 256 byte tokens, then `rest` (without duplicates of the former). */
function baseVocab(rest: readonly string[]): string[] {
  const out = [...SPECIAL_TOKENS];
  for (let b = 0; b < 256; b++) out.push(byteToken(b));
  const seen = new Set(out);
  for (const t of rest) {
    if (seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
}

/** Whether `token` is a byte-fallback token. */
export function isByteToken(token: string): boolean {
  return BYTE_TOKEN.test(token);
}
