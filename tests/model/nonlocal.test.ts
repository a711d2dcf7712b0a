import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNoise, rmse, testImage } from '../../src/data/image';
import { DEFAULT_NLM, denoise, nlmProblems, pixelAttention, windowPixels } from '../../src/model/nonlocal';

const clean = testImage(32);
const noisy = addNoise(clean, 0.1, 7);

describe('non-local means as attention', () => {
  it('weights sum to 1 and the output is the weighted sum of the window (any pixel, any settings)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }), fc.constantFrom(1, 3, 5), fc.constantFrom(3, 7, 11), fc.double({ min: 0.02, max: 1, noNaN: true }), (x, y, patch, window, h) => {
        const a = pixelAttention(noisy, x, y, { patch, window, h });
        const total = a.weights.reduce((s, w) => s + w, 0);
        expect(total).toBeCloseTo(1, 12);
        let sum = 0;
        a.positions.forEach((p, j) => (sum += (a.weights[j] as number) * (noisy.pixels[p] as number)));
        expect(a.output).toBeCloseTo(sum, 12);
        // the pixel itself scores highest (distance 0), and scores are −distance/(p²h²) ≤ 0
        const self = a.positions.indexOf(y * 32 + x);
        expect(Math.max(...a.scores)).toBe(a.scores[self]);
        expect(a.scores.every((s) => s <= 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('the whole-image loop gives the same numbers as the tensor-op path', () => {
    const s = { patch: 3, window: 9, h: 0.1 };
    const out = denoise(noisy, s);
    for (const [x, y] of [[0, 0], [31, 31], [5, 17], [16, 3], [31, 0]] as const) {
      expect(out.pixels[y * 32 + x]).toBeCloseTo(pixelAttention(noisy, x, y, s).output, 12);
    }
  });

  it('denoises: the result is closer to the clean image than the noisy one', () => {
    const out = denoise(noisy, DEFAULT_NLM);
    expect(rmse(out, clean)).toBeLessThan(0.6 * rmse(noisy, clean));
  });

  it('a window clipped at the border, and bad settings refused with a message', () => {
    expect(windowPixels(noisy, 0, 0, 5)).toHaveLength(9);
    expect(windowPixels(noisy, 10, 10, 5)).toHaveLength(25);
    expect(nlmProblems({ patch: 4, window: 21, h: 0.1 })).toEqual([expect.stringMatching(/patch/)]);
    expect(() => pixelAttention(noisy, 32, 0, DEFAULT_NLM)).toThrow(/outside/);
    expect(() => pixelAttention(noisy, 0, 0, { ...DEFAULT_NLM, h: 0 })).toThrow(/temperature/);
  });
});
