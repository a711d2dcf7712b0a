// Models kept in this browser (src/store/modelDb.ts) over a small in-memory IndexedDB: the round
// trip through loadModel, storage that is disabled or full, and the store finding a saved model
// before it tries the shipped ones.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// the page's English words for the store's notices (registered as the page starts)
import { errorMessage, translateMessage } from '../../../src/ui/i18n';
import { parseManifestText } from '../../../src/model/checkpoint';
import {
  DB_NAME,
  DB_VERSION,
  deleteStoredModel,
  getStoredModel,
  listStoredModels,
  loadStoredModel,
  MAX_STORED_TITLE_CHARS,
  ModelDbError,
  putStoredModel,
  setIndexedDbFactory,
  useStoredModels,
} from '../../../src/store/modelDb';
import { useStore } from '../../../src/store/store';
import { initialState } from '../panels/helpers';
import { fakeIndexedDb } from './fakeIdb';
import { checkpoint } from './helpers';

beforeEach(() => {
  useStore.setState(initialState, true);
});

afterEach(() => {
  setIndexedDbFactory(undefined);
  vi.unstubAllGlobals();
});

/** Write `record` straight into the `models` store, as a tampering hand (or another page version) could. */
async function tamper(idb: IDBFactory, record: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = idb.open(DB_NAME, DB_VERSION);
    r.onsuccess = () => resolve(r.result);
  });
  await new Promise<void>((resolve) => {
    const tx = db.transaction(['models', 'weights'], 'readwrite');
    tx.objectStore('models').put(record);
    tx.oncomplete = () => resolve();
  });
}

