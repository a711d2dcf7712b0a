// @vitest-environment jsdom
// The five step panels together, as the side column mounts them, checked with axe-core for the
// WCAG 2.0/2.1 A and AA rules it can judge in jsdom (colour contrast needs a real browser: the
// end-to-end run checks it), in every state that changes their markup.
import { act, render } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Variant } from '../../../src/model/config';
import { useStore } from '../../../src/store/store';
import { ContextVector } from '../../../src/ui/panels/ContextVector';
import { Equations } from '../../../src/ui/panels/Equations';
import { Predictions } from '../../../src/ui/panels/Predictions';
import { ScoreBreakdown } from '../../../src/ui/panels/ScoreBreakdown';
import { StepWeights } from '../../../src/ui/panels/StepWeights';
import { resetStore, setUp } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

function Column() {
  return (
    <main>
      <h1>RNNsearch</h1>
      <StepWeights />
      <Predictions />
      <ScoreBreakdown />
      <ContextVector />
      <Equations />
    </main>
  );
}

async function violations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('step panels: axe', () => {
  it('axe runs in jsdom (it flags an unnamed slider)', async () => {
    render(<div role="slider" tabIndex={0} aria-valuenow={0} />);
    expect((await violations()).join('\n')).toMatch(/aria-input-field-name/);
  });

  for (const variant of ['additive', 'dot', 'scaled-dot', 'diagonal', 'none'] as const satisfies readonly Variant[]) {
    it(`${variant}, greedy`, async () => {
      await setUp(variant, 'the big red dog ran on the zebra .');
      render(<Column />);
      expect(document.querySelectorAll('section h2').length).toBe(5);
      expect(await violations()).toEqual([]);
    });
  }

  it('forced, with an edit (comparison table), and short input (vertical bars)', async () => {
    await setUp('additive', 'the cat sat .', 'le chat');
    const tx = useStore.getState().analysis?.trace?.srcLen ?? 0;
    const row = new Array<number>(tx).fill(0);
    row[0] = 1;
    act(() => useStore.getState().setEdit(1, row));
    act(() => useStore.getState().setStep(1));
    render(<Column />);
    expect(document.querySelector('[role="slider"]')?.getAttribute('aria-orientation')).toBe('vertical');
    expect(document.querySelector('table')).toBeTruthy();
    expect(await violations()).toEqual([]);
  });

  it('beam search', async () => {
    await setUp('additive');
    act(() => useStore.getState().setDecoding('beam'));
    render(<Column />);
    expect(await violations()).toEqual([]);
  });
});
