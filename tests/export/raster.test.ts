// The parts of raster.ts that run without a browser: canvas size caps, the data: URL, the PNG
// permalink round trip through Blobs, clipboard outcomes (with stubbed globals), file names.
// What only a real browser can show (drawing, toBlob, a real clipboard, a real download) is for
// the end-to-end tests.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PERMALINK_KEYWORD, PngError, pngDimensions, readPngTextChunks } from '../../src/export/png';
import {
  MAX_PNG_READ_BYTES,
  MAX_RASTER_PIXELS,
  RasterError,
  copyPngToClipboard,
  rasterSize,
  readPermalinkFromPng,
  safeFilename,
  svgDataUrl,
  withPermalink,
} from '../../src/export/raster';
import { makePng, tEXt } from './helpers';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('rasterSize', () => {
  it('scales and rounds up', () => {
    expect(rasterSize(712, 512, 2)).toEqual({ width: 1424, height: 1024 });
    expect(rasterSize(100.5, 10.2, 3)).toEqual({ width: 302, height: 31 });
  });

  it('refuses canvases browsers would not allocate, and nonsense sizes', () => {
    expect(() => rasterSize(1366, 1366, 3)).toThrow(RasterError); // 4098² > 4096²
    expect(rasterSize(1365, 1365, 3).width * rasterSize(1365, 1365, 3).height).toBeLessThanOrEqual(MAX_RASTER_PIXELS);
    expect(() => rasterSize(9000, 10, 2)).toThrow(/larger than browsers/);
    for (const [w, h] of [[0, 10], [10, -1], [Number.NaN, 10], [Infinity, 10]]) {
      expect(() => rasterSize(w as number, h as number, 2)).toThrow(expect.objectContaining({ kind: 'too-large' }));
    }
  });
});

describe('svgDataUrl', () => {
  it('percent-encodes everything that could end or break the URL, and decodes back exactly', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text fill="#fff">100% 我 # ? &amp; \n</text></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    const body = url.slice('data:image/svg+xml;charset=utf-8,'.length);
    expect(body).not.toMatch(/[#%](?![0-9A-F]{2})|[\s<>"?]/);
    expect(decodeURIComponent(body)).toBe(svg);
  });
});

describe('withPermalink / readPermalinkFromPng', () => {
  const url = 'https://example.org/rnnsearch/#s=AbC-_09&embed=1';

  it('round-trips the permalink through a PNG Blob, leaving the image as it was', async () => {
    const png = makePng(6, 4);
    const tagged = await withPermalink(new Blob([png], { type: 'image/png' }), url);
    expect(tagged.type).toBe('image/png');
    const bytes = new Uint8Array(await tagged.arrayBuffer());
    expect(pngDimensions(bytes)).toEqual({ width: 6, height: 4 });
    expect(readPngTextChunks(bytes).get(PERMALINK_KEYWORD)).toBe(url);
    expect(await readPermalinkFromPng(tagged)).toBe(url);
    // as a dropped File would arrive: no type, a name
    expect(await readPermalinkFromPng(new File([bytes], 'heatmap.png'))).toBe(url);
  });

  it('reads a permalink written as tEXt by another tool', async () => {
    expect(await readPermalinkFromPng(new Blob([makePng(1, 1, [tEXt(PERMALINK_KEYWORD, url)])]))).toBe(url);
  });

  it('gives null for files without one, non-PNGs and oversized files, and never rejects', async () => {
    expect(await readPermalinkFromPng(new Blob([makePng(2, 2)]))).toBeNull();
    expect(await readPermalinkFromPng(new Blob(['GIF89a not a png']))).toBeNull();
    expect(await readPermalinkFromPng(new Blob([]))).toBeNull();
    const huge = { size: MAX_PNG_READ_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('must not be read')) } as unknown as Blob;
    expect(await readPermalinkFromPng(huge)).toBeNull();
    const failing = { size: 10, arrayBuffer: () => Promise.reject(new Error('NotReadableError')) } as unknown as Blob;
    expect(await readPermalinkFromPng(failing)).toBeNull();
  });

  it('withPermalink rejects a broken PNG with PngError', async () => {
    await expect(withPermalink(new Blob(['not a png']), url)).rejects.toBeInstanceOf(PngError);
  });
});

