// @vitest-environment jsdom
// The Transformer's panels: the layer × head grid (a cross head opens in the heatmap and the step
// panels; positions off; shuffle), and the fast-weight panel of a linear-attention model.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModel, saveModel, type LoadedModel } from '../../../src/model/bundle';
import type { TransformerConfig, TransformerVariant } from '../../../src/model/config';
import { initParams } from '../../../src/model/params';
import { useStore } from '../../../src/store/store';
import { Equations } from '../../../src/ui/panels/Equations';
import { FastWeights } from '../../../src/ui/panels/FastWeights';
import { HeadGrid, headRows, meanRows } from '../../../src/ui/panels/HeadGrid';
import { srcVocab, tgtVocab } from '../../model/fixtures';
import { currentTrace, resetStore, SOURCE } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

async function transformerModel(variant: TransformerVariant): Promise<LoadedModel> {
  const config: TransformerConfig = { family: 'transformer', variant, sizes: { model: 8, heads: 2, layers: 2, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
  const params = initParams(config, 11, 'float32');
  const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };
  const { manifest, weights } = await saveModel({ id: `test-tf-${variant}`, task: 'toy', config, params, srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype: 'F32' });
  return loadModel(JSON.parse(JSON.stringify(manifest)) as unknown, weights);
}

async function setUpTransformer(variant: TransformerVariant): Promise<void> {
  const s = useStore.getState();
  s.addModel(await transformerModel(variant), 'shipped');
  s.setSource(SOURCE);
  s.setStep(0);
}

describe('HeadGrid', () => {
  it('shows every layer and head of the three attentions, and says the heatmap shows the mean of the last layer', async () => {
    await setUpTransformer('scaled-dot');
    render(<HeadGrid />);
    for (const kind of ['Encoder self-attention', 'Decoder self-attention (masked)', 'Cross-attention']) {
      expect(screen.getAllByRole('button', { name: new RegExp(`^${kind.replace(/[()]/g, '\\$&')}: head \\d of layer \\d$`) })).toHaveLength(4);
    }
    expect(screen.getByTestId('hg-showing').textContent).toMatch(/mean of the 2 heads of layer 2/);
    expect(screen.getByRole('button', { name: 'Cross-attention: the mean of the 2 heads of layer 2' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('a click on a cross-attention head puts that head into the trace the heatmap and step panels read', async () => {
    await setUpTransformer('scaled-dot');
    render(<HeadGrid />);
    fireEvent.click(screen.getByRole('button', { name: 'Cross-attention: head 2 of layer 1' }));
    const trace = currentTrace();
    expect(trace.transformer?.view).toEqual({ layer: 0, head: 1 });
    const d = trace.transformer;
    if (!d) throw new Error('no detail');
    // step 0's weights are row 0 of that head's map; the score and query exist for one head
    expect(Array.from(trace.steps[0]?.weights ?? [])).toEqual(Array.from(headRows(d.cross, 0, 1)[0] ?? []));
    expect(trace.steps[0]?.scores).not.toBeNull();
    expect(screen.getByTestId('hg-showing').textContent).toMatch(/head 2 of layer 1/);
    // back to a layer mean: its weights are the mean of the heads
    fireEvent.click(screen.getByRole('button', { name: 'Cross-attention: the mean of the 2 heads of layer 1' }));
    const mean = currentTrace();
    const want = meanRows(d.cross, 0)[0] ?? new Float32Array();
    Array.from(mean.steps[0]?.weights ?? []).forEach((v, j) => expect(v).toBeCloseTo(want[j] as number, 6));
    expect(mean.steps[0]?.scores).toBeNull();
  });

  it('opens a self-attention head larger, with its tokens', async () => {
    await setUpTransformer('scaled-dot');
    render(<HeadGrid />);
    fireEvent.click(screen.getByRole('button', { name: 'Encoder self-attention: head 1 of layer 2' }));
    const table = screen.getByRole('table', { name: 'Encoder self-attention: head 1 of layer 2' });
    const n = SOURCE.split(' ').length + 1;
    expect(within(table).getAllByRole('row')).toHaveLength(n + 1);
  });

  it('switching positions off warns and re-decodes without them; shuffling reorders the source words', async () => {
    await setUpTransformer('scaled-dot');
    render(<HeadGrid />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Position encodings' }));
    expect(useStore.getState().positions).toBe(false);
    expect(currentTrace().transformer?.positions).toBe(false);
    expect(screen.getByText(/Positions are off/)).toBeTruthy();
    const before = useStore.getState().source.split(' ').sort();
    fireEvent.click(screen.getByRole('button', { name: 'Shuffle the source words' }));
    const after = useStore.getState().source;
    expect(after.split(' ').sort()).toEqual(before);
  });

  it('is not shown for an RNNsearch trace', async () => {
    const { setUp } = await import('./helpers');
    await setUp('additive');
    const { container } = render(<HeadGrid />);
    expect(container.textContent).toBe('');
  });
});

describe('FastWeights', () => {
  it.each(['linear', 'linear-causal'] as const)('steps through the decoder and shows the fast-weight read agreeing with the attention form (%s)', async (variant) => {
    await setUpTransformer(variant);
    render(<FastWeights />);
    expect(screen.getByTestId('fw-step').textContent).toMatch(/step 1 of/);
    expect(screen.getByTestId('fw-diff').textContent).toMatch(/✓/);
    fireEvent.click(screen.getByRole('button', { name: 'Step ▶' }));
    expect(useStore.getState().step).toBe(1);
    expect(screen.getByTestId('fw-step').textContent).toMatch(/step 2 of/);
    expect(screen.getByRole('img', { name: 'W_2' })).toBeTruthy();
  });

  it('linear-causal: the heatmap’s cross-attention is softmax, so the equations show q·k/√d_k, the all-linear model φ(q)·φ(k)', async () => {
    for (const [variant, formula] of [
      ['linear-causal', 'q_i · k_j / √d_k'],
      ['linear', 'φ(q_i) · φ(k_j)'],
    ] as const) {
      await setUpTransformer(variant);
      const { container, unmount } = render(<Equations />);
      expect(container.textContent?.replace(/\s+/g, ' ')).toContain(formula.replaceAll('_', ''));
      unmount();
      resetStore();
    }
  });

  it('is not shown for a softmax Transformer', async () => {
    await setUpTransformer('scaled-dot');
    const { container } = render(<FastWeights />);
    expect(container.textContent).toBe('');
  });
});
