// The Share panel's animation buttons (docs/ARCHITECTURE.md, "Sharing"): the heatmap filling row
// by row as the model decodes, as an animated GIF or, where the browser can encode one
// (WebCodecs), an MP4 or WebM. The encoders and the code that drives them (src/export/animate.ts,
// the GIF worker, Mediabunny) are loaded by a dynamic import when a button is pressed, so the
// page's first bundle carries only this component.
//
// What can go wrong, and what the reader is told (docs/RELIABILITY.md, the animation row): no
// decoded step, too many steps, a figure too large (animation.ts caps frames and pixels), the
// encoder not loading (offline), no video encoder in this browser (the video button says so
// before it is pressed), a failure while encoding, a cancel. Each is one sentence here; the page,
// its state and its link are untouched, and pressing again tries again.

import { useEffect, useRef, useState } from 'react';
import { buildHeatmapSvg, THEME_COLOURS, type HeatmapSpec } from '../../export/heatmapSvg';
import { downloadBlob, loadImage, svgDataUrl } from '../../export/raster';
import { parseGifReply } from '../../worker/gifProtocol';
import { useT } from '../i18n';
import type { AnimationStatus } from './animationRun';

/** How the animation code is loaded (animationRun.ts and the encoders' driver); tests replace `load`. */
export const animationLoader = {
  load: () => import('./animationRun'),
};
type VideoSupport = 'checking' | 'mp4' | 'webm' | 'none';

let videoProbe: Promise<Exclude<VideoSupport, 'checking'>> | null = null;

/**
 * Whether this browser can encode a video, asked of WebCodecs directly (a few hundred bytes of
 * code, no library): H.264 for an MP4, else VP9 or VP8 for a WebM. Asked once per page.
 */
export function probeVideoSupport(): Promise<Exclude<VideoSupport, 'checking'>> {
  videoProbe ??= (async () => {
    if (typeof VideoEncoder === 'undefined' || typeof VideoEncoder.isConfigSupported !== 'function') return 'none';
    for (const [ext, codec] of [
      ['mp4', 'avc1.42001f'],
      ['webm', 'vp09.00.10.08'],
      ['webm', 'vp8'],
    ] as const) {
      try {
        const r = await VideoEncoder.isConfigSupported({ codec, width: 1280, height: 720, bitrate: 2_000_000 });
        if (r.supported === true) return ext;
      } catch {
        // a browser that throws on the question cannot encode it either
      }
    }
    return 'none';
  })();
  return videoProbe;
}

/** For tests: forget the probe's answer. */
export function resetVideoProbe(): void {
  videoProbe = null;
}

export function AnimationButtons(props: { spec: () => HeatmapSpec | null; link: () => Promise<string>; base: string; disabled: boolean }) {
  const t = useT();
  const [video, setVideo] = useState<VideoSupport>('checking');
  const [status, setStatus] = useState<AnimationStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    let live = true;
    void probeVideoSupport().then((v) => {
      if (live) setVideo(v);
    });
    return () => {
      live = false;
      abort.current?.abort();
    };
  }, []);

  const run = async (format: 'gif' | 'video'): Promise<void> => {
    const spec = props.spec();
    if (!spec) {
      setStatus({ key: 'share.noWeights', error: true });
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setStatus({ key: 'share.animLoading' });
    try {
      let run: Awaited<ReturnType<typeof animationLoader.load>>;
      try {
        run = await animationLoader.load();
      } catch {
        // offline, or the chunk is gone: nothing was touched
        setStatus({ key: 'share.animLoadFailed', error: true });
        return;
      }
      const link = await props.link();
      // cancelled while the encoder was loading
      if (controller.signal.aborted) {
        setStatus({ key: 'share.animCancelled' });
        return;
      }
      setStatus(
        await run.runAnimation({
          spec,
          format,
          link,
          base: props.base,
          // the still export's own code draws every frame (src/export/animate.ts: why it is handed in)
          drawing: { build: buildHeatmapSvg, image: (svg) => loadImage(svgDataUrl(svg)), background: THEME_COLOURS[spec.theme].background, parseGifReply },
          save: downloadBlob,
          signal: controller.signal,
          onProgress: (done, total) => {
            if (!controller.signal.aborted) setStatus({ key: 'share.animEncoding', vars: { done, total } });
          },
        }),
      );
    } finally {
      if (abort.current === controller) abort.current = null;
      setBusy(false);
    }
  };

  const videoLabel = video === 'mp4' ? t('share.video', { format: 'MP4' }) : video === 'webm' ? t('share.video', { format: 'WebM' }) : video === 'none' ? t('share.videoNone') : t('share.videoGeneric');
  return (
    <div className="share-animation">
      <div className="share-buttons">
        <button type="button" disabled={props.disabled || busy} onClick={() => void run('gif')}>
          {t('share.gif')}
        </button>
        <button type="button" disabled={props.disabled || busy || video !== 'mp4' && video !== 'webm'} onClick={() => void run('video')} data-video={video}>
          {videoLabel}
        </button>
        {busy && (
          <button type="button" onClick={() => abort.current?.abort()}>
            {t('share.animCancel')}
          </button>
        )}
      </div>
      {/* a live region, not a second role="status": the panel's own status line stays the one */}
      <p className={status?.error ? 'note error' : 'note'} aria-live="polite" data-testid="animation-status">
        {status ? t(status.key, status.vars) : video === 'none' ? t('share.videoNoneNote') : t('share.animHint')}
      </p>
    </div>
  );
}
