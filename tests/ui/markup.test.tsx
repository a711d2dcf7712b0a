// @vitest-environment jsdom
// Markup in file names, model titles and manifest strings stays text wherever the page shows it
// (docs/RELIABILITY.md, "HTML or script in a sentence, a file name, a model title"): the model
// picker, the saved-models list, the model line, the notices (a file's name; a manifest's own
// value inside the checker's message) and the exports (the SVG's caption and title, the JSON, the
// file names).

import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveModel } from '../../src/model/bundle';
import { initParams } from '../../src/model/params';
import { putStoredModel, setIndexedDbFactory, useStoredModels } from '../../src/store/modelDb';
import { useStore } from '../../src/store/store';
import { ModelPicker, Notices } from '../../src/ui/panels/Header';
import { ModelFiles } from '../../src/ui/train/ModelPanels';
import { ExploreView } from '../../src/ui/views/ExploreView';
import { makeConfig, srcVocab, tgtVocab } from '../model/fixtures';
import { captureDownloads, resetStore } from './panels/helpers';
import { fakeIndexedDb } from './train/fakeIdb';
import { flush } from './train/helpers';

const MARKUP = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script>';
const TITLE = `Mine ${MARKUP}`;
const TASK = '<b onclick=x>t</b><img src=y>';
/** Elements the markup above would make, were it parsed as HTML or SVG. */
const INJECTED = 'img, script, b, iframe, foreignObject';

const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };

async function hostileCheckpoint(id: string): Promise<{ manifest: object; weights: Uint8Array }> {
  const config = makeConfig('additive');
  const { manifest, weights } = await saveModel({ id, title: TITLE, task: TASK, config, params: initParams(config, 7, 'float32'), srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype: 'F32' });
  return { manifest, weights };
}

let downloads: Array<{ name: string; blob: Blob }> = [];

beforeEach(() => {
  resetStore();
  setIndexedDbFactory(fakeIndexedDb());
  useStoredModels.setState({ list: [], error: null });
  downloads = captureDownloads();
});

afterEach(() => {
  vi.restoreAllMocks();
  setIndexedDbFactory(undefined);
  resetStore();
  delete (globalThis as Record<string, unknown>).__pwned;
});

function expectInert(where: string): void {
  expect(document.querySelectorAll(INJECTED), where).toHaveLength(0);
  expect((globalThis as Record<string, unknown>).__pwned, where).toBeUndefined();
}

describe('markup in file names, model titles and manifest strings', () => {
  it('stays text in the picker, the saved list, the model line, the notices and the exports', async () => {
    const cp = await hostileCheckpoint('my-model');
    await putStoredModel(cp.manifest as never, cp.weights);
    render(
      <>
        <Notices />
        <ModelPicker />
        <ModelFiles />
        <ExploreView />
      </>,
    );
    await flush(50);
    // the saved list: title and task as text
    expect(screen.getByText(TITLE)).toBeTruthy();
    expect(document.querySelector('.train-saved')?.textContent).toContain(TASK);

    // files with markup in their names, holding a manifest with markup in its strings
    const input = screen.getByLabelText('Load a model from files');
    const manifestName = `<img src=v onerror=alert(3)><b>m</b>.json`;
    const weightsName = `<img src=z onerror=alert(1)>.safetensors`;
    fireEvent.change(input, { target: { files: [new File([JSON.stringify(cp.manifest)], manifestName), new File([cp.weights.slice()], weightsName)] } });
    await flush(100);
    const s = useStore.getState();
    expect(s.modelId).toBe('user:my-model');
    // the picker's option, the model line, the "loaded" notice
    const picker = screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
    expect(picker.selectedOptions[0]?.textContent).toBe(`${TITLE} (yours)`);
    expect(document.querySelector('.model-line')?.textContent).toContain(`Your model “${TITLE}”`);
    expect(screen.getByText(`Loaded “${TITLE}” from your files.`)).toBeTruthy();
    expectInert('after loading');

    // a file's name in a notice, and a manifest's own (bad) value in the checker's message
    fireEvent.change(input, { target: { files: [new File(['{}'], manifestName)] } });
    await flush(50);
    expect(document.querySelector('.notices')?.textContent).toContain(`“${manifestName}”`);
    const badId = { ...cp.manifest, id: '<img src=w onerror=alert(2)>' };
    fireEvent.change(input, { target: { files: [new File([JSON.stringify(badId)], 'manifest.json'), new File([cp.weights.slice()], weightsName)] } });
    await flush(50);
    expect(document.querySelector('.notices')?.textContent).toContain('<img src=w onerror=alert(2)>');
    expectInert('after the notices');

    // the exports: the SVG's caption and title, the JSON, the file names
    fireEvent.click(screen.getByRole('button', { name: /download svg/i }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    const svgFile = downloads[0] as { name: string; blob: Blob };
    expect(svgFile.name).not.toMatch(/[<>"]/);
    const svgText = await svgFile.blob.text();
    expect(svgText).not.toContain('<img');
    expect(svgText).not.toContain('<script');
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelectorAll(INJECTED)).toHaveLength(0);
    expect(doc.querySelector('.caption')?.textContent).toContain(`your model “${TITLE}”`);
    fireEvent.click(screen.getByRole('button', { name: /json/i }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    const json = JSON.parse(await (downloads[1] as { blob: Blob }).blob.text()) as { model: string };
    expect(json.model).toBe('user:my-model');
    expectInert('after the exports');
  });
});
