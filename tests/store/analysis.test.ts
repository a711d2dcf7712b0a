import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/store/analysis';
import { loadedModel } from '../ui/panels/helpers';

const base = { decoding: 'greedy' as const, beamWidth: 3, edits: new Map<number, number[]>() };

describe('analyse (inputs → what the panels show)', () => {
  it('free decoding: tokens, a trace, no baseline, time measured', async () => {
    const model = await loadedModel('additive');
    const a = analyse({ ...base, model, source: 'the cat sat .', target: '' });
    expect(a.mode).toBe('free');
    expect(a.sourceTokens).toEqual(['the', 'cat', 'sat', '.']);
    expect(a.trace?.srcLen).toBe(5);
    expect(a.baseline).toBeNull();
    expect(a.error).toBeNull();
    expect(a.ms).toBeGreaterThanOrEqual(0);
  });

  it('forced decoding: the typed target is force-decoded; the free decoding and the divergence come along', async () => {
    const model = await loadedModel('additive');
    const a = analyse({ ...base, model, source: 'the cat sat .', target: 'le chat assis .' });
    expect(a.mode).toBe('forced');
    expect(a.trace?.targetTokens).toEqual(['le', 'chat', 'assis', '.', '</s>']);
    expect(a.free?.mode).toBe('greedy');
    const first = a.trace?.steps.find((s) => s.token.rank !== 1)?.index ?? null;
    expect(a.divergence).toBe(first);
  });

  it('edits: the edited trace and an unedited baseline; stale edits are ignored', async () => {
    const model = await loadedModel('additive');
    const row = [0, 0, 1, 0, 0];
    const edits = new Map([
      [1, row],
      [0, [1, 0]], // wrong length: dropped
    ]);
    const a = analyse({ ...base, model, source: 'the cat sat .', target: 'le chat assis .', edits });
    expect(a.trace?.steps[1]?.edited).toBe(true);
    expect(a.trace?.steps[0]?.edited).toBe(false);
    expect(Array.from(a.trace?.steps[1]?.weights ?? [])).toEqual(row);
    expect(a.baseline?.steps[1]?.edited).toBe(false);
  });

  it('beam mode returns every hypothesis, best first', async () => {
    const model = await loadedModel('additive');
    const a = analyse({ ...base, model, source: 'the cat sat .', target: '', decoding: 'beam', beamWidth: 3 });
    expect(a.beams?.length).toBeGreaterThan(0);
    expect(a.trace).toBe(a.beams?.[0]?.trace);
  });

  it('bad input: an empty source is a clear error, not NaN; long input is truncated with a note; markup is just text', async () => {
    const model = await loadedModel('additive');
    const empty = analyse({ ...base, model, source: '   ', target: '' });
    expect(empty.trace).toBeNull();
    expect(empty.error?.code).toBe('empty-source');
    const long = analyse({ ...base, model, source: Array.from({ length: 1000 }, () => 'cat').join(' '), target: '' });
    expect(long.truncations).toEqual([{ side: 'source', originalLength: 1000, kept: 256 }]);
    expect(long.trace?.srcLen).toBe(257);
    const hostile = analyse({ ...base, model, source: '<img src=x onerror=alert(1)> 我喜欢黑猫 👩‍👩‍👧 café', target: '' });
    expect(hostile.trace?.sourceUnknown.slice(0, -1).every(Boolean)).toBe(true);
    for (const step of hostile.trace?.steps ?? []) expect(Array.from(step.weights ?? []).every(Number.isFinite)).toBe(true);
  });
});
