// Sequence reversal: a row of lower-case letters, read backwards. The gold alignment is the
// anti-diagonal (target i ↔ source T−1−i), which attention learns quickly and which a model
// without attention finds hard for long rows: a clean first picture of what attention buys.
//
//   source: "c a t s"   target: "s t a c"   links: [0,3] [1,2] [2,1] [3,0]

import type { Rng } from '../../tensor/random';
import { MAX_TOKENS_PER_SIDE } from '../limits';
import { checkSampleOptions, type CuratedExample, type Example, type Link, type SampleOptions, type Task } from './types';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** The reversal example for a given row of symbols. */
export function reverseExample(source: readonly string[]): Example {
  const target = source.slice().reverse();
  const links: Link[] = target.map((_, i) => [i, source.length - 1 - i]);
  return { source: source.slice(), target, sure: links, possible: links.map(([i, j]) => [i, j]) };
}

const CURATED: Array<[string, string]> = [
  ['A short word', 'c a t'],
  ['A name', 'b a h d a n a u'],
  ['The alphabet (26 symbols)', LETTERS.join(' ')],
  ['Repeated letters', 'a a b b c c d d'],
  ['A palindrome', 'r a c e c a r'],
];

/** The reversal task. */
export const reverseTask: Task = {
  id: 'reverse',
  title: 'Reverse a sequence',
  description: 'Lower-case letters, one token each, to be written in reverse order. The gold alignment is the anti-diagonal.',
  tokenizer: { level: 'word', lowercase: false },
  lengthLimits: { min: 1, max: MAX_TOKENS_PER_SIDE },
  sample(rng: Rng, options: SampleOptions): Example {
    checkSampleOptions(reverseTask, options);
    const lo = Math.max(options.minLength, reverseTask.lengthLimits.min);
    const hi = Math.min(options.maxLength, reverseTask.lengthLimits.max);
    const length = lo + rng.int(hi - lo + 1);
    const source: string[] = [];
    for (let k = 0; k < length; k++) source.push(rng.pick(LETTERS));
    return reverseExample(source);
  },
  examples(): CuratedExample[] {
    return CURATED.map(([label, source]) => ({ label, source, target: source.split(' ').reverse().join(' ') }));
  },
};
