// The one zustand store, built from typed slices (zustand's own pattern): the document (what the
// user typed and chose), the view (how it is shown), the models (catalog and loaded models), the
// notices, and the derived analysis, which one subscription derives whenever an input changes
// (src/store/derived.ts: no action refreshes it by hand). Actions live beside
// the state they change.

import { create, type StateCreator } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { DEFAULT_SHARE_STATE, MAX_PAGE_BEAM_WIDTH, MIN_BEAM_WIDTH, type Lang, type Palette, type ThemeSetting, type ValuesKind } from '../export/permalink';
import { examplesFor } from '../data/corpora';
import { MAX_INPUT_CHARS } from '../data/limits';
import type { LoadedModel } from '../model/bundle';
import { MAX_SAMPLE_SEED, MAX_SAMPLE_TOP_K, MAX_TEMPERATURE, MIN_TEMPERATURE, sampleProblem, type SampleOptions } from '../model/decoding';
import type { HeadView } from '../model/trace';
import { Rng } from '../tensor';
import { textPrefix, type Analysis, type Decoding, type Units } from '../model/analysis';
import { AnalysisClient } from '../worker/analysisClient';
import { clampStep, createDerivation } from './derived';
import { fetchCatalog, fetchModel, type CatalogEntry, type LoadProgress } from './catalog';
import { createBeamPick, type BeamPickSlice } from './beamPick';
import { loadStoredModel } from './modelDb';
import { isModelRef, isUserModelRef, manifestIdOf, modelRef, type ModelOrigin } from './modelRef';
import { fieldsFor, safeStorage } from './persistence';

export type { Lang, Palette };
export type ValueKind = ValuesKind;
export type Theme = ThemeSetting;

export const DEFAULT_MODEL_ID = DEFAULT_SHARE_STATE.model;
export const DEFAULT_SOURCE = DEFAULT_SHARE_STATE.source;

/**
 * A notice's words as a key of the UI's message tables with its values, so that the page shows it
 * in the reader's language (and again after a switch). A value may itself be a message, or a list
 * of values (joined the language's way). The store only carries it: src/ui/i18n.ts translates.
 */
export interface NoticeMessage {
  key: string;
  vars?: Readonly<Record<string, NoticeVar>>;
}
export type NoticeVar = string | number | NoticeMessage | readonly NoticeVar[];

/** The keys of the store's own notices and their values (src/ui/i18n.ts checks that its tables have them). */
export type StoreNoticeKey =
  | 'notice.modelLoad'
  | 'notice.modelUnknown'
  | 'notice.userModelMissing'
  | 'notice.userModelShadow'
  | 'notice.storageFull'
  | 'notice.storageUnavailable'
  | 'notice.inputCut'
  | 'notice.analysisWorker'
  | 'editor.side.source'
  | 'editor.side.target';

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  /** The English text: what is shown when there is no message (or its key is unknown). */
  text: string;
  message?: NoticeMessage;
}

export interface DocumentSlice {
  /** The model's name (src/store/modelRef.ts): a shipped id, or `user:` and a manifest id. */
  modelId: string;
  source: string;
  target: string;
  decoding: Decoding;
  beamWidth: number;
  /** Sampling settings (used when decoding is 'sample'). */
  sample: SampleOptions;
  step: number;
  /** Attention edits: step → weights (a plain object so it serialises). */
  edits: Record<number, number[]>;
  /** The focused heatmap cell (target step i, source position j). */
  focus: { i: number; j: number } | null;
  /** Transformer models: the cross-attention head the panels show (null: the last layer's mean). */
  headView: HeadView | null;
  /** Transformer models: add the position encodings (false shows the model's order blindness). */
  positions: boolean;
  setHeadView(view: HeadView | null): void;
  setPositions(on: boolean): void;
  /** Put the source's words in a random order (the order-blindness experiment); `seed` makes it repeatable. */
  shuffleSource(seed?: number): void;
  setSource(text: string): void;
  setTarget(text: string): void;
  setDecoding(decoding: Decoding): void;
  /** Change the sampling settings (out-of-range values are clamped); a new seed draws a new sample. */
  setSample(patch: Partial<SampleOptions>): void;
  setBeamWidth(width: number): void;
  setStep(step: number): void;
  stepBy(delta: number): void;
  setEdit(step: number, weights: number[]): void;
  clearEdits(): void;
  setFocus(cell: { i: number; j: number } | null): void;
  /** Put a whole document in place (examples menu, permalinks); clears edits unless given. */
  loadDocument(doc: Partial<Pick<DocumentSlice, 'modelId' | 'source' | 'target' | 'decoding' | 'beamWidth' | 'sample' | 'step' | 'edits'>>): void;
}

