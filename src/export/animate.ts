// BROWSER-ONLY. Makes the decoding animation (animation.ts) into a file: each frame's figure is
// built by buildHeatmapSvg (the SVG and PNG exports' own code), drawn onto one canvas as the PNG
// export draws it (an SVG image from a data: URL, at the plan's scale), and handed to an encoder:
//
//   * GIF: the frame's pixels go to the GIF worker (src/worker/gif.worker.ts, gifenc inside), one
//     frame in flight at a time; the last frame is sent first as the palette's source;
//   * video: video.ts (Mediabunny over WebCodecs), imported here only when asked for.
//
// This module is itself imported by the Share panel only when the reader asks for an animation,
// so neither encoder nor this code is in the page's first bundle (docs/ARCHITECTURE.md,
// "Sharing"). The main thread does one frame's drawing per task (tens of ms at most) and yields
// between frames; every encoding step runs in the worker or in the browser's video encoder.
//
// The figure code (buildHeatmapSvg, and the image loading of the PNG export) is handed in by the
// caller (`drawing`), not imported: this chunk then shares no module with the page's first bundle,
// and the bundler keeps that bundle's chunks as they were (an import here of a module the page
// also uses had split the page's shared chunks, 3 kB more to load on every visit).
//
// CSP (docs/RELIABILITY.md, "The static site"): the worker is a file of this site
// (`worker-src 'self'`), the SVG images are data: URLs (`img-src data:`), nothing is eval'd.

import { animationFrames, frameDelaysMs, planAnimation, type AnimationFormat, type AnimationPlan } from './animation';
import type { HeatmapSpec, HeatmapSvg } from './heatmapSvg';
import type { GifCommand, GifReply } from '../worker/gifProtocol';

/** How long the GIF worker may take to answer one message before the animation is given up. */
export const GIF_WORKER_TIMEOUT_MS = 30_000;

/** The encoder could not be started (its code did not load: offline, or the worker failed). */
export class EncoderLoadError extends Error {
  override name = 'EncoderLoadError';
}

/** The still export's code, as the page has it (heatmapSvg.ts, raster.ts). */
export interface FigureDrawing {
  /** buildHeatmapSvg. */
  build(spec: HeatmapSpec): HeatmapSvg;
  /** The SVG as a decoded image (raster.ts: loadImage of svgDataUrl). */
  image(svg: string): Promise<HTMLImageElement>;
  /** The figure's background colour (THEME_COLOURS[theme].background). */
  background: string;
  /**
   * The GIF worker's reply schema (src/worker/gifProtocol.ts parseGifReply), handed in for the
   * same reason: it uses valibot, which the page's first bundle holds, and an import of it here
   * would split that bundle's shared chunks.
   */
  parseGifReply(data: unknown): GifReply | null;
}

export interface AnimationRequest {
  spec: HeatmapSpec;
  drawing: FigureDrawing;
  format: AnimationFormat;
  /** The permalink, written into the file (GIF comment, video comment tag). */
  link: string;
  /** Called after each frame: frames done, frames in all. */
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface AnimationResult {
  blob: Blob;
  extension: 'gif' | 'mp4' | 'webm';
  plan: AnimationPlan;
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('the animation was cancelled', 'AbortError');
}

/** The GIF worker behind one promise per reply; any bad reply, error or silence ends it. */
class GifWorkerClient {
  private readonly worker: Worker;
  private waiting: { resolve(r: GifReply): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> } | null = null;
  private failure: Error | null = null;

  constructor(private readonly parseReply: (data: unknown) => GifReply | null) {
    try {
      this.worker = new Worker(new URL('../worker/gif.worker.ts', import.meta.url), { type: 'module', name: 'rnnsearch-gif' });
    } catch (err) {
      throw new EncoderLoadError(`the GIF encoder could not start (${err instanceof Error ? err.message : String(err)})`);
    }
    this.worker.addEventListener('message', (e) => {
      const reply = this.parseReply(e.data);
      if (!reply) return this.fail(new Error('the GIF worker sent a reply that is not one'));
      if (reply.type === 'error') return this.fail(new Error(`the GIF worker: ${reply.message}`));
      const w = this.waiting;
      this.waiting = null;
      if (w) {
        clearTimeout(w.timer);
        w.resolve(reply);
      }
    });
    // a module worker whose script cannot be fetched (offline) or run fires `error`
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.fail(new EncoderLoadError('the GIF encoder did not load (offline, or the file is missing)'));
    });
    this.worker.addEventListener('messageerror', () => this.fail(new Error('a reply of the GIF worker could not be read')));
  }

  /** Ends the worker; a reply waited for rejects with `err`. */
  fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiting;
    this.waiting = null;
    if (w) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.worker.terminate();
  }

  send(command: GifCommand): void {
    if (this.failure) throw this.failure;
    // copied, never transferred (gifSession.ts)
    this.worker.postMessage(command);
  }

  /** A palette or frame command whose pixels are `bitmap`, transferred (the worker reads them). */
  sendBitmap(command: { type: 'palette' } | { type: 'frame'; index: number; delayMs: number }, bitmap: ImageBitmap): void {
    if (this.failure) {
      bitmap.close();
      throw this.failure;
    }
    this.worker.postMessage({ ...command, bitmap }, [bitmap]);
  }

  /** The next reply (ack or done). */
  reply(): Promise<GifReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`the GIF worker did not answer within ${GIF_WORKER_TIMEOUT_MS / 1000} s`)), GIF_WORKER_TIMEOUT_MS);
      this.waiting = { resolve, reject, timer };
    });
  }

  close(): void {
    this.worker.terminate();
  }
}

