// PNG text chunks by byte manipulation (no DOM): the exported PNG carries its permalink in an
// iTXt chunk, so that dropping the image back on the page restores the state (docs/ARCHITECTURE.md, "Sharing").
//
// Layout (PNG spec, ISO/IEC 15948 / W3C PNG 3rd ed.): an 8-byte signature, then chunks of
// length (4 bytes, big-endian, ≤ 2³¹−1) · type (4 ASCII letters) · data · CRC-32 of type + data.
// iTXt data: keyword (1–79 Latin-1 bytes) · 0 · compression flag · compression method ·
// language tag · 0 · translated keyword (UTF-8) · 0 · text (UTF-8, not null-terminated).
// tEXt data: keyword · 0 · text (Latin-1).
//
// A dropped file is hostile (docs/RELIABILITY.md, the dropped-PNG rows): `readPngText` looks for
// one keyword only, walking the chunks lazily and stopping at the first readable chunk of that
// keyword; other chunks are skipped by their length field (no decoding, no CRC), and the text is
// refused unread when it is longer than the caller's cap.

import { MAX_FRAGMENT_CHARS } from './permalink';

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE: readonly number[] = Object.freeze([137, 80, 78, 71, 13, 10, 26, 10]);

/** The keyword of the iTXt chunk that holds the page's permalink. */
export const PERMALINK_KEYWORD = 'rnnsearch-permalink';

/** Longest address before the `#` that a permalink chunk may carry (origin, path and query). */
export const MAX_LINK_ADDRESS_CHARS = 2048;
/**
 * Longest permalink chunk text that is read at all: the exported link is the page's address, `#`
 * and a fragment, and the permalink codec decodes no fragment over MAX_FRAGMENT_CHARS. A longer
 * text cannot be a link the page would open, so it is refused before it is decoded.
 */
export const MAX_PNG_LINK_CHARS = MAX_LINK_ADDRESS_CHARS + 1 + MAX_FRAGMENT_CHARS;

const MAX_CHUNK_LENGTH = 0x7fffffff;

/** Thrown by `addPngTextChunk` for input it cannot write into (not a PNG, a bad keyword). */
export class PngError extends Error {
  override name = 'PngError';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as in PNG and zlib) of `bytes[start, end)`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ bytes[i]) & 0xff]) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  /** Offset of the chunk's length field. */
  offset: number;
  type: string;
  /** Offset of the first data byte. */
  data: number;
  length: number;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function hasSignature(png: Uint8Array): boolean {
  if (png.length < 8) return false;
  for (let i = 0; i < 8; i++) if (png[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

/** Whether the chunk's CRC matches its type and data (computed only when asked). */
function crcOk(png: Uint8Array, c: Chunk): boolean {
  return crc32(png, c.offset + 4, c.data + c.length) === u32(png, c.data + c.length);
}

/**
 * The chunks of `png` in order, one at a time, up to and including IEND; the generator returns
 * false when the walk stopped early: a length past the end of the data or over 2³¹−1, a type that
 * is not four ASCII letters, or no IEND (true after IEND). Nothing is read but the 8-byte heads.
 */
function* chunksOf(png: Uint8Array): Generator<Chunk, boolean, undefined> {
  if (!hasSignature(png)) return false;
  let at = 8;
  while (at + 12 <= png.length) {
    const length = u32(png, at);
    if (length > MAX_CHUNK_LENGTH || at + 12 + length > png.length) return false;
    for (let i = 4; i < 8; i++) {
      const c = png[at + i];
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
    }
    const type = String.fromCharCode(png[at + 4], png[at + 5], png[at + 6], png[at + 7]);
    yield { offset: at, type, data: at + 8, length };
    at += 12 + length;
    if (type === 'IEND') return true;
  }
  return false;
}

/** Every chunk (see chunksOf), and whether the walk reached IEND. */
function walk(png: Uint8Array): { chunks: Chunk[]; complete: boolean } {
  const chunks: Chunk[] = [];
  const it = chunksOf(png);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { chunks, complete: r.value };
    chunks.push(r.value);
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  return s;
}

function indexOfZero(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] === 0) return i;
  return -1;
}

/** The keyword of a tEXt / zTXt / iTXt chunk, or null when it has none (no separator, bad length). */
function chunkKeyword(png: Uint8Array, c: Chunk): string | null {
  const end = c.data + c.length;
  const zero = indexOfZero(png, c.data, Math.min(end, c.data + 80));
  if (zero < c.data + 1) return null;
  return latin1(png, c.data, zero);
}

const utf8 = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });

/** Longest language tag, or translated keyword, looked through in an iTXt chunk (ours writes both empty). */
const MAX_ITXT_FIELD_BYTES = 1024;

