// Token ↔ id maps. Four specials come first with fixed ids, so every checkpoint agrees on them:
// <pad> = 0 (padding, never attended to), <s> = 1 (decoder start), </s> = 2 (end of sentence),
// <unk> = 3 (any token not in the vocabulary; the UI shows it distinctly).

import { MAX_VOCAB_SIZE } from './limits';

export const PAD_TOKEN = '<pad>';
export const BOS_TOKEN = '<s>';
export const EOS_TOKEN = '</s>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
/** The specials in id order. */
export const SPECIAL_TOKENS: readonly string[] = [PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN];

/** Thrown when a serialised vocabulary is malformed or a build option is invalid. */
export class VocabError extends Error {
  override readonly name = 'VocabError';
}

/** Options for `Vocab.build`. `maxSize` counts the four specials. */
export interface VocabBuildOptions {
  minCount?: number;
  maxSize?: number;
}

/** Options for `Vocab.decode`. */
export interface VocabDecodeOptions {
  /** Stop at the first </s> (not included). Default true. */
  stopAtEos?: boolean;
  /** Keep <pad>, <s> and </s> in the output. Default false (<unk> is always kept). */
  keepSpecials?: boolean;
}

/** Compare strings by Unicode code point (JavaScript's `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const ca = a.codePointAt(k) as number;
    const cb = b.codePointAt(k) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) k++;
  }
  return a.length - b.length;
}

export class Vocab {
  private readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  private constructor(tokens: readonly string[]) {
    this.tokens = tokens;
    const ids = new Map<string, number>();
    tokens.forEach((t, k) => ids.set(t, k));
    this.ids = ids;
  }

  /**
   * Build from tokenised sentences: specials first, then tokens seen at least `minCount` times,
   * by count (descending), ties in code-point order; at most `maxSize` entries in all.
   */
  static build(sentences: readonly (readonly string[])[], options: VocabBuildOptions = {}): Vocab {
    const minCount = options.minCount ?? 1;
    const maxSize = options.maxSize ?? MAX_VOCAB_SIZE;
    if (!Number.isInteger(minCount) || minCount < 1) throw new VocabError(`minCount must be an integer ≥ 1, got ${minCount}`);
    if (!Number.isInteger(maxSize) || maxSize < SPECIAL_TOKENS.length || maxSize > MAX_VOCAB_SIZE) {
      throw new VocabError(`maxSize must be an integer in [${SPECIAL_TOKENS.length}, ${MAX_VOCAB_SIZE}], got ${maxSize}`);
    }
    const counts = new Map<string, number>();
    for (const sentence of sentences) {
      for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    for (const special of SPECIAL_TOKENS) counts.delete(special);
    const kept: Array<[string, number]> = [];
    for (const entry of counts) if (entry[1] >= minCount) kept.push(entry);
    kept.sort((a, b) => (b[1] - a[1]) || compareCodePoints(a[0], b[0]));
    const tokens = SPECIAL_TOKENS.slice();
    for (let k = 0; k < kept.length && tokens.length < maxSize; k++) tokens.push((kept[k] as [string, number])[0]);
    return new Vocab(tokens);
  }

  /** Rebuild from `toJSON()` output, checking everything; throws VocabError with the reason. */
  static fromJSON(value: unknown): Vocab {
    if (!Array.isArray(value)) throw new VocabError(`vocabulary must be an array of strings, got ${value === null ? 'null' : typeof value}`);
    if (value.length > MAX_VOCAB_SIZE) throw new VocabError(`vocabulary has ${value.length} entries; the limit is ${MAX_VOCAB_SIZE}`);
    if (value.length < SPECIAL_TOKENS.length) {
      throw new VocabError(`vocabulary has ${value.length} entries; it needs at least the ${SPECIAL_TOKENS.length} specials`);
    }
    const seen = new Set<string>();
    const tokens: string[] = [];
    for (let k = 0; k < value.length; k++) {
      const token: unknown = value[k];
      if (typeof token !== 'string') throw new VocabError(`vocabulary entry ${k} is not a string (${token === null ? 'null' : typeof token})`);
      if (token.length === 0) throw new VocabError(`vocabulary entry ${k} is an empty string`);
      if (k < SPECIAL_TOKENS.length && token !== SPECIAL_TOKENS[k]) {
        throw new VocabError(`vocabulary entry ${k} must be ${JSON.stringify(SPECIAL_TOKENS[k])}, got ${JSON.stringify(token.slice(0, 40))}`);
      }
      if (seen.has(token)) throw new VocabError(`vocabulary entry ${k} duplicates ${JSON.stringify(token.slice(0, 40))}`);
      seen.add(token);
      tokens.push(token);
    }
    return new Vocab(tokens);
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of `token`, or UNK_ID when it is not in the vocabulary. */
  id(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  /** The token with id `id`; throws RangeError for an id outside [0, size). */
  token(id: number): string {
    const token = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (token === undefined) throw new RangeError(`Vocab.token: id ${id} is outside [0, ${this.tokens.length})`);
    return token;
  }

  /** Whether `token` has its own id. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Whether `id` is one of the four specials. */
  isSpecial(id: number): boolean {
    return id === PAD_ID || id === BOS_ID || id === EOS_ID || id === UNK_ID;
  }

  /** Map tokens to ids (no <s> or </s> added; callers add them). */
  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let k = 0; k < tokens.length; k++) out[k] = this.id(tokens[k] as string);
    return out;
  }

  /** Map ids back to tokens; see VocabDecodeOptions for how specials are handled. */
  decode(ids: ArrayLike<number>, options: VocabDecodeOptions = {}): string[] {
    const stopAtEos = options.stopAtEos ?? true;
    const keepSpecials = options.keepSpecials ?? false;
    const out: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (id === EOS_ID && stopAtEos) break;
      if (!keepSpecials && (id === PAD_ID || id === BOS_ID || id === EOS_ID)) continue;
      out.push(this.token(id));
    }
    return out;
  }

  /** The tokens in id order (specials first): the serialised form stored in checkpoints. */
  toJSON(): string[] {
    return this.tokens.slice();
  }
}
