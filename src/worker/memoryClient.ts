// The page's side of the memory-network training worker (memorySession.ts): start, follow, cancel.
// Every event is checked before use; a worker that fails, or sends what cannot be read, ends the
// run with a message (docs/RELIABILITY.md, "worker boundary").

import type { MemoryEvent } from './memorySession';

export interface MemoryRun {
  cancel(): void;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const prob = (v: unknown): v is number => num(v) && v >= 0 && v <= 1;

/** An event as sent, or null when it is not one the page understands. */
export function parseMemoryEvent(value: unknown): MemoryEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
      return num(v.vocab) && num(v.parameters) && num(v.train) ? { type: 'ready', vocab: v.vocab, parameters: v.parameters, train: v.train } : null;
    case 'progress':
      return num(v.step) && num(v.steps) && num(v.loss) && num(v.ms) ? { type: 'progress', step: v.step, steps: v.steps, loss: v.loss, ms: v.ms } : null;
    case 'eval':
      return num(v.step) && num(v.devLoss) && prob(v.one) && prob(v.two) ? { type: 'eval', step: v.step, devLoss: v.devLoss, one: v.one, two: v.two } : null;
    case 'done':
      return typeof v.manifest === 'string' && v.weights instanceof Uint8Array && num(v.seconds) && prob(v.one) && prob(v.two) && num(v.hopsOnGold)
        ? { type: 'done', manifest: v.manifest, weights: v.weights, seconds: v.seconds, one: v.one, two: v.two, hopsOnGold: v.hopsOnGold }
        : null;
    case 'error':
      return typeof v.message === 'string' ? { type: 'error', message: v.message.slice(0, 500) } : null;
    default:
      return null;
  }
}

/** Start training in a fresh worker; `onEvent` gets every checked event, the run ends on done or error. */
export function startMemoryTraining(cmd: { hops: number; steps: number; seed: number }, onEvent: (e: MemoryEvent) => void): MemoryRun {
  const worker = new Worker(new URL('./memory.worker.ts', import.meta.url), { type: 'module', name: 'rnnsearch-memory' });
  let open = true;
  const end = (): void => {
    open = false;
    worker.terminate();
  };
  const fail = (message: string): void => {
    if (!open) return;
    end();
    onEvent({ type: 'error', message });
  };
  worker.addEventListener('message', (event: MessageEvent) => {
    if (!open) return;
    const e = parseMemoryEvent(event.data);
    if (!e) return fail('The training worker sent a message the page cannot read; training was stopped.');
    if (e.type === 'done' || e.type === 'error') end();
    onEvent(e);
  });
  worker.addEventListener('error', (event: ErrorEvent) => fail(`The training worker failed: ${event.message || 'unknown error'}.`));
  worker.addEventListener('messageerror', () => fail('A message from the training worker could not be read; training was stopped.'));
  worker.postMessage({ type: 'start', ...cmd });
  return {
    cancel: () => {
      if (open) end();
    },
  };
}
