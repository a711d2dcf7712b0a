// Attention as a data-dependent weighted average (docs/ARCHITECTURE.md, "Attention as a weighted
// average"): non-local means (Buades, Coll & Morel 2005) replaces a pixel by a weighted average of
// the pixels in a search window around it, each weighted by how alike the patches around the two
// pixels look. Written as attention, with the same three lines as RNNsearch:
//
//   s_j = −‖P_i − P_j‖² / (p² h²)     score: patch similarity (mean squared difference, temperature h)
//   w_j = softmax_j(s_j)              weights over the window (the pixel itself included)
//   x̂_i = Σ_j w_j x_j                 output: the weighted average of the pixels
//
// `pixelAttention` computes one pixel with the tensor module's ops (what the page shows when the
// reader picks a pixel); `denoise` computes every pixel with a plain loop, the same numbers.

import { matmul, mul, noGrad, reshape, scale, softmax, sub, sum, Tensor } from '../tensor';
import type { GreyImage } from '../data/image';

export interface NlmSettings {
  /** Patch side p (odd): the neighbourhood compared around each pixel. */
  patch: number;
  /** Search window side (odd): which pixels are averaged. */
  window: number;
  /** Temperature h: larger flattens the weights (more smoothing). */
  h: number;
}

export const DEFAULT_NLM: NlmSettings = { patch: 5, window: 21, h: 0.12 };

/** Problems with settings, as messages ([] when valid). */
export function nlmProblems(s: NlmSettings): string[] {
  const out: string[] = [];
  if (!Number.isInteger(s.patch) || s.patch < 1 || s.patch > 9 || s.patch % 2 === 0) out.push(`patch must be an odd integer in [1, 9], got ${s.patch}`);
  if (!Number.isInteger(s.window) || s.window < 3 || s.window > 65 || s.window % 2 === 0) out.push(`window must be an odd integer in [3, 65], got ${s.window}`);
  if (!(s.h > 0) || !Number.isFinite(s.h)) out.push(`temperature must be a positive number, got ${s.h}`);
  return out;
}

/** Pixel value with the borders mirrored (so every pixel has a full patch). */
function at(img: GreyImage, x: number, y: number): number {
  const w = img.width;
  const h = img.height;
  const mx = x < 0 ? -x - 1 : x >= w ? 2 * w - x - 1 : x;
  const my = y < 0 ? -y - 1 : y >= h ? 2 * h - y - 1 : y;
  return img.pixels[my * w + mx];
}

/** The patch around (x, y), row-major, p × p values. */
export function patchAt(img: GreyImage, x: number, y: number, p: number): Float64Array {
  const r = (p - 1) / 2;
  const out = new Float64Array(p * p);
  let k = 0;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) out[k++] = at(img, x + dx, y + dy);
  return out;
}

/** The pixels of the search window around (x, y) inside the image, as indices y·width + x. */
export function windowPixels(img: GreyImage, x: number, y: number, window: number): Int32Array {
  const r = (window - 1) / 2;
  const out: number[] = [];
  for (let yy = Math.max(0, y - r); yy <= Math.min(img.height - 1, y + r); yy++) {
    for (let xx = Math.max(0, x - r); xx <= Math.min(img.width - 1, x + r); xx++) out.push(yy * img.width + xx);
  }
  return Int32Array.from(out);
}

export interface PixelAttention {
  x: number;
  y: number;
  /** The pixels attended to (the window), as indices y·width + x. */
  positions: Int32Array;
  scores: Float64Array;
  weights: Float64Array;
  /** Σ_j w_j x_j. */
  output: number;
}

function check(img: GreyImage, x: number, y: number, s: NlmSettings): void {
  const problems = nlmProblems(s);
  if (problems.length > 0) throw new RangeError(`non-local means: ${problems.join('; ')}`);
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= img.width || y >= img.height) {
    throw new RangeError(`non-local means: pixel (${x}, ${y}) is outside the ${img.width} × ${img.height} image`);
  }
}

/** One pixel's scores, weights and output, with the tensor module's ops. */
export function pixelAttention(img: GreyImage, x: number, y: number, s: NlmSettings): PixelAttention {
  check(img, x, y, s);
  const positions = windowPixels(img, x, y, s.window);
  const n = positions.length;
  const d = s.patch * s.patch;
  const keys = new Float64Array(n * d);
  const values = new Float64Array(n);
  positions.forEach((pos, j) => {
    const px = pos % img.width;
    const py = (pos - px) / img.width;
    keys.set(patchAt(img, px, py, s.patch), j * d);
    values[j] = img.pixels[pos];
  });
  return noGrad(() => {
    const q = new Tensor(patchAt(img, x, y, s.patch), [1, d]);
    const diff = sub(new Tensor(keys, [n, d]), q);
    const scores = scale(sum(mul(diff, diff), 1), -1 / (d * s.h * s.h));
    const weights = softmax(scores);
    const output = matmul(reshape(weights, [1, n]), new Tensor(values, [n, 1]));
    return { x, y, positions, scores: Float64Array.from(scores.data), weights: Float64Array.from(weights.data), output: output.data[0] };
  });
}

/**
 * Every pixel denoised, row by row (the same formula as `pixelAttention`, as a plain loop for
 * speed): `rows(y0, y1)` fills rows [y0, y1) of `image`, so that a page can spread the work over
 * short tasks; `denoise` does it all at once.
 */
export function denoiser(img: GreyImage, s: NlmSettings): { image: GreyImage; rows(y0: number, y1: number): void } {
  check(img, 0, 0, s);
  const { width: W, height: H } = img;
  const d = s.patch * s.patch;
  const patches = new Float64Array(W * H * d);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) patches.set(patchAt(img, x, y, s.patch), (y * W + x) * d);
  const out = new Float64Array(W * H);
  const r = (s.window - 1) / 2;
  const k = -1 / (d * s.h * s.h);
  const scores = new Float64Array(s.window * s.window);
  const pixel = (x: number, y: number): number => {
    const qi = (y * W + x) * d;
    const [x0, x1, y0, y1] = [Math.max(0, x - r), Math.min(W - 1, x + r), Math.max(0, y - r), Math.min(H - 1, y + r)];
    let n = 0;
    let max = -Infinity;
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const ki = (yy * W + xx) * d;
        let dist = 0;
        for (let t = 0; t < d; t++) {
          const diff = patches[ki + t] - patches[qi + t];
          dist += diff * diff;
        }
        const sc = k * dist;
        scores[n++] = sc;
        if (sc > max) max = sc;
      }
    }
    let z = 0;
    let acc = 0;
    n = 0;
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const e = Math.exp(scores[n++] - max);
        z += e;
        acc += e * img.pixels[yy * W + xx];
      }
    }
    return acc / z;
  };
  return {
    image: { width: W, height: H, pixels: out },
    rows: (ya, yb) => {
      for (let y = Math.max(0, ya); y < Math.min(H, yb); y++) for (let x = 0; x < W; x++) out[y * W + x] = pixel(x, y);
    },
  };
}

export function denoise(img: GreyImage, s: NlmSettings): GreyImage {
  const job = denoiser(img, s);
  job.rows(0, img.height);
  return job.image;
}
