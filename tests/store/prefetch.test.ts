// The entry script's prefetch of the first model (src/store/prefetch.ts; docs/ARCHITECTURE.md,
// "Loading a model"): which model it guesses, and that fetchModel takes the prefetched responses
// (each once) instead of asking again, and cancels them when another model is loaded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchModel } from '../../src/store/catalog';
import { DEFAULT_MODEL_ID } from '../../src/store/document';
import { DEFAULT_WEIGHTS_FILE } from '../../src/model/checkpoint';
import { MODEL_ID_PATTERN } from '../../src/model/domain';
import { dropPrefetched, guessFirstModel, prefetchModel, PREFETCH_DEFAULT_ID, PREFETCH_ID_PATTERN, PREFETCH_WEIGHTS_FILE, PREFETCH_ZH_ID, takePrefetched } from '../../src/store/prefetch';
import { ZH_DEFAULT_MODEL_ID } from '../../src/ui/boot';
import { checkpoint } from '../ui/train/helpers';

afterEach(() => {
  dropPrefetched();
  vi.unstubAllGlobals();
});

const record = (state: Record<string, unknown>): string => JSON.stringify({ state, version: 1 });

describe('guessFirstModel', () => {
  it('names the defaults the page itself uses', () => {
    expect(PREFETCH_DEFAULT_ID).toBe(DEFAULT_MODEL_ID);
    expect(PREFETCH_ZH_ID).toBe(ZH_DEFAULT_MODEL_ID);
    // written again here so that the entry script imports nothing: the same as the page's own
    expect(PREFETCH_ID_PATTERN.source).toBe(MODEL_ID_PATTERN.source);
    expect(PREFETCH_ID_PATTERN.flags).toBe(MODEL_ID_PATTERN.flags);
    expect(PREFETCH_WEIGHTS_FILE).toBe(DEFAULT_WEIGHTS_FILE);
  });

  it('guesses the default on a first visit, the Chinese default for a Chinese browser', () => {
    expect(guessFirstModel('', null, 'en-GB')).toBe(DEFAULT_MODEL_ID);
    expect(guessFirstModel('#view=explore', null, 'fr')).toBe(DEFAULT_MODEL_ID);
    // every view opens with the document's model: boot loads it on the Train view too
    expect(guessFirstModel('#view=train', null, 'en')).toBe(DEFAULT_MODEL_ID);
    expect(guessFirstModel('#view=story&chapter=5', null, 'en')).toBe(DEFAULT_MODEL_ID);
    expect(guessFirstModel('', null, 'zh-CN')).toBe(ZH_DEFAULT_MODEL_ID);
    expect(guessFirstModel('', null, '')).toBe(DEFAULT_MODEL_ID);
  });

  it('guesses the remembered model over the browser language', () => {
    expect(guessFirstModel('', record({ modelId: 'en-fr-additive', lang: 'zh' }), 'zh-CN')).toBe('en-fr-additive');
    expect(guessFirstModel('', record({ modelId: DEFAULT_MODEL_ID, lang: 'en' }), 'zh-CN')).toBe(DEFAULT_MODEL_ID);
  });

  it('does not guess what it cannot know before the page runs', () => {
    // a link: the model is inside its compressed state
    expect(guessFirstModel('#s=abc', null, 'en')).toBeNull();
    expect(guessFirstModel('#view=explore&s=abc', null, 'en')).toBeNull();
    // the Chinese interface on the default model may open English→Chinese (boot looks at the sentence too)
    expect(guessFirstModel('', record({ modelId: DEFAULT_MODEL_ID, lang: 'zh' }), 'en')).toBeNull();
  });

  it('survives a hostile or broken remembered record', () => {
    for (const bad of ['{', 'null', '[]', '"x"', record({ modelId: '../../etc' }), record({ modelId: 7 }), record({}), JSON.stringify({ state: null })]) {
      expect(guessFirstModel('', bad, 'en')).toBeNull();
    }
  });
});

/** A site serving `cp` as models/<folder>/, counting the requests per path. */
function serve(folder: string, cp: { manifest: unknown; weights: Uint8Array }): Map<string, number> {
  const asked = new Map<string, number>();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = new URL(url).pathname;
      asked.set(path, (asked.get(path) ?? 0) + 1);
      if (path === `/models/${folder}/manifest.json`) return new Response(JSON.stringify(cp.manifest));
      if (path === `/models/${folder}/model.safetensors`) return new Response(cp.weights.slice());
      return new Response('nope', { status: 404 });
    }),
  );
  return asked;
}

describe('the prefetched files', () => {
  const base = 'http://localhost/models/';

  it('are what fetchModel reads: nothing is asked for twice', async () => {
    const asked = serve('en-fr-additive', await checkpoint('en-fr-additive'));
    prefetchModel('en-fr-additive', base);
    await new Promise((r) => setTimeout(r, 0));
    const model = await fetchModel('en-fr-additive', base);
    expect(model.manifest.id).toBe('en-fr-additive');
    expect(asked.get('/models/en-fr-additive/manifest.json')).toBe(1);
    expect(asked.get('/models/en-fr-additive/model.safetensors')).toBe(1);
    // taken once: a second load asks the network again
    await fetchModel('en-fr-additive', base);
    expect(asked.get('/models/en-fr-additive/manifest.json')).toBe(2);
  });

  it('are cancelled when another model is loaded first', async () => {
    serve('en-fr-additive', await checkpoint('en-fr-additive'));
    prefetchModel('reverse-additive', base);
    const weights = 'http://localhost/models/reverse-additive/model.safetensors';
    const model = await fetchModel('en-fr-additive', base);
    expect(model.manifest.id).toBe('en-fr-additive');
    expect(takePrefetched(weights, 'reverse-additive')).toBeUndefined();
  });

  it('report a failure exactly as a fetch of their own would', async () => {
    serve('elsewhere', await checkpoint('en-fr-additive'));
    prefetchModel('en-fr-additive', base);
    const err = await fetchModel('en-fr-additive', base).catch((e: unknown) => e);
    expect((err as Error).message).toBe('could not fetch the manifest of en-fr-additive: HTTP 404');
  });

  it('refuse an id that is not a model name', () => {
    const asked = serve('x', { manifest: {}, weights: new Uint8Array() });
    prefetchModel('../x', base);
    expect(asked.size).toBe(0);
  });
});
