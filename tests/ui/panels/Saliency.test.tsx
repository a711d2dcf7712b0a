// @vitest-environment jsdom
// The "is attention an explanation?" panel: computed only on demand, the numbers it shows are the
// model module's (computed here again, independently of the panel), kept across steps of the same
// sentence, offered again when the sentence changes, and said in both languages.
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeSaliency, positionUnits, sentenceAgreement, stepAgreement } from '../../../src/model/saliency';
import { useStore } from '../../../src/store/store';
import { fmt } from '../../../src/ui/format';
import { Saliency, computeForAnalysis } from '../../../src/ui/panels/Saliency';
import type { Analysis } from '../../../src/model/analysis';
import type { SaliencyWireRequest } from '../../../src/worker/analysisSession';
import { currentTrace, resetStore, setUp } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

/** The per-word rows (the grid, not the ρ table), header included. */
function wordRows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: /per source word/ })).getAllByRole('row');
}

async function computeInPanel(): Promise<void> {
  fireEvent.click(screen.getByRole('button', { name: /compute/i }));
  await screen.findByTestId('saliency-rho', {}, { timeout: 10_000 });
}

describe('Saliency panel', () => {
  it('renders nothing without a model and a short note without a trace', async () => {
    const { container } = render(<Saliency />);
    expect(container.innerHTML).toBe('');
    await act(() => setUp('additive', ''));
    expect(screen.getByText(/nothing to show yet/i)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('computes only when asked, then shows the module’s numbers and Spearman’s ρ for the step and the sentence', async () => {
    const model = await setUp('additive');
    render(<Saliency />);
    // nothing computed on render: the button and the cost, no table
    expect(screen.getByRole('button', { name: 'Compute gradient and leave-one-out' })).toBeTruthy();
    expect(screen.queryByTestId('saliency-rho')).toBeNull();
    expect(screen.queryByRole('table', { name: /per source word/ })).toBeNull();
    await computeInPanel();

    const trace = currentTrace();
    const expected = computeSaliency(model, { sourceIds: trace.sourceIds, targetIds: trace.targetIds.subarray(0, trace.steps.length), units: positionUnits(trace.srcLen) });
    const rows = trace.steps.map((s) => s.weights);
    const step = stepAgreement(rows[0] as ArrayLike<number>, expected, 0);
    const sentence = sentenceAgreement(rows, expected);
    expect(screen.getByTestId('rho-grad-step').textContent).toBe(fmt(step.gradient));
    expect(screen.getByTestId('rho-loo-step').textContent).toBe(fmt(step.leaveOneOut));
    expect(screen.getByTestId('rho-grad-sentence').textContent).toBe(fmt(sentence.gradient));
    expect(screen.getByTestId('rho-loo-sentence').textContent).toBe(fmt(sentence.leaveOneOut));
    // numbers, not dashes: an untrained model still has an order to compare
    expect(screen.getByTestId('rho-grad-sentence').textContent).toMatch(/^−?\d\.\d\d$/);

    // one row per source token (</s> included) after the header, named with its three values
    const bodyRows = wordRows().slice(1);
    expect(bodyRows).toHaveLength(trace.srcLen);
    expect(bodyRows[0]?.getAttribute('aria-label')).toMatch(/^“the”: α 0\.\d{3}, gradient × input /);
    // </s> cannot be deleted: its leave-one-out is a dash
    expect(bodyRows[trace.srcLen - 1]?.getAttribute('aria-label')).toMatch(/leave-one-out –$/);
  });

  it('keeps the result across steps of the sentence, and offers to compute again when the sentence changes', async () => {
    await setUp('dot');
    render(<Saliency />);
    await computeInPanel();
    act(() => useStore.getState().setStep(1));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toMatch(/Step 2/);
    // still there, now for step 2 (its own ρ; the sentence's is unchanged)
    expect(screen.getByTestId('saliency-rho')).toBeTruthy();
    const trace = currentTrace();
    expect(wordRows()).toHaveLength(trace.srcLen + 1);

    act(() => useStore.getState().setSource('a dog ran .'));
    expect(screen.queryByTestId('saliency-rho')).toBeNull();
    expect(screen.getByText(/changed since the last computation/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compute again for this sentence' }));
    });
    await screen.findByTestId('saliency-rho', {}, { timeout: 10_000 });
    expect(wordRows()).toHaveLength(currentTrace().srcLen + 1);
  });

  it('a model without attention: the gradient and leave-one-out alone, said so', async () => {
    await setUp('none');
    render(<Saliency />);
    fireEvent.click(screen.getByRole('button', { name: /compute/i }));
    await screen.findByText(/no attention weights to compare/, {}, { timeout: 10_000 });
    expect(screen.queryByTestId('saliency-rho')).toBeNull();
    expect(wordRows()).toHaveLength(currentTrace().srcLen + 1);
  });

  it('a failure inside the computation is said in the reader’s language, its own words as a detail', async () => {
    const model = await setUp('additive');
    const config = model.config as { srcVocabSize: number };
    const size = config.srcVocabSize;
    config.srcVocabSize = 1; // every source id is now out of range: the module's own check throws
    try {
      act(() => useStore.getState().setView({ lang: 'zh' }));
      const { unmount } = render(<Saliency />);
      fireEvent.click(screen.getByRole('button', { name: '计算梯度与留一法' }));
      expect((await screen.findByText(/^无法计算：/)).textContent).toMatch(/^无法计算：页面内部出错；技术细节：saliency: source id \d+ is out of range$/);
      unmount();
      act(() => useStore.getState().setView({ lang: 'en' }));
      render(<Saliency />);
      fireEvent.click(screen.getByRole('button', { name: /compute/i }));
      expect((await screen.findByText(/^Could not compute:/)).textContent).toMatch(/^Could not compute: an internal error of the page; details: saliency: source id \d+ is out of range$/);
    } finally {
      config.srcVocabSize = size;
    }
  });

  it('in 中文', async () => {
    await setUp('additive');
    act(() => useStore.getState().setView({ lang: 'zh' }));
    render(<Saliency />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toMatch(/注意力是解释吗？第 1 步/);
    fireEvent.click(screen.getByRole('button', { name: '计算梯度与留一法' }));
    await screen.findByTestId('saliency-rho', {}, { timeout: 10_000 });
    expect(screen.getByText('与注意力的秩相关（Spearman ρ）')).toBeTruthy();
    expect(screen.getByText(/Jain & Wallace 2019/)).toBeTruthy();
  });
});

describe('computeForAnalysis on two threads', () => {
  /** The analysis the panel reads, for the store's current sentence. */
  const analysis = (): Analysis => useStore.getState().analysis as Analysis;

  it('asks the worker for the leave-one-out, computes the gradients itself, and the result is the whole computation', async () => {
    const model = await setUp('additive');
    const asked: SaliencyWireRequest[] = [];
    const done = await computeForAnalysis(model, analysis(), true, () => undefined, () => false, (request) => {
      asked.push(request);
      return Promise.resolve(computeSaliency(model, request));
    });
    expect(asked.map((r) => r.part)).toEqual(['leave-one-out']);
    const trace = currentTrace();
    const whole = computeSaliency(model, { sourceIds: trace.sourceIds, targetIds: trace.targetIds.subarray(0, trace.steps.length), units: positionUnits(trace.srcLen) });
    for (const key of ['logProb', 'gradInput', 'leaveOneOut'] as const) expect([...(done?.result[key] ?? [])]).toEqual([...whole[key]]);
    expect(done?.ms).toBeGreaterThan(0);
    expect(done?.threads).toBe(2);
  });

  it('computes the leave-one-out itself when the worker fails or does not hold the model, and stops when cancelled', async () => {
    const model = await setUp('dot');
    const trace = currentTrace();
    const whole = computeSaliency(model, { sourceIds: trace.sourceIds, targetIds: trace.targetIds.subarray(0, trace.steps.length), units: positionUnits(trace.srcLen) });
    for (const inWorker of [() => Promise.reject(new Error('the analysis worker failed (crashed)')), () => null]) {
      const done = await computeForAnalysis(model, analysis(), true, () => undefined, () => false, inWorker);
      expect([...(done?.result.leaveOneOut ?? [])]).toEqual([...whole.leaveOneOut]);
      expect([...(done?.result.gradInput ?? [])]).toEqual([...whole.gradInput]);
      expect(done?.threads).toBe(1);
    }
    let calls = 0;
    let signal: AbortSignal | null = null;
    const stopped = await computeForAnalysis(model, analysis(), true, () => undefined, () => ++calls > 0, (_request, s) => {
      signal = s;
      return new Promise(() => undefined); // the worker still working when the page gives up
    });
    expect(stopped).toBeNull();
    // the worker's half is called off
    expect((signal as AbortSignal | null)?.aborted).toBe(true);
  });
});
