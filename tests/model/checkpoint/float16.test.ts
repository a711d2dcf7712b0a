// float32 ↔ float16: exhaustive over all 65536 half bit patterns, hand-derived values, and a
// brute-force nearest-even oracle for random float32 inputs.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  FLOAT16_MAX,
  float16BitsToFloat32,
  float16BitsToFloat32Array,
  float32ArrayToFloat16Bits,
  float32ToFloat16Bits,
} from '../../../src/model/checkpoint';

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const hex = (h: number) => `0x${h.toString(16).padStart(4, '0')}`;

describe('float16 exhaustive', () => {
  it('half → float → half is the identity for all 63488 non-NaN patterns; NaNs stay NaN', () => {
    let nonNaN = 0;
    for (let h = 0; h < 0x10000; h++) {
      const f = float16BitsToFloat32(h);
      const back = float32ToFloat16Bits(f);
      if (isNaNBits(h)) {
        if (!Number.isNaN(f) || !isNaNBits(back)) expect.fail(`NaN pattern ${hex(h)} → ${f} → ${hex(back)}`);
      } else {
        nonNaN++;
        if (back !== h) expect.fail(`${hex(h)} → ${f} → ${hex(back)}`);
        // Every half is exact in float32.
        if (Math.fround(f) !== f) expect.fail(`${hex(h)} → ${f} is not a float32`);
      }
    }
    expect(nonNaN).toBe(65536 - 2 * 1023);
  });

  it('the bulk versions agree with the scalar ones on all patterns', () => {
    const all = new Uint16Array(0x10000).map((_, k) => k);
    const floats = float16BitsToFloat32Array(all);
    const back = float32ArrayToFloat16Bits(floats);
    for (let h = 0; h < 0x10000; h++) {
      const f = float16BitsToFloat32(h);
      if (!Object.is(floats[h], Math.fround(f))) expect.fail(`bulk ${hex(h)}: ${floats[h]} vs ${f}`);
      const want = isNaNBits(h) ? float32ToFloat16Bits(NaN) : h;
      if (!isNaNBits(h) && back[h] !== want) expect.fail(`bulk round trip ${hex(h)} → ${hex(back[h] as number)}`);
      if (isNaNBits(h) && !isNaNBits(back[h] as number)) expect.fail(`bulk NaN ${hex(h)} → ${hex(back[h] as number)}`);
    }
  });

  it('values are ordered: positive patterns 0x0000…0x7c00 increase strictly', () => {
    for (let h = 1; h <= 0x7c00; h++) {
      if (!(float16BitsToFloat32(h) > float16BitsToFloat32(h - 1))) expect.fail(`${hex(h - 1)} ≥ ${hex(h)}`);
    }
  });
});

describe('float16 hand-derived values', () => {
  const cases: Array<[string, number, number]> = [
    ['1', 1, 0x3c00],
    ['−2', -2, 0xc000],
    ['0.5', 0.5, 0x3800],
    ['65504, the largest finite', 65504, 0x7bff],
    ['65519 rounds down to 65504', 65519, 0x7bff],
    ['65520, the tie above 65504, rounds to even = Infinity', 65520, 0x7c00],
    ['−65520 → −Infinity', -65520, 0xfc00],
    ['1e6 overflows to Infinity', 1e6, 0x7c00],
    ['Infinity', Infinity, 0x7c00],
    ['−Infinity', -Infinity, 0xfc00],
    ['2^-14 ≈ 6.1035e-5, the smallest normal', 2 ** -14, 0x0400],
    ['6.1e-5 = 1023.41 × 2^-24, a subnormal', 6.1e-5, 0x03ff],
    ['5.96e-8 ≈ 2^-24, the smallest subnormal', 5.96e-8, 0x0001],
    ['2^-25, the tie below 2^-24, rounds to even = 0', 2 ** -25, 0x0000],
    ['just above 2^-25 rounds up to 2^-24', 2 ** -25 * (1 + 2 ** -20), 0x0001],
    ['3 × 2^-25, a tie between 1 and 2 subnormal units, rounds to 2', 3 * 2 ** -25, 0x0002],
    ['1023.5 × 2^-24, a tie, rounds up to the smallest normal', 1023.5 * 2 ** -24, 0x0400],
    ['1/3 rounds down to 0x3555 = 0.333251953125', 1 / 3, 0x3555],
    ['1 + 2^-11, a tie, rounds to even 1', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 × 2^-11, a tie, rounds to even 0x3c02', 1 + 3 * 2 ** -11, 0x3c02],
    ['1 + 2^-11 + 2^-20, past the tie, rounds up', 1 + 2 ** -11 + 2 ** -20, 0x3c01],
    ['2 − 2^-11, a tie above 0x3bff… carries into the exponent: 2', 2 - 2 ** -11, 0x4000],
    ['0', 0, 0x0000],
    ['−0 keeps its sign', -0, 0x8000],
    ['float32 subnormal 1e-40 → 0', 1e-40, 0x0000],
    ['−1e-40 → −0', -1e-40, 0x8000],
  ];
  for (const [label, value, bits] of cases) {
    it(`${label}: ${value} → ${hex(bits)}`, () => {
      expect(hex(float32ToFloat16Bits(value))).toBe(hex(bits));
    });
  }

  it('decodes hand-derived patterns', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(FLOAT16_MAX);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('NaN (including a payload that lives only in the low float32 bits) stays NaN', () => {
    expect(isNaNBits(float32ToFloat16Bits(NaN))).toBe(true);
    const payload = new Float32Array(new Uint32Array([0x7f800001]).buffer); // signalling NaN, payload bit 0 only
    expect(isNaNBits(float32ArrayToFloat16Bits(payload)[0] as number)).toBe(true);
    const negative = new Float32Array(new Uint32Array([0xffc00000]).buffer);
    expect(isNaNBits(float32ArrayToFloat16Bits(negative)[0] as number)).toBe(true);
  });
});

// Independent oracle: non-negative finite halves are 0x0000…0x7bff in increasing order, so the
// nearest one to |x| is found by binary search; ties go to the even pattern; |x| ≥ 65520 → Inf.
const HALVES = float16BitsToFloat32Array(new Uint16Array(0x7c00).map((_, k) => k));
function oracle(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = HALVES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((HALVES[mid] as number) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff) return sign | lo;
  const below = a - (HALVES[lo] as number);
  const above = (HALVES[lo + 1] as number) - a;
  if (below < above) return sign | lo;
  if (above < below) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

describe('float16 against a brute-force oracle', () => {
  test.prop([fc.float({ noNaN: true })], { numRuns: 2000 })('any float32 rounds to the nearest half, ties to even', (x) => {
    expect(hex(float32ToFloat16Bits(x))).toBe(hex(oracle(x)));
  });

  test.prop([fc.float({ min: Math.fround(-70000), max: Math.fround(70000), noNaN: true })], { numRuns: 2000 })(
    'values in the half range, bulk and scalar agree with the oracle',
    (x) => {
      const bulk = float32ArrayToFloat16Bits(new Float32Array([x]))[0] as number;
      expect(hex(bulk)).toBe(hex(oracle(x)));
    },
  );

  test.prop([fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x1fff })])(
    'a float32 between two adjacent halves rounds to one of them',
    (h, frac) => {
      if (isNaNBits(h) || (h & 0x7fff) >= 0x7bff) return;
      const lo = float16BitsToFloat32(h);
      const hi = float16BitsToFloat32(h + 1);
      const x = Math.fround(lo + ((hi - lo) * frac) / 0x2000);
      const got = float32ToFloat16Bits(x);
      expect([h, h + 1]).toContain(got);
    },
  );
});
