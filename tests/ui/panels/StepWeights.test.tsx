// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../../src/store/store';
import { KEY_STEP, redistribute, StepWeights } from '../../../src/ui/panels/StepWeights';
import { resetStore, setUp, currentTrace } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

const trace = currentTrace;

describe('redistribute', () => {
  it('sets one weight and rescales the others to sum to 1 − value', () => {
    const row = redistribute([0.5, 0.3, 0.2], 0, 0.8);
    expect(row[0]).toBe(0.8);
    expect(row[1]).toBeCloseTo(0.12, 12);
    expect(row[2]).toBeCloseTo(0.08, 12);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('spreads the rest uniformly when the others are all zero, and clamps to [0, 1]', () => {
    expect(redistribute([1, 0, 0], 0, 0.4)).toEqual([0.4, 0.3, 0.3]);
    expect(redistribute([0.2, 0.8], 1, 7)).toEqual([0, 1]);
    expect(redistribute([0.2, 0.8], 1, -1)).toEqual([1, 0]);
    expect(redistribute([0.2, 0.8], 1, Number.NaN)).toEqual([1, 0]);
  });
});

describe('StepWeights', () => {
  it('renders nothing without a model and a short note without a trace', async () => {
    const { container } = render(<StepWeights />);
    expect(container.innerHTML).toBe('');
    await act(() => setUp('additive', ''));
    expect(screen.getByRole('heading', { level: 2 })).toBeTruthy();
    expect(screen.getByText(/nothing to show yet/i)).toBeTruthy();
    expect(screen.queryAllByRole('slider')).toHaveLength(0);
  });

  it('shows one slider per source token (</s> included) with α, the score e and the token under each bar', async () => {
    await setUp('additive');
    render(<StepWeights />);
    const tr = trace();
    const sliders = screen.getAllByRole('slider');
    expect(sliders).toHaveLength(tr.srcLen);
    expect(tr.srcLen).toBe(8);
    const w = tr.steps[0]?.weights as Float32Array;
    const e = tr.steps[0]?.scores as Float32Array;
    sliders.forEach((s, j) => {
      expect(Number(s.getAttribute('aria-valuenow'))).toBeCloseTo(w[j] as number, 3);
      expect(s.getAttribute('aria-valuemin')).toBe('0');
      expect(s.getAttribute('aria-valuemax')).toBe('1');
      expect(s.getAttribute('tabindex')).toBe('0');
      expect(s.getAttribute('aria-valuetext')).toContain(`e = ${(e[j] as number).toFixed(3).replace('-', '−')}`);
    });
    expect(screen.getByRole('slider', { name: /“<\/s>” \(word 8 of 8\)/ })).toBeTruthy();
    // short sentence: vertical bars, token under each bar, tokens isolated with <bdi dir="auto">
    expect(sliders[0]?.getAttribute('aria-orientation')).toBe('vertical');
    const col = sliders[1]?.parentElement as HTMLElement;
    const bdi = col.querySelector('bdi');
    expect(bdi?.getAttribute('dir')).toBe('auto');
    expect(bdi?.textContent).toBe('cat');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toContain(`Step 1: writing “${tr.steps[0]?.token.token}”`);
  });

  it('lays long sentences out as rows and marks unknown words (not by colour alone)', async () => {
    await setUp('additive', 'the big red dog ran on the mat and the zebra sat .');
    render(<StepWeights />);
    const tr = trace();
    const sliders = screen.getAllByRole('slider');
    expect(sliders).toHaveLength(tr.srcLen);
    expect(sliders[0]?.getAttribute('aria-orientation')).toBe('horizontal');
    const zebra = tr.sourceTokens.indexOf('zebra');
    expect(tr.sourceUnknown[zebra]).toBe(true);
    const unk = document.querySelectorAll('bdi.unk');
    expect(unk.length).toBe(tr.sourceUnknown.filter(Boolean).length);
    const z = Array.from(unk).find((el) => el.textContent?.startsWith('zebra'));
    expect(z?.textContent).toMatch(/<unk>/);
    expect(z?.getAttribute('title')).toMatch(/<unk>/);
  });

  it('keyboard edits call setEdit with a full row, recompute later steps, and can be reset', async () => {
    await setUp('additive');
    render(<StepWeights />);
    const before = trace();
    const slider = screen.getAllByRole('slider')[2] as HTMLElement;
    act(() => slider.focus());
    expect(useStore.getState().focus).toEqual({ i: 0, j: 2 });
    fireEvent.keyDown(slider, { key: 'End' });
    const { edits, analysis } = useStore.getState();
    expect(Object.keys(edits)).toEqual(['0']);
    expect(edits[0]).toHaveLength(before.srcLen);
    expect(edits[0]?.[2]).toBe(1);
    const after = trace();
    expect(after.steps[0]?.edited).toBe(true);
    expect(after.steps[0]?.weights?.[2]).toBeCloseTo(1, 6);
    // the next step's state and weights differ from the unedited decoding
    const baseline = analysis?.baseline;
    expect(baseline).toBeTruthy();
    const diff = Array.from(after.steps[1]?.weights ?? [], (v, j) => Math.abs(v - (baseline?.steps[1]?.weights?.[j] ?? 0)));
    expect(Math.max(...diff)).toBeGreaterThan(1e-6);
    expect(Array.from(after.steps[0]?.state ?? [])).not.toEqual(Array.from(baseline?.steps[0]?.state ?? []));
    expect(Number(slider.getAttribute('aria-valuenow'))).toBeCloseTo(1, 3);
    expect(screen.getByText(/these weights are yours/i)).toBeTruthy();
    // arrow down takes 0.05 off, Home sets 0
    fireEvent.keyDown(slider, { key: 'ArrowDown' });
    expect(useStore.getState().edits[0]?.[2]).toBeCloseTo(1 - KEY_STEP, 6);
    fireEvent.keyDown(slider, { key: 'Home' });
    expect(useStore.getState().edits[0]?.[2]).toBe(0);
    expect(trace().steps[0]?.weights?.[2]).toBe(0);
    // reset
    fireEvent.click(screen.getByRole('button', { name: /reset edits/i }));
    expect(useStore.getState().edits).toEqual({});
    expect(useStore.getState().analysis?.baseline).toBeNull();
    expect(screen.queryByRole('button', { name: /reset edits/i })).toBeNull();
  });

  it('arrow up adds 0.05 to the focused weight and the row still sums to 1', async () => {
    await setUp('additive');
    render(<StepWeights />);
    const v0 = trace().steps[0]?.weights?.[3] as number;
    fireEvent.keyDown(screen.getAllByRole('slider')[3] as HTMLElement, { key: 'ArrowUp' });
    const row = useStore.getState().edits[0] as number[];
    expect(row[3]).toBeCloseTo(Math.min(1, v0 + KEY_STEP), 3);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const w = Array.from(trace().steps[0]?.weights ?? []);
    w.forEach((v, j) => expect(v).toBeCloseTo(row[j] as number, 5));
  });

  it('dragging a bar sets that weight (committed on release)', async () => {
    await setUp('additive');
    render(<StepWeights />);
    const slider = screen.getAllByRole('slider')[1] as HTMLElement;
    slider.getBoundingClientRect = () => ({ x: 0, y: 100, left: 0, top: 100, right: 30, bottom: 200, width: 30, height: 100, toJSON: () => ({}) });
    fireEvent.pointerDown(slider, { pointerId: 1, button: 0, pointerType: 'mouse', clientX: 10, clientY: 175 });
    expect(useStore.getState().edits[0]?.[1]).toBeCloseTo(0.25, 6);
    fireEvent.pointerMove(slider, { pointerId: 1, clientX: 10, clientY: 130 });
    fireEvent.pointerUp(slider, { pointerId: 1, clientX: 10, clientY: 130 });
    expect(useStore.getState().edits[0]?.[1]).toBeCloseTo(0.7, 6);
    expect(trace().steps[0]?.weights?.[1]).toBeCloseTo(0.7, 5);
  });

  it('keeps its bars mounted while the sentence grows (no re-measuring on every word typed), and a new length ends a drag', async () => {
    await setUp('additive');
    const { container } = render(<StepWeights />);
    const bars = container.querySelector('.sw-bars');
    const before = screen.getAllByRole('slider').length;
    const slider = screen.getAllByRole('slider')[1] as HTMLElement;
    slider.getBoundingClientRect = () => ({ x: 0, y: 100, left: 0, top: 100, right: 30, bottom: 200, width: 30, height: 100, toJSON: () => ({}) });
    fireEvent.pointerDown(slider, { pointerId: 1, button: 0, pointerType: 'mouse', clientX: 10, clientY: 175 });
    expect(container.querySelector('.sw-bars.dragging')).not.toBeNull();
    await act(async () => {
      useStore.getState().setSource(`${useStore.getState().source} and the cat`);
      useStore.getState().setStep(0);
    });
    expect(container.querySelector('.sw-bars')).toBe(bars);
    expect(screen.getAllByRole('slider').length).toBe(before + 3);
    expect(container.querySelector('.sw-bars.dragging')).toBeNull();
    // the old drag is over: moving the pointer edits nothing
    const edits = useStore.getState().edits;
    fireEvent.pointerMove(slider, { pointerId: 1, clientX: 10, clientY: 130 });
    expect(useStore.getState().edits).toBe(edits);
  });

  it('explains the none variant (no weights) and the hard-coded diagonal', async () => {
    await setUp('none');
    const { unmount } = render(<StepWeights />);
    expect(screen.queryAllByRole('slider')).toHaveLength(0);
    expect(screen.getByText(/no attention: this model has no weights/i)).toBeTruthy();
    unmount();
    resetStore();
    await setUp('diagonal');
    render(<StepWeights />);
    expect(screen.getByText(/hard-coded diagonal: these weights are not learned/i)).toBeTruthy();
    const sliders = screen.getAllByRole('slider');
    expect(sliders).toHaveLength(trace().srcLen);
    expect(sliders.filter((s) => s.getAttribute('aria-valuenow') === '1')).toHaveLength(1);
  });

  it('is read-only in beam mode (edits do not apply to beams)', async () => {
    await setUp('additive');
    act(() => useStore.getState().setDecoding('beam'));
    render(<StepWeights />);
    const slider = screen.getAllByRole('slider')[0] as HTMLElement;
    expect(slider.getAttribute('aria-readonly')).toBe('true');
    fireEvent.keyDown(slider, { key: 'End' });
    expect(useStore.getState().edits).toEqual({});
    expect(screen.getByText(/switch to greedy decoding/i)).toBeTruthy();
  });

  it('follows the current step', async () => {
    await setUp('additive');
    render(<StepWeights />);
    const tr = trace();
    expect(tr.steps.length).toBeGreaterThan(1);
    act(() => useStore.getState().setStep(1));
    const heading = screen.getByRole('heading', { level: 2 });
    expect(heading.textContent).toContain(`Step 2: writing “${tr.steps[1]?.token.token}”`);
    const w = tr.steps[1]?.weights as Float32Array;
    within(document.body)
      .getAllByRole('slider')
      .forEach((s, j) => expect(Number(s.getAttribute('aria-valuenow'))).toBeCloseTo(w[j] as number, 3));
  });
});
