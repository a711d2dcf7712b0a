// Train/dev/test sets drawn from a task, with no source sentence in two sets.
//
// Each source sentence belongs to one split by a hash of its text (10% test, 10% dev, 80%
// train), independent of the seed, so that sets drawn with different seeds or sizes never leak
// into each other. Candidates are sampled and kept only if they hash to the split being filled,
// then deduplicated within the split.
//
// Length ranges: train and dev use [minLength, maxLength]. With `testMaxLength`, the test set
// covers [minLength, testMaxLength] evenly by length bucket (0-10, 10-20, …; a bucket holds
// lengths lo < n ≤ hi, the first one 0 ≤ n ≤ 10): each reachable bucket gets an equal share.
// Without it, the test set follows the train distribution.

import { hashString, Rng } from '../../tensor/random';
import { detokenize } from '../tokenize';
import type { Example, Task } from './types';

/** Options for makeSplits; lengths count source tokens. */
export interface SplitOptions {
  seed: number;
  train: number;
  dev: number;
  test: number;
  maxLength: number;
  minLength?: number;
  testMaxLength?: number;
}

export interface Splits {
  train: Example[];
  dev: Example[];
  test: Example[];
}

export type SplitName = keyof Splits;

/** Thrown when a split cannot be filled (too few distinct sentences in the range). */
export class SplitError extends Error {
  override readonly name = 'SplitError';
}

/** Which split a source sentence (display string) belongs to; stable across seeds. */
export function splitOf(sourceText: string): SplitName {
  // FNV-1a, then a murmur3 finaliser so the low digits are well mixed.
  let h = hashString(sourceText);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  const bucket = h % 10;
  return bucket === 0 ? 'test' : bucket === 1 ? 'dev' : 'train';
}

/** Bucket edges [0, 10, 20, …] covering up to `maxLength`. */
export function lengthBuckets(maxLength: number, width = 10): Array<[number, number]> {
  const buckets: Array<[number, number]> = [];
  for (let lo = 0; lo < maxLength; lo += width) buckets.push([lo, Math.min(lo + width, maxLength)]);
  return buckets;
}

function fill(
  task: Task,
  rng: Rng,
  split: SplitName,
  count: number,
  minLength: number,
  maxLength: number,
  seen: Set<string>,
  out: Example[],
): void {
  const goal = out.length + count;
  const maxAttempts = 50 * count + 10_000;
  for (let attempt = 0; out.length < goal; attempt++) {
    if (attempt >= maxAttempts) {
      throw new SplitError(
        `${task.id}: found only ${count - (goal - out.length)} of ${count} distinct ${split} sentences with length ${minLength}–${maxLength}; ` +
          'ask for fewer or widen the length range',
      );
    }
    const example = task.sample(rng, { minLength, maxLength });
    const key = detokenize(example.source, task.tokenizer);
    if (splitOf(key) !== split || seen.has(key)) continue;
    seen.add(key);
    out.push(example);
  }
}

/** Draw train, dev and test sets from `task` (see the file comment for the rules). */
export function makeSplits(task: Task, options: SplitOptions): Splits {
  const minLength = options.minLength ?? 1;
  const { maxLength, testMaxLength } = options;
  for (const [name, value] of [['train', options.train], ['dev', options.dev], ['test', options.test]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new SplitError(`makeSplits: ${name} must be a non-negative integer, got ${value}`);
  }
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 0 || minLength > maxLength) {
    throw new SplitError(`makeSplits: need integers 0 ≤ minLength ≤ maxLength, got ${minLength} and ${maxLength}`);
  }
  if (testMaxLength !== undefined && (!Number.isInteger(testMaxLength) || testMaxLength < minLength)) {
    throw new SplitError(`makeSplits: testMaxLength must be an integer ≥ minLength, got ${testMaxLength}`);
  }
  const root = new Rng(options.seed);
  const splits: Splits = { train: [], dev: [], test: [] };
  fill(task, root.fork('train'), 'train', options.train, minLength, maxLength, new Set(), splits.train);
  fill(task, root.fork('dev'), 'dev', options.dev, minLength, maxLength, new Set(), splits.dev);
  const testRng = root.fork('test');
  if (testMaxLength === undefined) {
    fill(task, testRng, 'test', options.test, minLength, maxLength, new Set(), splits.test);
    return splits;
  }
  const reachable = lengthBuckets(testMaxLength)
    .map(([lo, hi]): [number, number] => [Math.max(lo === 0 ? 0 : lo + 1, minLength, task.lengthLimits.min), Math.min(hi, task.lengthLimits.max)])
    .filter(([lo, hi]) => lo <= hi);
  if (reachable.length === 0) throw new SplitError(`${task.id}: no test lengths reachable up to ${testMaxLength}`);
  const seen = new Set<string>();
  reachable.forEach(([lo, hi], b) => {
    const share = Math.floor(options.test / reachable.length) + (b < options.test % reachable.length ? 1 : 0);
    fill(task, testRng, 'test', share, lo, hi, seen, splits.test);
  });
  testRng.shuffle(splits.test);
  return splits;
}
