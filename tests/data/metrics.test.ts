import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  alignmentErrorRate,
  attentionEntropy,
  bleuByLength,
  corpusBleu,
  coverage,
  exactMatch,
  hardAlignment,
  tokenAccuracy,
  tokenize13a,
} from '../../src/data/metrics';
import type { Link } from '../../src/data/tasks/types';

describe('tokenize13a (mteval-v13a as in sacreBLEU)', () => {
  it('splits punctuation and symbols but not apostrophes or in-word dashes', () => {
    expect(tokenize13a('Hello, world.')).toBe('Hello , world .');
    expect(tokenize13a('He said "hi" (ok)!')).toBe('He said " hi " ( ok ) !');
    expect(tokenize13a("l'accord de l'Europe")).toBe("l'accord de l'Europe");
    expect(tokenize13a('state-of-the-art')).toBe('state-of-the-art');
    expect(tokenize13a('$5 at 3:30; a/b')).toBe('$ 5 at 3 : 30 ; a / b');
  });

  it('keeps periods and commas between digits, splits a dash after a digit', () => {
    expect(tokenize13a('3.5 and 1,000')).toBe('3.5 and 1,000');
    expect(tokenize13a('1992-2000')).toBe('1992 - 2000');
    expect(tokenize13a('end.Next')).toBe('end . Next');
    expect(tokenize13a('in 1992.')).toBe('in 1992 .');
  });

  it('unescapes the four HTML entities and drops <skipped>', () => {
    expect(tokenize13a('&quot;a&quot; &amp; &lt;b&gt;')).toBe('" a " & < b >');
    expect(tokenize13a('a <skipped> b')).toBe('a b');
  });

  it("splits on Python's whitespace (U+001F yes, U+FEFF no), not JavaScript's", () => {
    expect(tokenize13a('a\u001fb')).toBe('a b');
    expect(tokenize13a('a\u0085b')).toBe('a b');
    expect(tokenize13a('a\ufeffb')).toBe('a\ufeffb');
  });
});

