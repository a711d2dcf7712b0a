// The data of an in-page run, built in the worker: a built-in task's train/dev splits, or the
// user's TSV parsed here (never on the main thread) with its line errors, split 80/10/10 by a hash
// of the source as the CLI does; vocabularies from the training split; the probe tokenised with
// the task's settings.

import { getTask, makeSplits, splitOf, type Example } from '../data/tasks';
import { tokenize, type TokenizerSettings } from '../data/tokenize';
import { learnBpe, type BpeTokenizer } from '../data/bpe';
import { parseSentencePairs, TsvError, type TsvLineError } from '../data/tsv';
import { MAX_TOKENS_PER_SIDE, TSV_MAX_BYTES } from '../data/limits';
import { Vocab } from '../data/vocab';
import type { PairIds } from '../model/batch';
import { LIMITS, type DataWarning, type DataWarningCode, type LineError, type MessageParams, type TrainConfig, type WorkerErrorCode } from './protocol';

/** Largest vocabulary (specials included) of an in-page model: the output layer grows with it. */
export const PAGE_MAX_VOCAB = 8000;

export interface RunData {
  /** manifest.task: the built-in task's id, or "custom". */
  task: string;
  tokenizer: TokenizerSettings;
  train: Example[];
  dev: Example[];
  trainIds: PairIds[];
  devIds: PairIds[];
  srcVocab: Vocab;
  tgtVocab: Vocab;
  /** Mean (target+1)/(source+1) on the training pairs (for `diagonal` free decoding). */
  lengthRatio: number;
  description: string;
  lineErrors: LineError[];
  lineErrorCount: number;
  warnings: DataWarning[];
  probe: { source: string[]; target: string[] | null };
  /** A TSV run's subword vocabularies (learned here from its training split). */
  bpe?: { source: BpeTokenizer; target: BpeTokenizer };
}

/**
 * BPE merges per side for a file of `pairs` training pairs: about one merge per eight pairs,
 * between 200 and 3000 (the page's output layer grows with the vocabulary).
 */
export function pageMerges(pairs: number): number {
  return Math.max(200, Math.min(3000, Math.round(pairs / 8)));
}

/** A problem that stops the run before training (no usable pairs, a file over the cap…): a code the page words, its values, its English. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: WorkerErrorCode,
    readonly params: MessageParams,
    message: string,
    readonly lineErrors: LineError[] = [],
  ) {
    super(message);
  }
}

/** A TSV line's problem as the protocol carries it (its count, if any, among the values). */
export function lineError(e: TsvLineError): LineError {
  return { line: e.line, code: e.code, params: e.n === undefined ? {} : { n: e.n }, message: e.message };
}

const warning = (code: DataWarningCode, message: string, params: MessageParams = {}): DataWarning => ({ code, params, message });

function tsvExamples(config: TrainConfig & { task: { kind: 'tsv' } }): { train: Example[]; dev: Example[]; tokenizer: TokenizerSettings; description: string; lineErrors: LineError[]; lineErrorCount: number; warnings: DataWarning[]; bpe: { source: BpeTokenizer; target: BpeTokenizer } } {
  const { name, bytes, lowercase } = config.task;
  let parsed;
  try {
    parsed = parseSentencePairs(bytes);
  } catch (err) {
    if (err instanceof TsvError && err.code === 'too-large') throw new DataError('tsv-too-large', { name, mib: TSV_MAX_BYTES / (1024 * 1024) }, `${name}: ${err.message}`);
    throw err;
  }
  // subword units, learned per side from the training split (as `npm run train -- --bpe` does)
  const tokenizer: TokenizerSettings = { level: 'bpe', lowercase };
  const lineErrors = parsed.errors.slice(0, LIMITS.lineErrors).map(lineError);
  const warnings: DataWarning[] = [];
  const train: Example[] = [];
  const dev: Example[] = [];
  const trainPairs = parsed.pairs.filter((p) => splitOf(p.source) === 'train');
  const merges = pageMerges(trainPairs.length);
  const bpe = {
    source: learnBpe(trainPairs.map((p) => p.source), { merges, lowercase }),
    target: learnBpe(trainPairs.map((p) => p.target), { merges, lowercase }),
  };
  let outOfRange = 0;
  for (const pair of parsed.pairs) {
    const source = bpe.source.encode(pair.source).tokens;
    const target = bpe.target.encode(pair.target).tokens;
    if (source.length === 0 || target.length === 0) continue;
    if (source.length < config.minLength || source.length > config.maxLength || target.length > MAX_TOKENS_PER_SIDE) {
      outOfRange++;
      continue;
    }
    const example: Example = { source, target, sure: [], possible: [] };
    // test-split sentences are left out, so a later CLI evaluation on this file stays held out
    const split = splitOf(pair.source);
    if (split === 'train') train.push(example);
    else if (split === 'dev') dev.push(example);
  }
  const { minLength: min, maxLength: max } = config;
  if (outOfRange > 0) warnings.push(warning('out-of-range', `${outOfRange} pairs outside the length range ${min}–${max} were left out`, { n: outOfRange, min, max }));
  if (train.length === 0) {
    const [read, problems] = [parsed.pairs.length, parsed.errors.length];
    throw new DataError('no-pairs', { name, read, problems }, `${name}: no usable sentence pairs (${read} read, ${problems} problems)`, lineErrors);
  }
  // a small file may hash no sentence to dev: borrow a tenth of train so progress can be judged
  if (dev.length === 0 && train.length >= 10) {
    dev.push(...train.splice(train.length - Math.max(1, Math.floor(train.length / 10))));
    warnings.push(warning('dev-borrowed', 'no sentence fell in the dev split; a tenth of the training pairs is used as dev'));
  }
  const trainCut = train.length > config.trainSize ? train.length - config.trainSize : 0;
  if (trainCut > 0) {
    train.length = config.trainSize;
    warnings.push(warning('train-cut', `only the first ${config.trainSize} training pairs are used`, { n: config.trainSize }));
  }
  if (dev.length > config.devSize) dev.length = config.devSize;
  return {
    train,
    dev,
    tokenizer,
    description: `file ${name.slice(0, 120)} (${parsed.pairs.length} pairs; ${train.length} train / ${dev.length} dev, split by a hash of the source; BPE ${merges} merges per side)`,
    lineErrors,
    lineErrorCount: parsed.errors.length,
    warnings,
    bpe,
  };
}

