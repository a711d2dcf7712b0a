// @vitest-environment jsdom
// The share panel and the heatmap toolbar: what each button hands to the browser (the file's
// contents, its name, the link), in both languages; the toolbar's toggles reach the store.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseFragment } from '../../../src/export/permalink';
import { loadModel, saveModel } from '../../../src/model/bundle';
import { initParams } from '../../../src/model/params';
import { useStore } from '../../../src/store/store';
import { HeatmapToolbar, SharePanel } from '../../../src/ui/panels/Share';
import { makeConfig, srcVocab, tgtVocab } from '../../model/fixtures';
import { captureDownloads, currentTrace, resetStore, setUp } from './helpers';

interface Download {
  name: string;
  blob: Blob;
}

let downloads: Download[] = [];

beforeEach(() => {
  resetStore();
  downloads = captureDownloads();
});
afterEach(() => {
  vi.restoreAllMocks();
  resetStore();
});

async function download(button: RegExp): Promise<Download> {
  const before = downloads.length;
  fireEvent.click(screen.getByRole('button', { name: button }));
  await waitFor(() => expect(downloads.length).toBe(before + 1));
  return downloads[downloads.length - 1] as Download;
}

function parseSvg(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  expect(doc.querySelector('parsererror')).toBeNull();
  return doc;
}