describe('corpusBleu (sacreBLEU defaults)', () => {
  it('is 100 for a perfect match', () => {
    const r = corpusBleu(['the cat sat on the mat'], ['the cat sat on the mat']);
    expect(r.score).toBeCloseTo(100, 10);
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.bp).toBe(1);
    expect([r.sysLen, r.refLen]).toEqual([6, 6]);
  });

  it('applies the brevity penalty exp(1 − r/c) to a short hypothesis', () => {
    // hyp 5 tokens, ref 6; every n-gram of the hypothesis is in the reference (5/5, 4/4, 3/3, 2/2)
    // so BLEU = BP = exp(1 − 6/5) = exp(−0.2) = 0.818730753…
    const r = corpusBleu(['the cat sat on the'], ['the cat sat on the mat']);
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.bp).toBeCloseTo(Math.exp(-0.2), 12);
    expect(r.score).toBeCloseTo(81.8730753078, 8);
  });

  it('smooths a zero 4-gram count with exp smoothing: p4 = 100 / (2 · total4)', () => {
    // "a b c d" vs "a b c e": 1-grams 3/4, 2-grams 2/3, 3-grams 1/2, 4-grams 0/1 → 100/(2·1) = 50%.
    // BLEU = (0.75 · 0.6667 · 0.5 · 0.5)^(1/4) = 0.125^(1/4) = 0.594603557…
    const r = corpusBleu(['a b c d'], ['a b c e']);
    expect(r.counts).toEqual([3, 2, 1, 0]);
    expect(r.totals).toEqual([4, 3, 2, 1]);
    expect(r.precisions[3]).toBeCloseTo(50, 12);
    expect(r.score).toBeCloseTo(59.4603557501, 8);
  });

  it('doubles the exp-smoothing divisor for each further zero order', () => {
    // "a b x y z" vs "a b c d e": 2/5, 1/4, then 0/3 → 100/(2·3), 0/2 → 100/(4·2).
    const r = corpusBleu(['a b x y z'], ['a b c d e']);
    expect(r.precisions[0]).toBeCloseTo(40, 12);
    expect(r.precisions[1]).toBeCloseTo(25, 12);
    expect(r.precisions[2]).toBeCloseTo(100 / 6, 12);
    expect(r.precisions[3]).toBeCloseTo(12.5, 12);
    expect(r.score).toBeCloseTo(Math.pow(40 * 25 * (100 / 6) * 12.5, 0.25), 10);
  });

  it('clips repeated n-grams to their reference count', () => {
    // "the the the the" vs "the cat": the ×4 clipped to 1 → 1/4; higher orders 0/3, 0/2, 0/1 smoothed
    // to 100/(2·3), 100/(4·2), 100/(8·1). The hypothesis is longer, so BP = 1.
    const r = corpusBleu(['the the the the'], ['the cat']);
    expect(r.counts[0]).toBe(1);
    expect(r.bp).toBe(1);
    expect(r.score).toBeCloseTo(Math.pow(25 * (100 / 6) * 12.5 * 12.5, 0.25), 10);
  });

  it('aggregates n-gram counts over the corpus (not an average of sentence scores)', () => {
    // sentence 1 perfect (6 tokens), sentence 2 "a b" vs "c d": counts 6/8, 5/6, 4/4, 3/3
    // → BLEU = (0.75 · 0.8333)^(1/4) = 0.625^(1/4) = 0.889140…
    const r = corpusBleu(['the cat sat on the mat', 'a b'], ['the cat sat on the mat', 'c d']);
    expect(r.counts).toEqual([6, 5, 4, 3]);
    expect(r.totals).toEqual([8, 6, 4, 3]);
    expect(r.score).toBeCloseTo(100 * Math.pow(0.625, 0.25), 10);
  });

  it("tokenizes with 13a before counting, so spacing around punctuation doesn't matter", () => {
    expect(corpusBleu(['Hello, world.'], ['Hello , world .']).score).toBeCloseTo(100, 10);
    expect(corpusBleu(['Hello, world.'], ['Hello , world .']).sysLen).toBe(4);
  });

  it('is 0 without any match, and 0 when no hypothesis reaches 4 tokens (no smoothing of empty orders)', () => {
    const none = corpusBleu(['x y'], ['a b']);
    expect(none.score).toBe(0);
    expect(none.precisions).toEqual([0, 0, 0, 0]);
    expect(corpusBleu(['a b c'], ['a b c']).score).toBe(0);
    expect(corpusBleu([], []).score).toBe(0);
  });

  it('gives BP = 0 for an empty hypothesis against a non-empty reference', () => {
    const r = corpusBleu([''], ['a b c d']);
    expect(r.bp).toBe(0);
    expect(r.score).toBe(0);
  });

  it('rejects mismatched lists', () => {
    expect(() => corpusBleu(['a'], [])).toThrow(RangeError);
  });

  test.prop([fc.array(fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })), { maxLength: 8 })])(
    'score stays in [0, 100] and precisions in [0, 100]',
    (pairs) => {
      const r = corpusBleu(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100 + 1e-9);
      for (const p of r.precisions) expect(p).toBeGreaterThanOrEqual(0);
      for (const p of r.precisions) expect(p).toBeLessThanOrEqual(100 + 1e-9);
    },
  );
});

