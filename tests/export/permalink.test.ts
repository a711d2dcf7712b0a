// The permalink codec: round trips, and every guard of the hostile-permalink row of docs/RELIABILITY.md
// (size cap, alphabet, deflate bomb, truncated/garbage deflate, bad UTF-8 and JSON, prototype
// pollution, schema), each with the notice the user sees.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SHARE_STATE,
  MAX_FRAGMENT_CHARS,
  MAX_INFLATED_BYTES,
  MAX_PAGE_BEAM_WIDTH,
  MAX_SENTENCE_CHARS,
  MIN_BEAM_WIDTH,
  ShareStateError,
  buildFragment,
  canonicalShareState,
  defaultShareState,
  encodeShareState,
  isValidShareState,
  parseFragment,
  type ShareState,
} from '../../src/export/permalink';
import { rawFragment, validRecord } from './helpers';

const STATE_KEYS = ['v', 'model', 'source', 'target', 'decoding', 'beamWidth', 'step', 'edits', 'view'];

function sample(): ShareState {
  return validRecord() as unknown as ShareState;
}

function record(patch: Record<string, unknown>): string {
  return rawFragment(JSON.stringify({ ...validRecord(), ...patch }));
}

function expectDefaults(state: ShareState): void {
  expect(state).toEqual(defaultShareState());
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('defaults', () => {
  it.each(['', '#', '#about', 'https://example.org/page', '#x=1&y'])('no s parameter (%j) gives the defaults and no notice', async (hash) => {
    const r = await parseFragment(hash);
    expectDefaults(r.state);
    expect(r).toMatchObject({ embed: false, problem: null, reset: [] });
  });

  it('DEFAULT_SHARE_STATE is frozen and valid, and parse results never alias it', async () => {
    expect(Object.isFrozen(DEFAULT_SHARE_STATE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SHARE_STATE.view)).toBe(true);
    expect(isValidShareState(DEFAULT_SHARE_STATE)).toBe(true);
    const r = await parseFragment('');
    r.state.view.palette = 'viridis';
    r.state.edits.push({ step: 0, weights: [1] });
    expect(DEFAULT_SHARE_STATE.view.palette).toBe('cividis');
    expect(DEFAULT_SHARE_STATE.edits).toEqual([]);
  });

  it('embed=1 alone turns on embed mode without a notice', async () => {
    expect(await parseFragment('#embed=1')).toMatchObject({ embed: true, problem: null });
    expect((await parseFragment('#embed=0')).embed).toBe(false);
  });

  it('non-string input is treated as no fragment', async () => {
    const r = await parseFragment(undefined as unknown as string);
    expect(r.problem).toBeNull();
    expectDefaults(r.state);
  });
});

describe('round trip', () => {
  it('buildFragment → parseFragment restores the state, with and without embed', async () => {
    const s = sample();
    const plain = await buildFragment(s);
    expect(plain).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    const r = await parseFragment(plain);
    expect(r).toMatchObject({ embed: false, problem: null, reset: [] });
    expect(r.state).toEqual(canonicalShareState(s));
    expect(r.state.view).toEqual({ values: 'scores', transpose: true, palette: 'viridis', lang: 'zh', theme: 'dark', units: 'pieces' });

    const embedded = await buildFragment(s, { embed: true });
    expect(embedded).toBe(`${plain}&embed=1`);
    const e = await parseFragment(embedded);
    expect(e.embed).toBe(true);
    expect(e.state).toEqual(r.state);
  });

  it('a Transformer’s head on show and its positions switch round-trip; a link without them has neither', async () => {
    const s = { ...sample(), head: { layer: 1, head: 3 }, positions: false };
    const r = await parseFragment(await buildFragment(s));
    expect(r).toMatchObject({ problem: null, reset: [] });
    expect(r.state).toEqual(canonicalShareState(s));
    expect([r.state.head, r.state.positions]).toEqual([{ layer: 1, head: 3 }, false]);
    const mean = await parseFragment(await buildFragment({ ...sample(), head: { layer: 0, head: 'mean' }, positions: true }));
    expect([mean.state.head, mean.state.positions]).toEqual([{ layer: 0, head: 'mean' }, undefined]);
    const plain = await parseFragment(await buildFragment(sample()));
    expect([plain.state.head, plain.state.positions]).toEqual([undefined, undefined]);
  });

  it('accepts the fragment without #, and a whole URL', async () => {
    const frag = await buildFragment(sample());
    const expected = (await parseFragment(frag)).state;
    expect((await parseFragment(frag.slice(1))).state).toEqual(expected);
    expect((await parseFragment(`https://example.org/rnnsearch/?q=1${frag}`)).state).toEqual(expected);
  });

  it('unicode and markup survive: CJK, Arabic, emoji ZWJ sequences, combining marks, <script>', async () => {
    const s = defaultShareState();
    s.source = '我喜欢黑猫 · القط الأسود · 👩‍👩‍👧 · cafe\u0301 vs café · <script>alert("x")</script> & ]]>';
    s.target = '吾輩は猫である \u0000\u2028 "quoted" \\ back';
    const r = await parseFragment(await buildFragment(s));
    expect(r.state.source).toBe(s.source);
    expect(r.state.target).toBe(s.target);
  });

  it('edited rows are normalised to sum 1 and rounded to 4 decimals; zero rows stay zero', async () => {
    const s = defaultShareState();
    s.edits = [
      { step: 0, weights: [2, 1, 1] },
      { step: 3, weights: [1, 1, 1] },
      { step: 1, weights: [0, 0, 0] },
      { step: 2, weights: [1e308, 1e308, 0] },
      { step: 4, weights: [1e-300, 3e-300, 0] },
    ];
    const r = await parseFragment(await buildFragment(s));
    expect(r.state.edits).toEqual([
      { step: 0, weights: [0.5, 0.25, 0.25] },
      { step: 3, weights: [0.3333, 0.3333, 0.3333] },
      { step: 1, weights: [0, 0, 0] },
      { step: 2, weights: [0.5, 0.5, 0] },
      { step: 4, weights: [0.25, 0.75, 0] },
    ]);
  });

  it('a typical 20-word sentence pair makes a short link', async () => {
    const s = defaultShareState();
    s.source = 'the agreement on the european economic area was signed in august 1992 and it came into force two years later .';
    s.target = "l' accord sur la zone économique européenne a été signé en août 1992 et il est entré en vigueur deux ans plus tard .";
    expect(s.source.split(' ').length).toBe(21);
    const frag = await buildFragment(s);
    // ~394 characters with Node 20's zlib: it really holds both sentences (233 characters of
    // text)… and stays far below the ~2,000 characters that every browser and chat app keeps
    expect(frag.length).toBeGreaterThan(200);
    expect(frag.length).toBeLessThan(600);
  });
});

describe('encode refuses what could not come back', () => {
  it('throws ShareStateError(invalid) for an invalid state', async () => {
    const bad = { ...sample(), beamWidth: 0 };
    await expect(encodeShareState(bad)).rejects.toMatchObject({ name: 'ShareStateError', kind: 'invalid' });
    const badModel = { ...sample(), model: 'Not An Id' };
    await expect(buildFragment(badModel)).rejects.toBeInstanceOf(ShareStateError);
  });

  it('throws ShareStateError(too-long) for a state whose link would be refused', async () => {
    const s = defaultShareState();
    // two sentences of 5,000 pseudo-random CJK characters: ~30 KB of UTF-8 that deflate cannot
    // shrink below ~19 KB, i.e. more than 16 KiB of base64url
    let seed = 12345;
    const cjk = (): string =>
      Array.from({ length: 5000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return String.fromCodePoint(0x4e00 + (seed % 20992));
      }).join('');
    s.source = cjk();
    s.target = cjk();
    await expect(encodeShareState(s)).rejects.toMatchObject({ kind: 'too-long' });
    const many = defaultShareState();
    many.edits = Array.from({ length: 300 }, (_, step) => ({ step, weights: Array.from({ length: 257 }, (_, j) => ((j * 31 + step) % 97) + 1) }));
    await expect(encodeShareState(many)).rejects.toMatchObject({ kind: 'too-long' });
    // a sentence longer than a link holds (the page keeps longer ones): too long, not invalid
    for (const side of ['source', 'target'] as const) {
      const long = { ...defaultShareState(), [side]: 'a'.repeat(MAX_SENTENCE_CHARS + 1) };
      await expect(encodeShareState(long), side).rejects.toMatchObject({ name: 'ShareStateError', kind: 'too-long' });
    }
    await expect(encodeShareState({ ...defaultShareState(), source: 'a'.repeat(MAX_SENTENCE_CHARS) })).resolves.toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('throws ShareStateError(unsupported) without CompressionStream', async () => {
    vi.stubGlobal('CompressionStream', undefined);
    await expect(encodeShareState(sample())).rejects.toMatchObject({ kind: 'unsupported' });
  });
});

describe('hostile fragments: each guard gives the defaults and a notice', () => {
  it('a fragment over the size cap is refused before any decoding', async () => {
    const Real = globalThis.DecompressionStream;
    let constructed = 0;
    vi.stubGlobal(
      'DecompressionStream',
      class extends Real {
        constructor(format: CompressionFormat) {
          super(format);
          constructed++;
        }
      },
    );
    const r = await parseFragment(`#s=${'A'.repeat(MAX_FRAGMENT_CHARS)}`);
    expect(r.problem).toBe('too-long');
    expect(r.reset).toEqual([]);
    expectDefaults(r.state);
    expect(constructed).toBe(0);
    // …while one just under the cap does reach the inflater
    await parseFragment(`#s=${'A'.repeat(MAX_FRAGMENT_CHARS - 10)}`);
    expect(constructed).toBe(1);
  });

  it.each([
    ['a character outside base64url', '#s=abc$def'],
    ['standard base64 characters', '#s=ab+/cd=='],
    ['padding', '#s=YWJj=='],
    ['percent-encoding', '#s=YW%3D%3D'],
    ['an impossible length', '#s=abcde'],
    ['an empty payload', '#s='],
    ['a bare s', '#s'],
  ])('bad base64url: %s', async (_, hash) => {
    const r = await parseFragment(hash);
    expect(r.problem).toBe('damaged');
    expect(r.reset).toEqual([]);
    expectDefaults(r.state);
  });

  it('every truncation of a valid link is reported as damaged', async () => {
    const frag = await buildFragment(sample());
    for (let end = 4; end < frag.length; end++) {
      const r = await parseFragment(frag.slice(0, end));
      expect(r.problem, `cut at ${end} of ${frag.length}`).toBe('damaged');
      expectDefaults(r.state);
    }
  });

  it('garbage that is valid base64url but not deflate is damaged (the stream rejects)', async () => {
    for (const bytes of [[0xff, 0xff, 0xff, 0xff], [0x07, 0x00, 0x00], [0x00, 0x05, 0x00, 0xfa, 0xff]]) {
      const r = await parseFragment(`#s=${Buffer.from(bytes).toString('base64url')}`);
      expect(r.problem, JSON.stringify(bytes)).toBe('damaged');
    }
  });

  it('a deflate bomb (10 MB of zeros) is stopped just past the output cap', async () => {
    const Real = globalThis.DecompressionStream;
    let inflated = 0;
    vi.stubGlobal(
      'DecompressionStream',
      class {
        readonly writable: WritableStream<BufferSource>;
        readonly readable: ReadableStream<Uint8Array>;
        constructor(format: CompressionFormat) {
          const inner = new Real(format);
          this.writable = inner.writable;
          this.readable = inner.readable.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                inflated += chunk.byteLength;
                controller.enqueue(chunk);
              },
            }),
          );
        }
      },
    );
    const bomb = rawFragment(new Uint8Array(10_000_000));
    expect(bomb.length).toBeLessThan(MAX_FRAGMENT_CHARS); // it gets past the size cap
    const r = await parseFragment(bomb);
    expect(r.problem).toBe('too-large');
    expect(r.reset).toEqual([]);
    expectDefaults(r.state);
    expect(inflated).toBeGreaterThan(MAX_INFLATED_BYTES);
    expect(inflated).toBeLessThan(MAX_INFLATED_BYTES + 512 * 1024); // not 10 MB
  });

  it('a bomb hidden inside valid-looking JSON is stopped too', async () => {
    const json = `{"v":1,"model":"en-fr-additive","source":"${'a'.repeat(5_000_000)}","target":""}`;
    expect((await parseFragment(rawFragment(json))).problem).toBe('too-large');
  });

  it('bad UTF-8 is damaged', async () => {
    expect((await parseFragment(rawFragment(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))).problem).toBe('damaged');
  });

  it.each(['not json', '{"v":1,', '{v:1}', "{'v':1}", ''])('bad JSON %j is damaged', async (text) => {
    expect((await parseFragment(rawFragment(text))).problem).toBe('damaged');
  });

  it.each(['[]', '1', 'null', '"text"', 'true'])('JSON that is not an object (%s) is invalid', async (text) => {
    const r = await parseFragment(rawFragment(text));
    expect(r.problem).toBe('invalid');
    expect(r.reset).toEqual([]);
  });

  it('a newer version says so', async () => {
    const r = await parseFragment(record({ v: 2, model: 'x', somethingNew: [1, 2] }));
    expect(r.problem).toBe('newer-version');
    expect(r.reset).toEqual([]);
    expectDefaults(r.state);
  });

  it.each([[0], [1.5], ['1'], [null], [-1]])('version %j is invalid', async (v) => {
    expect((await parseFragment(record({ v }))).problem).toBe('invalid');
  });

  it('a record without a version is invalid', async () => {
    const { v: _v, ...rest } = validRecord();
    expect((await parseFragment(rawFragment(JSON.stringify(rest)))).problem).toBe('invalid');
  });

  it('without DecompressionStream the link is not read, and the notice says why', async () => {
    const frag = await buildFragment(sample());
    vi.stubGlobal('DecompressionStream', undefined);
    const r = await parseFragment(frag);
    expect(r.problem).toBe('unsupported');
    expect(r.reset).toEqual([]);
  });
});

