// The GIF worker's entry: wires GifSession (gifSession.ts) to this thread. Loaded only when the
// reader asks for an animated GIF; the encoder (gifenc) comes with it, in this worker's own file.
//
// A frame may arrive as an ImageBitmap (`bitmap` instead of `rgba`): the page then reads no
// pixels at all. Reading a 2× frame with getImageData allocates megabytes on the page's main
// thread per frame, and the garbage collections that follow were the page's longest tasks while
// encoding (bench "animation"); here the bitmap is drawn onto an OffscreenCanvas and read in this
// thread instead. An ImageBitmap is transferred, which detaches no ArrayBuffer (gifSession.ts).

import { GifSession } from './gifSession';
import { workerScope } from './scope';

const session = new GifSession((reply) => workerScope.postMessage(reply));
let canvas: OffscreenCanvas | null = null;

/** The bitmap's pixels (RGBA), the bitmap closed. */
function pixelsOf(bitmap: ImageBitmap): Uint8ClampedArray {
  try {
    if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context in the GIF worker');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  } finally {
    bitmap.close();
  }
}

workerScope.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && typeof ImageBitmap !== 'undefined' && (data as { bitmap?: unknown }).bitmap instanceof ImageBitmap) {
    const { bitmap, ...rest } = data as { bitmap: ImageBitmap };
    let rgba: Uint8ClampedArray;
    try {
      rgba = pixelsOf(bitmap);
    } catch (err) {
      workerScope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    session.receive({ ...rest, rgba });
    return;
  }
  session.receive(data);
});
workerScope.addEventListener('messageerror', () => workerScope.postMessage({ type: 'error', message: 'a frame from the page could not be read by the GIF worker' }));
