// The GIF worker's messages (gifSession.ts has the protocol's story): the types and the field-by-
// field checks, in a module of their own so that the page's side (src/export/animate.ts) can check
// replies without importing the session, and with it the encoder, into its own chunk.

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

