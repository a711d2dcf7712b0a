// The worker entry's wiring, with a fake worker scope (`self`) and a fake MessageChannel: commands
// reach the session, and a command that cannot be deserialised is reported, not lost silently.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFromWorker } from '../../src/worker/protocol';

type Listener = (event: MessageEvent) => void;

/** The worker's global scope: records what the worker posts, lets the test fire events at it. */
class FakeScope {
  posted: unknown[] = [];
  private listeners = new Map<string, Set<Listener>>();
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }
  fire(type: 'message' | 'messageerror', data: unknown = null): void {
    for (const l of this.listeners.get(type) ?? []) l({ type, data } as MessageEvent);
  }
}

/** A channel whose port never holds the thread open (the slices are not run here). */
class FakeChannel {
  port1: { onmessage: (() => void) | null } = { onmessage: null };
  port2 = { postMessage: (): void => {} };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('train.worker entry', () => {
  it('says ready, answers commands, and reports a command that could not be deserialised', async () => {
    const scope = new FakeScope();
    vi.stubGlobal('self', scope);
    vi.stubGlobal('MessageChannel', FakeChannel);
    await import('../../src/worker/train.worker');
    expect(scope.posted).toEqual([{ type: 'ready', protocol: 1 }]);
    scope.fire('message', { type: 'ping', seq: 7 });
    expect(scope.posted[1]).toEqual({ type: 'pong', seq: 7 });

    scope.fire('messageerror');
    expect(scope.posted).toHaveLength(3);
    const reply = parseFromWorker(scope.posted[2]);
    expect(reply.ok).toBe(true); // the page's validator accepts the report
    expect(scope.posted[2]).toMatchObject({ type: 'error', scope: 'protocol', requestId: null, lineErrors: [] });
    expect((scope.posted[2] as { message: string }).message).toMatch(/command from the page could not be read/);
  });
});
