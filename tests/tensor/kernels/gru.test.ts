// gruStep against a straightforward float64 reference of the paper's GRU.
// Tolerances: float64 1e-12 relative (|got − ref| ≤ 1e-12·(1 + |ref|): every output is in
// [−1, 1] up to h's size); float32 |got − ref| ≤ 1e-5 + 1e-4·|ref|.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../../src/tensor/kernels/gemm';
import { sigmoidExact as sigmoid } from '../../../src/tensor/kernels/fastmath';
import { gruStep } from '../../../src/tensor/kernels/gru';
import { Rng } from '../../../src/tensor/random';

interface Ref {
  z: Float64Array;
  r: Float64Array;
  rh: Float64Array;
  hTilde: Float64Array;
  out: Float64Array;
}

/** The GRU step written as plainly as possible, in float64. */
function reference(B: number, H: number, xProj: FloatArray, h: FloatArray, Uzr: FloatArray, Uh: FloatArray): Ref {
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const z = new Float64Array(B * H);
  const r = new Float64Array(B * H);
  const rh = new Float64Array(B * H);
  const hTilde = new Float64Array(B * H);
  const out = new Float64Array(B * H);
  for (let i = 0; i < B; i++) {
    for (let u = 0; u < H; u++) {
      let az = xProj[i * 3 * H + u] as number;
      let ar = xProj[i * 3 * H + H + u] as number;
      for (let p = 0; p < H; p++) {
        az += (h[i * H + p] as number) * (Uzr[p * 2 * H + u] as number);
        ar += (h[i * H + p] as number) * (Uzr[p * 2 * H + H + u] as number);
      }
      z[i * H + u] = sig(az);
      r[i * H + u] = sig(ar);
    }
    for (let u = 0; u < H; u++) rh[i * H + u] = (r[i * H + u] as number) * (h[i * H + u] as number);
    for (let u = 0; u < H; u++) {
      let a = xProj[i * 3 * H + 2 * H + u] as number;
      for (let p = 0; p < H; p++) a += (rh[i * H + p] as number) * (Uh[p * H + u] as number);
      hTilde[i * H + u] = Math.tanh(a);
      const zz = z[i * H + u] as number;
      out[i * H + u] = (1 - zz) * (h[i * H + u] as number) + zz * (hTilde[i * H + u] as number);
    }
  }
  return { z, r, rh, hTilde, out };
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function randArray(C: Ctor, n: number, rng: Rng, scale = 1): FloatArray {
  const x = new C(n);
  for (let i = 0; i < n; i++) x[i] = scale * rng.normal();
  return x;
}

function expectClose(label: string, got: ArrayLike<number>, ref: ArrayLike<number>, f32: boolean): void {
  expect(got.length, `${label}: length`).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const g = got[i] as number;
    const e = ref[i] as number;
    const tol = f32 ? 1e-5 + 1e-4 * Math.abs(e) : 1e-12 * (1 + Math.abs(e));
    if (!(Math.abs(g - e) <= tol)) expect.fail(`${label}: index ${i}: got ${g}, expected ${e} (tol ${tol})`);
  }
}

function check(B: number, H: number, C: Ctor, seed: number, scaleX = 1): void {
  const rng = new Rng(seed);
  const f32 = C === Float32Array;
  const xProj = randArray(C, B * 3 * H, rng, scaleX);
  const h = randArray(C, B * H, rng, 0.5);
  const Uzr = randArray(C, H * 2 * H, rng, 1 / Math.sqrt(Math.max(1, H)));
  const Uh = randArray(C, H * H, rng, 1 / Math.sqrt(Math.max(1, H)));
  const ref = reference(B, H, xProj, h, Uzr, Uh);
  const label = `gruStep ${f32 ? 'f32' : 'f64'} B=${B} H=${H}`;

  // Without buffers.
  const out = new C(B * H);
  gruStep(B, H, xProj, h, Uzr, Uh, out);
  expectClose(`${label} h'`, out, ref.out, f32);

  // With buffers: the intermediates come back.
  const zr = new C(B * 2 * H);
  const rh = new C(B * H);
  const hTilde = new C(B * H);
  const out2 = new C(B * H);
  gruStep(B, H, xProj, h, Uzr, Uh, out2, { zr, rh, hTilde });
  expectClose(`${label} h' (with buffers)`, out2, ref.out, f32);
  const z = new Float64Array(B * H);
  const r = new Float64Array(B * H);
  for (let i = 0; i < B; i++) {
    for (let u = 0; u < H; u++) {
      z[i * H + u] = zr[i * 2 * H + u] as number;
      r[i * H + u] = zr[i * 2 * H + H + u] as number;
    }
  }
  expectClose(`${label} z`, z, ref.z, f32);
  expectClose(`${label} r`, r, ref.r, f32);
  expectClose(`${label} r⊙h`, rh, ref.rh, f32);
  expectClose(`${label} h̃`, hTilde, ref.hTilde, f32);
}

