// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../src/store/store';
import { Heatmap } from '../../src/ui/panels/Heatmap';
import { resetStore, setUp, currentTrace } from './panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

const trace = currentTrace;

describe('Heatmap', () => {
  it('follows the ARIA grid pattern: target rows × source columns, one tab stop, named cells', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    render(<Heatmap />);
    const grid = screen.getByRole('grid');
    const cells = within(grid).getAllByRole('gridcell').filter((c) => c.classList.contains('hm-cell'));
    const tr = trace();
    expect(cells).toHaveLength(tr.steps.length * tr.srcLen);
    expect(cells.filter((c) => c.tabIndex === 0)).toHaveLength(1);
    const w = tr.steps[1]?.weights?.[1] as number;
    expect(screen.getByRole('gridcell', { name: `chat ↔ cat: ${w.toFixed(2)}` })).toBeTruthy();
    expect(within(grid).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(expect.arrayContaining(['the', 'cat', 'sat', '.', '</s>']));
    expect(within(grid).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(expect.arrayContaining(['le', 'chat', '.', '</s>']));
    // both axes named in the paper's notation: s_{i−1} and h_j with real subscripts
    const rows = document.querySelector('.hm-axis-rows');
    const cols = document.querySelector('.hm-axis-cols');
    expect(rows?.textContent).toBe('target step i · query si−1 ↓');
    expect(Array.from(rows?.querySelectorAll('sub') ?? [], (n) => n.textContent)).toEqual(['i−1']);
    expect(cols?.textContent).toBe('source j · annotation hj →');
    expect(Array.from(cols?.querySelectorAll('sub') ?? [], (n) => n.textContent)).toEqual(['j']);
  });

  it('arrow keys, Home and End move the focus and the step; Enter puts all weight on the cell', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    render(<Heatmap />);
    const first = screen.getAllByRole('gridcell').find((c) => c.tabIndex === 0) as HTMLElement;
    first.focus();
    fireEvent.focus(first);
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(useStore.getState().focus).toEqual({ i: 1, j: 0 });
    expect(useStore.getState().step).toBe(1);
    fireEvent.keyDown(document.activeElement as Element, { key: 'End' });
    expect(useStore.getState().focus).toEqual({ i: 1, j: 4 });
    fireEvent.keyDown(document.activeElement as Element, { key: 'Home' });
    expect(useStore.getState().focus).toEqual({ i: 1, j: 0 });
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowRight' });
    fireEvent.keyDown(document.activeElement as Element, { key: 'Enter' });
    const edited = trace().steps[1];
    expect(edited?.edited).toBe(true);
    expect(Array.from(edited?.weights ?? [])).toEqual([0, 1, 0, 0, 0]);
    // the live region announces the focused cell
    expect(document.querySelector('[aria-live="polite"]')?.textContent).toMatch(/↔/);
  });

  it('a click focuses a cell and its step, a double click puts all weight on it (also transposed)', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    const { rerender } = render(<Heatmap />);
    const cellAt = (name: RegExp): HTMLElement => screen.getByRole('gridcell', { name });
    fireEvent.click(cellAt(/^chat ↔ sat/));
    expect(useStore.getState().focus).toEqual({ i: 1, j: 2 });
    expect(useStore.getState().step).toBe(1);
    expect(cellAt(/^chat ↔ sat/).tabIndex).toBe(0);
    useStore.getState().setView({ transpose: true });
    rerender(<Heatmap />);
    // rows are source words now: the same cell keeps its (i, j)
    fireEvent.doubleClick(cellAt(/^le ↔ cat/));
    expect(Array.from(trace().steps[0]?.weights ?? [])).toEqual([0, 1, 0, 0, 0]);
    // a click between cells (a row header) changes nothing
    fireEvent.click(screen.getAllByRole('rowheader')[0] as HTMLElement);
    expect(useStore.getState().focus).toEqual({ i: 1, j: 2 });
  });

  it('transposes, shows raw scores, and offers a table view', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    const { rerender } = render(<Heatmap />);
    useStore.getState().setView({ transpose: true });
    rerender(<Heatmap />);
    const rows = screen.getAllByRole('rowheader').map((h) => h.textContent);
    expect(rows).toEqual(expect.arrayContaining(['the', 'cat', 'sat']));
    useStore.getState().setView({ values: 'scores', showTable: true, transpose: false });
    rerender(<Heatmap />);
    const table = screen.getByRole('table');
    expect(within(table).getByText(/scores e/)).toBeTruthy();
    const e = trace().steps[0]?.scores?.[0] as number;
    expect(within(table).getAllByText(e.toFixed(2).replace('-', '−')).length).toBeGreaterThan(0);
  });

  it('marks unknown source words and explains a model without attention', async () => {
    await setUp('additive', 'the zebra sat .');
    render(<Heatmap />);
    const unk = screen.getAllByRole('columnheader').filter((h) => h.classList.contains('unk'));
    expect(unk.map((h) => h.textContent)).toEqual(['zebra']);
    resetStore();
    await setUp('none', 'the cat sat .');
    render(<Heatmap />);
    expect(screen.getByRole('note').textContent).toMatch(/no attention/i);
  });

  it('draws a very large input on a canvas instead of 65k DOM cells', async () => {
    await setUp('additive', Array.from({ length: 120 }, () => 'cat').join(' '), Array.from({ length: 100 }, () => 'chat').join(' '));
    render(<Heatmap />);
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.getByRole('img', { name: /drawn as an image/ })).toBeTruthy();
  });
});
