// Shared set-up for the step-panel tests: a real (small, untrained) model saved and loaded
// through the checkpoint path, put into the store; the store reset between tests.

import { vi } from 'vitest';
import { cleanup } from '@testing-library/react';
import { loadModel, saveModel, type LoadedModel } from '../../../src/model/bundle';
import type { Variant } from '../../../src/model/config';
import type { Trace } from '../../../src/model/trace';
import { initParams } from '../../../src/model/params';
import { useStore } from '../../../src/store/store';
import { makeConfig, srcVocab, tgtVocab } from '../../model/fixtures';

/** The store as it was at module load (zustand's testing guide). */
export const initialState = useStore.getState();

const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };

const cache = new Map<Variant, LoadedModel>();

/** A float32 model of the variant, through saveModel + loadModel (as the page loads one). */
export async function loadedModel(variant: Variant): Promise<LoadedModel> {
  const hit = cache.get(variant);
  if (hit) return hit;
  const config = makeConfig(variant);
  const params = initParams(config, 11, 'float32');
  const { manifest, weights } = await saveModel({ id: `test-${variant}`, task: 'toy', config, params, srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype: 'F32' });
  const model = await loadModel(JSON.parse(JSON.stringify(manifest)) as unknown, weights);
  cache.set(variant, model);
  return model;
}

export const SOURCE = 'the cat sat on the mat .';

/** Load the variant's model into a fresh store, decode `source` (forced on `target`), go to step 0. */
export async function setUp(variant: Variant, source = SOURCE, target = ''): Promise<LoadedModel> {
  const model = await loadedModel(variant);
  const s = useStore.getState();
  s.addModel(model, 'shipped'); // under its own id, as a shipped model is
  s.setSource(source);
  if (target) s.setTarget(target);
  // the store may move to another step on a new sentence (the last one, currently): start at 0
  s.setStep(0);
  return model;
}

/** The store's current trace (the test fails if there is none). */
export function currentTrace(): Trace {
  const t = useStore.getState().analysis?.trace;
  if (!t) throw new Error('no trace');
  return t;
}

export function resetStore(): void {
  cleanup();
  localStorage.clear();
  useStore.setState(initialState, true);
}

/**
 * Capture the files downloadBlob saves (an object URL for the blob, then a click on a hidden
 * <a download>): the returned list receives each one. Undo with vi.restoreAllMocks().
 */
export function captureDownloads(): Array<{ name: string; blob: Blob }> {
  const downloads: Array<{ name: string; blob: Blob }> = [];
  let lastBlob: Blob | null = null;
  URL.createObjectURL = vi.fn((b: Blob) => {
    lastBlob = b;
    return 'blob:test';
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    if (lastBlob) downloads.push({ name: this.download, blob: lastBlob });
  });
  return downloads;
}
