// Where each piece of state goes, decided in one table (after excalidraw's appState): the
// permalink (URL fragment), local storage (remembered on this device), and exports (the caption
// and the PNG's embedded link). Typed arrays and traces never go anywhere: they are recomputed.

import { storageFailure } from './errorReason';
import type { Store } from './store';
import type { NoticeMessage } from './notices';

export type Destination = 'url' | 'local' | 'export';

/** The store's own fields (its actions left out): every one of them is classified below. */
type StateField = { [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? never : K }[keyof Store];

/**
 * Keyed by the store's own fields, so that a new field does not compile until it is classified;
 * an empty list: kept in the page only (derived, loaded, transient or per-visit state).
 */
export const PERSISTENCE = {
  page: ['url'],
  modelId: ['url', 'local', 'export'],
  source: ['url', 'local', 'export'],
  target: ['url', 'local', 'export'],
  decoding: ['url', 'local', 'export'],
  beamWidth: ['url', 'local', 'export'],
  sample: ['url', 'local', 'export'],
  step: ['url', 'export'],
  edits: ['url', 'export'],
  headView: ['url', 'export'],
  positions: ['url', 'export'],
  values: ['url', 'local', 'export'],
  transpose: ['url', 'local', 'export'],
  units: ['url', 'local', 'export'],
  palette: ['url', 'local', 'export'],
  lang: ['url', 'local'],
  theme: ['url', 'local'],
  showTable: ['local'],
  // the page's own: recomputed, reloaded or meaningful for this visit only
  focus: [],
  playing: [],
  embed: [],
  loadProgress: [],
  catalog: [],
  catalogError: [],
  models: [],
  loading: [],
  notices: [],
  analysis: [],
  pending: [],
  beamPick: [],
} as const satisfies Record<StateField, readonly Destination[]>;

export type PersistedField = { [K in keyof typeof PERSISTENCE]: (typeof PERSISTENCE)[K] extends readonly [] ? never : K }[keyof typeof PERSISTENCE];

export function fieldsFor(destination: Destination): PersistedField[] {
  return (Object.keys(PERSISTENCE) as PersistedField[]).filter((k) => (PERSISTENCE[k] as readonly Destination[]).includes(destination));
}

/** Which use of the storage failed (each named by a message, notice.storage.<step>). */
type StorageStep = 'access' | 'read' | 'write' | 'remove';

/**
 * localStorage that never throws: disabled storage (private modes, sandboxed iframes) and a full
 * quota (QuotaExceededError) are caught, and the failure is reported once through `onError`.
 */
export function safeStorage(onError: (message: NoticeMessage) => void): { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void } {
  let warned = false;
  const warn = (what: StorageStep, err: unknown): void => {
    if (warned) return;
    warned = true;
    onError(storageFailure(err) === 'quota' ? { key: 'notice.storageFull' } : { key: 'notice.storageUnavailable', vars: { what: { key: `notice.storage.${what}` } } });
  };
  const store = (): Storage | null => {
    try {
      return globalThis.localStorage ?? null;
    } catch (err) {
      warn('access', err);
      return null;
    }
  };
  return {
    getItem(k) {
      try {
        return store()?.getItem(k) ?? null;
      } catch (err) {
        warn('read', err);
        return null;
      }
    },
    setItem(k, v) {
      try {
        store()?.setItem(k, v);
      } catch (err) {
        warn('write', err);
      }
    },
    removeItem(k) {
      try {
        store()?.removeItem(k);
      } catch (err) {
        warn('remove', err);
      }
    },
  };
}
