// The GIF worker's messages (gifSession.ts has the protocol's story): valibot schemas for both
// directions and the types derived from them (docs/ARCHITECTURE.md, "Schemas at the boundaries"),
// in a module of their own so that the page can check replies without importing the session and
// its encoder. The reply check is handed to the lazy animation code by the Share panel
// (src/export/animate.ts, FigureDrawing): valibot is in the page's first bundle, and a lazy chunk
// importing it would split that bundle's shared chunks.

import * as v from 'valibot';

/** Largest side the worker accepts (GIF stores sides in 16 bits). */
const MAX_SIDE = 0xffff;
/** Longest comment accepted (the permalink: an address and a capped fragment). */
export const MAX_GIF_COMMENT_COMMAND_CHARS = 64 * 1024;

const count = (max: number, message: string, min = 0) => v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
/** Pixels are checked by kind, never value by value (a frame is megabytes). */
const pixels = (what: string) => v.union([v.instance(Uint8ClampedArray), v.instance(Uint8Array)], `${what}: rgba must be a Uint8ClampedArray`);
const frameIndex = (message: string) => count(1e6, message);

/**
 * Page → worker, one schema per command (docs/ARCHITECTURE.md, "Schemas at the boundaries"). Built
 * by a function, so that the page's first bundle, which reads only replies, leaves it out.
 */
function gifCommandSchema() {
  const side = count(MAX_SIDE, 'start: width and height must be whole numbers from 1 to 65535', 1);
  const comment = 'finish: comment must be a string of at most 65536 characters';
  return v.variant(
    'type',
    [
      v.object({ type: v.literal('start'), width: side, height: side }),
      v.object({ type: v.literal('palette'), rgba: pixels('palette') }),
      v.object({ type: v.literal('frame'), index: frameIndex('frame: index must be a whole number'), rgba: pixels('frame'), delayMs: count(655_350, 'frame: delayMs must be a whole number of ms up to 655350') }),
      v.object({ type: v.literal('finish'), comment: v.pipe(v.string(comment), v.maxLength(MAX_GIF_COMMENT_COMMAND_CHARS, comment)) }),
    ],
    'unknown command',
  );
}
let commandSchema: ReturnType<typeof gifCommandSchema> | null = null;

/**
 * Worker → page, one schema per reply, chosen by `type`. (Not v.variant: the page's first bundle
 * checks these replies, and these schemas use only the valibot functions it already holds, so the
 * check adds a few hundred bytes there; docs/ARCHITECTURE.md, "Sharing".)
 */
const GIF_REPLY_SCHEMAS = {
  ack: v.object({ type: v.literal('ack'), index: frameIndex('') }),
  done: v.object({ type: v.literal('done'), bytes: v.custom<Uint8Array>((x) => x instanceof Uint8Array) }),
  error: v.object({ type: v.literal('error'), message: v.pipe(v.string(), v.transform((m) => m.slice(0, 500))) }),
};

export type GifCommand = v.InferOutput<ReturnType<typeof gifCommandSchema>>;
export type GifReply = v.InferOutput<(typeof GIF_REPLY_SCHEMAS)[keyof typeof GIF_REPLY_SCHEMAS]>;

/** A command from the page, or a sentence saying what is wrong with it. */
export function parseGifCommand(data: unknown): GifCommand | string {
  if (typeof data !== 'object' || data === null) return 'a command must be an object';
  commandSchema ??= gifCommandSchema();
  const r = v.safeParse(commandSchema, data);
  return r.success ? r.output : (r.issues[0]?.message ?? 'unknown command');
}

/** A reply from the worker, or null when it is not one. */
export function parseGifReply(data: unknown): GifReply | null {
  const type: unknown = typeof data === 'object' && data !== null && Object.hasOwn(data, 'type') ? (data as { type: unknown }).type : undefined;
  if (type !== 'ack' && type !== 'done' && type !== 'error') return null;
  const r = v.safeParse(GIF_REPLY_SCHEMAS[type], data);
  return r.success ? r.output : null;
}
