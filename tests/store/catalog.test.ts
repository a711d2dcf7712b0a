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

  it('tells the manifest\'s configuration, then hands the files over before the weights are checked; the model keeps those very bytes', async () => {
    const cp = await checkpoint('en-fr-additive');
    serve('en-fr-additive', cp);
    const heard: Array<{ weights: Uint8Array; sizes: unknown }> = [];
    const manifests: unknown[] = [];
    const model = await fetchModel('en-fr-additive', 'http://localhost/models/', undefined, undefined, {
      manifest: (config) => manifests.push(config.sizes),
      files: (files, config) => heard.push({ weights: files.weights, sizes: config.sizes }),
    });
    expect(manifests).toEqual([model.config.sizes]);
    expect(heard).toHaveLength(1);
    expect(heard[0]?.weights).toBe(model.checkpoint?.weights);
    expect(heard[0]?.sizes).toEqual(model.config.sizes);
    // weights that fail the checks are still heard (the worker's copy fails on the same checks), and the load fails
    serve('en-fr-additive', { ...cp, weights: cp.weights.slice(0, cp.weights.length - 8) });
    let before = 0;
    await expect(fetchModel('en-fr-additive', 'http://localhost/models/', undefined, undefined, { files: () => before++ })).rejects.toBeInstanceOf(CheckpointError);
    expect(before).toBe(1);
  });

  it('refuses a folder whose manifest names another model', async () => {
    serve('en-fr-additive', await checkpoint('reverse-additive'));
    const err = await fetchModel('en-fr-additive', 'http://localhost/models/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe('the manifest in models/en-fr-additive/ names another model (“reverse-additive”)');
  });

  it('asks for the weights alongside the manifest, not after it', async () => {
    const cp = await checkpoint('en-fr-additive');
    const asked: string[] = [];
    let releaseManifest = (): void => undefined;
    const manifestHeld = new Promise<void>((resolve) => (releaseManifest = resolve));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const path = new URL(url).pathname;
        asked.push(path);
        if (path.endsWith('/manifest.json')) {
          await manifestHeld;
          return new Response(JSON.stringify(cp.manifest));
        }
        if (path.endsWith('/model.safetensors')) return new Response(cp.weights.slice());
        return new Response('nope', { status: 404 });
      }),
    );
    const loading = fetchModel('en-fr-additive', 'http://localhost/models/');
    await new Promise((resolve) => setTimeout(resolve, 0));
    // the manifest has not arrived, and both requests are out
    expect(asked.sort()).toEqual(['/models/en-fr-additive/manifest.json', '/models/en-fr-additive/model.safetensors']);
    releaseManifest();
    expect((await loading).manifest.id).toBe('en-fr-additive');
  });

  it('cancels the guessed weights when the manifest names another file, and fetches that one', async () => {
    const cp = await checkpoint('en-fr-additive');
    const manifest = structuredClone(cp.manifest) as { weights: { file: string } };
    manifest.weights.file = 'weights-v2.safetensors';
    const aborted: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        const path = new URL(url).pathname;
        if (path.endsWith('/manifest.json')) return new Response(JSON.stringify(manifest));
        if (path.endsWith('/weights-v2.safetensors')) return new Response(cp.weights.slice());
        // the guess: held open until it is cancelled
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener('abort', () => {
            aborted.push(path);
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }),
    );
    const model = await fetchModel('en-fr-additive', 'http://localhost/models/');
    expect(model.manifest.weights.file).toBe('weights-v2.safetensors');
    expect(aborted).toEqual(['/models/en-fr-additive/model.safetensors']);
  });

  it('a manifest that cannot be fetched cancels the guessed weights and says what failed', async () => {
    const aborted: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        const path = new URL(url).pathname;
        if (path.endsWith('/manifest.json')) return new Response('gone', { status: 404 });
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener('abort', () => {
            aborted.push(path);
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }),
    );
    const err = await fetchModel('en-fr-additive', 'http://localhost/models/').catch((e: unknown) => e);
    expect((err as Error).message).toBe('could not fetch the manifest of en-fr-additive: HTTP 404');
    expect(aborted).toEqual(['/models/en-fr-additive/model.safetensors']);
  });
});
