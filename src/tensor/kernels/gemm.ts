// General matrix multiply on typed arrays: C[m×n] = (accumulate ? C : 0) + op(A)·op(B).
//
// Row-major with leading dimensions, BLAS-style: op(A) is m×k, stored either m×k (row stride
// lda) or, when `transA`, k×m (row stride lda); op(B) is k×n, stored k×n or, when `transB`, n×k.
// Works for Float32Array and Float64Array (any mix); arithmetic is always done in float64.
//
// How it is fast in plain JavaScript (measured in bench/, Node 20 / V8 11.3; see bench/README.md):
//
// - m ≥ 4 (training batches): BLIS-style packing. A block of op(A) is copied into two
//   float64 panel arrays (rows 2i and 2i+1 of each 2-row panel, k-contiguous) and a block of
//   op(B) into three (columns 3j, 3j+1, 3j+2 of each 3-column panel). Because packing reads
//   either layout, the four (transA, transB) forms run the same inner loop at the same speed.
//   The micro-kernel keeps a 2×3 tile of C in six local accumulators.
// - Why 2×3 and why five separate module-level `const` arrays: TurboFan embeds a `const`
//   typed array of a module as a constant (data pointer and length known, no map check), and
//   the five loads of a step use just two indices (A side, B side) on arrays of equal length,
//   so they need two bounds checks, not five. Bigger tiles (2×4, 4×4, 2×6…) are slower here: TurboFan schedules all products
//   before all sums, so more than ~6 accumulators spill to the stack every iteration. So are
//   k-unrolled loops (same reason), a single packed buffer with per-element offsets (one
//   bounds check per load) and float32 packing (one conversion per load).
// - m = 1 (inference, batch 1) and n = 1: no packing (it would cost as much as the product);
//   the vector is copied to a float64 scratch and the matrix is streamed once, eight outputs
//   at a time in registers (written straight to C): column blocks for x·W, eight dot products
//   sharing each x load for x·Wᵀ. Small m (2, 3) runs that row by row.
// - These streaming kernels touch the caller's arrays in their inner loop, and V8 makes a
//   function that has seen both Float32Array and Float64Array polymorphic (≈35 % slower
//   measured). So each exists twice, once per dtype, with identical bodies (`…F32` / `…F64`),
//   and the entry dispatches on the array type. tests/tensor/kernels check both copies.
// - Fixed-size scratch (constant length, so TurboFan can fold it): problems larger than a
//   block are tiled over k, m and n; there is no allocation after module load (≈ 352 KiB of
//   scratch is allocated when the module loads), except the packed copies of constant operands
//   inside a `withConstantOperands` scope (below).
// - Caveat, V8-wide: once any ArrayBuffer has been detached in the isolate (a postMessage or
//   structuredClone *transfer*, ArrayBuffer.prototype.transfer, a WebAssembly.Memory growing),
//   V8 drops an optimisation for good and these kernels run ~30 % slower (packed path ~12 → ~8.5
//   GFLOP/s, vector path ~5.3 → ~4.4). Prefer copying to transferring in threads that compute;
//   bench/ measures both states (`ours` and `ours-detached`).

export type FloatArray = Float32Array | Float64Array;

/** Length of each packed panel array (float64 elements): 5 × 64 KiB in total. */
const PANEL_LEN = 8192;
/** Depth of one packed block along k. */
const KC = 256;
/** Micro-tile: MR rows of op(A) × NR columns of op(B). */
const MR = 2;
const NR = 3;
/** Chunk of the input vector copied to scratch by the vector paths. */
const VEC_LEN = 4096;
/** Below this many rows (and with n > 1), rows are multiplied one by one without packing. */
const SMALL_M = 4;

