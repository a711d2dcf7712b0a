// The context vector c_i = Σ_j α_ij h_j as a colour strip (2H cells: the forward half →h, then the
// backward half ←h), and below it each source word's share α_ij·h_j as one thin strip, the
// largest contributors marked. Sign is the hue (purple +, orange −, from PuOr, colour-blind
// safe), size the opacity, so zero is the page's own background in both themes. For `none` the
// fixed summary [→h_Tx ; ←h_1] is shown and explained; for scaled-dot the strips are the weighted
// annotations before the value projection (c_i = W_v-projected sum), and say so.

import { useMemo } from 'react';
import type { Trace, Vec } from '../../model/trace';
import { fmt } from '../format';
import { useAnalysis, useStep } from '../hooks';
import { useT } from '../i18n';
import { l2, LazyDetails, Notation, panelEmpty, PanelSection, rich, Tok } from './common';
import './panels.css';

/** At most this many per-word strips (the largest contributors, kept in source order). */
export const MAX_CONTRIBUTION_ROWS = 24;
/** How many of the largest contributors are marked (those at least TOP_SHARE of the largest). */
export const TOP_CONTRIBUTORS = 3;
export const TOP_SHARE = 0.1;

export function maxAbs(...vectors: ArrayLike<number>[]): number {
  let m = 0;
  for (const v of vectors) for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]));
  return m;
}

/** Opacity steps of a strip: cells are drawn in at most 2 × STRIP_LEVELS paths (sign × step). */
export const STRIP_LEVELS = 32;

/** The cells of a strip grouped into paths: one per (sign, opacity step) that occurs. */
export interface StripPath {
  sign: 'pos' | 'neg';
  /** 1 … STRIP_LEVELS; the path's fill-opacity is level / STRIP_LEVELS. */
  level: number;
  /** The indices of its cells, ascending. */
  cells: number[];
  d: string;
}

/**
 * Group a strip's cells by sign and opacity step (√(|v| / max), rounded to 1/STRIP_LEVELS), each
 * group one SVG path of unit squares. A cell that rounds to 0 (or is not finite) is not drawn:
 * it would be invisible. A strip of 256 values is then ≤ 64 elements instead of 256 rects — the
 * explorer shows a few dozen strips, and the page's first layout pays for every element.
 */
export function stripPaths(values: ArrayLike<number>, max: number): StripPath[] {
  const top = max > 0 ? max : 1;
  const groups = new Map<number, StripPath>();
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    const level = Math.round(Math.sqrt(Math.min(Math.abs(v) / top, 1)) * STRIP_LEVELS);
    if (level === 0) continue;
    const key = v >= 0 ? level : -level;
    let g = groups.get(key);
    if (!g) {
      g = { sign: v >= 0 ? 'pos' : 'neg', level, cells: [], d: '' };
      groups.set(key, g);
    }
    g.cells.push(k);
    g.d += `M${k} 0h1.02v1h-1.02z`;
  }
  return [...groups.values()];
}

/**
 * Most cells a strip draws. A strip is a few hundred pixels wide, so a longer vector (a
 * paper-sized model's context has 2,000 components) would put several cells in each pixel and
 * cost the page a long task to build and paint; it is drawn at this resolution instead.
 */
export const STRIP_MAX_CELLS = 500;

/**
 * A vector at most `budget` cells long: runs of `per` neighbours, each drawn as its component of
 * largest magnitude (sign kept), so that no strong component is averaged away. Shorter vectors
 * come back as they are (per = 1). Non-finite components are skipped (a run of only those: NaN).
 */
export function stripCells(values: ArrayLike<number>, budget = STRIP_MAX_CELLS): { cells: ArrayLike<number>; per: number } {
  const n = values.length;
  if (n <= budget) return { cells: values, per: 1 };
  const per = Math.ceil(n / budget);
  const cells = new Float64Array(Math.ceil(n / per));
  for (let c = 0; c < cells.length; c++) {
    let best = Number.NaN;
    for (let k = c * per; k < Math.min(n, (c + 1) * per); k++) {
      const v = values[k] as number;
      if (Number.isFinite(v) && !(Math.abs(v) <= Math.abs(best))) best = v;
    }
    cells[c] = best;
  }
  return { cells, per };
}