/**
 * The animation of `request.spec` as a file. Rejects with AnimationError (nothing to animate, too
 * big), HeatmapExportError (as the still export would), RasterError (the image did not load),
 * EncoderLoadError,
 * VideoUnsupportedError (video.ts), an AbortError when `signal` fires, or an encoder's error.
 */
export async function makeAnimation(request: AnimationRequest): Promise<AnimationResult> {
  const { format, signal } = request;
  const frames = animationFrames(request.spec);
  const delays = frameDelaysMs(frames.length);
  // every frame has the whole figure's size (animation.ts); the last one is built first
  const { drawing } = request;
  const sizes = drawing.build(request.spec);
  const plan = planAnimation(sizes, frames.length, { even: format === 'video' });
  const canvas = document.createElement('canvas');
  canvas.width = plan.width;
  canvas.height = plan.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: format === 'gif' });
  if (!ctx) throw new Error('this browser gave no 2D canvas');
  const background = drawing.background;

  const paint = (img: HTMLImageElement): void => {
    // the background first: a video's even sides may add a pixel beyond the figure
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, plan.width, plan.height);
    ctx.drawImage(img, 0, 0, sizes.width * plan.scale, sizes.height * plan.scale);
  };
  const draw = async (k: number): Promise<void> => {
    paint(await drawing.image(drawing.build(frames[k] as HeatmapSpec).svg));
  };
  // the frame's pixels for the GIF worker: an ImageBitmap where the worker can read one (see
  // gif.worker.ts: no megabytes allocated on this thread per frame), else the RGBA bytes
  const bitmaps = typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
  const send = async (client: GifWorkerClient, command: { type: 'palette' } | { type: 'frame'; index: number; delayMs: number }): Promise<void> => {
    if (bitmaps) client.sendBitmap(command, await createImageBitmap(canvas));
    else client.send({ ...command, rgba: ctx.getImageData(0, 0, plan.width, plan.height).data });
  };

  if (format === 'video') {
    let video: typeof import('./video');
    try {
      video = await import('./video');
    } catch (err) {
      throw new EncoderLoadError(`the video encoder did not load (${err instanceof Error ? err.message : String(err)})`);
    }
    const { blob, extension } = await video.encodeVideo({
      canvas,
      delaysMs: delays,
      draw: async (k) => {
        await draw(k);
        await nextTask();
      },
      link: request.link,
      signal,
      onFrame: (done) => request.onProgress?.(done, frames.length),
    });
    return { blob, extension, plan };
  }

  const client = new GifWorkerClient(drawing.parseGifReply);
  const onAbort = (): void => client.fail(new DOMException('the animation was cancelled', 'AbortError') as Error);
  signal?.addEventListener('abort', onAbort);
  try {
    client.send({ type: 'start', width: plan.width, height: plan.height });
    await draw(frames.length - 1);
    await send(client, { type: 'palette' });
    let pending: Promise<GifReply> | null = null;
    for (let k = 0; k < frames.length; k++) {
      aborted(signal);
      // the worker encodes frame k − 1 while frame k is built and its SVG image decoded; the
      // canvas is drawn once that frame is in the worker's hands
      const img = await drawing.image(drawing.build(frames[k] as HeatmapSpec).svg);
      if (pending) await pending;
      aborted(signal);
      await nextTask();
      paint(img);
      await send(client, { type: 'frame', index: k, delayMs: delays[k] });
      pending = client.reply();
      if (k > 0) request.onProgress?.(k, frames.length);
    }
    await pending;
    request.onProgress?.(frames.length, frames.length);
    client.send({ type: 'finish', comment: request.link });
    const done = await client.reply();
    if (done.type !== 'done') throw new Error('the GIF worker did not finish the file');
    return { blob: new Blob([done.bytes as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), extension: 'gif', plan };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.close();
  }
}
