// @vitest-environment jsdom
// The browser-only helpers, as far as jsdom can take them: downloadBlob's temporary <a download>
// and object URL lifetime, and svgToPngBlob's refusals and load timeout (jsdom never decodes an
// SVG image or draws on a canvas; the end-to-end tests cover the real rendering).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_URL_LIFETIME_MS, IMAGE_LOAD_TIMEOUT_MS, RasterError, downloadBlob, svgToPngBlob } from '../../src/export/raster';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('downloadBlob', () => {
  it('clicks a temporary <a download> with an object URL, removes it, and revokes the URL later', () => {
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:http://localhost/1234');
    const revokeObjectURL = vi.fn((_url: string) => {});
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    const clicked: { href: string; download: string; attached: boolean }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, attached: document.body.contains(this) });
    });
    const blob = new Blob(['x'], { type: 'text/csv' });

    downloadBlob(blob, '../heatmap:en-fr.csv');

    expect(createObjectURL).toHaveBeenCalledWith(blob);
    expect(clicked).toEqual([{ href: 'blob:http://localhost/1234', download: 'heatmap-en-fr.csv', attached: true }]);
    expect(document.querySelectorAll('a')).toHaveLength(0);
    expect(revokeObjectURL).not.toHaveBeenCalled(); // the download may still be starting
    vi.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/1234');
  });

  it('still cleans up when the click throws', () => {
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL }));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {
      throw new Error('blocked');
    });
    expect(() => downloadBlob(new Blob(['x']), 'a.png')).toThrow('blocked');
    expect(document.querySelectorAll('a')).toHaveLength(0);
    vi.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:x');
  });
});

describe('svgToPngBlob', () => {
  it('refuses an oversized canvas before loading anything', async () => {
    const created = vi.spyOn(document, 'createElement');
    await expect(svgToPngBlob('<svg xmlns="http://www.w3.org/2000/svg"/>', 5000, 5000, 3)).rejects.toMatchObject({ kind: 'too-large' });
    expect(created).not.toHaveBeenCalled();
  });

  it('rejects (never hangs) when the image does not load', async () => {
    const result = svgToPngBlob('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 10, 10, 2);
    const settled = expect(result).rejects.toMatchObject({ name: 'RasterError', kind: 'load' });
    await vi.advanceTimersByTimeAsync(IMAGE_LOAD_TIMEOUT_MS);
    await settled;
  });

  it('rejects with RasterError when the image fails to decode', async () => {
    const images: HTMLImageElement[] = [];
    const RealImage = globalThis.Image;
    vi.stubGlobal(
      'Image',
      class extends RealImage {
        constructor(width?: number, height?: number) {
          super(width, height);
          images.push(this);
        }
      },
    );
    const result = svgToPngBlob('<svg/>', 10, 10, 2);
    expect(images).toHaveLength(1); // created synchronously, before the first await
    expect(images[0]?.src.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    images[0]?.onerror?.(new Event('error'));
    await expect(result).rejects.toBeInstanceOf(RasterError);
    await expect(result).rejects.toMatchObject({ kind: 'load' });
  });
});
