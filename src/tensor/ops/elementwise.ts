// Element-wise ops: binary ones with NumPy broadcasting, and unary maths. Each forward is followed
// by its backward; a broadcast input's gradient is summed over the axes it was broadcast along.

import { sigmoidExact } from '../kernels/fastmath';
import { accumulate, record } from '../autodiff';
import {
  ShapeError,
  Tensor,
  allocArray,
  shapeToString,
  sameShape,
  sizeOf,
  stridedOffsets,
  type FloatArray,
  type Shape,
} from '../tensor';

// ---- broadcasting -----------------------------------------------------------------------------

export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Element strides of `shape` viewed in `outShape` (0 along broadcast axes). */
function broadcastStrides(shape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const k = shape.length - rank + i;
    const d = k >= 0 ? shape[k] : 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

/**
 * For every output element, the offset of the matching element of an input broadcast to
 * `outShape`. Cached per (input shape, output shape): broadcasting is usually a bias row.
 */
function broadcastIndex(shape: Shape, outShape: Shape): Int32Array | null {
  if (sameShape(shape, outShape)) return null;
  const key = `${shape.join(',')}|${outShape.join(',')}`;
  const cached = indexCache.get(key);
  if (cached) return cached;
  const idx = stridedOffsets(outShape, broadcastStrides(shape, outShape));
  if (indexCache.size > 256) indexCache.clear();
  indexCache.set(key, idx);
  return idx;
}
const indexCache = new Map<string, Int32Array>();

function sameDtype(a: Tensor, b: Tensor, op: string): void {
  if (a.dtype !== b.dtype) throw new ShapeError(`${op}: dtypes differ (${a.dtype} and ${b.dtype})`);
}

/** Sum `dy` (laid out in the output shape) into an input of `inShape` via its broadcast index. */
function reduceTo(dy: FloatArray, idx: Int32Array | null, inSize: number, scale?: FloatArray | null): FloatArray {
  const out = allocArray(dy instanceof Float64Array ? 'float64' : 'float32', inSize);
  if (idx === null) {
    if (scale) for (let e = 0; e < dy.length; e++) out[e] = dy[e] * scale[e];
    else out.set(dy);
    return out;
  }
  if (scale) for (let e = 0; e < dy.length; e++) out[idx[e]] += dy[e] * scale[e];
  else for (let e = 0; e < dy.length; e++) out[idx[e]] += dy[e];
  return out;
}

type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

function binary(a: Tensor, b: Tensor, kind: BinaryKind): Tensor {
  sameDtype(a, b, kind);
  const outShape = broadcastShapes(a.shape, b.shape, kind);
  const n = sizeOf(outShape);
  const ia = broadcastIndex(a.shape, outShape);
  const ib = broadcastIndex(b.shape, outShape);
  const ad = a.data;
  const bd = b.data;
  const y = allocArray(a.dtype, n);
  switch (kind) {
    case 'add':
      for (let e = 0; e < n; e++) y[e] = (ad[ia ? ia[e] : e]) + (bd[ib ? ib[e] : e]);
      break;
    case 'sub':
      for (let e = 0; e < n; e++) y[e] = (ad[ia ? ia[e] : e]) - (bd[ib ? ib[e] : e]);
      break;
    case 'mul':
      for (let e = 0; e < n; e++) y[e] = (ad[ia ? ia[e] : e]) * (bd[ib ? ib[e] : e]);
      break;
    case 'div':
      for (let e = 0; e < n; e++) y[e] = (ad[ia ? ia[e] : e]) / (bd[ib ? ib[e] : e]);
      break;
    case 'maximum':
      for (let e = 0; e < n; e++) {
        const u = ad[ia ? ia[e] : e];
        const v = bd[ib ? ib[e] : e];
        y[e] = u >= v ? u : v;
      }
      break;
  }
  const out = new Tensor(y, outShape);
  return record(out, kind, [a, b], (dy) => binaryBackward(dy, kind, a, b, ia, ib, y));
}

/** The backward of `binary` (module-level: see "Hot loops" in src/tensor/autodiff.ts). */
function binaryBackward(dy: FloatArray, kind: BinaryKind, a: Tensor, b: Tensor, ia: Int32Array | null, ib: Int32Array | null, y: FloatArray): void {
  const n = y.length;
  const ad = a.data;
  const bd = b.data;
  switch (kind) {
    case 'add':
      // d(a+b)/da = 1, d(a+b)/db = 1
      accumulate(a, reduceTo(dy, ia, a.size), kind);
      accumulate(b, reduceTo(dy, ib, b.size), kind);
      break;
    case 'sub': {
      // d(a-b)/da = 1, d(a-b)/db = -1
      accumulate(a, reduceTo(dy, ia, a.size), kind);
      const gb = reduceTo(dy, ib, b.size);
      for (let i = 0; i < gb.length; i++) gb[i] = -gb[i];
      accumulate(b, gb, kind);
      break;
    }
    case 'mul': {
      // d(ab)/da = b, d(ab)/db = a (both seen at the broadcast output positions)
      if (a.requiresGrad) accumulate(a, reduceTo(dy, ia, a.size, expand(bd, ib, n)), kind);
      if (b.requiresGrad) accumulate(b, reduceTo(dy, ib, b.size, expand(ad, ia, n)), kind);
      break;
    }
    case 'div': {
      // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -y/b
      const bE = expand(bd, ib, n);
      if (a.requiresGrad) {
        const inv = allocArray(a.dtype, n);
        for (let e = 0; e < n; e++) inv[e] = 1 / bE[e];
        accumulate(a, reduceTo(dy, ia, a.size, inv), kind);
      }
      if (b.requiresGrad) {
        const s = allocArray(a.dtype, n);
        for (let e = 0; e < n; e++) s[e] = -y[e] / bE[e];
        accumulate(b, reduceTo(dy, ib, b.size, s), kind);
      }
      break;
    }
    case 'maximum': {
      // The gradient goes to the larger input (to `a` on ties).
      const ma = allocArray(a.dtype, n);
      const mb = allocArray(a.dtype, n);
      for (let e = 0; e < n; e++) {
        const u = ad[ia ? ia[e] : e];
        const v = bd[ib ? ib[e] : e];
        if (u >= v) ma[e] = 1;
        else mb[e] = 1;
      }
      accumulate(a, reduceTo(dy, ia, a.size, ma), kind);
      accumulate(b, reduceTo(dy, ib, b.size, mb), kind);
      break;
    }
  }
}

/** The values of an input laid out in the broadcast output shape. */
function expand(data: FloatArray, idx: Int32Array | null, n: number): FloatArray {
  if (idx === null) return data;
  const out = allocArray(data instanceof Float64Array ? 'float64' : 'float32', n);
  for (let e = 0; e < n; e++) out[e] = data[idx[e]];
  return out;
}

export const add = (a: Tensor, b: Tensor): Tensor => binary(a, b, 'add');
export const sub = (a: Tensor, b: Tensor): Tensor => binary(a, b, 'sub');
export const mul = (a: Tensor, b: Tensor): Tensor => binary(a, b, 'mul');
export const div = (a: Tensor, b: Tensor): Tensor => binary(a, b, 'div');
/** Element-wise maximum (maxout takes it over pairs of units). */
export const maximum = (a: Tensor, b: Tensor): Tensor => binary(a, b, 'maximum');

// ---- unary ------------------------------------------------------------------------------------

/** x · c for a constant c. */
export function scale(x: Tensor, c: number): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = x.data[i] * c;
  return record(new Tensor(y, x.shape), 'scale', [x], (dy) => accumulate(x, scaledCopy(dy, c), 'scale'));
}

