// Evaluation metrics: corpus BLEU exactly as sacreBLEU computes it by default, exact match,
// token accuracy, alignment error rate, and the attention summaries the page shows.

import type { Link } from './tasks/types';

// ---------------------------------------------------------------------------------------------
// BLEU (sacreBLEU defaults: tokenizer 13a, max n-gram order 4, smooth_method 'exp', one
// reference per hypothesis, brevity penalty on corpus lengths).

// Python's str.isspace() characters, which `str.split()` and `str.strip()` use. JavaScript's \s
// differs (it lacks U+001C–U+001F and U+0085 and adds U+FEFF).
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPLIT = new RegExp(`[${PY_SPACE}]+`, 'u');
const PY_RSTRIP = new RegExp(`[${PY_SPACE}]+$`, 'u');
const PY_LSTRIP = new RegExp(`^[${PY_SPACE}]+`, 'u');

function pySplit(text: string): string[] {
  return text.split(PY_SPLIT).filter((t) => t.length > 0);
}

// mteval-v13a's punctuation rules, as in sacreBLEU's TokenizerRegexp.
const SYMBOLS = /([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/gu; // {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
const DASH_AFTER_DIGIT = /([0-9])(-)/gu;

/** sacreBLEU's "13a" tokenizer (mteval-v13a): returns the tokens joined by single spaces. */
export function tokenize13a(line: string): string {
  let text = line
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  text = ` ${text} `;
  text = text.replace(SYMBOLS, ' $1 ');
  text = text.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
  text = text.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  text = text.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(text).join(' ');
}

// sacreBLEU's TokenizerZh: the ranges of its _UCODE_RANGES, as Python compares them. Two of its
// entries are written '\u20000' and '\u2f800' (five hex digits: a 4-digit escape plus a digit),
// so Python's string comparison turns them into U+2001–U+2A6D and U+2F81–U+2FA1; we keep that
// quirk so our scores equal sacreBLEU's.
const ZH_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x4db5], [0x4e00, 0x9fa5], [0x9fa6, 0x9fbb], [0xf900, 0xfa2d], [0xfa30, 0xfa6a], [0xfa70, 0xfad9],
  [0x2001, 0x2a6d], [0x2f81, 0x2fa1], [0xff00, 0xffef], [0x2e80, 0x2eff], [0x3000, 0x303f], [0x31c0, 0x31ef],
  [0x2f00, 0x2fdf], [0x2ff0, 0x2fff], [0x3100, 0x312f], [0x31a0, 0x31bf], [0xfe10, 0xfe1f], [0xfe30, 0xfe4f],
  [0x2600, 0x26ff], [0x2700, 0x27bf], [0x3200, 0x32ff], [0x3300, 0x33ff],
];