describe('schema: core fields reject the whole link', () => {
  it.each([
    ['model with capitals', { model: 'EN-fr' }],
    ['model with a slash', { model: '../etc' }],
    ['empty model', { model: '' }],
    ['model of 65 characters', { model: 'a'.repeat(65) }],
    ['model not a string', { model: 7 }],
    ['a user model with no id', { model: 'user:' }],
    ['a user model named twice', { model: 'user:user:x' }],
    ['another kind of name', { model: 'shipped:en-fr-additive' }],
    ['a user model with capitals', { model: 'User:x' }],
    ['a user model with a slash', { model: 'user:../x' }],
    ['source too long', { source: 'a'.repeat(5001) }],
    ['source not a string', { source: ['a'] }],
    ['target missing', { target: undefined }],
    ['source with a lone surrogate', { source: 'a\ud800b' }],
  ])('%s', async (_, patch) => {
    const r = await parseFragment(record(patch));
    expect(r.problem).toBe('invalid');
    expectDefaults(r.state);
  });

  it('a link names a shipped model by its id and the reader’s own by `user:` and its id (docs/ARCHITECTURE.md, "Model names")', async () => {
    for (const model of ['en-fr-additive', 'user:en-fr-additive', `user:${'a'.repeat(64)}`]) {
      const r = await parseFragment(await buildFragment({ ...sample(), model }));
      expect(r.problem, model).toBeNull();
      expect(r.state.model).toBe(model);
    }
  });

  it('sentences of exactly 5,000 characters are accepted', async () => {
    const r = await parseFragment(record({ source: 'a'.repeat(5000), target: 'b'.repeat(5000) }));
    expect(r.problem).toBeNull();
    expect(r.state.source.length).toBe(5000);
  });
});

