// Worker side of the saliency section's two-thread row (bench/saliency.ts): the page's own
// analysis worker session (src/worker/analysisSession.ts) on a Node worker thread, so that the
// bench times the same code the page runs when the worker computes the leave-one-out.

import { parentPort } from 'node:worker_threads';
import { AnalysisSession } from '../src/worker/analysisSession';

const port = parentPort;
if (!port) throw new Error('bench/saliency.worker.ts runs as a worker thread');
const session = new AnalysisSession((event) => port.postMessage(event));
port.on('message', (m: unknown) => session.receive(m));
