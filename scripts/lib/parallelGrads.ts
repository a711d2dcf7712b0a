// Data-parallel gradients for the Node CLIs: the one implementation lives in src/train/parallel.ts
// (the page's training worker uses it too); this file only adapts Node's worker_threads to its
// `GradPort` and keeps the CLI's constructor (config, shared params, threads counting this one).

import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../../src/model/config';
import type { Params } from '../../src/model/params';
import { ParallelGradients as Pool, type GradPort, type ParallelOptions } from '../../src/train/parallel';

export { shareParams, splitByTokens } from '../../src/train/parallel';

/** One worker thread running src/train/parallel.ts's gradientWorker (gradWorker.ts). */
export function spawnNodeGradPort(): GradPort {
  // the worker is TypeScript: register tsx's loader inside the thread, then load it
  const url = new URL('./gradWorker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  const worker = new Worker(boot, { eval: true });
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => {
      worker.on('error', (err) => listener(err instanceof Error ? err.message : String(err)));
      worker.on('messageerror', () => listener('a message could not be read'));
      worker.on('exit', (code) => listener(`the thread exited (code ${code})`));
    },
    terminate: () => void worker.terminate(),
  };
}

export class ParallelGradients extends Pool {
  /** `params` must come from shareParams(). `threads` counts the calling thread. */
  constructor(config: ModelConfig, params: Params, threads: number, options: ParallelOptions = {}) {
    super(
      Array.from({ length: Math.max(0, threads - 1) }, () => spawnNodeGradPort()),
      options,
    );
    void this.bind(config, params);
  }

  override async close(): Promise<void> {
    super.close();
    await Promise.resolve();
  }
}
