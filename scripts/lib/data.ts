// Datasets for the CLIs: a built-in task's train/dev/test splits, or sentence pairs from a TSV
// file split by a hash of the source. A `DataRecipe` records how a set was made, so that eval can
// rebuild exactly the held-out test set a model was trained beside.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getTask, isTaskId, makeSplits, splitOf, type Example, type TaskId } from '../../src/data/tasks';
import { tokenize, type TokenizerSettings } from '../../src/data/tokenize';
import { parseSentencePairs } from '../../src/data/tsv';
import { MAX_TOKENS_PER_SIDE } from '../../src/data/limits';
import { learnBpe, type BpeTokenizer } from '../../src/data/bpe';
import { createHash } from 'node:crypto';
import { Converter } from 'opencc-js';

export type DataRecipe =
  | { kind: 'task'; task: TaskId; seed: number; train: number; dev: number; test: number; minLength: number; maxLength: number; testMaxLength: number }
  | { kind: 'tsv'; file: string; lowercase: boolean; bpe?: BpeRecipe };

/** Subword units for a TSV: merges learned per side from the training split. */
export interface BpeRecipe {
  sourceMerges: number;
  targetMerges: number;
  /** Convert Traditional Chinese to Simplified on the target side (OpenCC, Taiwan → mainland). */
  toSimplified: boolean;
}

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
  /** The learned subword vocabularies (BPE recipes only). */
  bpe?: { source: BpeTokenizer; target: BpeTokenizer };
  /** SHA-256 of the data file (TSV recipes only). */
  fileSha256?: string;
}

/** SHA-256 of a file's bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
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
  if (recipe.bpe) return bpeDataset(recipe, recipe.bpe, parsed, sha256Hex(bytes));
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

/**
 * A TSV split by a hash of the English (source) side, BPE learned on the training split of each
 * side, every sentence encoded into pieces (no unknown units by construction).
 */
function bpeDataset(recipe: DataRecipe & { kind: 'tsv' }, bpe: BpeRecipe, parsed: ReturnType<typeof parseSentencePairs>, fileSha256: string): Dataset {
  const warnings = parsed.errors.slice(0, 20).map((e) => `${basename(recipe.file)} line ${e.line}: ${e.message}`);
  const convert = bpe.toSimplified ? Converter({ from: 'tw', to: 'cn' }) : (t: string): string => t;
  const raw: Record<'train' | 'dev' | 'test', Array<{ source: string; target: string }>> = { train: [], dev: [], test: [] };
  for (const pair of parsed.pairs) raw[splitOf(pair.source)].push({ source: pair.source, target: convert(pair.target) });
  const source = learnBpe(raw.train.map((p) => p.source), { merges: bpe.sourceMerges, lowercase: recipe.lowercase });
  const target = learnBpe(raw.train.map((p) => p.target), { merges: bpe.targetMerges, lowercase: recipe.lowercase });
  let tooLong = 0;
  const encodeSet = (set: Array<{ source: string; target: string }>): Example[] => {
    const out: Example[] = [];
    for (const p of set) {
      const s = source.encode(p.source).tokens;
      const t = target.encode(p.target).tokens;
      if (s.length === 0 || t.length === 0) continue;
      if (s.length > MAX_TOKENS_PER_SIDE || t.length > MAX_TOKENS_PER_SIDE) {
        tooLong++;
        continue;
      }
      out.push({ source: s, target: t, sure: [], possible: [] });
    }
    return out;
  };
  const sets = { train: encodeSet(raw.train), dev: encodeSet(raw.dev), test: encodeSet(raw.test) };
  if (tooLong > 0) warnings.push(`${tooLong} pairs longer than ${MAX_TOKENS_PER_SIDE} pieces were left out`);
  return {
    recipe,
    tokenizer: { level: 'bpe', lowercase: recipe.lowercase },
    ...sets,
    description:
      `file ${basename(recipe.file)} (${parsed.pairs.length} pairs, sha256 ${fileSha256.slice(0, 12)}…; split 80/10/10 by a hash of the source side; ` +
      `BPE ${bpe.sourceMerges}/${bpe.targetMerges} merges learned per side on the training split${bpe.toSimplified ? '; target converted to Simplified Chinese (OpenCC tw→cn)' : ''})`,
    warnings,
    bpe: { source, target },
    fileSha256,
  };
}

/**
 * The held-out test pairs of a TSV for a subword model: the same hash split as training, the
 * target converted as recorded, encoded with the model's own tokenizers (nothing relearned).
 */
export function bpeTestSet(file: string, codecs: { source: { tokenize(t: string): string[] }; target: { tokenize(t: string): string[] } }, toSimplified: boolean): { test: Example[]; pairs: number; sha256: string } {
  const bytes = new Uint8Array(readFileSync(file));
  const parsed = parseSentencePairs(bytes);
  const convert = toSimplified ? Converter({ from: 'tw', to: 'cn' }) : (t: string): string => t;
  const test: Example[] = [];
  for (const pair of parsed.pairs) {
    if (splitOf(pair.source) !== 'test') continue;
    const s = codecs.source.tokenize(pair.source);
    const t = codecs.target.tokenize(convert(pair.target));
    if (s.length === 0 || t.length === 0 || s.length > MAX_TOKENS_PER_SIDE || t.length > MAX_TOKENS_PER_SIDE) continue;
    test.push({ source: s, target: t, sure: [], possible: [] });
  }
  return { test, pairs: parsed.pairs.length, sha256: sha256Hex(bytes) };
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
  return {
    dataKind: 'tsv',
    dataFile: basename(recipe.file),
    lowercase: recipe.lowercase,
    ...(recipe.bpe ? { bpeSourceMerges: recipe.bpe.sourceMerges, bpeTargetMerges: recipe.bpe.targetMerges, toSimplified: recipe.bpe.toSimplified } : {}),
  };
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
