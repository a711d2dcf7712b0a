// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getTask } from '../../../src/data/tasks';
import { tokenize } from '../../../src/data/tokenize';
import { useStore } from '../../../src/store/store';
import { bucketRange, exampleFor, fetchLengthRecord, parseLengthRecord } from '../../../src/ui/compare/lengthRecord';
import { LengthView } from '../../../src/ui/views/LengthView';
import { translateMessage } from '../../../src/ui/i18n';
import { resetStore } from '../panels/helpers';
import { axeViolations, CATALOG, fakeFetch, fixtureJson, installCatalog, installModels } from './setup';

const RECORD = fixtureJson('length.json');
const json = (body: unknown): Response => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

beforeEach(async () => {
  resetStore();
  installCatalog();
  await installModels({ 'en-fr-additive': 'additive', 'en-fr-none': 'none' });
});
afterEach(() => {
  resetStore();
  vi.unstubAllGlobals();
});

describe('the length record', () => {
  it('validates the record and keeps only well-formed buckets', () => {
    const r = parseLengthRecord(RECORD);
    expect(r.trainMaxLength).toBe(30);
    expect(r.testMaxLength).toBe(60);
    expect(r.results.map((x) => x.variant)).toEqual(['none', 'additive']);
    expect(r.results[0]?.byLength).toHaveLength(6);
    const odd = parseLengthRecord({
      results: [{ variant: 'additive', byLength: [{ bucket: '0-10', bleu: null, count: 0 }, { bucket: '<b>', bleu: 1, count: 1 }, { bucket: '60+', bleu: 250, count: 3 }, { bucket: '10-20', bleu: 'x', count: 1 }] }, { variant: 'nope', byLength: [] }],
      __proto__: { polluted: true },
    });
    expect(odd.results).toHaveLength(1);
    expect(odd.results[0]?.byLength).toEqual([
      { bucket: '0-10', bleu: null, count: 0 },
      { bucket: '60+', bleu: 100, count: 3 },
    ]);
    expect(odd.trainMaxLength).toBeNull();
    expect(() => parseLengthRecord({ results: [] })).toThrow(/no usable results/);
    expect(() => parseLengthRecord([1, 2])).toThrow(/not a JSON object/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('maps buckets to source lengths as bleuByLength counts them', () => {
    expect(bucketRange('0-10')).toEqual({ min: 0, max: 10 });
    expect(bucketRange('10-20')).toEqual({ min: 11, max: 20 });
    expect(bucketRange('60+')).toEqual({ min: 61, max: 80 });
    expect(bucketRange('x')).toBeNull();
  });

  it('gives each bucket a fixed example sentence of that length, as the model will tokenise it', () => {
    const task = getTask('en-fr');
    for (const b of ['0-10', '10-20', '20-30', '30-40', '40-50', '50-60', '60+']) {
      const ex = exampleFor(b)!;
      const range = bucketRange(b)!;
      const n = tokenize(ex.source, task.tokenizer).length;
      expect(n, b).toBe(ex.length);
      expect(n >= Math.max(range.min, 3) && n <= range.max, `${b}: ${n}`).toBe(true);
      expect(exampleFor(b)).toEqual(ex);
    }
  });

  it('reads a 404 or an HTML fallback page as “not shipped”, bad JSON as an error', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const offline = await fetchLengthRecord('http://x/experiments/length.json');
    expect(offline.state === 'error' && translateMessage('en', { key: 'length.error', vars: { reason: offline.message } })).toBe('The results of the length experiment could not be read: could not fetch the results (Failed to fetch)');
    vi.stubGlobal('fetch', fakeFetch({}));
    expect(await fetchLengthRecord('http://x/experiments/length.json')).toEqual({ state: 'missing' });
    vi.stubGlobal('fetch', fakeFetch({ 'length.json': () => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }) }));
    expect(await fetchLengthRecord('http://x/experiments/length.json')).toEqual({ state: 'missing' });
    vi.stubGlobal('fetch', fakeFetch({ 'length.json': () => new Response('{', { status: 200, headers: { 'content-type': 'application/json' } }) }));
    expect(await fetchLengthRecord('http://x/experiments/length.json')).toEqual({ state: 'error', message: { key: 'length.err.json' } });
    vi.stubGlobal('fetch', fakeFetch({ 'length.json': () => json(RECORD) }));
    expect(await fetchLengthRecord('http://x/experiments/length.json')).toMatchObject({ state: 'ready' });
  });
});

