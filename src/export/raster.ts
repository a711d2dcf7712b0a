// PNG export, the clipboard and downloads. The functions marked BROWSER-ONLY need a real DOM
// (Image, canvas, <a download>) and are covered by the end-to-end tests; the rest are pure or need
// only Blob and run anywhere.
//
// CSP (docs/RELIABILITY.md): the SVG is loaded as an image from a `data:` URL (img-src allows data:) and
// drawn onto a canvas; an SVG used as an image loads nothing external and runs no script, which is
// why any font must be embedded in it (see heatmapSvg.ts). Downloads use a blob: object URL.

import { addPngTextChunk, MAX_PNG_LINK_CHARS, PERMALINK_KEYWORD, readPngText, type PngText } from './png';

/** Longest canvas side browsers reliably allocate. */
export const MAX_RASTER_SIDE = 16_384;
/** Largest canvas area, in pixels, that every target browser allocates (Safari's limit is 4096²). */
export const MAX_RASTER_PIXELS = 4096 * 4096;
/** Largest dropped file that readPermalinkFromPng reads into memory. */
export const MAX_PNG_READ_BYTES = 64 * 1024 * 1024;
/** How long svgToPngBlob waits for the browser to decode the SVG image. */
export const IMAGE_LOAD_TIMEOUT_MS = 15_000;
/** How long a download's object URL stays valid (some browsers start the download asynchronously). */
export const DOWNLOAD_URL_LIFETIME_MS = 40_000;

/** Thrown by the raster helpers: 'too-large' canvas, 'load' (the SVG image did not decode), 'encode' (no PNG came out). */
export class RasterError extends Error {
  override name = 'RasterError';
  constructor(
    readonly kind: 'too-large' | 'load' | 'encode',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The canvas size for drawing a `width` × `height` SVG at `scale`×. Throws RasterError('too-large')
 * past MAX_RASTER_SIDE or MAX_RASTER_PIXELS (try a smaller scale, or the canvas heatmap).
 */
export function rasterSize(width: number, height: number, scale: 2 | 3): { width: number; height: number } {
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new RasterError('too-large', `cannot rasterise a ${width} × ${height} image`);
  }
  const w = Math.ceil(width * scale);
  const h = Math.ceil(height * scale);
  if (w > MAX_RASTER_SIDE || h > MAX_RASTER_SIDE || w * h > MAX_RASTER_PIXELS) {
    throw new RasterError('too-large', `a ${w} × ${h} px PNG is larger than browsers reliably draw (${MAX_RASTER_PIXELS} px)`);
  }
  return { width: w, height: h };
}

/** The SVG as a `data:image/svg+xml;charset=utf-8,` URL (percent-encoded, so any text is safe). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** BROWSER-ONLY. An image from `src` (an SVG data: URL), decoded; rejects with RasterError('load') or after IMAGE_LOAD_TIMEOUT_MS. */
export function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    const timer = setTimeout(() => {
      img.onload = img.onerror = null;
      img.src = '';
      reject(new RasterError('load', `the SVG image did not load within ${IMAGE_LOAD_TIMEOUT_MS / 1000} s`));
    }, IMAGE_LOAD_TIMEOUT_MS);
    img.onload = () => {
      clearTimeout(timer);
      resolve(img);
    };
    img.onerror = () => {
      clearTimeout(timer);
      reject(new RasterError('load', 'the browser could not decode the SVG image'));
    };
    img.decoding = 'async';
    img.src = src;
  });
}

/**
 * BROWSER-ONLY. Rasterises a standalone SVG (as made by buildHeatmapSvg) to a PNG Blob at
 * `scale`× its `width` × `height`: the SVG is loaded as an image from a data: URL and drawn at
 * the scaled size, so text and edges stay sharp. Rejects with RasterError ('too-large', 'load',
 * 'encode'); never hangs (the image load has a timeout).
 */
export async function svgToPngBlob(svg: string, width: number, height: number, scale: 2 | 3): Promise<Blob> {
  const size = rasterSize(width, height, scale);
  const img = await loadImage(svgDataUrl(svg));
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new RasterError('encode', 'this browser gave no 2D canvas');
  ctx.drawImage(img, 0, 0, size.width, size.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new RasterError('encode', 'the canvas produced no PNG'))), 'image/png');
  });
}

