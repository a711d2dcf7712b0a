// TensorFlow.js for the bench, with the two backends we compare against: cpu (plain JS) and
// wasm (XNNPACK, SIMD, one thread). Loaded only inside the `tfjs` bench host (a worker thread,
// see bench/hosts.ts): the wasm backend grows its WebAssembly memory, which detaches an
// ArrayBuffer, and that slows every typed-array kernel in the same isolate (bench/README.md).

import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

const require = createRequire(import.meta.url);

export type TfBackend = 'cpu' | 'wasm';

let tfReady: Promise<{ simd: boolean; threads: number }> | null = null;

/**
 * Register and initialise both TensorFlow.js backends once. The wasm backend needs the path of
 * its .wasm binaries in Node; Node has no wasm threads in tfjs (WASM_HAS_MULTITHREAD_SUPPORT is
 * false there), and we also ask for one thread explicitly so the comparison is one core each.
 */
export function initTf(): Promise<{ simd: boolean; threads: number }> {
  tfReady ??= (async () => {
    const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    setWasmPaths(wasmDir);
    setThreadsCount(1);
    // The cpu backend greets Node users once on first use; keep the bench output clean.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
      warn(...args);
    };
    try {
      for (const backend of ['wasm', 'cpu'] as const) {
        if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
        await tf.ready();
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
      }
    } finally {
      console.warn = warn;
    }
    await tf.setBackend('wasm');
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    const threads = getThreadsCount();
    return { simd, threads };
  })();
  return tfReady;
}

/** Switch tfjs to `backend` (both are initialised by initTf). */
export async function useBackend(backend: TfBackend): Promise<void> {
  await initTf();
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} unavailable`);
  }
}

export function tfjsVersion(): string {
  return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
}
