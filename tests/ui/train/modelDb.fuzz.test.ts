// A fuzz pass over the IndexedDB record reader (src/store/modelDb.ts; docs/RELIABILITY.md, "a
// tampered IndexedDB record"): records written straight into the two object stores, each field
// valid, of another kind, missing or anything at all, beside a weights record likewise, and the
// manifest text valid, of another model, or garbage. Whatever is stored, listing never throws and
// lists exactly the records whose listing fields are valid, as fresh objects; opening a model by id
// gives null, a ModelDbError or a CheckpointError, or a model that is the one saved under that id.
import { fc, test } from '@fast-check/vitest';
import { afterEach, beforeAll, describe, expect } from 'vitest';
import { CheckpointError, type Manifest } from '../../../src/model/checkpoint';
import { isVariant } from '../../../src/model/config';
import { DB_NAME, DB_VERSION, ModelDbError, listStoredModels, loadStoredModel, MAX_STORED_TASK_CHARS, MAX_STORED_TITLE_CHARS, setIndexedDbFactory } from '../../../src/store/modelDb';
import { fakeIndexedDb } from './fakeIdb';
import { checkpoint } from './helpers';

const ID = 'trained-toy-additive-z';
const LISTING = ['bytes', 'id', 'savedAt', 'task', 'title', 'variant'];

let files: { manifest: string; other: string; weights: Uint8Array; flipped: Uint8Array } = { manifest: '', other: '', weights: new Uint8Array(0), flipped: new Uint8Array(0) };

beforeAll(async () => {
  const mine = await checkpoint(ID);
  const other = await checkpoint('en-fr-additive');
  const flipped = mine.weights.slice();
  flipped[flipped.length - 1] ^= 1;
  files = { manifest: JSON.stringify(mine.manifest), other: JSON.stringify(other.manifest), weights: mine.weights, flipped };
});

afterEach(() => {
  setIndexedDbFactory(undefined);
});

/** Write records straight into the stores, as a tampering hand (or another page version) could. */
async function write(idb: IDBFactory, models: unknown[], weights: unknown[]): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = idb.open(DB_NAME, DB_VERSION);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('models', { keyPath: 'id' });
      r.result.createObjectStore('weights', { keyPath: 'id' });
    };
    r.onsuccess = () => resolve(r.result);
  });
  await new Promise<void>((resolve) => {
    const tx = db.transaction(['models', 'weights'], 'readwrite');
    // a value without a valid key (not an object, no string id) cannot be stored: IndexedDB throws
    const put = (store: string, value: unknown): void => {
      if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') tx.objectStore(store).put(value as Record<string, unknown>);
    };
    for (const m of models) put('models', m);
    for (const w of weights) put('weights', w);
    tx.oncomplete = () => resolve();
  });
}

/** A field: mostly a valid value, else a wrong one, anything, or absent. */
function field<T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown>): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight: 8, arbitrary: valid }, wrong, fc.anything(), fc.constant(undefined));
}

const manifestText = fc
  .constantFrom('mine', 'mine', 'other', 'other', 'garbage', 'not json')
  .map((k) => (k === 'mine' ? files.manifest : k === 'other' ? files.other : k === 'garbage' ? '{"format":"rnnsearch-checkpoint"}' : '{'));
const weightsBytes = fc.constantFrom('mine', 'mine', 'flipped', 'empty', 'array').map((k) => (k === 'mine' ? files.weights.slice() : k === 'flipped' ? files.flipped.slice() : k === 'empty' ? new Uint8Array(0) : Array.from(files.weights.slice(0, 16))));
const text = (max: number): fc.Arbitrary<string> => fc.string({ minLength: 1, maxLength: max });
const wrongText = (max: number): fc.Arbitrary<unknown> => fc.oneof(fc.constant(''), fc.string({ minLength: max + 1, maxLength: max + 3 }), fc.integer(), fc.array(fc.string(), { maxLength: 2 }));

const modelRecord = fc.record(
  {
    id: fc.oneof({ weight: 5, arbitrary: fc.constant(ID) }, fc.constantFrom('../x', 'UPPER', '', 'x'.repeat(65), 'other-id')),
    title: field(text(MAX_STORED_TITLE_CHARS), wrongText(MAX_STORED_TITLE_CHARS)),
    task: field(text(MAX_STORED_TASK_CHARS), wrongText(MAX_STORED_TASK_CHARS)),
    variant: field(fc.constantFrom('additive', 'dot', 'scaled-dot', 'linear'), fc.constantFrom('transformer-xl', '__proto__', 'toString', '')),
    bytes: field(fc.nat(), fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY, '1024', null)),
    savedAt: field(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), wrongText(64)),
    manifest: field(manifestText, fc.oneof(fc.object(), fc.integer())),
    extra: fc.anything(),
  },
  { requiredKeys: ['id'] },
);
const weightsRecord = fc.record(
  {
    id: fc.constant(ID),
    weights: field(weightsBytes, fc.oneof(fc.string(), fc.object(), fc.integer())),
    files: fc.oneof(fc.constant(undefined), fc.anything(), fc.dictionary(fc.constantFrom('tokenizer.source.json', '__proto__', 'constructor', 'x'), fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.anything()))),
  },
  { requiredKeys: ['id'] },
);
/** A stored record is anything; mostly one shaped like ours. */
const record = fc.oneof({ weight: 6, arbitrary: modelRecord }, fc.anything().map((x) => (typeof x === 'object' && x !== null ? { ...x, id: ID } : x)));

/** The listing fields' rules, restated from docs/RELIABILITY.md's row. */
function listable(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const text = (x: unknown, max: number): boolean => typeof x === 'string' && x.length >= 1 && x.length <= max;
  const id = own('id');
  const bytes = own('bytes');
  return (
    typeof id === 'string' &&
    /^[a-z0-9-]{1,64}$/.test(id) &&
    text(own('title'), MAX_STORED_TITLE_CHARS) &&
    text(own('task'), MAX_STORED_TASK_CHARS) &&
    isVariant(own('variant')) &&
    typeof bytes === 'number' &&
    Number.isFinite(bytes) &&
    bytes >= 0 &&
    text(own('savedAt'), 64)
  );
}

describe('the IndexedDB record reader, fuzzed', () => {
  test.prop([record, fc.option(weightsRecord, { nil: undefined, freq: 8 })], { numRuns: 600 })(
    'lists exactly the sound records as fresh objects; opening by id gives null, a clear error, or the model saved under that id',
    async (model, weights) => {
      const idb = fakeIndexedDb();
      setIndexedDbFactory(idb);
      await write(idb, [model], weights === undefined ? [] : [weights]);

      const list = await listStoredModels();
      const id = typeof model === 'object' && model !== null ? (model as { id?: unknown }).id : undefined;
      expect(list.map((m) => m.id)).toEqual(listable(model) ? [id] : []);
      for (const m of list) {
        expect(Object.keys(m).sort()).toEqual(LISTING);
        expect(m).not.toBe(model);
      }

      let opened: Awaited<ReturnType<typeof loadStoredModel>> = null;
      try {
        opened = await loadStoredModel(ID);
      } catch (err) {
        expect(err instanceof ModelDbError || err instanceof CheckpointError, String(err)).toBe(true);
        expect((err as Error).message.length).toBeGreaterThan(0);
      }
      // a record holds one model: what opens under an id is the model saved under that id
      if (opened) expect((opened.manifest as Manifest).id).toBe(ID);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
