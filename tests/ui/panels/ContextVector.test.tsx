// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render as renderStrip } from '@testing-library/react';
import { ContextVector, contributions, maxAbs, STRIP_LEVELS, STRIP_MAX_CELLS, stripCells, stripPaths, TOP_CONTRIBUTORS, TOP_SHARE, VectorStrip } from '../../../src/ui/panels/ContextVector';
import { SMALL } from '../../model/fixtures';
import { resetStore, setUp, currentTrace } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

const H2 = 2 * SMALL.hidden;
const trace = currentTrace;

/** The cells a strip draws: unit index → its path's sign and opacity, from the path data. */
function drawnCells(svg: Element): Map<number, { sign: string; opacity: number }> {
  const cells = new Map<number, { sign: string; opacity: number }>();
  for (const path of svg.querySelectorAll('path.vs-cell')) {
    const sign = path.classList.contains('pos') ? 'pos' : 'neg';
    const opacity = Number(path.getAttribute('fill-opacity'));
    for (const m of (path.getAttribute('d') ?? '').matchAll(/M(\d+) 0h1\.02v1h-1\.02z/g)) {
      const k = Number(m[1]);
      expect(cells.has(k), `cell ${k} drawn twice`).toBe(false);
      cells.set(k, { sign, opacity });
    }
  }
  return cells;
}

/** Every visible value is drawn once, with its sign and √(|v|/max) to the nearest step (max: the panel's, over all annotations). */
function expectStripShows(svg: Element, values: ArrayLike<number>): void {
  const n = values.length;
  expect(svg.getAttribute('data-count')).toBe(String(n));
  const max = maxAbs(trace().annotations);
  const cells = drawnCells(svg);
  for (let k = 0; k < n; k++) {
    const v = values[k] as number;
    const want = Math.sqrt(Math.abs(v) / max);
    const got = cells.get(k);
    if (want * STRIP_LEVELS < 0.5) expect(got).toBeUndefined();
    else {
      expect(got?.sign).toBe(v >= 0 ? 'pos' : 'neg');
      expect(Math.abs((got?.opacity ?? -1) - want)).toBeLessThanOrEqual(0.5 / STRIP_LEVELS + 1e-9);
    }
  }
  // a handful of paths, not one element per value
  expect(svg.querySelectorAll('path.vs-cell').length).toBeLessThanOrEqual(2 * STRIP_LEVELS);
  expect(svg.querySelectorAll('rect.vs-cell')).toHaveLength(0);
}

describe('ContextVector', () => {
  it('draws c_i as a strip of 2H cells, split into forward and backward halves', async () => {
    await setUp('additive');
    render(<ContextVector />);
    const strip = screen.getByRole('img', { name: /context vector c at step 1/i });
    expectStripShows(strip, trace().steps[0]?.context as Float32Array);
    expect(strip.querySelector('line.vs-split')?.getAttribute('x1')).toBe(String(SMALL.hidden));
    expect(screen.getAllByText(/forward half →h/).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/backward half ←h/).length).toBeGreaterThan(0);
    // the numbers behind the strip: 2H of them, built when the reader opens them
    expect(document.querySelectorAll('.pnl-numbers li')).toHaveLength(0);
    fireEvent.click(screen.getByText(/numbers/i, { selector: 'summary' }));
    await waitFor(() => expect(document.querySelectorAll('.pnl-numbers li')).toHaveLength(H2));
  });

  it('stacks one α_ij·h_j strip per source word and marks the largest contributors', async () => {
    await setUp('additive');
    render(<ContextVector />);
    const tr = trace();
    const rows = document.querySelectorAll('li.cv-row');
    expect(rows).toHaveLength(tr.srcLen);
    const parts = contributions(tr, tr.steps[0]?.weights as Float32Array);
    rows.forEach((r) => expect(r.querySelector('svg')?.getAttribute('data-count')).toBe(String(H2)));
    const best = [...parts].sort((a, b) => b.norm - a.norm)[0];
    const top = Array.from(document.querySelectorAll('li.cv-row.cv-top'));
    const expected = Math.min(TOP_CONTRIBUTORS, parts.filter((p) => p.norm >= TOP_SHARE * (best?.norm ?? 0)).length);
    expect(expected).toBeGreaterThan(0);
    expect(top).toHaveLength(expected);
    expect(top.some((li) => li === rows[best?.j ?? -1])).toBe(true);
    expect(top[0]?.textContent).toContain('(one of the largest contributors)');
    // the strips add up to c_i
    for (let k = 0; k < H2; k++) {
      const s = parts.reduce((acc, p) => acc + (p.values[k] as number), 0);
      expect(Math.abs(s - (tr.steps[0]?.context[k] as number))).toBeLessThan(1e-5);
    }
    expect(screen.getByText(/the strips add up to c/i)).toBeTruthy();
  });

  it('explains the fixed summary vector of the none variant', async () => {
    await setUp('none');
    render(<ContextVector />);
    expect(screen.getByText(/the decoder reads this same summary vector at every step/i)).toBeTruthy();
    expectStripShows(screen.getByRole('img', { name: /context vector c/i }), trace().steps[0]?.context as Float32Array);
    expect(document.querySelectorAll('li.cv-row')).toHaveLength(0);
  });

  it('says that scaled-dot shows the shares before the value projection', async () => {
    await setUp('scaled-dot');
    render(<ContextVector />);
    expect(screen.getByText(/before that projection/i)).toBeTruthy();
    expect(document.querySelectorAll('li.cv-row')).toHaveLength(trace().srcLen);
  });
});

