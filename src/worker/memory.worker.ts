// The memory-network training worker's entry: wires MemoryTrainSession (memorySession.ts) to this
// thread; slices are scheduled through a MessageChannel so that a cancel is read between them.

import { MemoryTrainSession, UNREADABLE_COMMAND } from './memorySession';
import { sliceHost, workerScope } from './scope';

const scope = workerScope;
const session = new MemoryTrainSession(sliceHost());

scope.addEventListener('message', (event) => session.receive(event.data));
scope.addEventListener('messageerror', () => scope.postMessage(UNREADABLE_COMMAND));
