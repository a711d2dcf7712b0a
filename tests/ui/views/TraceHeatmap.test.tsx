// @vitest-environment jsdom
// The read-only heatmap the compare and story views show (exported from panels/Heatmap.tsx): the
// explorer's ARIA grid, with its own focus, no edits, no store writes, and a colour domain that
// several heatmaps can share.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../src/model/analysis';
import { useStore } from '../../../src/store/store';
import { TraceHeatmap } from '../../../src/ui/panels/Heatmap';
import { loadedModel, resetStore, SOURCE } from '../panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

async function traceOf(variant: 'additive' | 'dot' | 'none', target = 'le chat assis .') {
  const model = await loadedModel(variant);
  return analyse({ model, source: SOURCE, target, decoding: 'greedy', beamWidth: 1, edits: new Map() }).trace!;
}

describe('TraceHeatmap', () => {
  it('is a labelled grid with one tab stop; the keys move its own focus and leave the store alone', async () => {
    const trace = await traceOf('additive');
    const before = useStore.getState();
    render(<TraceHeatmap trace={trace} palette="cividis" label="Additive: weights α" />);
    const grid = screen.getByRole('grid', { name: 'Additive: weights α' });
    const cells = within(grid).getAllByRole('gridcell').filter((c) => c.classList.contains('hm-cell'));
    expect(cells).toHaveLength(trace.steps.length * trace.srcLen);
    const first = cells.find((c) => c.tabIndex === 0) as HTMLElement;
    first.focus();
    fireEvent.focus(first);
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('aria-label')).toMatch(/^chat ↔ cat: /);
    fireEvent.keyDown(document.activeElement as Element, { key: 'Enter' });
    expect(document.querySelector('[aria-live="polite"]')?.textContent).toMatch(/^chat ↔ cat: /);
    const after = useStore.getState();
    expect(after.focus).toBe(before.focus);
    expect(after.step).toBe(before.step);
    expect(after.edits).toEqual({});
    // no row is dimmed or outlined as the current step
    expect(grid.querySelector('.hm-row.future, .hm-row.current')).toBeNull();
  });

  it('outlines the marked cells and names them', async () => {
    const trace = await traceOf('additive');
    render(<TraceHeatmap trace={trace} palette="cividis" label="x" marked={(i, j) => i === 1 && j === 1} markedLabel="look here" />);
    const marked = screen.getAllByRole('gridcell').filter((c) => c.classList.contains('marked'));
    expect(marked.map((c) => c.getAttribute('aria-label'))).toEqual([expect.stringMatching(/^chat ↔ cat: \d\.\d\d \(look here\)$/)]);
  });

  it('colours by the domain it is given, so that two heatmaps share one scale', async () => {
    const a = await traceOf('additive');
    const d = await traceOf('dot');
    const domain: [number, number] = [-50, 50];
    render(
      <>
        <TraceHeatmap trace={a} values="scores" palette="viridis" domain={domain} label="A" />
        <TraceHeatmap trace={d} values="scores" palette="viridis" domain={domain} label="D" />
      </>,
    );
    const ticks = [...document.querySelectorAll('.colourbar-ticks')].map((el) => [...el.children].map((c) => c.textContent));
    expect(ticks).toEqual([
      ['−50.0', '−25.0', '0.0', '25.0', '50.0'],
      ['−50.0', '−25.0', '0.0', '25.0', '50.0'],
    ]);
    for (const name of ['A', 'D']) expect(screen.getByRole('grid', { name })).toBeTruthy();
  });

  it('says so for a model without attention', async () => {
    render(<TraceHeatmap trace={await traceOf('none')} palette="cividis" label="none" />);
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.getByRole('note').textContent).toMatch(/no attention/);
  });
});
