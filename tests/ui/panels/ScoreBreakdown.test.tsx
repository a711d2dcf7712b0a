// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Variant } from '../../../src/model/config';
import { useStore } from '../../../src/store/store';
import { scoreTerms } from '../../../src/model/explain';
import { ScoreBreakdown } from '../../../src/ui/panels/ScoreBreakdown';
import { SMALL } from '../../model/fixtures';
import { resetStore, setUp, currentTrace } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

const trace = currentTrace;

function check(): { sum: number; score: number } {
  const el = screen.getByTestId('score-check');
  return { sum: Number(el.getAttribute('data-sum')), score: Number(el.getAttribute('data-score')) };
}

describe('ScoreBreakdown', () => {
  for (const variant of ['additive', 'dot', 'general', 'scaled-dot'] as const satisfies readonly Variant[]) {
    it(`${variant}: the per-unit terms add up to the trace's e_ij for every source word and step`, async () => {
      await setUp(variant);
      render(<ScoreBreakdown />);
      const tr = trace();
      const select = screen.getByRole('combobox', { name: /source word j/i }) as HTMLSelectElement;
      expect(select.options).toHaveLength(tr.srcLen);
      for (let i = 0; i < Math.min(3, tr.steps.length); i++) {
        act(() => useStore.getState().setStep(i));
        for (let j = 0; j < tr.srcLen; j++) {
          fireEvent.change(select, { target: { value: String(j) } });
          expect(useStore.getState().focus).toEqual({ i, j });
          const { sum, score } = check();
          expect(score).toBe(tr.steps[i]?.scores?.[j]);
          expect(Math.abs(sum - score), `step ${i}, word ${j}: Σ ${sum} vs e ${score}`).toBeLessThanOrEqual(1e-5);
        }
      }
      expect(screen.getByTestId('score-check').textContent).toMatch(/✓ agree/);
      // one bar per unit (A for additive / scaled-dot, H for dot / general)
      const units = variant === 'additive' || variant === 'scaled-dot' ? SMALL.alignment : SMALL.hidden;
      const bars = screen.getByRole('img', { name: /terms:/ });
      const drawn = Array.from(bars.querySelectorAll('path.sb-bar'), (p) => (p.getAttribute('d')?.match(/M/g) ?? []).length);
      expect(drawn.reduce((a, b) => a + b, 0)).toBe(units);
      expect(bars.querySelectorAll('path.sb-bar').length).toBeLessThanOrEqual(2);
      expect(screen.getByRole('heading', { level: 3 }).textContent).toMatch(variant === 'additive' ? /va ⊙ tanh\(Wa s\d+ \+ Ua h\d+\)/ : variant === 'scaled-dot' ? /√d/ : /⊙ k/);
    });
  }

  it('additive: shows W_a s_{i−1}, U_a h_j, their sum, tanh and v_a as strips of A cells', async () => {
    await setUp('additive');
    render(<ScoreBreakdown />);
    const strips = screen.getAllByRole('img', { name: /values$/ });
    expect(strips).toHaveLength(5);
    for (const s of strips) expect(s.getAttribute('data-count')).toBe(String(SMALL.alignment));
    expect(document.body.textContent).toContain('tanh(·)');
  });

  it('builds the table of per-unit numbers when it is opened: one row per unit, terms as in the bars', async () => {
    await setUp('additive');
    render(<ScoreBreakdown />);
    expect(document.querySelector('.pnl-table.num')).toBeNull();
    fireEvent.click(screen.getByText(/numbers/i, { selector: 'summary' }));
    const rows = await screen.findAllByRole('row');
    // a header row, then one per alignment unit
    expect(rows).toHaveLength(SMALL.alignment + 1);
    const lastCells = rows.slice(1).map((r) => Number(r.querySelector('td:last-child')?.textContent?.replace('−', '-')));
    const sum = lastCells.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - check().score)).toBeLessThan(1e-3 * SMALL.alignment);
  });

  it('falls back to the most-attended word of the current step, and follows the store focus', async () => {
    await setUp('additive');
    render(<ScoreBreakdown />);
    const tr = trace();
    const w = Array.from(tr.steps[0]?.weights ?? []);
    const best = w.indexOf(Math.max(...w));
    const select = screen.getByRole('combobox') as HTMLSelectElement;
    expect(select.value).toBe(String(best));
    const other = (best + 1) % tr.srcLen;
    act(() => useStore.getState().setFocus({ i: 0, j: other }));
    expect(select.value).toBe(String(other));
    expect(check().score).toBe(tr.steps[0]?.scores?.[other]);
    // a focus on another step does not apply to the current one
    act(() => useStore.getState().setStep(1));
    const w1 = Array.from(tr.steps[1]?.weights ?? []);
    expect(select.value).toBe(String(w1.indexOf(Math.max(...w1))));
  });

  it('says there is no score for none and diagonal', async () => {
    await setUp('none');
    const { unmount } = render(<ScoreBreakdown />);
    expect(screen.getByText(/no attention, so there is no score/i)).toBeTruthy();
    expect(screen.queryByRole('combobox')).toBeNull();
    unmount();
    resetStore();
    await setUp('diagonal');
    render(<ScoreBreakdown />);
    expect(screen.getByText(/hard-coded diagonal has no score/i)).toBeTruthy();
  });

  it('scoreTerms returns null where there is no score or the pieces do not fit', async () => {
    await setUp('additive');
    const tr = trace();
    expect(scoreTerms(tr, 0, 0, null)).toBeNull();
    expect(scoreTerms(tr, 0, tr.srcLen, new Float32Array(SMALL.alignment))).toBeNull();
    expect(scoreTerms(tr, 99, 0, new Float32Array(SMALL.alignment))).toBeNull();
    expect(scoreTerms(tr, 0, 0, new Float32Array(SMALL.alignment))?.total).toBe(0);
  });
});
