// The one zustand store, built from typed slices (zustand's own pattern): the document (what the
// user typed and chose), the view (how it is shown), the models (catalog and loaded models), the
// notices, and the derived analysis, which one subscription derives whenever an input changes
// (src/store/derived.ts: no action refreshes it by hand). Actions live beside the state they
// change, each slice in its own file (document.ts, view.ts, models.ts, notices.ts, beamPick.ts);
// this file puts them together, persists the local fields and wires the derivation.

import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Analysis } from '../model/analysis';
import type { LoadedModel } from '../model/bundle';
import type { Saliency } from '../model/saliency';
import type { SaliencyWireRequest } from '../worker/analysisSession';
import { AnalysisClient } from '../worker/analysisClient';
import { createBeamPick, type BeamPickSlice } from './beamPick';
import { createDerivation, nextTask } from './derived';
import { createDocument, type DocumentSlice } from './document';
import { analysisReason } from './errorReason';
import { createModels, onModelLoad, type ModelsSlice } from './models';
import { createNotices, type NoticeSlice } from './notices';
import { sanitizeLocal } from './localRecord';
import { fieldsFor, safeStorage } from './persistence';
import { LOCAL_STORAGE_KEY } from './prefetch';
import type { Slice } from './slice';
import { createView, type ViewSlice } from './view';

// what the rest of the page imports from the store, wherever a slice defines it
export { sanitizeLocal } from './localRecord';
export { clampSample, DEFAULT_MODEL_ID, DEFAULT_SAMPLE, DEFAULT_SOURCE, isSampleOptions, type DocumentSlice } from './document';
export type { ModelsSlice } from './models';
export type { Notice, NoticeMessage, NoticeSlice, NoticeVar, StoreNoticeKey } from './notices';
export { isPage, PAGES, type Lang, type Page, type Palette, type Theme, type ValueKind, type ViewSlice } from './view';

/** Derived from the other slices by one subscription (src/store/derived.ts): never set by an action. */
export interface DerivedSlice {
  analysis: Analysis | null;
  /** A decoding of newer inputs is under way in the analysis worker (`analysis` is the previous one meanwhile). */
  pending: boolean;
}

export type Store = DocumentSlice & ViewSlice & ModelsSlice & NoticeSlice & DerivedSlice & BeamPickSlice;

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
      name: LOCAL_STORAGE_KEY,
      version: 1,
      // the notice is deferred: storage is first touched while the store is still being created
      storage: createJSONStorage(() => safeStorage((message) => setTimeout(() => useStore.getState().notify('warning', message), 0))),
      partialize: (s) => Object.fromEntries(LOCAL_FIELDS.map((k) => [k, s[k]])) as Partial<Store>,
      // a record from an older or newer version (or a hand-edited one) is validated field by field
      migrate: (persisted) => sanitizeLocal(persisted),
      merge: (persisted, current) => ({ ...current, ...sanitizeLocal(persisted) }),
    },
  ),
);

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
    ? new AnalysisClient({ onFail: (failure) => useStore.getState().notify('warning', { key: 'notice.analysisWorker', vars: { reason: analysisReason(failure) } }) })
    : undefined;

/**
 * Half of a saliency computation in the analysis worker (the Saliency panel computes the other
 * half meanwhile), or null when there is no worker or it does not hold this model yet. Aborting
 * `signal` stops it at its next unit of work.
 */
export function saliencyInWorker(model: LoadedModel, request: SaliencyWireRequest, signal?: AbortSignal): Promise<Saliency> | null {
  return analysisClient?.saliency(model, request, signal) ?? null;
}

// a large model's worker starts with its manifest and gets its files as soon as they are in, not
// once the page has built the model (docs/ARCHITECTURE.md, "Large models")
onModelLoad(analysisClient ? { manifest: (config) => analysisClient.warm(config), files: (files, config) => analysisClient.preload(files, config) } : null);

/**
 * A model read from the reader's files, before the page checks and builds it: a large one goes to
 * the analysis worker now (`AnalysisClient.preload`), so that both build it side by side.
 */
export function preloadInWorker(files: NonNullable<LoadedModel['checkpoint']>, config: LoadedModel['config']): void {
  analysisClient?.warm(config);
  analysisClient?.preload(files, config);
}

const derivation = createDerivation(useStore.getState, (patch) => useStore.setState(patch), analysisClient, {
  ...(placement === 'worker' ? { mainThreadMs: -1 } : {}),
  ...(analysisClient ? { defer: nextTask } : {}),
});
useStore.subscribe((state) => derivation.update(state));
derivation.update(useStore.getState());
