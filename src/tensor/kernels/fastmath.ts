// The logistic sigmoid (exact, for float64: the one sigmoid of the code base), and fast tanh and
// sigmoid for the float32 path. Math.tanh costs ~13 ns here
// (a call into the C library); this rational approximation (the minimax form Eigen uses for
// float tanh: x·P(x²)/Q(x²), clamped at ±7.905) costs ~3 ns and is within 3e-7 of tanh
// everywhere — below float32 resolution near ±1 — and exact at 0. NaN stays NaN.
// Decoding a sentence evaluates ~80,000 of them at length 20, so this matters. The autodiff
// ops and the float64 path keep Math.tanh.

const CLAMP = 7.90531110763549805;

export function fastTanh(v: number): number {
  const t = v > CLAMP ? CLAMP : v < -CLAMP ? -CLAMP : v;
  const x2 = t * t;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (t * p) / q;
}

/** σ(x) = ½(1 + tanh(x/2)), via fastTanh; within 1.5e-7 of the logistic function. */
export function fastSigmoid(v: number): number {
  return 0.5 + 0.5 * fastTanh(0.5 * v);
}

/** σ(x) without overflow: exp is only ever taken of a non-positive number (the float64 path). */
export function sigmoidExact(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

// log Σ exp over a row of logits, for the leave-one-out's thousands of rows over a real vocabulary
// (src/model/inference.ts, forcedLogProbs): Math.exp costs ~15 ns here, and a row of 4,353 pieces
// is 2.7 million of them for the saliency of a 20-word sentence. exp(−y) for y ≥ 0 as a table of
// exp(−i/8) times exp(r), r ∈ (−1/8, 0], by its Taylor series to r⁶ (relative error < 1e-10):
// ~5 ns. Terms below e^−745 (zero in float64) are skipped.

const EXP_STEPS = 8;
const EXP_LIMIT = 745 * EXP_STEPS;
const EXP_TABLE = Float64Array.from({ length: EXP_LIMIT + 1 }, (_, i) => Math.exp(-i / EXP_STEPS));

/** log Σ_{v<n} exp(x[off + v]), max-shifted (so it neither overflows nor underflows); −∞ for n = 0, NaN if any value is NaN. */
export function logSumExpFast(x: Float32Array | Float64Array, off: number, n: number): number {
  let max = -Infinity;
  let nan = false;
  for (let v = off; v < off + n; v++) {
    const xv = x[v] as number;
    if (xv > max) max = xv;
    else if (xv !== xv) nan = true;
  }
  if (nan || max !== max) return NaN;
  if (max === -Infinity || max === Infinity) return max;
  let total = 0;
  for (let v = off; v < off + n; v++) {
    const y = (max - (x[v] as number)) * EXP_STEPS;
    if (y > EXP_LIMIT) continue;
    const i = y | 0;
    const r = (i - y) / EXP_STEPS;
    total += (EXP_TABLE[i] as number) * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720))))));
  }
  return max + Math.log(total);
}
