// Which node of the beam's search tree the explorer's panels show: view state of its own slice
// (docs/ARCHITECTURE.md, "The beam as a tree"). The explorer shows hypothesis 0 until the reader
// picks a node in the tree view; the pick is kept as the node's token ids from the first step,
// with the model and sentence it was made on, so that it names the same node when the analysis
// is derived again (a new width keeps it when the new search has that node) and nothing once the
// sentence or the model changes: the analysis then shows hypothesis 0 again. It never goes into a
// link or local storage (src/store/persistence.ts): a tree is recomputed, not shared.

import { LAST_STEP, type Slice } from './slice';
// the pick is a decode input: src/store/derived.ts decodes again when it changes

export interface BeamPickState {
  /** The picked node's token ids (pieces) from the first step. */
  path: number[];
  /** What the pick was made on: another model or sentence drops it. */
  modelId: string;
  source: string;
}

export interface BeamPickSlice {
  beamPick: BeamPickState | null;
  /**
   * Show a node of the tree: `path` its token ids from the first step, `step` the step to select
   * in the units the panels show (null: the picked trace's last step, e.g. a pruned branch's
   * trace, which ends at the node). Null path: back to hypothesis 0.
   */
  pickBeamNode(path: readonly number[] | null, step: number | null): void;
}

export const createBeamPick: Slice<BeamPickSlice> = (set, get) => ({
  beamPick: null,
  pickBeamNode(path, step) {
    const s = get();
    set({
      beamPick: path && path.length > 0 ? { path: [...path], modelId: s.modelId, source: s.source } : null,
      step: step ?? LAST_STEP,
      focus: null,
    });
  },
});

/** The pick that applies to the store's current document, as the analysis takes it (or null). */
export function beamPathFor(s: { beamPick: BeamPickState | null; modelId: string; source: string }): number[] | null {
  const p = s.beamPick;
  return p && p.modelId === s.modelId && p.source === s.source ? p.path : null;
}