describe('LengthView', () => {
  it('draws BLEU by length for none and additive, with labelled axes, a legend and a table', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': () => json(RECORD) }));
    render(<LengthView />);
    const chart = await screen.findByRole('group', { name: /BLEU by source sentence length/ });
    expect(within(chart).getByText('source sentence length (tokens)')).toBeTruthy();
    expect(within(chart).getByText('BLEU')).toBeTruthy();
    expect(within(chart).getByText('trained on ≤ 30')).toBeTruthy();
    const points = within(chart).getAllByRole('button');
    expect(points).toHaveLength(12);
    expect(points[0]?.getAttribute('aria-label')).toBe('RNNencdec: no attention (none), sources of 0-10 tokens: BLEU 88.5 on 100 sentences. Open an example in the explorer');
    expect(points.every((p) => p.getAttribute('tabindex') === '0')).toBe(true);
    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(within(legend).getByText(/RNNsearch: additive attention/)).toBeTruthy();
    const table = screen.getByRole('table', { name: 'BLEU by source length, as numbers' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(7);
    expect(within(rows[4] as HTMLElement).getAllByRole('cell').map((c) => c.textContent)).toEqual(['45.3', '91.0', '100']);
    expect(screen.getByText(/trained with the same sizes, data and number of steps on sources of at most 30 tokens/)).toBeTruthy();
  });

  it('a point opens an example of that length in the explorer with that model, by click or keyboard', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': () => json(RECORD) }));
    render(<LengthView />);
    const point = await screen.findByRole('button', { name: /RNNsearch: additive attention, sources of 30-40 tokens/ });
    fireEvent.keyDown(point, { key: 'Enter' });
    let s = useStore.getState();
    expect(s.page).toBe('explore');
    expect(s.modelId).toBe('en-fr-additive');
    expect(s.source).toBe(exampleFor('30-40')?.source);
    expect(s.analysis?.trace).toBeTruthy();
    useStore.getState().setView({ page: 'length' });
    fireEvent.click(screen.getByRole('button', { name: /no attention \(none\), sources of 0-10 tokens/ }));
    s = useStore.getState();
    expect(s.modelId).toBe('en-fr-none');
    expect(s.source).toBe(exampleFor('0-10')?.source);
  });

  it('says so when the model of a point is not shipped', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': () => json(RECORD) }));
    installCatalog(CATALOG.filter((c) => c.id !== 'en-fr-none'));
    render(<LengthView />);
    fireEvent.click(await screen.findByRole('button', { name: /no attention \(none\), sources of 20-30 tokens/ }));
    expect(screen.getByText(/The model “en-fr-none” is not shipped with this page \(yet\)/)).toBeTruthy();
    expect(useStore.getState().page).toBe('explore'); // the initial page: nothing was opened
    expect(useStore.getState().modelId).not.toBe('en-fr-none');
  });

  it('shows a clear message when the results are not shipped, or not readable', async () => {
    vi.stubGlobal('fetch', fakeFetch({}));
    const { unmount } = render(<LengthView />);
    expect((await screen.findByText(/not shipped with this page yet/)).textContent).toMatch(/npm run experiment:length/);
    expect(screen.queryByRole('group')).toBeNull();
    // the explanation stays
    expect(screen.getByText(/RNNencdec, which squeezes the whole sentence/)).toBeTruthy();
    unmount();
    vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': () => json({ results: 'x' }) }));
    render(<LengthView />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not be read: the record has no "results" list/);
  });

  it('says what is wrong with the record in the reader’s language', async () => {
    useStore.setState({ lang: 'zh' });
    const cases: Array<[() => Response, string, string]> = [
      [() => new Response('{', { status: 200, headers: { 'content-type': 'application/json' } }), 'the results file is not valid JSON', '结果文件不是有效的 JSON'],
      [() => json([1, 2]), 'the record is not a JSON object', '记录不是一个 JSON 对象'],
      [() => json({ results: 'x' }), 'the record has no "results" list', '记录中没有 "results" 列表'],
      [() => json({ results: [] }), 'the record has no usable results', '记录中没有可用的结果'],
    ];
    for (const [respond, enText, zhText] of cases) {
      vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': respond }));
      const load = await fetchLengthRecord('http://x/experiments/length.json');
      expect(load.state === 'error' && translateMessage('en', { key: 'length.error', vars: { reason: load.message } })).toBe(`The results of the length experiment could not be read: ${enText}`);
      const { unmount } = render(<LengthView />);
      expect((await screen.findByRole('alert')).textContent).toBe(`无法读取长度实验的结果：${zhText}`);
      unmount();
    }
  });

  it('has no axe violations', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'experiments/length.json': () => json(RECORD) }));
    render(
      <main>
        <h1>RNNsearch</h1>
        <LengthView />
      </main>,
    );
    await screen.findByRole('group', { name: /BLEU by source sentence length/ });
    expect(await axeViolations()).toEqual([]);
  });
});
