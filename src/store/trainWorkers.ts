// How many threads the page may train on (docs/ARCHITECTURE.md, "Training on every core"). Several
// only when the page is cross-origin isolated (the host sent COOP/COEP: README, "Cross-origin
// isolation"), since the gradient workers share the weights through SharedArrayBuffer; the
// default is one per core the browser reports (navigator.hardwareConcurrency), up to
// DEFAULT_MAX_WORKERS, and the Train view offers 1 up to the core count (at most LIMITS.workers).

import { LIMITS } from '../worker/protocol';

/** The default never asks for more than this many threads, however many cores there are. */
export const DEFAULT_MAX_WORKERS = 8;

/** True when this page can share memory with its workers (COOP/COEP were sent). */
export function pageIsolated(): boolean {
  const g = globalThis as { crossOriginIsolated?: unknown; SharedArrayBuffer?: unknown };
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function';
}

/** The cores the browser reports (1 when it does not say). */
export function coreCount(): number {
  const n = typeof navigator === 'undefined' ? NaN : Number(navigator.hardwareConcurrency);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The thread counts the Train view offers: 1 … cores, or only 1 when memory cannot be shared. */
export function workerChoices(isolated = pageIsolated(), cores = coreCount()): number[] {
  const most = isolated ? Math.max(1, Math.min(LIMITS.workers, cores)) : 1;
  return Array.from({ length: most }, (_, k) => k + 1);
}

export function defaultWorkers(isolated = pageIsolated(), cores = coreCount()): number {
  return isolated ? Math.max(1, Math.min(DEFAULT_MAX_WORKERS, LIMITS.workers, cores)) : 1;
}

/** A count the page may ask for: one of the choices (the largest when asked for more). */
export function clampWorkers(n: number, isolated = pageIsolated(), cores = coreCount()): number {
  const choices = workerChoices(isolated, cores);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, choices.length) : 1;
}
