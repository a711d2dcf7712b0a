// The GIF worker's session and protocol (src/worker/gifSession.ts): commands are checked field by
// field, a bad one is answered with an error and changes nothing, frames must come in order, and
// the finished file is a GIF with the frames and the link.
import { describe, expect, it } from 'vitest';
import { readGifInfo } from '../../src/export/gif';
import { GifSession, parseGifCommand, parseGifReply, type GifReply } from '../../src/worker/gifSession';

const W = 8;
const H = 6;
const px = (v: number): Uint8ClampedArray => new Uint8ClampedArray(W * H * 4).fill(v);

function session(): { s: GifSession; replies: GifReply[] } {
  const replies: GifReply[] = [];
  return { s: new GifSession((r) => replies.push(r)), replies };
}

describe('GifSession', () => {
  it('start, palette, frames in order, finish: acks each frame and sends a GIF with them and the link', () => {
    const { s, replies } = session();
    s.receive({ type: 'start', width: W, height: H });
    s.receive({ type: 'palette', rgba: px(200) });
    for (let k = 0; k < 4; k++) s.receive({ type: 'frame', index: k, rgba: px(50 * k), delayMs: 600 });
    s.receive({ type: 'finish', comment: 'http://host/#s=abc' });
    expect(replies.slice(0, 4)).toEqual([0, 1, 2, 3].map((index) => ({ type: 'ack', index })));
    const done = replies[4];
    expect(done?.type).toBe('done');
    const info = readGifInfo((done as { bytes: Uint8Array }).bytes);
    expect(info?.frames).toHaveLength(4);
    expect([info?.width, info?.height]).toEqual([W, H]);
    expect(info?.comments).toEqual(['http://host/#s=abc']);
  });

  it('answers a malformed command with an error and keeps the animation going', () => {
    const { s, replies } = session();
    s.receive({ type: 'start', width: W, height: H });
    for (const bad of [null, 'frame', { type: 'frame', index: -1, rgba: px(0), delayMs: 1 }, { type: 'frame', index: 0, rgba: [1, 2], delayMs: 1 }, { type: 'frame', index: 0, rgba: px(0), delayMs: Number.NaN }, { type: 'nope' }, { type: 'finish', comment: 5 }]) {
      s.receive(bad);
    }
    expect(replies).toHaveLength(7);
    expect(replies.every((r) => r.type === 'error')).toBe(true);
    s.receive({ type: 'frame', index: 0, rgba: px(9), delayMs: 100 });
    expect(replies.at(-1)).toEqual({ type: 'ack', index: 0 });
  });

  it('refuses frames before start, out of order, or of the wrong size', () => {
    const { s, replies } = session();
    s.receive({ type: 'frame', index: 0, rgba: px(0), delayMs: 100 });
    expect(replies.at(-1)).toMatchObject({ type: 'error', message: 'frame before start' });
    s.receive({ type: 'start', width: W, height: H });
    s.receive({ type: 'frame', index: 1, rgba: px(0), delayMs: 100 });
    expect(replies.at(-1)).toMatchObject({ type: 'error', message: 'frame 1 arrived, frame 0 was expected' });
    s.receive({ type: 'start', width: W, height: H });
    s.receive({ type: 'frame', index: 0, rgba: new Uint8ClampedArray(4), delayMs: 100 });
    expect(replies.at(-1)).toMatchObject({ type: 'error' });
    expect((replies.at(-1) as { message: string }).message).toMatch(/not 8 × 6 RGBA/);
  });

  it('refuses impossible sizes and huge comments at the door', () => {
    expect(parseGifCommand({ type: 'start', width: 0, height: 5 })).toMatch(/whole numbers from 1 to 65535/);
    expect(parseGifCommand({ type: 'start', width: 70_000, height: 5 })).toMatch(/whole numbers/);
    expect(parseGifCommand({ type: 'finish', comment: 'x'.repeat(70_000) })).toMatch(/at most 65536/);
    expect(parseGifCommand({ type: 'start', width: 3, height: 4, extra: { __proto__: { polluted: true } } })).toEqual({ type: 'start', width: 3, height: 4 });
  });
});

describe('parseGifReply', () => {
  it('accepts the three replies and nothing else', () => {
    expect(parseGifReply({ type: 'ack', index: 3 })).toEqual({ type: 'ack', index: 3 });
    expect(parseGifReply({ type: 'done', bytes: new Uint8Array([1]) })).toEqual({ type: 'done', bytes: new Uint8Array([1]) });
    expect(parseGifReply({ type: 'error', message: 'x'.repeat(1000) })).toEqual({ type: 'error', message: 'x'.repeat(500) });
    for (const bad of [null, 1, {}, { type: 'ack', index: 1.5 }, { type: 'done', bytes: [1] }, { type: 'error' }, { type: 'other' }]) expect(parseGifReply(bad)).toBeNull();
  });
});
