// The animated GIF: written by gifenc through GifWriter (what the GIF worker runs), read back by
// readGifInfo (frame count, size, delays, loop, the permalink comment) and decoded pixel by
// pixel by a small test decoder; readGifInfo on files that are not ours never throws.

import { describe, expect, it } from 'vitest';
import { MAX_GIF_COMMENT_CHARS, readGifInfo, withGifComment } from '../../src/export/gif';
import { GifWriter } from '../../src/export/gifEncode';
import { decodeGif } from './gifDecode';

const W = 40;
const H = 35; // 7 bands: the last of 6 frames still has background, as the palette source must hold every colour
const COLOURS = [
  [251, 250, 247],
  [0, 32, 77],
  [253, 234, 69],
  [124, 123, 120],
] as const;

/** Frame k: rows of 5 px bands, the first k + 1 bands in colours, the rest background. */
function frame(k: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    const band = Math.floor(y / 5);
    for (let x = 0; x < W; x++) {
      const c = band <= k ? COLOURS[1 + ((band + (x > W / 2 ? 1 : 0)) % 3)] : COLOURS[0];
      rgba.set([...(c as readonly number[]), 255], 4 * (y * W + x));
    }
  }
  return rgba;
}

function gif(frames: number, comment?: string): Uint8Array {
  const w = new GifWriter(W, H);
  w.setPalette(frame(frames - 1));
  for (let k = 0; k < frames; k++) w.addFrame(frame(k), k === frames - 1 ? 2500 : 600);
  return w.finish(comment);
}

describe('GifWriter → readGifInfo', () => {
  it('writes one frame per call, of the given size, with the delays, looping forever, the link as a comment', () => {
    const link = 'http://127.0.0.1:4183/#s=' + 'x'.repeat(600) + '&v=2';
    const info = readGifInfo(gif(6, link));
    expect(info).not.toBeNull();
    expect(info?.version).toBe('GIF89a');
    expect([info?.width, info?.height]).toEqual([W, H]);
    expect(info?.frames).toHaveLength(6);
    for (const f of info?.frames ?? []) expect(f).toMatchObject({ left: 0, top: 0, width: W, height: H });
    expect(info?.frames.map((f) => f.delayMs)).toEqual([600, 600, 600, 600, 600, 2500]);
    expect(info?.loop).toBe(0);
    expect(info?.comments).toEqual([link]);
    expect(info?.complete).toBe(true);
    expect(info?.problem).toBeNull();
  });

  it('decodes back to the frames drawn: frame k has bands 0..k coloured and the rest background', () => {
    const frames = decodeGif(gif(6));
    expect(frames).toHaveLength(6);
    frames.forEach((f, k) => {
      const want = frame(k);
      for (let i = 0; i < W * H; i++) {
        // four exact colours fit any 256-colour palette exactly
        expect([f.rgb[3 * i], f.rgb[3 * i + 1], f.rgb[3 * i + 2]]).toEqual([want[4 * i], want[4 * i + 1], want[4 * i + 2]]);
      }
    });
  });

  it('refuses frames of the wrong size, no frame at all, and impossible sizes', () => {
    const w = new GifWriter(W, H);
    expect(() => w.addFrame(new Uint8ClampedArray(10), 100)).toThrow(/not 40 × 35 RGBA/);
    expect(() => w.finish()).toThrow(/at least one frame/);
    expect(() => new GifWriter(0, 5)).toThrow(RangeError);
    expect(() => new GifWriter(70_000, 5)).toThrow(RangeError);
    expect(() => new GifWriter(2.5, 5)).toThrow(RangeError);
  });

  it('takes a frame that is a view into a larger buffer (gifenc reads whole buffers)', () => {
    const big = new Uint8Array(W * H * 4 + 64);
    big.set(frame(5), 16);
    const w = new GifWriter(W, H);
    w.addFrame(big.subarray(16, 16 + W * H * 4), 100);
    const [f] = decodeGif(w.finish());
    expect(Array.from((f as { rgb: Uint8Array }).rgb.subarray(0, 3))).toEqual([...COLOURS[1]]);
  });
});

describe('withGifComment', () => {
  it('splits long and non-ASCII text into sub-blocks of at most 255 bytes, read back whole', () => {
    const text = 'é✓🙂'.repeat(200) + 'end';
    const info = readGifInfo(withGifComment(gif(2), text));
    expect(info?.comments).toEqual([text]);
    expect(info?.frames).toHaveLength(2);
    expect(info?.complete).toBe(true);
  });

  it('refuses bytes that are not a finished GIF', () => {
    expect(() => withGifComment(new Uint8Array([1, 2, 3]), 'x')).toThrow(/not a finished GIF/);
  });
});

describe('readGifInfo on files that are not ours', () => {
  it('is null for what does not start like a GIF', () => {
    expect(readGifInfo(new Uint8Array(0))).toBeNull();
    expect(readGifInfo(new TextEncoder().encode('GIF90a and more bytes here'))).toBeNull();
    expect(readGifInfo(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });

  it('never throws on any truncation, and says so', () => {
    const whole = gif(3, 'http://x/#y');
    for (let n = 13; n < whole.length; n++) {
      const info = readGifInfo(whole.subarray(0, n));
      expect(info).not.toBeNull();
      expect(info?.complete).toBe(false);
      expect(info?.problem).toMatch(/truncated|bad-block/);
      expect(info?.frames.length).toBeLessThanOrEqual(3);
    }
  });

  it('stops at an unknown block, and skips a comment over the cap without decoding it', () => {
    const g = gif(1);
    const bad = new Uint8Array(g.length + 1);
    bad.set(g.subarray(0, g.length - 1));
    bad[g.length - 1] = 0x99;
    bad[g.length] = 0x3b;
    expect(readGifInfo(bad)?.problem).toBe('bad-block');
    const huge = readGifInfo(withGifComment(g, 'a'.repeat(MAX_GIF_COMMENT_CHARS + 1)));
    expect(huge?.comments).toEqual([]);
    expect(huge?.complete).toBe(true);
  });

  it('survives random bytes after a GIF header', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let t = 0; t < 300; t++) {
      const bytes = new Uint8Array(13 + (t % 200));
      bytes.set(new TextEncoder().encode('GIF89a'));
      for (let i = 6; i < bytes.length; i++) bytes[i] = rand();
      expect(() => readGifInfo(bytes)).not.toThrow();
    }
  });
});