// All scratch lives in one ArrayBuffer (views at fixed offsets). Once any ArrayBuffer in the
// isolate has been detached (bench/README.md), V8 re-checks detachment on every load from these
// arrays; one shared buffer keeps that check cheaper (≈ +5 % then, no cost otherwise).
const SCRATCH = new ArrayBuffer(8 * (5 * PANEL_LEN + MR * NR + VEC_LEN));
// Packed op(A) block: PA0 holds the even rows, PA1 the odd rows; panel i is at [i·kc, (i+1)·kc).
const PA0 = new Float64Array(SCRATCH, 0, PANEL_LEN);
const PA1 = new Float64Array(SCRATCH, 8 * PANEL_LEN, PANEL_LEN);
// Packed op(B) block: PBj holds columns 3q + j; panel q is at [q·kc, (q+1)·kc).
const PB0 = new Float64Array(SCRATCH, 16 * PANEL_LEN, PANEL_LEN);
const PB1 = new Float64Array(SCRATCH, 24 * PANEL_LEN, PANEL_LEN);
const PB2 = new Float64Array(SCRATCH, 32 * PANEL_LEN, PANEL_LEN);
// Output of the micro-kernel: the 2×3 tile, row-major.
const TILE = new Float64Array(SCRATCH, 40 * PANEL_LEN, MR * NR);
// Vector paths: a chunk of the (strided, any dtype) input vector as float64.
const VX = new Float64Array(SCRATCH, 8 * (5 * PANEL_LEN + MR * NR), VEC_LEN);

/**
 * C[m×n] = (accumulate ? C : 0) + op(A)·op(B), row-major with leading dimensions.
 * op(A) = transA ? Aᵀ : A is m×k; op(B) = transB ? Bᵀ : B is k×n. C must not overlap A or B.
 * With accumulate = false, C's old contents are ignored (NaN in C does not propagate).
 * Throws RangeError on negative/non-integer sizes, too-small leading dimensions or arrays too
 * short for the described matrices.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    }
    return;
  }
  if (m === 1) {
    rowTimesMatrix(transB, n, k, a, aOff, transA ? lda : 1, b, bOff, ldb, c, cOff, 1, accumulate);
  } else if (n === 1) {
    // c[i] = Σ_p op(A)[i,p]·op(B)[p,0]: the vector op(B)[:,0] times op(A)ᵀ.
    rowTimesMatrix(!transA, m, k, b, bOff, transB ? 1 : ldb, a, aOff, lda, c, cOff, ldc, accumulate);
  } else if (m < SMALL_M) {
    const rowStep = transA ? 1 : lda;
    for (let i = 0; i < m; i++) {
      rowTimesMatrix(transB, n, k, a, aOff + i * rowStep, transA ? lda : 1, b, bOff, ldb, c, cOff + i * ldc, 1, accumulate);
    }
  } else {
    packedGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }
}

function checkArgs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
): void {
  checkIndex('m', m);
  checkIndex('n', n);
  checkIndex('k', k);
  checkIndex('aOff', aOff);
  checkIndex('lda', lda);
  checkIndex('bOff', bOff);
  checkIndex('ldb', ldb);
  checkIndex('cOff', cOff);
  checkIndex('ldc', ldc);
  // Every index the kernels compute stays below 2^31 (they use `| 0` arithmetic).
  if (a.length > 0x7fffffff || b.length > 0x7fffffff || c.length > 0x7fffffff) {
    throw new RangeError('gemm: arrays longer than 2^31 − 1 elements are not supported');
  }
  const aRows = transA ? k : m;
  const aCols = transA ? m : k;
  const bRows = transB ? n : k;
  const bCols = transB ? k : n;
  checkMatrix('A', a, aOff, lda, aRows, aCols);
  checkMatrix('B', b, bOff, ldb, bRows, bCols);
  checkMatrix('C', c, cOff, ldc, m, n);
}

function checkIndex(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new RangeError(`gemm: ${name} must be a non-negative 32-bit integer, got ${v}`);
  }
}

function checkMatrix(name: string, x: FloatArray, off: number, ld: number, rows: number, cols: number): void {
  if (ld < Math.max(1, cols)) {
    throw new RangeError(`gemm: ld${name.toLowerCase()} = ${ld} is less than max(1, ${cols}) columns of ${name}`);
  }
  if (rows === 0 || cols === 0) return;
  const last = off + (rows - 1) * ld + cols - 1;
  if (last >= x.length) {
    throw new RangeError(
      `gemm: ${name} (${rows}×${cols}, offset ${off}, ld ${ld}) needs ${last + 1} elements, array has ${x.length}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Packed path (m ≥ SMALL_M)

function packedGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  const packed = constantOperands === null ? null : packedOperand(transB, b, bOff, ldb, n, k);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    const acc = accumulate || k0 > 0;
    // Block sizes that fill the panel arrays at this depth.
    const mcMax = MR * Math.floor(PANEL_LEN / kc);
    const ncMax = NR * Math.floor(PANEL_LEN / kc);
    for (let m0 = 0; m0 < m; m0 += mcMax) {
      const mc = Math.min(mcMax, m - m0);
      packA(transA, a, aOff, lda, m0, mc, k0, kc);
      for (let n0 = 0; n0 < n; n0 += ncMax) {
        const nc = Math.min(ncMax, n - n0);
        if (packed) restoreB(packed, k0, n0, kc, nc, n);
        else packB(transB, b, bOff, ldb, n0, nc, k0, kc);
        macroKernel(mc, nc, kc, c, cOff + m0 * ldc + n0, ldc, acc);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Constant operands: op(B) packed once per scope
//
// A decoder multiplies the same weight matrix at every step, and with few rows (a batch of a
// dozen sentences) packing op(B) costs about a third of the product: measured on the saliency of
// a 20-word sentence (bench `saliency`), packB took 24 % of the time, macroKernel 42 %. Inside
// `withConstantOperands(arrays, fn)`, an op(B) read from one of `arrays` is packed the first time
// and the packed panels are copied (a memcpy) into the scratch on every later use. Whoever opens
// the scope promises not to write those arrays until it closes (a model's weights while it only
// decodes); the cache is dropped when the outermost scope closes, and it holds at most
// PACK_CACHE_DOUBLES numbers (beyond that, operands are packed as usual).

/** The most float64 numbers the packed copies may hold at once (64 MiB). */
export const PACK_CACHE_DOUBLES = 8 * 1024 * 1024;

