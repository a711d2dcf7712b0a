import { describe, expect, it } from 'vitest';
import { getTask, lengthBuckets, makeSplits, SplitError, splitOf, type Example, type Splits } from '../../../src/data/tasks/index';
import { detokenize } from '../../../src/data/tokenize';
import { hashString } from '../../../src/tensor/random';

const enFr = getTask('en-fr');
const text = (ex: Example): string => detokenize(ex.source, enFr.tokenizer);

function bucketOf(n: number): number {
  return n <= 10 ? 0 : Math.ceil(n / 10) - 1;
}

describe('makeSplits', () => {
  const options = { seed: 1, train: 2000, dev: 200, test: 300, maxLength: 30, testMaxLength: 60 };
  const splits = makeSplits(enFr, options);

  it('returns the requested sizes', () => {
    expect([splits.train.length, splits.dev.length, splits.test.length]).toEqual([2000, 200, 300]);
  });

  it('never puts one source sentence in two splits, and has no duplicates within a split', () => {
    const sets = (['train', 'dev', 'test'] as const).map((name) => splits[name].map(text));
    for (const list of sets) expect(new Set(list).size).toBe(list.length);
    const [train, dev, test] = sets.map((l) => new Set(l)) as [Set<string>, Set<string>, Set<string>];
    for (const s of dev) expect(train.has(s)).toBe(false);
    for (const s of test) expect(train.has(s) || dev.has(s)).toBe(false);
  });

  it('assigns splits by a hash of the source alone, so different seeds never leak', () => {
    for (const name of ['train', 'dev', 'test'] as const) for (const ex of splits[name]) expect(splitOf(text(ex))).toBe(name);
    // Short sentences repeat across seeds: the same sentence comes up again, always in the same split.
    const short = { train: 1500, dev: 150, test: 150, maxLength: 5 };
    const a = makeSplits(enFr, { ...short, seed: 11 });
    const b = makeSplits(enFr, { ...short, seed: 12 });
    const names = ['train', 'dev', 'test'] as const;
    let shared = 0;
    for (const x of names) {
      const inA = new Set(a[x].map(text));
      for (const y of names) {
        const common = b[y].filter((ex) => inA.has(text(ex))).length;
        if (x === y) shared += common;
        else expect(common, `${x} of seed 11 vs ${y} of seed 12`).toBe(0);
      }
    }
    expect(shared).toBeGreaterThan(20);
  });

  it('keeps train and dev within maxLength and spreads test evenly over the buckets up to testMaxLength', () => {
    for (const ex of [...splits.train, ...splits.dev]) expect(ex.source.length).toBeLessThanOrEqual(30);
    const counts = [0, 0, 0, 0, 0, 0];
    for (const ex of splits.test) {
      expect(ex.source.length).toBeLessThanOrEqual(60);
      counts[bucketOf(ex.source.length)]! += 1;
    }
    expect(counts).toEqual([50, 50, 50, 50, 50, 50]);
  });

  it('is reproducible for the same options', () => {
    const again: Splits = makeSplits(enFr, { ...options, train: 300, dev: 50, test: 60 });
    const once: Splits = makeSplits(enFr, { ...options, train: 300, dev: 50, test: 60 });
    expect(again.train.map(text)).toEqual(once.train.map(text));
    expect(again.test.map(text)).toEqual(once.test.map(text));
  });

  it('uses the train distribution for test without testMaxLength, and respects minLength', () => {
    const s = makeSplits(enFr, { seed: 3, train: 100, dev: 20, test: 50, maxLength: 20, minLength: 10 });
    for (const ex of [...s.train, ...s.dev, ...s.test]) {
      expect(ex.source.length).toBeGreaterThanOrEqual(10);
      expect(ex.source.length).toBeLessThanOrEqual(20);
    }
  });

  it('spreads only over reachable buckets (dates are at most 29 characters)', () => {
    const dates = getTask('dates');
    const s = makeSplits(dates, { seed: 1, train: 50, dev: 10, test: 90, maxLength: 20, testMaxLength: 60 });
    const counts = [0, 0, 0];
    for (const ex of s.test) counts[bucketOf(ex.source.length)]! += 1;
    expect(counts).toEqual([30, 30, 30]);
  });

  it('throws SplitError when there are not enough distinct sentences, or for bad options', () => {
    const reverse = getTask('reverse');
    // one-letter rows: only 26 distinct sources, about 21 of them in train
    expect(() => makeSplits(reverse, { seed: 1, train: 40, dev: 0, test: 0, maxLength: 1 })).toThrow(SplitError);
    expect(() => makeSplits(reverse, { seed: 1, train: 40, dev: 0, test: 0, maxLength: 1 })).toThrow(/found only \d+ of 40 distinct train sentences/);
    expect(() => makeSplits(reverse, { seed: 1, train: -1, dev: 0, test: 0, maxLength: 5 })).toThrow(SplitError);
    expect(() => makeSplits(reverse, { seed: 1, train: 1, dev: 0, test: 0, maxLength: 5, minLength: 6 })).toThrow(SplitError);
    expect(() => makeSplits(reverse, { seed: 1, train: 1, dev: 0, test: 0, maxLength: 5, testMaxLength: 0, minLength: 1 })).toThrow(SplitError);
  });
});

describe('splitOf and lengthBuckets', () => {
  it('puts about 10% in test, 10% in dev and 80% in train', () => {
    const counts = { train: 0, dev: 0, test: 0 };
    for (let k = 0; k < 20000; k++) counts[splitOf(`sentence number ${k} .`)]++;
    expect(counts.test / 20000).toBeGreaterThan(0.09);
    expect(counts.test / 20000).toBeLessThan(0.11);
    expect(counts.dev / 20000).toBeGreaterThan(0.09);
    expect(counts.dev / 20000).toBeLessThan(0.11);
    expect(splitOf('the same sentence')).toBe(splitOf('the same sentence'));
    expect(hashString('the same sentence')).toBe(hashString('the same sentence'));
  });

  it('builds [0,10], (10,20], … up to the maximum', () => {
    expect(lengthBuckets(60)).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
      [30, 40],
      [40, 50],
      [50, 60],
    ]);
    expect(lengthBuckets(25)).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
  });
});