describe('SharePanel', () => {
  it('downloads an SVG of the heatmap holding the tokens, the axis titles and a caption', async () => {
    await setUp('additive');
    render(<SharePanel />);
    const file = await download(/download svg/i);
    expect(file.name).toMatch(/^test-additive-the-cat-sat-on-the-mat\.svg$/);
    expect(file.blob.type).toBe('image/svg+xml');
    const doc = parseSvg(await file.blob.text());
    const trace = currentTrace();
    const texts = Array.from(doc.querySelectorAll('text'), (n) => n.textContent ?? '');
    for (const tok of [...trace.sourceTokens, ...trace.targetTokens]) expect(texts.some((x) => x.includes(tok))).toBe(true);
    expect(doc.querySelector('.row-title')?.textContent).toBe('target step i · query si−1');
    expect(doc.querySelector('.column-title')?.textContent).toBe('source j · annotation hj');
    expect(doc.querySelector('title')?.textContent).toMatch(/^Attention heatmap \(weights α\): /);
    // not in the catalog: your own model is named by its manifest (here its id), then the variant
    expect(doc.querySelector('.caption')?.textContent).toBe('test-additive · Additive (Bahdanau) · the cat sat on the mat .');
  });

  it('speaks the page’s language: axis titles, heading and variant in 中文; tokens stay the model’s', async () => {
    await setUp('additive');
    act(() => useStore.getState().setView({ lang: 'zh' }));
    render(<SharePanel />);
    const file = await download(/下载 SVG/);
    const doc = parseSvg(await file.blob.text());
    expect(doc.querySelector('.row-title')?.textContent).toBe('目标步 i · 查询 si−1');
    expect(doc.querySelector('.column-title')?.textContent).toBe('源位置 j · 注释 hj');
    expect(doc.querySelector('title')?.textContent).toMatch(/^注意力热图（权重 α）: /);
    expect(doc.querySelector('.caption')?.textContent).toContain('加性（Bahdanau）');
    expect(doc.querySelector('.caption')?.textContent).toContain('the cat sat on the mat .');
  });

  it('names a shipped model by its task (its manifest title would repeat the variant)', async () => {
    const config = makeConfig('additive');
    const params = initParams(config, 3, 'float32');
    const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };
    const saved = await saveModel({ id: 'en-fr-additive', task: 'en-fr', title: 'English → French · additive (Bahdanau)', config, params, srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype: 'F32' });
    const model = await loadModel(JSON.parse(JSON.stringify(saved.manifest)) as unknown, saved.weights);
    useStore.setState({ catalog: [{ id: 'en-fr-additive', task: 'en-fr', variant: 'additive', title: 'English → French · additive (Bahdanau)', metrics: {}, bytes: 1 }] });
    act(() => {
      useStore.getState().addModel(model, 'shipped');
      useStore.getState().setSource('the cat sat .');
    });
    render(<SharePanel />);
    const doc = parseSvg(await (await download(/download svg/i)).blob.text());
    expect(doc.querySelector('.caption')?.textContent).toBe('English → French · synthetic grammar · Additive (Bahdanau) · the cat sat .');
  });

  it('names your own model as yours everywhere it goes, even when its manifest has a shipped model’s id', async () => {
    // docs/RELIABILITY.md, "a user's checkpoint with a shipped model's id": caption, file names, JSON, link
    const config = makeConfig('additive');
    const params = initParams(config, 3, 'float32');
    const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };
    const saved = await saveModel({ id: 'en-fr-additive', task: 'en-fr', title: 'My letters', config, params, srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype: 'F32' });
    const model = await loadModel(JSON.parse(JSON.stringify(saved.manifest)) as unknown, saved.weights);
    useStore.setState({ catalog: [{ id: 'en-fr-additive', task: 'en-fr', variant: 'additive', title: 'English → French · additive (Bahdanau)', metrics: { bleu: 97.7 }, bytes: 1 }] });
    act(() => {
      useStore.getState().addModel(model, 'user');
      useStore.getState().setSource('the cat sat .');
    });
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<SharePanel />);
    const svg = await download(/download svg/i);
    expect(svg.name).toMatch(/^user-en-fr-additive-the-cat-sat-.*\.svg$/);
    const doc = parseSvg(await svg.blob.text());
    expect(doc.querySelector('.caption')?.textContent).toBe('your model “My letters” · Additive (Bahdanau) · the cat sat .');
    const json = JSON.parse(await (await download(/json/i)).blob.text()) as { model: string };
    expect(json.model).toBe('user:en-fr-additive');
    fireEvent.click(screen.getByRole('button', { name: /copy link/i }));
    await waitFor(() => expect(writeText).toHaveBeenCalled());
    expect((await parseFragment(new URL(writeText.mock.calls[0]?.[0] ?? '').hash)).state.model).toBe('user:en-fr-additive');
  });

  it('exports the scores e when they are on show, as CSV (with a BOM for spreadsheets) and in the SVG', async () => {
    await setUp('additive');
    act(() => useStore.getState().setView({ values: 'scores' }));
    render(<SharePanel />);
    const csv = await download(/csv/i);
    expect(csv.name).toMatch(/-scores\.csv$/);
    const bytes = new Uint8Array(await csv.blob.arrayBuffer());
    expect(Array.from(bytes.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split(/\r?\n/);
    const trace = currentTrace();
    expect(lines).toHaveLength(trace.targetTokens.length + 1);
    const first = trace.steps[0]?.scores;
    expect(first).toBeTruthy();
    const cells = (lines[1] as string).split(',').slice(1).map(Number);
    cells.forEach((v, j) => expect(v).toBeCloseTo((first as ArrayLike<number>)[j] as number, 4));
    const doc = parseSvg(await (await download(/download svg/i)).blob.text());
    expect(doc.querySelector('title')?.textContent).toMatch(/^Attention heatmap \(scores e\)/);
  });

  it('downloads the whole trace as JSON', async () => {
    await setUp('additive');
    render(<SharePanel />);
    const file = await download(/json/i);
    const json = JSON.parse(await file.blob.text()) as { format: string; model: string; source: string[]; weights: number[][] };
    const trace = currentTrace();
    expect(json.format).toBe('rnnsearch-alignment');
    expect(json.model).toBe('test-additive');
    expect(json.source).toEqual(trace.sourceTokens);
    expect(json.weights).toHaveLength(trace.targetTokens.length);
    for (const row of json.weights) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('copies a link that encodes the state; where the clipboard is refused, puts it in the address bar and says so', async () => {
    await setUp('additive');
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: /copy link/i }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/copied/i));
    const link = writeText.mock.calls[0]?.[0] ?? '';
    const parsed = await parseFragment(new URL(link).hash);
    expect(parsed.problem).toBeNull();
    expect(parsed.state.model).toBe('test-additive');
    expect(parsed.state.source).toBe('the cat sat on the mat .');

    writeText.mockImplementation(() => Promise.reject(new Error('denied')));
    fireEvent.click(screen.getByRole('button', { name: /copy link/i }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/address bar/));
    expect(location.hash).toBe(new URL(link).hash);
  });

  it('copies embed code: an iframe of embed.html beside the page with this state, attributes escaped; shown to copy by hand when the clipboard refuses', async () => {
    await setUp('additive');
    history.replaceState(null, '', '/rnnsearch/index.html#view=explore');
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy embed code' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Embed code copied/));
    const code = writeText.mock.calls[0]?.[0] ?? '';
    const m = /^<iframe src="([^"]+)" title="RNNsearch: attention heatmap" width="720" height="560" loading="lazy"><\/iframe>$/.exec(code);
    expect(m, code).not.toBeNull();
    const src = (m?.[1] ?? '').replaceAll('&amp;', '&');
    expect(src.startsWith(`${location.origin}/rnnsearch/embed.html#s=`)).toBe(true);
    const parsed = await parseFragment(new URL(src).hash);
    expect(parsed.state.source).toBe('the cat sat on the mat .');
    writeText.mockImplementation(() => Promise.reject(new Error('denied')));
    fireEvent.click(screen.getByRole('button', { name: 'Copy embed code' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/copy it by hand/));
    expect((screen.getByRole('textbox', { name: 'Copy embed code' }) as HTMLTextAreaElement).value).toBe(code);
    history.replaceState(null, '', '/');
  });
});

describe('HeatmapToolbar', () => {
  it('switches values, transpose, palette and the table view in the store', async () => {
    await setUp('additive');
    render(<HeatmapToolbar />);
    const scores = screen.getByRole('radio', { name: /scores e/i });
    fireEvent.click(scores);
    expect(useStore.getState().values).toBe('scores');
    expect(scores.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: /transpose/i }));
    expect(useStore.getState().transpose).toBe(true);
    fireEvent.change(screen.getByRole('combobox', { name: /palette|colour/i }), { target: { value: 'viridis' } });
    expect(useStore.getState().palette).toBe('viridis');
    fireEvent.click(screen.getByRole('button', { name: /view as table/i }));
    expect(useStore.getState().showTable).toBe(true);
  });

  it('disables the scores toggle for a variant without scores (the hard-coded diagonal)', async () => {
    await setUp('diagonal');
    render(<HeatmapToolbar />);
    expect((screen.getByRole('radio', { name: /scores e/i }) as HTMLButtonElement).disabled).toBe(true);
  });
});
