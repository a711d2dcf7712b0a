// @vitest-environment jsdom
// The heatmap view-model (src/export/heatmapModel.ts): one layout and one colour scale for the
// page's grid, canvas and table and the exported SVG. Checked here: the transpose maps every
// display cell back to the same (i, j) value, missing values get the missing fill, and the SVG
// export draws each cell in exactly the colour the page's grid gives it.
import { describe, expect, it } from 'vitest';
import { buildHeatmapSvg } from '../../src/export/heatmapSvg';
import { colourDomain, colourScale, heatmapLayout, MISSING_FILL } from '../../src/export/heatmapModel';

const values = [
  [0.7, 0.2, 0.1],
  [0.1, NaN, 0.6],
];
const h = { values, sourceTokens: ['a', 'b', 'c'], targetTokens: ['x', 'y'] };

describe('heatmapLayout', () => {
  it('maps display cells to (i, j) and the same value in both orientations', () => {
    for (const transpose of [false, true]) {
      const l = heatmapLayout(h, transpose);
      expect([l.nRows, l.nCols]).toEqual(transpose ? [3, 2] : [2, 3]);
      expect(l.rowLabels).toEqual(transpose ? h.sourceTokens : h.targetTokens);
      for (let r = 0; r < l.nRows; r++) {
        for (let c = 0; c < l.nCols; c++) {
          const { i, j } = l.toIJ(r, c);
          expect(Object.is(l.value(r, c), values[i]?.[j])).toBe(true);
        }
      }
    }
  });

  it('gives NaN for a cell outside ragged rows instead of throwing', () => {
    const l = heatmapLayout({ values: [[0.5]], sourceTokens: ['a', 'b'], targetTokens: ['x', 'y'] }, false);
    expect(l.value(0, 1)).toBeNaN();
    expect(l.value(1, 0)).toBeNaN();
  });
});

describe('colourScale', () => {
  it('clamps to the domain and gives missing values the missing fill', () => {
    const c = colourScale('cividis', [0, 1]);
    expect(c(2)).toBe(c(1));
    expect(c(-1)).toBe(c(0));
    expect(c(NaN)).toBe(MISSING_FILL);
    expect(c(Infinity)).toBe(MISSING_FILL);
    expect(c(0)).not.toBe(c(1));
  });

  it('the exported SVG colours each cell exactly as the page grid does, transposed or not', () => {
    for (const transpose of [false, true]) {
      for (const kind of ['weights', 'scores'] as const) {
        const { svg } = buildHeatmapSvg({ ...h, kind, palette: 'viridis', transpose, caption: { model: 'm', variant: 'v', sentence: 's' }, theme: 'light' });
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        const fills = [...doc.querySelectorAll('g.cells rect')].map((r) => r.getAttribute('fill'));
        const l = heatmapLayout(h, transpose);
        const colour = colourScale('viridis', colourDomain(values, kind));
        const expected: string[] = [];
        for (let r = 0; r < l.nRows; r++) for (let c = 0; c < l.nCols; c++) expected.push(colour(l.value(r, c)));
        expect(fills).toEqual(expected);
      }
    }
  });
});
