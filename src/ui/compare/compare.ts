// The comparison's arithmetic, kept out of the components: which shipped models to show first,
// one colour domain for every heatmap, and where a variant's attention disagrees with additive's.

import { VARIANTS, type Variant } from '../../model/config';
import type { Trace } from '../../model/trace';
import type { CatalogEntry } from '../../store/catalog';
import { colourDomain } from '../colour';

/** At most this many variants side by side. */
export const MAX_COMPARED = 4;
/** The task the comparison starts on when it is shipped (it has every variant). */
export const PREFERRED_TASK = 'en-fr';

/** The task to start on: en-fr if shipped, else the task with the most shipped models. */
export function defaultTask(catalog: readonly CatalogEntry[]): string | null {
  if (catalog.some((c) => c.task === PREFERRED_TASK)) return PREFERRED_TASK;
  const counts = new Map<string, number>();
  for (const c of catalog) counts.set(c.task, (counts.get(c.task) ?? 0) + 1);
  let best: string | null = null;
  for (const [task, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = task;
  return best;
}

/**
 * The first selection: on the default task, additive + none + diagonal + the first of dot /
 * general / scaled-dot that is shipped (whichever of them exist), in that order.
 */
export function defaultSelection(catalog: readonly CatalogEntry[]): string[] {
  const task = defaultTask(catalog);
  if (task === null) return [];
  const of = (variant: Variant): CatalogEntry | undefined => catalog.find((c) => c.task === task && c.family === undefined && c.variant === variant);
  const picks: string[] = [];
  for (const v of ['additive', 'none', 'diagonal'] as const) {
    const e = of(v);
    if (e) picks.push(e.id);
  }
  const dotLike = (['dot', 'general', 'scaled-dot'] as const).map(of).find((e) => e !== undefined);
  if (dotLike) picks.push(dotLike.id);
  // a task with a single model: add another task's model so that there is something to compare
  if (picks.length < 2) {
    const other = catalog.find((c) => !picks.includes(c.id));
    if (other) picks.push(other.id);
  }
  return picks.slice(0, MAX_COMPARED);
}

/** The variants of the default task that are not shipped (yet), in the table's order. */
export function missingVariants(catalog: readonly CatalogEntry[]): Variant[] {
  const task = defaultTask(catalog);
  if (task === null) return [];
  return VARIANTS.filter((v) => !catalog.some((c) => c.task === task && c.family === undefined && c.variant === v));
}

/** One colour domain for every trace (weights: [0, 1]; scores: the union of their ranges). */
export function sharedDomain(traces: ReadonlyArray<Trace | null>, kind: 'weights' | 'scores'): [number, number] {
  if (kind === 'weights') return [0, 1];
  const rows: ArrayLike<number>[] = [];
  for (const t of traces) for (const s of t?.steps ?? []) if (s.scores) rows.push(s.scores);
  return colourDomain(rows, 'scores');
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}

export interface Agreement {
  /** Steps compared: the same position wrote the same word in both (all of them when forced). */
  compared: number;
  /** Of those, the steps whose most-attended source word is the same. */
  agree: number;
  /** Cells (step i, source j) where this trace's argmax differs from the reference's. */
  differs: Set<string>;
}

/** Where `trace` puts its largest weight compared with `reference`, step by step; null without weights. */
export function agreement(trace: Trace, reference: Trace): Agreement | null {
  if (trace.srcLen !== reference.srcLen) return null;
  const n = Math.min(trace.steps.length, reference.steps.length);
  let compared = 0;
  let agree = 0;
  const differs = new Set<string>();
  for (let i = 0; i < n; i++) {
    const a = trace.steps[i]?.weights;
    const b = reference.steps[i]?.weights;
    if (!a || !b) return null;
    if (trace.targetTokens[i] !== reference.targetTokens[i]) continue;
    compared++;
    const ja = argmax(a);
    if (ja === argmax(b)) agree++;
    else differs.add(`${i},${ja}`);
  }
  return { compared, agree, differs };
}

/** The output as text: tokens joined by spaces, </s> dropped. */
export function outputText(trace: Trace): string {
  return trace.targetTokens.filter((t) => t !== '</s>').join(' ');
}
