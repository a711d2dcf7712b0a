// Tokenisation shared by the built-in tasks, the TSV import and the page's input boxes.
//
// Word level: NFC, then `Intl.Segmenter` word segments (dictionary segmentation for CJK, Thai,
// ...); whitespace is dropped; every other non-word run is split into grapheme clusters, so
// punctuation becomes one token per mark ("?!" → "?", "!") and an emoji ZWJ sequence such as
// 👩‍👩‍👧 stays whole. French elided prefixes are split off and normalised to an ASCII
// apostrophe ("l’accord", "l'accord" and "l' accord" all give "l'", "accord"); English
// contractions ("don't") stay one token because the segmenter keeps them whole.
//
// Char level: grapheme clusters, with each whitespace run turned into the single token "▁"
// (U+2581) and leading/trailing whitespace dropped.
//
// `detokenize` is the inverse used for display and for the built-in tasks' round trip
// (tokenize(detokenize(tokens)) == tokens for every task sample): word level joins with spaces,
// char level concatenates and maps "▁" back to a space.

import { MAX_TOKENS_PER_SIDE } from './limits';

/** How text becomes tokens: a model setting stored with every checkpoint. */
export interface TokenizerSettings {
  /** `bpe`: subword units from the model's own tokenizer.json (see bpe.ts); `tokenize` cannot apply it. */
  level: 'word' | 'char' | 'bpe';
  lowercase: boolean;
}

/** The token that stands for a whitespace run at character level (U+2581, as in SentencePiece). */
export const SPACE_TOKEN = '\u2581';

// French prefixes that elide before a vowel (l'accord, qu'il, jusqu'à ...).
const ELIDED_PREFIXES = ['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu'];
const ELIDED_PREFIX_SET = new Set(ELIDED_PREFIXES);
const ELISION_IN_WORD = new RegExp(`^(${ELIDED_PREFIXES.join('|')})['\u2019](.+)$`, 'iu');
const APOSTROPHES = new Set(["'", '\u2019']);
const WHITESPACE_RUN = /\s+/u;
const ALL_WHITESPACE = /^\s+$/u;

let wordSegmenter: Intl.Segmenter | null = null;
let graphemeSegmenter: Intl.Segmenter | null = null;

function words(): Intl.Segmenter {
  wordSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  return wordSegmenter;
}

/**
 * Build the word segmenter ahead of its first use. Its first construction in a page loads the
 * engine's word-break data (20–60 ms in Chromium here, once per page whichever segmenter is built),
 * so the model loader does it while the weights are still arriving, not on the way to the first
 * heatmap (docs/ARCHITECTURE.md, "Loading a model").
 */
export function warmWordSegmenter(): void {
  words();
}

function graphemes(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return graphemeSegmenter;
}

function normalise(text: string, lowercase: boolean): string {
  const nfc = text.normalize('NFC');
  // Lower-casing can produce decomposed sequences (İ → i + U+0307); normalise again.
  return lowercase ? nfc.toLowerCase().normalize('NFC') : nfc;
}

/** Push the non-empty, whitespace-free pieces of `piece` (a guard for exotic clusters). */
function pushPieces(out: string[], piece: string): void {
  if (!WHITESPACE_RUN.test(piece)) {
    if (piece.length > 0) out.push(piece);
    return;
  }
  for (const part of piece.split(WHITESPACE_RUN)) if (part.length > 0) out.push(part);
}

function pushWord(out: string[], word: string): void {
  let rest = word;
  // Repeatedly, so that "l'l'accord" splits like "l' l' accord" does.
  for (let elided = ELISION_IN_WORD.exec(rest); elided !== null; elided = ELISION_IN_WORD.exec(rest)) {
    out.push(`${elided[1] as string}'`);
    rest = elided[2] as string;
  }
  pushPieces(out, rest);
}

function tokenizeWords(text: string): string[] {
  const out: string[] = [];
  const segments = Array.from(words().segment(text));
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k] as Intl.SegmentData;
    const piece = seg.segment;
    if (seg.isWordLike === true) {
      // "l' accord": the segmenter gives "l", "'", " ", "accord"; glue the apostrophe back.
      const next = segments[k + 1];
      if (next !== undefined && APOSTROPHES.has(next.segment) && ELIDED_PREFIX_SET.has(piece.toLowerCase())) {
        out.push(`${piece}'`);
        k++;
        continue;
      }
      pushWord(out, piece);
      continue;
    }
    if (ALL_WHITESPACE.test(piece)) continue;
    for (const g of graphemes().segment(piece)) pushPieces(out, g.segment);
  }
  return out;
}

function tokenizeChars(text: string): string[] {
  const out: string[] = [];
  let pendingSpace = false;
  for (const g of graphemes().segment(text)) {
    if (ALL_WHITESPACE.test(g.segment)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out.push(SPACE_TOKEN);
    pendingSpace = false;
    out.push(g.segment);
  }
  return out;
}

/** Split text into tokens according to `settings` (NFC first; see the file comment). */
export function tokenize(text: string, settings: TokenizerSettings): string[] {
  if (settings.level === 'bpe') throw new Error('tokenize: subword units need the model\'s tokenizer (BpeTokenizer)');
  const normalised = normalise(text, settings.lowercase);
  return settings.level === 'word' ? tokenizeWords(normalised) : tokenizeChars(normalised);
}

/** Turn tokens back into display text: spaces between words, or characters with "▁" as a space. */
export function detokenize(tokens: readonly string[], settings: TokenizerSettings): string {
  if (settings.level === 'word') return tokens.join(' ');
  if (settings.level === 'bpe') return detokenizePieces(tokens);
  let text = '';
  for (const token of tokens) text += token === SPACE_TOKEN ? ' ' : token;
  return text;
}

/** The result of capping a token sequence. */
export interface TruncatedTokens {
  tokens: string[];
  truncated: boolean;
  originalLength: number;
}

/** Keep at most `cap` tokens (default MAX_TOKENS_PER_SIDE) and say whether anything was cut. */
export function truncateTokens(tokens: readonly string[], cap: number = MAX_TOKENS_PER_SIDE): TruncatedTokens {
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`truncateTokens: cap must be a non-negative integer, got ${cap}`);
  const truncated = tokens.length > cap;
  return { tokens: truncated ? tokens.slice(0, cap) : tokens.slice(), truncated, originalLength: tokens.length };
}

const BYTE_PIECE = /^<0x([0-9A-F]{2})>$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Subword pieces back to text without the tokenizer: "▁" is a space, runs of byte pieces
 * (<0xE7><0x8C><0xAB>) are decoded as UTF-8 (invalid runs become U+FFFD), the leading space goes.
 */
export function detokenizePieces(pieces: readonly string[]): string {
  let text = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) text += utf8.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (const piece of pieces) {
    const b = BYTE_PIECE.exec(piece);
    if (b) {
      bytes.push(parseInt(b[1] as string, 16));
      continue;
    }
    flush();
    text += piece.replaceAll(SPACE_TOKEN, ' ');
  }
  flush();
  return text.startsWith(' ') ? text.slice(1) : text;
}