describe('stripPaths', () => {
  it('groups cells by sign and opacity step, skips invisible and non-finite ones, and keeps each cell once', () => {
    const values = [1, -1, 0.25, -0.25, 0, 1e-6, Number.NaN, Number.POSITIVE_INFINITY, 0.2500001];
    const paths = stripPaths(values, 1);
    const where = new Map<number, { sign: string; level: number }>();
    for (const p of paths) for (const k of p.cells) where.set(k, { sign: p.sign, level: p.level });
    expect(where.get(0)).toEqual({ sign: 'pos', level: STRIP_LEVELS });
    expect(where.get(1)).toEqual({ sign: 'neg', level: STRIP_LEVELS });
    expect(where.get(2)).toEqual({ sign: 'pos', level: STRIP_LEVELS / 2 });
    expect(where.get(3)).toEqual({ sign: 'neg', level: STRIP_LEVELS / 2 });
    for (const k of [4, 5, 6, 7]) expect(where.has(k)).toBe(false);
    // 0.25 and 0.2500001 share a path
    expect(paths.find((p) => p.cells.includes(2))?.cells).toEqual([2, 8]);
    expect(paths).toHaveLength(4);
    // a zero or negative max does not divide by zero
    expect(stripPaths([0.5], 0)[0]?.level).toBe(Math.round(Math.sqrt(0.5) * STRIP_LEVELS));
  });
});

describe('long vectors', () => {
  it('stripCells keeps a short vector and draws a long one as its largest-magnitude runs', () => {
    const short = [0.1, -0.2];
    expect(stripCells(short)).toEqual({ cells: short, per: 1 });
    const n = 2000;
    const values = Float64Array.from({ length: n }, (_, k) => (k % 7 === 3 ? -0.9 : 0.01 * (k % 5)));
    values[1001] = Number.NaN;
    const { cells, per } = stripCells(values);
    expect(per).toBe(Math.ceil(n / STRIP_MAX_CELLS));
    expect(cells.length).toBeLessThanOrEqual(STRIP_MAX_CELLS);
    for (let c = 0; c < cells.length; c++) {
      const run = Array.from(values.subarray(c * per, (c + 1) * per)).filter(Number.isFinite);
      const want = run.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      expect(cells[c]).toBe(want);
    }
    // a run of nothing finite stays empty
    expect(Number.isNaN(stripCells(Float64Array.from({ length: 1000 }, () => Number.NaN)).cells[0] as number)).toBe(true);
  });

  it('a 2,000-component strip says how many components it shows and draws at most STRIP_MAX_CELLS cells', () => {
    const values = Float64Array.from({ length: 2000 }, (_, k) => Math.sin(k));
    const { container } = renderStrip(<VectorStrip values={values} max={1} label="c" split={1000} />);
    const svg = container.querySelector('svg') as SVGSVGElement;
    expect(svg.getAttribute('data-count')).toBe('2000');
    expect(Number(svg.getAttribute('data-cells'))).toBeLessThanOrEqual(STRIP_MAX_CELLS);
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${svg.getAttribute('data-cells')} 1`);
    // the halves' divider stays between the halves
    expect(Number(svg.querySelector('line.vs-split')?.getAttribute('x1'))).toBe(Number(svg.getAttribute('data-cells')) / 2);
  });
});