describe('copyPngToClipboard', () => {
  const png = new Blob([makePng(1, 1)], { type: 'image/png' });

  function stubClipboard(write: (items: unknown[]) => Promise<void>, supports?: (type: string) => boolean): { items: Record<string, unknown>[] } {
    const seen: { items: Record<string, unknown>[] } = { items: [] };
    class FakeClipboardItem {
      static supports = supports;
      constructor(readonly data: Record<string, unknown>) {
        seen.items.push(data);
      }
    }
    if (!supports) delete (FakeClipboardItem as { supports?: unknown }).supports;
    vi.stubGlobal('ClipboardItem', FakeClipboardItem);
    vi.stubGlobal('navigator', { clipboard: { write } });
    return seen;
  }

  it("is 'unsupported' without ClipboardItem or clipboard.write", async () => {
    vi.stubGlobal('ClipboardItem', undefined);
    vi.stubGlobal('navigator', { clipboard: { write: () => Promise.resolve() } });
    expect(await copyPngToClipboard(png)).toBe('unsupported');
    stubClipboard(() => Promise.resolve());
    vi.stubGlobal('navigator', {});
    expect(await copyPngToClipboard(png)).toBe('unsupported');
    vi.stubGlobal('navigator', undefined);
    expect(await copyPngToClipboard(png)).toBe('unsupported');
  });

  it("is 'copied' after a write of one image/png item", async () => {
    const write = vi.fn((_items: unknown[]) => Promise.resolve());
    const seen = stubClipboard(write);
    expect(await copyPngToClipboard(png)).toBe('copied');
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]?.[0]).toHaveLength(1);
    expect(Object.keys(seen.items[0] ?? {})).toEqual(['image/png']);
    const written = await (seen.items[0]?.['image/png'] as Promise<Blob>);
    expect(written.type).toBe('image/png');
  });

  it('passes a pending PNG through as a promise (Safari needs the write inside the gesture) and fixes a missing type', async () => {
    const seen = stubClipboard(() => Promise.resolve());
    let resolve: (b: Blob) => void = () => {};
    const pending = new Promise<Blob>((r) => (resolve = r));
    const result = copyPngToClipboard(pending);
    await Promise.resolve();
    expect(seen.items).toHaveLength(1); // the item exists before the PNG does
    resolve(new Blob([makePng(1, 1)]));
    expect(await result).toBe('copied');
    expect((await (seen.items[0]?.['image/png'] as Promise<Blob>)).type).toBe('image/png');
  });

  it("is 'denied' on NotAllowedError or SecurityError, 'unsupported' on other failures", async () => {
    const fail = (name: string) => () => Promise.reject(Object.assign(new Error(name), { name }));
    stubClipboard(fail('NotAllowedError'));
    expect(await copyPngToClipboard(png)).toBe('denied');
    stubClipboard(fail('SecurityError'));
    expect(await copyPngToClipboard(png)).toBe('denied');
    stubClipboard(fail('DataError'));
    expect(await copyPngToClipboard(png)).toBe('unsupported');
    stubClipboard(() => Promise.reject('a string'));
    expect(await copyPngToClipboard(png)).toBe('unsupported');
  });

  it("honours ClipboardItem.supports('image/png')", async () => {
    const write = vi.fn(() => Promise.resolve());
    stubClipboard(write, () => false);
    expect(await copyPngToClipboard(png)).toBe('unsupported');
    expect(write).not.toHaveBeenCalled();
    stubClipboard(write, (type) => type === 'image/png');
    expect(await copyPngToClipboard(png)).toBe('copied');
  });
});

describe('safeFilename', () => {
  it.each([
    ['heatmap en-fr-additive.png', 'heatmap en-fr-additive.png'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
    ['tab\there\u0000nul', 'tab-here-nul'],
    ['  .hidden. ', 'hidden'],
    ['CON', '_CON'],
    ['nul.png', '_nul.png'],
    ['我喜欢黑猫.svg', '我喜欢黑猫.svg'],
    ['', 'rnnsearch'],
    ['...', 'rnnsearch'],
  ])('%j → %j', (name, safe) => {
    expect(safeFilename(name)).toBe(safe);
  });

  it('caps the length at 120 characters without splitting a surrogate pair', () => {
    const name = safeFilename('😀'.repeat(200));
    expect(Array.from(name)).toHaveLength(120);
    expect(name).toBe('😀'.repeat(120));
  });
});
