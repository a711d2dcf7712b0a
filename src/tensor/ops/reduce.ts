// Reductions (sum, mean over an axis or everything), softmax and log-softmax with an optional
// mask, and cross-entropy from logits.

import { accumulate, record } from '../autodiff';
import { ShapeError, Tensor, allocArray, normalizeAxis, shapeToString, sizeOf, type DType, type FloatArray, type Shape } from '../tensor';

function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

function reducedShape(shape: Shape, axis: number, keepDims: boolean): number[] {
  const out = shape.slice();
  if (keepDims) out[axis] = 1;
  else out.splice(axis, 1);
  return out;
}

function reduceSum(x: Tensor, axis: number | undefined, keepDims: boolean, factor: number, op: string): Tensor {
  if (axis === undefined) {
    let s = 0;
    for (let i = 0; i < x.size; i++) s += x.data[i];
    const y = allocArray(x.dtype, 1);
    y[0] = s * factor;
    const shape = keepDims ? x.shape.map(() => 1) : [];
    // every input element contributed once, scaled by `factor`
    return record(new Tensor(y, shape), op, [x], (dy) => accumulate(x, allocArray(x.dtype, x.size).fill((dy[0] as number) * factor), op));
  }
  const ax = normalizeAxis(axis, x.rank, op);
  const [outer, n, inner] = around(x.shape, ax);
  const y = allocArray(x.dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) y[o * inner + i] += x.data[base + i];
    }
  }
  if (factor !== 1) for (let i = 0; i < y.length; i++) y[i] = y[i] * factor;
  return record(new Tensor(y, reducedShape(x.shape, ax, keepDims)), op, [x], (dy) => accumulate(x, spreadAlongAxis(dy, x.dtype, outer, n, inner, factor), op));
}

/** dy [outer, inner] spread over the summed axis of n, times `factor`: reduceSum's backward. */
function spreadAlongAxis(dy: FloatArray, dtype: DType, outer: number, n: number, inner: number, factor: number): FloatArray {
  const g = allocArray(dtype, outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) g[base + i] = (dy[o * inner + i] as number) * factor;
    }
  }
  return g;
}

/** Sum over one axis, or over everything when `axis` is undefined. */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduceSum(x, axis, keepDims, 1, 'sum');
}

/** Mean over one axis, or over everything when `axis` is undefined. */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  const count = axis === undefined ? x.size : x.dim(axis);
  if (count === 0) throw new ShapeError(`mean: cannot average over an empty axis of ${shapeToString(x.shape)}`);
  return reduceSum(x, axis, keepDims, 1 / count, 'mean');
}

/**
 * A mask for softmax: 1 keeps a position, 0 removes it. Either the shape of the logits, or the
 * shape of their trailing axes (broadcast over the leading ones, e.g. one source mask per row).
 */
export type Mask = Uint8Array;

/** The mask checked against the logits: null for none; its length divides the logits' size. */
function checkedMask(mask: Mask | undefined, x: Tensor, op: string): Mask | null {
  if (!mask) return null;
  if (mask.length === x.size || (mask.length > 0 && x.size % mask.length === 0)) return mask;
  throw new ShapeError(`${op}: mask of ${mask.length} elements does not fit logits ${shapeToString(x.shape)}`);
}

/**
 * Softmax (or log-softmax) over one axis, max-subtracted so it is finite at logits of ±1e4.
 * Masked positions get exactly 0 probability (−∞ log-probability) and no gradient. A row whose
 * every position is masked gives zeros (softmax) rather than NaN; callers that must not meet
 * such a row (an empty source sentence) check for it and throw.
 */
function softmaxImpl(x: Tensor, axis: number, maskIn: Mask | undefined, logSpace: boolean): Tensor {
  const op = logSpace ? 'logSoftmax' : 'softmax';
  const ax = normalizeAxis(axis, x.rank, op);
  const [outer, n, inner] = around(x.shape, ax);
  const mask = checkedMask(maskIn, x, op);
  const y = softmaxForward(x.data, x.dtype, outer, n, inner, mask, logSpace);
  return record(new Tensor(y, x.shape), op, [x], (dy) => accumulate(x, softmaxBackward(dy, y, x.dtype, outer, n, inner, mask, logSpace), op));
}

// The loops of softmaxImpl, module-level (see "Hot loops" in src/tensor/autodiff.ts). Position e
// is kept where there is no mask or mask[e mod its length] is 1.

function softmaxForward(xd: FloatArray, dtype: DType, outer: number, n: number, inner: number, mask: Mask | null, logSpace: boolean): FloatArray {
  const y = allocArray(dtype, outer * n * inner);
  const m = mask ? mask.length : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let k = 0; k < n; k++) {
        const e = base + k * inner;
        if (mask && !mask[e % m]) continue;
        const v = xd[e] as number;
        if (v > max) max = v;
      }
      if (max === -Infinity) {
        // fully masked row (or all logits −∞): nothing to attend to
        for (let k = 0; k < n; k++) y[base + k * inner] = logSpace ? -Infinity : 0;
        continue;
      }
      let total = 0;
      for (let k = 0; k < n; k++) {
        const e = base + k * inner;
        if (mask && !mask[e % m]) continue;
        total += Math.exp((xd[e] as number) - max);
      }
      const logTotal = Math.log(total);
      for (let k = 0; k < n; k++) {
        const e = base + k * inner;
        if (mask && !mask[e % m]) {
          y[e] = logSpace ? -Infinity : 0;
        } else {
          const z = (xd[e] as number) - max;
          y[e] = logSpace ? z - logTotal : Math.exp(z) / total;
        }
      }
    }
  }
  return y;
}

