// @vitest-environment jsdom
// Sampling through the store and the permalink: a link reproduces the same sample.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFragment, canonicalShareState, defaultShareState, isValidShareState, parseFragment } from '../../src/export/permalink';
import { applyShareState, toShareState } from '../../src/store/share';
import { clampSample, DEFAULT_SAMPLE, sanitizeLocal, useStore } from '../../src/store/store';
import { resetStore, setUp } from '../ui/panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

describe('sampling in the store', () => {
  it('samples with the seed, a new seed draws again, and a link gives back the same sample', async () => {
    await setUp('additive');
    const s = useStore.getState();
    s.setDecoding('sample');
    s.setSample({ temperature: 2, topK: 0, seed: 11 });
    const first = useStore.getState().analysis?.trace;
    expect(first?.mode).toBe('sample');
    expect(first?.sampling).toEqual({ temperature: 2, topK: 0, seed: 11 });
    const share = toShareState(useStore.getState());
    expect(share.sample).toEqual({ temperature: 2, topK: 0, seed: 11 });
    const parsed = await parseFragment(await buildFragment(share));
    expect(parsed.state).toEqual(canonicalShareState(share));
    // another seed, then the link brings the first sample back
    const seeds = [12, 13, 14, 15, 16];
    const others = seeds.map((seed) => {
      useStore.getState().setSample({ seed });
      return useStore.getState().analysis?.trace?.targetTokens.join(' ');
    });
    expect(new Set([first?.targetTokens.join(' '), ...others]).size).toBeGreaterThan(1);
    applyShareState(useStore.getState(), parsed.state, false);
    expect(useStore.getState().analysis?.trace?.targetTokens).toEqual(first?.targetTokens);
  });

  it('clamps settings, keeps links of other modes free of them, and refuses bad ones from storage or links', () => {
    expect(clampSample({ temperature: 0, topK: -3, seed: 1.6 })).toEqual({ temperature: 0.05, topK: 0, seed: 2 });
    expect(clampSample({ temperature: NaN, topK: Infinity, seed: NaN })).toEqual(DEFAULT_SAMPLE);
    expect(toShareState(useStore.getState()).sample).toBeUndefined();
    expect(sanitizeLocal({ decoding: 'sample', sample: { temperature: 1, topK: 0, seed: 3 } })).toEqual({ decoding: 'sample', sample: { temperature: 1, topK: 0, seed: 3 } });
    expect(sanitizeLocal({ sample: { temperature: 99, topK: 0, seed: 3 } })).toEqual({});
    const good = { ...defaultShareState(), decoding: 'sample' as const, sample: { temperature: 1, topK: 5, seed: 1 } };
    expect(isValidShareState(good)).toBe(true);
    expect(isValidShareState({ ...good, sample: { temperature: 99, topK: 0, seed: 1 } })).toBe(false);
    expect(isValidShareState({ ...good, sample: { temperature: 1, topK: 0 } })).toBe(false);
    expect(isValidShareState({ ...good, decoding: 'temperature' })).toBe(false);
  });
});
