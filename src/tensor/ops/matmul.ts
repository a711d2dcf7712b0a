// Matrix products on the register-blocked kernel, in the three forms backprop needs
// (A·B, Aᵀ·B, A·Bᵀ), for rank-2 operands or batches of them (rank 3, same batch size).

import { accumulate, record } from '../autodiff';
import { gemm } from '../kernels/gemm';
import { ShapeError, Tensor, allocArray, shapeToString, type FloatArray } from '../tensor';

export interface MatmulOptions {
  /** Use Aᵀ: A is stored [k, m] (last two axes). */
  transA?: boolean;
  /** Use Bᵀ: B is stored [n, k] (last two axes). */
  transB?: boolean;
}

/**
 * C = op(A) · op(B). Rank 2: A [m, k] · B [k, n] → [m, n] (stored transposed when the flag says
 * so). Rank 3: a batch of such products, [batch, m, k] · [batch, k, n] → [batch, m, n].
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const op = 'matmul';
  const describe = (): string =>
    `${op}: cannot multiply ${shapeToString(a.shape)}${transA ? 'ᵀ' : ''} by ${shapeToString(b.shape)}${transB ? 'ᵀ' : ''}`;
  if (a.dtype !== b.dtype) throw new ShapeError(`${describe()} (dtypes ${a.dtype} and ${b.dtype})`);
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) throw new ShapeError(`${describe()} (ranks must both be 2 or both 3)`);
  const batched = a.rank === 3;
  const batch = batched ? a.shape[0] : 1;
  if (batched && b.shape[0] !== batch) throw new ShapeError(`${describe()} (batch sizes differ)`);
  const ar = a.shape[a.rank - 2];
  const ac = a.shape[a.rank - 1];
  const br = b.shape[b.rank - 2];
  const bc = b.shape[b.rank - 1];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) throw new ShapeError(`${describe()} (inner dimensions ${k} and ${kb} differ)`);

  const y = allocArray(a.dtype, batch * m * n);
  const aStride = ar * ac;
  const bStride = br * bc;
  const cStride = m * n;
  for (let s = 0; s < batch; s++) {
    gemm(transA, transB, m, n, k, a.data, s * aStride, ac, b.data, s * bStride, bc, y, s * cStride, n, false);
  }
  const outShape = batched ? [batch, m, n] : [m, n];
  return record(new Tensor(y, outShape), op, [a, b], (dy) => matmulBackward(dy, a, b, { transA, transB, batch, m, n, k }));
}

/** matmul's backward (module-level: see "Hot loops" in src/tensor/autodiff.ts). */
function matmulBackward(dy: FloatArray, a: Tensor, b: Tensor, dims: { transA: boolean; transB: boolean; batch: number; m: number; n: number; k: number }): void {
  const { transA, transB, batch, m, n, k } = dims;
  const ac = a.shape[a.rank - 1] as number;
  const bc = b.shape[b.rank - 1] as number;
  const aStride = a.size / batch;
  const bStride = b.size / batch;
  const cStride = m * n;
  if (a.requiresGrad) {
    const ga = a.gradBuffer();
    for (let s = 0; s < batch; s++) {
      const dyOff = s * cStride;
      if (!transA) {
        // dA [m, k] = dC [m, n] · op(B)ᵀ
        gemm(false, !transB, m, k, n, dy, dyOff, n, b.data, s * bStride, bc, ga, s * aStride, ac, true);
      } else {
        // dA stored [k, m] = op(B) [k, n] · dCᵀ
        gemm(transB, true, k, m, n, b.data, s * bStride, bc, dy, dyOff, n, ga, s * aStride, ac, true);
      }
    }
  }
  if (b.requiresGrad) {
    const gb = b.gradBuffer();
    for (let s = 0; s < batch; s++) {
      const dyOff = s * cStride;
      if (!transB) {
        // dB [k, n] = op(A)ᵀ [k, m] · dC [m, n]
        gemm(!transA, false, k, n, m, a.data, s * aStride, ac, dy, dyOff, n, gb, s * bStride, bc, true);
      } else {
        // dB stored [n, k] = dCᵀ [n, m] · op(A) [m, k]
        gemm(true, transA, n, k, m, dy, dyOff, n, a.data, s * aStride, ac, gb, s * bStride, bc, true);
      }
    }
  }
}

/**
 * Fused affine map y = x·W + b: x [..., in], W [in, out], b [out] (optional) → [..., out].
 * One node instead of three, and the bias gradient is a column sum of dy.
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const op = 'linear';
  if (w.rank !== 2) throw new ShapeError(`${op}: weight must be [in, out], got ${shapeToString(w.shape)}`);
  const [fanIn, fanOut] = w.shape as [number, number];
  if (x.rank < 1 || x.shape[x.rank - 1] !== fanIn) {
    throw new ShapeError(`${op}: input ${shapeToString(x.shape)} does not end in ${fanIn} (weight ${shapeToString(w.shape)})`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== fanOut)) {
    throw new ShapeError(`${op}: bias ${shapeToString(b.shape)} does not match weight ${shapeToString(w.shape)}`);
  }
  if (x.dtype !== w.dtype || (b && b.dtype !== w.dtype)) throw new ShapeError(`${op}: dtypes differ`);
  const rows = x.size / Math.max(fanIn, 1);
  const y = allocArray(x.dtype, rows * fanOut);
  if (b) for (let r = 0; r < rows; r++) y.set(b.data, r * fanOut);
  gemm(false, false, rows, fanOut, fanIn, x.data, 0, fanIn, w.data, 0, fanOut, y, 0, fanOut, b !== undefined);
  const outShape = [...x.shape.slice(0, -1), fanOut];
  const parents = b ? [x, w, b] : [x, w];
  return record(new Tensor(y, outShape), op, parents, (dy) => linearBackward(dy, x, w, b, rows));
}

/** dx = dy · Wᵀ ;  dW = xᵀ · dy ;  db = Σ_rows dy (module-level: see "Hot loops" in src/tensor/autodiff.ts). */
function linearBackward(dy: FloatArray, x: Tensor, w: Tensor, b: Tensor | undefined, rows: number): void {
  const [fanIn, fanOut] = w.shape as [number, number];
  if (x.requiresGrad) gemm(false, true, rows, fanIn, fanOut, dy, 0, fanOut, w.data, 0, fanOut, x.gradBuffer(), 0, fanIn, true);
  if (w.requiresGrad) gemm(true, false, fanIn, fanOut, rows, x.data, 0, fanIn, dy, 0, fanOut, w.gradBuffer(), 0, fanOut, true);
  if (b && b.requiresGrad) {
    const gb = allocArray(b.dtype, fanOut);
    for (let r = 0; r < rows; r++) for (let c = 0; c < fanOut; c++) gb[c] += dy[r * fanOut + c] as number;
    accumulate(b, gb, 'linear');
  }
}