/**
 * One vector as a strip of cells: hue by sign, opacity by √(|v| / max) (so that small components
 * stay visible), in steps of 1/STRIP_LEVELS; past STRIP_MAX_CELLS components, at that resolution
 * (`stripCells`). `split` draws a divider before that index (the forward/backward halves).
 */
export function VectorStrip({ values, max, label, height = 14, split, className }: { values: ArrayLike<number>; max: number; label: string; height?: number; split?: number; className?: string }) {
  const n = values.length;
  const { paths, drawn, per } = useMemo(() => {
    const { cells, per: p } = stripCells(values);
    return { paths: stripPaths(cells, max), drawn: cells.length, per: p };
  }, [values, max]);
  const width = Math.max(drawn, 1);
  return (
    <svg className={`vs${className ? ` ${className}` : ''}`} role="img" aria-label={label} viewBox={`0 0 ${width} 1`} preserveAspectRatio="none" width="100%" height={height} data-count={n} data-cells={drawn}>
      {paths.map((p) => (
        <path key={`${p.sign}${p.level}`} className={`vs-cell ${p.sign}`} d={p.d} fillOpacity={p.level / STRIP_LEVELS} />
      ))}
      <rect className="vs-frame" x={0} y={0} width={width} height={1} vectorEffect="non-scaling-stroke" />
      {split !== undefined && split > 0 && split < n && <line className="vs-split" x1={split / per} x2={split / per} y1={0} y2={1} vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}

/** "+ purple  − orange  paler = smaller": the legend every strip shares. */
export function SignLegend() {
  const t = useT();
  return (
    <p className="vs-legend note">
      <span className="vs-key">
        <span className="vs-swatch pos" aria-hidden="true" /> {t('vs.positive')}
      </span>
      <span className="vs-key">
        <span className="vs-swatch neg" aria-hidden="true" /> {t('vs.negative')}
      </span>
      <span className="vs-key">· {t('vs.opacity')}</span>
    </p>
  );
}

/** A vector's components as an ordered list (the numbers behind a strip). */
export function NumberList({ values, start }: { values: ArrayLike<number>; start: number }) {
  return (
    <ol className="pnl-numbers num" start={start}>
      {Array.from(values, (v, k) => (
        <li key={k}>{fmt(v as number, 3)}</li>
      ))}
    </ol>
  );
}

interface Contribution {
  j: number;
  alpha: number;
  values: Float64Array;
  norm: number;
}

/** α_ij·h_j for every source word j (h_j from the trace's annotations). */
export function contributions(trace: Trace, weights: Vec, exact?: Vec): Contribution[] {
  const H2 = 2 * trace.hidden;
  const out: Contribution[] = [];
  for (let j = 0; j < trace.srcLen; j++) {
    const alpha = weights[j];
    const values = new Float64Array(H2);
    // the word view carries each word's exact share; otherwise α_ij·h_j
    if (exact) for (let k = 0; k < H2; k++) values[k] = exact[j * H2 + k];
    else for (let k = 0; k < H2; k++) values[k] = alpha * trace.annotations[j * H2 + k];
    out.push({ j, alpha, values, norm: l2(values) });
  }
  return out;
}

export function ContextVector() {
  const t = useT();
  const analysis = useAnalysis();
  const trace = analysis?.trace ?? null;
  const i = useStep();
  const step = trace?.steps[i] ?? null;
  const parts = useMemo(() => (trace && step?.weights ? contributions(trace, step.weights, step.contributions) : null), [trace, step]);
  if (!analysis) return null;
  if (!trace || !step) return panelEmpty(<Notation text={t('context.title', { i: 'i' })} />);
  const n = i + 1;
  const H = trace.hidden;
  const variant = trace.variant;
  const title = <Notation text={t('context.title', { i: n })} />;
  // values that are not the annotations themselves (W_v h_j, or a Transformer head's values): no →/← halves
  const scaled = variant === 'scaled-dot' || trace.family === 'transformer';
  // one scale per sentence: the largest |component| of any annotation (c_i and every α_ij h_j are
  // within it), or of c_i and the weighted values for scaled-dot
  const max = scaled ? maxAbs(step.context, ...(parts ?? []).map((p) => p.values)) : maxAbs(trace.annotations);
  const cLabel = t('cv.stripLabel', { i: n, n: 2 * H, norm: fmt(l2(step.context), 2) });
  const halves = !scaled && (
    <div className="cv-halves" aria-hidden="true">
      <span>{variant === 'none' ? <Notation text="→h_Tx" /> : t('context.forward')}</span>
      <span>{variant === 'none' ? <Notation text="←h_1" /> : t('context.backward')}</span>
    </div>
  );

  if (variant === 'none' || !parts) {
    return (
      <PanelSection title={title} className="cv">
        <p className="note">{t('cv.none')}</p>
        <div className="cv-c">
          <div className="cv-c-label">
            <Notation text={`c = [→h_Tx ; ←h_1]`} />
          </div>
          {halves}
          <VectorStrip values={step.context} max={max} label={cLabel} height={22} split={H} className="cv-c-strip" />
        </div>
        <SignLegend />
      </PanelSection>
    );
  }

  // the rows drawn: every word, or the largest contributors (in source order) past the cap
  const byNorm = [...parts].sort((a, b) => b.norm - a.norm);
  const largest = byNorm[0]?.norm ?? 0;
  const top = new Set(
    byNorm
      .filter((p) => p.norm > 0 && p.norm >= TOP_SHARE * largest)
      .slice(0, TOP_CONTRIBUTORS)
      .map((p) => p.j),
  );
  const shown = parts.length > MAX_CONTRIBUTION_ROWS ? new Set(byNorm.slice(0, MAX_CONTRIBUTION_ROWS).map((p) => p.j)) : null;
  const rows = shown ? parts.filter((p) => shown.has(p.j)) : parts;
  // the per-word strips add up to c_i (before W_v for scaled-dot)
  let drift = 0;
  if (!scaled) {
    for (let k = 0; k < 2 * H; k++) {
      let s = 0;
      for (const p of parts) s += p.values[k];
      drift = Math.max(drift, Math.abs(s - step.context[k]));
    }
  }

  return (
    <PanelSection title={title} className="cv">
      <p className="note">
        <Notation text={scaled ? t('cv.helpScaled') : t('context.help')} />
      </p>
      <div className="cv-c">
        <div className="cv-c-label">
          <Notation text={`c_${n}`} /> <span className="muted">{t('punct.paren', { text: t('cv.norm', { norm: fmt(l2(step.context), 2) }) })}</span>
        </div>
        {halves}
        <VectorStrip values={step.context} max={max} label={cLabel} height={22} split={scaled ? undefined : H} className="cv-c-strip" />
      </div>
      <h3 className="pnl-h3">{rich(t('cv.partsTitle'), {}, true)}</h3>
      <ul className="cv-rows">
        {rows.map((p) => {
          const token = trace.sourceTokens[p.j] ?? '';
          const isTop = top.has(p.j);
          return (
            <li key={p.j} className={`cv-row${isTop ? ' cv-top' : ''}`}>
              <span className="cv-tok">
                {isTop && (
                  <span className="cv-star" aria-hidden="true">
                    ★{' '}
                  </span>
                )}
                <Tok token={token} unknown={trace.sourceUnknown[p.j] ?? false} />
                {isTop && <span className="sr-only"> {t('cv.topSr')}</span>}
              </span>
              <VectorStrip values={p.values} max={max} label={t('cv.rowLabel', { token, alpha: fmt(p.alpha, 2), norm: fmt(p.norm, 2) })} split={scaled ? undefined : H} />
              <span className="cv-alpha num">
                <span className="sr-only">α = </span>
                {fmt(p.alpha, 2)}
              </span>
            </li>
          );
        })}
      </ul>
      {shown && <p className="note">{t('cv.capped', { shown: rows.length, total: parts.length })}</p>}
      {!scaled && <p className="note">{t('cv.sumCheck', { drift: drift.toExponential(1) })}</p>}
      <SignLegend />
      <LazyDetails summary={t('cv.numbers', { n: 2 * H })}>
        {() =>
          scaled ? (
            <NumberList values={step.context} start={1} />
          ) : (
            <>
              <h4 className="pnl-h4">{t('context.forward')}</h4>
              <NumberList values={step.context.subarray(0, H)} start={1} />
              <h4 className="pnl-h4">{t('context.backward')}</h4>
              <NumberList values={step.context.subarray(H)} start={H + 1} />
            </>
          )
        }
      </LazyDetails>
    </PanelSection>
  );
}
