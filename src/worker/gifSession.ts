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
import { parseGifCommand, type GifCommand, type GifReply } from './gifProtocol';

export { parseGifCommand, parseGifReply, MAX_GIF_COMMENT_COMMAND_CHARS, type GifCommand, type GifReply } from './gifProtocol';

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
