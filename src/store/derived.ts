// The analysis, derived from its inputs in one place (docs/ARCHITECTURE.md, "From a keystroke
// to pixels"). The store's actions only change inputs; one subscription notices which inputs changed
// and derives what depends on them, so no action can forget to refresh the analysis and the page
// can never show a stale one:
//
//   decode inputs (model, source, target, decoding, beam width, sampling, edits, positions, the
//   picked node of the beam tree)
//     → decode stage (src/model/analysis.ts decodeAnalysis): heavy, runs in the analysis worker
//       once the worker holds the model (src/worker/analysisClient.ts), on this thread before that
//       and where there are no workers (tests, very old browsers)
//   view inputs (units, head)
//     → view stage (viewAnalysis): cheap, always here, so a switch of units or head is immediate
//
// A decoding that was superseded while it ran is dropped (the client never even sends a request
// that was overtaken while waiting); the newest result is applied in one `set`, with the step
// clamped to the new trace.

import type { LoadedModel } from '../model/bundle';
import type { SampleOptions } from '../model/decoding';
import type { HeadView } from '../model/trace';
import { beamPathFor, type BeamPickState } from './beamPick';
import { decodeAnalysis, viewAnalysis, viewInfo, type Analysis, type Decoding, type DecodeInput, type Units } from '../model/analysis';

/** The fields of the store the analysis depends on (a structural subset of Store). */
export interface DerivationSource {
  modelId: string;
  models: Readonly<Record<string, LoadedModel>>;
  source: string;
  target: string;
  decoding: Decoding;
  beamWidth: number;
  sample: SampleOptions;
  edits: Record<number, number[]>;
  positions: boolean;
  units: Units;
  headView: HeadView | null;
  beamPick: BeamPickState | null;
  step: number;
  analysis: Analysis | null;
  /** A decoding is under way in the worker (absent: false). */
  pending?: boolean;
}

/** Where a decoding runs; `decode` resolves to null when a newer request superseded it. */
export interface Decoder {
  /** True when this decoder will run the model off the main thread (it holds it, or can take it). */
  accepts(model: LoadedModel): boolean;
  /**
   * True for a model whose decodings never run on the main thread, however quick the last one was
   * (a large model: one short sentence decodes in a few ms, the next word in a long task).
   */
  only?(model: LoadedModel): boolean;
  decode(model: LoadedModel, input: Omit<DecodeInput, 'model'>): Promise<Analysis | null>;
}

/** The document fields the decoding reads, compared one by one. */
type DocumentInputs = Pick<DerivationSource, 'source' | 'target' | 'decoding' | 'beamWidth' | 'sample' | 'edits' | 'positions'>;

interface DecodeKey extends DocumentInputs {
  model: LoadedModel | undefined;
  beamPath: readonly number[] | null;
}

function decodeKey(s: DerivationSource): DecodeKey {
  return {
    model: s.models[s.modelId],
    source: s.source,
    target: s.target,
    decoding: s.decoding,
    beamWidth: s.beamWidth,
    sample: s.sample,
    edits: s.edits,
    positions: s.positions,
    beamPath: beamPathFor(s),
  };
}

/** Inputs compare by identity: every action replaces what it changes (zustand's immutable updates). */
function sameKey(a: DecodeKey, b: DecodeKey): boolean {
  // sampling settings matter only when sampling
  const sample = a.decoding !== 'sample' || a.sample === b.sample;
  // and the picked node of the tree only in beam mode
  const pick = a.decoding !== 'beam' || a.beamPath === b.beamPath;
  return a.model === b.model && a.source === b.source && a.target === b.target && a.decoding === b.decoding && a.beamWidth === b.beamWidth && sample && pick && a.edits === b.edits && a.positions === b.positions;
}

function editsMap(edits: Record<number, number[]>): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [k, v] of Object.entries(edits)) m.set(Number(k), v);
  return m;
}

/** A step within the trace: "the last step" (a huge number) and stale steps land on a real one. */
export function clampStep(step: number, analysis: Analysis | null): number {
  const n = analysis?.trace?.steps.length ?? 0;
  if (n === 0) return 0;
  return Math.max(0, Math.min(n - 1, Math.round(step)));
}

export interface Derivation {
  /** Look at the state and derive what its changes call for (the store's subscriber). */
  update(s: DerivationSource): void;
  /** The decoded analysis (pieces, before the view stage) the page shows, for tests and the view stage. */
  readonly decoded: Analysis | null;
}

/**
 * The main-thread fast path (docs/ARCHITECTURE.md, "From a keystroke to pixels"): a model whose
 * last decoding took at most this long is decoded on the main thread even when the worker holds
 * it, in a task of its own (`defer`, `nextTask`). Measured (`npm run bench -- --only explorer`):
 * typing 14 words, the grammar model (decodings of 2–5 ms) reached the heatmap in 12.6 ms on the
 * main thread against 21.8 ms through the worker when it decoded inside the keystroke's task,
 * but with long tasks; in a task of its own, 23.7 ms against 22.2 ms, with none (same run). The
 * two are now about even; the fast path spares the worker a round trip (the trace cloned both
 * ways) per keystroke. Longer decodings go to the worker, where they cannot make a long task.
 */
export const MAIN_THREAD_DECODE_MS = 8;

