// @vitest-environment jsdom
// The train view with a fake worker: settings and their checks, play / pause / step / reset,
// live numbers, the probe heatmap and its replay, guard and watchdog notices, and the trained
// model's actions. axe (without colour contrast, which needs a real browser: see the e2e run).

import { act, fireEvent, render, screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../../src/store/store';
import { useTrainStore } from '../../../src/store/train';
import { TrainView } from '../../../src/ui/views/TrainView';
import type { DataWarning, LineError } from '../../../src/worker/protocol';
import { checkpoint, DATA_READY, flush, progress, say, setUpTrain, snapshot, tearDownTrain, worker, workers } from './helpers';

beforeEach(setUpTrain);
afterEach(tearDownTrain);

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const field = (name: string | RegExp) => screen.getByLabelText(name) as HTMLInputElement;

async function startRun(): Promise<void> {
  render(<TrainView />);
  fireEvent.click(button('Train'));
  await flush();
  await say({ type: 'ready', protocol: 1 }, { type: 'train/state', state: 'preparing', step: 0 }, DATA_READY, { type: 'train/state', state: 'running', step: 0 }, snapshot(0, 0.25));
}

async function violations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('TrainView: settings', () => {
  it('shows the reversal defaults in labelled fields; a task brings its own defaults', () => {
    render(<TrainView />);
    expect((screen.getByLabelText('Task') as HTMLSelectElement).value).toBe('reverse');
    expect(field('Embedding').value).toBe('32');
    expect(field('Hidden (GRU)').value).toBe('64');
    expect(field('Learning rate').value).toBe('0.005');
    expect(field('Steps').value).toBe('400');
    expect(field('Longest source').value).toBe('8');
    expect(field(/Probe sentence/).value).toBe('b a h d a n a u');
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'dates' } });
    expect(field('Steps').value).toBe('1500');
    expect(field(/Probe sentence/).value).toBe('Saturday, 21 November 2026');
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'tsv' } });
    expect(screen.getByLabelText('Sentence pairs (TSV file)')).toBeTruthy();
  });

  it('offers a Transformer with its own sizes, steps and learning rate, and sends its config', async () => {
    render(<TrainView />);
    const model = screen.getByLabelText(/attention/i) as HTMLSelectElement;
    fireEvent.change(model, { target: { value: 'transformer:linear' } });
    expect(field('d_model').value).toBe('32');
    expect(field('Heads').value).toBe('2');
    expect(field('Layers').value).toBe('1');
    expect(screen.queryByLabelText('Embedding')).toBeNull();
    expect(field('Steps').value).toBe('600');
    // the family stays when the task changes, with that task's Transformer defaults
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'dates' } });
    expect(model.value).toBe('transformer:linear');
    expect(field('Layers').value).toBe('2');
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'reverse' } });
    // d_model must split evenly into the heads
    fireEvent.change(field('Heads'), { target: { value: '3' } });
    fireEvent.click(button('Train'));
    await flush();
    expect(screen.getByText('Must be a multiple of the 3 heads.')).toBeTruthy();
    expect(worker().commands()).toEqual([]);
    fireEvent.change(field('Heads'), { target: { value: '4' } });
    fireEvent.click(button('Train'));
    await flush();
    const start = worker().last('train/start');
    expect(start?.config).toMatchObject({ family: 'transformer', variant: 'linear', transformer: { model: 32, heads: 4, layers: 1, ff: 64 } });
  });

  it('shows the probe before training with uniform weights, from the settings', () => {
    render(<TrainView />);
    const grid = screen.getByRole('grid', { name: 'Probe alignment before training (uniform)' });
    // "b a h d a n a u" → "u a n a d h a b": 9 × 9 with </s>, each weight 1/9
    expect(within(grid).getAllByRole('gridcell', { name: /↔/ })).toHaveLength(81);
    expect(within(grid).getAllByRole('gridcell', { name: 'u ↔ b: 0.11' }).length).toBeGreaterThan(0);
    fireEvent.change(field(/Probe reference/), { target: { value: '' } });
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.getByText('Start training to see the probe’s alignment.')).toBeTruthy();
  });

  it('refuses bad settings field by field, and sends nothing', async () => {
    render(<TrainView />);
    fireEvent.change(field('Learning rate'), { target: { value: '' } });
    fireEvent.change(field('Shortest source'), { target: { value: '12' } });
    fireEvent.click(button('Train'));
    await flush();
    expect(field('Learning rate').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Must be a number from 0.000001 to 1/)).toBeTruthy();
    expect(screen.getByText('Must be at least the shortest length.')).toBeTruthy();
    expect(worker().commands()).toEqual([]);
    // a TSV task needs its file
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'tsv' } });
    fireEvent.click(button('Train'));
    await flush();
    expect(screen.getByText('Choose a TSV file of sentence pairs first.')).toBeTruthy();
  });

  it('reads a TSV file and shows the worker’s line errors', async () => {
    render(<TrainView />);
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'tsv' } });
    const file = new File(['the cat\tle chat\nbroken line\n'], 'pairs.tsv', { type: 'text/tab-separated-values' });
    fireEvent.change(screen.getByLabelText('Sentence pairs (TSV file)'), { target: { files: [file] } });
    await flush(20);
    expect(screen.getByText(/“pairs.tsv” \(0.0 KiB\) is ready/)).toBeTruthy();
    fireEvent.click(button('Train'));
    await flush();
    const start = worker().last('train/start');
    expect(start?.config.task).toMatchObject({ kind: 'tsv', name: 'pairs.tsv' });
    await say({ type: 'train/state', state: 'preparing', step: 0 }, { ...DATA_READY, lineErrors: [{ line: 2, code: 'columns', params: { n: 1 }, message: 'line 2: expected 2 or 3 tab-separated columns, found 1' }], lineErrorCount: 1 });
    const region = screen.getByRole('region', { name: '1 line(s) could not be used' });
    expect(within(region).getByText(/line 2: expected 2 or 3 tab-separated columns/)).toBeTruthy();
  });
});

