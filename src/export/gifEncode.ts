// The animated GIF writer of the decoding animation (animation.ts), over gifenc (a small,
// dependency-free encoder: colour quantiser, palette mapping and LZW). Imported only by the GIF
// worker (src/worker/gif.worker.ts), the tests and the bench, never by the page's first bundle:
// the encoder arrives when a reader asks for an animation (docs/ARCHITECTURE.md, "Sharing").
//
// One palette for the whole animation: the frames are the same figure with more rows filled in,
// so the last frame (every row, every label) holds every colour any frame uses. `setPalette`
// quantises that frame once (256 colours); each frame is then only mapped onto it, which is
// cheaper than quantising each frame and keeps a colour from flickering between frames.
//
// No pixel ever needs transparency: every frame is a whole, opaque picture (the figure's
// background is painted), so the frames need no disposal tricks and any viewer shows them alike.

import { GIFEncoder, applyPalette, quantize, type GifEncoderInstance, type GifPalette } from 'gifenc';
import { withGifComment } from './gif';

/** An RGBA frame whose buffer is exactly its pixels (gifenc reads `rgba.buffer` whole). */
function ownBuffer(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  if (rgba.byteOffset === 0 && rgba.buffer.byteLength === rgba.byteLength) return new Uint8Array(rgba.buffer);
  return new Uint8Array(rgba);
}

/** Writes an animated GIF frame by frame. */
export class GifWriter {
  private readonly encoder: GifEncoderInstance;
  private palette: GifPalette | null = null;
  private count = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width <= 0xffff && height <= 0xffff)) {
      throw new RangeError(`a GIF cannot be ${width} × ${height} px`);
    }
    this.encoder = GIFEncoder({ initialCapacity: 1 << 20 });
  }

  /** Frames written so far. */
  get frames(): number {
    return this.count;
  }

  private check(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
    if (rgba.length !== this.width * this.height * 4) {
      throw new RangeError(`a frame of ${rgba.length} bytes is not ${this.width} × ${this.height} RGBA`);
    }
    return ownBuffer(rgba);
  }

  /** The animation's palette: 256 colours quantised from `rgba` (give the frame with every colour, the last). */
  setPalette(rgba: Uint8Array | Uint8ClampedArray): void {
    // quantize reads the pixels only; a copy keeps the caller's frame as it was in any case
    this.palette = quantize(new Uint8Array(this.check(rgba)), 256, { format: 'rgb565' });
  }

  /** Appends a frame shown for `delayMs` (rounded to hundredths of a second, as GIF stores it). */
  addFrame(rgba: Uint8Array | Uint8ClampedArray, delayMs: number): void {
    const pixels = this.check(rgba);
    if (!this.palette) this.setPalette(pixels);
    const palette = this.palette as GifPalette;
    const index = applyPalette(pixels, palette, 'rgb565');
    // the palette and the loop (0 = forever) go with the first frame: gifenc writes them as the
    // global colour table and the NETSCAPE2.0 extension
    this.encoder.writeFrame(index, this.width, this.height, this.count === 0 ? { palette, delay: delayMs, repeat: 0 } : { delay: delayMs });
    this.count += 1;
  }

  /** The finished file, with `comment` (the permalink) as a Comment Extension when given. */
  finish(comment?: string): Uint8Array {
    if (this.count === 0) throw new RangeError('an animation needs at least one frame');
    this.encoder.finish();
    const bytes = this.encoder.bytes();
    return comment === undefined ? bytes : withGifComment(bytes, comment);
  }
}
