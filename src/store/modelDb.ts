// Trained and loaded models kept in this browser across reloads, in IndexedDB: the manifest (as
// the JSON text a download would hold) and the safetensors bytes. Reading a model back goes
// through `loadModel`, which checks everything again (byte length, SHA-256, every tensor).
//
// Storage can be missing or refused (private windows, sandboxed frames, a full quota): every
// failure becomes a ModelDbError with a message for the user, never an uncaught exception
// (docs/RELIABILITY.md, "storage full or disabled"). `loadStoredModel` — the lookup the model picker
// and permalinks use — treats unavailable storage as "not stored here".
//
// Two object stores, written in one transaction: `models` (small records, listed by the picker)
// and `weights` (the bytes, read only when a model is opened).
//
// What is read back is data, like a file (storage is user-editable through the developer tools,
// and another version of the page may have written it): each record is validated field by field
// into a fresh object. A damaged record is left out of the list, and opening it by id is refused
// with a ModelDbError, so it never reaches a render (docs/RELIABILITY.md, "a tampered IndexedDB
// record").

import { create } from 'zustand';
import { loadModel, type LoadedModel } from '../model/bundle';
import { CheckpointError, parseManifestText, serializeManifest, type Manifest } from '../model/checkpoint';
import * as v from 'valibot';
import { isVariant, type Variant } from '../model/config';
import { modelIdSchema } from '../model/domain';
import { ownObject, text } from '../model/schema';
import { errorReason, storageFailure, storageReason } from './errorReason';
import { MessageError, trainMsg, type TrainMessage } from './notices';

export const DB_NAME = 'rnnsearch-models';
export const DB_VERSION = 1;
const MODELS = 'models';
const WEIGHTS = 'weights';

/** Longest stored title and task (a manifest's caps). */
export const MAX_STORED_TITLE_CHARS = 200;
export const MAX_STORED_TASK_CHARS = 64;
/** Longest savedAt text (an ISO 8601 time is 24 characters). */
const MAX_SAVED_AT_CHARS = 64;

/** A record's listing fields (docs/ARCHITECTURE.md, "Schemas at the boundaries"). */
const META_ENTRIES = {
  id: modelIdSchema(),
  title: text(MAX_STORED_TITLE_CHARS, 1),
  task: text(MAX_STORED_TASK_CHARS, 1),
  variant: v.custom<Variant>(isVariant),
  bytes: v.pipe(v.number(), v.finite(), v.minValue(0)),
  /** ISO 8601. */
  savedAt: text(MAX_SAVED_AT_CHARS, 1),
};
const StoredMetaSchema = ownObject(META_ENTRIES);
/** The `models` store's record: the listing fields and the manifest's JSON text. */
const ModelRecordSchema = ownObject({ ...META_ENTRIES, manifest: v.string() });

export type StoredModelMeta = v.InferOutput<typeof StoredMetaSchema>;
type ModelRecord = v.InferOutput<typeof ModelRecordSchema>;

interface WeightsRecord {
  id: string;
  weights: Uint8Array;
  /** A subword model's tokenizer.json files, by name (absent for word-level models). */
  files?: Record<string, Uint8Array>;
}

