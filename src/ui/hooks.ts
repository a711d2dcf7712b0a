// Named hooks over module-level selectors (zustand's guidance), plus small DOM hooks.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Analysis } from '../model/analysis';
import { clampStep } from '../store/derived';
import { useStore, type Store } from '../store/store';
import type { LoadedModel } from '../model/bundle';
import type { Trace, TraceStep } from '../model/trace';

const selectAnalysis = (s: Store): Analysis | null => s.analysis;
const selectTrace = (s: Store): Trace | null => s.analysis?.trace ?? null;
const selectModel = (s: Store): LoadedModel | null => s.models[s.modelId] ?? null;
// the step within the trace on show: while a newer decoding is under way, "the last step" of the
// new sentence is clamped to the analysis still shown
const selectStep = (s: Store): number => clampStep(s.step, s.analysis);
// Opening the page: no analysis yet, and the first model is loading or about to (none is loaded
// and no error has been shown). Placeholders keep the layout still meanwhile.
const selectFirstLoad = (s: Store): boolean =>
  s.analysis === null && (s.loading !== null || (Object.keys(s.models).length === 0 && !s.notices.some((n) => n.kind === 'error')));

export const useAnalysis = (): Analysis | null => useStore(selectAnalysis);
export const useTrace = (): Trace | null => useStore(selectTrace);
export const useModel = (): LoadedModel | null => useStore(selectModel);
export const useStep = (): number => useStore(selectStep);
export const useFirstLoad = (): boolean => useStore(selectFirstLoad);

/** The current step's record, or null. */
export function useCurrentStep(): TraceStep | null {
  const trace = useTrace();
  const step = useStep();
  return trace?.steps[step] ?? null;
}

/**
 * The width of an element, kept up to date with a ResizeObserver. Returns a callback ref, so an
 * element that appears later (a panel that rendered nothing at first) is observed too.
 */
export function useWidth<T extends HTMLElement>(): [(el: T | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined) setWidth(Math.round(w));
    });
    ro.observe(el);
    observer.current = ro;
  }, []);
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
