import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { TSV_MAX_BYTES, TSV_MAX_ERRORS, TSV_MAX_PAIRS } from '../../src/data/limits';
import { parseSentencePairs, TsvError, type ParsedSentencePairs } from '../../src/data/tsv';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url)));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseSentencePairs on a clean file (BOM, CRLF, attribution, blank lines)', () => {
  const check = (result: ParsedSentencePairs): void => {
    expect(result.errors).toEqual([]);
    expect(result.skippedBlank).toBe(2);
    expect(result.pairs.map((p) => [p.line, p.source, p.target])).toEqual([
      [1, 'Go.', 'Va !'],
      [2, 'Hi.', 'Salut !'],
      [4, "I'm cold.", 'J’ai froid.'],
      [6, 'The café is closed.', 'Le café est fermé.'],
      [7, '我喜欢黑猫。', "J'aime les chats noirs."],
    ]);
    expect(result.pairs[0]?.attribution).toBe('CC-BY 2.0 (France) Attribution: example #1 (someone)');
    expect(result.pairs[1]).not.toHaveProperty('attribution');
    expect(result.pairs[2]).not.toHaveProperty('attribution'); // empty third column
    expect(result.pairs[3]?.attribution).toMatch(/#2/);
  };

  it('reads the bytes', () => {
    const bytes = fixture('pairs-good.tsv');
    expect(Array.from(bytes.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]); // the fixture really has a BOM
    check(parseSentencePairs(bytes));
  });

  it('reads the same content given as a string', () => {
    check(parseSentencePairs(new TextDecoder().decode(fixture('pairs-good.tsv'))));
    check(parseSentencePairs('\uFEFF' + new TextDecoder().decode(fixture('pairs-good.tsv'))));
  });

  it('accepts LF, CRLF and old-Mac CR line ends alike', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const result = parseSentencePairs(['a\tb', 'c\td', 'e\tf'].join(eol));
      expect(result.pairs.map((p) => [p.line, p.source, p.target])).toEqual([
        [1, 'a', 'b'],
        [2, 'c', 'd'],
        [3, 'e', 'f'],
      ]);
      expect(result.errors).toEqual([]);
    }
  });

  it('mixed CR, LF and CRLF line ends each end a line: no CR is left inside a field', () => {
    const text = 'a\tb\rc\td\ne\tf\r\ng\th\r\r\ni\tj\rk\tl\tsrc\r';
    for (const input of [text, utf8(text)]) {
      const result = parseSentencePairs(input);
      expect(result.errors).toEqual([]);
      expect(result.skippedBlank).toBe(1); // the lone CR before the CRLF ends an empty line 5
      expect(result.pairs.map((p) => [p.line, p.source, p.target, p.attribution])).toEqual([
        [1, 'a', 'b', undefined],
        [2, 'c', 'd', undefined],
        [3, 'e', 'f', undefined],
        [4, 'g', 'h', undefined],
        [6, 'i', 'j', undefined],
        [7, 'k', 'l', 'src'],
      ]);
      for (const p of result.pairs) for (const field of [p.source, p.target, p.attribution ?? '']) expect(field).not.toMatch(/[\r\n]/);
    }
  });
});