interface PackedOperand {
  transB: boolean;
  bOff: number;
  ldb: number;
  n: number;
  k: number;
  /** The blocks of op(B) as packB writes them, block (k0, n0) at 3·k0·⌈n/3⌉ + kc·n0: its PB0, PB1, PB2 segments in a row. */
  data: Float64Array;
}

let constantOperands: Map<FloatArray, PackedOperand[]> | null = null;
let packCacheUsed = 0;
let scopeDepth = 0;

/**
 * Run `fn` with `arrays` declared constant: products that read op(B) from one of them reuse its
 * packed panels. The arrays must not be written while `fn` runs. Scopes nest (an inner scope adds
 * its arrays; all are released when the outermost one closes).
 */
export function withConstantOperands<T>(arrays: Iterable<FloatArray>, fn: () => T): T {
  if (scopeDepth === 0) {
    constantOperands = new Map();
    packCacheUsed = 0;
  }
  const map = constantOperands as Map<FloatArray, PackedOperand[]>;
  for (const x of arrays) if (!map.has(x)) map.set(x, []);
  scopeDepth++;
  try {
    return fn();
  } finally {
    scopeDepth--;
    if (scopeDepth === 0) {
      constantOperands = null;
      packCacheUsed = 0;
    }
  }
}

/** The packed copy of a constant op(B) (made on first use), or null: not constant, or over the budget. */
function packedOperand(transB: boolean, b: FloatArray, bOff: number, ldb: number, n: number, k: number): Float64Array | null {
  const entries = constantOperands?.get(b);
  if (!entries) return null;
  for (const e of entries) if (e.transB === transB && e.bOff === bOff && e.ldb === ldb && e.n === n && e.k === k) return e.data;
  const panels = Math.ceil(n / NR);
  const size = NR * k * panels;
  if (packCacheUsed + size > PACK_CACHE_DOUBLES) return null;
  const data = new Float64Array(size);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    const ncMax = NR * Math.floor(PANEL_LEN / kc);
    for (let n0 = 0; n0 < n; n0 += ncMax) {
      const nc = Math.min(ncMax, n - n0);
      packB(transB, b, bOff, ldb, n0, nc, k0, kc);
      const len = Math.ceil(nc / NR) * kc;
      const o = NR * k0 * panels + kc * n0;
      data.set(PB0.subarray(0, len), o);
      data.set(PB1.subarray(0, len), o + len);
      data.set(PB2.subarray(0, len), o + 2 * len);
    }
  }
  packCacheUsed += size;
  entries.push({ transB, bOff, ldb, n, k, data });
  return data;
}

