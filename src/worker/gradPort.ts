// The page's adapter from a Web Worker to src/train/parallel.ts's GradPort: the training worker
// starts its gradient workers through this (Vite bundles gradient.worker.ts as a module worker of
// its own, so no blob: URL and the CSP's `worker-src 'self'` holds). A worker that fails to load,
// throws or sends a message that cannot be read reports it as a failure; the pool then drops it.

import type { GradPort } from '../train/parallel';

export function spawnGradientWorker(): GradPort {
  const worker = new Worker(new URL('./gradient.worker.ts', import.meta.url), { type: 'module', name: 'rnnsearch-gradients' });
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(event.message || 'it failed to load or crashed');
      });
      worker.addEventListener('messageerror', () => listener('a message from it could not be read'));
    },
    terminate: () => worker.terminate(),
  };
}