/** Where a text chunk's text lies, and how it is encoded. */
interface TextSpan {
  start: number;
  end: number;
  utf8: boolean;
}

/**
 * The span of the text of a tEXt or uncompressed iTXt chunk whose keyword (and its 0) takes
 * `keywordLength` + 1 bytes; null for another type, a compressed iTXt (we never write one) or a
 * malformed layout (an iTXt language tag or translated keyword over MAX_ITXT_FIELD_BYTES counts as
 * malformed). Reads the iTXt header fields only: neither the text nor the CRC.
 */
function textSpan(png: Uint8Array, c: Chunk, keywordLength: number): TextSpan | null {
  const end = c.data + c.length;
  let at = c.data + keywordLength + 1;
  if (c.type === 'tEXt') return { start: at, end, utf8: false };
  if (c.type !== 'iTXt' || at + 2 > end) return null;
  const compressed = png[at];
  const method = png[at + 1];
  if (compressed !== 0 || method !== 0) return null;
  at += 2;
  const langEnd = indexOfZero(png, at, Math.min(end, at + MAX_ITXT_FIELD_BYTES + 1));
  if (langEnd < 0) return null;
  const translatedEnd = indexOfZero(png, langEnd + 1, Math.min(end, langEnd + 1 + MAX_ITXT_FIELD_BYTES + 1));
  if (translatedEnd < 0) return null;
  try {
    utf8().decode(png.subarray(langEnd + 1, translatedEnd));
  } catch {
    return null;
  }
  return { start: translatedEnd + 1, end, utf8: true };
}

/** The text of a span: Latin-1 (tEXt) or strict UTF-8 (iTXt; null when it is not). */
function decodeSpan(png: Uint8Array, span: TextSpan): string | null {
  if (!span.utf8) return latin1(png, span.start, span.end);
  try {
    return utf8().decode(png.subarray(span.start, span.end));
  } catch {
    return null;
  }
}

/** The keyword and text of a tEXt or uncompressed iTXt chunk; null for anything else or anything malformed. */
function readText(png: Uint8Array, c: Chunk): [string, string] | null {
  if (c.type !== 'tEXt' && c.type !== 'iTXt') return null;
  const keyword = chunkKeyword(png, c);
  if (keyword === null) return null;
  const span = textSpan(png, c, keyword.length);
  if (span === null || !crcOk(png, c)) return null;
  const text = decodeSpan(png, span);
  return text === null ? null : [keyword, text];
}

/**
 * The text chunks of a PNG: keyword → text, from tEXt (Latin-1) and uncompressed iTXt (UTF-8)
 * chunks whose CRC is right; the first chunk of a keyword wins. Never throws: not a PNG gives an
 * empty map, and a chunk with a bad CRC or bad layout is skipped. A length that runs past the end
 * (a truncated file) ends the walk, keeping what was read before it. Decodes every text chunk:
 * for a dropped file, where only one keyword matters, use `readPngText`.
 */
export function readPngTextChunks(png: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  try {
    if (!(png instanceof Uint8Array)) return out;
    for (const c of chunksOf(png)) {
      const kv = readText(png, c);
      if (kv && !out.has(kv[0])) out.set(kv[0], kv[1]);
    }
  } catch {
    out.clear();
  }
  return out;
}

/** What `readPngText` found. */
export type PngText =
  | { kind: 'text'; text: string }
  /** The keyword's chunk holds `bytes` bytes of text, over the cap: it was not decoded. */
  | { kind: 'too-long'; bytes: number }
  | { kind: 'none' };

/** Whether the chunk's data starts with the keyword `key` (its bytes) and the 0 after it. */
function hasKeyword(png: Uint8Array, c: Chunk, key: Uint8Array): boolean {
  if (c.length <= key.length) return false;
  for (let i = 0; i < key.length; i++) if (png[c.data + i] !== key[i]) return false;
  return png[c.data + key.length] === 0;
}

/**
 * The text under one keyword: the first tEXt or uncompressed iTXt chunk of `keyword` with a right
 * layout, a right CRC and (iTXt) valid UTF-8. The chunks are walked one at a time and the walk
 * stops at that chunk; every other chunk is skipped by its length field, neither decoded nor
 * CRC-checked. A text of more than `maxTextBytes` bytes is 'too-long', refused before its CRC is
 * computed or a character decoded (tEXt is one byte a character; in UTF-8 the bytes bound the
 * characters). Never throws: not a PNG, a bad keyword, or no such chunk before IEND or before the
 * walk stops at a bad length gives 'none'.
 */
