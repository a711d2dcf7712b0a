// Between the store and the permalink record: what a link holds (the persistence table's 'url'
// fields) and how a parsed link is put back. The codec itself (compression, validation) lives in
// src/export/permalink.ts.

import type { ShareState } from '../export/permalink';
import type { Store } from './store';

function applyUnits(store: Store, units: Store['units']): void {
  if (store.units !== units) store.setUnits(units);
}

export function toShareState(s: Store): ShareState {
  return {
    v: 1,
    model: s.modelId,
    source: s.source,
    target: s.target,
    decoding: s.decoding,
    beamWidth: s.beamWidth,
    ...(s.decoding === 'sample' ? { sample: s.sample } : {}),
    step: s.step,
    edits: Object.entries(s.edits).map(([step, weights]) => ({ step: Number(step), weights })),
    ...(s.headView ? { head: s.headView } : {}),
    ...(s.positions ? {} : { positions: false }),
    view: { values: s.values, transpose: s.transpose, palette: s.palette, lang: s.lang, theme: s.theme, units: s.units },
  };
}

/** Put a (validated) shared state into the store. */
export function applyShareState(store: Store, state: ShareState, embed: boolean): void {
  const edits: Record<number, number[]> = {};
  for (const e of state.edits) edits[e.step] = e.weights;
  const { units, ...view } = state.view;
  store.setView({ ...view, embed });
  applyUnits(store, units);
  store.loadDocument({
    modelId: state.model,
    source: state.source,
    target: state.target,
    decoding: state.decoding,
    beamWidth: state.beamWidth,
    ...(state.sample ? { sample: state.sample } : {}),
    step: state.step,
    edits,
    headView: state.head ?? null,
    positions: state.positions ?? true,
  });
}