/** Block (k0, n0) of a packed operand back into PB0/PB1/PB2 (what packB would have written). */
function restoreB(data: Float64Array, k0: number, n0: number, kc: number, nc: number, n: number): void {
  const len = Math.ceil(nc / NR) * kc;
  const o = NR * k0 * Math.ceil(n / NR) + kc * n0;
  PB0.set(data.subarray(o, o + len));
  PB1.set(data.subarray(o + len, o + 2 * len));
  PB2.set(data.subarray(o + 2 * len, o + 3 * len));
}

/** Rows [m0, m0+mc) × depth [k0, k0+kc) of op(A) into PA0/PA1, zero-padding an odd last row. */
function packA(transA: boolean, a: FloatArray, aOff: number, lda: number, m0: number, mc: number, k0: number, kc: number): void {
  const pairs = mc >> 1;
  if (!transA) {
    // Row r of op(A) is contiguous: a[aOff + r·lda + k0 + p].
    for (let q = 0; q < pairs; q++) {
      const s0 = aOff + (m0 + 2 * q) * lda + k0;
      const s1 = s0 + lda;
      const d = q * kc;
      for (let p = 0; p < kc; p++) {
        PA0[d + p] = a[s0 + p];
        PA1[d + p] = a[s1 + p];
      }
    }
    if (mc & 1) {
      const s0 = aOff + (m0 + mc - 1) * lda + k0;
      const d = pairs * kc;
      for (let p = 0; p < kc; p++) {
        PA0[d + p] = a[s0 + p];
        PA1[d + p] = 0;
      }
    }
  } else {
    // Column r of the stored k×m matrix: a[aOff + (k0 + p)·lda + r]; read each stored row once.
    for (let p = 0; p < kc; p++) {
      const s = aOff + (k0 + p) * lda + m0;
      for (let q = 0; q < pairs; q++) {
        PA0[q * kc + p] = a[s + 2 * q];
        PA1[q * kc + p] = a[s + 2 * q + 1];
      }
      if (mc & 1) {
        PA0[pairs * kc + p] = a[s + mc - 1];
        PA1[pairs * kc + p] = 0;
      }
    }
  }
}

/** Columns [n0, n0+nc) × depth [k0, k0+kc) of op(B) into PB0/PB1/PB2, zero-padding the last panel. */
function packB(transB: boolean, b: FloatArray, bOff: number, ldb: number, n0: number, nc: number, k0: number, kc: number): void {
  const full = Math.floor(nc / NR);
  const rest = nc - full * NR;
  if (!transB) {
    // Element (p, j) of op(B) is b[bOff + (k0 + p)·ldb + n0 + j]; fill each panel contiguously.
    for (let q = 0; q < full; q++) {
      let t = bOff + k0 * ldb + n0 + NR * q;
      const d = q * kc;
      for (let p = 0; p < kc; p++) {
        PB0[d + p] = b[t];
        PB1[d + p] = b[t + 1];
        PB2[d + p] = b[t + 2];
        t += ldb;
      }
    }
    if (rest > 0) {
      let t = bOff + k0 * ldb + n0 + NR * full;
      const d = full * kc;
      for (let p = 0; p < kc; p++) {
        PB0[d + p] = b[t];
        PB1[d + p] = rest > 1 ? b[t + 1] : 0;
        PB2[d + p] = 0;
        t += ldb;
      }
    }
  } else {
    // Column j of op(B) is row j of the stored n×k matrix: b[bOff + (n0 + j)·ldb + k0 + p].
    for (let q = 0; q < full; q++) {
      const s0 = bOff + (n0 + NR * q) * ldb + k0;
      const s1 = s0 + ldb;
      const s2 = s1 + ldb;
      const d = q * kc;
      for (let p = 0; p < kc; p++) {
        PB0[d + p] = b[s0 + p];
        PB1[d + p] = b[s1 + p];
        PB2[d + p] = b[s2 + p];
      }
    }
    if (rest > 0) {
      const s0 = bOff + (n0 + NR * full) * ldb + k0;
      const s1 = s0 + ldb;
      const d = full * kc;
      for (let p = 0; p < kc; p++) {
        PB0[d + p] = b[s0 + p];
        PB1[d + p] = rest > 1 ? b[s1 + p] : 0;
        PB2[d + p] = 0;
      }
    }
  }
}

