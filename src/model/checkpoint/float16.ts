// IEEE 754 binary16 ("half", safetensors F16) ↔ float32, bit-exact: round to nearest, ties to
// even; overflow → ±Infinity; subnormals kept; NaN stays NaN (quiet, top payload bits kept).
//
// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Largest finite 65504,
// smallest normal 2^-14 ≈ 6.10e-5, smallest subnormal 2^-24 ≈ 5.96e-8.

/** Largest finite float16 value. */
export const FLOAT16_MAX = 65504;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float32 bit pattern (as an unsigned 32-bit integer) → float16 bit pattern (0…0xffff). */
export function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;

  if (exponent === 0xff) {
    // Infinity, or NaN: keep it a NaN (force the quiet bit so a payload in the low bits cannot vanish).
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  }

  const e = exponent - 127 + 15; // the float16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large even before rounding: ±Infinity

  if (e <= 0) {
    // Subnormal float16 (or zero). value = M · 2^(exponent−150) with M the 24-bit significand;
    // a float16 subnormal is m · 2^-24, so m = M / 2^(14 − e), rounded to nearest even.
    if (e < -10) return sign; // below half the smallest subnormal (float32 subnormals included): ±0
    mantissa |= 0x800000;
    const shift = 14 - e; // 14…24
    const truncated = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    const rounded = remainder > halfway || (remainder === halfway && (truncated & 1) === 1) ? truncated + 1 : truncated;
    return sign | rounded; // rounding up to 0x400 gives the smallest normal, which is right
  }

  // Normal: keep the top 10 mantissa bits and round on the 13 dropped ones. A carry out of the
  // mantissa bumps the exponent, and out of the largest exponent gives 0x7c00 = Infinity: both right.
  const truncated = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  const rounded = remainder > 0x1000 || (remainder === 0x1000 && (truncated & 1) === 1) ? truncated + 1 : truncated;
  return sign | rounded;
}

/**
 * A number → float16 bit pattern. The number is first rounded to float32 (exact for values read
 * from a Float32Array, which is what checkpoints hold), then to float16.
 */
export function float32ToFloat16Bits(value: number): number {
  scratchF32[0] = value;
  return float32BitsToFloat16Bits(scratchU32[0]);
}

/** float16 bit pattern (0…0xffff) → its exact value as a number (every float16 is exact in float32). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** Bulk float32 → float16 bit patterns, element by element as `float32ToFloat16Bits`. */
export function float32ArrayToFloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = float32BitsToFloat16Bits(bits[k]);
  return out;
}

let table: Float32Array | null = null;

/** All 65536 float16 values indexed by bit pattern (256 KiB, built on first use): fast bulk decoding. */
export function float16Table(): Float32Array {
  if (table === null) {
    table = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) table[h] = float16BitsToFloat32(h);
  }
  return table;
}

/** Bulk float16 bit patterns → float32 values, element by element as `float16BitsToFloat32`. */
export function float16BitsToFloat32Array(bits: Uint16Array): Float32Array {
  const values = float16Table();
  const out = new Float32Array(bits.length);
  for (let k = 0; k < bits.length; k++) out[k] = values[bits[k]];
  return out;
}
