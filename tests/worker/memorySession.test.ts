// The memory-network worker's session, driven synchronously: commands checked, progress and
// evaluations reported, a finished run's checkpoint loads, a cancel stops the run; and the page's
// check of the worker's events.
import { describe, expect, it } from 'vitest';
import { loadMemoryModel, parseMemoryManifestText } from '../../src/model/memnn/checkpoint';
import { parseMemoryEvent } from '../../src/worker/memoryClient';
import { MemoryTrainSession, parseMemoryCommand, UNREADABLE_COMMAND, type MemoryEvent } from '../../src/worker/memorySession';

function host(): { events: MemoryEvent[]; drain(): Promise<void>; session: MemoryTrainSession } {
  const events: MemoryEvent[] = [];
  const queue: Array<() => void> = [];
  let clock = 0;
  const session = new MemoryTrainSession({ post: (e) => events.push(e), schedule: (fn) => queue.push(fn), now: () => (clock += 5) });
  const drain = async (): Promise<void> => {
    let idle = 0;
    for (let k = 0; k < 10_000 && idle < 200; k++) {
      await new Promise((r) => setTimeout(r, 0));
      const fn = queue.shift();
      idle = fn ? 0 : idle + 1;
      if (fn) fn();
      else if (events.some((e) => e.type === 'done' || e.type === 'error')) return;
    }
  };
  return { events, drain, session };
}

describe('memory training session', () => {
  it('refuses malformed commands with a message', () => {
    expect(parseMemoryCommand(null)).toMatch(/object/);
    expect(parseMemoryCommand({ type: 'start', hops: 4, steps: 10, seed: 1 })).toMatch(/hops/);
    expect(parseMemoryCommand({ type: 'start', hops: 2, steps: 1e9, seed: 1 })).toMatch(/steps/);
    expect(parseMemoryCommand({ type: 'start', hops: 2, steps: 10, seed: -1 })).toMatch(/seed/);
    expect(parseMemoryCommand({ type: 'explode' })).toMatch(/unknown command/);
    expect(parseMemoryCommand({ type: 'start', hops: 2, steps: 10 })).toBe('seed must be a non-negative integer');
    // fields only present on the prototype do not count; a command is a fresh object of its fields
    expect(parseMemoryCommand(Object.assign(Object.create({ hops: 2 }) as object, { type: 'start', steps: 10, seed: 1 }))).toBe('hops must be 1, 2 or 3');
    expect(parseMemoryCommand({ type: 'start', hops: 2, steps: 10, seed: 1, extra: true })).toEqual({ type: 'start', hops: 2, steps: 10, seed: 1 });
    const { events, session } = host();
    session.receive({ type: 'start', hops: '3' });
    expect(events).toEqual([{ type: 'error', code: 'bad-command', detail: expect.stringMatching(/^hops/) }]);
  });

  it('trains, reports, and sends a checkpoint that loads', async () => {
    const { events, drain, session } = host();
    session.receive({ type: 'start', hops: 2, steps: 30, seed: 3 });
    await drain();
    expect(events[0]?.type).toBe('ready');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ step: 30, steps: 30 });
    expect(events.some((e) => e.type === 'eval')).toBe(true);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`no done event: ${JSON.stringify(events.at(-1))}`);
    const model = await loadMemoryModel(parseMemoryManifestText(done.manifest), done.weights);
    expect(model.config.hops).toBe(2);
    expect(parseMemoryEvent(done)).not.toBeNull();
  }, 60_000);

  it('stops at a cancel without sending a model', async () => {
    const { events, drain, session } = host();
    session.receive({ type: 'start', hops: 1, steps: 5000, seed: 1 });
    await new Promise((r) => setTimeout(r, 0));
    session.receive({ type: 'cancel' });
    await drain();
    expect(events.some((e) => e.type === 'done')).toBe(false);
    expect(events.filter((e) => e.type === 'progress').every((e) => e.type === 'progress' && e.step < 5000)).toBe(true);
  }, 60_000);

  it('the page accepts only well-formed events from the worker', () => {
    expect(parseMemoryEvent({ type: 'progress', step: 1, steps: 2, loss: 0.5, ms: 3 })).toEqual({ type: 'progress', step: 1, steps: 2, loss: 0.5, ms: 3 });
    expect(parseMemoryEvent({ type: 'progress', step: 1, steps: 2, loss: NaN, ms: 3 })).toBeNull();
    expect(parseMemoryEvent({ type: 'eval', step: 1, devLoss: 1, one: 2, two: 0 })).toBeNull();
    expect(parseMemoryEvent({ type: 'done', manifest: '{}', weights: [1, 2], seconds: 1, one: 1, two: 1, hopsOnGold: 1 })).toBeNull();
    expect(parseMemoryEvent({ type: 'error', code: 'failed', detail: 'x'.repeat(2000) })).toEqual({ type: 'error', code: 'failed', detail: 'x'.repeat(500) });
    // an error is a code the page words: one it does not know, or English alone, is refused (the run then ends as 'bad-event')
    expect(parseMemoryEvent({ type: 'error', code: 'exploded', detail: '' })).toBeNull();
    expect(parseMemoryEvent({ type: 'error', message: 'Training failed.' })).toBeNull();
    expect(parseMemoryEvent(UNREADABLE_COMMAND)).toEqual({ type: 'error', code: 'unreadable-command', detail: '' });
    expect(parseMemoryEvent('progress')).toBeNull();
    expect(parseMemoryEvent(Object.assign(Object.create({ type: 'error' }) as object, { code: 'failed', detail: 'x' }))).toBeNull();
  });
});
