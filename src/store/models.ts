// The models slice: the catalog of shipped models, the models loaded so far, and switching between
// them (a model of another task brings that task's first example, unless the reader typed).

import { examplesFor } from '../data/corpora';
import type { LoadedModel } from '../model/bundle';
import { fetchCatalog, fetchModel, type CatalogEntry, type LoadListener, type LoadProgress } from './catalog';
import { DEFAULT_MODEL_ID } from './document';
import { loadStoredModel } from './modelDb';
import { isUserModelRef, manifestIdOf, modelRef, type ModelOrigin } from './modelRef';
import { errorReason } from './errorReason';
import type { NoticeVar, StoreNoticeKey } from './notices';
import { LAST_STEP, type Slice } from './slice';
import type { Store } from './store';

export interface ModelsSlice {
  /** While a model downloads: bytes received of the bytes expected (shown as a progress bar). */
  loadProgress: { id: string; loaded: number; total: number } | null;
  catalog: CatalogEntry[] | null;
  /** Why the list of shipped models could not be loaded (a message, or an error's own text). */
  catalogError: NoticeVar | null;
  models: Record<string, LoadedModel>;
  loading: string | null;
  loadCatalog(): Promise<void>;
  /**
   * Load (if needed) and switch to a model by its name (src/store/modelRef.ts); on failure the
   * previous model stays. A `user:` name is looked up in this browser only, a plain id among the
   * shipped models (and, for names written before the two kinds existed, a model saved here under
   * an id that no shipped model has).
   *
   * The edits, head and positions switch start afresh with the new model, unless `document` gives
   * them (a permalink's, put in place for this model by loadDocument): those are applied when the
   * model arrives, provided the sentences are still the ones they were made on.
   */
  selectModel(ref: string, document?: DocumentExtras): Promise<boolean>;
  /**
   * Add a model that was loaded some other way and switch to it; returns the name it is kept
   * under. 'user' (a file, the trainer, IndexedDB): `user:<manifest id>`, never a shipped model's
   * name; 'shipped': its manifest id.
   */
  addModel(model: LoadedModel, origin: ModelOrigin): string;
  /** Keep a loaded shipped model without switching to it (views that show several models). */
  cacheModel(model: LoadedModel): void;
}

/**
 * The model chosen last (by the reader or the page): a load that finishes after another model was
 * chosen keeps its model but does not switch to it (a slow first model must not replace the model
 * the reader loaded from files meanwhile).
 */
/** What a document holds beside its sentences that belongs to one model: attention edits, the head on show, the positions switch. */
export type DocumentExtras = Partial<Pick<Store, 'edits' | 'headView' | 'positions'>>;
/** A model starts with none of them. */
const FRESH_EXTRAS: Required<DocumentExtras> = { edits: {}, headView: null, positions: true };

let lastChoice: string | null = null;

/** A model was chosen with a document (the examples menu, a permalink): it is the one to show. */
export function noteModelChoice(ref: string): void {
  lastChoice = ref;
}

/** The catalog fetch under way, shared by everyone who waits for the list (cleared when it ends). */
let catalogLoading: Promise<void> | null = null;

/** Whether a shipped model has this id: the default model always; any other once the list is in. */
async function isShipped(get: () => Store, id: string): Promise<boolean> {
  if (id === DEFAULT_MODEL_ID) return true;
  if (get().catalog === null) await get().loadCatalog();
  return get().catalog?.some((c) => c.id === id) ?? false;
}

let loadListener: LoadListener | null = null;

/**
 * Hear each shipped model's load on the way: its manifest, then its files before the page checks
 * and builds the model (the store gets a large model to the analysis worker early then:
 * src/worker/analysisClient.ts, `warm` and `preload`).
 */
export function onModelLoad(listener: LoadListener | null): void {
  loadListener = listener;
}

/**
 * The model a name stands for (src/store/modelRef.ts) and the name it is kept under, or null for
 * a `user:` name that is not saved in this browser. A shipped id is fetched; a model saved here
 * is only ever taken for a plain id that no shipped model has (a name written before the two
 * kinds existed), and is then kept under its `user:` name.
 */
async function findModel(get: () => Store, ref: string, onProgress?: LoadProgress): Promise<{ model: LoadedModel; ref: string } | null> {
  if (isUserModelRef(ref)) {
    const model = await loadStoredModel(manifestIdOf(ref));
    return model ? { model, ref } : null;
  }
  if (!(await isShipped(get, ref))) {
    const own = modelRef(ref, 'user');
    const model = get().models[own] ?? (await loadStoredModel(ref));
    if (model) return { model, ref: own };
  }
  const onLoad: LoadListener = {
    manifest: (config) => loadListener?.manifest?.(config),
    files: (files, config) => loadListener?.files?.(files, config),
  };
  return { model: await fetchModel(ref, undefined, undefined, onProgress, onLoad), ref };
}

