// A fuzz pass over the PNG reader (src/export/png.ts; docs/RELIABILITY.md, the dropped-PNG rows):
// files built chunk by chunk with random types, keywords, iTXt headers, texts, lying lengths and
// bad CRCs; single-byte changes and every truncation of a file that carries a link; and whole
// random files behind a PNG signature. Whatever the bytes, the readers never throw, agree with a
// plain reference reader written here from the PNG spec (and with each other), never return a text
// longer than asked for, and a file carrying a link gives back that link or nothing.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MAX_PNG_LINK_CHARS, PERMALINK_KEYWORD, addPngTextChunk, pngDimensions, readPngText, readPngTextChunks } from '../../src/export/png';
import { readPngPermalink } from '../../src/export/raster';
import { makePng } from './helpers';

const KEY = PERMALINK_KEYWORD;
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

// ---- a reference reader, from the PNG spec (no code shared with src/export/png.ts) -------------

const strictUtf8 = (bytes: Uint8Array): string | null => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
};

/**
 * What readPngText must answer: walk the chunks (stop at a length past the end or over 2³¹−1, a
 * type that is not four ASCII letters, or after IEND); the first tEXt or uncompressed iTXt of the
 * keyword with a sound layout decides: over the cap is 'too-long'; a bad CRC, or bytes that are not
 * UTF-8 (iTXt), pass on to the next.
 */
function reference(png: Uint8Array, keyword: string, cap: number): { kind: 'text'; text: string } | { kind: 'too-long' } | { kind: 'none' } {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (b.length < 8 || !SIGNATURE.every((v, i) => b[i] === v)) return { kind: 'none' };
  const key = Buffer.from(`${keyword}\0`, 'latin1');
  for (let at = 8; at + 12 <= b.length; ) {
    const length = b.readUInt32BE(at);
    if (length > 0x7fffffff || at + 12 + length > b.length) break;
    const type = b.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) break;
    const data = b.subarray(at + 8, at + 8 + length);
    const crcOk = (zlibCrc32(b.subarray(at + 4, at + 8 + length)) >>> 0) === b.readUInt32BE(at + 8 + length);
    at += 12 + length;
    if ((type === 'tEXt' || type === 'iTXt') && data.length >= key.length && data.subarray(0, key.length).equals(key)) {
      let text: Buffer | null = null;
      if (type === 'tEXt') text = data.subarray(key.length);
      else {
        const rest = data.subarray(key.length);
        if (rest.length >= 2 && rest[0] === 0 && rest[1] === 0) {
          const lang = rest.indexOf(0, 2);
          const translated = lang >= 0 && lang - 2 <= 1024 ? rest.indexOf(0, lang + 1) : -1;
          if (translated >= 0 && translated - lang - 1 <= 1024 && strictUtf8(rest.subarray(lang + 1, translated)) !== null) text = rest.subarray(translated + 1);
        }
      }
      if (text !== null) {
        if (text.length > cap) return { kind: 'too-long' };
        if (crcOk) {
          const decoded = type === 'tEXt' ? text.toString('latin1') : strictUtf8(text);
          if (decoded !== null) return { kind: 'text', text: decoded };
        }
      }
    }
    if (type === 'IEND') break;
  }
  return { kind: 'none' };
}

// ---- files built chunk by chunk -------------------------------------------------------------------

interface ChunkSpec {
  type: string;
  data: Uint8Array;
  /** Write a wrong CRC. */
  badCrc: boolean;
  /** Write this length instead of the data's (a lie). */
  length: number | null;
}

function build(signature: boolean, chunks: readonly ChunkSpec[], tail: Uint8Array): Uint8Array {
  const parts: Buffer[] = [Buffer.from(signature ? SIGNATURE : [137, 80, 78, 71, 13, 10, 26, 11])];
  for (const c of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(c.length ?? c.data.length, 0);
    head.write(c.type.padEnd(4, ' ').slice(0, 4), 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((zlibCrc32(Buffer.concat([head.subarray(4), c.data])) ^ (c.badCrc ? 1 : 0)) >>> 0, 0);
    parts.push(head, Buffer.from(c.data), crc);
  }
  parts.push(Buffer.from(tail));
  return new Uint8Array(Buffer.concat(parts));
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...xs: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(xs.map((x) => Buffer.from(x))));

const keyword = fc.oneof({ weight: 4, arbitrary: fc.constant(KEY) }, fc.constantFrom(`${KEY}x`, KEY.slice(0, -1), 'Comment', 'k', ''), fc.string({ unit: 'binary-ascii', maxLength: 90 }));
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('#s=AbC-_9&embed=1', 'https://example.org/#s=x', '<script>alert(1)</script>', ''));
const textBytes = fc.oneof({ weight: 3, arbitrary: text.map(utf8) }, text.map(latin1), fc.uint8Array({ maxLength: 40 }));
/** An iTXt header after the keyword: flag, method, language tag, 0, translated keyword, 0 (sometimes not). */
const itxtHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant(Uint8Array.from([0, 0, 0, 0])) },
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([flag, method, lang, tr]) => concat(Uint8Array.from([flag, method]), utf8(lang), Uint8Array.from([0]), utf8(tr), Uint8Array.from([0]))),
  fc.uint8Array({ maxLength: 8 }),
);
const textChunk: fc.Arbitrary<ChunkSpec> = fc
  .tuple(fc.constantFrom('tEXt', 'iTXt', 'zTXt'), keyword, itxtHeader, textBytes, fc.boolean(), fc.boolean())
  .map(([type, k, header, body, badCrc, zero]) => ({
    type,
    data: concat(latin1(k), zero ? Uint8Array.from([0]) : new Uint8Array(0), type === 'tEXt' ? new Uint8Array(0) : header, body),
    badCrc,
    length: null,
  }));
