// The GIF worker's protocol and session (docs/ARCHITECTURE.md, "Sharing"): the page rasterises
// each frame of the decoding animation (only the page can draw an SVG) and sends its pixels here;
// this thread quantises, maps and LZW-compresses them with gifenc, so that the page's main thread
// never runs an encoding step (the bench's "animation" row: no main-thread task over 50 ms).
//
// Every message is checked field by field both ways (docs/RELIABILITY.md, "the worker dies or
// sends garbage"): a bad command is answered with an error and changes nothing; the page checks
// each reply with `parseGifReply` and ends the worker on anything else.
//
// Page → worker: start {width, height} · palette {rgba} (the last frame: every colour) · frame
// {index, rgba, delayMs} (frames in order) · finish {comment}. Worker → page: ack {index} after a
// frame (the page sends the next one then, so at most one frame waits here: a 100-frame
// animation never holds 100 frames in memory) · done {bytes} · error {message}.
//
// Pixels travel by structured-clone copy, never by transfer: a transfer detaches the page's
// buffer, and a detach slows the page's tensor kernels for good (bench/README.md, "Why bench
// hosts").

import { GifWriter } from '../export/gifEncode';

export type GifCommand =
  | { type: 'start'; width: number; height: number }
  | { type: 'palette'; rgba: Uint8ClampedArray | Uint8Array }
  | { type: 'frame'; index: number; rgba: Uint8ClampedArray | Uint8Array; delayMs: number }
  | { type: 'finish'; comment: string };

export type GifReply = { type: 'ack'; index: number } | { type: 'done'; bytes: Uint8Array } | { type: 'error'; message: string };

/** Largest side the worker accepts (GIF stores sides in 16 bits). */
const MAX_SIDE = 0xffff;
/** Longest comment accepted (the permalink: an address and a capped fragment). */
export const MAX_GIF_COMMENT_COMMAND_CHARS = 64 * 1024;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isPixels = (x: unknown): x is Uint8ClampedArray | Uint8Array => x instanceof Uint8ClampedArray || x instanceof Uint8Array;
const isCount = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;

/** A command from the page, or a sentence saying what is wrong with it. */
export function parseGifCommand(data: unknown): GifCommand | string {
  if (!isObject(data)) return 'a command must be an object';
  switch (data.type) {
    case 'start':
      if (!isCount(data.width, MAX_SIDE) || !isCount(data.height, MAX_SIDE) || data.width === 0 || data.height === 0) return 'start: width and height must be whole numbers from 1 to 65535';
      return { type: 'start', width: data.width, height: data.height };
    case 'palette':
      if (!isPixels(data.rgba)) return 'palette: rgba must be a Uint8ClampedArray';
      return { type: 'palette', rgba: data.rgba };
    case 'frame':
      if (!isCount(data.index, 1e6)) return 'frame: index must be a whole number';
      if (!isPixels(data.rgba)) return 'frame: rgba must be a Uint8ClampedArray';
      if (!isCount(data.delayMs, 655_350)) return 'frame: delayMs must be a whole number of ms up to 655350';
      return { type: 'frame', index: data.index, rgba: data.rgba, delayMs: data.delayMs };
    case 'finish':
      if (typeof data.comment !== 'string' || data.comment.length > MAX_GIF_COMMENT_COMMAND_CHARS) return 'finish: comment must be a string of at most 65536 characters';
      return { type: 'finish', comment: data.comment };
    default:
      return 'unknown command';
  }
}

/** A reply from the worker, or null when it is not one. */
export function parseGifReply(data: unknown): GifReply | null {
  if (!isObject(data)) return null;
  if (data.type === 'ack' && isCount(data.index, 1e6)) return { type: 'ack', index: data.index };
  if (data.type === 'done' && data.bytes instanceof Uint8Array) return { type: 'done', bytes: data.bytes };
  if (data.type === 'error' && typeof data.message === 'string') return { type: 'error', message: data.message.slice(0, 500) };
  return null;
}

/** One animation at a time: start, palette, frames in order, finish. */
export class GifSession {
  private writer: GifWriter | null = null;
  private next = 0;

  constructor(private readonly post: (reply: GifReply) => void) {}

  receive(data: unknown): void {
    const command = parseGifCommand(data);
    if (typeof command === 'string') {
      this.post({ type: 'error', message: command });
      return;
    }
    try {
      this.handle(command);
    } catch (err) {
      this.writer = null;
      this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private handle(command: GifCommand): void {
    if (command.type === 'start') {
      this.writer = new GifWriter(command.width, command.height);
      this.next = 0;
      return;
    }
    const writer = this.writer;
    if (!writer) throw new Error(`${command.type} before start`);
    if (command.type === 'palette') {
      writer.setPalette(command.rgba);
      return;
    }
    if (command.type === 'frame') {
      if (command.index !== this.next) throw new Error(`frame ${command.index} arrived, frame ${this.next} was expected`);
      writer.addFrame(command.rgba, command.delayMs);
      this.next += 1;
      this.post({ type: 'ack', index: command.index });
      return;
    }
    const bytes = writer.finish(command.comment === '' ? undefined : command.comment);
    this.writer = null;
    this.post({ type: 'done', bytes });
  }
}