describe('bleuByLength', () => {
  it('puts 0..10 in the first bucket, lo < n ≤ hi in the others, overflow in "60+"', () => {
    const hyps = ['a b c d', 'a b c d', 'e f g h', 'x y z w', 'p q r s'];
    const refs = ['a b c d', 'a b c d', 'e f g h', 'a b c d', 'p q r s'];
    const rows = bleuByLength(hyps, refs, [0, 10, 11, 20, 61]);
    expect(rows.map((r) => r.bucket)).toEqual(['0-10', '10-20', '20-30', '30-40', '40-50', '50-60', '60+']);
    expect(rows.map((r) => r.count)).toEqual([2, 2, 0, 0, 0, 0, 1]);
    expect(rows[0]?.bleu).toBeCloseTo(100, 10);
    expect(rows[1]?.bleu).toBeCloseTo(corpusBleu(['e f g h', 'x y z w'], ['e f g h', 'a b c d']).score, 12);
    expect(rows[2]?.bleu).toBeNull();
  });

  it('omits an empty overflow bucket and takes custom edges', () => {
    const rows = bleuByLength(['a b c d'], ['a b c d'], [5], [0, 5, 10]);
    expect(rows).toEqual([
      { bucket: '0-5', bleu: expect.closeTo(100, 10), count: 1 },
      { bucket: '5-10', bleu: null, count: 0 },
    ]);
    expect(() => bleuByLength(['a'], ['a'], [1], [0])).toThrow(RangeError);
    expect(() => bleuByLength(['a'], ['a'], [1], [0, 10, 10])).toThrow(RangeError);
    expect(() => bleuByLength(['a'], ['a'], [], [0, 10])).toThrow(RangeError);
  });
});

describe('exactMatch and tokenAccuracy', () => {
  it('exactMatch counts whole-sentence equality', () => {
    expect(exactMatch([['a', 'b'], ['c']], [['a', 'b'], ['d']])).toBe(0.5);
    expect(exactMatch([['a', 'b']], [['a', 'b', 'c']])).toBe(0);
    expect(exactMatch([], [])).toBe(0);
    expect(() => exactMatch([['a']], [])).toThrow(RangeError);
  });

  it('tokenAccuracy counts missing and extra positions as errors', () => {
    // sentence 1: a=a, b≠x, extra c → 1 of 3; sentence 2: missing q → 0 of 1. Total 1/4.
    expect(tokenAccuracy([['a', 'b', 'c'], []], [['a', 'x'], ['q']])).toBe(0.25);
    expect(tokenAccuracy([['a', 'b']], [['a', 'b']])).toBe(1);
    expect(tokenAccuracy([['b', 'a']], [['a', 'b']])).toBe(0);
    expect(tokenAccuracy([], [])).toBe(0);
  });
});

describe('alignmentErrorRate', () => {
  const S: Link[] = [
    [0, 0],
    [1, 1],
  ];
  const P: Link[] = [...S, [1, 2]];

  it('is 0 for A = S and follows 1 − (|A∩S| + |A∩P|)/(|A| + |S|)', () => {
    expect(alignmentErrorRate([S], [S], [P])).toBe(0);
    // A = {00, 12, 22}: |A∩S| = 1, |A∩P| = 2, |A| = 3, |S| = 2 → 1 − 3/5 = 0.4
    expect(alignmentErrorRate([[[0, 0], [1, 2], [2, 2]]], [S], [P])).toBeCloseTo(0.4, 12);
  });

  it('sums over the corpus instead of averaging sentence rates', () => {
    // sentence 2: A = ∅, S = {00} → adds 0 matches and 1 to the denominator: 1 − 3/6 = 0.5 (not 0.7)
    expect(alignmentErrorRate([[[0, 0], [1, 2], [2, 2]], []], [S, [[0, 0]]], [P, [[0, 0]]])).toBeCloseTo(0.5, 12);
  });

  it('treats P as P ∪ S and ignores duplicate links', () => {
    expect(alignmentErrorRate([[[0, 0]]], [[[0, 0]]], [[[1, 2]]])).toBe(0);
    expect(alignmentErrorRate([[[0, 0], [0, 0], [1, 1]]], [S], [P])).toBe(0);
  });

  it('is 0 for an empty corpus and checks lengths', () => {
    expect(alignmentErrorRate([], [], [])).toBe(0);
    expect(() => alignmentErrorRate([[]], [], [])).toThrow(RangeError);
  });
});