export function neg(x: Tensor): Tensor {
  return scale(x, -1);
}

export function tanh(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x.data[i]);
  return record(new Tensor(y, x.shape), 'tanh', [x], (dy) => accumulate(x, tanhGrad(dy, y), 'tanh'));
}

/** The logistic function, computed without overflow for large |x|. */
/** The exact σ (src/tensor/kernels/fastmath.ts): one definition for the op, the GRU kernel and inference. */
export const sigmoidScalar = sigmoidExact;

export function sigmoid(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = sigmoidScalar(x.data[i]);
  return record(new Tensor(y, x.shape), 'sigmoid', [x], (dy) => accumulate(x, sigmoidGrad(dy, y), 'sigmoid'));
}

export function exp(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = Math.exp(x.data[i]);
  // d eˣ/dx = eˣ
  return record(new Tensor(y, x.shape), 'exp', [x], (dy) => accumulate(x, productOf(dy, y), 'exp'));
}

export function log(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = Math.log(x.data[i]);
  // d log x/dx = 1/x
  return record(new Tensor(y, x.shape), 'log', [x], (dy) => accumulate(x, quotientOf(dy, x.data), 'log'));
}

/** max(x, 0), the Transformer's feed-forward non-linearity. */
export function relu(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) {
    const v = x.data[i];
    y[i] = v > 0 ? v : 0;
  }
  return record(new Tensor(y, x.shape), 'relu', [x], (dy) => accumulate(x, reluGrad(dy, x.data), 'relu'));
}