describe('parseSentencePairs on a file with problems', () => {
  const result = parseSentencePairs(fixture('pairs-mixed.tsv'));

  it('reports each bad line by number and keeps the good ones', () => {
    expect(result.errors).toEqual([
      { line: 3, code: 'not-utf8', message: 'line 3: not valid UTF-8' },
      { line: 4, code: 'columns', n: 1, message: 'line 4: expected 2 or 3 tab-separated columns, found 1' },
      { line: 5, code: 'not-utf8', message: 'line 5: not valid UTF-8' },
      { line: 6, code: 'columns', n: 4, message: 'line 6: expected 2 or 3 tab-separated columns, found 4' },
      { line: 7, code: 'empty-target', message: 'line 7: empty target' },
      { line: 8, code: 'empty-source', message: 'line 8: empty source' },
    ]);
    expect(result.pairs.map((p) => p.line)).toEqual([1, 2, 9, 10]);
    expect(result.pairs[3]).toMatchObject({ source: 'L’été arrive.', target: 'Summer is coming.' });
    expect(result.skippedBlank).toBe(0);
  });

  it('numbers the lines of a CR-only (old Mac) file with a bad byte, and of a mixed file', () => {
    const oldMac = new Uint8Array([...utf8('a\tb\rc\td\r'), 0x65, 0xff, 0x09, 0x66, ...utf8('\rg\th\r')]);
    const result = parseSentencePairs(oldMac);
    expect(result.errors).toEqual([{ line: 3, code: 'not-utf8', message: 'line 3: not valid UTF-8' }]);
    expect(result.pairs.map((p) => [p.line, p.source, p.target])).toEqual([
      [1, 'a', 'b'],
      [2, 'c', 'd'],
      [4, 'g', 'h'],
    ]);
    const mixed = new Uint8Array([...utf8('a\tb\r\nc\td\re\tf\n'), 0xc3, 0x28, ...utf8('\tx\rg\th\r\n')]);
    const m = parseSentencePairs(mixed);
    expect(m.errors).toEqual([{ line: 4, code: 'not-utf8', message: 'line 4: not valid UTF-8' }]);
    expect(m.pairs.map((p) => [p.line, p.source, p.target])).toEqual([
      [1, 'a', 'b'],
      [2, 'c', 'd'],
      [3, 'e', 'f'],
      [5, 'g', 'h'],
    ]);
  });

  it('says which side is empty', () => {
    expect(parseSentencePairs(' \t \tattribution').errors).toEqual([{ line: 1, code: 'empty-both', message: 'line 1: empty source and target' }]);
    expect(parseSentencePairs(' \t ')).toEqual({ pairs: [], errors: [], skippedBlank: 1 }); // only whitespace: a blank line
  });
});

describe('parseSentencePairs guards', () => {
  it('stops at the first NUL byte with a single "binary" error', () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(parseSentencePairs(bytes)).toEqual({
      pairs: [],
      errors: [{ line: 3, code: 'binary', message: 'the file looks binary (NUL bytes at line 3)' }], // PNG: \r\n, then \x1a\n
      skippedBlank: 0,
    });
    const first = parseSentencePairs(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
    expect(first.errors).toEqual([{ line: 1, code: 'binary', message: 'the file looks binary (NUL bytes at line 1)' }]);
    expect(parseSentencePairs('a\tb\nc\u0000\td').errors).toEqual([{ line: 2, code: 'binary', message: 'the file looks binary (NUL bytes at line 2)' }]);
    // mixed line ends are counted alike in bytes and text: CRLF once, a lone CR and an LF each once
    const mixed = 'a\tb\r\nc\td\re\tf\ng\u0000';
    expect(parseSentencePairs(mixed).errors).toEqual([{ line: 4, code: 'binary', message: 'the file looks binary (NUL bytes at line 4)' }]);
    expect(parseSentencePairs(utf8(mixed)).errors).toEqual([{ line: 4, code: 'binary', message: 'the file looks binary (NUL bytes at line 4)' }]);
  });

  it('recognises UTF-16 by its BOM', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x09, 0x00, 0x62, 0x00]);
    const result = parseSentencePairs(utf16);
    expect(result.pairs).toEqual([]);
    expect(result.errors[0]?.message).toMatch(/^line 1: .*UTF-16.*UTF-8/);
    expect(result.errors[0]?.code).toBe('utf16');
  });

  it('throws TsvError for input over the size cap, before reading it', () => {
    expect(TSV_MAX_BYTES).toBe(10 * 1024 * 1024);
    const big = new Uint8Array(TSV_MAX_BYTES + 1); // all NUL: would be "binary" if it were read
    expect(() => parseSentencePairs(big)).toThrow(TsvError);
    expect(() => parseSentencePairs(big)).toThrow(/limit is 10\.0 MiB/);
    expect(() => parseSentencePairs(big)).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(() => parseSentencePairs('a\tb\n'.repeat(10), { maxBytes: 39 })).toThrow(/40 bytes; the limit is 39 bytes/);
    expect(parseSentencePairs('a\tb\n'.repeat(10), { maxBytes: 40 }).pairs).toHaveLength(10);
  });

  it('counts UTF-8 bytes, not UTF-16 units, for string input', () => {
    const text = 'é\tè'; // 5 bytes in UTF-8, 3 UTF-16 units
    expect(() => parseSentencePairs(text, { maxBytes: 4 })).toThrow(TsvError);
    expect(parseSentencePairs(text, { maxBytes: 5 }).pairs).toHaveLength(1);
    expect(() => parseSentencePairs('😀\tx', { maxBytes: 5 })).toThrow(TsvError); // 4 + 1 + 1 bytes
  });

  it('stops after maxPairs with an error naming the line', () => {
    expect(TSV_MAX_PAIRS).toBe(200_000);
    const text = ['a\t1', '', 'b\t2', 'c\t3', 'd\t4'].join('\n');
    const result = parseSentencePairs(text, { maxPairs: 2 });
    expect(result.pairs.map((p) => p.source)).toEqual(['a', 'b']);
    expect(result.errors).toEqual([{ line: 4, code: 'too-many-pairs', n: 2, message: 'line 4: more than 2 sentence pairs; stopped reading here' }]);
  });

  it('stops collecting after too many errors, with a summary', () => {
    expect(TSV_MAX_ERRORS).toBe(1000);
    const text = Array.from({ length: 2000 }, (_, k) => (k === 1500 ? 'ok\tfine' : `broken line ${k}`)).join('\n');
    const result = parseSentencePairs(text);
    expect(result.errors).toHaveLength(1001);
    expect(result.errors[1000]).toEqual({ line: 1001, code: 'too-many-errors', n: 1000, message: 'line 1001: too many errors (more than 1000); stopped reading here' });
    expect(result.pairs).toEqual([]); // line 1501 was never reached
    const small = parseSentencePairs('x\ny\nz\na\tb', { maxErrors: 2 });
    expect(small.errors.map((e) => e.line)).toEqual([1, 2, 3]);
    expect(small.pairs).toEqual([]);
  });

  it('rejects invalid options with TsvError', () => {
    expect(() => parseSentencePairs('a\tb', { maxPairs: 0 })).toThrow(expect.objectContaining({ name: 'TsvError', code: 'options' }));
    expect(() => parseSentencePairs('a\tb', { maxBytes: 1.5 })).toThrow(TsvError);
  });

  it('returns nothing for empty input', () => {
    expect(parseSentencePairs('')).toEqual({ pairs: [], errors: [], skippedBlank: 0 });
    expect(parseSentencePairs(new Uint8Array())).toEqual({ pairs: [], errors: [], skippedBlank: 0 });
  });
});

const tsvLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', 'é', '\t', '\n', '\r', '\r\n', ' ', '我', '😀', '\uFEFF', '\u0000', 'line'),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('parseSentencePairs properties', () => {
  const invariants = (result: ParsedSentencePairs, lineCount: number): void => {
    for (const pair of result.pairs) {
      expect(pair.source.length).toBeGreaterThan(0);
      expect(pair.target.length).toBeGreaterThan(0);
      expect(pair.source).not.toContain('\t');
      expect(pair.target).not.toContain('\t');
      expect(pair.line).toBeGreaterThanOrEqual(1);
      expect(pair.line).toBeLessThanOrEqual(lineCount);
    }
    for (const error of result.errors) expect(error.message).toMatch(/line \d+/);
    const lines = [...result.pairs.map((p) => p.line), ...result.errors.map((e) => e.line)];
    expect(new Set(result.pairs.map((p) => p.line)).size).toBe(result.pairs.length);
    expect(lines.every((l) => Number.isInteger(l) && l >= 1)).toBe(true);
  };

  test.prop([tsvLike])('never throws on strings; only returns pairs and errors', (text) => {
    invariants(parseSentencePairs(text), text.split(/\r\n|\n|\r/).length);
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('never throws on arbitrary bytes', (bytes) => {
    const result = parseSentencePairs(bytes);
    invariants(result, bytes.length + 1);
  });

  test.prop([tsvLike])('bytes and string input agree on valid UTF-8', (text) => {
    const fromString = parseSentencePairs(text);
    const fromBytes = parseSentencePairs(utf8(text));
    expect(fromBytes.pairs).toEqual(fromString.pairs);
    expect(fromBytes.errors).toEqual(fromString.errors);
  });

  test.prop([fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ minLength: 1, maxLength: 12 })), { maxLength: 20 })])(
    'well-formed pairs come back trimmed, in order, with their line numbers',
    (rows) => {
      const clean = rows.map(([s, t]) => [s.replace(/[\t\n\r\0\uFEFF]/g, 'x'), t.replace(/[\t\n\r\0\uFEFF]/g, 'x')]);
      const result = parseSentencePairs(clean.map(([s, t]) => `${s}\t${t}`).join('\n'));
      const expected = clean
        .map(([s, t], k) => ({ source: (s as string).trim(), target: (t as string).trim(), line: k + 1 }))
        .filter((p) => p.source.length > 0 && p.target.length > 0);
      expect(result.pairs).toEqual(expected);
      expect(result.errors.length + result.pairs.length + result.skippedBlank).toBe(clean.length);
    },
  );
});
