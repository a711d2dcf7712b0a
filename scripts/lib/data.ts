// Datasets for the CLIs: a built-in task's train/dev/test splits, or sentence pairs from a TSV
// file split by a hash of the source. A `DataRecipe` records how a set was made, so that eval can
// rebuild exactly the held-out test set a model was trained beside.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getTask, isTaskId, makeSplits, splitOf, type Example, type TaskId } from '../../src/data/tasks';
import { tokenize, type TokenizerSettings } from '../../src/data/tokenize';
import { parseSentencePairs } from '../../src/data/tsv';
import { MAX_TOKENS_PER_SIDE } from '../../src/data/limits';

export type DataRecipe =
  | { kind: 'task'; task: TaskId; seed: number; train: number; dev: number; test: number; minLength: number; maxLength: number; testMaxLength: number }
  | { kind: 'tsv'; file: string; lowercase: boolean };

export interface Dataset {
  recipe: DataRecipe;
  tokenizer: TokenizerSettings;
  train: Example[];
  dev: Example[];
  test: Example[];
  /** One line for the manifest: where the data came from. */
  description: string;
  /** Problems met while reading (TSV line errors), for the user. */
  warnings: string[];
}

export function buildDataset(recipe: DataRecipe): Dataset {
  if (recipe.kind === 'task') {
    if (!isTaskId(recipe.task)) throw new Error(`unknown task ${recipe.task}`);
    const task = getTask(recipe.task);
    const splits = makeSplits(task, {
      seed: recipe.seed,
      train: recipe.train,
      dev: recipe.dev,
      test: recipe.test,
      minLength: recipe.minLength,
      maxLength: recipe.maxLength,
      testMaxLength: recipe.testMaxLength,
    });
    return {
      recipe,
      tokenizer: task.tokenizer,
      ...splits,
      description: `task ${task.id} (seed ${recipe.seed}; ${recipe.train} train / ${recipe.dev} dev / ${recipe.test} test; train lengths ${recipe.minLength}-${recipe.maxLength}, test up to ${recipe.testMaxLength})`,
      warnings: [],
    };
  }
  const bytes = new Uint8Array(readFileSync(recipe.file));
  const parsed = parseSentencePairs(bytes);
  const tokenizer: TokenizerSettings = { level: 'word', lowercase: recipe.lowercase };
  const warnings = parsed.errors.slice(0, 20).map((e) => `${basename(recipe.file)} line ${e.line}: ${e.message}`);
  if (parsed.errors.length > 20) warnings.push(`… and ${parsed.errors.length - 20} more problems`);
  const sets: Record<'train' | 'dev' | 'test', Example[]> = { train: [], dev: [], test: [] };
  let tooLong = 0;
  for (const pair of parsed.pairs) {
    const source = tokenize(pair.source, tokenizer);
    const target = tokenize(pair.target, tokenizer);
    if (source.length === 0 || target.length === 0) continue;
    if (source.length > MAX_TOKENS_PER_SIDE || target.length > MAX_TOKENS_PER_SIDE) {
      tooLong++;
      continue;
    }
    sets[splitOf(pair.source)].push({ source, target, sure: [], possible: [] });
  }
  if (tooLong > 0) warnings.push(`${tooLong} pairs longer than ${MAX_TOKENS_PER_SIDE} tokens were left out`);
  if (sets.train.length === 0) throw new Error(`${recipe.file}: no usable sentence pairs (${parsed.errors.length} problems)`);
  return {
    recipe,
    tokenizer,
    ...sets,
    description: `file ${basename(recipe.file)} (${parsed.pairs.length} pairs; split 80/10/10 by a hash of the source)`,
    warnings,
  };
}

/** The recipe as flat manifest fields (manifest.training accepts scalar extras). */
export function recipeToRecord(recipe: DataRecipe): Record<string, string | number | boolean> {
  if (recipe.kind === 'task') {
    return {
      dataKind: 'task',
      dataTask: recipe.task,
      dataSeed: recipe.seed,
      trainSize: recipe.train,
      devSize: recipe.dev,
      testSize: recipe.test,
      minLength: recipe.minLength,
      maxLength: recipe.maxLength,
      testMaxLength: recipe.testMaxLength,
    };
  }
  return { dataKind: 'tsv', dataFile: basename(recipe.file), lowercase: recipe.lowercase };
}

/** Rebuild a recipe from manifest.training (for eval); null when it is not recorded. */
export function recipeFromRecord(record: Record<string, unknown>): DataRecipe | null {
  const num = (k: string): number => {
    const v = record[k];
    if (typeof v !== 'number') throw new Error(`manifest.training.${k} is missing`);
    return v;
  };
  if (record.dataKind === 'task' && isTaskId(record.dataTask)) {
    return {
      kind: 'task',
      task: record.dataTask,
      seed: num('dataSeed'),
      train: num('trainSize'),
      dev: num('devSize'),
      test: num('testSize'),
      minLength: num('minLength'),
      maxLength: num('maxLength'),
      testMaxLength: num('testMaxLength'),
    };
  }
  return null;
}
