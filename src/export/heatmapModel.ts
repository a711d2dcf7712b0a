// The heatmap's view-model (docs/ARCHITECTURE.md, "Sharing"): what every drawing of the alignment
// shares, so that the page's grid, its canvases (its cells past 600, the whole image past 6,400),
// its table and the exported SVG, PNG and animation frames agree cell for cell: which value sits
// at display cell (r, c) with or without the transpose, and which colour it gets (the colour
// domain and scale, the palette's interpolator, the fill of a missing value). Pure: no DOM, no
// React.

import { scaleSequential } from 'd3-scale';
import { interpolateCividis, interpolateViridis } from 'd3-scale-chromatic';
import type { Palette, ValuesKind } from './permalink';

/** Fill of a cell whose value is not a finite number. */
export const MISSING_FILL = '#8c8c8c';

/** What a heatmap shows: rows are target steps, columns source positions. */
export interface HeatmapValues {
  values: ReadonlyArray<ArrayLike<number>>;
  sourceTokens: readonly string[];
  targetTokens: readonly string[];
}

/** The grid as drawn: display rows and columns, their labels, and the value at each display cell. */
export interface HeatmapLayout {
  nRows: number;
  nCols: number;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** Display cell (r, c) → (target step i, source position j). */
  toIJ(r: number, c: number): { i: number; j: number };
  value(r: number, c: number): number;
}

/** The paper's orientation (target steps down, source across), or transposed (source down). */
export function heatmapLayout(h: HeatmapValues, transpose: boolean): HeatmapLayout {
  const ty = h.targetTokens.length;
  const tx = h.sourceTokens.length;
  const val = (i: number, j: number): number => {
    const row = h.values[i];
    return row ? (row[j] ?? NaN) : NaN;
  };
  return transpose
    ? { nRows: tx, nCols: ty, rowLabels: h.sourceTokens, colLabels: h.targetTokens, toIJ: (r, c) => ({ i: c, j: r }), value: (r, c) => val(c, r) }
    : { nRows: ty, nCols: tx, rowLabels: h.targetTokens, colLabels: h.sourceTokens, toIJ: (r, c) => ({ i: r, j: c }), value: (r, c) => val(r, c) };
}

export type ColourFn = (v: number) => string;

/** The colour-blind-safe sequential palettes (cividis, viridis) as functions of t in [0, 1]. */
export function interpolator(palette: Palette): (t: number) => string {
  return palette === 'viridis' ? interpolateViridis : interpolateCividis;
}

/** Value → fill over `domain` (clamped); a value that is not finite gets MISSING_FILL. */
export function colourScale(palette: Palette, domain: [number, number]): ColourFn {
  const scale = scaleSequential(interpolator(palette)).domain(domain).clamp(true);
  return (v) => (Number.isFinite(v) ? scale(v) : MISSING_FILL);
}

/** The value range the colours span: [0, 1] for weights; the finite min and max for scores. */
export function colourDomain(values: ReadonlyArray<ArrayLike<number>>, kind: ValuesKind): [number, number] {
  if (kind === 'weights') return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of values) {
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}
