// Named hooks over module-level selectors (zustand's guidance), plus small DOM hooks.

import { useCallback, useDeferredValue, useEffect, useRef, useState } from 'react';
import type { Analysis } from '../model/analysis';
import { clampStep } from '../store/derived';
import { useStore, type Store } from '../store/store';
import type { LoadedModel } from '../model/bundle';
import type { Trace, TraceStep } from '../model/trace';

const selectAnalysis = (s: Store): Analysis | null => s.analysis;
const selectModel = (s: Store): LoadedModel | null => s.models[s.modelId] ?? null;
// the step within the trace on show: while a newer decoding is under way, "the last step" of the
// new sentence is clamped to the analysis still shown
const selectStep = (s: Store): number => clampStep(s.step, s.analysis);
// Opening the page: no analysis yet, and the first model is loading or about to (none is loaded
// and no error has been shown). Placeholders keep the layout still meanwhile.
const selectFirstLoad = (s: Store): boolean =>
  s.analysis === null && (s.loading !== null || (Object.keys(s.models).length === 0 && !s.notices.some((n) => n.kind === 'error')));

/**
 * Past this many heatmap cells (target steps × source positions) a new analysis is rendered in
 * the background: React renders the panels in slices of a few ms between which the page handles
 * input and paints, and commits them all at once (useDeferredValue). Below it, the analysis is
 * rendered at once, as a small one renders faster than the scheduling costs (docs/ARCHITECTURE.md,
 * "From a keystroke to pixels").
 */
export const BACKGROUND_RENDER_CELLS = 600;

function isLarge(analysis: Analysis | null): boolean {
  const trace = analysis?.trace;
  return trace !== undefined && trace !== null && trace.steps.length * trace.srcLen > BACKGROUND_RENDER_CELLS;
}

/**
 * What the panels show of `value`, which comes from the store with `analysis`: for a large
 * analysis the deferred value, so that every panel reading the analysis, its trace or its step
 * through these hooks shows the same (old, then new) analysis and renders it in the background.
 */
function useShown<T>(value: T, analysis: Analysis | null): T {
  const deferred = useDeferredValue(value);
  return isLarge(analysis) ? deferred : value;
}

export const useAnalysis = (): Analysis | null => {
  const analysis = useStore(selectAnalysis);
  return useShown(analysis, analysis);
};
export const useTrace = (): Trace | null => {
  const analysis = useStore(selectAnalysis);
  return useShown(analysis?.trace ?? null, analysis);
};
export const useModel = (): LoadedModel | null => useStore(selectModel);
export const useStep = (): number => {
  const analysis = useStore(selectAnalysis);
  return useShown(useStore(selectStep), analysis);
};
export const useFirstLoad = (): boolean => useStore(selectFirstLoad);

/** The current step's record, or null. */
export function useCurrentStep(): TraceStep | null {
  const trace = useTrace();
  const step = useStep();
  return trace?.steps[step] ?? null;
}

/** The last width each named useWidth measured: a panel mounted again starts from it. */
const lastWidths = new Map<string, number>();

/**
 * The width of an element, kept up to date with a ResizeObserver. Returns a callback ref, so an
 * element that appears later (a panel that rendered nothing at first) is observed too. Only an
 * element of unknown width is measured at once (reading clientWidth forces a layout inside React's
 * commit: 50 ms after a paper-sized model's decoding). With a `name`, the width is remembered
 * across mounts: a panel back after an empty source starts from its last width, and the
 * observer's first report, which comes before the next paint, corrects it if the page changed
 * meanwhile (docs/ARCHITECTURE.md, "From a keystroke to pixels").
 */
export function useWidth<T extends HTMLElement>(name?: string): [(el: T | null) => void, number] {
  const [width, setWidth] = useState(() => (name ? (lastWidths.get(name) ?? 0) : 0));
  const observer = useRef<ResizeObserver | null>(null);
  const known = useRef(width);
  const ref = useCallback(
    (el: T | null) => {
      observer.current?.disconnect();
      observer.current = null;
      if (!el) return;
      const keep = (w: number): void => {
        known.current = w;
        if (name && w > 0) lastWidths.set(name, w);
        setWidth(w);
      };
      if (known.current === 0 || typeof ResizeObserver === 'undefined') keep(el.clientWidth);
      if (typeof ResizeObserver === 'undefined') return;
      const ro = new ResizeObserver((entries) => {
        const w = entries[0]?.contentRect.width;
        if (w !== undefined) keep(Math.round(w));
      });
      ro.observe(el);
      observer.current = ro;
    },
    [name],
  );
  return [ref, width];
}

/** True when the reader asked for reduced motion. */
export function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(() => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia('(prefers-reduced-motion: reduce)');
    const on = (): void => setReduced(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return reduced;
}