describe('schema: other fields are reset one by one, and the result names them', () => {
  it.each([
    ['decoding', { decoding: 'forced' }, 'decoding'],
    ['beamWidth 0', { beamWidth: 0 }, 'beamWidth'],
    ['beamWidth 1 (below the page\'s MIN_BEAM_WIDTH)', { beamWidth: 1 }, 'beamWidth'],
    ['beamWidth 9 (above the page\'s MAX_PAGE_BEAM_WIDTH)', { beamWidth: 9 }, 'beamWidth'],
    ['beamWidth 17', { beamWidth: 17 }, 'beamWidth'],
    ['beamWidth 2.5', { beamWidth: 2.5 }, 'beamWidth'],
    ['step -1', { step: -1 }, 'step'],
    ['step 301', { step: 301 }, 'step'],
    ['step as a string', { step: '2' }, 'step'],
    ['view not an object', { view: [1] }, 'view'],
  ])('%s', async (_, patch, name) => {
    const r = await parseFragment(record(patch));
    expect(r.problem).toBe('partial');
    expect(r.reset).toEqual([name]);
    const key = Object.keys(patch)[0] as keyof ShareState;
    expect(r.state[key]).toEqual(defaultShareState()[key]);
    // the rest of the link survives
    expect(r.state.source).toBe('the black cat .');
    expect(r.state.edits).toHaveLength(1);
  });

  it.each([
    ['layer 12 (past MAX_LAYERS)', { layer: 12, head: 0 }],
    ['head 64 (past MAX_HEADS)', { layer: 0, head: 64 }],
    ['head "all"', { layer: 1, head: 'all' }],
    ['no layer', { head: 1 }],
    ['not an object', 'layer 1'],
  ])('a head with %s is reset alone (the mean of the last layer)', async (_, head) => {
    const r = await parseFragment(record({ head, positions: false }));
    expect(r.problem).toBe('partial');
    expect(r.reset).toEqual(['head']);
    expect(r.state.head).toBeUndefined();
    expect(r.state.positions).toBe(false);
    expect(r.state.edits).toHaveLength(1);
  });

  it('positions that are not a boolean are reset alone (on)', async () => {
    const r = await parseFragment(record({ positions: 'off', head: { layer: 1, head: 'mean' } }));
    expect(r.reset).toEqual(['positions']);
    expect(r.state.positions).toBeUndefined();
    expect(r.state.head).toEqual({ layer: 1, head: 'mean' });
  });

  it('each view option is checked on its own', async () => {
    const view = { values: 'probabilities', transpose: 'true', palette: 'magma', lang: 'fr', theme: 'sepia', units: 'letters' };
    const r = await parseFragment(record({ view }));
    expect(r.state.view).toEqual(defaultShareState().view);
    expect(r.reset).toEqual(['view.values', 'view.transpose', 'view.palette', 'view.lang', 'view.theme', 'view.units']);
    const one = await parseFragment(record({ view: { ...(validRecord().view as object), palette: 'magma' } }));
    expect(one.state.view).toEqual({ values: 'scores', transpose: true, palette: 'cividis', lang: 'zh', theme: 'dark', units: 'pieces' });
  });

  const weights = (n: number): number[] => Array.from({ length: n }, () => 1 / n);
  it.each([
    ['not an array', { a: 1 }],
    ['301 edits', Array.from({ length: 301 }, (_, step) => ({ step, weights: [1] }))],
    ['258 weights', [{ step: 0, weights: weights(258) }]],
    ['no weights', [{ step: 0, weights: [] }]],
    ['a negative weight', [{ step: 0, weights: [0.5, -0.5] }]],
    ['a string weight', [{ step: 0, weights: [0.5, '0.5'] }]],
    ['a null weight', [{ step: 0, weights: [0.5, null] }]],
    ['an infinite weight (1e400)', 'INFINITY'],
    ['a duplicated step', [{ step: 1, weights: [1] }, { step: 1, weights: [1] }]],
    ['step 300', [{ step: 300, weights: [1] }]],
    ['a fractional step', [{ step: 0.5, weights: [1] }]],
    ['an entry that is an array', [[0, [1]]]],
    ['rows of different lengths', [{ step: 0, weights: [1, 0] }, { step: 1, weights: [1, 0, 0] }]],
  ])('edits with %s are dropped as a whole', async (_, edits) => {
    const text =
      edits === 'INFINITY'
        ? JSON.stringify({ ...validRecord(), edits: 'X' }).replace('"X"', '[{"step":0,"weights":[1e400]}]')
        : JSON.stringify({ ...validRecord(), edits });
    const r = await parseFragment(rawFragment(text));
    expect(r.problem).toBe('partial');
    expect(r.reset).toContain('edits');
    expect(r.state.edits).toEqual([]);
    expect(r.state.decoding).toBe('beam');
  });

  // one good edit (a row over 'the black cat .' and </s>) beside one malformed edit: the good one
  // is not applied alone (a half-applied set would show a state nobody made)
  const good = { step: 0, weights: [0.2, 0.2, 0.2, 0.2, 0.2] };
  it.each([
    ['a negative weight', { step: 1, weights: [1, -1, 0, 0, 0] }],
    ['no step', { weights: [1, 0, 0, 0, 0] }],
    ['a row one weight short', { step: 1, weights: [1, 0, 0, 0] }],
    ['a row one weight long', { step: 1, weights: [1, 0, 0, 0, 0, 0] }],
  ])('a good edit beside one with %s: no edit is applied, and the notice says so', async (_, bad) => {
    for (const edits of [
      [good, bad],
      [bad, good],
    ]) {
      const r = await parseFragment(record({ edits }));
      expect(r.state.edits).toEqual([]);
      expect(r.problem).toBe('partial');
      expect(r.reset).toEqual(['edits']);
      // the rest of the link survives
      expect(r.state.source).toBe('the black cat .');
      expect(r.state.beamWidth).toBe(4);
    }
  });

  it('the beam widths the page offers (MIN_BEAM_WIDTH..MAX_PAGE_BEAM_WIDTH) all round-trip; others are refused', async () => {
    expect([MIN_BEAM_WIDTH, MAX_PAGE_BEAM_WIDTH]).toEqual([2, 8]);
    for (let w = MIN_BEAM_WIDTH; w <= MAX_PAGE_BEAM_WIDTH; w++) {
      const r = await parseFragment(await buildFragment({ ...defaultShareState(), beamWidth: w }));
      expect(r).toMatchObject({ problem: null, state: { beamWidth: w } });
    }
    for (const w of [MIN_BEAM_WIDTH - 1, MAX_PAGE_BEAM_WIDTH + 1]) {
      await expect(buildFragment({ ...defaultShareState(), beamWidth: w })).rejects.toMatchObject({ kind: 'invalid' });
      expect(isValidShareState({ ...defaultShareState(), beamWidth: w })).toBe(false);
    }
  });

  it('300 edits, and edits of 257 weights, are within the schema', async () => {
    // (300 edits of 257 weights each would be over the 64 KiB inflate cap: the caps are layered)
    const many = await parseFragment(record({ edits: Array.from({ length: 300 }, (_, step) => ({ step, weights: [1] })) }));
    expect(many.problem).toBeNull();
    expect(many.state.edits).toHaveLength(300);
    const wide = await parseFragment(record({ edits: [{ step: 299, weights: weights(257) }] }));
    expect(wide.problem).toBeNull();
    expect(wide.state.edits[0]?.weights).toHaveLength(257);
  });

  it('missing optional fields take their defaults without a notice; unknown fields are ignored', async () => {
    const r = await parseFragment(rawFragment(JSON.stringify({ v: 1, model: 'm1', source: 's', target: '', extra: { deep: [1] } })));
    expect(r).toMatchObject({ problem: null, reset: [] });
    expect(r.state).toEqual({ ...defaultShareState(), model: 'm1', source: 's', target: '' });
    expect(Object.keys(r.state)).toEqual(STATE_KEYS);
  });
});

