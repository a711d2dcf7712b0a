import { describe, expect, it } from 'vitest';
import { reverseExample, reverseTask } from '../../../src/data/tasks/reverse';
import { checkExample, SampleError } from '../../../src/data/tasks/types';
import { detokenize, tokenize } from '../../../src/data/tokenize';
import { Rng } from '../../../src/tensor/random';

describe('reverse task', () => {
  it('reverses the symbols and links target i to source T−1−i, all sure', () => {
    const ex = reverseExample(['c', 'a', 't', 's']);
    expect(ex.target).toEqual(['s', 't', 'a', 'c']);
    expect(ex.sure).toEqual([
      [0, 3],
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    expect(ex.possible).toEqual(ex.sure);
  });

  it('samples lower-case letters with every length in the range, inclusive', () => {
    const rng = new Rng(3);
    const lengths = new Set<number>();
    for (let k = 0; k < 3000; k++) {
      const ex = reverseTask.sample(rng, { minLength: 1, maxLength: 12 });
      lengths.add(ex.source.length);
      for (const t of ex.source) expect(t).toMatch(/^[a-z]$/);
      expect(ex.target).toEqual([...ex.source].reverse());
      expect(ex.sure.every(([i, j]) => ex.source[j] === ex.target[i] && i + j === ex.source.length - 1)).toBe(true);
      expect(checkExample(ex)).toEqual([]);
      const text = detokenize(ex.source, reverseTask.tokenizer);
      expect(tokenize(text, reverseTask.tokenizer)).toEqual(ex.source);
    }
    expect([...lengths].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('uses all 26 letters and rejects impossible ranges', () => {
    const rng = new Rng(4);
    const letters = new Set<string>();
    for (let k = 0; k < 200; k++) for (const t of reverseTask.sample(rng, { minLength: 20, maxLength: 20 }).source) letters.add(t);
    expect(letters.size).toBe(26);
    expect(() => reverseTask.sample(rng, { minLength: 5, maxLength: 4 })).toThrow(SampleError);
    expect(() => reverseTask.sample(rng, { minLength: 300, maxLength: 400 })).toThrow(SampleError);
  });

  it('offers curated examples whose targets are reversed', () => {
    for (const e of reverseTask.examples()) {
      expect(e.target.split(' ')).toEqual(e.source.split(' ').reverse());
    }
  });
});
