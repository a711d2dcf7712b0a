// The length experiment's record (written by scripts/experimentLength.ts to
// public/experiments/length.json): fetched relative to the page, validated field by field (it is
// a file on a static host, not trusted), and the example sentence behind each chart point. What is
// wrong with it is a message of src/ui/i18n.ts (a MessageError, whose `message` is the English).

import { getTask } from '../../data/tasks';
import { isVariant, type Variant } from '../../model/config';
import { Rng } from '../../tensor/random';
import { FetchError } from '../../store/catalog';
import { errorReason } from '../../store/errorReason';
import type { NoticeVar } from '../../store/notices';
import { msg, MessageError } from '../i18n';

export interface LengthBucket {
  /** "0-10", "10-20", …, or "60+". */
  bucket: string;
  bleu: number | null;
  count: number;
}

export interface LengthResult {
  variant: Variant;
  trainSeconds: number | null;
  bleu: number | null;
  exactMatch: number | null;
  aer: number | null;
  byLength: LengthBucket[];
}

export interface LengthRecord {
  experiment: string;
  command: string;
  date: string;
  trainMaxLength: number | null;
  testMaxLength: number | null;
  steps: number | null;
  results: LengthResult[];
}

export type LengthLoad = { state: 'loading' } | { state: 'missing' } | { state: 'error'; message: NoticeVar } | { state: 'ready'; record: LengthRecord };

const BUCKET = /^(\d{1,4})-(\d{1,4})$|^(\d{1,4})\+$/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function text(x: unknown, max: number): string {
  return typeof x === 'string' ? x.slice(0, max) : '';
}

/** Validate a parsed length.json; throws a MessageError saying what is wrong. */
export function parseLengthRecord(value: unknown): LengthRecord {
  if (!isRecord(value)) throw new MessageError(msg('length.err.notObject'));
  const rawResults = own(value, 'results');
  if (!Array.isArray(rawResults)) throw new MessageError(msg('length.err.noResults'));
  const results: LengthResult[] = [];
  for (const r of rawResults.slice(0, 12)) {
    if (!isRecord(r)) continue;
    const variant = own(r, 'variant');
    const byLength = own(r, 'byLength');
    if (!isVariant(variant) || !Array.isArray(byLength)) continue;
    const buckets: LengthBucket[] = [];
    for (const b of byLength.slice(0, 40)) {
      if (!isRecord(b)) continue;
      const bucket = own(b, 'bucket');
      const count = own(b, 'count');
      const bleu = own(b, 'bleu');
      if (typeof bucket !== 'string' || !BUCKET.test(bucket)) continue;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) continue;
      if (bleu !== null && num(bleu) === null) continue;
      buckets.push({ bucket, count, bleu: bleu === null ? null : Math.max(0, Math.min(100, bleu as number)) });
    }
    results.push({
      variant,
      trainSeconds: num(own(r, 'trainSeconds')),
      bleu: num(own(r, 'bleu')),
      exactMatch: num(own(r, 'exactMatch')),
      aer: num(own(r, 'aer')),
      byLength: buckets,
    });
  }
  if (results.length === 0) throw new MessageError(msg('length.err.noUsable'));
  const settings = own(value, 'settings');
  const s = isRecord(settings) ? settings : {};
  return {
    experiment: text(own(value, 'experiment'), 200),
    command: text(own(value, 'command'), 300),
    date: text(own(value, 'date'), 40),
    trainMaxLength: num(own(s, 'trainMaxLength')),
    testMaxLength: num(own(s, 'testMaxLength')),
    steps: num(own(s, 'steps')),
    results,
  };
}

/** Where the record lives, relative to the page (works from any folder of a static host). */
export function lengthRecordUrl(): string {
  return new URL('experiments/length.json', document.baseURI).href;
}

/**
 * Fetch and validate the record. A 404 (or a static host's HTML fallback page) means the
 * experiment has not been shipped: 'missing', not an error.
 */
export async function fetchLengthRecord(url = lengthRecordUrl(), signal?: AbortSignal): Promise<LengthLoad> {
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return { state: 'error', message: errorReason(new FetchError({ file: 'results' }, null, err instanceof Error ? err.message : undefined)) };
  }
  if (res.status === 404) return { state: 'missing' };
  if (!res.ok) return { state: 'error', message: errorReason(new FetchError({ file: 'results' }, res.status)) };
  if ((res.headers.get('content-type') ?? '').includes('text/html')) return { state: 'missing' };
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return { state: 'error', message: msg('length.err.json') };
  }
  try {
    return { state: 'ready', record: parseLengthRecord(json) };
  } catch (err) {
    return { state: 'error', message: errorReason(err) };
  }
}

/** The source lengths a bucket holds (as bleuByLength counts them: "0-10" is 0..10, "10-20" 11..20, "60+" above 60). */
export function bucketRange(bucket: string): { min: number; max: number } | null {
  const m = BUCKET.exec(bucket);
  if (!m) return null;
  if (m[3] !== undefined) {
    const lo = Number(m[3]) + 1;
    return { min: lo, max: lo + 19 };
  }
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (hi < lo) return null;
  return { min: lo === 0 ? 0 : lo + 1, max: hi };
}

/** The seed of the example sentences: fixed, so a point always opens the same sentence. */
export const EXAMPLE_SEED = 2014;

/**
 * An en-fr sentence (source and reference) whose length lies in the bucket's range, the same
 * for every variant so that they can be compared; null when the task cannot make one.
 */
export function exampleFor(bucket: string): { source: string; target: string; length: number } | null {
  const range = bucketRange(bucket);
  if (!range) return null;
  const task = getTask('en-fr');
  const min = Math.max(range.min, task.lengthLimits.min);
  const max = Math.min(range.max, task.lengthLimits.max);
  if (min > max) return null;
  try {
    const ex = task.sample(new Rng(EXAMPLE_SEED + range.min), { minLength: min, maxLength: max });
    return { source: ex.source.join(' '), target: ex.target.join(' '), length: ex.source.length };
  } catch {
    return null;
  }
}
