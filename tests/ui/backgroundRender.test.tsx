// @vitest-environment jsdom
// A large analysis (past BACKGROUND_RENDER_CELLS) reaches the panels through useDeferredValue
// (src/ui/hooks.ts): each update still arrives, and every panel shows the same analysis and step.
import { act, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../src/store/store';
import { BACKGROUND_RENDER_CELLS } from '../../src/ui/hooks';
import { Heatmap } from '../../src/ui/panels/Heatmap';
import { StepWeights } from '../../src/ui/panels/StepWeights';
import { currentTrace, resetStore, setUp } from './panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

const LONG = Array.from({ length: 5 }, () => 'the cat sat on the mat .').join(' ');
const LONG_TARGET = Array.from({ length: 5 }, () => 'le chat est sur le tapis .').join(' ');

function shown(): { columns: string[]; rows: number; sliders: number; stepTitle: string } {
  const grid = screen.getByRole('grid');
  return {
    columns: within(grid).getAllByRole('columnheader').map((h) => h.textContent ?? ''),
    rows: within(grid).getAllByRole('rowheader').length,
    sliders: screen.getAllByRole('slider').length,
    stepTitle: screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent ?? '').find((t) => /Step \d+/.test(t)) ?? '',
  };
}

describe('rendering a large analysis in the background', () => {
  it('shows each new sentence and step in every panel alike', async () => {
    await act(() => setUp('additive', LONG, LONG_TARGET));
    const first = currentTrace();
    expect(first.steps.length * first.srcLen).toBeGreaterThan(BACKGROUND_RENDER_CELLS);
    render(
      <>
        <Heatmap />
        <StepWeights />
      </>,
    );
    expect(shown().sliders).toBe(first.srcLen);
    expect(shown().columns).toContain('mat');
    // a new source: the heatmap's columns and the step panel's sliders follow it
    await act(async () => useStore.getState().setSource(`${LONG} the dog sat .`));
    const second = currentTrace();
    expect(second.srcLen).toBe(first.srcLen + 4);
    expect(shown().sliders).toBe(second.srcLen);
    expect(shown().columns.filter((c) => c === 'sat')).toHaveLength(6);
    // a new step: the step panel's title and the heatmap's current row agree
    await act(async () => useStore.getState().setStep(3));
    expect(shown().stepTitle).toMatch(/Step 4\b/);
    expect(document.querySelector('.hm-row.current .hm-rowhead')?.textContent).toBe(second.targetTokens[3]);
  });
});
