// Property tests of the permalink codec (docs/RELIABILITY.md, Numerics): valid states round-trip, and
// decoding any string — random text, random base64url, random deflated JSON, mutated real links —
// never throws and always yields a valid state.
import { deflateRawSync } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  MAX_FRAGMENT_CHARS,
  MAX_INFLATED_BYTES,
  MAX_PAGE_BEAM_WIDTH,
  MIN_BEAM_WIDTH,
  ShareStateError,
  buildFragment,
  canonicalShareState,
  isValidShareState,
  parseFragment,
  type ParsedFragment,
  type ShareState,
} from '../../src/export/permalink';

const SPECIAL = [
  '我喜欢黑猫',
  '吾輩は猫である',
  'القط الأسود',
  '👩‍👩‍👧 🏳️‍🌈 👍🏽',
  'cafe\u0301 café',
  '<script>alert(1)</script>',
  '"]]>&amp;\'',
  '\u0000\u0001\u001f\u007f\u2028\u2029',
  '__proto__ constructor prototype',
  '',
];

const sentence = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 2000 }),
  fc.constantFrom(...SPECIAL),
  fc.array(fc.constantFrom(...SPECIAL), { maxLength: 8 }).map((xs) => xs.join(' ')),
);

// every row of a set of edits is over the one source, so the rows share one length
const edits = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 299 }), { maxLength: 6 }), fc.integer({ min: 1, max: 30 }))
  .chain(([steps, length]) =>
    fc.tuple(
      ...steps.map((step) =>
        fc
          .array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })), { minLength: length, maxLength: length })
          .map((weights) => ({ step, weights })),
      ),
    ),
  );

const shareState: fc.Arbitrary<ShareState> = fc.record({
  v: fc.constant(1 as const),
  model: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,64}$/), fc.stringMatching(/^user:[a-z0-9-]{1,64}$/)),
  source: sentence,
  target: sentence,
  decoding: fc.constantFrom('greedy' as const, 'beam' as const),
  beamWidth: fc.integer({ min: MIN_BEAM_WIDTH, max: MAX_PAGE_BEAM_WIDTH }),
  step: fc.integer({ min: 0, max: 300 }),
  edits,
  head: fc.record({ layer: fc.integer({ min: 0, max: 11 }), head: fc.oneof(fc.integer({ min: 0, max: 63 }), fc.constant('mean' as const)) }),
  // absent is on: a link writes the switch only when it is off
  positions: fc.constant(false),
  view: fc.record({
    values: fc.constantFrom('weights' as const, 'scores' as const),
    transpose: fc.boolean(),
    palette: fc.constantFrom('cividis' as const, 'viridis' as const),
    lang: fc.constantFrom('en' as const, 'zh' as const),
    theme: fc.constantFrom('auto' as const, 'light' as const, 'dark' as const),
    units: fc.constantFrom('pieces' as const, 'words' as const),
  }),
}, { requiredKeys: ['v', 'model', 'source', 'target', 'decoding', 'beamWidth', 'step', 'edits', 'view'] });

