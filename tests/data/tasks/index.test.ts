import { describe, expect, it } from 'vitest';
import { checkExample, getTask, isTaskId, TASK_IDS, type Example, type TaskId } from '../../../src/data/tasks/index';
import { detokenize, tokenize } from '../../../src/data/tokenize';
import { Rng } from '../../../src/tensor/random';

describe('task registry', () => {
  it('lists en-fr, dates and reverse, and returns each by id', () => {
    expect(TASK_IDS).toEqual(['en-fr', 'dates', 'reverse']);
    for (const id of TASK_IDS) {
      const task = getTask(id);
      expect(task.id).toBe(id);
      expect(task.title.length).toBeGreaterThan(0);
      expect(task.description.length).toBeGreaterThan(0);
    }
    expect(getTask('en-fr').tokenizer).toEqual({ level: 'word', lowercase: false });
    expect(getTask('dates').tokenizer).toEqual({ level: 'char', lowercase: false });
    expect(getTask('reverse').tokenizer).toEqual({ level: 'word', lowercase: false });
  });

  it('rejects unknown ids', () => {
    expect(isTaskId('dates')).toBe(true);
    expect(isTaskId('fr-en')).toBe(false);
    expect(isTaskId(undefined)).toBe(false);
    expect(() => getTask('fr-en' as TaskId)).toThrow(/unknown task "fr-en"/);
  });
});

describe.each(TASK_IDS)('every task: %s', (id) => {
  const task = getTask(id);
  const range = { minLength: task.lengthLimits.min, maxLength: Math.min(task.lengthLimits.max, 40) };
  const samples: Example[] = [];
  const rng = new Rng(2024);
  for (let k = 0; k < 3000; k++) samples.push(task.sample(rng, range));

  it('tokenize(detokenize(x)) = x on both sides, for thousands of samples', () => {
    for (const ex of samples) {
      expect(tokenize(detokenize(ex.source, task.tokenizer), task.tokenizer)).toEqual(ex.source);
      expect(tokenize(detokenize(ex.target, task.tokenizer), task.tokenizer)).toEqual(ex.target);
    }
  });

  it('emits valid examples: links in range, possible ⊇ sure, lengths in the requested range', () => {
    for (const ex of samples) {
      expect(checkExample(ex)).toEqual([]);
      expect(ex.source.length).toBeGreaterThanOrEqual(range.minLength);
      expect(ex.source.length).toBeLessThanOrEqual(range.maxLength);
      expect(ex.sure.length).toBeGreaterThan(0);
    }
  });

  it('is reproducible from the seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let k = 0; k < 20; k++) expect(task.sample(a, range)).toEqual(task.sample(b, range));
  });

  it('has labelled curated examples that survive the tokenizer', () => {
    const examples = task.examples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(new Set(examples.map((e) => e.label)).size).toBe(examples.length);
    for (const e of examples) {
      expect(tokenize(e.source, task.tokenizer).length).toBeGreaterThan(0);
      expect(detokenize(tokenize(e.target, task.tokenizer), task.tokenizer)).toBe(e.target);
    }
  });
});

describe('checkExample', () => {
  it('finds out-of-range links, sure links missing from possible, and empty sides', () => {
    expect(checkExample({ source: ['a'], target: ['b'], sure: [[0, 0]], possible: [[0, 0]] })).toEqual([]);
    expect(checkExample({ source: ['a'], target: ['b'], sure: [[0, 0]], possible: [] })).toEqual(['sure link [0, 0] is missing from possible']);
    expect(checkExample({ source: ['a'], target: ['b'], sure: [], possible: [[1, 0]] })).toEqual(['possible link [1, 0] is out of range (target 1, source 1)']);
    expect(checkExample({ source: [], target: [], sure: [], possible: [] })).toEqual(['empty source', 'empty target']);
  });
});