/** The PNG with `url` (the permalink) in an iTXt chunk under PERMALINK_KEYWORD. Rejects with PngError for a broken PNG. */
export async function withPermalink(pngBlob: Blob, url: string): Promise<Blob> {
  const bytes = new Uint8Array(await pngBlob.arrayBuffer());
  return new Blob([addPngTextChunk(bytes, PERMALINK_KEYWORD, url)], { type: 'image/png' });
}

/**
 * The permalink chunk of a dropped PNG (see readPngText): its text, 'too-long' past
 * MAX_PNG_LINK_CHARS (not decoded), or 'none' (not a PNG, no such chunk, larger than
 * MAX_PNG_READ_BYTES, unreadable). Only that chunk is decoded. Never rejects. The text is as
 * untrusted as the file: validate it with parseFragment before anything uses it.
 */
export async function readPngPermalink(file: Blob): Promise<PngText> {
  try {
    if (file.size > MAX_PNG_READ_BYTES) return { kind: 'none' };
    const bytes = new Uint8Array(await file.arrayBuffer());
    return readPngText(bytes, PERMALINK_KEYWORD, MAX_PNG_LINK_CHARS);
  } catch {
    return { kind: 'none' };
  }
}

/**
 * The permalink stored in a PNG by withPermalink, or null (not a PNG, no such chunk, too long,
 * larger than MAX_PNG_READ_BYTES, unreadable): readPngPermalink's text. Never rejects.
 */
export async function readPermalinkFromPng(file: Blob): Promise<string | null> {
  const found = await readPngPermalink(file);
  return found.kind === 'text' ? found.text : null;
}

type ClipboardItemCtor = new (items: Record<string, Blob | Promise<Blob>>) => unknown;
interface ClipboardLike {
  write(items: unknown[]): Promise<void>;
}

/**
 * Copies a PNG to the clipboard: 'copied', 'unsupported' (no ClipboardItem / clipboard.write, or
 * PNG not accepted) or 'denied' (NotAllowedError: no permission, not a secure context, or the
 * user gesture expired). Safari requires the write to start inside the click handler: pass the
 * pending `Promise<Blob>` there rather than awaiting the PNG first. Never rejects (a rejected
 * `blob` promise also gives 'unsupported': report the rendering error from that promise itself).
 */
export async function copyPngToClipboard(blob: Blob | Promise<Blob>): Promise<'copied' | 'unsupported' | 'denied'> {
  const g = globalThis as { ClipboardItem?: unknown; navigator?: { clipboard?: Partial<ClipboardLike> } };
  const Item = g.ClipboardItem;
  const clipboard = g.navigator?.clipboard;
  if (typeof Item !== 'function' || !clipboard || typeof clipboard.write !== 'function') return 'unsupported';
  const supports = (Item as { supports?: unknown }).supports;
  if (typeof supports === 'function' && (supports as (type: string) => boolean).call(Item, 'image/png') !== true) return 'unsupported';
  const png = Promise.resolve(blob).then((b) => (b.type === 'image/png' ? b : new Blob([b], { type: 'image/png' })));
  try {
    await clipboard.write.call(clipboard, [new (Item as ClipboardItemCtor)({ 'image/png': png })]);
    return 'copied';
  } catch (e) {
    const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
    return name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unsupported';
  }
}

// eslint-disable-next-line no-control-regex -- control characters are what is being removed
const UNSAFE_FILENAME = /[\u0000-\u001f\u007f<>:"/\\|?*]+/g;

const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$/i;

/**
 * A file name that is safe on every desktop OS: no path separators, control or reserved
 * characters, no leading dots, dashes or spaces, no trailing dots or spaces, not a Windows device name (CON, NUL…),
 * at most 120 characters; `fallback` when nothing is left.
 */
export function safeFilename(name: string, fallback = 'rnnsearch'): string {
  const cleaned = name.replace(UNSAFE_FILENAME, '-').replace(/^[.\s-]+|[.\s]+$/g, '');
  const cut = Array.from(cleaned).slice(0, 120).join('').replace(/[.\s]+$/, '');
  if (cut === '') return fallback;
  return WINDOWS_RESERVED.test(cut) ? `_${cut}` : cut;
}

/**
 * BROWSER-ONLY. Saves `blob` as `filename` (made safe by safeFilename) through a temporary
 * <a download> with an object URL, revoked DOWNLOAD_URL_LIFETIME_MS later.
 */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFilename(filename);
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
  }
}
