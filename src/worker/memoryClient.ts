// The page's side of the memory-network training worker (memorySession.ts): start, follow, cancel.
// Every event is checked before use; a worker that fails, or sends what cannot be read, ends the
// run with an error code (docs/RELIABILITY.md, "worker boundary"), which the page words.

import { parseMemoryEvent, type MemoryErrorCode, type MemoryEvent } from './memoryProtocol';

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
  const fail = (code: MemoryErrorCode, detail = ''): void => {
    if (!open) return;
    end();
    onEvent({ type: 'error', code, detail });
  };
  worker.addEventListener('message', (event: MessageEvent) => {
    if (!open) return;
    const e = parseMemoryEvent(event.data);
    if (!e) return fail('bad-event');
    if (e.type === 'done' || e.type === 'error') end();
    onEvent(e);
  });
  worker.addEventListener('error', (event: ErrorEvent) => fail('crashed', event.message));
  worker.addEventListener('messageerror', () => fail('unreadable-event'));
  worker.postMessage({ type: 'start', ...cmd });
  return {
    cancel: () => {
      if (open) end();
    },
  };
}
