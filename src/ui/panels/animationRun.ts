// What the Share panel's animation buttons do once pressed (ShareAnimation.tsx): make the file
// with the still export's own drawing code, save it, and put what happened into one sentence.
// Loaded with the encoders' driver (src/export/animate.ts) by the buttons' dynamic import, so the
// page's first bundle carries only the buttons themselves (docs/ARCHITECTURE.md, "Sharing").
// The drawing code and the download helper come from the buttons, for the reason animate.ts
// gives: a module the page also uses, imported here, would split the page's shared chunks.

import { makeAnimation, type FigureDrawing } from '../../export/animate';
import type { HeatmapSpec } from '../../export/heatmapSvg';
import type { MessageKey } from '../i18n';

/** A sentence for the buttons' status line: a message key, its values, and whether it is an error. */
export interface AnimationStatus {
  key: MessageKey;
  vars?: Record<string, string | number>;
  error?: boolean;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/**
 * Makes the animation of `spec` and saves it as `<base>-decoding.<gif|mp4|webm>`; the status to
 * show. Never rejects: every failure is a sentence (AnimationError's kinds with their numbers,
 * the encoder not loading, no video encoder, a cancel, anything else with its detail).
 */
export async function runAnimation(request: {
  spec: HeatmapSpec;
  format: 'gif' | 'video';
  link: string;
  base: string;
  /** The still export's drawing code (buildHeatmapSvg, raster.ts's image loading). */
  drawing: FigureDrawing;
  /** raster.ts downloadBlob. */
  save(blob: Blob, filename: string): void;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}): Promise<AnimationStatus> {
  try {
    const result = await makeAnimation({
      spec: request.spec,
      format: request.format,
      link: request.link,
      signal: request.signal,
      onProgress: request.onProgress,
      drawing: request.drawing,
    });
    if (request.signal.aborted) return { key: 'share.animCancelled' };
    request.save(result.blob, `${request.base}-decoding.${result.extension}`);
    return { key: 'share.animDone', vars: { frames: result.plan.frames, size: sizeText(result.blob.size), format: result.extension.toUpperCase(), scale: result.plan.scale } };
  } catch (err) {
    return describeFailure(err, request.signal.aborted);
  }
}

/** The sentence for an animation that did not come out. */
export function describeFailure(err: unknown, cancelled: boolean): AnimationStatus {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (cancelled || name === 'AbortError') return { key: 'share.animCancelled' };
  if (name === 'AnimationError') {
    const e = err as { kind: string; detail: { count: number; limit: number } };
    if (e.kind === 'empty') return { key: 'share.animEmpty', error: true };
    return { key: e.kind === 'too-many-frames' ? 'share.animTooMany' : 'share.animTooLarge', vars: { count: e.detail.count, limit: e.detail.limit }, error: true };
  }
  if (name === 'EncoderLoadError') return { key: 'share.animLoadFailed', error: true };
  if (name === 'VideoUnsupportedError') return { key: 'share.videoNoneNote', error: true };
  return { key: 'share.animFailed', vars: { detail: err instanceof Error ? err.message : String(err) }, error: true };
}