describe('modelDb', () => {
  it('saves, lists, loads (validated) and deletes a model', async () => {
    setIndexedDbFactory(fakeIndexedDb());
    const a = await checkpoint('trained-toy-additive-a');
    const b = await checkpoint('trained-toy-additive-b');
    expect(await listStoredModels()).toEqual([]);
    const meta = await putStoredModel(a.manifest, a.weights);
    expect(meta).toMatchObject({ id: 'trained-toy-additive-a', title: 'Test model trained-toy-additive-a', task: 'toy', variant: 'additive', bytes: a.weights.byteLength });
    await new Promise((r) => setTimeout(r, 5));
    await putStoredModel(b.manifest, b.weights);
    expect((await listStoredModels()).map((m) => m.id)).toEqual(['trained-toy-additive-b', 'trained-toy-additive-a']);

    const stored = await getStoredModel('trained-toy-additive-a');
    expect(parseManifestText(stored?.manifest ?? '').id).toBe('trained-toy-additive-a');
    expect(Array.from(stored?.weights ?? [])).toEqual(Array.from(a.weights));
    const model = await loadStoredModel('trained-toy-additive-a');
    expect(model?.manifest.weights.sha256).toBe(a.manifest.weights.sha256);
    expect(model?.inference.greedy(model.inference.encodeTokens(['the', 'cat'])).steps.length).toBeGreaterThan(0);

    expect(await loadStoredModel('not-saved-here')).toBeNull();
    await deleteStoredModel('trained-toy-additive-a');
    expect((await listStoredModels()).map((m) => m.id)).toEqual(['trained-toy-additive-b']);
    expect(await getStoredModel('trained-toy-additive-a')).toBeNull();
  });

  it('a damaged saved copy is refused by the checkpoint checks', async () => {
    setIndexedDbFactory(fakeIndexedDb());
    const a = await checkpoint('trained-toy-additive-c');
    const broken = a.weights.slice();
    broken[broken.length - 1] ^= 0xff;
    await putStoredModel(a.manifest, broken);
    await expect(loadStoredModel('trained-toy-additive-c')).rejects.toThrow(/SHA-256/);
  });

  it('a tampered record is left out of the list and refused by id, field by field', async () => {
    const idb = fakeIndexedDb();
    setIndexedDbFactory(idb);
    const a = await checkpoint('trained-toy-additive-h');
    const b = await checkpoint('trained-toy-additive-i');
    await putStoredModel(a.manifest, a.weights);
    const metaB = await putStoredModel(b.manifest, b.weights);
    const manifest = (await getStoredModel(metaB.id))?.manifest as string;
    const good = { ...metaB, manifest };
    const tampered: Array<[string, Record<string, unknown>]> = [
      ['title', { title: 42 }],
      ['title', { title: { toString: 'not a function' } }],
      ['title', { title: '' }],
      ['title', { title: 'x'.repeat(MAX_STORED_TITLE_CHARS + 1) }],
      ['task', { task: ['en-fr'] }],
      ['task', { task: 'x'.repeat(65) }],
      ['variant', { variant: 'transformer-xl' }],
      ['variant', { variant: null }],
      ['bytes', { bytes: Number.NaN }],
      ['bytes', { bytes: -1 }],
      ['bytes', { bytes: '1024' }],
      ['savedAt', { savedAt: 1_700_000_000 }],
      ['manifest', { manifest: { id: metaB.id } }],
      // found by the fuzz pass (modelDb.fuzz.test.ts): the manifest of another model, whose weights match
      ['manifest', { manifest: (await getStoredModel('trained-toy-additive-h'))?.manifest.replace('trained-toy-additive-h', 'en-fr-additive') }],
    ];
    for (const [field, patch] of tampered) {
      await tamper(idb, { ...good, ...patch });
      const list = await listStoredModels();
      if (field === 'manifest') expect(list.map((m) => m.id)).toEqual([metaB.id, 'trained-toy-additive-h']); // the listing fields are fine
      else expect(list.map((m) => m.id), `${field} ${JSON.stringify(patch)}`).toEqual(['trained-toy-additive-h']);
      const err = await loadStoredModel(metaB.id).catch((e: unknown) => e);
      expect(err, `${field} ${JSON.stringify(patch)}`).toBeInstanceOf(ModelDbError);
      expect((err as Error).message).toBe(`The copy of “${metaB.id}” saved in this browser is damaged (its ${field} is not valid); delete it and save the model again.`);
      // the same words in Chinese, for a reader of the page in 中文
      expect(translateMessage('zh', errorMessage(err))).toBe(`这个浏览器中保存的“${metaB.id}”已损坏（其中的 ${field} 无效）；请删除它，再重新保存模型。`);
    }
    // records that are not objects, or whose id is not an id, are left out too
    await tamper(idb, { ...good, title: 42 });
    await tamper(idb, 'just a string');
    await tamper(idb, { ...good, id: '../../etc', title: 'x' });
    await tamper(idb, { id: 'trained-toy-additive-j', title: 'J', task: 'toy', variant: 'additive', bytes: 1, savedAt: { iso: 'now' }, manifest });
    await useStoredModels.getState().refresh();
    expect(useStoredModels.getState().error).toBeNull();
    expect(useStoredModels.getState().list.map((m) => m.id)).toEqual(['trained-toy-additive-h']);
    // the list holds fresh objects with the listing fields only (never the manifest text)
    expect(Object.keys(useStoredModels.getState().list[0] ?? {}).sort()).toEqual(['bytes', 'id', 'savedAt', 'task', 'title', 'variant']);
    // restored, it lists and loads again
    await tamper(idb, good);
    expect((await listStoredModels()).map((m) => m.id)).toContain(metaB.id);
    expect((await loadStoredModel(metaB.id))?.manifest.id).toBe(metaB.id);
  });

  it('disabled storage: saving says so plainly, lookups answer “not here”', async () => {
    setIndexedDbFactory(null);
    const a = await checkpoint('trained-toy-additive-d');
    const err = await putStoredModel(a.manifest, a.weights).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDbError);
    expect((err as ModelDbError).code).toBe('unavailable');
    expect((err as Error).message).toMatch(/does not let the page store models.*Download the model instead/);
    expect(await loadStoredModel('trained-toy-additive-d')).toBeNull();
    await useStoredModels.getState().refresh();
    const { list, error } = useStoredModels.getState();
    expect(list).toEqual([]);
    expect(error && translateMessage('en', error)).toMatch(/does not let the page store models/);
    // in the reader's language, not the English sentence
    expect(error && translateMessage('zh', error)).toMatch(/\p{Script=Han}/u);
    expect(error && translateMessage('zh', error)).not.toMatch(/does not let/);
  });

  it('full storage: the save fails with a quota message and nothing is half-written', async () => {
    let full = false;
    setIndexedDbFactory(fakeIndexedDb({ full: () => full }));
    const a = await checkpoint('trained-toy-additive-e');
    await putStoredModel(a.manifest, a.weights);
    full = true;
    const b = await checkpoint('trained-toy-additive-f');
    const err = await putStoredModel(b.manifest, b.weights).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDbError);
    expect((err as ModelDbError).code).toBe('quota');
    expect((err as Error).message).toMatch(/storage is full/);
    full = false;
    expect((await listStoredModels()).map((m) => m.id)).toEqual(['trained-toy-additive-e']);
    expect(await getStoredModel('trained-toy-additive-f')).toBeNull();
  });

  it('another refusal names its kind in the reader’s language, the browser’s own words only as a detail', async () => {
    let error: DOMException | null = null;
    setIndexedDbFactory(fakeIndexedDb({ fail: () => error }));
    const a = await checkpoint('trained-toy-additive-h');
    const cases = [
      [new DOMException('The operation is insecure.', 'SecurityError'), 'the browser does not let this page use its storage', '浏览器不允许本页面使用它的存储'],
      [new DOMException('The database connection is closing.', 'InvalidStateError'), 'the storage cannot be used right now', '存储暂时无法使用'],
      [new DOMException('Something odd.', 'DataCloneError'), 'an unexpected failure', '出现了意外的故障'],
    ] as const;
    for (const [thrown, enReason, zhReason] of cases) {
      error = thrown;
      const err = await putStoredModel(a.manifest, a.weights).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelDbError);
      const m = (err as ModelDbError).msg;
      expect(translateMessage('en', m)).toMatch(new RegExp(`^Browser storage failed while saving the model: ${enReason}.*; details: ${thrown.message}\\.$`));
      const zhText = translateMessage('zh', m);
      expect(zhText.startsWith(`浏览器存储在保存模型时出错：${zhReason}`)).toBe(true);
      // the browser's English comes after the page's own words
      expect(zhText.indexOf(thrown.message)).toBeGreaterThan(zhText.indexOf('技术细节'));
    }
  });

  it('selectModel opens a `user:` name from this browser only, and says plainly when it is not saved here', async () => {
    setIndexedDbFactory(fakeIndexedDb());
    const a = await checkpoint('trained-toy-additive-g');
    await putStoredModel(a.manifest, a.weights);
    const fetch = vi.fn(async (url: string) => (String(url).endsWith('index.json') ? new Response('{"models": []}') : new Response('nope', { status: 404 })));
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('document', { baseURI: 'http://localhost/' });
    useStore.setState({ catalog: [] });
    expect(await useStore.getState().selectModel('user:trained-toy-additive-g')).toBe(true);
    expect(useStore.getState().modelId).toBe('user:trained-toy-additive-g');
    expect(fetch).not.toHaveBeenCalled();

    // a link to someone else's model: not fetched from the site, and the notice says whose it is
    expect(await useStore.getState().selectModel('user:not-saved-here')).toBe(false);
    expect(fetch).not.toHaveBeenCalled();
    expect(useStore.getState().notices.at(-1)?.message).toEqual({ key: 'notice.userModelMissing', vars: { id: 'not-saved-here' } });
    expect(useStore.getState().modelId).toBe('user:trained-toy-additive-g');

    expect(await useStore.getState().selectModel('no-such-model')).toBe(false);
    expect(useStore.getState().notices.at(-1)?.text).toMatch(/The model “no-such-model” is not one of the models shipped with this page, nor one saved in this browser/);
    expect(useStore.getState().modelId).toBe('user:trained-toy-additive-g');
  });

  it('a plain id written before the two kinds of name still opens a model saved here, as the reader’s own', async () => {
    setIndexedDbFactory(fakeIndexedDb());
    const a = await checkpoint('trained-toy-additive-k');
    await putStoredModel(a.manifest, a.weights);
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 404 })));
    vi.stubGlobal('document', { baseURI: 'http://localhost/' });
    useStore.setState({ catalog: [] });
    expect(await useStore.getState().selectModel('trained-toy-additive-k')).toBe(true);
    expect(useStore.getState().modelId).toBe('user:trained-toy-additive-k');
    expect(Object.keys(useStore.getState().models)).toEqual(['user:trained-toy-additive-k']);
  });

  it('a model saved here under a shipped model’s id never stands in for the shipped one, even before the list is in', async () => {
    // docs/RELIABILITY.md, "a user's checkpoint with a shipped model's id"
    const idb = fakeIndexedDb();
    setIndexedDbFactory(idb);
    const mine = await checkpoint('en-fr-additive', 'reverse');
    await putStoredModel(mine.manifest, mine.weights);
    const shipped = await checkpoint('en-fr-additive', 'toy');
    const index = { models: [{ id: 'en-fr-additive', task: 'toy', variant: 'additive', title: 'shipped', metrics: { bleu: 97.7 } }] };
    const fetch = vi.fn(async (url: string) => {
      const path = new URL(url).pathname;
      if (path === '/models/index.json') return new Response(JSON.stringify(index));
      if (path === '/models/en-fr-additive/manifest.json') return new Response(JSON.stringify(shipped.manifest));
      if (path === '/models/en-fr-additive/model.safetensors') return new Response(shipped.weights.slice());
      return new Response('nope', { status: 404 });
    });
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('document', { baseURI: 'http://localhost/' });
    expect(useStore.getState().catalog).toBeNull(); // the list is still on its way
    expect(await useStore.getState().selectModel('en-fr-additive')).toBe(true);
    const s = useStore.getState();
    expect(s.modelId).toBe('en-fr-additive');
    expect(s.models['en-fr-additive']?.manifest.task).toBe('toy'); // the shipped weights
    expect(fetch.mock.calls.map(([url]) => new URL(url).pathname)).toContain('/models/en-fr-additive/model.safetensors');

    // the reader's own copy is there under its own name
    expect(await useStore.getState().selectModel('user:en-fr-additive')).toBe(true);
    const t = useStore.getState();
    expect(t.modelId).toBe('user:en-fr-additive');
    expect(t.models['user:en-fr-additive']?.manifest.task).toBe('reverse');
    expect(t.models['en-fr-additive']?.manifest.task).toBe('toy');
  });
});
