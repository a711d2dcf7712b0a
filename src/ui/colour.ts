// Colour scales shared by the heatmap, the colour bar and the step panels: d3 computes, React
// draws. Colour-blind-safe sequential palettes (cividis, viridis); weights live on [0, 1], raw
// scores on their own finite range.

import { colourDomain } from '../export/heatmapModel';
import type { ValueKind } from '../store/store';

// the scales themselves are the heatmap view-model's, shared with the exported SVG
export { colourDomain, colourScale, interpolator, type ColourFn } from '../export/heatmapModel';

/** Black or white text, whichever reads better on a fill from these palettes. */
export function textOn(fill: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(fill) ?? /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(fill);
  if (!m) return '#000';
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => (fill.startsWith('rgb') ? Number(x) : parseInt(x as string, 16)));
  const lum = 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
  return lum > 140 ? '#111' : '#fff';
}

export function valueDomain(rows: ReadonlyArray<ArrayLike<number>>, kind: ValueKind): [number, number] {
  return colourDomain(rows, kind);
}