/** All micro-tiles of one packed block; C block starts at cOff. */
function macroKernel(mc: number, nc: number, kc: number, c: FloatArray, cOff: number, ldc: number, acc: boolean): void {
  const mPanels = Math.ceil(mc / MR);
  const nPanels = Math.ceil(nc / NR);
  for (let jq = 0; jq < nPanels; jq++) {
    const nv = Math.min(NR, nc - jq * NR);
    const ib = jq * kc;
    for (let iq = 0; iq < mPanels; iq++) {
      const mv = Math.min(MR, mc - iq * MR);
      microKernel(kc, iq * kc, ib);
      const o = cOff + iq * MR * ldc + jq * NR;
      if (mv === MR && nv === NR) {
        const o1 = o + ldc;
        if (acc) {
          c[o] += TILE[0];
          c[o + 1] += TILE[1];
          c[o + 2] += TILE[2];
          c[o1] += TILE[3];
          c[o1 + 1] += TILE[4];
          c[o1 + 2] += TILE[5];
        } else {
          c[o] = TILE[0];
          c[o + 1] = TILE[1];
          c[o + 2] = TILE[2];
          c[o1] = TILE[3];
          c[o1 + 1] = TILE[4];
          c[o1 + 2] = TILE[5];
        }
      } else {
        for (let i = 0; i < mv; i++) {
          for (let j = 0; j < nv; j++) {
            const t = TILE[i * NR + j];
            if (acc) c[o + i * ldc + j] += t;
            else c[o + i * ldc + j] = t;
          }
        }
      }
    }
  }
}

/**
 * TILE = (2 rows of packed A at PA0/PA1[ia…]) · (3 columns of packed B at PB0..2[ib…]) over
 * depth kc. The loads of one step use two indices shared across the arrays: keep it that way
 * (see the header) — and keep the tile at six accumulators.
 */
function microKernel(kc: number, ia: number, ib: number): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  for (let p = 0; p < kc; p++) {
    const x = (ia + p) | 0;
    const y = (ib + p) | 0;
    const a0 = PA0[x];
    const a1 = PA1[x];
    const b0 = PB0[y];
    c00 += a0 * b0;
    c10 += a1 * b0;
    const b1 = PB1[y];
    c01 += a0 * b1;
    c11 += a1 * b1;
    const b2 = PB2[y];
    c02 += a0 * b2;
    c12 += a1 * b2;
  }
  TILE[0] = c00;
  TILE[1] = c01;
  TILE[2] = c02;
  TILE[3] = c10;
  TILE[4] = c11;
  TILE[5] = c12;
}

// ---------------------------------------------------------------------------------------------
// Vector path: one row vector times a matrix, y[j] = Σ_p x[p]·M(p, j), where
//   M(p, j) = w[wOff + p·ldw + j]   (form "N": the matrix stored k×n), or
//   M(p, j) = w[wOff + j·ldw + p]   (form "T": the matrix stored n×k).
// x[p] = xs[xOff + p·incx]; the result goes to c[cOff + j·incc].

function rowTimesMatrix(
  transW: boolean,
  n: number,
  k: number,
  xs: FloatArray,
  xOff: number,
  incx: number,
  w: FloatArray,
  wOff: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  incc: number,
  accumulate: boolean,
): void {
  for (let p0 = 0; p0 < k; p0 += VEC_LEN) {
    const kc = Math.min(VEC_LEN, k - p0);
    const xb = xOff + p0 * incx;
    for (let p = 0; p < kc; p++) VX[p] = xs[xb + p * incx];
    const acc = accumulate || p0 > 0;
    if (!transW) {
      const off = wOff + p0 * ldw;
      if (w instanceof Float32Array) vecMatNF32(kc, n, w, off, ldw, c, cOff, incc, acc);
      else vecMatNF64(kc, n, w, off, ldw, c, cOff, incc, acc);
    } else {
      const off = wOff + p0;
      if (w instanceof Float32Array) vecMatTF32(kc, n, w, off, ldw, c, cOff, incc, acc);
      else vecMatTF64(kc, n, w, off, ldw, c, cOff, incc, acc);
    }
  }
}

