// A small in-memory IndexedDB: just what src/store/modelDb.ts uses (open with an upgrade,
// one transaction over two stores, put / get / getAll / delete, complete / abort), with values
// structured-cloned as the real one does, and an optional full quota.

interface Db {
  version: number;
  stores: Map<string, Map<unknown, unknown>>;
  keyPaths: Map<string, string>;
}

export interface FakeIdbOptions {
  /** When it returns true, a readwrite transaction aborts with QuotaExceededError. */
  full?: () => boolean;
  /** When it returns an error, a readwrite transaction aborts with it (another refusal of the browser's). */
  fail?: () => DOMException | null;
}

const later = (fn: () => void): void => {
  setTimeout(fn, 0);
};

export function fakeIndexedDb(options: FakeIdbOptions = {}): IDBFactory {
  const dbs = new Map<string, Db>();
  const makeDb = (rec: Db) => ({
    objectStoreNames: { contains: (n: string) => rec.stores.has(n) },
    createObjectStore(n: string, o: { keyPath: string }) {
      rec.stores.set(n, new Map());
      rec.keyPaths.set(n, o.keyPath);
    },
    onversionchange: null as null | (() => void),
    close() {},
    transaction(names: string[], mode: IDBTransactionMode) {
      const tx = { oncomplete: null as null | (() => void), onabort: null as null | (() => void), error: null as DOMException | null, objectStore: (_n: string): unknown => null };
      const reads: Array<() => void> = [];
      const writes: Array<() => void> = [];
      tx.objectStore = (n: string) => {
        const store = rec.stores.get(n);
        if (!store || !names.includes(n)) throw new DOMException(`no store ${n}`, 'NotFoundError');
        const keyPath = rec.keyPaths.get(n) as string;
        const req = (fn: () => unknown) => {
          const r = { result: undefined as unknown };
          reads.push(() => {
            r.result = fn();
          });
          return r;
        };
        const writable = (): void => {
          if (mode !== 'readwrite') throw new DOMException('read-only transaction', 'ReadOnlyError');
        };
        return {
          put(value: Record<string, unknown>) {
            writable();
            const copy = structuredClone(value);
            writes.push(() => store.set(copy[keyPath], copy));
            return req(() => copy[keyPath]);
          },
          get: (key: unknown) => req(() => structuredClone(store.get(key))),
          getAll: () => req(() => [...store.values()].map((v) => structuredClone(v))),
          delete(key: unknown) {
            writable();
            writes.push(() => store.delete(key));
            return req(() => undefined);
          },
        };
      };
      later(() => {
        for (const r of reads) r();
        const error = mode !== 'readwrite' ? null : options.full?.() ? new DOMException('The quota has been exceeded.', 'QuotaExceededError') : (options.fail?.() ?? null);
        if (error) {
          tx.error = error;
          tx.onabort?.();
          return;
        }
        for (const w of writes) w();
        tx.oncomplete?.();
      });
      return tx;
    },
  });
  return {
    open(name: string, version: number) {
      const req = { result: null as unknown, onsuccess: null as null | (() => void), onerror: null as null | (() => void), onupgradeneeded: null as null | (() => void), onblocked: null };
      later(() => {
        let rec = dbs.get(name);
        const upgrade = !rec || rec.version < version;
        if (!rec) {
          rec = { version, stores: new Map(), keyPaths: new Map() };
          dbs.set(name, rec);
        }
        rec.version = Math.max(rec.version, version);
        req.result = makeDb(rec);
        if (upgrade) req.onupgradeneeded?.();
        req.onsuccess?.();
      });
      return req;
    },
  } as unknown as IDBFactory;
}