export const createModels: Slice<ModelsSlice> = (set, get) => ({
  loadProgress: null,
  catalog: null,
  catalogError: null,
  models: {},
  loading: null,
  loadCatalog() {
    catalogLoading ??= (async () => {
      try {
        const catalog = await fetchCatalog();
        set({ catalog, catalogError: null });
      } catch (err) {
        set({ catalog: [], catalogError: errorReason(err) });
      } finally {
        catalogLoading = null;
      }
    })();
    return catalogLoading;
  },
  async selectModel(ref, document) {
    lastChoice = ref;
    const { models } = get();
    if (models[ref]) {
      set({ modelId: ref, focus: null, ...FRESH_EXTRAS, ...document, ...sentenceFor(get(), models[ref]) });
      return true;
    }
    set({ loading: ref, loadProgress: null });
    // what the reader had when they chose: text typed while the model loads is theirs to keep
    const asked = { source: get().source, target: get().target };
    // at most ten updates a second: a large checkpoint arrives in thousands of chunks
    let shown = 0;
    const progress: LoadProgress = (loaded, total) => {
      const now = performance.now();
      if (now - shown < 100 && loaded < total) return;
      shown = now;
      if (get().loading === ref) set({ loadProgress: { id: ref, loaded, total } });
    };
    try {
      const found = await findModel(get, ref, progress);
      if (!found) {
        if (get().loading === ref) set({ loading: null });
        const id = manifestIdOf(ref);
        get().notify('error', { key: 'notice.userModelMissing', vars: { id } });
        keepAWorkingModel(set, get, ref);
        return false;
      }
      const { model } = found;
      // a new task for the first analysis and its render: building the model's tables took one
      // already, and together they would hold the page for one long task
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (lastChoice !== ref) {
        // another model was chosen meanwhile: keep this one for later, and stay on that one
        set({ models: { ...get().models, [found.ref]: model }, ...(get().loading === ref ? { loading: null } : {}) });
        return false;
      }
      const typed = get().source !== asked.source || get().target !== asked.target;
      // a sentence typed meanwhile drops the document's edits (they were made on its sentences)
      set({ models: { ...get().models, [found.ref]: model }, modelId: found.ref, focus: null, ...FRESH_EXTRAS, ...(typed ? {} : { ...document, ...sentenceFor(get(), model) }), loading: null });
      return true;
    } catch (err) {
      if (get().loading === ref) set({ loading: null });
      // whether the id is shipped at all decides the message: wait for the list if it is still on its way
      if (get().catalog === null) await get().loadCatalog();
      const known = isUserModelRef(ref) || (get().catalog?.some((c) => c.id === ref) ?? true);
      const reason = errorReason(err);
      const key: StoreNoticeKey = known ? 'notice.modelLoad' : 'notice.modelUnknown';
      get().notify('error', { key, vars: { id: ref, reason } });
      keepAWorkingModel(set, get, ref);
      return false;
    }
  },
  cacheModel(model) {
    // shipped models only (the compare, length and story views): under their own ids
    const id = model.manifest.id;
    set({ models: { ...get().models, [id]: model } });
  },
  addModel(model, origin) {
    const ref = modelRef(model.manifest.id, origin);
    lastChoice = ref;
    set({ models: { ...get().models, [ref]: model }, modelId: ref, focus: null, ...FRESH_EXTRAS, ...sentenceFor(get(), model) });
    const id = model.manifest.id;
    if (origin === 'user' && (id === DEFAULT_MODEL_ID || get().catalog?.some((c) => c.id === id))) {
      // kept apart all the same; the reader should know why the picker lists two of that name
      const title = model.manifest.title ?? id;
      get().notify('warning', { key: 'notice.userModelShadow', vars: { title, id } });
    }
    return ref;
  },
});

/** After a failed switch: keep the model on show, or fall back to any loaded one. */
function keepAWorkingModel(set: (patch: Partial<Store>) => void, get: () => Store, failed: string): void {
  const current = get().modelId;
  if (get().models[current]) return;
  const fallback = Object.keys(get().models)[0];
  if (fallback) {
    set({ modelId: fallback });
    return;
  }
  // nothing loaded yet (a remembered or linked model that fails as the page opens): the default
  // model, so that the page is never left without one (docs/RELIABILITY.md, "corrupt, truncated")
  if (failed !== DEFAULT_MODEL_ID && get().loading === null) void get().selectModel(DEFAULT_MODEL_ID);
}

/**
 * Switching from a model of one task to a model of another (en-fr → reverse) replaces the
 * sentences with the new task's first example: the old ones would be all <unk>. A document put
 * in place with its model (a permalink, the story) keeps its sentences: then the model shown
 * before is not loaded under that id, so there is no task to compare. Nor does a sentence the
 * reader typed while the model was loading get replaced (docs/RELIABILITY.md, "text typed while a
 * model of another task loads").
 */
function sentenceFor(s: Store, next: LoadedModel): Partial<Store> {
  const previous = s.models[s.modelId];
  const task = next.manifest.task;
  if (!previous || previous.manifest.task === task) return {};
  const example = examplesFor(task)[0];
  return example ? { source: example.source, target: '', step: LAST_STEP } : {};
}