describe('gruStep', () => {
  for (const C of [Float64Array, Float32Array]) {
    const name = C === Float32Array ? 'float32' : 'float64';
    it(`matches the reference (${name}) at batch 1 and 32, H = 128, and odd sizes`, () => {
      let seed = 1;
      for (const [B, H] of [
        [1, 128],
        [32, 128],
        [1, 1],
        [3, 5],
        [7, 13],
        [2, 64],
        [5, 33],
      ] as const) {
        check(B, H, C, seed++);
      }
    });
  }

  it('is safe for huge pre-activations: σ and tanh saturate, no NaN or Infinity', () => {
    for (const C of [Float32Array, Float64Array]) {
      const B = 2;
      const H = 3;
      const xProj = new C([1e4, -1e4, 800, -800, 1e30, -1e30, 1e4, -1e4, 5, 1e4, -1e4, 3, -1e4, 1e4, -5, 1e4, -1e4, 800]);
      const h = new C([0.5, -0.25, 1, -1, 0, 0.75]);
      const Uzr = new C(H * 2 * H).fill(0.1);
      const Uh = new C(H * H).fill(-0.1);
      const zr = new C(B * 2 * H);
      const hTilde = new C(B * H);
      const out = new C(B * H);
      gruStep(B, H, xProj, h, Uzr, Uh, out, { zr, hTilde });
      for (const v of [...out, ...zr, ...hTilde]) expect(Number.isFinite(v)).toBe(true);
      for (const v of zr) expect(v >= 0 && v <= 1).toBe(true);
      const ref = reference(B, H, xProj, h, Uzr, Uh);
      expectClose(`gruStep saturated ${C.name}`, out, ref.out, C === Float32Array);
    }
    expect(sigmoid(1e4)).toBe(1);
    expect(sigmoid(-1e4)).toBe(0);
    expect(sigmoid(-745.2)).toBeGreaterThanOrEqual(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(Math.abs(sigmoid(-30) - Math.exp(-30) / (1 + Math.exp(-30)))).toBeLessThan(1e-25);
    expect(Number.isNaN(sigmoid(NaN))).toBe(true);
  });

  it('handles B = 0 and H = 0 as no-ops', () => {
    const e = new Float32Array(0);
    expect(() => gruStep(0, 4, e, e, new Float32Array(32), new Float32Array(16), e)).not.toThrow();
    expect(() => gruStep(3, 0, e, e, e, e, e)).not.toThrow();
  });

  it('rejects short arrays and overlapping out/h or buffers', () => {
    const H = 4;
    const x = new Float64Array(3 * H);
    const h = new Float64Array(H);
    const Uzr = new Float64Array(2 * H * H);
    const Uh = new Float64Array(H * H);
    expect(() => gruStep(1, H, x, h, Uzr, new Float64Array(3), new Float64Array(H))).toThrow(/Uh needs 16/);
    expect(() => gruStep(1, H, x, h, Uzr, Uh, h)).toThrow(/out must not overlap h/);
    const shared = new Float64Array(2 * H);
    expect(() => gruStep(1, H, x, shared.subarray(0, H), Uzr, Uh, shared.subarray(2, 2 + H))).toThrow(/overlap/);
    expect(() => gruStep(1, H, x, h, Uzr, Uh, new Float64Array(H), { rh: h })).toThrow(/scratch.rh must not overlap/);
    // Adjacent but disjoint views are fine.
    expect(() => gruStep(1, H, x, shared.subarray(0, H), Uzr, Uh, shared.subarray(H, 2 * H))).not.toThrow();
  });

  fcTest.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.integer()], { numRuns: 60 })(
    'matches the reference on random small shapes',
    (B, H, f32, seed) => {
      check(B, H, f32 ? Float32Array : Float64Array, seed, 2);
    },
  );
});
