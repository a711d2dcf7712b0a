// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../../src/store/store';
import { changedSteps, divergenceChoice, Predictions } from '../../../src/ui/panels/Predictions';
import { TGT_WORDS } from '../../model/fixtures';
import { decodeAnalysis } from '../../../src/model/analysis';
import { loadedModel, resetStore, setUp } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

/** The word a free (greedy) decoding of the store's source writes at step d. */
async function freeWordAt(d: number): Promise<string | undefined> {
  const model = await loadedModel('additive');
  const a = decodeAnalysis({ model, source: useStore.getState().source, target: '', decoding: 'greedy', beamWidth: 1, edits: new Map() });
  return a.trace?.steps[d]?.token.token;
}

const analysis = () => {
  const a = useStore.getState().analysis;
  if (!a?.trace) throw new Error('no trace');
  return a as typeof a & { trace: NonNullable<typeof a.trace> };
};

describe('Predictions', () => {
  it('lists the top-k next words with probabilities and marks the chosen one', async () => {
    await setUp('additive');
    render(<Predictions />);
    const step = analysis().trace.steps[0];
    const list = screen.getByRole('list', { name: /most probable next words/i });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(step?.topK.length ?? -1);
    expect(items[0]?.textContent).toContain(step?.topK[0]?.token);
    expect(items[0]?.textContent).toContain((step?.topK[0]?.prob ?? 0).toFixed(3));
    expect(items[0]?.textContent).toContain('← chosen');
    expect(items.filter((li) => li.textContent?.includes('← chosen'))).toHaveLength(1);
  });

  it('forced mode: shows the forced word’s probability and rank, and where free and forced decoding part ways', async () => {
    await setUp('additive');
    // find a forced first word outside the top 5, so that its own row appears
    let word = '';
    for (const w of TGT_WORDS) {
      act(() => {
        useStore.getState().setTarget(w);
        useStore.getState().setStep(0);
      });
      if ((analysis().trace.steps[0]?.token.rank ?? 0) > 5) {
        word = w;
        break;
      }
    }
    expect(word).not.toBe('');
    render(<Predictions />);
    const a = analysis();
    const step = a.trace.steps[0];
    expect(a.mode).toBe('forced');
    expect(screen.getByTestId('forced-rank').textContent).toBe(`Forced word “${word}”: p = ${Math.exp(step?.token.logProb ?? 0).toFixed(3)}, rank ${step?.token.rank}`.replace(/p = 0\.000/, (m) => m));
    const extra = screen.getByRole('list', { name: /outside the top list/i });
    expect(extra.textContent).toContain(word);
    expect(extra.textContent).toContain('← forced');
    // rank > 1 at step 0: decoding diverges there; the model's own word is its greedy first word
    expect(a.divergence).toBe(0);
    // the explorer decodes the free translation only as far as the divergence needs
    // (DecodeInput.free): the word is the one the whole free decoding writes
    expect(a.free?.steps.length).toBeLessThanOrEqual(1 + 8);
    const own = await freeWordAt(0);
    expect(own).toBeTruthy();
    expect(divergenceChoice(a)).toEqual({ step: 0, token: own });
    expect(screen.getByText(/first part ways at step 1/).textContent).toContain(`“${own}”`);
  });

  it('forced mode with the model’s own words: they part ways only where the forced text ends', async () => {
    await setUp('additive');
    const own = analysis().trace.targetTokens.slice(0, 3);
    act(() => {
      useStore.getState().setTarget(own.join(' '));
      useStore.getState().setStep(0);
    });
    render(<Predictions />);
    const a = analysis();
    expect(a.trace.targetTokens).toEqual([...own, '</s>']);
    // the first three forced words are the model's own first choices
    for (let k = 0; k < 3; k++) expect(a.trace.steps[k]?.token.rank).toBe(1);
    expect(screen.getByTestId('forced-rank').textContent).toMatch(/rank 1$/);
    if (a.divergence === null) {
      expect(screen.getByText(/matches every forced word/i)).toBeTruthy();
      return;
    }
    expect(a.divergence).toBe(3);
    // the prefixes agree, so the model's own word is its greedy fourth word
    const word = await freeWordAt(3);
    expect(a.free?.steps.length).toBeLessThanOrEqual(4 + 8);
    expect(divergenceChoice(a)).toEqual({ step: 3, token: word });
    expect(screen.getByText(/first part ways at step 4/).textContent).toContain(`“${word}”`);
  });

  it('says so when every forced word is the model’s first choice', async () => {
    await setUp('additive', undefined, 'le chat');
    const a = analysis();
    act(() => useStore.setState({ analysis: { ...a, divergence: null } }));
    render(<Predictions />);
    expect(screen.getByText(/matches every forced word/i)).toBeTruthy();
  });

  it('compares the edited run with the unedited one: tokens, Δ log p per step, totals', async () => {
    await setUp('additive');
    const a0 = analysis();
    // an edit that changes the words (a one-hot row on some source word)
    for (let j = a0.trace.srcLen - 1; j >= 0; j--) {
      const row = new Array<number>(a0.trace.srcLen).fill(0);
      row[j] = 1;
      act(() => useStore.getState().setEdit(0, row));
      const a = analysis();
      if (changedSteps(a.baseline!, a.trace).length > 0) break;
    }
    render(<Predictions />);
    const a = analysis();
    expect(a.baseline).toBeTruthy();
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(within(rows[1] as HTMLElement).getByRole('rowheader').textContent).toBe('unedited');
    expect(within(rows[2] as HTMLElement).getByRole('rowheader').textContent).toBe('edited');
    const n = Math.max(a.trace.steps.length, a.baseline?.steps.length ?? 0);
    expect(within(rows[0] as HTMLElement).getAllByRole('columnheader')).toHaveLength(n);
    const changed = changedSteps(a.baseline!, a.trace);
    expect(changed.length).toBeGreaterThan(0);
    expect(screen.getByText(/with your edit the output changes at/i).textContent).toContain(String(changed.length));
    expect(table.querySelectorAll('td.changed')).toHaveLength(2 * changed.length);
    expect(screen.getAllByText('(changed)')).toHaveLength(changed.length);
    const d0 = (a.trace.steps[0]?.token.logProb ?? 0) - (a.baseline?.steps[0]?.token.logProb ?? 0);
    const cells = within(rows[3] as HTMLElement).getAllByRole('cell');
    expect(cells[0]?.textContent?.replace('−', '-').replace('+', '')).toBe(d0.toFixed(2));
    expect(screen.getByText(/total log p: unedited/i).textContent).toContain(a.baseline!.logProb.toFixed(3).replace('-', '−'));
    expect(screen.getByText(/total log p: unedited/i).textContent).toContain(a.trace.logProb.toFixed(3).replace('-', '−'));
  });

  it('beam mode lists the hypotheses with their scores', async () => {
    await setUp('additive');
    act(() => useStore.getState().setDecoding('beam'));
    render(<Predictions />);
    const beams = analysis().beams ?? [];
    expect(beams.length).toBeGreaterThan(1);
    expect(screen.getByRole('heading', { name: `Beam hypotheses (${beams.length})` })).toBeTruthy();
    const items = document.querySelectorAll('.pr-beams li');
    expect(items).toHaveLength(beams.length);
    beams.forEach((h, k) => expect(items[k]?.textContent).toContain(`score ${h.score.toFixed(3).replace('-', '−')}`));
    expect(items[0]?.textContent).toContain('shown');
  });

  it('the go-to button moves the step to the divergence', async () => {
    await setUp('additive');
    const free = analysis().trace.targetTokens.filter((t) => t !== '</s>');
    // force the model's first word, then a word it would not choose
    const second = TGT_WORDS.find((w) => w !== analysis().trace.targetTokens[1]) as string;
    act(() => {
      useStore.getState().setTarget(`${free[0]} ${second}`);
      useStore.getState().setStep(0);
    });
    render(<Predictions />);
    const d = analysis().divergence;
    if (d === null || d === 0) return; // the toy model ranked the word first: nothing to go to
    fireEvent.click(screen.getByRole('button', { name: `Go to step ${d + 1}` }));
    expect(useStore.getState().step).toBe(d);
  });
});
