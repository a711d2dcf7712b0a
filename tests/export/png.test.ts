// PNG text chunks: CRC-32 against known values and zlib, iTXt layout byte by byte, round trips,
// and garbage / truncated / corrupted files that must never throw.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it, vi } from 'vitest';
import { MAX_FRAGMENT_CHARS } from '../../src/export/permalink';
import {
  MAX_LINK_ADDRESS_CHARS,
  MAX_PNG_LINK_CHARS,
  PERMALINK_KEYWORD,
  PngError,
  addPngTextChunk,
  crc32,
  pngDimensions,
  readPngText,
  readPngTextChunks,
} from '../../src/export/png';
import { chunkTypes, makePng, referenceCrc32, tEXt } from './helpers';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('crc32', () => {
  it('matches the known check values', () => {
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('honours start and end', () => {
    expect(crc32(ascii('xxIENDyy'), 2, 6)).toBe(0xae426082);
  });

  test.prop([fc.uint8Array({ maxLength: 2000 })])('matches zlib on any bytes', (bytes) => {
    expect(crc32(bytes)).toBe(referenceCrc32(bytes));
  });
});

describe('addPngTextChunk / readPngTextChunks', () => {
  it('writes an uncompressed iTXt chunk just before IEND, byte for byte', () => {
    const png = makePng(3, 2);
    const out = addPngTextChunk(png, 'k', 'é');
    expect(chunkTypes(out)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND']);
    expect(out.length).toBe(png.length + 12 + 1 + 5 + 2);
    const at = png.length - 12; // where IEND was
    const chunk = out.subarray(at, at + 12 + 8);
    // length 8 · "iTXt" · "k" 0 · flag 0 · method 0 · language "" 0 · translated "" 0 · "é" in UTF-8
    expect([...chunk.subarray(0, 16)]).toEqual([0, 0, 0, 8, 105, 84, 88, 116, 107, 0, 0, 0, 0, 0, 0xc3, 0xa9]);
    const crc = (((chunk[16] as number) << 24) | ((chunk[17] as number) << 16) | ((chunk[18] as number) << 8) | (chunk[19] as number)) >>> 0;
    expect(crc).toBe(referenceCrc32(out.subarray(at + 4, at + 16)));
    // the original bytes are untouched around it
    expect([...out.subarray(0, at)]).toEqual([...png.subarray(0, at)]);
    expect([...out.subarray(out.length - 12)]).toEqual([...png.subarray(png.length - 12)]);
  });

  it('round-trips unicode and markup, and leaves the input unchanged', () => {
    const png = makePng(4, 4);
    const before = [...png];
    const url = 'https://example.org/rnnsearch/#s=abc-_123&embed=1 我喜欢黑猫 القط 👩‍👩‍👧 <script>';
    const out = addPngTextChunk(png, PERMALINK_KEYWORD, url);
    expect(readPngTextChunks(out).get(PERMALINK_KEYWORD)).toBe(url);
    expect([...png]).toEqual(before);
    expect(readPngTextChunks(png).size).toBe(0);
  });

  it('replaces a chunk with the same keyword instead of adding a second', () => {
    const png = makePng(2, 2, [tEXt(PERMALINK_KEYWORD, 'old'), tEXt('Author', 'me')]);
    const once = addPngTextChunk(png, PERMALINK_KEYWORD, 'first');
    const twice = addPngTextChunk(once, PERMALINK_KEYWORD, 'second');
    expect(chunkTypes(twice)).toEqual(['IHDR', 'tEXt', 'IDAT', 'iTXt', 'IEND']);
    const map = readPngTextChunks(twice);
    expect(map.get(PERMALINK_KEYWORD)).toBe('second');
    expect(map.get('Author')).toBe('me');
  });

  it('reads tEXt as Latin-1 (bytes 0x80–0xFF are not Windows-1252)', () => {
    const png = makePng(1, 1, [tEXt('Comment', 'caf\u00e9 \u0080\u00ff')]);
    expect(readPngTextChunks(png).get('Comment')).toBe('caf\u00e9 \u0080\u00ff');
  });

  it('skips chunks with a bad CRC, compressed iTXt, and malformed text chunks', () => {
    const good = addPngTextChunk(makePng(2, 2), 'good', 'yes');
    const bad = addPngTextChunk(makePng(2, 2), 'bad', 'no');
    // corrupt one data byte of the iTXt chunk in `bad` (its CRC no longer matches)
    const types = chunkTypes(bad);
    expect(types[2]).toBe('iTXt');
    const at = bad.length - 12 - (12 + 3 + 5 + 2);
    const corrupted = bad.slice();
    corrupted[at + 8 + 4 + 5] ^= 0x01;
    expect(readPngTextChunks(corrupted).size).toBe(0);
    expect(readPngTextChunks(good).get('good')).toBe('yes');

    // a compressed iTXt (flag 1) is not read
    const compressed = good.slice();
    const flagAt = compressed.length - 12 - (12 + 4 + 5 + 3) + 8 + 5;
    compressed[flagAt] = 1;
    // fix its CRC so that only the flag matters
    const start = flagAt - 8 - 5 + 4;
    const end = start + 4 + 4 + 5 + 3;
    const crc = referenceCrc32(compressed.subarray(start, end));
    compressed.set([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255], end);
    expect(readPngTextChunks(compressed).size).toBe(0);

    // a tEXt chunk without the keyword separator is skipped; the next one is still read
    const noSeparator = Buffer.concat([Buffer.from(tEXt('x', '')).subarray(0, 8), Buffer.from('abc')]);
    const png = makePng(1, 1, [fixLength(noSeparator), tEXt('after', 'ok')]);
    expect([...readPngTextChunks(png)]).toEqual([['after', 'ok']]);
  });

  it('a truncated file keeps the text chunks before the cut, and never throws', () => {
    const png = makePng(8, 8, [tEXt('early', 'kept')]);
    const full = addPngTextChunk(png, 'late', 'lost when cut');
    for (let end = 0; end < full.length; end++) {
      const map = readPngTextChunks(full.subarray(0, end));
      expect(map.has('late'), `cut at ${end}`).toBe(end >= full.length - 12); // complete up to IEND
      expect(pngDimensions(full.subarray(0, end)) === null).toBe(end < 8 + 25);
    }
    expect(readPngTextChunks(full.subarray(0, full.length - 13)).get('early')).toBe('kept');
  });

  it('non-PNG input gives an empty map', () => {
    expect(readPngTextChunks(new Uint8Array(0)).size).toBe(0);
    expect(readPngTextChunks(ascii('GIF89a....')).size).toBe(0);
    expect(readPngTextChunks(null as unknown as Uint8Array).size).toBe(0);
    expect(readPngTextChunks('PNG' as unknown as Uint8Array).size).toBe(0);
  });

  it('a length field past the end or over 2^31-1 stops the walk without throwing', () => {
    const png = makePng(2, 2);
    const huge = png.slice();
    huge.set([0xff, 0xff, 0xff, 0xf0], 8); // IHDR length
    expect(readPngTextChunks(huge).size).toBe(0);
    expect(pngDimensions(huge)).toBeNull();
    expect(() => addPngTextChunk(huge, 'k', 'v')).toThrow(PngError);
  });

  test.prop([fc.uint8Array({ maxLength: 4000 })])('random bytes never throw', (bytes) => {
    expect(readPngTextChunks(bytes).size).toBe(0);
    expect(pngDimensions(bytes)).toBeNull();
  });

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat()])('a real PNG with random bytes spliced in never throws', (junk, at) => {
    const png = addPngTextChunk(makePng(3, 3), 'k', 'v');
    const i = 8 + (at % (png.length - 8));
    const mangled = new Uint8Array([...png.subarray(0, i), ...junk, ...png.subarray(i + junk.length)]);
    const map = readPngTextChunks(mangled);
    // either the chunk survived intact or it is gone: never a corrupted value
    expect([undefined, 'v']).toContain(map.get('k'));
  });

  it('addPngTextChunk refuses what is not a well-formed PNG, and bad keywords', () => {
    const png = makePng(2, 2);
    expect(() => addPngTextChunk(ascii('not a png at all'), 'k', 'v')).toThrow(/signature/);
    expect(() => addPngTextChunk(png.subarray(0, png.length - 12), 'k', 'v')).toThrow(/IEND/);
    const badCrc = png.slice();
    badCrc[20] ^= 1; // inside IHDR
    expect(() => addPngTextChunk(badCrc, 'k', 'v')).toThrow(/IHDR.*CRC/);
    for (const keyword of ['', 'a'.repeat(80), ' lead', 'trail ', 'two  spaces', 'tab\there', 'nul\0', '猫', 'é\u0100']) {
      expect(() => addPngTextChunk(png, keyword, 'v'), JSON.stringify(keyword)).toThrow(PngError);
    }
    expect(readPngTextChunks(addPngTextChunk(png, 'a'.repeat(79), 'v')).get('a'.repeat(79))).toBe('v');
    expect(readPngTextChunks(addPngTextChunk(png, 'Grüße', 'v')).get('Grüße')).toBe('v');
  });

  it('keeps bytes after IEND where they were', () => {
    const png = new Uint8Array([...makePng(1, 1), 1, 2, 3]);
    const out = addPngTextChunk(png, 'k', 'v');
    expect([...out.subarray(out.length - 3)]).toEqual([1, 2, 3]);
    expect(readPngTextChunks(out).get('k')).toBe('v');
  });
});

describe('readPngText (the one chunk a dropped file is read for)', () => {
  const url = 'https://example.org/rnnsearch/#s=AbC-_09';

  /** Characters made by String.fromCharCode and bytes given to TextDecoder while `fn` runs. */
  function decodedWhile(fn: () => void): number {
    const chars = vi.spyOn(String, 'fromCharCode');
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    try {
      fn();
      const charCount = chars.mock.calls.reduce((n, args) => n + args.length, 0);
      const byteCount = decode.mock.calls.reduce((n, [input]) => n + ((input as Uint8Array | undefined)?.byteLength ?? 0), 0);
      return charCount + byteCount;
    } finally {
      chars.mockRestore();
      decode.mockRestore();
    }
  }

  it('reads the permalink past 2 MiB of other text chunks without decoding them', () => {
    const big = 'x'.repeat(1 << 20);
    // a 1 MiB tEXt Comment and a 1 MiB iTXt Description, both before the permalink
    const png = addPngTextChunk(addPngTextChunk(makePng(2, 2, [tEXt('Comment', big)]), 'Description', big), PERMALINK_KEYWORD, url);
    expect(chunkTypes(png)).toEqual(['IHDR', 'tEXt', 'IDAT', 'iTXt', 'iTXt', 'IEND']);
    let found: ReturnType<typeof readPngText> = { kind: 'none' };
    const decoded = decodedWhile(() => (found = readPngText(png, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)));
    expect(found).toEqual({ kind: 'text', text: url });
    expect(decoded).toBeLessThan(200); // the link and four-letter chunk types: not the 2 MiB
  });

  it('stops at the first readable chunk of the keyword: a bad CRC is skipped, later chunks and a cut file do not matter', () => {
    const badCrc = Buffer.from(tEXt(PERMALINK_KEYWORD, 'bad'));
    badCrc[badCrc.length - 1] ^= 0xff;
    const png = makePng(2, 2, [badCrc, tEXt(`${PERMALINK_KEYWORD}2`, 'other'), tEXt('Comment', `${PERMALINK_KEYWORD}\0x`), tEXt(PERMALINK_KEYWORD, 'first'), tEXt(PERMALINK_KEYWORD, 'second')]);
    expect(readPngText(png, PERMALINK_KEYWORD, 100)).toEqual({ kind: 'text', text: 'first' });
    // the file cut short further on (inside IDAT, no IEND): the walk never gets there
    const cut = png.length - 12 - 20;
    expect(readPngText(png.subarray(0, cut), PERMALINK_KEYWORD, 100)).toEqual({ kind: 'text', text: 'first' });
    expect(readPngText(makePng(2, 2, [tEXt('Comment', 'x')]), PERMALINK_KEYWORD, 100)).toEqual({ kind: 'none' });
  });

  it('refuses, undecoded, a text over the cap: the permalink codec’s fragment limit plus the address before “#”', () => {
    expect(MAX_PNG_LINK_CHARS).toBe(MAX_LINK_ADDRESS_CHARS + 1 + MAX_FRAGMENT_CHARS);
    const atCap = 'a'.repeat(MAX_PNG_LINK_CHARS);
    expect(readPngText(makePng(1, 1, [tEXt(PERMALINK_KEYWORD, atCap)]), PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)).toEqual({ kind: 'text', text: atCap });
    expect(readPngText(addPngTextChunk(makePng(1, 1), PERMALINK_KEYWORD, atCap), PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)).toEqual({ kind: 'text', text: atCap });

    const over = makePng(1, 1, [tEXt(PERMALINK_KEYWORD, `${atCap}a`)]);
    let found: ReturnType<typeof readPngText> = { kind: 'none' };
    expect(decodedWhile(() => (found = readPngText(over, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)))).toBeLessThan(100);
    expect(found).toEqual({ kind: 'too-long', bytes: MAX_PNG_LINK_CHARS + 1 });
    // iTXt counts UTF-8 bytes: fewer characters than the cap, more bytes
    const wide = addPngTextChunk(makePng(1, 1), PERMALINK_KEYWORD, 'é'.repeat(MAX_PNG_LINK_CHARS / 2 + 1));
    expect(readPngText(wide, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)).toMatchObject({ kind: 'too-long' });
    // 20 MiB of Comment is not the permalink: skipped, whatever its size
    const huge = makePng(1, 1, [tEXt('Comment', 'c'.repeat(20 << 20)), tEXt(PERMALINK_KEYWORD, url)]);
    expect(readPngText(huge, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS)).toEqual({ kind: 'text', text: url });
  });

  it('never throws: not a PNG, not bytes, a bad keyword give none', () => {
    const png = addPngTextChunk(makePng(1, 1), PERMALINK_KEYWORD, url);
    expect(readPngText(ascii('GIF89a....'), PERMALINK_KEYWORD, 100)).toEqual({ kind: 'none' });
    expect(readPngText(null as unknown as Uint8Array, PERMALINK_KEYWORD, 100)).toEqual({ kind: 'none' });
    expect(readPngText(png, '', 100)).toEqual({ kind: 'none' });
    expect(readPngText(png, '猫', 100)).toEqual({ kind: 'none' });
  });

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat()])('random bytes spliced into a tagged PNG give the text intact or none', (junk, at) => {
    const png = addPngTextChunk(makePng(3, 3), PERMALINK_KEYWORD, 'v');
    const i = 8 + (at % (png.length - 8));
    const mangled = new Uint8Array([...png.subarray(0, i), ...junk, ...png.subarray(i + junk.length)]);
    const found = readPngText(mangled, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS);
    expect(['none', 'v']).toContain(found.kind === 'text' ? found.text : found.kind);
  });
});

describe('pngDimensions', () => {
  it('reads IHDR, also after a text chunk was added', () => {
    expect(pngDimensions(makePng(7, 3))).toEqual({ width: 7, height: 3 });
    expect(pngDimensions(addPngTextChunk(makePng(640, 2), 'k', 'v'))).toEqual({ width: 640, height: 2 });
  });

  it('is null for a bad IHDR CRC or a zero size', () => {
    const png = makePng(5, 5);
    const bad = png.slice();
    bad[18] ^= 1;
    expect(pngDimensions(bad)).toBeNull();
    expect(pngDimensions(makePng(0, 5))).toBeNull();
  });
});

/** Rewrites the length field and CRC of a hand-made chunk (type + data after the 8-byte head). */
function fixLength(chunk: Buffer): Buffer {
  const data = chunk.subarray(8);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  chunk.copy(head, 4, 4, 8);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(referenceCrc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
