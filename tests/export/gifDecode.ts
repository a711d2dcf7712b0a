// A minimal GIF decoder for the tests (not a dependency): the frames' colour indices through
// LZW decoding (GIF89a appendix F), with the global or local colour table. Whole-screen,
// non-interlaced frames only, as the page writes them; anything else throws, failing the test.

import { readGifInfo } from '../../src/export/gif';

export interface DecodedFrame {
  width: number;
  height: number;
  /** RGB per pixel, 3 bytes each. */
  rgb: Uint8Array;
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  // each code is a prefix code and a last byte; a string is written back to front from its length
  const out = new Uint8Array(pixels);
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  for (let i = 0; i < clear; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let size = minCodeSize + 1;
  let next = clear + 2;
  let prev = -1;
  let bit = 0;
  let n = 0;
  const total = data.length * 8;
  const write = (code: number): void => {
    const len = length[code] as number;
    let at = n + len - 1;
    for (let c = code; c >= 0 && at >= n; c = prefix[c] as number) {
      if (at < pixels) out[at] = suffix[c] as number;
      at--;
    }
    n += len;
  };
  while (bit + size <= total && n < pixels) {
    let code = 0;
    for (let i = 0; i < size; i++, bit++) code |= (((data[bit >> 3] as number) >> (bit & 7)) & 1) << i;
    if (code === clear) {
      size = minCodeSize + 1;
      next = clear + 2;
      prev = -1;
      continue;
    }
    if (code === end) break;
    if (prev < 0) {
      if (code >= clear) throw new Error(`bad first LZW code ${code}`);
      write(code);
      prev = code;
      continue;
    }
    if (code > next) throw new Error(`bad LZW code ${code}`);
    const head = code < next ? (first[code] as number) : (first[prev] as number);
    if (next < 4096) {
      prefix[next] = prev;
      suffix[next] = head;
      first[next] = first[prev] as number;
      length[next] = (length[prev] as number) + 1;
      next++;
    }
    write(code);
    prev = code;
    if (next === 1 << size && size < 12) size++;
  }
  if (n < pixels) throw new Error(`LZW gave ${n} pixels, ${pixels} expected`);
  return out;
}

/** Every frame of `bytes` as RGB. */
export function decodeGif(bytes: Uint8Array): DecodedFrame[] {
  const info = readGifInfo(bytes);
  if (!info || !info.complete) throw new Error('not a complete GIF');
  const packed = bytes[10] as number;
  let at = 13;
  let global: Uint8Array | null = null;
  if (packed & 0x80) {
    const n = 3 * (1 << ((packed & 7) + 1));
    global = bytes.subarray(at, at + n);
    at += n;
  }
  const frames: DecodedFrame[] = [];
  const skip = (p: number): number => {
    while (bytes[p] !== 0) p += 1 + (bytes[p] as number);
    return p + 1;
  };
  while (bytes[at] !== 0x3b) {
    if (bytes[at] === 0x21) {
      at = skip(at + 2);
      continue;
    }
    if (bytes[at] !== 0x2c) throw new Error(`unexpected block 0x${(bytes[at] as number).toString(16)}`);
    const w = (bytes[at + 5] as number) | ((bytes[at + 6] as number) << 8);
    const h = (bytes[at + 7] as number) | ((bytes[at + 8] as number) << 8);
    const fields = bytes[at + 9] as number;
    if (fields & 0x40) throw new Error('interlaced frames are not supported here');
    let p = at + 10;
    let table = global;
    if (fields & 0x80) {
      const n = 3 * (1 << ((fields & 7) + 1));
      table = bytes.subarray(p, p + n);
      p += n;
    }
    if (!table) throw new Error('no colour table');
    const minCode = bytes[p] as number;
    p += 1;
    const parts: number[] = [];
    while (bytes[p] !== 0) {
      const len = bytes[p] as number;
      for (let i = 0; i < len; i++) parts.push(bytes[p + 1 + i] as number);
      p += 1 + len;
    }
    at = p + 1;
    const index = lzwDecode(Uint8Array.from(parts), minCode, w * h);
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb.set(table.subarray(3 * (index[i] as number), 3 * (index[i] as number) + 3), 3 * i);
    frames.push({ width: w, height: h, rgb });
  }
  return frames;
}