/** Sampling as the page starts: the model's own distribution, every word, seed 1. */
export const DEFAULT_SAMPLE: SampleOptions = { temperature: 1, topK: 0, seed: 1 };

/** Sampling settings brought into range (temperature, top-k, seed), numbers that are not finite replaced by the defaults. */
export function clampSample(s: SampleOptions): SampleOptions {
  const fin = (v: number, d: number): number => (Number.isFinite(v) ? v : d);
  return {
    temperature: Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, fin(s.temperature, 1))),
    topK: Math.min(MAX_SAMPLE_TOP_K, Math.max(0, Math.round(fin(s.topK, 0)))),
    seed: Math.min(MAX_SAMPLE_SEED, Math.max(0, Math.round(fin(s.seed, 1)))),
  };
}

/** True for a well-formed, in-range SampleOptions record (storage and links are user-editable). */
export function isSampleOptions(x: unknown): x is SampleOptions {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  return typeof v.temperature === 'number' && typeof v.topK === 'number' && typeof v.seed === 'number' && sampleProblem({ temperature: v.temperature, topK: v.topK, seed: v.seed }) === null;
}

/** The page's views: the explorer and the issue-6 views (train, compare, length, story). */
export const PAGES = ['explore', 'train', 'compare', 'length', 'story', 'memory'] as const;
export type Page = (typeof PAGES)[number];

export function isPage(value: unknown): value is Page {
  return typeof value === 'string' && (PAGES as readonly string[]).includes(value);
}

export interface ViewSlice {
  page: Page;
  /** Subword models: show whole words (default) or the model's pieces. */
  units: Units;
  /** Switch units keeping the selected step (a piece ↔ the word it belongs to). */
  setUnits(units: Units): void;
  values: ValueKind;
  transpose: boolean;
  palette: Palette;
  theme: Theme;
  lang: Lang;
  showTable: boolean;
  playing: boolean;
  embed: boolean;
  setView(patch: Partial<Pick<ViewSlice, 'page' | 'values' | 'transpose' | 'palette' | 'theme' | 'lang' | 'showTable' | 'playing' | 'embed'>>): void;
}

export interface ModelsSlice {
  /** While a model downloads: bytes received of the bytes expected (shown as a progress bar). */
  loadProgress: { id: string; loaded: number; total: number } | null;
  catalog: CatalogEntry[] | null;
  catalogError: string | null;
  models: Record<string, LoadedModel>;
  loading: string | null;
  loadCatalog(): Promise<void>;
  /**
   * Load (if needed) and switch to a model by its name (src/store/modelRef.ts); on failure the
   * previous model stays. A `user:` name is looked up in this browser only, a plain id among the
   * shipped models (and, for names written before the two kinds existed, a model saved here under
   * an id that no shipped model has).
   */
  selectModel(ref: string): Promise<boolean>;
  /**
   * Add a model that was loaded some other way and switch to it; returns the name it is kept
   * under. 'user' (a file, the trainer, IndexedDB): `user:<manifest id>`, never a shipped model's
   * name; 'shipped': its manifest id.
   */
  addModel(model: LoadedModel, origin: ModelOrigin): string;
  /** Keep a loaded shipped model without switching to it (views that show several models). */
  cacheModel(model: LoadedModel): void;
}

export interface NoticeSlice {
  notices: Notice[];
  /** Show a notice: `text` in English, and optionally the message that translates it. */
  notify(kind: Notice['kind'], text: string, message?: NoticeMessage): void;
  dismiss(id: number): void;
}

/** Derived from the other slices by one subscription (src/store/derived.ts): never set by an action. */
export interface DerivedSlice {
  analysis: Analysis | null;
  /** A decoding of newer inputs is under way in the analysis worker (`analysis` is the previous one meanwhile). */
  pending: boolean;
}

export type Store = DocumentSlice & ViewSlice & ModelsSlice & NoticeSlice & DerivedSlice & BeamPickSlice;
type Slice<T> = StateCreator<Store, [['zustand/persist', unknown]], [], T>;

let nextNoticeId = 1;
/** "The last step", clamped to the trace when the analysis is derived (src/store/derived.ts). */
const LAST_STEP = Number.MAX_SAFE_INTEGER;

