// Test helpers for src/export, built on Node's zlib so that they do not share code with what they
// test: raw permalink payloads (including hostile ones) and real PNG files.
import { crc32 as zlibCrc32, deflateRawSync, deflateSync } from 'node:zlib';

/** `#s=` + base64url(deflate-raw(bytes)), made with Node's zlib rather than the code under test. */
export function rawFragment(payload: string | Uint8Array): string {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return `#s=${deflateRawSync(bytes).toString('base64url')}`;
}

/** A valid version-1 record as JSON-ready data, to be modified by a test. */
export function validRecord(): Record<string, unknown> {
  return {
    v: 1,
    model: 'en-fr-additive',
    source: 'the black cat .',
    target: 'le chat noir .',
    decoding: 'beam',
    beamWidth: 4,
    step: 2,
    edits: [{ step: 1, weights: [0.5, 0.25, 0.25, 0, 0] }],
    view: { values: 'scores', transpose: true, palette: 'viridis', lang: 'zh', theme: 'dark', units: 'pieces' },
  };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlibCrc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A tEXt chunk (Latin-1), with a correct CRC. */
export function tEXt(keyword: string, text: string): Buffer {
  return chunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

/** A real RGBA PNG of `width` × `height` (a gradient), with `extra` chunks placed before IDAT. */
export function makePng(width: number, height: number, extra: Buffer[] = []): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 4] = (x * 255) / Math.max(1, width - 1);
      raw[row + 2 + x * 4] = (y * 255) / Math.max(1, height - 1);
      raw[row + 4 + x * 4] = 255;
    }
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]),
  );
}

/** CRC-32 by Node's zlib: the reference for the table-driven one. */
export function referenceCrc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

/** The chunk types of a PNG, in order (no validation: for inspecting our own output). */
export function chunkTypes(png: Uint8Array): string[] {
  const b = Buffer.from(png);
  const types: string[] = [];
  for (let at = 8; at + 8 <= b.length; ) {
    const len = b.readUInt32BE(at);
    types.push(b.toString('latin1', at + 4, at + 8));
    at += 12 + len;
  }
  return types;
}
