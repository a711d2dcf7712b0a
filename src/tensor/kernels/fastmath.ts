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
