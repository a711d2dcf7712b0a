// The decoding animation (docs/ARCHITECTURE.md, "Sharing"): the heatmap filling row by row as the
// model decodes, for chats and slides. Pure planning, no DOM and no encoder, so Node tests cover
// it and the page's first bundle pays only for these few functions:
//
//   * `animationFrames`: frame k is the export's own figure (buildHeatmapSvg, the same code as the
//     SVG and PNG exports, caption included) with target steps 0..k drawn and step k outlined;
//     every frame has the layout and colour scale of the whole figure, so frames line up;
//   * `planAnimation`: how many frames, at which scale, and whether it is too big to make at all
//     (docs/RELIABILITY.md, "the decoding animation asked of a trace with no step");
//   * `frameDelaysMs`: each step shown for STEP_DELAY_MS, the finished figure held longer.
//
// The frames are rasterised and encoded by animate.ts (browser only), loaded with the encoders
// when the reader asks for an animation.

import type { HeatmapSpec } from './heatmapSvg';

/** Most frames (decoded target steps) an animation may have: the GIF would be far too long to watch. */
export const MAX_ANIMATION_FRAMES = 120;
/** Largest frame, in pixels, at the chosen scale (2× of a 1,024 × 768 figure). */
export const MAX_FRAME_PIXELS = 2048 * 1536;
/**
 * Most pixels over all frames (frames × pixels per frame). The encoder keeps one frame at a time,
 * but the time grows with this: measured ≈ 30 ms per million pixels for the GIF (bench "animation").
 */
export const MAX_ANIMATION_PIXELS = 120 * 1024 * 1024;
/** How long each decoding step is shown, and how long the finished figure is held (ms). */
export const STEP_DELAY_MS = 600;
export const FINAL_DELAY_MS = 2500;

/** The two kinds of file: an animated GIF (everywhere), or a video the browser encodes (WebCodecs). */
export type AnimationFormat = 'gif' | 'video';

/** Why an animation cannot be made: 'empty' (no decoded step), 'too-many-frames', 'too-large'. */
export class AnimationError extends Error {
  override name = 'AnimationError';
  constructor(
    readonly kind: 'empty' | 'too-many-frames' | 'too-large',
    message: string,
    /** Numbers for the page's sentence: the steps and the limit, or the pixels and the limit. */
    readonly detail: { count: number; limit: number },
  ) {
    super(message);
  }
}

/** What will be made: frames of `width` × `height` px at `scale`× the figure's CSS size. */
export interface AnimationPlan {
  frames: number;
  scale: 1 | 2;
  width: number;
  height: number;
}

/**
 * The plan for animating `steps` decoded steps of a `width` × `height` figure (CSS px), at 2× if
 * it fits within MAX_FRAME_PIXELS and MAX_ANIMATION_PIXELS, else at 1×. Throws AnimationError:
 * 'empty' for no step, 'too-many-frames' past MAX_ANIMATION_FRAMES, 'too-large' when even 1× is
 * over a limit. A video needs even sides (4:2:0 chroma): `even` rounds them up.
 */
export function planAnimation(figure: { width: number; height: number }, steps: number, options: { even?: boolean } = {}): AnimationPlan {
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new AnimationError('empty', 'nothing to animate: the model decoded no step', { count: 0, limit: MAX_ANIMATION_FRAMES });
  }
  if (steps > MAX_ANIMATION_FRAMES) {
    throw new AnimationError('too-many-frames', `${steps} steps; an animation stops at ${MAX_ANIMATION_FRAMES}`, { count: steps, limit: MAX_ANIMATION_FRAMES });
  }
  let smallest = Infinity;
  for (const scale of [2, 1] as const) {
    // the still PNG's sizing (raster.ts rasterSize), with this module's own, smaller caps below
    const size = { width: Math.ceil(figure.width * scale), height: Math.ceil(figure.height * scale) };
    if (!(size.width > 0 && size.height > 0 && Number.isFinite(size.width) && Number.isFinite(size.height))) continue;
    const width = options.even ? size.width + (size.width % 2) : size.width;
    const height = options.even ? size.height + (size.height % 2) : size.height;
    const pixels = width * height;
    smallest = Math.min(smallest, pixels);
    if (pixels <= MAX_FRAME_PIXELS && pixels * steps <= MAX_ANIMATION_PIXELS && width <= 0xffff && height <= 0xffff) {
      return { frames: steps, scale, width, height };
    }
  }
  const limit = Math.min(MAX_FRAME_PIXELS, Math.floor(MAX_ANIMATION_PIXELS / steps));
  const count = Number.isFinite(smallest) ? smallest : 0;
  throw new AnimationError('too-large', `frames of ${count} px (at 1×); the limit for ${steps} frames is ${limit} px a frame`, { count, limit });
}

/**
 * The figure of each frame: `spec` with steps 0..k visible and step k outlined, k = 0…steps−1.
 * Everything else (tokens, values, colours, caption, labels) is the still export's.
 */
export function animationFrames(spec: HeatmapSpec): HeatmapSpec[] {
  const steps = spec.targetTokens.length;
  const frames: HeatmapSpec[] = [];
  for (let k = 0; k < steps; k++) frames.push({ ...spec, visibleRows: k + 1, highlightRow: k });
  return frames;
}

/** Each frame's delay (ms): STEP_DELAY_MS, and FINAL_DELAY_MS for the last (the finished figure). */
export function frameDelaysMs(frames: number): number[] {
  return Array.from({ length: Math.max(0, frames) }, (_, k) => (k === frames - 1 ? FINAL_DELAY_MS : STEP_DELAY_MS));
}
