// What every built-in task provides: a seeded sampler of tokenised sentence pairs with gold
// alignments, a tokenizer setting, and curated sentences for the page's examples menu.

import type { Rng } from '../../tensor/random';
import type { TokenizerSettings } from '../tokenize';

/** An alignment link `[targetIndex, sourceIndex]`: the orientation of α_ij (i target, j source). */
export type Link = [number, number];

/**
 * One tokenised sentence pair. `sure` links are unambiguous; `possible` ⊇ `sure` adds the links
 * that a careful annotator would accept (as in the AER definition of Och & Ney, 2003).
 */
export interface Example {
  source: string[];
  target: string[];
  sure: Link[];
  possible: Link[];
}

/** Source-length range (in tokens, both ends inclusive) for `Task.sample`. */
export interface SampleOptions {
  minLength: number;
  maxLength: number;
}

/** A curated sentence for the examples menu, as display strings (detokenised). */
export interface CuratedExample {
  label: string;
  source: string;
  target: string;
}

/** A built-in task. */
export interface Task {
  id: string;
  title: string;
  description: string;
  tokenizer: TokenizerSettings;
  /** The shortest and longest source length (tokens) that `sample` can produce. */
  lengthLimits: { min: number; max: number };
  /** A random example whose source length lies in [minLength, maxLength]; throws SampleError if impossible. */
  sample(rng: Rng, options: SampleOptions): Example;
  /** Curated sentences for the examples menu. */
  examples(): CuratedExample[];
}

/** Thrown when a task cannot produce what was asked (e.g. an impossible length range). */
export class SampleError extends Error {
  override readonly name = 'SampleError';
}

/** Check a sampler's length request against what the task can produce. */
export function checkSampleOptions(task: Pick<Task, 'id' | 'lengthLimits'>, options: SampleOptions): void {
  const { minLength, maxLength } = options;
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength > maxLength) {
    throw new SampleError(`${task.id}: length range must be integers with min ≤ max, got [${minLength}, ${maxLength}]`);
  }
  if (maxLength < task.lengthLimits.min || minLength > task.lengthLimits.max) {
    throw new SampleError(
      `${task.id}: cannot produce sources of length [${minLength}, ${maxLength}]; ` +
        `this task makes lengths ${task.lengthLimits.min} to ${task.lengthLimits.max}`,
    );
  }
}

/** Problems with an example (indices out of range, possible ⊉ sure, empty sides); [] when fine. */
export function checkExample(example: Example): string[] {
  const problems: string[] = [];
  const ty = example.target.length;
  const tx = example.source.length;
  if (tx === 0) problems.push('empty source');
  if (ty === 0) problems.push('empty target');
  const possible = new Set<string>();
  for (const [i, j] of example.possible) {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || i >= ty || j < 0 || j >= tx) {
      problems.push(`possible link [${i}, ${j}] is out of range (target ${ty}, source ${tx})`);
    }
    possible.add(`${i},${j}`);
  }
  for (const [i, j] of example.sure) {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || i >= ty || j < 0 || j >= tx) {
      problems.push(`sure link [${i}, ${j}] is out of range (target ${ty}, source ${tx})`);
    }
    if (!possible.has(`${i},${j}`)) problems.push(`sure link [${i}, ${j}] is missing from possible`);
  }
  return problems;
}