// The four kernels below come in dtype pairs with identical bodies (see the header for why).
// Edit one, edit its twin.

/** c[cOff + j·incc] (+)= Σ_p VX[p]·w[off + p·ldw + j], j < nc, p < kc: eight columns at a time. */
function vecMatNF32(
  kc: number,
  nc: number,
  w: Float32Array,
  off: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  incc: number,
  acc: boolean,
): void {
  let j = 0;
  for (; j + 7 < nc; j += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    let r = (off + j) | 0;
    for (let p = 0; p < kc; p++) {
      const xp = VX[p];
      s0 += xp * w[r];
      s1 += xp * w[(r + 1) | 0];
      s2 += xp * w[(r + 2) | 0];
      s3 += xp * w[(r + 3) | 0];
      s4 += xp * w[(r + 4) | 0];
      s5 += xp * w[(r + 5) | 0];
      s6 += xp * w[(r + 6) | 0];
      s7 += xp * w[(r + 7) | 0];
      r = (r + ldw) | 0;
    }
    const o = cOff + j * incc;
    if (acc) {
      c[o] += s0;
      c[o + incc] += s1;
      c[o + 2 * incc] += s2;
      c[o + 3 * incc] += s3;
      c[o + 4 * incc] += s4;
      c[o + 5 * incc] += s5;
      c[o + 6 * incc] += s6;
      c[o + 7 * incc] += s7;
    } else {
      c[o] = s0;
      c[o + incc] = s1;
      c[o + 2 * incc] = s2;
      c[o + 3 * incc] = s3;
      c[o + 4 * incc] = s4;
      c[o + 5 * incc] = s5;
      c[o + 6 * incc] = s6;
      c[o + 7 * incc] = s7;
    }
  }
  for (; j < nc; j++) {
    let s = 0;
    let r = (off + j) | 0;
    for (let p = 0; p < kc; p++) {
      s += VX[p] * w[r];
      r = (r + ldw) | 0;
    }
    if (acc) c[cOff + j * incc] += s;
    else c[cOff + j * incc] = s;
  }
}

/** Twin of vecMatNF32 for Float64Array. */
function vecMatNF64(
  kc: number,
  nc: number,
  w: Float64Array,
  off: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  incc: number,
  acc: boolean,
): void {
  let j = 0;
  for (; j + 7 < nc; j += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    let r = (off + j) | 0;
    for (let p = 0; p < kc; p++) {
      const xp = VX[p];
      s0 += xp * w[r];
      s1 += xp * w[(r + 1) | 0];
      s2 += xp * w[(r + 2) | 0];
      s3 += xp * w[(r + 3) | 0];
      s4 += xp * w[(r + 4) | 0];
      s5 += xp * w[(r + 5) | 0];
      s6 += xp * w[(r + 6) | 0];
      s7 += xp * w[(r + 7) | 0];
      r = (r + ldw) | 0;
    }
    const o = cOff + j * incc;
    if (acc) {
      c[o] += s0;
      c[o + incc] += s1;
      c[o + 2 * incc] += s2;
      c[o + 3 * incc] += s3;
      c[o + 4 * incc] += s4;
      c[o + 5 * incc] += s5;
      c[o + 6 * incc] += s6;
      c[o + 7 * incc] += s7;
    } else {
      c[o] = s0;
      c[o + incc] = s1;
      c[o + 2 * incc] = s2;
      c[o + 3 * incc] = s3;
      c[o + 4 * incc] = s4;
      c[o + 5 * incc] = s5;
      c[o + 6 * incc] = s6;
      c[o + 7 * incc] = s7;
    }
  }
  for (; j < nc; j++) {
    let s = 0;
    let r = (off + j) | 0;
    for (let p = 0; p < kc; p++) {
      s += VX[p] * w[r];
      r = (r + ldw) | 0;
    }
    if (acc) c[cOff + j * incc] += s;
    else c[cOff + j * incc] = s;
  }
}