function expectSane(r: ParsedFragment): void {
  expect(isValidShareState(r.state)).toBe(true);
  expect(typeof r.embed).toBe('boolean');
  expect(r.reset.length > 0).toBe(r.problem === 'partial');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('permalink properties', () => {
  test.prop([shareState, fc.boolean()])('valid states round-trip (or are refused as too long, truthfully)', async (s, embed) => {
    let fragment: string;
    try {
      fragment = await buildFragment(s, { embed });
    } catch (e) {
      // only a state whose link really would be over a cap may be refused
      expect(e).toBeInstanceOf(ShareStateError);
      expect((e as ShareStateError).kind).toBe('too-long');
      const json = Buffer.from(JSON.stringify(canonicalShareState(s)));
      const approxPayload = deflateRawSync(json).toString('base64url').length;
      expect(json.length > MAX_INFLATED_BYTES || approxPayload > MAX_FRAGMENT_CHARS - 64).toBe(true);
      return;
    }
    const r = await parseFragment(fragment);
    expect(r.problem).toBeNull();
    expect(r.embed).toBe(embed);
    expect(r.state).toEqual(canonicalShareState(s));
    // everything but the edited weights is exact; those are the normalised weights to 4 decimals
    expect({ ...r.state, edits: [] }).toEqual({ ...s, edits: [] });
    s.edits.forEach((e, k) => {
      const got = r.state.edits[k]?.weights ?? [];
      const max = Math.max(...e.weights);
      const sum = e.weights.reduce((a, w) => a + w / max, 0);
      e.weights.forEach((w, j) => {
        const want = max > 0 ? w / max / sum : 0;
        expect(Math.abs((got[j] as number) - want), `edit ${k} weight ${j}`).toBeLessThanOrEqual(5e-5 + 1e-12);
      });
    });
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 300 })])('any string: never throws, always a valid state', async (text) => {
    for (const hash of [text, `#${text}`, `#s=${text}`, `#s=${text}&embed=1`]) expectSane(await parseFragment(hash));
  });

  test.prop([fc.stringMatching(/^[A-Za-z0-9_-]{0,400}$/)])('any base64url payload: never throws, always a valid state', async (payload) => {
    const r = await parseFragment(`#s=${payload}`);
    expectSane(r);
    expect(r.problem).not.toBeNull(); // random bytes are never a valid record
  });

  test.prop([fc.jsonValue({ maxDepth: 4 })])('any deflated JSON value: never throws, always a valid state', async (value) => {
    const r = await parseFragment(`#s=${deflateRawSync(Buffer.from(JSON.stringify(value) ?? 'null')).toString('base64url')}`);
    expectSane(r);
  });

  test.prop([
    fc.record(
      {
        v: fc.oneof(fc.constant(1), fc.jsonValue()),
        model: fc.oneof(fc.constant('m'), fc.jsonValue()),
        source: fc.oneof(fc.string(), fc.jsonValue()),
        target: fc.oneof(fc.string(), fc.jsonValue()),
        decoding: fc.jsonValue(),
        beamWidth: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.jsonValue()),
        step: fc.oneof(fc.integer({ min: -2, max: 302 }), fc.jsonValue()),
        edits: fc.oneof(fc.array(fc.record({ step: fc.jsonValue(), weights: fc.array(fc.jsonValue()) }, { requiredKeys: [] })), fc.jsonValue()),
        head: fc.oneof(fc.record({ layer: fc.oneof(fc.integer({ min: -1, max: 13 }), fc.jsonValue()), head: fc.oneof(fc.integer({ min: -1, max: 65 }), fc.constant('mean'), fc.jsonValue()) }, { requiredKeys: [] }), fc.jsonValue()),
        positions: fc.jsonValue(),
        view: fc.oneof(fc.dictionary(fc.constantFrom('values', 'transpose', 'palette', 'lang', 'theme'), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  ])('near-miss records: never throw, always a valid state', async (rec, hostile) => {
    // optionally with a "__proto__" member written into the JSON text (an object literal cannot hold one)
    const plain = JSON.stringify(rec);
    const json = !hostile ? plain : plain === '{}' ? '{"__proto__":{"polluted":1}}' : plain.replace(/^\{/, '{"__proto__":{"polluted":1},');
    const r = await parseFragment(`#s=${deflateRawSync(Buffer.from(json)).toString('base64url')}`);
    expectSane(r);
  });

  test.prop([shareState, fc.nat(), fc.integer({ min: 0, max: 63 }), fc.boolean()])(
    'mutated real links (a character changed, or cut short): never throw, always a valid state',
    async (s, at, code, cut) => {
      let fragment: string;
      try {
        fragment = await buildFragment(s);
      } catch {
        return;
      }
      const i = 3 + (at % (fragment.length - 3));
      const ch = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[code] as string;
      const mutated = cut ? fragment.slice(0, i) : fragment.slice(0, i) + ch + fragment.slice(i + 1);
      expectSane(await parseFragment(mutated));
    },
  );
});
