// Parameter initialisers. The paper (appendix A.2) initialises recurrent matrices as random
// orthogonal matrices, W_a and U_a from N(0, 0.001²), v_a and biases at zero, and the rest from
// N(0, 0.01²); Glorot-uniform is offered for the small models we train quickly.

import type { Rng } from './random';
import { ShapeError, Tensor, allocArray, sizeOf, type DType, type Shape } from './tensor';

export interface ParamOptions {
  dtype?: DType;
  name?: string;
}

function param(values: ArrayLike<number>, shape: Shape, opts: ParamOptions): Tensor {
  const data = allocArray(opts.dtype ?? 'float32', sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = values[i];
  return new Tensor(data, shape, true, opts.name);
}

export function zerosParam(shape: Shape, opts: ParamOptions = {}): Tensor {
  return new Tensor(allocArray(opts.dtype ?? 'float32', sizeOf(shape)), shape, true, opts.name);
}

export function uniformParam(rng: Rng, shape: Shape, lo: number, hi: number, opts: ParamOptions = {}): Tensor {
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(lo, hi);
  return param(v, shape, opts);
}

export function normalParam(rng: Rng, shape: Shape, std: number, opts: ParamOptions = {}): Tensor {
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
  return param(v, shape, opts);
}

/** Glorot/Xavier uniform for a [fanIn, fanOut] matrix: U(±√(6 / (fanIn + fanOut))). */
export function glorotParam(rng: Rng, fanIn: number, fanOut: number, opts: ParamOptions = {}): Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return uniformParam(rng, [fanIn, fanOut], -limit, limit, opts);
}

/**
 * A random matrix with orthonormal rows or columns (whichever are fewer), scaled by `gain`:
 * Gram-Schmidt (modified, twice for stability) on a Gaussian matrix, in float64. For a square
 * matrix QᵀQ = I.
 */
export function orthogonalValues(rng: Rng, rows: number, cols: number, gain = 1): Float64Array {
  if (rows < 1 || cols < 1) throw new ShapeError(`orthogonal: invalid size ${rows}×${cols}`);
  // Orthonormalise the `short` vectors of length `long` then lay them out as rows or columns.
  const short = Math.min(rows, cols);
  const long = Math.max(rows, cols);
  const q: Float64Array[] = [];
  for (let i = 0; i < short; i++) {
    let vec = new Float64Array(long);
    for (;;) {
      for (let j = 0; j < long; j++) vec[j] = rng.normal();
      for (let pass = 0; pass < 2; pass++) {
        for (const u of q) {
          let d = 0;
          for (let j = 0; j < long; j++) d += vec[j] * u[j];
          for (let j = 0; j < long; j++) vec[j] = vec[j] - d * u[j];
        }
      }
      let norm = 0;
      for (let j = 0; j < long; j++) norm += vec[j] ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let j = 0; j < long; j++) vec[j] = vec[j] / norm;
        break;
      }
      vec = new Float64Array(long);
    }
    q.push(vec);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < short; i++) {
    const u = q[i] as Float64Array;
    for (let j = 0; j < long; j++) {
      // rows ≤ cols: vector i is row i; otherwise it is column i
      if (rows <= cols) out[i * cols + j] = u[j] * gain;
      else out[j * cols + i] = u[j] * gain;
    }
  }
  return out;
}

export function orthogonalParam(rng: Rng, rows: number, cols: number, opts: ParamOptions & { gain?: number } = {}): Tensor {
  return param(orthogonalValues(rng, rows, cols, opts.gain ?? 1), [rows, cols], opts);
}