/** elu(x) + 1, positive everywhere: the feature map φ of linear attention (Katharopoulos et al. 2020). */
export function eluPlusOne(x: Tensor): Tensor {
  const y = allocArray(x.dtype, x.size);
  for (let i = 0; i < y.length; i++) y[i] = eluPlusOneScalar(x.data[i]);
  return record(new Tensor(y, x.shape), 'eluPlusOne', [x], (dy) => accumulate(x, eluPlusOneGrad(dy, x.data, y), 'eluPlusOne'));
}

/** φ(x) = elu(x) + 1 for one number: x + 1 for x > 0, eˣ otherwise. */
export function eluPlusOneScalar(v: number): number {
  return v > 0 ? v + 1 : Math.exp(v);
}

// ---- the unary ops' backward loops (module-level: see "Hot loops" in src/tensor/autodiff.ts) ----

function like(dy: FloatArray): FloatArray {
  return allocArray(dy instanceof Float64Array ? 'float64' : 'float32', dy.length);
}

/** dy · c */
function scaledCopy(dy: FloatArray, c: number): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) g[i] = (dy[i] as number) * c;
  return g;
}

/** d tanh(x)/dx = 1 − tanh²(x), from the saved output y */
function tanhGrad(dy: FloatArray, y: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) {
    const t = y[i] as number;
    g[i] = (dy[i] as number) * (1 - t * t);
  }
  return g;
}

/** dσ/dx = σ(1 − σ), from the saved output y (the stable form) */
function sigmoidGrad(dy: FloatArray, y: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) {
    const s = y[i] as number;
    g[i] = (dy[i] as number) * s * (1 - s);
  }
  return g;
}

/** dy ⊙ y */
function productOf(dy: FloatArray, y: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) g[i] = (dy[i] as number) * (y[i] as number);
  return g;
}

/** dy ⊘ x */
function quotientOf(dy: FloatArray, x: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) g[i] = (dy[i] as number) / (x[i] as number);
  return g;
}

/** 1 where x > 0 (the kink at 0 gets 0) */
function reluGrad(dy: FloatArray, x: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) g[i] = (x[i] as number) > 0 ? (dy[i] as number) : 0;
  return g;
}

/** d(elu + 1)/dx = 1 for x > 0, eˣ (= y) otherwise */
function eluPlusOneGrad(dy: FloatArray, x: FloatArray, y: FloatArray): FloatArray {
  const g = like(dy);
  for (let i = 0; i < g.length; i++) g[i] = (dy[i] as number) * ((x[i] as number) > 0 ? 1 : (y[i] as number));
  return g;
}
