// A gradient worker of the page's data-parallel training: started by the training worker (never
// by the page), it runs src/train/parallel.ts's gradientWorker, the same function the CLI's worker
// threads run (scripts/lib/gradWorker.ts). It shares the weights with the training worker through
// SharedArrayBuffer, so it exists only when the page is cross-origin isolated (README,
// "Cross-origin isolation"). Replies are small plain objects; nothing is transferred.

import { gradientWorker } from '../train/parallel';
import { workerScope } from './scope';

const handle = gradientWorker((reply) => workerScope.postMessage(reply));
workerScope.addEventListener('message', (event) => handle(event.data));
// a request that could not be deserialised is lost: the pool's deadline for it drops this worker
workerScope.addEventListener('messageerror', () => workerScope.postMessage({ type: 'error', id: -1, message: 'a request could not be read' }));