const otherChunk: fc.Arbitrary<ChunkSpec> = fc
  .tuple(fc.oneof(fc.constantFrom('IHDR', 'IDAT', 'IEND', 'PLTE', 'tIME'), fc.stringMatching(/^[A-Za-z]{4}$/), fc.string({ unit: 'binary-ascii', minLength: 4, maxLength: 4 })), fc.uint8Array({ maxLength: 30 }), fc.boolean())
  .map(([type, data, badCrc]) => ({ type, data, badCrc, length: null }));
const chunk = fc
  .tuple(fc.oneof({ weight: 3, arbitrary: textChunk }, otherChunk), fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, fc.nat(), fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff)))
  .map(([c, lie]) => ({ ...c, length: lie }));
const file = fc.tuple(fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)), fc.array(chunk, { maxLength: 8 }), fc.uint8Array({ maxLength: 16 })).map(([sig, chunks, tail]) => build(sig, chunks, tail));
const cap = fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.constant(MAX_PNG_LINK_CHARS), fc.nat({ max: 80 }));

describe('the PNG reader, fuzzed', () => {
  test.prop([file, cap], { numRuns: 3000 })('agrees with the reference reader, never throws, never returns more than asked for', (png, max) => {
    const got = readPngText(png, KEY, max);
    const want = reference(png, KEY, max);
    expect(got.kind).toBe(want.kind);
    if (got.kind === 'text' && want.kind === 'text') {
      expect(got.text).toBe(want.text);
      expect(new TextEncoder().encode(got.text).length <= max || got.text.length <= max).toBe(true);
    }
    if (got.kind === 'too-long') expect(got.bytes).toBeGreaterThan(max);
  });

  test.prop([file], { numRuns: 2000 })('readPngTextChunks gives the same text for the keyword, and reads every text chunk soundly', (png) => {
    const all = readPngTextChunks(png);
    const one = reference(png, KEY, Number.POSITIVE_INFINITY);
    expect(all.get(KEY)).toBe(one.kind === 'text' ? one.text : undefined);
    for (const [k, v] of all) {
      expect(typeof k).toBe('string');
      expect(typeof v).toBe('string');
    }
    const size = pngDimensions(png);
    if (size) {
      expect(Number.isInteger(size.width) && size.width > 0 && size.width <= 0x7fffffff).toBe(true);
      expect(Number.isInteger(size.height) && size.height > 0 && size.height <= 0x7fffffff).toBe(true);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 600 })], { numRuns: 2000 })('any bytes behind a PNG signature', (rest) => {
    const png = concat(Uint8Array.from(SIGNATURE), rest);
    expect(readPngText(png, KEY, MAX_PNG_LINK_CHARS).kind).toBe(reference(png, KEY, MAX_PNG_LINK_CHARS).kind);
    readPngTextChunks(png);
    pngDimensions(png);
  });

  test.prop([fc.array(fc.tuple(keyword.filter((k) => k.length >= 1 && k.length <= 79 && !/^ | $| {2}/.test(k) && /^[\x20-\x7e]+$/.test(k)), text), { maxLength: 4 }), text, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })], { numRuns: 500 })(
    'a link written among other text chunks reads back, once, whatever else the file holds',
    (others, link, w, h) => {
      let png: Uint8Array = makePng(w, h);
      for (const [k, t] of others) png = addPngTextChunk(png, k, t);
      png = addPngTextChunk(png, KEY, 'an older link');
      png = addPngTextChunk(png, KEY, link);
      const want = new TextDecoder().decode(new TextEncoder().encode(link)); // lone surrogates become U+FFFD
      expect(readPngText(png, KEY, MAX_PNG_LINK_CHARS)).toEqual({ kind: 'text', text: want });
      expect(readPngTextChunks(png).get(KEY)).toBe(want);
      expect(pngDimensions(png)).toEqual({ width: w, height: h });
    },
  );

  test.prop([text, fc.nat(), fc.integer({ min: 0, max: 255 })], { numRuns: 2000 })('one changed byte in a file with a link gives the link or nothing, never another text', (link, at, value) => {
    const png = addPngTextChunk(makePng(2, 2), KEY, link).slice();
    const want = new TextDecoder().decode(new TextEncoder().encode(link));
    png[at % png.length] = value;
    const got = readPngText(png, KEY, MAX_PNG_LINK_CHARS);
    if (got.kind === 'text') expect(got.text).toBe(want);
    else expect(got.kind).toBe('none');
  });

  test.prop([text], { numRuns: 100 })('every truncation of a file with a link gives the link (when its chunk is whole) or nothing', (link) => {
    const png = addPngTextChunk(makePng(2, 2), KEY, link);
    const want = new TextDecoder().decode(new TextEncoder().encode(link));
    for (let n = 0; n <= png.length; n++) {
      const got = readPngText(png.subarray(0, n), KEY, MAX_PNG_LINK_CHARS);
      const whole = n >= png.length - 12; // the link's chunk ends just before IEND
      expect(got, `${n} bytes`).toEqual(whole ? { kind: 'text', text: want } : { kind: 'none' });
    }
  });

  test.prop([file], { numRuns: 300 })('a dropped file (a Blob) never rejects, and reads as the bytes do', async (png) => {
    const found = await readPngPermalink(new Blob([png.slice()]));
    expect(found).toEqual(readPngText(png, KEY, MAX_PNG_LINK_CHARS));
  });
});
