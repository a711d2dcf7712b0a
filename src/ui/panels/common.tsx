// Small pieces the step panels share: paper notation as React nodes (x_ij → x<sub>ij</sub>, never
// HTML strings), templates with React nodes in their placeholders, source/target token labels,
// the panel frame, and the focused cell with its fallback.

import { Fragment, useId, useState, type ReactElement, type ReactNode } from 'react';
import { parseNotation } from '../../export/text';
import type { Trace, Vec } from '../../model/trace';
import { useStore } from '../../store/store';
import { fmt } from '../format';
import { useStep, useTrace } from '../hooks';
import { useT } from '../i18n';
import './panels.css';

/** Paper notation as React nodes: "e_ij" → e<sub>ij</sub>, "s_{i−1}" → s<sub>i−1</sub>, "x^{2}" → x<sup>2</sup>. */
export function notation(text: string): ReactNode[] {
  return parseNotation(text).map((run, key) => (run.kind === 'sub' ? <sub key={key}>{run.text}</sub> : run.kind === 'sup' ? <sup key={key}>{run.text}</sup> : run.text));
}

/** Render a formula string in the paper's notation (only for our own strings, never user text). */
export function Notation({ text }: { text: string }) {
  return <>{notation(text)}</>;
}

/**
 * A translated template whose `{name}` placeholders are filled with React nodes (a token in a
 * <bdi>, a number in <strong>). With `math`, the literal parts are rendered as notation.
 */
export function rich(template: string, nodes: Readonly<Record<string, ReactNode>>, math = false): ReactNode[] {
  const parts = template.split(/\{(\w+)\}/);
  return parts.map((part, k) => {
    if (k % 2 === 1) return <Fragment key={k}>{part in nodes ? nodes[part] : `{${part}}`}</Fragment>;
    return part ? <Fragment key={k}>{math ? notation(part) : part}</Fragment> : null;
  });
}

/** A token as text: isolated direction, unknown source words marked (not by colour alone). */
export function Tok({ token, unknown = false }: { token: string; unknown?: boolean }) {
  const t = useT();
  const special = token === '</s>' || token === '<s>' || token === '<unk>' || token === '<pad>';
  const cls = unknown ? 'pnl-tok unk' : special ? 'pnl-tok special' : 'pnl-tok';
  return (
    <bdi dir="auto" className={cls} title={unknown ? t('pnl.unkTitle') : undefined}>
      {token}
      {unknown && <span className="sr-only"> {t('pnl.unkSr')}</span>}
    </bdi>
  );
}

/** The frame of every step panel: a section named by its h2. */
export function PanelSection({ title, className, children, head }: { title: ReactNode; className?: string; children?: ReactNode; head?: ReactNode }) {
  const id = useId();
  return (
    <section className={`panel pnl${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <div className="pnl-head">
        <h2 id={id}>{title}</h2>
        {head}
      </div>
      {children}
    </section>
  );
}

/**
 * What a panel shows when there is an analysis but no trace (e.g. an empty sentence). A function,
 * not a component: the panel's root stays the same PanelSection element whether it is empty or
 * not, so the section is updated in place rather than mounted anew when a sentence arrives (a new
 * section is laid out twice in its first frame, for `content-visibility`: docs/ARCHITECTURE.md,
 * "From a keystroke to pixels").
 */
export function panelEmpty(title: ReactNode): ReactElement {
  return (
    <PanelSection title={title}>
      <NoTraceNote />
    </PanelSection>
  );
}

function NoTraceNote() {
  const t = useT();
  return <p className="note">{t('pnl.noTrace')}</p>;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

export function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k] ** 2;
  return Math.sqrt(s);
}

/**
 * The cell the step panels explain: the store's focus when it is on the current step, otherwise
 * the current step and its most-attended source position (position 0 without weights).
 */
export function focusedCell(trace: Trace | null, step: number, focus: { i: number; j: number } | null): { i: number; j: number } | null {
  if (!trace || trace.steps.length === 0) return null;
  const i = Math.max(0, Math.min(trace.steps.length - 1, step));
  if (focus && focus.i === i && Number.isInteger(focus.j) && focus.j >= 0 && focus.j < trace.srcLen) return { i, j: focus.j };
  const weights = trace.steps[i]?.weights ?? null;
  return { i, j: weights ? argmax(weights) : 0 };
}

const selectFocus = (s: { focus: { i: number; j: number } | null }) => s.focus;

export function useFocusedCell(): { i: number; j: number } | null {
  const trace = useTrace();
  const step = useStep();
  const focus = useStore(selectFocus);
  return focusedCell(trace, step, focus);
}

/** A log-probability: three decimals, or two significant digits when it rounds to zero. */
export function fmtLog(v: number): string {
  if (v !== 0 && Math.abs(v) < 0.0005) return v.toExponential(1).replace('-', '−');
  return fmt(v, 3);
}

/** The first `n` components of a vector, as "(0.12, −0.40, …)". */
export function preview(v: Vec, n = 4, digits = 2): string {
  const head = Array.from(v.subarray(0, n), (x) => fmt(x, digits));
  return `(${head.join(', ')}${v.length > n ? ', …' : ''})`;
}

// ---- the panel -------------------------------------------------------------------------------

/**
 * A <details> whose content is built only while it is open: the panels' number tables are
 * hundreds of cells that most readers never open, and every element costs the page's layout.
 */
export function LazyDetails({ summary, className = 'pnl-details', children }: { summary: ReactNode; className?: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className={className} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && children()}
    </details>
  );
}
