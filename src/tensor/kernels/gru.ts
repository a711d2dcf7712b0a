// One forward step of the paper's GRU (Cho et al. 2014; Bahdanau et al. 2014, appendix A),
// fused: two matrix products and one pass of element-wise maths per step, no allocation
// once the internal scratch has grown to the largest batch seen.
//
//   z  = σ(x_z + h·U_z)              update gate
//   r  = σ(x_r + h·U_r)              reset gate
//   h̃  = tanh(x_h + (r ⊙ h)·U_h)     candidate
//   h' = (1 − z) ⊙ h + z ⊙ h̃
//
// x_z | x_r | x_h are the input projections W·x + b, precomputed for the whole sequence
// (`xProj`, [B×3H]); U_z | U_r are stored side by side (`Uzr`, [H×2H]) so both gates come from
// one product.

import { fastSigmoid, fastTanh, sigmoidExact } from './fastmath';
import { gemm, type FloatArray } from './gemm';

/**
 * Optional work buffers of gruStep. Pass them to keep the step's intermediates (the backward
 * pass needs them); omitted ones are replaced by internal float64 scratch. Each must be
 * distinct from the others and must not overlap xProj, h or out.
 */
export interface GruStepBuffers {
  /** [B×2H] row-major; on return z in columns [0, H) and r in columns [H, 2H). */
  zr?: FloatArray;
  /** [B×H]; on return r ⊙ h. */
  rh?: FloatArray;
  /** [B×H]; on return h̃. */
  hTilde?: FloatArray;
}

/** gruStep's options: its buffers, and the two fusions of the RNNsearch decoder. */
export interface GruStepOptions extends GruStepBuffers {
  /**
   * h·[U_z | U_r] already computed by the caller ([B×2H]; the decoder gets it from one product of
   * s_{i−1} with all its state matrices): the gate product is skipped and `Uzr` is not read.
   */
  zrPre?: FloatArray;
  /** Added to xProj ([B×3H]; the decoder's context projection C·c_i, a new input every step). */
  addX?: FloatArray;
}

let scratchZr = new Float64Array(0);
let scratchRh = new Float64Array(0);
let scratchHt = new Float64Array(0);

/**
 * h' = GRU(h, x) for a batch of B rows, hidden size H (see the file header). All arrays are
 * row-major and start at index 0: xProj [B×3H] (x_z | x_r | x_h), h [B×H], Uzr [H×2H]
 * (U_z | U_r), Uh [H×H], out [B×H]. `out` must not overlap `h` (h is read after out is
 * written). Any mix of Float32Array and Float64Array.
 *
 * The one GRU step of the code base: the page's decoder and encoder (src/model/inference.ts),
 * the training op `gruCell` (src/tensor/ops/fused.ts, which keeps the buffers for its backward)
 * and the benchmark all run it. A float32 `out` gets the fast rational σ and tanh (within 3e-7,
 * below float32 resolution), a float64 one the exact functions (gradient checks), so that
 * training and inference compute the same function.
 */
