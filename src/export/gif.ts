// GIF files by their bytes, without a decoder (docs/ARCHITECTURE.md, "Sharing"): the decoding
// animation (animation.ts) is a GIF89a written by gifenc (gifEncode.ts, loaded only with the
// animation); this module holds what the page, the tests and the bench need besides that, and
// it imports no encoder, so it costs the initial bundle nothing it does not use:
//
//   * `withGifComment` puts the permalink into the file as a Comment Extension (GIF89a §24), as
//     the PNG carries it in an iTXt chunk (png.ts), so the file itself says where it came from;
//   * `readGifInfo` walks the blocks of a GIF (header, logical screen, colour tables, extensions,
//     image descriptors, data sub-blocks, trailer) and counts frames, reads each frame's delay,
//     the loop count and the comments. It decodes no pixels.
//
// A GIF handed to `readGifInfo` may be anyone's file (docs/RELIABILITY.md, "a GIF that is not
// ours"): it never throws, stops at the first block it cannot read and says why, reads no
// comment past MAX_GIF_COMMENT_CHARS and counts no more than MAX_GIF_FRAMES frames.

/** Frames counted before `readGifInfo` gives up (far past any animation the page writes). */
export const MAX_GIF_FRAMES = 10_000;
/** Longest comment `readGifInfo` decodes, in bytes; a longer one is skipped (its length kept). */
export const MAX_GIF_COMMENT_CHARS = 64 * 1024;

/** What a GIF's blocks say about it. */
export interface GifInfo {
  /** 'GIF87a' or 'GIF89a'. */
  version: string;
  width: number;
  height: number;
  /** One entry per image: its size, place and delay (hundredths of a second × 10 = ms). */
  frames: Array<{ left: number; top: number; width: number; height: number; delayMs: number }>;
  /** The NETSCAPE2.0 loop count: 0 = forever; null when the file has none (plays once). */
  loop: number | null;
  /** The Comment Extensions' texts (UTF-8), in file order. */
  comments: string[];
  /** Whether the file ends with the trailer byte (0x3B) right after its last block. */
  complete: boolean;
  /** Why reading stopped early, when it did ('truncated', 'bad-block', 'too-many-frames'). */
  problem: string | null;
}

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);

/**
 * The blocks of `bytes` as a GifInfo, or null when it does not start like a GIF (no `GIF87a` /
 * `GIF89a` header, or shorter than a header and a logical screen descriptor). Never throws.
 */
export function readGifInfo(bytes: Uint8Array): GifInfo | null {
  if (bytes.length < 13) return null;
  const version = String.fromCharCode(...bytes.subarray(0, 6));
  if (version !== 'GIF87a' && version !== 'GIF89a') return null;
  const info: GifInfo = { version, width: u16(bytes, 6), height: u16(bytes, 8), frames: [], loop: null, comments: [], complete: false, problem: null };
  let at = 13;
  const packed = bytes[10];
  if (packed & 0x80) at += 3 * (1 << ((packed & 7) + 1));
  let delayMs = 0;
  const decoder = new TextDecoder('utf-8');

  /** Skips data sub-blocks from `p` (each a length byte then that many bytes, ended by 0); the offset after, or -1. */
  const skipSubBlocks = (p: number, collect?: number[][]): number => {
    while (p < bytes.length) {
      const n = bytes[p];
      if (n === 0) return p + 1;
      if (p + 1 + n > bytes.length) return -1;
      collect?.push(Array.from(bytes.subarray(p + 1, p + 1 + n)));
      p += 1 + n;
    }
    return -1;
  };

  while (at < bytes.length) {
    const introducer = bytes[at];
    if (introducer === 0x3b) {
      info.complete = true;
      return info;
    }
    if (introducer === 0x21) {
      if (at + 2 > bytes.length) break;
      const label = bytes[at + 1];
      if (label === 0xf9 && bytes[at + 2] === 4 && at + 8 <= bytes.length) delayMs = u16(bytes, at + 4) * 10;
      if (label === 0xfe) {
        // a comment: decoded only up to the cap, so a hostile file cannot make us build a huge string
        let total = 0;
        let p = at + 2;
        const parts: Uint8Array[] = [];
        while (p < bytes.length && bytes[p] !== 0) {
          const n = bytes[p];
          if (p + 1 + n > bytes.length) break;
          total += n;
          if (total <= MAX_GIF_COMMENT_CHARS) parts.push(bytes.subarray(p + 1, p + 1 + n));
          p += 1 + n;
        }
        if (total <= MAX_GIF_COMMENT_CHARS) {
          const joined = new Uint8Array(total);
          let o = 0;
          for (const part of parts) {
            joined.set(part, o);
            o += part.length;
          }
          info.comments.push(decoder.decode(joined));
        }
      }
      if (label === 0xff && bytes[at + 2] === 11 && at + 14 <= bytes.length) {
        const app = String.fromCharCode(...bytes.subarray(at + 3, at + 14));
        // NETSCAPE2.0 sub-block: 3, 1, loop count (u16)
        if (app === 'NETSCAPE2.0' && bytes[at + 14] === 3 && bytes[at + 15] === 1 && at + 18 <= bytes.length) info.loop = u16(bytes, at + 16);
      }
      const next = skipSubBlocks(at + 2);
      if (next < 0) {
        info.problem = 'truncated';
        return info;
      }
      at = next;
      continue;
    }
    if (introducer === 0x2c) {
      if (at + 10 > bytes.length) break;
      if (info.frames.length >= MAX_GIF_FRAMES) {
        info.problem = 'too-many-frames';
        return info;
      }
      info.frames.push({ left: u16(bytes, at + 1), top: u16(bytes, at + 3), width: u16(bytes, at + 5), height: u16(bytes, at + 7), delayMs });
      delayMs = 0;
      const fields = bytes[at + 9];
      let p = at + 10;
      if (fields & 0x80) p += 3 * (1 << ((fields & 7) + 1));
      // LZW minimum code size, then the image data sub-blocks
      const next = skipSubBlocks(p + 1);
      if (next < 0) {
        info.problem = 'truncated';
        return info;
      }
      at = next;
      continue;
    }
    info.problem = 'bad-block';
    return info;
  }
  info.problem = 'truncated';
  return info;
}

/**
 * `gif` with a Comment Extension holding `text` (UTF-8, in sub-blocks of at most 255 bytes)
 * inserted before its trailer. Throws when `gif` does not end with the trailer byte.
 */
export function withGifComment(gif: Uint8Array, text: string): Uint8Array {
  if (gif.length < 14 || gif[gif.length - 1] !== 0x3b) throw new Error('not a finished GIF (no trailer)');
  const data = new TextEncoder().encode(text);
  const blocks = Math.ceil(data.length / 255);
  const out = new Uint8Array(gif.length + 2 + data.length + blocks + 1);
  out.set(gif.subarray(0, gif.length - 1), 0);
  let p = gif.length - 1;
  out[p++] = 0x21;
  out[p++] = 0xfe;
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    out[p++] = part.length;
    out.set(part, p);
    p += part.length;
  }
  out[p++] = 0;
  out[p] = 0x3b;
  return out;
}
