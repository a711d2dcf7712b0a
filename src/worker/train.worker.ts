// The training worker's entry: wires the session (session.ts) to this thread. Slices of work are
// scheduled through a MessageChannel (a macrotask, so commands from the page are handled between
// slices, without setTimeout's 4 ms clamp). Messages are copied by structured clone, never
// transferred: a transfer would detach a buffer and slow this thread's kernels for good
// (bench/README.md). A command that arrives but cannot be deserialised (`messageerror`) is not
// lost silently: the page gets a protocol error saying so (docs/RELIABILITY.md, "a message that
// cannot be deserialised").

import { TrainSession } from './session';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const channel = new MessageChannel();
const queue: Array<() => void> = [];
channel.port1.onmessage = () => {
  const fn = queue.shift();
  fn?.();
};

const session = new TrainSession({
  post: (message) => scope.postMessage(message),
  schedule: (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
});

scope.addEventListener('message', (event) => session.receive(event.data));
scope.addEventListener('messageerror', () => session.unreadable());
session.hello();