describe('TrainView: a run', () => {
  it('starts, shows live numbers and curves, pauses, steps, continues and resets', async () => {
    await startRun();
    const start = worker().last('train/start');
    expect(start).toMatchObject({ paused: false, resume: null, config: { task: { kind: 'builtin', id: 'reverse' }, sizes: { embedding: 32, hidden: 64, alignment: 64, maxout: 64 }, lr: 0.005, steps: 400, maxLength: 8, evalEvery: 25 } });
    expect(screen.getByText('Training…')).toBeTruthy();
    // settings are locked while the run exists
    expect(field('Embedding').matches(':disabled')).toBe(true);

    await say(progress(50, { eval: { step: 50, devLoss: 0.9, exactMatch: 0.5, bleu: 61.2, best: true } }), snapshot(50, 0.7));
    expect(document.querySelector('[data-metric="step"]')?.textContent).toBe('50 / 600');
    expect(document.querySelector('[data-metric="exact-match"]')?.getAttribute('data-value')).toBe('0.5');
    expect(document.querySelector('[data-metric="exact-match"]')?.textContent).toBe('50.0%');
    expect(screen.getByText('10000 training and 200 dev pairs; vocabularies of 30 source and 30 target tokens.')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Loss (nats per token, log scale)' })).toBeTruthy();
    expect(document.querySelectorAll('.train-chart path').length).toBeGreaterThan(0);

    // the probe: the newest snapshot, named cells, and the replay
    const grid = screen.getByRole('grid', { name: 'Probe alignment at step 50' });
    expect(within(grid).getByRole('gridcell', { name: 't ↔ t: 0.70' })).toBeTruthy();
    expect(screen.getByText(/At this step the model writes/).textContent).toBe('At this step the model writes: t a c');

    fireEvent.click(button('Pause'));
    expect(worker().commands()).toContain('train/pause');
    await say({ type: 'train/state', state: 'paused', step: 50 });
    fireEvent.click(button('Step'));
    expect(worker().last('train/step')).toEqual({ type: 'train/step', count: 1 });
    fireEvent.click(button('Continue'));
    expect(worker().commands()).toContain('train/resume');

    fireEvent.click(button('Reset'));
    expect(worker().commands().at(-1)).toBe('train/reset');
    // messages the worker sent before it saw the reset are dropped
    await say(progress(51));
    expect(document.querySelector('[data-metric="step"]')?.textContent).toBe('–');
    await say({ type: 'train/state', state: 'idle', step: 0 });
    expect(screen.getByText('Ready to train.')).toBeTruthy();
    expect(field('Embedding').matches(':disabled')).toBe(false);
    // back to the untrained preview of the probe
    expect(screen.getByRole('grid', { name: /Probe alignment before training/ })).toBeTruthy();
  });

  it('replays the saved snapshots with the scrubber, and follows the latest again', async () => {
    await startRun();
    await say(progress(10), snapshot(10, 0.4), progress(20), snapshot(20, 0.9));
    const slider = screen.getByRole('slider', { name: 'Replay' }) as HTMLInputElement;
    expect(slider.max).toBe('2');
    expect(slider.value).toBe('2');
    fireEvent.change(slider, { target: { value: '0' } });
    expect(screen.getByRole('grid', { name: 'Probe alignment at step 0' })).toBeTruthy();
    expect(slider.getAttribute('aria-valuetext')).toBe('step 0');
    // a new snapshot does not move a reader who is replaying
    await say(snapshot(30, 0.95));
    expect(screen.getByRole('grid', { name: 'Probe alignment at step 0' })).toBeTruthy();
    fireEvent.click(button('Latest'));
    expect(screen.getByRole('grid', { name: 'Probe alignment at step 30' })).toBeTruthy();
  });

  it('shows NaN-guard trips', async () => {
    await startRun();
    await say({ type: 'train/guard', step: 12, what: 'gradient', value: Infinity, restoredStep: 11, restored: false, message: 'Step 12: the gradient norm became Infinity; the update was skipped.' });
    expect(screen.getByText('The NaN guard tripped 1 time(s).')).toBeTruthy();
    expect(screen.getByText('Step 12: the gradient norm became Infinity; the update was skipped.')).toBeTruthy();
    await say({ type: 'train/guard', step: 60, what: 'weights', value: null, restoredStep: 50, restored: true, message: '' });
    expect(screen.getByText('Step 60: a weight became NaN or infinite; the update was skipped and the last good weights (step 50) restored.')).toBeTruthy();
    act(() => useStore.setState({ lang: 'zh' }));
    expect(screen.getByText('第 12 步：梯度范数变成了 Infinity；这次更新已被跳过。')).toBeTruthy();
    expect(screen.getByText('第 60 步：某个权重变成了 NaN 或无穷大；这次更新已被跳过，并恢复了上一次正常的权重（第 50 步）。')).toBeTruthy();
  });

  it('says what the worker reports in the reader’s language: a data error with its lines, warnings, a training error, a dropped worker', async () => {
    render(<TrainView />);
    fireEvent.click(button('Train'));
    await flush();
    const lineErrors: LineError[] = [{ line: 1, code: 'columns', params: { n: 1 }, message: 'line 1: expected 2 or 3 tab-separated columns, found 1' }];
    await say({ type: 'ready', protocol: 1 }, { type: 'train/state', state: 'preparing', step: 0 }, { type: 'error', scope: 'data', code: 'no-pairs', params: { name: 'bad.tsv', read: 0, problems: 1 }, message: 'x', requestId: null, lineErrors });
    const dataAlert = (): string => document.querySelector('.train-data-error p')?.textContent ?? '';
    expect(dataAlert()).toBe('The data could not be prepared: bad.tsv: no usable sentence pairs (0 read, 1 problems)');
    expect(screen.getByText('line 1: expected 2 or 3 tab-separated columns, found 1')).toBeTruthy();
    act(() => useStore.setState({ lang: 'zh' }));
    expect(dataAlert()).toBe('无法准备数据：bad.tsv：没有可用的句对（读到 0 对，有 1 处问题）');
    expect(screen.getByText('第 1 行：应有 2 或 3 列（以制表符分隔），实际有 1 列')).toBeTruthy();
    act(() => useStore.setState({ lang: 'en' }));

    const warnings: DataWarning[] = [{ code: 'train-cut', params: { n: 2000 }, message: 'only the first 2000 training pairs are used' }];
    await say({ ...DATA_READY, warnings }, { type: 'train/state', state: 'running', step: 0 });
    await say(
      { type: 'train/workers', workers: 2, requested: 3, reason: 'dropped', failure: { code: 'timeout', params: { seconds: 10 }, message: 'a gradient worker did not answer within 10 s' } },
      { type: 'error', scope: 'train', code: 'stopped', params: { detail: 'boom' }, message: 'training stopped: boom', requestId: null, lineErrors: [] },
    );
    expect(screen.getByText('only the first 2000 training pairs are used')).toBeTruthy();
    expect(screen.getByText('A gradient worker stopped; training goes on with 2 worker(s).').parentElement?.textContent).toBe('A gradient worker stopped; training goes on with 2 worker(s). It did not answer within 10 s.');
    expect(screen.getByRole('alert').textContent).toBe('training stopped because of an internal error (boom)');
    act(() => useStore.setState({ lang: 'zh' }));
    expect(screen.getByText('只使用了前 2000 个训练句对')).toBeTruthy();
    expect(screen.getByText(/^一个梯度线程停止了/).parentElement?.textContent).toMatch(/它在 10 秒内没有回复。$/);
    expect(screen.getByRole('alert').textContent).toBe('出错了：训练因内部错误而停止（boom）');
  });

  it('when the worker dies: says so, keeps everything, and resumes from the last weights in a new worker', async () => {
    await startRun();
    await say(progress(100), snapshot(100, 0.8), { type: 'train/weights', step: 100, tensors: [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }] });
    const first = worker();
    first.fire('error', 'Uncaught RangeError: out of memory');
    await flush();
    expect(first.terminated).toBe(true);
    expect(screen.getByRole('alert').textContent).toMatch(/The training thread stopped\..*out of memory.*curves and the snapshots are kept/);
    expect(useStore.getState().notices.at(-1)?.text).toMatch(/Training stopped: the training worker failed: Uncaught RangeError/);
    // the curves and the probe are still there
    expect(screen.getByRole('grid', { name: 'Probe alignment at step 100' })).toBeTruthy();
    expect(button('Use in explorer')).toHaveProperty('disabled', true);

    fireEvent.click(button('Resume from step 100'));
    await flush();
    expect(workers).toHaveLength(2);
    const resumed = worker().last('train/start');
    expect(resumed?.resume?.step).toBe(100);
    expect(Array.from(resumed?.resume?.tensors[0]?.data ?? [])).toEqual([1, 2]);
    expect(resumed?.config.steps).toBe(400);
  });

  it('has no axe violations with a run on screen', async () => {
    await startRun();
    await say(progress(50, { eval: { step: 50, devLoss: 0.9, exactMatch: 0.5, bleu: 61.2, best: true } }), snapshot(50, 0.7), { type: 'train/guard', step: 51, what: 'loss', value: NaN, restoredStep: 50, restored: false, message: 'Step 51: the loss became NaN.' });
    expect(await violations()).toEqual([]);
  });
});