/**
 * What the page keeps of a typed or pasted text (docs/RELIABILITY.md, "a very long text typed or
 * pasted"): all of it up to MAX_INPUT_CHARS, else its first MAX_INPUT_CHARS characters and a
 * notice (worded without the text's length, so that typing on at the cap repeats no notice).
 */
function keptInput(text: string, side: 'source' | 'target', notify: NoticeSlice['notify']): string {
  if (text.length <= MAX_INPUT_CHARS) return text;
  const max = MAX_INPUT_CHARS.toLocaleString('en');
  const sideKey: StoreNoticeKey = side === 'source' ? 'editor.side.source' : 'editor.side.target';
  notify('warning', `The ${side} is longer than the page keeps (${max} characters): the rest was cut off.`, { key: 'notice.inputCut', vars: { side: { key: sideKey }, max } });
  return textPrefix(text, MAX_INPUT_CHARS);
}

const createDocument: Slice<DocumentSlice> = (set, get) => ({
  modelId: DEFAULT_MODEL_ID,
  source: DEFAULT_SOURCE,
  target: '',
  decoding: 'greedy',
  beamWidth: DEFAULT_SHARE_STATE.beamWidth,
  sample: DEFAULT_SAMPLE,
  step: LAST_STEP,
  edits: {},
  focus: null,
  headView: null,
  positions: true,
  setHeadView(view) {
    set({ headView: view });
  },
  setPositions(on) {
    set({ positions: on, edits: {} });
  },
  shuffleSource(seed) {
    const words = get().source.trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length < 2) return;
    const rng = new Rng(seed ?? Math.floor(Math.random() * 2 ** 31));
    const original = words.join(' ');
    let shuffled = original;
    // a different order when there is one (a sentence of equal words has none)
    for (let tries = 0; tries < 8 && shuffled === original; tries++) shuffled = rng.shuffle(words.slice()).join(' ');
    get().setSource(shuffled);
  },
  // a new sentence shows its whole alignment: the step goes to the last one (clamped when derived)
  setSource(text) {
    set({ source: keptInput(text, 'source', get().notify), edits: {}, focus: null, step: LAST_STEP });
  },
  setTarget(text) {
    set({ target: keptInput(text, 'target', get().notify), edits: {}, focus: null, step: LAST_STEP });
  },
  setDecoding(decoding) {
    set({ decoding, edits: {} });
  },
  setSample(patch) {
    set({ sample: clampSample({ ...get().sample, ...patch }) });
  },
  setBeamWidth(width) {
    const w = Math.max(MIN_BEAM_WIDTH, Math.min(MAX_PAGE_BEAM_WIDTH, Math.round(width)));
    set({ beamWidth: w });
  },
  setStep(step) {
    set({ step: clampStep(step, get().analysis) });
  },
  stepBy(delta) {
    set({ step: clampStep(get().step + delta, get().analysis) });
  },
  setEdit(step, weights) {
    // edits are made on the model's own units: the word view is read-only
    if (get().analysis?.units === 'words') return;
    set({ edits: { ...get().edits, [step]: weights } });
  },
  clearEdits() {
    set({ edits: {} });
  },
  setFocus(cell) {
    set({ focus: cell });
  },
  loadDocument(doc) {
    if (doc.modelId !== undefined) lastChoice = doc.modelId;
    set({ step: LAST_STEP, ...doc, edits: doc.edits ?? {}, focus: null });
    const { modelId, models } = get();
    if (!models[modelId]) void get().selectModel(modelId);
  },
});

const createView: Slice<ViewSlice> = (set, get) => ({
  page: 'explore',
  units: 'words',
  setUnits(units) {
    const s = get();
    if (s.units === units) return;
    const a = s.analysis;
    // the selected step, in pieces, then in the new units
    const spans = a?.units === 'words' ? a.trace?.spans : undefined;
    const pieceStep = spans ? (spans.target.lastPiece[s.step] ?? s.step) : s.step;
    set({ units, focus: null });
    const b = get().analysis;
    const newSpans = b?.units === 'words' ? b.trace?.spans : undefined;
    set({ step: clampStep(newSpans ? (newSpans.target.wordOf[pieceStep] ?? pieceStep) : pieceStep, b) });
  },
  values: 'weights',
  transpose: false,
  palette: 'cividis',
  theme: 'auto',
  lang: 'en',
  showTable: false,
  playing: false,
  embed: false,
  setView(patch) {
    set(patch);
  },
});