function softmaxBackward(dy: FloatArray, y: FloatArray, dtype: DType, outer: number, n: number, inner: number, mask: Mask | null, logSpace: boolean): FloatArray {
  const g = allocArray(dtype, y.length);
  const m = mask ? mask.length : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      if (logSpace) {
        // y = x − logΣexp(x):  dx_k = dy_k − softmax_k · Σ_l dy_l
        let s = 0;
        for (let k = 0; k < n; k++) {
          const e = base + k * inner;
          if (mask && !mask[e % m]) continue;
          s += dy[e] as number;
        }
        for (let k = 0; k < n; k++) {
          const e = base + k * inner;
          if (mask && !mask[e % m]) continue;
          const yk = y[e] as number;
          if (yk === -Infinity) continue;
          g[e] = (dy[e] as number) - Math.exp(yk) * s;
        }
      } else {
        // y = softmax(x):  dx_k = y_k · (dy_k − Σ_l y_l dy_l)
        let s = 0;
        for (let k = 0; k < n; k++) {
          const e = base + k * inner;
          s += (y[e] as number) * (dy[e] as number);
        }
        for (let k = 0; k < n; k++) {
          const e = base + k * inner;
          g[e] = (y[e] as number) * ((dy[e] as number) - s);
        }
      }
    }
  }
  return g;
}

export function softmax(x: Tensor, axis = -1, mask?: Mask): Tensor {
  return softmaxImpl(x, axis, mask, false);
}

export function logSoftmax(x: Tensor, axis = -1, mask?: Mask): Tensor {
  return softmaxImpl(x, axis, mask, true);
}

export interface CrossEntropyOptions {
  /** Targets equal to this index (padding) contribute neither loss nor gradient. */
  ignoreIndex?: number;
  /** 'mean' over the counted targets (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
}

/**
 * Cross-entropy of integer targets under softmax(logits), fused: log-sum-exp forward, and the
 * backward softmax − one-hot, which is exact and stable. logits [N, V], targets N ids.
 * With every target ignored the loss is 0 (and so is the gradient).
 */
export function crossEntropy(logits: Tensor, targets: Int32Array | readonly number[], opts: CrossEntropyOptions = {}): Tensor {
  if (logits.rank !== 2) throw new ShapeError(`crossEntropy: logits must be [N, V], got ${shapeToString(logits.shape)}`);
  const [n, v] = logits.shape as [number, number];
  if (targets.length !== n) {
    throw new ShapeError(`crossEntropy: ${targets.length} targets for logits ${shapeToString(logits.shape)}`);
  }
  const ignore = opts.ignoreIndex;
  const x = logits.data;
  const probs = allocArray(logits.dtype, n * v);
  let loss = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const t = targets[r];
    if (t === ignore) continue;
    if (!Number.isInteger(t) || t < 0 || t >= v) {
      throw new ShapeError(`crossEntropy: target ${t} at row ${r} is out of range for ${v} classes`);
    }
    const base = r * v;
    let max = -Infinity;
    for (let c = 0; c < v; c++) if (x[base + c] > max) max = x[base + c];
    let total = 0;
    for (let c = 0; c < v; c++) {
      const e = Math.exp(x[base + c] - max);
      probs[base + c] = e;
      total += e;
    }
    for (let c = 0; c < v; c++) probs[base + c] = probs[base + c] / total;
    loss += max + Math.log(total) - x[base + t];
    count++;
  }
  const factor = opts.reduction === 'sum' || count === 0 ? 1 : 1 / count;
  const y = allocArray(logits.dtype, 1);
  y[0] = loss * factor;
  return record(new Tensor(y, []), 'crossEntropy', [logits], (dy) => accumulate(logits, crossEntropyGrad(probs, targets, ignore, v, (dy[0] as number) * factor), 'crossEntropy'));
}

/** (softmax − one-hot) · s for every counted row: crossEntropy's backward (module-level: see "Hot loops" in src/tensor/autodiff.ts). */
function crossEntropyGrad(probs: FloatArray, targets: Int32Array | readonly number[], ignore: number | undefined, v: number, s: number): FloatArray {
  const g = allocArray(probs instanceof Float64Array ? 'float64' : 'float32', probs.length);
  for (let r = 0; r < targets.length; r++) {
    const t = targets[r] as number;
    if (t === ignore) continue;
    const base = r * v;
    for (let c = 0; c < v; c++) g[base + c] = (probs[base + c] as number) * s;
    g[base + t] -= s;
  }
  return g;
}
