// @vitest-environment jsdom
// Loading a model from files (picker and drop), saving a trained model in this browser, and the
// saved list with open / delete; a bad file gives a message and the current model stays.

import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFragment, parseFragment } from '../../../src/export/permalink';
import { putStoredModel, setIndexedDbFactory, useStoredModels } from '../../../src/store/modelDb';
import { toShareState } from '../../../src/store/share';
import { useStore } from '../../../src/store/store';
import { ModelPicker } from '../../../src/ui/panels/Header';
import { ModelFiles } from '../../../src/ui/train/ModelPanels';
import { readModelFiles } from '../../../src/ui/train/modelFiles';
import { fakeIndexedDb } from './fakeIdb';
import { checkpoint, flush, setUpTrain, tearDownTrain } from './helpers';
import { loadedModel } from '../panels/helpers';

beforeEach(setUpTrain);
afterEach(tearDownTrain);

async function files(id: string, corrupt = false): Promise<File[]> {
  const cp = await checkpoint(id, 'reverse');
  const weights = cp.weights.slice();
  if (corrupt) weights[100] ^= 0x55;
  return [new File([JSON.stringify(cp.manifest)], 'manifest.json', { type: 'application/json' }), new File([weights], 'model.safetensors')];
}

async function withCurrentModel(): Promise<string> {
  const model = await loadedModel('additive');
  useStore.getState().addModel(model, 'shipped');
  return model.manifest.id;
}