export function gruStep(
  B: number,
  H: number,
  xProj: FloatArray,
  h: FloatArray,
  Uzr: FloatArray,
  Uh: FloatArray,
  out: FloatArray,
  options?: GruStepOptions,
): void {
  if (!Number.isInteger(B) || B < 0 || !Number.isInteger(H) || H < 0) {
    throw new RangeError(`gruStep: B and H must be non-negative integers, got B=${B}, H=${H}`);
  }
  const H2 = 2 * H;
  const H3 = 3 * H;
  need('xProj', xProj, B * H3);
  need('h', h, B * H);
  if (options?.zrPre) need('zrPre', options.zrPre, B * H2);
  else need('Uzr', Uzr, H * H2);
  if (options?.addX) need('addX', options.addX, B * H3);
  need('Uh', Uh, H * H);
  need('out', out, B * H);
  if (overlaps(out, B * H, h, B * H)) throw new RangeError('gruStep: out must not overlap h');
  if (B === 0 || H === 0) return;

  const zr = options?.zr ?? grow('zr', B * H2);
  const rh = options?.rh ?? grow('rh', B * H);
  const ht = options?.hTilde ?? grow('hTilde', B * H);
  if (options) {
    checkScratch('zr', options.zr, B * H2, xProj, h, out, B, H);
    checkScratch('rh', options.rh, B * H, xProj, h, out, B, H);
    checkScratch('hTilde', options.hTilde, B * H, xProj, h, out, B, H);
  }
  const f32 = out instanceof Float32Array;
  const sigmoid = f32 ? fastSigmoid : sigmoidExact;
  const tanh = f32 ? fastTanh : Math.tanh;
  const zrPre = options?.zrPre;
  const addX = options?.addX;

  // Gates: zr = σ([x_z | x_r] + h·[U_z | U_r]).
  if (zrPre) for (let k = 0; k < B * H2; k++) zr[k] = zrPre[k];
  else gemm(false, false, B, H2, H, h, 0, H, Uzr, 0, H2, zr, 0, H2, false);
  for (let i = 0; i < B; i++) {
    const x0 = i * H3;
    const z0 = i * H2;
    const h0 = i * H;
    if (addX) for (let u = 0; u < H2; u++) zr[z0 + u] = sigmoid(zr[z0 + u] + xProj[x0 + u] + addX[x0 + u]);
    else for (let u = 0; u < H2; u++) zr[z0 + u] = sigmoid(zr[z0 + u] + xProj[x0 + u]);
    for (let u = 0; u < H; u++) rh[h0 + u] = zr[z0 + H + u] * h[h0 + u];
  }

  // Candidate: h̃ = tanh(x_h + (r ⊙ h)·U_h); then h' = (1 − z) ⊙ h + z ⊙ h̃.
  gemm(false, false, B, H, H, rh, 0, H, Uh, 0, H, ht, 0, H, false);
  for (let i = 0; i < B; i++) {
    const x0 = i * H3 + H2;
    const z0 = i * H2;
    const h0 = i * H;
    for (let u = 0; u < H; u++) {
      const c = tanh(ht[h0 + u] + xProj[x0 + u] + (addX ? addX[x0 + u] : 0));
      ht[h0 + u] = c;
      const z = zr[z0 + u];
      out[h0 + u] = (1 - z) * h[h0 + u] + z * c;
    }
  }
}

function need(name: string, x: FloatArray, n: number): void {
  if (x.length < n) throw new RangeError(`gruStep: ${name} needs ${n} elements, has ${x.length}`);
}

function checkScratch(
  name: string,
  buf: FloatArray | undefined,
  n: number,
  xProj: FloatArray,
  h: FloatArray,
  out: FloatArray,
  B: number,
  H: number,
): void {
  if (!buf) return;
  need(`scratch.${name}`, buf, n);
  if (overlaps(buf, n, xProj, 3 * B * H) || overlaps(buf, n, h, B * H) || overlaps(buf, n, out, B * H)) {
    throw new RangeError(`gruStep: scratch.${name} must not overlap xProj, h or out`);
  }
}

/** True if the first n elements of x and of y share memory. */
function overlaps(x: FloatArray, nx: number, y: FloatArray, ny: number): boolean {
  if (x.buffer !== y.buffer) return false;
  const x0 = x.byteOffset;
  const y0 = y.byteOffset;
  return x0 < y0 + ny * y.BYTES_PER_ELEMENT && y0 < x0 + nx * x.BYTES_PER_ELEMENT;
}

function grow(which: 'zr' | 'rh' | 'hTilde', n: number): Float64Array {
  if (which === 'zr') {
    if (scratchZr.length < n) scratchZr = new Float64Array(n);
    return scratchZr;
  }
  if (which === 'rh') {
    if (scratchRh.length < n) scratchRh = new Float64Array(n);
    return scratchRh;
  }
  if (scratchHt.length < n) scratchHt = new Float64Array(n);
  return scratchHt;
}