export interface DerivationOptions {
  /** Decode here when this model's last decoding took at most this many ms (default MAIN_THREAD_DECODE_MS; negative: never). */
  mainThreadMs?: number;
  /**
   * Runs a decoding on this thread in a task of its own (the page: `nextTask`); without it, at
   * once (Node tests). Not for a model's first decoding, which stays on the path to the first
   * heatmap: see `nextTask`.
   */
  defer?: (run: () => void) => void;
}

/**
 * Run `run` in a task of its own, right after the current one: `scheduler.postTask` at
 * user-blocking priority where there is one (Chromium: it runs before the frame the keystroke
 * asked for, 2–3 ms sooner than a plain task), else a MessageChannel message (no timer clamp).
 * Why the page decodes on its own thread this way (docs/ARCHITECTURE.md, "From a
 * keystroke to pixels"): a keystroke's task is the browser's editing command, which lays the page
 * out again for the caret after the input event; a decoding and the render of every panel inside
 * that event made the editing command's style and layout cover all of them too — one task of
 * 35–60 ms per key with the grammar model (Chromium trace), where a decoding in its own task
 * gives two of about half that and the frame's own style and layout.
 */
export function nextTask(run: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (cb: () => void, opts: { priority: string }) => Promise<unknown> } }).scheduler;
  if (typeof scheduler?.postTask === 'function') {
    void scheduler.postTask(run, { priority: 'user-blocking' });
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(null);
}

/**
 * The derivation for a store: `get`/`set` are the store's; `decoder` (optional) runs decodings
 * elsewhere. `set` is only ever called with the derived fields (`analysis`, `step`, `pending`).
 */
export function createDerivation(
  get: () => DerivationSource,
  set: (patch: { analysis?: Analysis | null; step?: number; pending?: boolean }) => void,
  decoder?: Decoder,
  options: DerivationOptions = {},
): Derivation {
  const mainThreadMs = options.mainThreadMs ?? MAIN_THREAD_DECODE_MS;
  /** Each model's last decoding time (wherever it ran): the fast path's predictor, as sentences change a word at a time. */
  const lastMs = new WeakMap<LoadedModel, number>();
  const decodeHere = (model: LoadedModel, input: Omit<DecodeInput, 'model'>): Analysis => {
    const a = decodeAnalysis({ model, ...input });
    lastMs.set(model, a.ms);
    return a;
  };
  let key: DecodeKey | null = null;
  let view: { units: Units; headView: HeadView | null } | null = null;
  let decoded: Analysis | null = null;
  let seq = 0;

  const show = (a: Analysis | null, model: LoadedModel | undefined, extra: { pending?: boolean } = {}): void => {
    const s = get();
    view = { units: s.units, headView: s.headView };
    const analysis = a && model ? viewAnalysis(a, viewInfo(model), { units: s.units, ...(s.headView ? { headView: s.headView } : {}) }) : null;
    // Only what changes is set: a store whose model has not arrived yet is left untouched (no
    // write to local storage before boot has looked at it), and the step a link asked for waits
    // for the analysis that can clamp it (without one there is nothing to clamp to).
    const patch: { analysis?: Analysis | null; step?: number; pending?: boolean } = {};
    if (analysis !== s.analysis) patch.analysis = analysis;
    if (analysis) {
      const step = clampStep(s.step, analysis);
      if (step !== s.step) patch.step = step;
    }
    if (extra.pending !== undefined && extra.pending !== s.pending) patch.pending = extra.pending;
    if (Object.keys(patch).length > 0) set(patch);
  };

  return {
    get decoded() {
      return decoded;
    },
    update(s) {
      const next = decodeKey(s);
      if (key && sameKey(key, next)) {
        // only the view may have changed
        if (view && (view.units !== s.units || view.headView !== s.headView)) show(decoded, next.model);
        return;
      }
      key = next;
      const id = ++seq;
      const model = next.model;
      if (!model) {
        decoded = null;
        show(null, undefined, { pending: false });
        return;
      }
      const input = { source: next.source, target: next.target, decoding: next.decoding, beamWidth: next.beamWidth, sample: next.sample, edits: editsMap(next.edits), positions: next.positions, beamPath: next.beamPath, free: false };
      // accepts() first: it also hands the worker the model, so that it is ready when decodings grow
      const offThread = decoder?.accepts(model) === true && (decoder.only?.(model) === true || !((lastMs.get(model) ?? Infinity) <= mainThreadMs));
      if (decoder && offThread) {
        if (s.pending !== true) set({ pending: true });
        void decoder.decode(model, input).then(
          (a) => {
            if (a) lastMs.set(model, a.ms);
            if (id !== seq || a === null) return;
            decoded = a;
            show(a, model, { pending: false });
          },
          () => {
            // the worker failed: decode here instead (the client has already said why, once)
            if (id !== seq) return;
            decoded = decodeHere(model, input);
            show(decoded, model, { pending: false });
          },
        );
        return;
      }
      const here = (): void => {
        if (id !== seq) return; // overtaken while it waited for its task
        decoded = decodeHere(model, input);
        show(decoded, model, { pending: false });
      };
      if (options.defer && lastMs.has(model)) options.defer(here);
      else here();
    },
  };
}
