// The training worker's entry: wires the session (session.ts) to this thread. Slices of work are
// scheduled through a MessageChannel (a macrotask, so commands from the page are handled between
// slices, without setTimeout's 4 ms clamp). Messages are copied by structured clone, never
// transferred: a transfer would detach a buffer and slow this thread's kernels for good
// (bench/README.md). A command that arrives but cannot be deserialised (`messageerror`) is not
// lost silently: the page gets a protocol error saying so (docs/RELIABILITY.md, "a message that
// cannot be deserialised"). Gradient workers (data-parallel training) are started from here, not
// from the page, and only when this worker can share memory (docs/ARCHITECTURE.md, "Training on
// every core"); they end with it, so the page's watchdog ending this worker ends them too.

import { spawnGradientWorker } from './gradPort';
import { sliceHost, workerScope } from './scope';
import { TrainSession } from './session';

const scope = workerScope;
const session = new TrainSession({ ...sliceHost(), spawnGradientWorker });

scope.addEventListener('message', (event) => session.receive(event.data));
scope.addEventListener('messageerror', () => session.unreadable());
session.hello();
