// A worker thread of the CLI's ParallelGradients: Node's side of src/train/parallel.ts's
// gradientWorker (the page's Web Worker, src/worker/gradient.worker.ts, runs the same function).

import { parentPort } from 'node:worker_threads';
import { gradientWorker } from '../../src/train/parallel';

const handle = gradientWorker((reply) => parentPort?.postMessage(reply));
parentPort?.on('message', handle);
