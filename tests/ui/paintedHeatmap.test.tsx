// @vitest-environment jsdom
// A large heatmap (past PAINTED_CELLS) paints its cells on one canvas and renders only the cell
// with the tab stop (src/ui/panels/Heatmap.tsx, PaintedRows): what it paints, and that the
// keyboard, the pointer and the ARIA grid still work as in the small grid.
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../src/store/store';
import { colourScale, valueDomain } from '../../src/ui/colour';
import { Heatmap, PAINTED_CELLS } from '../../src/ui/panels/Heatmap';
import { currentTrace, resetStore, setUp } from './panels/helpers';

const LONG = Array.from({ length: 5 }, () => 'the cat sat on the mat .').join(' ');
const LONG_TARGET = Array.from({ length: 5 }, () => 'le chat est sur le tapis .').join(' ');

interface Rect {
  x: number;
  y: number;
  alpha: number;
  fill: string;
}

/** A 2D context that records the rectangles filled: jsdom has no canvas of its own. */
function recordingContext(): { rects: Rect[]; strokes: number } {
  const log = { rects: [] as Rect[], strokes: 0 };
  const ctx = {
    globalAlpha: 1,
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    setTransform: () => {},
    clearRect: () => {
      log.rects.length = 0;
      log.strokes = 0;
    },
    fillRect(x: number, y: number) {
      log.rects.push({ x, y, alpha: this.globalAlpha, fill: this.fillStyle });
    },
    strokeRect: () => {
      log.strokes++;
    },
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => ctx) as never);
  return log;
}

beforeEach(resetStore);
afterEach(() => {
  resetStore();
  vi.restoreAllMocks();
});