function ownField(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * A stored record checked by `schema` (own properties only) into a fresh object; null when any
 * field is missing or wrong, with the first bad field's name in `why.field`.
 */
function readRecord<S extends v.GenericSchema>(schema: S, record: unknown, why: { field?: string } = {}): v.InferOutput<S> | null {
  const r = v.safeParse(schema, record);
  if (r.success) return r.output;
  const key = (r.issues[0]?.path?.[0] as { key?: unknown } | undefined)?.key;
  why.field = typeof key === 'string' ? key : 'record';
  return null;
}

export type ModelDbErrorCode = 'unavailable' | 'quota' | 'failed';

/** A failure of the browser's model storage: its words are a message (src/ui/i18n.ts). */
export class ModelDbError extends MessageError {
  override readonly name = 'ModelDbError';
  constructor(
    readonly code: ModelDbErrorCode,
    msg: TrainMessage,
  ) {
    super(msg);
  }
}

/** What to tell the reader about an error: its own message, or its (English) text in a sentence. */
export function errorNotice(err: unknown): TrainMessage {
  if (err instanceof MessageError) return err.msg as TrainMessage;
  return trainMsg('notice.error', { detail: errorReason(err) });
}

const UNAVAILABLE = trainMsg('db.unavailable');
const QUOTA = trainMsg('db.quota');

let factoryOverride: IDBFactory | null | undefined;

/** Tests: use this IndexedDB implementation (null: none at all); undefined restores the real one. */
export function setIndexedDbFactory(factory: IDBFactory | null | undefined): void {
  factoryOverride = factory;
  dbPromise = null;
}

function factory(): IDBFactory | null {
  if (factoryOverride !== undefined) return factoryOverride;
  try {
    return typeof indexedDB === 'undefined' ? null : indexedDB;
  } catch {
    return null; // some sandboxes throw on mere access
  }
}

/** What the page was doing with its model storage (each named by a message, db.step.<step>). */
type DbStep = 'list' | 'read' | 'save' | 'delete';

function wrap(err: unknown, step: DbStep): ModelDbError {
  if (err instanceof ModelDbError) return err;
  if (storageFailure(err) === 'quota') return new ModelDbError('quota', QUOTA);
  const what = { key: `db.step.${step}` };
  // the browser's own words (English, whatever the page's language) only as a detail of its kind
  return new ModelDbError('failed', err == null ? trainMsg('db.failed', { what }) : trainMsg('db.failedReason', { what, reason: storageReason(err) }));
}

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  if (dbPromise) return dbPromise;
  const f = factory();
  if (!f) return Promise.reject(new ModelDbError('unavailable', UNAVAILABLE));
  const promise = new Promise<IDBDatabase>((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = f.open(DB_NAME, DB_VERSION);
    } catch {
      reject(new ModelDbError('unavailable', UNAVAILABLE));
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(WEIGHTS)) db.createObjectStore(WEIGHTS, { keyPath: 'id' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // another tab upgrading the database: let it, and reopen next time
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    request.onerror = () => reject(new ModelDbError('unavailable', UNAVAILABLE));
    request.onblocked = () => reject(new ModelDbError('failed', trainMsg('db.busy')));
  });
  dbPromise = promise;
  promise.catch(() => {
    if (dbPromise === promise) dbPromise = null;
  });
  return promise;
}

/** Run `body` in one transaction; resolves with its result when the transaction completes. */
async function transact<T>(mode: IDBTransactionMode, what: DbStep, body: (tx: IDBTransaction) => () => T): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    let result: () => T;
    try {
      tx = db.transaction([MODELS, WEIGHTS], mode);
      result = body(tx);
    } catch (err) {
      reject(wrap(err, what));
      return;
    }
    tx.oncomplete = () => {
      try {
        resolve(result());
      } catch (err) {
        reject(wrap(err, what));
      }
    };
    // a failed request aborts the transaction (nothing half-written): report it from onabort
    tx.onabort = () => reject(wrap(tx.error, what));
  });
}

function request<T>(r: IDBRequest<T>): () => T {
  return () => r.result;
}

/** The models saved in this browser, newest first. */
/** The models saved in this browser, newest first; a damaged record is left out. */
export async function listStoredModels(): Promise<StoredModelMeta[]> {
  const all: unknown = await transact('readonly', 'list', (tx) => request(tx.objectStore(MODELS).getAll() as IDBRequest<unknown[]>));
  const list: StoredModelMeta[] = [];
  if (Array.isArray(all)) {
    for (const record of all as unknown[]) {
      const meta = readRecord(StoredMetaSchema, record);
      if (meta) list.push(meta);
    }
  }
  return list.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
}

function damaged(id: string, field: string): ModelDbError {
  return new ModelDbError('failed', trainMsg('db.damaged', { id, field }));
}

/**
 * The stored files of a model, or null when it is not saved here. Throws ModelDbError when the
 * stored record is damaged (a listing field, or the manifest text, missing or of the wrong kind).
 */