describe('prototype pollution', () => {
  const probe = (): unknown => ({}) as Record<string, unknown>;

  it('__proto__ keys neither pollute Object.prototype nor set fields', async () => {
    const json = `{"__proto__":{"polluted":1,"palette":"viridis"},"v":1,"model":"en-fr-additive","source":"a","target":"b","view":{"__proto__":{"palette":"viridis"}}}`;
    const r = await parseFragment(rawFragment(json));
    expect((probe() as { polluted?: unknown }).polluted).toBeUndefined();
    expect(r.problem).toBeNull();
    expect(Object.getPrototypeOf(r.state)).toBe(Object.prototype);
    expect(Object.keys(r.state)).toEqual(STATE_KEYS);
    expect((r.state as unknown as { polluted?: unknown }).polluted).toBeUndefined();
    expect(r.state.view.palette).toBe('cividis'); // not taken from the __proto__ object
  });

  it('constructor.prototype keys neither pollute nor set fields', async () => {
    const json = `{"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1},"v":1,"model":"en-fr-additive","source":"a","target":"b"}`;
    const r = await parseFragment(rawFragment(json));
    expect((probe() as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
    expect(r.problem).toBeNull();
    expect(Object.keys(r.state)).toEqual(STATE_KEYS);
  });

  it('a record supplied only through __proto__ is not read', async () => {
    const r = await parseFragment(rawFragment(`{"__proto__":${JSON.stringify(validRecord())}}`));
    expect(r.problem).toBe('invalid');
    expect((probe() as { v?: unknown }).v).toBeUndefined();
  });

  it('inherited properties do not stand in for missing ones (edits entries)', async () => {
    const json = `{"v":1,"model":"m","source":"a","target":"b","edits":[{"__proto__":{"step":0,"weights":[1]}}]}`;
    const r = await parseFragment(rawFragment(json));
    expect(r.state.edits).toEqual([]);
    expect(r.problem).toBe('partial');
  });
});

describe('isValidShareState', () => {
  it('accepts complete valid states only', () => {
    expect(isValidShareState(sample())).toBe(true);
    expect(isValidShareState({ ...sample(), view: { ...sample().view, theme: 'sepia' } })).toBe(false);
    const { step: _step, ...noStep } = sample();
    expect(isValidShareState(noStep)).toBe(false);
    expect(isValidShareState(null)).toBe(false);
    expect(isValidShareState('{}')).toBe(false);
  });
});