/** Build everything a run needs from its config; throws DataError with a code the page words. */
export function buildRunData(config: TrainConfig): RunData {
  let task: string;
  let tokenizer: TokenizerSettings;
  let train: Example[];
  let dev: Example[];
  let description: string;
  let lineErrors: LineError[] = [];
  let lineErrorCount = 0;
  let warnings: DataWarning[] = [];
  let bpe: RunData['bpe'];
  if (config.task.kind === 'builtin') {
    const t = getTask(config.task.id);
    task = t.id;
    tokenizer = t.tokenizer;
    const minLength = Math.max(config.minLength, t.lengthLimits.min);
    const maxLength = Math.min(config.maxLength, t.lengthLimits.max);
    if (minLength > maxLength) {
      const { min, max } = t.lengthLimits;
      const message = `${t.title}: sources can only have ${min}–${max} tokens; the range ${config.minLength}–${config.maxLength} is outside it`;
      throw new DataError('length-range', { min, max, from: config.minLength, to: config.maxLength }, message);
    }
    try {
      ({ train, dev } = makeSplits(t, { seed: config.seed, train: config.trainSize, dev: config.devSize, test: 0, minLength, maxLength }));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new DataError('split', { detail }, detail);
    }
    description = `task ${t.id} (seed ${config.seed}; ${config.trainSize} train / ${config.devSize} dev; lengths ${minLength}-${maxLength}; generated in the page)`;
  } else {
    const tsv = tsvExamples(config as TrainConfig & { task: { kind: 'tsv' } });
    task = 'custom';
    ({ train, dev, tokenizer, description, lineErrors, lineErrorCount, warnings, bpe } = tsv);
  }
  const srcVocab = bpe ? Vocab.fromJSON(bpe.source.spec.vocab) : Vocab.build(train.map((e) => e.source), { maxSize: PAGE_MAX_VOCAB });
  const tgtVocab = bpe ? Vocab.fromJSON(bpe.target.spec.vocab) : Vocab.build(train.map((e) => e.target), { maxSize: PAGE_MAX_VOCAB });
  const toIds = (e: Example): PairIds => ({ source: srcVocab.encode(e.source), target: tgtVocab.encode(e.target) });
  const trainIds = train.map(toIds);
  const devIds = dev.map(toIds);
  let ratio = 0;
  for (const p of trainIds) ratio += (p.target.length + 1) / (p.source.length + 1);
  const lengthRatio = Math.min(19, Math.max(0.05, ratio / Math.max(1, trainIds.length)));

  // the probe: the user's sentence, else the first dev (or train) pair
  const cut = (text: string, side: 'source' | 'target'): string[] => (bpe ? bpe[side].encode(text).tokens : tokenize(text, tokenizer)).slice(0, MAX_TOKENS_PER_SIDE);
  let probeSource = cut(config.probe.source, 'source');
  let probeTarget: string[] | null = config.probe.target.trim() ? cut(config.probe.target, 'target') : null;
  if (probeSource.length === 0) {
    const fallback = dev[0] ?? train[0];
    if (fallback) {
      probeSource = fallback.source.slice(0, MAX_TOKENS_PER_SIDE);
      probeTarget = fallback.target.slice(0, MAX_TOKENS_PER_SIDE);
      warnings.push(warning('probe-empty', 'the probe sentence was empty; the first dev pair is used'));
    }
  }
  return {
    task,
    tokenizer,
    train,
    dev,
    trainIds,
    devIds,
    srcVocab,
    tgtVocab,
    lengthRatio,
    description,
    lineErrors,
    lineErrorCount,
    warnings: warnings.slice(0, LIMITS.warnings),
    probe: { source: probeSource, target: probeTarget },
    ...(bpe ? { bpe } : {}),
  };
}