function isZhChar(cp: number): boolean {
  for (const [lo, hi] of ZH_RANGES) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** sacreBLEU's "zh" tokenizer: every Chinese character on its own, then the 13a rules. */
export function tokenizeZh(line: string): string {
  let spaced = '';
  for (const ch of line.replace(PY_RSTRIP, '').replace(PY_LSTRIP, '')) {
    spaced += isZhChar(ch.codePointAt(0) as number) ? ` ${ch} ` : ch;
  }
  return tokenize13a(spaced);
}

/** How BLEU splits detokenised text into words: sacreBLEU's `13a` (default) or `zh`. */
export type BleuTokenizer = '13a' | 'zh';

/** Corpus BLEU and its parts; precisions are percentages, as sacreBLEU reports them. */
export interface BleuResult {
  /** 0–100. */
  score: number;
  precisions: [number, number, number, number];
  bp: number;
  sysLen: number;
  refLen: number;
  /** Clipped n-gram matches and hypothesis n-gram totals, n = 1..4. */
  counts: [number, number, number, number];
  totals: [number, number, number, number];
}

const MAX_ORDER = 4;

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 0; k + n <= tokens.length; k++) {
    const key = tokens.slice(k, k + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

// sacreBLEU's my_log: log(0) is floored to a very negative number rather than -Infinity.
const myLog = (x: number): number => (x === 0 ? -9999999999 : Math.log(x));

/**
 * Corpus BLEU with sacreBLEU's defaults (13a tokenisation, 4-grams, exp smoothing, brevity
 * penalty), one reference per hypothesis. Throws RangeError if the lists differ in length.
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly string[], tokenizer: BleuTokenizer = '13a'): BleuResult {
  const tok = tokenizer === 'zh' ? tokenizeZh : tokenize13a;
  if (hypotheses.length !== references.length) {
    throw new RangeError(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} references`);
  }
  const counts: [number, number, number, number] = [0, 0, 0, 0];
  const totals: [number, number, number, number] = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (let s = 0; s < hypotheses.length; s++) {
    const hyp = pySplit(tok((hypotheses[s] as string).replace(PY_RSTRIP, '')));
    const ref = pySplit(tok((references[s] as string).replace(PY_RSTRIP, '')));
    sysLen += hyp.length;
    refLen += ref.length;
    for (let n = 1; n <= MAX_ORDER; n++) {
      const refCounts = ngramCounts(ref, n);
      for (const [gram, c] of ngramCounts(hyp, n)) {
        totals[n - 1] += c;
        counts[n - 1] += Math.min(c, refCounts.get(gram) ?? 0);
      }
    }
  }
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions: [number, number, number, number] = [0, 0, 0, 0];
  const result = { precisions, bp, sysLen, refLen, counts, totals };
  if (counts.every((c) => c === 0)) return { score: 0, ...result };
  let smooth = 1;
  for (let n = 0; n < MAX_ORDER; n++) {
    if (totals[n] === 0) break;
    if (counts[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * totals[n]);
    } else {
      precisions[n] = (100 * counts[n]) / totals[n];
    }
  }
  let logSum = 0;
  for (const p of precisions) logSum += myLog(p);
  return { score: bp * Math.exp(logSum / MAX_ORDER), ...result };
}

/** One row of `bleuByLength`. */
export interface LengthBucketScore {
  /** "0-10", "10-20", …, or "60+" for lengths beyond the last edge. */
  bucket: string;
  /** Corpus BLEU of the bucket's sentences, or null when the bucket is empty. */
  bleu: number | null;
  count: number;
}

/** Default bucket edges for BLEU by source length (the paper's figure 2 goes to 60). */
export const LENGTH_BUCKET_EDGES: readonly number[] = [0, 10, 20, 30, 40, 50, 60];

/**
 * Corpus BLEU per source-length bucket. Bucket k covers edges[k] < len ≤ edges[k+1], except the
 * first, which includes its lower edge (0-10 holds lengths 0..10). Lengths above the last edge go
 * to a final "last+" bucket, listed only when it is not empty; lengths below the first are ignored.
 */
export function bleuByLength(
  hypotheses: readonly string[],
  references: readonly string[],
  sourceLengths: readonly number[],
  edges: readonly number[] = LENGTH_BUCKET_EDGES,
  tokenizer: BleuTokenizer = '13a',
): LengthBucketScore[] {
  if (hypotheses.length !== references.length || hypotheses.length !== sourceLengths.length) {
    throw new RangeError(`bleuByLength: ${hypotheses.length} hypotheses, ${references.length} references, ${sourceLengths.length} lengths`);
  }
  if (edges.length < 2 || edges.some((e, k) => k > 0 && !(e > edges[k - 1]))) {
    throw new RangeError('bleuByLength: edges must be at least two increasing numbers');
  }
  const groups: Array<{ hyps: string[]; refs: string[] }> = edges.map(() => ({ hyps: [], refs: [] }));
  const last = edges[edges.length - 1];
  sourceLengths.forEach((len, s) => {
    if (len < edges[0]) return;
    let b = edges.length - 1; // overflow
    if (len <= last) {
      b = 0;
      while (len > edges[b + 1]) b++;
    }
    const group = groups[b] as { hyps: string[]; refs: string[] };
    group.hyps.push(hypotheses[s] as string);
    group.refs.push(references[s] as string);
  });
  const rows: LengthBucketScore[] = [];
  groups.forEach((group, b) => {
    const count = group.hyps.length;
    const overflow = b === edges.length - 1;
    if (overflow && count === 0) return;
    rows.push({
      bucket: overflow ? `${last}+` : `${edges[b]}-${edges[b + 1]}`,
      bleu: count === 0 ? null : corpusBleu(group.hyps, group.refs, tokenizer).score,
      count,
    });
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Token-level scores

function checkPairs(name: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`${name}: ${a.length} hypotheses but ${b.length} references`);
}

/** Fraction of sentences whose tokens equal the reference exactly (0 for an empty corpus). */
export function exactMatch(hypotheses: readonly (readonly string[])[], references: readonly (readonly string[])[]): number {
  checkPairs('exactMatch', hypotheses, references);
  if (hypotheses.length === 0) return 0;
  let matches = 0;
  hypotheses.forEach((hyp, s) => {
    const ref = references[s] as readonly string[];
    if (hyp.length === ref.length && hyp.every((t, k) => t === ref[k])) matches++;
  });
  return matches / hypotheses.length;
}

/**
 * Position-wise token accuracy: matches at the same index over Σ max(|hyp|, |ref|), so missing
 * and extra tokens count as errors (0 for an empty corpus).
 */
export function tokenAccuracy(hypotheses: readonly (readonly string[])[], references: readonly (readonly string[])[]): number {
  checkPairs('tokenAccuracy', hypotheses, references);
  let correct = 0;
  let positions = 0;
  hypotheses.forEach((hyp, s) => {
    const ref = references[s] as readonly string[];
    positions += Math.max(hyp.length, ref.length);
    const n = Math.min(hyp.length, ref.length);
    for (let k = 0; k < n; k++) if (hyp[k] === ref[k]) correct++;
  });
  return positions === 0 ? 0 : correct / positions;
}

// ---------------------------------------------------------------------------------------------
// Alignment

const linkKey = ([i, j]: Link): string => `${i},${j}`;

/**
 * Alignment error rate (Och & Ney 2003) over a corpus: 1 − (|A∩S| + |A∩P|) / (|A| + |S|), each
 * term summed over sentences; P is taken as P ∪ S, duplicate links count once. 0 when A and S are
 * both empty everywhere.
 */
export function alignmentErrorRate(
  predicted: readonly (readonly Link[])[],
  sure: readonly (readonly Link[])[],
  possible: readonly (readonly Link[])[],
): number {
  if (predicted.length !== sure.length || predicted.length !== possible.length) {
    throw new RangeError(`alignmentErrorRate: ${predicted.length} predicted, ${sure.length} sure, ${possible.length} possible`);
  }
  let aAndS = 0;
  let aAndP = 0;
  let sizeA = 0;
  let sizeS = 0;
  predicted.forEach((links, s) => {
    const a = new Set(links.map(linkKey));
    const sureSet = new Set((sure[s] as readonly Link[]).map(linkKey));
    const possibleSet = new Set([...(possible[s] as readonly Link[]).map(linkKey), ...sureSet]);
    sizeA += a.size;
    sizeS += sureSet.size;
    for (const key of a) {
      if (sureSet.has(key)) aAndS++;
      if (possibleSet.has(key)) aAndP++;
    }
  });
  return sizeA + sizeS === 0 ? 0 : 1 - (aAndS + aAndP) / (sizeA + sizeS);
}

/** Attention weights: a flat row-major [ty × tx] array, or one row per target position. */
export type WeightMatrix = ArrayLike<number> | readonly ArrayLike<number>[];

/** Validate the shape and return an accessor α(i, j). */
function accessor(name: string, weights: WeightMatrix, ty: number, tx: number): (i: number, j: number) => number {
  if (!Number.isInteger(ty) || !Number.isInteger(tx) || ty < 0 || tx < 0) throw new RangeError(`${name}: bad shape ${ty}×${tx}`);
  const first = weights.length > 0 ? weights[0] : undefined;
  if (typeof first === 'object' && first !== null) {
    const rows = weights as readonly ArrayLike<number>[];
    if (rows.length !== ty) throw new RangeError(`${name}: expected ${ty} rows, got ${rows.length}`);
    rows.forEach((row, i) => {
      if (row.length !== tx) throw new RangeError(`${name}: row ${i} has ${row.length} weights, expected ${tx}`);
    });
    return (i, j) => (rows[i] as ArrayLike<number>)[j];
  }
  const flat = weights as ArrayLike<number>;
  if (flat.length !== ty * tx) throw new RangeError(`${name}: expected ${ty * tx} weights for ${ty}×${tx}, got ${flat.length}`);
  return (i, j) => flat[i * tx + j];
}

/**
 * The most-attended source position for each target row: links [i, argmax_j α_ij]. Ties go to
 * the first maximum; NaN weights are ignored, and a row with no finite weight gets no link.
 */
export function hardAlignment(weights: WeightMatrix, ty: number, tx: number): Link[] {
  const alpha = accessor('hardAlignment', weights, ty, tx);
  const links: Link[] = [];
  for (let i = 0; i < ty; i++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < tx; j++) {
      const w = alpha(i, j);
      if (Number.isFinite(w) && (best < 0 || w > bestValue)) {
        best = j;
        bestValue = w;
      }
    }
    if (best >= 0) links.push([i, best]);
  }
  return links;
}

/** Entropy of one attention row in nats, −Σ p log p with 0·log 0 = 0 (the row is not renormalised). */
export function attentionEntropy(row: ArrayLike<number>): number {
  let h = 0;
  for (let j = 0; j < row.length; j++) {
    const p = row[j];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Total attention each source token received: Σ_i α_ij, one number per source position. */
export function coverage(weights: WeightMatrix, ty: number, tx: number): number[] {
  const alpha = accessor('coverage', weights, ty, tx);
  const totals = new Array<number>(tx).fill(0);
  for (let i = 0; i < ty; i++) {
    for (let j = 0; j < tx; j++) totals[j] = totals[j] + alpha(i, j);
  }
  return totals;
}
