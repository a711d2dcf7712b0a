// How a loaded model turns text into the tokens its vocabulary knows, and back. Tokenising
// belongs to the model (docs/ARCHITECTURE.md, "The model seam"): word- and character-level
// models use `tokenize` from tokenize.ts, subword models their own BPE tokenizer.json.
// Everything above the model (the analysis, the views, the exports) goes through a TextCodec and
// never asks which kind it is, except to offer the words/pieces switch.

import { BpeTokenizer, isByteToken, WORD_MARK } from './bpe';
import { detokenize, detokenizePieces, tokenize, type TokenizerSettings } from './tokenize';

export interface TextCodec {
  readonly settings: TokenizerSettings;
  /** True when tokens are subword pieces (several pieces can make one word). */
  readonly subword: boolean;
  /** Text → tokens (subword codecs never produce <unk>). */
  tokenize(text: string): string[];
  /** Tokens → display text. */
  detokenize(tokens: readonly string[]): string;
}

/** Word- or character-level text (the built-in tasks and older checkpoints). */
export function settingsCodec(settings: TokenizerSettings): TextCodec {
  if (settings.level === 'bpe') throw new Error('settingsCodec: a subword model needs its tokenizer.json (bpeCodec)');
  return {
    settings,
    subword: false,
    tokenize: (text) => tokenize(text, settings),
    detokenize: (tokens) => detokenize(tokens, settings),
  };
}

/** Subword pieces from a learned BPE vocabulary. */
export function bpeCodec(bpe: BpeTokenizer): TextCodec {
  return {
    settings: { level: 'bpe', lowercase: bpe.spec.lowercase },
    subword: true,
    tokenize: (text) => bpe.encode(text).tokens,
    detokenize: (tokens) => detokenizePieces(tokens),
  };
}

// ---- words made of pieces -----------------------------------------------------------------------

/** Which displayed word each piece belongs to. */
export interface WordGroups {
  /** The words' display text, in order. */
  words: string[];
  /** wordOf[k]: the word of piece k. Non-decreasing, covering 0 … words.length − 1. */
  wordOf: number[];
  /** firstPiece[w] … lastPiece[w]: the pieces of word w. */
  firstPiece: number[];
  lastPiece: number[];
}

let segmenter: Intl.Segmenter | null = null;

/**
 * Group subword pieces into words, the units a reader thinks in. The rule the page states:
 * pieces are joined into text ("▁" is a space), the text is cut into words by `Intl.Segmenter`
 * (spaces, punctuation, and dictionary word breaks for Chinese), and each piece belongs to the
 * word in which its first character lies. Special tokens (</s>, <unk>, …) are words of their own.
 */
export function groupPieces(pieces: readonly string[]): WordGroups {
  // Surface text and the offset at which each piece's first visible character lies.
  let text = '';
  const start: number[] = new Array<number>(pieces.length).fill(-1);
  const special: boolean[] = pieces.map((p) => /^<[^>]+>$/.test(p) && !isByteToken(p));
  let k = 0;
  while (k < pieces.length) {
    const piece = pieces[k] as string;
    if (special[k]) {
      text += ' ';
      k++;
      continue;
    }
    if (isByteToken(piece)) {
      // A run of byte pieces decodes together; each lead byte starts a character.
      let end = k;
      while (end < pieces.length && isByteToken(pieces[end] as string)) end++;
      const run = pieces.slice(k, end);
      const decoded = Array.from(detokenizePieces(run));
      let ch = -1;
      let offset = text.length;
      const offsets: number[] = [];
      for (const c of decoded) {
        offsets.push(offset);
        offset += c.length;
      }
      for (let b = k; b < end; b++) {
        const byte = parseInt((pieces[b] as string).slice(3, 5), 16);
        if ((byte & 0xc0) !== 0x80) ch++;
        start[b] = offsets[Math.max(0, Math.min(ch, offsets.length - 1))] ?? text.length;
      }
      text += decoded.join('');
      k = end;
      continue;
    }
    const surface = piece.replaceAll(WORD_MARK, ' ');
    const lead = surface.length - surface.trimStart().length;
    start[k] = surface.trim().length > 0 ? text.length + lead : -1;
    text += surface;
    k++;
  }
  // A piece with nothing visible (a lone "▁") belongs to the word that follows it.
  for (let p = pieces.length - 2; p >= 0; p--) {
    if (!special[p] && start[p] < 0 && !special[p + 1]) start[p] = start[p + 1];
  }
  // Word segments: [from, to) ranges of non-space segments.
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const segStarts: number[] = [];
  for (const seg of segmenter.segment(text)) if (seg.segment.trim().length > 0) segStarts.push(seg.index);
  const segOf = (offset: number): number => {
    let lo = 0;
    let hi = segStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const wordOf: number[] = [];
  const words: string[] = [];
  const firstPiece: number[] = [];
  const lastPiece: number[] = [];
  let currentSeg = -2;
  for (let p = 0; p < pieces.length; p++) {
    const s = special[p] ? -1 : start[p];
    // a special, or the first piece, or a piece whose first character starts a new segment
    const seg = s < 0 ? (special[p] ? -3 - p : currentSeg) : segOf(s);
    const newWord = words.length === 0 || special[p] || special[p - 1] === true || seg !== currentSeg;
    if (newWord) {
      words.push('');
      firstPiece.push(p);
      lastPiece.push(p);
    }
    const w = words.length - 1;
    wordOf.push(w);
    lastPiece[w] = p;
    currentSeg = seg;
  }
  for (let w = 0; w < words.length; w++) {
    const ps = pieces.slice(firstPiece[w], lastPiece[w] + 1);
    words[w] = special[firstPiece[w]] ? (ps[0] as string) : detokenizePieces(ps).trim() || (ps.join('') || '▁');
  }
  return { words, wordOf, firstPiece, lastPiece };
}