/**
 * The model chosen last (by the reader or the page): a load that finishes after another model was
 * chosen keeps its model but does not switch to it (a slow first model must not replace the model
 * the reader loaded from files meanwhile).
 */
let lastChoice: string | null = null;

/** The catalog fetch under way, shared by everyone who waits for the list (cleared when it ends). */
let catalogLoading: Promise<void> | null = null;

/** Whether a shipped model has this id: the default model always; any other once the list is in. */
async function isShipped(get: () => Store, id: string): Promise<boolean> {
  if (id === DEFAULT_MODEL_ID) return true;
  if (get().catalog === null) await get().loadCatalog();
  return get().catalog?.some((c) => c.id === id) ?? false;
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
  return { model: await fetchModel(ref, undefined, undefined, onProgress), ref };
}

const createModels: Slice<ModelsSlice> = (set, get) => ({
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
        set({ catalog: [], catalogError: err instanceof Error ? err.message : String(err) });
      } finally {
        catalogLoading = null;
      }
    })();
    return catalogLoading;
  },
  async selectModel(ref) {
    lastChoice = ref;
    const { models } = get();
    if (models[ref]) {
      set({ modelId: ref, edits: {}, focus: null, headView: null, positions: true, ...sentenceFor(get(), models[ref]) });
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
        get().notify(
          'error',
          `“${ref}” names a model of someone’s own (trained or loaded in their browser), and no model “${id}” is saved in this browser: ask for its files and load them in the Train view.`,
          { key: 'notice.userModelMissing', vars: { id } },
        );
        keepAWorkingModel(set, get);
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
      set({ models: { ...get().models, [found.ref]: model }, modelId: found.ref, edits: {}, focus: null, headView: null, positions: true, loading: null, ...(typed ? {} : sentenceFor(get(), model)) });
      return true;
    } catch (err) {
      if (get().loading === ref) set({ loading: null });
      // whether the id is shipped at all decides the message: wait for the list if it is still on its way
      if (get().catalog === null) await get().loadCatalog();
      const known = isUserModelRef(ref) || (get().catalog?.some((c) => c.id === ref) ?? true);
      const reason = err instanceof Error ? err.message : String(err);
      const key: StoreNoticeKey = known ? 'notice.modelLoad' : 'notice.modelUnknown';
      get().notify(
        'error',
        known ? `The model “${ref}” could not be loaded: ${reason}` : `The model “${ref}” is not one of the models shipped with this page, nor one saved in this browser (${reason}).`,
        { key, vars: { id: ref, reason } },
      );
      keepAWorkingModel(set, get);
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
    set({ models: { ...get().models, [ref]: model }, modelId: ref, edits: {}, focus: null, headView: null, positions: true, ...sentenceFor(get(), model) });
    const id = model.manifest.id;
    if (origin === 'user' && (id === DEFAULT_MODEL_ID || get().catalog?.some((c) => c.id === id))) {
      // kept apart all the same; the reader should know why the picker lists two of that name
      const title = model.manifest.title ?? id;
      get().notify('warning', `Your model “${title}” has the id of a model shipped with this page (“${id}”): it is kept apart as one of your models, and links to it name it as yours.`, {
        key: 'notice.userModelShadow',
        vars: { title, id },
      });
    }
    return ref;
  },
});

/** After a failed switch: keep the model on show, or fall back to any loaded one. */
function keepAWorkingModel(set: (patch: Partial<Store>) => void, get: () => Store): void {
  const current = get().modelId;
  if (!get().models[current]) {
    const fallback = Object.keys(get().models)[0];
    if (fallback) set({ modelId: fallback });
  }
}

/**
 * Switching from a model of one task to a model of another (en-fr → reverse) replaces the
 * sentences with the new task's first example: the old ones would be all <unk>. A document put
 * in place with its model (a permalink, the story) keeps its sentences: then the model shown
 * before is not loaded under that id, so there is no task to compare. Nor does a sentence the
 * reader typed while the model was loading get replaced (docs/RELIABILITY.md, "text typed while a
 * model loads").
 */
function sentenceFor(s: Store, next: LoadedModel): Partial<Store> {
  const previous = s.models[s.modelId];
  const task = next.manifest.task;
  if (!previous || previous.manifest.task === task) return {};
  const example = examplesFor(task)[0];
  return example ? { source: example.source, target: '', step: LAST_STEP } : {};
}

