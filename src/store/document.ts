// The document slice: what the reader typed and chose (model, sentences, decoding, sampling, step,
// attention edits, the Transformer's head and positions). Changing any of it is all an action
// does: the analysis is derived from it (src/store/derived.ts).

import { DEFAULT_SHARE_STATE } from '../export/permalink';
import { MAX_INPUT_CHARS } from '../data/limits';
import { textPrefix, type Decoding } from '../model/analysis';
import { MAX_PAGE_BEAM_WIDTH, MAX_SAMPLE_SEED, MAX_SAMPLE_TOP_K, MAX_TEMPERATURE, MIN_BEAM_WIDTH, MIN_TEMPERATURE, sampleProblem, type SampleOptions } from '../model/domain';
import type { HeadView } from '../model/trace';
import { Rng } from '../tensor';
import { clampStep } from './derived';
import { noteModelChoice } from './models';
import type { NoticeSlice, StoreNoticeKey } from './notices';
import { LAST_STEP, type Slice } from './slice';

export const DEFAULT_MODEL_ID = DEFAULT_SHARE_STATE.model;
export const DEFAULT_SOURCE = DEFAULT_SHARE_STATE.source;

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
  /**
   * Put a whole document in place (examples menu, permalinks); clears edits, the head on show and
   * the positions switch unless given. When its model is still to load, what it gives of these
   * waits for the model (src/store/models.ts, selectModel).
   */
  loadDocument(doc: Partial<Pick<DocumentSlice, 'modelId' | 'source' | 'target' | 'decoding' | 'beamWidth' | 'sample' | 'step' | 'edits' | 'headView' | 'positions'>>): void;
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

/**
 * What the page keeps of a typed or pasted text (docs/RELIABILITY.md, "a very long text typed or
 * pasted"): all of it up to MAX_INPUT_CHARS, else its first MAX_INPUT_CHARS characters and a
 * notice (worded without the text's length, so that typing on at the cap repeats no notice).
 */
function keptInput(text: string, side: 'source' | 'target', notify: NoticeSlice['notify']): string {
  if (text.length <= MAX_INPUT_CHARS) return text;
  const max = MAX_INPUT_CHARS.toLocaleString('en');
  const sideKey: StoreNoticeKey = side === 'source' ? 'editor.side.source' : 'editor.side.target';
  notify('warning', { key: 'notice.inputCut', vars: { side: { key: sideKey }, max } });
  return textPrefix(text, MAX_INPUT_CHARS);
}

export const createDocument: Slice<DocumentSlice> = (set, get) => ({
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
    if (doc.modelId !== undefined) noteModelChoice(doc.modelId);
    const kept = { edits: doc.edits ?? {}, headView: doc.headView ?? null, positions: doc.positions ?? true };
    set({ step: LAST_STEP, ...doc, ...kept, focus: null });
    const { modelId, models } = get();
    if (!models[modelId]) void get().selectModel(modelId, kept);
  },
});
