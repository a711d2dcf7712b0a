// BROWSER-ONLY. The decoding animation as a video (docs/ARCHITECTURE.md, "Sharing"), encoded by
// the browser itself through WebCodecs and put into a file by Mediabunny (the maintained successor
// of mp4-muxer and webm-muxer, tree-shaken to the muxers, the canvas source and the codec checks
// used here). Loaded only when the reader asks for a video: a chunk of its own.
//
// The container follows the codec the browser can encode: MP4 with H.264 (what slides and phones
// play), else WebM with VP9 or VP8 (Debian's Chromium has no H.264 encoder but libvpx).
// A browser with neither (or without WebCodecs) gets VideoUnsupportedError, which the page turns
// into a sentence; the GIF works everywhere.
//
// Frames are drawn by the caller into `canvas` (the same figure as the GIF's frames), one
// sample per decoding step with its own duration, so the file holds one frame per step, not a
// fixed frame rate. The permalink goes into the file's comment tag, as in the PNG and the GIF.

import {
  BufferTarget,
  CanvasSource,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  WebMOutputFormat,
  canEncodeVideo,
  type VideoCodec,
} from 'mediabunny';

/** No WebCodecs, or no codec this browser can encode at this size. */
export class VideoUnsupportedError extends Error {
  override name = 'VideoUnsupportedError';
}

/** The container and codec this browser can encode a `width` × `height` video in, or null. */
export async function videoChoice(width: number, height: number): Promise<{ extension: 'mp4' | 'webm'; codec: VideoCodec } | null> {
  if (typeof VideoEncoder === 'undefined') return null;
  const options = { width, height, bitrate: QUALITY_HIGH };
  for (const [extension, codecs] of [
    ['mp4', ['avc']],
    ['webm', ['vp9', 'vp8']],
  ] as const) {
    for (const codec of codecs) {
      try {
        if (await canEncodeVideo(codec, options)) return { extension, codec };
      } catch {
        // a browser that throws on the question cannot encode it either
      }
    }
  }
  return null;
}

export interface VideoRequest {
  canvas: HTMLCanvasElement;
  /** Each frame's duration, in ms. */
  delaysMs: readonly number[];
  /** Draws frame k into `canvas`. */
  draw(k: number): Promise<void>;
  link: string;
  signal?: AbortSignal;
  onFrame?(done: number): void;
}

/** Encodes the frames into an MP4 or a WebM. Rejects with VideoUnsupportedError, or the browser's encoder error. */
export async function encodeVideo(request: VideoRequest): Promise<{ blob: Blob; extension: 'mp4' | 'webm' }> {
  const { canvas, delaysMs } = request;
  const choice = await videoChoice(canvas.width, canvas.height);
  if (!choice) throw new VideoUnsupportedError(`this browser cannot encode a ${canvas.width} × ${canvas.height} video (WebCodecs H.264, VP9 or VP8)`);
  const output = new Output({
    format: choice.extension === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(),
    target: new BufferTarget(),
  });
  // one key frame every few steps: a slide player can start anywhere, and the file stays small
  const source = new CanvasSource(canvas, { codec: choice.codec, bitrate: QUALITY_HIGH, keyFrameInterval: 5 });
  output.addVideoTrack(source);
  output.setMetadataTags({ comment: request.link, title: 'RNNsearch: attention while decoding' });
  await output.start();
  try {
    let t = 0;
    for (let k = 0; k < delaysMs.length; k++) {
      if (request.signal?.aborted) throw request.signal.reason ?? new DOMException('cancelled', 'AbortError');
      await request.draw(k);
      const d = delaysMs[k] / 1000;
      await source.add(t, d);
      t += d;
      request.onFrame?.(k + 1);
    }
    source.close();
    await output.finalize();
  } catch (err) {
    await output.cancel().catch(() => undefined);
    throw err;
  }
  const buffer = (output.target as BufferTarget).buffer;
  if (!buffer) throw new Error('the video muxer produced no file');
  return { blob: new Blob([buffer], { type: choice.extension === 'mp4' ? 'video/mp4' : 'video/webm' }), extension: choice.extension };
}