/** c[cOff + j·incc] (+)= Σ_p VX[p]·w[off + j·ldw + p], j < nc, p < kc: eight dot products sharing each x load. */
function vecMatTF32(
  kc: number,
  nc: number,
  w: Float32Array,
  off: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  incc: number,
  acc: boolean,
): void {
  let j = 0;
  for (; j + 7 < nc; j += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    const r0 = (off + j * ldw) | 0;
    const r1 = (r0 + ldw) | 0;
    const r2 = (r1 + ldw) | 0;
    const r3 = (r2 + ldw) | 0;
    const r4 = (r3 + ldw) | 0;
    const r5 = (r4 + ldw) | 0;
    const r6 = (r5 + ldw) | 0;
    const r7 = (r6 + ldw) | 0;
    for (let p = 0; p < kc; p++) {
      const xp = VX[p];
      s0 += xp * w[(r0 + p) | 0];
      s1 += xp * w[(r1 + p) | 0];
      s2 += xp * w[(r2 + p) | 0];
      s3 += xp * w[(r3 + p) | 0];
      s4 += xp * w[(r4 + p) | 0];
      s5 += xp * w[(r5 + p) | 0];
      s6 += xp * w[(r6 + p) | 0];
      s7 += xp * w[(r7 + p) | 0];
    }
    const o = cOff + j * incc;
    if (acc) {
      c[o] += s0;
      c[o + incc] += s1;
      c[o + 2 * incc] += s2;
      c[o + 3 * incc] += s3;
      c[o + 4 * incc] += s4;
      c[o + 5 * incc] += s5;
      c[o + 6 * incc] += s6;
      c[o + 7 * incc] += s7;
    } else {
      c[o] = s0;
      c[o + incc] = s1;
      c[o + 2 * incc] = s2;
      c[o + 3 * incc] = s3;
      c[o + 4 * incc] = s4;
      c[o + 5 * incc] = s5;
      c[o + 6 * incc] = s6;
      c[o + 7 * incc] = s7;
    }
  }
  for (; j < nc; j++) {
    let s = 0;
    const r = (off + j * ldw) | 0;
    for (let p = 0; p < kc; p++) s += VX[p] * w[(r + p) | 0];
    if (acc) c[cOff + j * incc] += s;
    else c[cOff + j * incc] = s;
  }
}

/** Twin of vecMatTF32 for Float64Array. */
function vecMatTF64(
  kc: number,
  nc: number,
  w: Float64Array,
  off: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  incc: number,
  acc: boolean,
): void {
  let j = 0;
  for (; j + 7 < nc; j += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    const r0 = (off + j * ldw) | 0;
    const r1 = (r0 + ldw) | 0;
    const r2 = (r1 + ldw) | 0;
    const r3 = (r2 + ldw) | 0;
    const r4 = (r3 + ldw) | 0;
    const r5 = (r4 + ldw) | 0;
    const r6 = (r5 + ldw) | 0;
    const r7 = (r6 + ldw) | 0;
    for (let p = 0; p < kc; p++) {
      const xp = VX[p];
      s0 += xp * w[(r0 + p) | 0];
      s1 += xp * w[(r1 + p) | 0];
      s2 += xp * w[(r2 + p) | 0];
      s3 += xp * w[(r3 + p) | 0];
      s4 += xp * w[(r4 + p) | 0];
      s5 += xp * w[(r5 + p) | 0];
      s6 += xp * w[(r6 + p) | 0];
      s7 += xp * w[(r7 + p) | 0];
    }
    const o = cOff + j * incc;
    if (acc) {
      c[o] += s0;
      c[o + incc] += s1;
      c[o + 2 * incc] += s2;
      c[o + 3 * incc] += s3;
      c[o + 4 * incc] += s4;
      c[o + 5 * incc] += s5;
      c[o + 6 * incc] += s6;
      c[o + 7 * incc] += s7;
    } else {
      c[o] = s0;
      c[o + incc] = s1;
      c[o + 2 * incc] = s2;
      c[o + 3 * incc] = s3;
      c[o + 4 * incc] = s4;
      c[o + 5 * incc] = s5;
      c[o + 6 * incc] = s6;
      c[o + 7 * incc] = s7;
    }
  }
  for (; j < nc; j++) {
    let s = 0;
    const r = (off + j * ldw) | 0;
    for (let p = 0; p < kc; p++) s += VX[p] * w[(r + p) | 0];
    if (acc) c[cOff + j * incc] += s;
    else c[cOff + j * incc] = s;
  }
}
