// The memory-network training worker's entry: wires MemoryTrainSession (memorySession.ts) to this
// thread; slices are scheduled through a MessageChannel so that a cancel is read between them.

import { MemoryTrainSession } from './memorySession';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const channel = new MessageChannel();
const queue: Array<() => void> = [];
channel.port1.onmessage = () => queue.shift()?.();

const session = new MemoryTrainSession({
  post: (message) => scope.postMessage(message),
  schedule: (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
});

scope.addEventListener('message', (event) => session.receive(event.data));
scope.addEventListener('messageerror', () => scope.postMessage({ type: 'error', message: 'A command from the page could not be read by the worker.' }));