const createNotices: Slice<NoticeSlice> = (set, get) => ({
  notices: [],
  notify(kind, text, message) {
    // the same message twice in a row is shown once
    const last = get().notices[get().notices.length - 1];
    if (last && last.text === text) return;
    set({ notices: [...get().notices.slice(-4), { id: nextNoticeId++, kind, text, ...(message ? { message } : {}) }] });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
});

const createDerived: Slice<DerivedSlice> = () => ({
  analysis: null,
  pending: false,
});

const LOCAL_FIELDS = fieldsFor('local');

export const useStore = create<Store>()(
  persist(
    (...a) => ({
      ...createDocument(...a),
      ...createView(...a),
      ...createModels(...a),
      ...createNotices(...a),
      ...createDerived(...a),
      ...createBeamPick(...a),
    }),
    {
      name: 'rnnsearch',
      version: 1,
      // the notice is deferred: storage is first touched while the store is still being created
      storage: createJSONStorage(() => safeStorage((message) => setTimeout(() => useStore.getState().notify('warning', message, storageNotice(message)), 0))),
      partialize: (s) => Object.fromEntries(LOCAL_FIELDS.map((k) => [k, s[k]])) as Partial<Store>,
      // a record from an older or newer version (or a hand-edited one) is validated field by field
      migrate: (persisted) => sanitizeLocal(persisted),
      merge: (persisted, current) => ({ ...current, ...sanitizeLocal(persisted) }),
    },
  ),
);

/** The message of safeStorage's (English) warning: full, or unavailable with its (English) cause. */
function storageNotice(text: string): NoticeMessage {
  const key: StoreNoticeKey = /\bfull\b/.test(text) ? 'notice.storageFull' : 'notice.storageUnavailable';
  return { key, vars: { what: /\(([^)]*)\)/.exec(text)?.[1] ?? '' } };
}

/** Keep only well-formed local fields (storage is user-editable). */
export function sanitizeLocal(value: unknown): Partial<Store> {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: Partial<Store> = {};
  if (isModelRef(v.modelId)) out.modelId = v.modelId;
  // the same cap as typing (setSource, setTarget): what was kept is given back whole after a reload
  if (typeof v.source === 'string' && v.source.length <= MAX_INPUT_CHARS) out.source = v.source;
  if (typeof v.target === 'string' && v.target.length <= MAX_INPUT_CHARS) out.target = v.target;
  if (v.decoding === 'greedy' || v.decoding === 'beam' || v.decoding === 'sample') out.decoding = v.decoding;
  if (isSampleOptions(v.sample)) out.sample = v.sample;
  if (typeof v.beamWidth === 'number' && Number.isInteger(v.beamWidth) && v.beamWidth >= MIN_BEAM_WIDTH && v.beamWidth <= MAX_PAGE_BEAM_WIDTH) out.beamWidth = v.beamWidth;
  if (v.values === 'weights' || v.values === 'scores') out.values = v.values;
  if (typeof v.transpose === 'boolean') out.transpose = v.transpose;
  if (v.palette === 'cividis' || v.palette === 'viridis') out.palette = v.palette;
  if (v.theme === 'auto' || v.theme === 'light' || v.theme === 'dark') out.theme = v.theme;
  if (v.lang === 'en' || v.lang === 'zh') out.lang = v.lang;
  if (typeof v.showTable === 'boolean') out.showTable = v.showTable;
  if (v.units === 'pieces' || v.units === 'words') out.units = v.units;
  return out;
}

/**
 * The analysis worker, where there are workers (not in Node tests): decodings of models it holds
 * run there unless they are quick (the fast path in src/store/derived.ts), the page renders
 * (docs/ARCHITECTURE.md, "From a keystroke to pixels"). The bench sets
 * `__rnnsearchAnalysisPlacement` ('main' or 'worker') before the page's scripts run to measure
 * each placement against the default.
 */
const placement = typeof window !== 'undefined' ? (window as { __rnnsearchAnalysisPlacement?: unknown }).__rnnsearchAnalysisPlacement : undefined;
const analysisClient =
  typeof Worker === 'function' && typeof window !== 'undefined' && placement !== 'main'
    ? new AnalysisClient({ onFail: (reason) => useStore.getState().notify('warning', reason, { key: 'notice.analysisWorker', vars: { reason } }) })
    : undefined;

const derivation = createDerivation(useStore.getState, (patch) => useStore.setState(patch), analysisClient, placement === 'worker' ? { mainThreadMs: -1 } : {});
useStore.subscribe((state) => derivation.update(state));
derivation.update(useStore.getState());