describe('a painted heatmap', () => {
  it('paints every cell, dims later steps, outlines the current one, and renders one cell element', async () => {
    const log = recordingContext();
    await act(() => setUp('additive', LONG, LONG_TARGET));
    const tr = currentTrace();
    const cells = tr.steps.length * tr.srcLen;
    expect(cells).toBeGreaterThan(PAINTED_CELLS);
    await act(async () => useStore.getState().setStep(3));
    render(<Heatmap />);
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe(String(tr.steps.length + 2));
    expect(grid.getAttribute('aria-colcount')).toBe(String(tr.srcLen + 2));
    // the one cell with the tab stop, where its row and column say
    const live = grid.querySelectorAll('.hm-cell');
    expect(live).toHaveLength(1);
    expect((live[0] as HTMLElement).tabIndex).toBe(0);
    // every row keeps its header (and the foot its own), and the figures column
    expect(within(grid).getAllByRole('rowheader')).toHaveLength(tr.steps.length + 1);
    expect(document.querySelector('.hm-row.current .hm-rowhead')?.textContent).toBe(tr.targetTokens[3]);
    // fills: one per cell, at 35% after the current step
    const fills = log.rects.slice(0, cells);
    expect(fills).toHaveLength(cells);
    const cell = (fills[1]?.x ?? 0) - (fills[0]?.x ?? 0);
    expect(cell).toBeGreaterThan(0);
    const dimmed = fills.filter((f) => f.alpha < 1);
    expect(dimmed).toHaveLength((tr.steps.length - 4) * tr.srcLen);
    expect(dimmed.every((f) => f.y > 4 * cell)).toBe(true);
    expect(log.rects).toHaveLength(cells);
    // the current step's outline: a band over row 3
    const band = document.querySelector('.hm-band') as HTMLElement;
    expect([parseFloat(band.style.top), parseFloat(band.style.height)]).toEqual([3 * cell, cell]);
    // each fill is its value's colour on the palette, row by row
    const state = useStore.getState();
    const colour = colourScale(state.palette, valueDomain(tr.steps.map((st) => st.weights as Float32Array), 'weights'));
    const expected = tr.steps.flatMap((st) => Array.from(st.weights ?? [], (v) => colour(v)));
    expect(fills.map((f) => f.fill)).toEqual(expected);
  });

  it('moves its one cell with the keyboard and the pointer, and edits on a double click', async () => {
    recordingContext();
    await act(() => setUp('additive', LONG, LONG_TARGET));
    render(<Heatmap />);
    const grid = screen.getByRole('grid');
    const liveCell = (): HTMLElement => grid.querySelector('.hm-cell') as HTMLElement;
    act(() => liveCell().focus());
    fireEvent.keyDown(liveCell(), { key: 'ArrowDown' });
    fireEvent.keyDown(liveCell(), { key: 'ArrowRight' });
    fireEvent.keyDown(liveCell(), { key: 'ArrowRight' });
    expect(liveCell().dataset.cell).toBe('1,2');
    expect(document.activeElement).toBe(liveCell());
    expect(liveCell().getAttribute('aria-colindex')).toBe('4');
    expect(liveCell().closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe('3');
    const tr = currentTrace();
    expect(liveCell().getAttribute('aria-label')).toMatch(new RegExp(`^${tr.targetTokens[1]} ↔ ${tr.sourceTokens[2]}`));
    expect(useStore.getState().focus).toEqual({ i: 1, j: 2 });
    expect(useStore.getState().step).toBe(1);
    // the pointer: a click on the canvas picks the cell under it (jsdom puts the canvas at 0, 0)
    const canvas = document.querySelector('canvas.hm-paint') as HTMLCanvasElement;
    const cell = parseFloat(canvas.style.width) / tr.srcLen;
    fireEvent.click(canvas, { clientX: 5.5 * cell, clientY: 7.5 * cell });
    expect(liveCell().dataset.cell).toBe('7,5');
    expect(document.activeElement).toBe(liveCell());
    expect(useStore.getState().focus).toEqual({ i: 7, j: 5 });
    // the tooltip names the cell under the pointer
    fireEvent.mouseMove(canvas, { clientX: 0.5 * cell, clientY: 2.5 * cell });
    expect(canvas.title).toMatch(new RegExp(`^${tr.targetTokens[2]} ↔ ${tr.sourceTokens[0]}`));
    // a double click puts all of that step's weight on that word
    fireEvent.doubleClick(canvas, { clientX: 3.5 * cell, clientY: 2.5 * cell });
    const row = Array.from(currentTrace().steps[2]?.weights ?? []);
    expect(row[3]).toBe(1);
    expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    // outside the cells: nothing changes
    fireEvent.click(canvas, { clientX: -4, clientY: 2 });
    expect(useStore.getState().focus).toEqual({ i: 7, j: 5 });
  });

  it('dims and outlines columns when transposed', async () => {
    const log = recordingContext();
    await act(() => setUp('additive', LONG, LONG_TARGET));
    await act(async () => useStore.getState().setStep(2));
    useStore.getState().setView({ transpose: true });
    render(<Heatmap />);
    const tr = currentTrace();
    const cells = tr.steps.length * tr.srcLen;
    const fills = log.rects.slice(0, cells);
    const cell = (fills[1]?.x ?? 0) - (fills[0]?.x ?? 0);
    expect(fills.filter((f) => f.alpha < 1)).toHaveLength((tr.steps.length - 3) * tr.srcLen);
    expect(fills.filter((f) => f.alpha < 1).every((f) => f.x > 3 * cell)).toBe(true);
    const band = document.querySelector('.hm-band.hm-band-col') as HTMLElement;
    const canvas = document.querySelector('canvas.hm-paint') as HTMLCanvasElement;
    expect(parseFloat(band.style.left) - parseFloat(canvas.style.left)).toBe(2 * cell);
    expect(parseFloat(band.style.width)).toBe(cell);
    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toContain('mat');
  });
});

describe('a large heatmap without a canvas', () => {
  it('renders its cells as elements when the browser gives no 2D context', async () => {
    // tests/setup/canvas.ts: getContext returns null, as a browser blocking canvases does
    await act(() => setUp('additive', LONG, LONG_TARGET));
    render(<Heatmap />);
    const tr = currentTrace();
    const grid = screen.getByRole('grid');
    expect(grid.querySelectorAll('.hm-cell')).toHaveLength(tr.steps.length * tr.srcLen);
    expect(grid.querySelector('canvas')).toBeNull();
    const last = grid.querySelector(`[data-cell="0,${tr.srcLen - 1}"]`) as HTMLElement;
    expect(last.getAttribute('aria-label')).toMatch(new RegExp(`^${tr.targetTokens[0]} ↔ ${tr.sourceTokens[tr.srcLen - 1]}`));
  });
});
