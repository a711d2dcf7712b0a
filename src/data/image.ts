// A small grey-scale test image for the weighted-average chapter (docs/ARCHITECTURE.md,
// "Attention as a weighted average"): generated here, so it needs no licence — flat regions, edges
// at several angles, a thin line, stripes and a smooth gradient, the structures that image filters
// are judged on — and the same image with seeded Gaussian noise.

import { Rng } from '../tensor/random';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major values, nominally in [0, 1] (noise may leave the range). */
  pixels: Float64Array;
}

/** The clean test image, `size` × `size`. */
export function testImage(size = 64): GreyImage {
  const pixels = new Float64Array(size * size);
  const s = size / 64; // shapes are laid out for 64 × 64 and scaled
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0.15 + (0.25 * x) / size; // background: a gentle gradient
      const dx = x - 20 * s;
      const dy = y - 20 * s;
      if (dx * dx + dy * dy < (12 * s) ** 2) v = 0.85; // a disc
      if (x >= 36 * s && x < 58 * s && y >= 8 * s && y < 30 * s) v = 0.55; // a square
      if (y >= 40 * s && y < 58 * s && x >= 6 * s && x < 30 * s) v = Math.floor(x / (3 * s)) % 2 === 0 ? 0.9 : 0.2; // vertical stripes
      if (x >= 36 * s && y >= 38 * s && x - 36 * s > y - 38 * s - 2 * s && x - 36 * s < y - 38 * s + 16 * s && y < 60 * s) v = 0.7; // a slanted band
      if (Math.abs(y - 34 * s) < 0.6 * s + 0.01) v = 0.95; // a thin line
      pixels[y * size + x] = v;
    }
  }
  return { width: size, height: size, pixels };
}

/** `image` plus N(0, sigma²) noise per pixel, seeded. */
export function addNoise(image: GreyImage, sigma: number, seed: number): GreyImage {
  const rng = new Rng(seed);
  const pixels = image.pixels.map((v) => v + sigma * rng.normal());
  return { ...image, pixels };
}

/** Root-mean-square difference of two images of the same size. */
export function rmse(a: GreyImage, b: GreyImage): number {
  if (a.pixels.length !== b.pixels.length) throw new RangeError('rmse: images differ in size');
  let s = 0;
  for (let k = 0; k < a.pixels.length; k++) s += (a.pixels[k] - b.pixels[k]) ** 2;
  return Math.sqrt(s / a.pixels.length);
}
