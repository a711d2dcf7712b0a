// The page's side of the memory-network training worker (memorySession.ts): start, follow, cancel.
// Every event is checked before use; a worker that fails, or sends what cannot be read, ends the
// run with a message (docs/RELIABILITY.md, "worker boundary").

import { parseMemoryEvent, type MemoryEvent } from './memoryProtocol';

export interface MemoryRun {
  cancel(): void;
}

export { parseMemoryEvent };

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