describe('attention summaries', () => {
  it('hardAlignment takes the argmax per row (first on ties) from flat or nested weights', () => {
    const flat = Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0]);
    expect(hardAlignment(flat, 2, 3)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(
      hardAlignment(
        [
          [0.1, 0.7, 0.2],
          [0, 0.2, 0.8],
        ],
        2,
        3,
      ),
    ).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('hardAlignment skips NaN weights and rows without a finite weight', () => {
    expect(hardAlignment([NaN, 0.2, NaN, NaN], 2, 2)).toEqual([[0, 1]]);
  });

  it('hardAlignment and coverage reject a wrong shape', () => {
    expect(() => hardAlignment(new Float32Array(5), 2, 3)).toThrow(RangeError);
    expect(() => hardAlignment([[1, 0], [1]], 2, 2)).toThrow(RangeError);
    expect(() => coverage([[1, 0]], 2, 2)).toThrow(RangeError);
  });

  it('attentionEntropy is in nats with 0·log 0 = 0', () => {
    expect(attentionEntropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(Math.log(4), 12);
    expect(attentionEntropy([0, 1, 0])).toBe(0);
    expect(attentionEntropy(Float32Array.from([0.5, 0.5, 0]))).toBeCloseTo(Math.log(2), 7);
    expect(attentionEntropy([])).toBe(0);
  });

  it('coverage sums each source column over target rows', () => {
    const weights = Float64Array.from([0.5, 0.5, 0, 0.1, 0.1, 0.8]);
    const c = coverage(weights, 2, 3);
    expect(c[0]).toBeCloseTo(0.6, 12);
    expect(c[1]).toBeCloseTo(0.6, 12);
    expect(c[2]).toBeCloseTo(0.8, 12);
    expect(coverage([], 0, 3)).toEqual([0, 0, 0]);
  });

  const softmaxRows = fc.integer({ min: 1, max: 6 }).chain((tx) =>
    fc
      .array(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: tx, maxLength: tx }), { minLength: 1, maxLength: 6 })
      .map((raw) => ({ tx, rows: raw.map((r) => r.map((x) => x / r.reduce((a, b) => a + b, 0))) })),
  );

  test.prop([softmaxRows])('for normalised rows: coverage sums to ty, entropy in [0, log tx], one hard link per row', ({ tx, rows }) => {
    const ty = rows.length;
    const total = coverage(rows, ty, tx).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(ty, 9);
    for (const row of rows) {
      const h = attentionEntropy(row);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThanOrEqual(Math.log(tx) + 1e-9);
    }
    const links = hardAlignment(rows, ty, tx);
    expect(links.map(([i]) => i)).toEqual(rows.map((_, i) => i));
    links.forEach(([i, j]) => expect(rows[i]?.[j]).toBe(Math.max(...(rows[i] as number[]))));
  });
});

describe("sacreBLEU's zh tokenisation", () => {
  it('puts every Chinese character and CJK punctuation mark on its own, then applies 13a', async () => {
    const { tokenizeZh } = await import('../../src/data/metrics');
    expect(tokenizeZh('我爱音乐。')).toBe('我 爱 音 乐 。');
    expect(tokenizeZh('  Tom喜欢Mary!  ')).toBe('Tom 喜 欢 Mary !');
    // the quirk of sacreBLEU's table: U+2001–U+2A6D counts as Chinese (e.g. the em dash U+2014)
    expect(tokenizeZh('a—b')).toBe('a — b');
  });

  it('scores Chinese by characters: a one-character error is partial credit, not zero', async () => {
    const { corpusBleu } = await import('../../src/data/metrics');
    expect(corpusBleu(['我爱音乐。'], ['我爱音乐。'], 'zh').score).toBeCloseTo(100, 6);
    const zh = corpusBleu(['我很爱音乐。'], ['我爱音乐。'], 'zh');
    expect(zh.score).toBeGreaterThan(20);
    expect(zh.counts[0]).toBe(5);
    expect(corpusBleu(['我很爱音乐。'], ['我爱音乐。']).counts[0]).toBe(0); // 13a: one "word" each, no match
  });
});