describe('TrainView: the trained model', () => {
  it('“Use in explorer” loads the exported model and switches the explorer to it in one click', async () => {
    await startRun();
    const cp = await checkpoint('trained-toy-additive-t1');
    worker().onCommand = (msg, w) => {
      if (msg.type === 'export/checkpoint') queueMicrotask(() => w.emit({ type: 'checkpoint', requestId: msg.requestId, manifest: cp.manifest, weights: cp.weights }));
    };
    await say(progress(50));
    fireEvent.click(button('Use in explorer'));
    // loading the model takes a few tasks (hashing, IndexedDB): as many as it takes on a busy machine
    for (let waited = 0; useStore.getState().modelId !== 'user:trained-toy-additive-t1' && waited < 5000; waited += 50) await flush(50);
    const exported = worker().last('export/checkpoint');
    expect(exported?.id).toMatch(/^trained-reverse-additive-/);
    expect(exported?.title).toMatch(/Reverse a sequence · Additive \(Bahdanau\) · trained in this page \(50 steps\)/);
    const s = useStore.getState();
    expect(s.page).toBe('explore');
    expect(s.modelId).toBe('user:trained-toy-additive-t1');
    expect(s.models['user:trained-toy-additive-t1']).toBeTruthy();
    expect(s.models['trained-toy-additive-t1']).toBeUndefined();
    expect(s.source).toBe('b a h d a n a u');
  });

  it('“Download” saves manifest.json and model.safetensors', async () => {
    await startRun();
    const cp = await checkpoint('trained-toy-additive-t2');
    worker().onCommand = (msg, w) => {
      if (msg.type === 'export/checkpoint') queueMicrotask(() => w.emit({ type: 'checkpoint', requestId: msg.requestId, manifest: cp.manifest, weights: cp.weights }));
    };
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => {
      blobs.push(b);
      return `blob:test/${blobs.length}`;
    });
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    fireEvent.click(button('Download'));
    await flush(50);
    expect(names).toEqual(['manifest.json', 'model.safetensors']);
    const manifest = JSON.parse(await (blobs[0] as Blob).text()) as { id: string };
    expect(manifest.id).toBe('trained-toy-additive-t2');
    expect((blobs[1] as Blob).size).toBe(cp.weights.byteLength);
    click.mockRestore();
    vi.unstubAllGlobals();
  });

  it('an export that fails is reported and nothing changes', async () => {
    await startRun();
    worker().onCommand = (msg, w) => {
      if (msg.type === 'export/checkpoint') queueMicrotask(() => w.emit({ type: 'error', scope: 'export', code: 'export-failed', params: { detail: 'boom' }, message: 'the model could not be exported: boom', requestId: msg.requestId, lineErrors: [] }));
    };
    const before = useStore.getState().modelId;
    fireEvent.click(button('Use in explorer'));
    await flush(20);
    expect(useStore.getState().notices.at(-1)?.text).toBe('the model could not be exported (boom)');
    expect(useStore.getState().modelId).toBe(before);
    expect(useTrainStore.getState().busy).toBeNull();
  });
});
