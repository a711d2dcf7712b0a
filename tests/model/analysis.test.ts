import { describe, expect, it } from 'vitest';
import type { TextCodec } from '../../src/data/codec';
import { MAX_ANALYSED_CHARS, MAX_TOKENS_PER_SIDE } from '../../src/data/limits';
import { analyse, analysedPrefix, hasWordView, tokenizeCapped, viewAnalysis } from '../../src/model/analysis';
import { loadedModel } from '../ui/panels/helpers';

const base = { decoding: 'greedy' as const, beamWidth: 3, edits: new Map<number, number[]>() };

describe('the word view', () => {
  it('exists for subword RNNsearch models only: a subword Transformer keeps its pieces whatever units are asked for', async () => {
    expect(hasWordView({ subword: true, family: 'rnnsearch' })).toBe(true);
    expect(hasWordView({ subword: true, family: 'transformer' })).toBe(false);
    expect(hasWordView({ subword: false, family: 'rnnsearch' })).toBe(false);
    const model = await loadedModel('additive');
    const a = analyse({ model, source: 'the cat sat .', target: '', decoding: 'greedy', beamWidth: 2, edits: new Map() });
    const shown = viewAnalysis(a, { subword: true, family: 'transformer' }, { units: 'words' });
    expect(shown.units).toBe('pieces');
    expect(shown.trace).toBe(shown.pieces);
  });
});

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
    // only as far as the divergence needs (the explorer's choice): the same trace and divergence,
    // and the free decoding's first steps, exactly the whole one's
    const lean = analyse({ ...base, model, source: 'the cat sat .', target: 'le chat assis .', free: false });
    expect(lean.trace?.targetTokens).toEqual(a.trace?.targetTokens);
    expect(lean.divergence).toBe(a.divergence);
    expect(a.divergence).not.toBeNull();
    const d = a.divergence as number;
    const kept = lean.free?.steps.length ?? 0;
    expect(kept).toBeGreaterThan(d);
    expect(kept).toBeLessThanOrEqual(Math.min(d + 9, a.free?.steps.length ?? 0));
    expect(lean.free?.targetTokens.slice(0, kept)).toEqual(a.free?.targetTokens.slice(0, kept));
    expect(Array.from(lean.free?.steps[d]?.weights ?? [])).toEqual(Array.from(a.free?.steps[d]?.weights ?? []));
    // the model's own words throughout: no divergence, no free decoding at all
    const own = (a.free?.targetTokens ?? []).filter((w) => w !== '</s>').join(' ');
    const same = analyse({ ...base, model, source: 'the cat sat .', target: own, free: false });
    if (same.divergence === null) expect(same.free).toBeNull();
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

  it('a very long text (1.7 MB pasted): only a prefix of MAX_ANALYSED_CHARS reaches the codec, and the analysis says the text was cut', async () => {
    const model = await loadedModel('additive');
    // the lengths of the texts the model's codecs are asked to tokenise
    const seen: number[] = [];
    const spy = (codec: TextCodec): TextCodec => ({
      ...codec,
      tokenize: (text) => {
        seen.push(text.length);
        return codec.tokenize(text);
      },
    });
    const spied = { ...model, codecs: { source: spy(model.codecs.source), target: spy(model.codecs.target) } };
    const source = 'the cat sat on the mat . '.repeat(70_000); // 1,750,000 characters, 490,000 words
    const a = analyse({ ...base, model: spied, source, target: '' });
    expect(seen).toHaveLength(2); // the source's prefix, and the empty target
    expect(Math.max(...seen)).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(a.sourceTokens).toHaveLength(MAX_TOKENS_PER_SIDE);
    expect(a.trace?.srcLen).toBe(MAX_TOKENS_PER_SIDE + 1);
    expect(a.truncations).toEqual([{ side: 'source', originalLength: expect.any(Number), kept: MAX_TOKENS_PER_SIDE, chars: { total: source.length, analysed: seen[0] } }]);
    expect(a.truncations[0]?.originalLength).toBeGreaterThan(MAX_TOKENS_PER_SIDE);
    // the target side is capped the same way
    seen.length = 0;
    const target = 'le chat est assis . '.repeat(50_000);
    const t = tokenizeCapped(target, spied.codecs.target, 'target');
    expect(seen).toEqual([expect.any(Number)]);
    expect(seen[0]).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(t.truncation).toMatchObject({ side: 'target', kept: MAX_TOKENS_PER_SIDE, chars: { total: target.length } });
  });

  it('the character cap: a cut ends at a space (or between surrogate pairs), is reported even under the token cap, and trailing spaces are not a cut', async () => {
    const model = await loadedModel('additive');
    const codec = model.codecs.source;
    // cut inside a word: back to the space before it, so the last word read is whole
    const head = 'a '.repeat((MAX_ANALYSED_CHARS - 4) / 2);
    expect(analysedPrefix(`${head}catalogue and more`)).toBe(head.trimEnd());
    // no space to back off to: a hard cut, never half a surrogate pair
    const emoji = analysedPrefix('😀'.repeat(MAX_ANALYSED_CHARS));
    expect(emoji.length).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(emoji).toBe('😀'.repeat(emoji.length / 2));
    const odd = analysedPrefix(`x${'😀'.repeat(MAX_ANALYSED_CHARS)}`);
    expect(odd.length).toBe(MAX_ANALYSED_CHARS - 1);
    // one 10,000-character word: a single token, but the text was still cut
    const long = tokenizeCapped('x'.repeat(10_000), codec, 'source');
    expect(long.tokens).toHaveLength(1);
    expect(long.truncation).toEqual({ side: 'source', originalLength: 1, kept: 1, chars: { total: 10_000, analysed: MAX_ANALYSED_CHARS } });
    // only spaces past the cap: nothing was lost
    expect(tokenizeCapped(`the cat sat .${' '.repeat(10_000)}`, codec, 'source')).toEqual({ tokens: ['the', 'cat', 'sat', '.'], truncation: null });
    // short texts are read whole
    expect(analysedPrefix('the cat sat .')).toBe('the cat sat .');
  });
});
