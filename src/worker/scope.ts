// What both worker entries (train.worker.ts, memory.worker.ts) need from their thread: this
// worker's scope, and a host whose `schedule` runs work in slices through a MessageChannel (a
// macrotask, so messages from the page are handled between slices, without setTimeout's 4 ms clamp).

export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
}

export const workerScope = self as unknown as WorkerScope;

/** post / schedule / now for a session running in this worker. */
export function sliceHost<M>(): { post(message: M): void; schedule(fn: () => void): void; now(): number } {
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return {
    post: (message) => workerScope.postMessage(message),
    schedule: (fn) => {
      queue.push(fn);
      channel.port2.postMessage(null);
    },
    now: () => performance.now(),
  };
}