describe('loading a model from files', () => {
  it('the picker loads both files, validated, and switches the explorer to the model', async () => {
    await withCurrentModel();
    render(<ModelFiles />);
    fireEvent.change(screen.getByLabelText('Load a model from files'), { target: { files: await files('my-reverse-model') } });
    await flush(100);
    const s = useStore.getState();
    // the reader's own model: named `user:<id>` (src/store/modelRef.ts)
    expect(s.modelId).toBe('user:my-reverse-model');
    expect(s.page).toBe('explore');
    // a built-in task's model opens on one of that task's examples
    expect(s.source).toBe('c a t');
    expect(s.notices.at(-1)?.text).toBe('Loaded “Test model my-reverse-model” from your files.');
  });

  it('dropping the files works the same way', async () => {
    render(<ModelFiles />);
    const label = screen.getByText('Load a model from files');
    const zone = label.closest('.train-drop') as HTMLElement;
    fireEvent.drop(zone, { dataTransfer: { files: await files('dropped-model'), types: ['Files'] } });
    await flush(100);
    expect(useStore.getState().modelId).toBe('user:dropped-model');
  });

  it('a corrupt or incomplete pair gives a clear message and the current model stays', async () => {
    const current = await withCurrentModel();
    render(<ModelFiles />);
    const input = screen.getByLabelText('Load a model from files');
    fireEvent.change(input, { target: { files: await files('broken-model', true) } });
    await flush(100);
    expect(useStore.getState().modelId).toBe(current);
    expect(useStore.getState().page).toBe('explore');
    expect(useStore.getState().notices.at(-1)?.text).toMatch(/^These files are not a model this page can load: .*SHA-256/);

    fireEvent.change(input, { target: { files: [(await files('half-model'))[0] as File] } });
    await flush(50);
    expect(useStore.getState().notices.at(-1)?.text).toMatch(/Choose the model’s files together: its manifest.json and its .safetensors weights, plus tokenizer.source.json and tokenizer.target.json for a subword model \(you chose “manifest.json”\)/);
    fireEvent.change(input, { target: { files: [new File(['{not json'], 'manifest.json'), new File([new Uint8Array(8)], 'model.safetensors')] } });
    await flush(50);
    expect(useStore.getState().notices.at(-1)?.text).toMatch(/not valid JSON/);
    expect(useStore.getState().modelId).toBe(current);
  });

  it('files whose manifest has a shipped model’s id are kept apart as the reader’s own: picker, notice, link', async () => {
    // the case: the reversal model's files with the manifest's id changed to en-fr-additive
    useStore.setState({ catalog: [{ id: 'en-fr-additive', task: 'en-fr', variant: 'additive', title: 'English → French · additive', metrics: { bleu: 97.7 }, bytes: 1 }] });
    const shipped = await loadedModel('additive');
    act(() => {
      useStore.getState().addModel({ ...shipped, manifest: { ...shipped.manifest, id: 'en-fr-additive', task: 'en-fr' } }, 'shipped');
    });
    render(
      <>
        <ModelPicker />
        <ModelFiles />
      </>,
    );
    fireEvent.change(screen.getByLabelText('Load a model from files'), { target: { files: await files('en-fr-additive') } });
    await flush(100);
    const s = useStore.getState();
    expect(s.modelId).toBe('user:en-fr-additive');
    expect(s.models['en-fr-additive']?.manifest.task).toBe('en-fr'); // the shipped model is untouched
    expect(s.models['user:en-fr-additive']?.manifest.task).toBe('reverse');
    expect(s.notices.map((n) => n.message?.key)).toContain('notice.userModelShadow');
    expect(s.notices.find((n) => n.message?.key === 'notice.userModelShadow')?.text).toBe(
      'Your model “Test model en-fr-additive” has the id of a model shipped with this page (“en-fr-additive”): it is kept apart as one of your models, and links to it name it as yours.',
    );
    // the picker: the shipped entry keeps its name and BLEU; the reader's own is listed apart, as theirs
    const picker = screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
    expect(picker.value).toBe('user:en-fr-additive');
    expect(picker.selectedOptions[0]?.textContent).toBe('Test model en-fr-additive (yours)');
    expect((picker.selectedOptions[0]?.parentElement as HTMLOptGroupElement).label).toBe('Your models (trained or loaded in this browser)');
    const shippedOption = within(picker).getAllByRole('option').find((o) => (o as HTMLOptionElement).value === 'en-fr-additive');
    expect(shippedOption?.textContent).toBe('Additive (Bahdanau) · BLEU 97.7');
    // a link names the model as the reader's own
    const parsed = await parseFragment(await buildFragment(toShareState(useStore.getState())));
    expect(parsed.problem).toBeNull();
    expect(parsed.state.model).toBe('user:en-fr-additive');
    // and choosing the shipped entry shows the shipped model again
    fireEvent.change(picker, { target: { value: 'en-fr-additive' } });
    await flush(20);
    expect(useStore.getState().modelId).toBe('en-fr-additive');
    expect(useStore.getState().models[useStore.getState().modelId]?.manifest.task).toBe('en-fr');
  });

  it('readModelFiles hands the files over before it checks the weights; the model keeps those very bytes', async () => {
    const heard: Array<{ weights: Uint8Array; sizes: unknown }> = [];
    const model = await readModelFiles(await files('mine'), (f, config) => heard.push({ weights: f.weights, sizes: config.sizes }));
    expect(heard).toHaveLength(1);
    expect(heard[0]?.weights).toBe(model.checkpoint?.weights);
    expect(heard[0]?.sizes).toEqual(model.config.sizes);
    let before = 0;
    await expect(readModelFiles(await files('mine', true), () => before++)).rejects.toThrow(/SHA-256|sha256|checksum/i);
    expect(before).toBe(1); // heard, then refused: a worker's early copy fails on the same checks
  });

  it('readModelFiles names the problem for a manifest of another format', async () => {
    const bad = { name: 'manifest.json', size: 20, text: async () => '{"format": "onnx"}', arrayBuffer: async () => new ArrayBuffer(0) };
    const weights = { name: 'w.safetensors', size: 8, text: async () => '', arrayBuffer: async () => new ArrayBuffer(8) };
    await expect(readModelFiles([bad, weights])).rejects.toThrow(/manifest.format must be "rnnsearch-checkpoint"/);
  });
});

describe('models saved in this browser', () => {
  it('lists them, opens one in the explorer, deletes one', async () => {
    setIndexedDbFactory(fakeIndexedDb());
    const a = await checkpoint('trained-reverse-additive-a1', 'reverse');
    await putStoredModel(a.manifest, a.weights);
    render(<ModelFiles />);
    await flush(50);
    const list = screen.getByRole('list');
    expect(within(list).getByText('Test model trained-reverse-additive-a1')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open Test model trained-reverse-additive-a1' }));
    await flush(100);
    expect(useStore.getState().modelId).toBe('user:trained-reverse-additive-a1');
    expect(useStore.getState().page).toBe('explore');
    fireEvent.click(screen.getByRole('button', { name: 'Delete Test model trained-reverse-additive-a1' }));
    await flush(50);
    expect(useStoredModels.getState().list).toEqual([]);
    expect(screen.getByText('No model is saved in this browser yet.')).toBeTruthy();
  });

  it('says so when the browser keeps no models', async () => {
    render(<ModelFiles />);
    await flush(20);
    expect(screen.getByText(/does not let the page store models/)).toBeTruthy();
  });
});
