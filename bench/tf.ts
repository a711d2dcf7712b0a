// TensorFlow.js for the bench, with the two backends we compare against: cpu (plain JS) and
// wasm (XNNPACK, SIMD, one thread). Loaded only inside the `tfjs` bench host (a worker thread,
// see bench/hosts.ts): the wasm backend grows its WebAssembly memory, which detaches an
// ArrayBuffer, and that slows every typed-array kernel in the same isolate (bench/README.md).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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

let gradientsReady: Promise<number> | null = null;

/**
 * Register tfjs's gradient functions (needed by tf.variableGrads / optimizers). tfjs-core alone
 * registers none: the @tensorflow/tfjs bundle does `import
 * '@tensorflow/tfjs-core/dist/register_all_gradients'`, and that ESM entry cannot be loaded by
 * Node as installed here (Prod_grad imports `../base`, which imports the directory-vs-file
 * ambiguous `./gradients`). So import the same `dist/gradients/*_grad.js` configs one by one
 * (all but Prod's, which nothing here uses) and register them; the registry is global to every
 * copy of tfjs-core, so the CommonJS engine we run on sees them. Resolves to how many were
 * registered.
 */
export function initTfGradients(): Promise<number> {
  gradientsReady ??= (async () => {
    const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'gradients');
    let n = 0;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('_grad.js') || file === 'Prod_grad.js') continue;
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        if (value && typeof value === 'object' && 'kernelName' in value && 'gradFunc' in value) {
          tf.registerGradient(value as Parameters<typeof tf.registerGradient>[0]);
          n++;
        }
      }
    }
    if (n < 50) throw new Error(`tfjs: only ${n} gradient configs found in ${dir}`);
    return n;
  })();
  return gradientsReady;
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
