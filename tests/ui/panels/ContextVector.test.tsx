// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContextVector, contributions, TOP_CONTRIBUTORS, TOP_SHARE } from '../../../src/ui/panels/ContextVector';
import { SMALL } from '../../model/fixtures';
import { resetStore, setUp, currentTrace } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

const H2 = 2 * SMALL.hidden;
const trace = currentTrace;

describe('ContextVector', () => {
  it('draws c_i as a strip of 2H cells, split into forward and backward halves', async () => {
    await setUp('additive');
    render(<ContextVector />);
    const strip = screen.getByRole('img', { name: /context vector c at step 1/i });
    expect(strip.querySelectorAll('rect.vs-cell')).toHaveLength(H2);
    expect(strip.querySelector('line.vs-split')?.getAttribute('x1')).toBe(String(SMALL.hidden));
    expect(screen.getAllByText(/forward half →h/).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/backward half ←h/).length).toBeGreaterThan(0);
    // the numbers behind the strip: 2H of them
    expect(document.querySelectorAll('.pnl-numbers li')).toHaveLength(H2);
  });

  it('stacks one α_ij·h_j strip per source word and marks the largest contributors', async () => {
    await setUp('additive');
    render(<ContextVector />);
    const tr = trace();
    const rows = document.querySelectorAll('li.cv-row');
    expect(rows).toHaveLength(tr.srcLen);
    rows.forEach((r) => expect(r.querySelectorAll('rect.vs-cell')).toHaveLength(H2));
    const parts = contributions(tr, tr.steps[0]?.weights as Float32Array);
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
    expect(screen.getByRole('img', { name: /context vector c/i }).querySelectorAll('rect.vs-cell')).toHaveLength(H2);
    expect(document.querySelectorAll('li.cv-row')).toHaveLength(0);
  });

  it('says that scaled-dot shows the shares before the value projection', async () => {
    await setUp('scaled-dot');
    render(<ContextVector />);
    expect(screen.getByText(/before that projection/i)).toBeTruthy();
    expect(document.querySelectorAll('li.cv-row')).toHaveLength(trace().srcLen);
  });
});
