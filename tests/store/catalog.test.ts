// The shipped models' loader (src/store/catalog.ts): a folder's manifest must name that folder's
// model, so that a shipped name always stands for the shipped weights (docs/ARCHITECTURE.md, "Model
// names").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '../../src/model/checkpoint';
import { fetchModel } from '../../src/store/catalog';
import { checkpoint } from '../ui/train/helpers';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A site whose models/<folder>/ holds the checkpoint `cp`. */
function serve(folder: string, cp: { manifest: unknown; weights: Uint8Array }): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = new URL(url).pathname;
      if (path === `/models/${folder}/manifest.json`) return new Response(JSON.stringify(cp.manifest));
      if (path === `/models/${folder}/model.safetensors`) return new Response(cp.weights.slice());
      return new Response('nope', { status: 404 });
    }),
  );
}

describe('fetchModel', () => {
  it('loads the model in its folder', async () => {
    serve('en-fr-additive', await checkpoint('en-fr-additive'));
    const model = await fetchModel('en-fr-additive', 'http://localhost/models/');
    expect(model.manifest.id).toBe('en-fr-additive');
  });

  it('refuses a folder whose manifest names another model', async () => {
    serve('en-fr-additive', await checkpoint('reverse-additive'));
    const err = await fetchModel('en-fr-additive', 'http://localhost/models/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe('the manifest in models/en-fr-additive/ names another model (“reverse-additive”)');
  });
});
