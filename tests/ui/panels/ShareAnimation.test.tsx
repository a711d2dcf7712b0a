// @vitest-environment jsdom
// The Share panel's animation buttons: what the reader is told in each case (the encoder does not
// load, nothing to animate, too many steps, no video encoder in this browser, a cancel), in both
// languages, and that a failure loses nothing (no file, the page's state unchanged). The
// animation code itself is replaced through `animationLoader` (jsdom draws no SVG): the real
// frames and files are checked in tests/export and in e2e `animation.spec.ts`. Here the encoders'
// driver (`makeAnimation`) is a mock; the panel's own code around it (animationRun.ts) is real.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnimationError } from '../../../src/export/animation';
import { buildHeatmapSvg, type HeatmapSpec } from '../../../src/export/heatmapSvg';
import { useStore } from '../../../src/store/store';
import { SharePanel } from '../../../src/ui/panels/Share';
import { animationLoader, resetVideoProbe } from '../../../src/ui/panels/ShareAnimation';
import { captureDownloads, currentTrace, resetStore, setUp } from './helpers';

import { makeAnimation } from '../../../src/export/animate';

vi.mock('../../../src/export/animate', () => ({ makeAnimation: vi.fn() }));

const realLoad = animationLoader.load;
let downloads: Array<{ name: string; blob: Blob }> = [];

beforeEach(() => {
  resetStore();
  resetVideoProbe();
  downloads = captureDownloads();
});
afterEach(() => {
  animationLoader.load = realLoad;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  resetStore();
});

function stub(make: typeof makeAnimation): ReturnType<typeof vi.mocked<typeof makeAnimation>> {
  const fn = vi.mocked(makeAnimation);
  fn.mockReset();
  fn.mockImplementation(make);
  return fn;
}

const status = (): string => screen.getByTestId('animation-status').textContent ?? '';

describe('animation buttons', () => {
  it('hands the export’s figure and the link to the encoder, and saves the file it returns', async () => {
    await setUp('additive');
    const make = stub(async (req) => {
      req.onProgress?.(1, 3);
      return { blob: new Blob([new Uint8Array([71, 73, 70])], { type: 'image/gif' }), extension: 'gif', plan: { frames: 3, scale: 2, width: 10, height: 10 } };
    });
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Animation (GIF)' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]?.name).toBe('test-additive-the-cat-sat-on-the-mat-decoding.gif');
    const req = make.mock.calls[0]?.[0] as { spec: HeatmapSpec; format: string; link: string; drawing: { build: unknown } };
    expect(req.format).toBe('gif');
    // the frames are drawn by the still export's own code
    expect(req.drawing.build).toBe(buildHeatmapSvg);
    expect(req.spec.targetTokens).toEqual(currentTrace().targetTokens);
    expect(req.spec.caption.sentence).toBe('the cat sat on the mat .');
    expect(req.link).toMatch(/#s=/);
    await waitFor(() => expect(status()).toBe('Animation saved: 3 frames, 1 kB (GIF, 2×).'));
  });

  it('the encoder not loading (offline): a sentence, no file, the page as it was', async () => {
    await setUp('additive');
    animationLoader.load = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
    const before = useStore.getState().source;
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Animation (GIF)' }));
    await waitFor(() => expect(status()).toBe('The animation encoder did not load (offline?). Nothing on the page changed; try again when online.'));
    expect(downloads).toHaveLength(0);
    expect(useStore.getState().source).toBe(before);
    expect((screen.getByRole('button', { name: 'Animation (GIF)' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why there is no animation: nothing decoded, too many steps, too large; in Chinese too', async () => {
    await setUp('additive');
    const errors = [
      new AnimationError('empty', 'x', { count: 0, limit: 120 }),
      new AnimationError('too-many-frames', 'x', { count: 257, limit: 120 }),
      new AnimationError('too-large', 'x', { count: 20_000_000, limit: 3_145_728 }),
    ];
    let k = 0;
    stub(() => Promise.reject(errors[k++] as Error));
    render(<SharePanel />);
    const button = screen.getByRole('button', { name: 'Animation (GIF)' });
    fireEvent.click(button);
    await waitFor(() => expect(status()).toBe('Nothing to animate: the model decoded no word.'));
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    await waitFor(() => expect(status()).toBe('Too many steps to animate: 257 (the limit is 120). Export the PNG instead, or shorten the sentence.'));
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    act(() => useStore.getState().setView({ lang: 'zh' }));
    fireEvent.click(screen.getByRole('button', { name: '动画（GIF）' }));
    await waitFor(() => expect(status()).toBe('图太大，无法做成动画：即使 1× 每帧也有 20000000 像素（上限 3145728）。请改为导出 PNG。'));
    expect(downloads).toHaveLength(0);
  });

  it('a browser without a video encoder: the button says so before it is pressed', async () => {
    await setUp('additive');
    render(<SharePanel />);
    const video = await screen.findByRole('button', { name: 'Video: not in this browser' });
    expect((video as HTMLButtonElement).disabled).toBe(true);
    expect(status()).toBe('This browser cannot encode video (no WebCodecs encoder for H.264, VP9 or VP8); the GIF works everywhere.');
  });

  it('a browser with WebCodecs: the video button names the container it will write', async () => {
    vi.stubGlobal('VideoEncoder', { isConfigSupported: async (c: { codec: string }) => ({ supported: c.codec.startsWith('vp09') }) });
    await setUp('additive');
    const make = stub(async () => ({ blob: new Blob([new Uint8Array(2048)]), extension: 'webm', plan: { frames: 7, scale: 2, width: 10, height: 10 } }));
    render(<SharePanel />);
    const video = await screen.findByRole('button', { name: 'Animation (WebM)' });
    fireEvent.click(video);
    await waitFor(() => expect(downloads.map((d) => d.name)).toEqual(['test-additive-the-cat-sat-on-the-mat-decoding.webm']));
    expect((make.mock.calls[0]?.[0] as { format: string }).format).toBe('video');
  });

  it('cancel: the encoder is told to stop, and nothing is saved', async () => {
    await setUp('additive');
    const started = vi.fn();
    stub(
      (req) =>
        new Promise((_, reject) => {
          started();
          req.onProgress?.(1, 15);
          req.signal?.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')));
        }),
    );
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Animation (GIF)' }));
    await waitFor(() => expect(status()).toBe('Encoding the animation: frame 1 of 15…'));
    expect(started).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel animation' }));
    await waitFor(() => expect(status()).toBe('Animation cancelled; nothing was saved.'));
    expect(downloads).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Cancel animation' })).toBeNull();
  });
});
