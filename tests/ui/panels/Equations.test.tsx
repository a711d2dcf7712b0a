// @vitest-environment jsdom
import { act, render, screen } from '@testing-library/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VARIANT_INFO, type Variant } from '../../../src/model/config';
import { useStore } from '../../../src/store/store';
import { focusedCell, Notation, rich } from '../../../src/ui/panels/common';
import { Equations } from '../../../src/ui/panels/Equations';
import { resetStore, setUp, currentTrace } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

const trace = currentTrace;
const minus = (s: string): string => s.replace('-', '−');
/** Text with sub/sup flattened, as textContent gives it. */
const flat = (s: string): string => s.replace(/[_^]\{([^}]*)\}/g, '$1').replace(/[_^]([A-Za-z0-9\u0391-\u03c9]+)/g, '$1');

describe('notation helpers', () => {
  it('renders subscripts and superscripts as elements, never as HTML strings', () => {
    expect(renderToStaticMarkup(<Notation text="e_ij = v_aᵀ tanh(W_a s_{i−1} + U_a h_j)" />)).toBe('e<sub>ij</sub> = v<sub>a</sub>ᵀ tanh(W<sub>a</sub> s<sub>i−1</sub> + U<sub>a</sub> h<sub>j</sub>)');
    expect(renderToStaticMarkup(<Notation text="ℝ^{2H}, α_ij" />)).toBe('ℝ<sup>2H</sup>, α<sub>ij</sub>');
    expect(renderToStaticMarkup(<Notation text="<b>x</b>_1" />)).toBe('&lt;b&gt;x&lt;/b&gt;<sub>1</sub>');
    expect(renderToStaticMarkup(<>{rich('a {token} b {missing}', { token: <bdi>x</bdi> })}</>)).toBe('a <bdi>x</bdi> b {missing}');
  });

  it('focusedCell: the focus on the current step, else the most-attended word', async () => {
    await setUp('additive');
    const tr = trace();
    const w = Array.from(tr.steps[0]?.weights ?? []);
    expect(focusedCell(tr, 0, null)).toEqual({ i: 0, j: w.indexOf(Math.max(...w)) });
    expect(focusedCell(tr, 0, { i: 0, j: 2 })).toEqual({ i: 0, j: 2 });
    expect(focusedCell(tr, 0, { i: 0, j: 99 })?.j).toBe(w.indexOf(Math.max(...w)));
    expect(focusedCell(null, 0, null)).toBeNull();
  });
});

describe('Equations', () => {
  it('shows the paper’s equations with this step’s numbers (additive)', async () => {
    await setUp('additive');
    act(() => useStore.getState().setFocus({ i: 0, j: 1 }));
    render(<Equations />);
    const tr = trace();
    const step = tr.steps[0]!;
    expect(screen.getByRole('heading', { level: 2, name: /the equations/i })).toBeTruthy();
    const text = document.body.textContent ?? '';
    expect(text).toContain(flat(VARIANT_INFO.additive.formula));
    expect(screen.getByTestId('eq-score').textContent).toBe(minus((step.scores![1] as number).toFixed(3)));
    expect(text).toContain(`α1,2 = ${minus((step.weights![1] as number).toFixed(3))}`);
    expect(text).toContain(`c1 = (${Array.from(step.context.subarray(0, 4), (v) => minus(v.toFixed(2))).join(', ')}, …)`);
    expect(text).toMatch(/‖s0‖ = [\d.]+ → ‖s1‖ = [\d.]+/);
    expect(text).toContain(`= ${Math.exp(step.token.logProb).toFixed(3)}`);
    expect(text).toContain(`rank ${step.token.rank}`);
  });

  for (const variant of ['dot', 'general', 'scaled-dot', 'diagonal', 'none'] as const satisfies readonly Variant[]) {
    it(`${variant}: shows the variant’s own formula`, async () => {
      await setUp(variant);
      render(<Equations />);
      const text = document.body.textContent ?? '';
      const formula = flat(VARIANT_INFO[variant].formula.split(',  c_i')[0] as string);
      expect(text).toContain(formula);
      if (variant === 'none') {
        expect(screen.queryByTestId('eq-score')).toBeNull();
        expect(text).toMatch(/no score and no weight/);
      } else if (variant === 'diagonal') {
        expect(screen.queryByTestId('eq-score')).toBeNull();
        expect(text).toContain('α1,');
      } else {
        expect(screen.getByTestId('eq-score')).toBeTruthy();
      }
    });
  }

  it('renders nothing without an analysis and a note without a trace', async () => {
    const { container } = render(<Equations />);
    expect(container.innerHTML).toBe('');
    await act(() => setUp('additive', '   '));
    expect(screen.getByText(/nothing to show yet/i)).toBeTruthy();
  });
});