export async function getStoredModel(id: string): Promise<{ manifest: string; weights: Uint8Array; files?: unknown } | null> {
  const found = await transact('readonly', 'read', (tx) => {
    const m = tx.objectStore(MODELS).get(id) as IDBRequest<unknown>;
    const w = tx.objectStore(WEIGHTS).get(id) as IDBRequest<unknown>;
    return () => ({ model: m.result, weights: w.result });
  });
  if (found.model === undefined || found.model === null || found.weights === undefined || found.weights === null) return null;
  const why: { field?: string } = {};
  const record = readRecord(ModelRecordSchema, found.model, why);
  if (!record) throw damaged(id, why.field ?? 'record');
  if (record.id !== id) throw damaged(id, 'id');
  const manifest = record.manifest;
  if (typeof found.weights !== 'object') throw damaged(id, 'weights');
  const w = found.weights as object;
  return { manifest, weights: ownField(w, 'weights') as Uint8Array, files: ownField(w, 'files') };
}

/** Save (or replace) a model. Throws ModelDbError ('quota' when storage is full). */
export async function putStoredModel(manifest: Manifest, weights: Uint8Array, files: Readonly<Record<string, Uint8Array>> = {}): Promise<StoredModelMeta> {
  const meta: StoredModelMeta = {
    id: manifest.id,
    title: manifest.title ?? manifest.id,
    task: manifest.task,
    variant: manifest.variant,
    bytes: weights.byteLength + Object.values(files).reduce((s, f) => s + f.byteLength, 0),
    savedAt: new Date().toISOString(),
  };
  const record: ModelRecord = { ...meta, manifest: serializeManifest(manifest) };
  await transact('readwrite', 'save', (tx) => {
    tx.objectStore(MODELS).put(record);
    const copies = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, bytes.slice()]));
    tx.objectStore(WEIGHTS).put({ id: manifest.id, weights: weights.slice(), ...(Object.keys(copies).length > 0 ? { files: copies } : {}) } satisfies WeightsRecord);
    return () => undefined;
  });
  return meta;
}

export async function deleteStoredModel(id: string): Promise<void> {
  await transact('readwrite', 'delete', (tx) => {
    tx.objectStore(MODELS).delete(id);
    tx.objectStore(WEIGHTS).delete(id);
    return () => undefined;
  });
}

/**
 * A saved model, validated and ready (null when it is not saved here or storage is unavailable).
 * A stored record that fails validation throws CheckpointError, like a bad download would.
 */
export async function loadStoredModel(id: string): Promise<LoadedModel | null> {
  let stored: { manifest: string; weights: Uint8Array; files?: unknown } | null;
  try {
    stored = await getStoredModel(id);
  } catch (err) {
    if (err instanceof ModelDbError && err.code === 'unavailable') return null;
    throw err;
  }
  if (!stored) return null;
  const weights: unknown = stored.weights;
  if (typeof stored.manifest !== 'string' || !ArrayBuffer.isView(weights) || Object.prototype.toString.call(weights) !== '[object Uint8Array]') {
    throw new CheckpointError('manifest', `the copy of “${id}” saved in this browser is damaged`);
  }
  const manifest = parseManifestText(stored.manifest);
  // a record holds one model: a manifest of another id is not the model saved under this one
  if (manifest.id !== id) throw damaged(id, 'manifest');
  // the stored tokenizer files are checked like any other (names, then SHA-256 by loadModel)
  const files: Record<string, Uint8Array> = {};
  const raw = stored.files;
  if (raw !== undefined) {
    if (typeof raw !== 'object' || raw === null) throw new CheckpointError('manifest', `the copy of “${id}” saved in this browser is damaged`);
    for (const [name, bytes] of Object.entries(raw as Record<string, unknown>)) if (bytes instanceof Uint8Array) files[name] = bytes;
  }
  return loadModel(manifest, weights instanceof Uint8Array ? weights : new Uint8Array(weights as Uint8Array), files);
}

// ---- the list the model picker shows ----------------------------------------------------------

export interface StoredModelsState {
  list: StoredModelMeta[];
  /** Why the list could not be read, as a message (null when it could, or has not been asked for). */
  error: TrainMessage | null;
  refresh(): Promise<void>;
}

/** The saved models, for the picker and the train view (refresh after a save or delete). */
export const useStoredModels = create<StoredModelsState>()((set) => ({
  list: [],
  error: null,
  async refresh() {
    try {
      set({ list: await listStoredModels(), error: null });
    } catch (err) {
      set({ list: [], error: errorNotice(err) });
    }
  },
}));