export function readPngText(png: Uint8Array, keyword: string, maxTextBytes: number): PngText {
  try {
    if (!(png instanceof Uint8Array)) return { kind: 'none' };
    const key = keywordBytes(keyword);
    for (const c of chunksOf(png)) {
      if ((c.type !== 'tEXt' && c.type !== 'iTXt') || !hasKeyword(png, c, key)) continue;
      const span = textSpan(png, c, key.length);
      if (span === null) continue;
      const bytes = span.end - span.start;
      if (bytes > maxTextBytes) return { kind: 'too-long', bytes };
      if (!crcOk(png, c)) continue;
      const text = decodeSpan(png, span);
      if (text !== null) return { kind: 'text', text };
    }
  } catch {
    // a bad keyword (PngError), or anything unforeseen: no text
  }
  return { kind: 'none' };
}

/** Width and height from IHDR (the first chunk, CRC checked); null when `png` is not a readable PNG. */
export function pngDimensions(png: Uint8Array): { width: number; height: number } | null {
  try {
    if (!(png instanceof Uint8Array)) return null;
    const next = chunksOf(png).next();
    const first = next.done ? null : next.value;
    if (!first || first.type !== 'IHDR' || first.length !== 13 || !crcOk(png, first)) return null;
    const width = u32(png, first.data);
    const height = u32(png, first.data + 4);
    return width > 0 && height > 0 && width <= MAX_CHUNK_LENGTH && height <= MAX_CHUNK_LENGTH ? { width, height } : null;
  } catch {
    return null;
  }
}

function keywordBytes(keyword: string): Uint8Array<ArrayBuffer> {
  const ok =
    keyword.length >= 1 &&
    keyword.length <= 79 &&
    !keyword.startsWith(' ') &&
    !keyword.endsWith(' ') &&
    !keyword.includes('  ') &&
    [...keyword].every((ch) => {
      const c = ch.charCodeAt(0);
      return ch.length === 1 && ((c >= 32 && c <= 126) || (c >= 161 && c <= 255));
    });
  if (!ok) throw new PngError(`a PNG keyword is 1-79 printable Latin-1 characters without leading, trailing or double spaces: ${JSON.stringify(keyword)}`);
  return Uint8Array.from(keyword, (ch) => ch.charCodeAt(0));
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/**
 * A copy of `png` with an uncompressed iTXt chunk `keyword` → `text` (UTF-8) just before IEND;
 * any tEXt / zTXt / iTXt chunk with the same keyword is removed first, so there is one. Throws
 * PngError when `png` is not a well-formed PNG (signature, chunk bounds, CRCs, IEND) or the keyword
 * is not a valid PNG keyword.
 */
export function addPngTextChunk(png: Uint8Array, keyword: string, text: string): Uint8Array<ArrayBuffer> {
  const key = keywordBytes(keyword);
  const { chunks, complete } = walk(png);
  if (!complete) throw new PngError(hasSignature(png) ? 'the PNG is truncated or malformed (no IEND reached)' : 'not a PNG (bad signature)');
  const bad = chunks.find((c) => !crcOk(png, c));
  if (bad) throw new PngError(`the PNG's ${bad.type} chunk at byte ${bad.offset} has a bad CRC`);
  const body = new TextEncoder().encode(text);
  const dataLength = key.length + 5 + body.length; // keyword 0 flag method (lang) 0 (translated) 0 text
  if (dataLength > MAX_CHUNK_LENGTH) throw new PngError('the text is too long for one PNG chunk');

  const kept = chunks.filter((c) => !((c.type === 'tEXt' || c.type === 'zTXt' || c.type === 'iTXt') && chunkKeyword(png, c) === keyword));
  const iend = kept[kept.length - 1] as Chunk;
  const tail = png.subarray(iend.offset); // IEND and anything after it, untouched
  let size = 8 + 12 + dataLength + tail.length;
  for (const c of kept) if (c !== iend) size += 12 + c.length;

  const out = new Uint8Array(size);
  out.set(PNG_SIGNATURE, 0);
  let at = 8;
  for (const c of kept) {
    if (c === iend) break;
    out.set(png.subarray(c.offset, c.offset + 12 + c.length), at);
    at += 12 + c.length;
  }
  putU32(out, at, dataLength);
  out.set([105, 84, 88, 116], at + 4); // 'iTXt'
  out.set(key, at + 8);
  // the five bytes after the keyword are already 0: separator, flag, method, two empty-field terminators
  out.set(body, at + 8 + key.length + 5);
  putU32(out, at + 8 + dataLength, crc32(out, at + 4, at + 8 + dataLength));
  at += 12 + dataLength;
  out.set(tail, at);
  return out;
}
