// Ops that move values without arithmetic: reshape, transpose, concat, slice/split, gather.

import { accumulate, record } from '../autodiff';
import { ShapeError, Tensor, allocArray, normalizeAxis, shapeToString, sizeOf, stridedOffsets, type FloatArray, type Shape } from '../tensor';

/** Same values, new shape (one dimension may be -1). Copies, so the result owns its data. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = shape.slice();
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(resolved.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${shapeToString(x.shape)} into ${shapeToString(shape)}`);
    }
    resolved[unknown] = x.size / known;
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`reshape: cannot reshape ${shapeToString(x.shape)} into ${shapeToString(shape)}`);
  }
  // Sharing the buffer is safe: no op writes into its inputs.
  const out = new Tensor(x.data, resolved);
  return record(out, 'reshape', [x], (dy) => accumulate(x, dy, 'reshape'));
}

/** Permute the axes (default: reverse them, the matrix transpose for rank 2). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const rank = x.rank;
  const p = perm ? perm.map((a) => normalizeAxis(a, rank, 'transpose')) : x.shape.map((_, i) => rank - 1 - i);
  if (p.length !== rank || new Set(p).size !== rank) {
    throw new ShapeError(`transpose: permutation [${perm?.join(', ')}] does not match shape ${shapeToString(x.shape)}`);
  }
  const outShape = p.map((a) => x.shape[a]);
  const inStrides = stridesOf(x.shape);
  const stridesInOut = p.map((a) => inStrides[a]);
  const n = x.size;
  // for each output element, the input offset
  const src = stridedOffsets(outShape, stridesInOut);
  const y = allocArray(x.dtype, n);
  for (let e = 0; e < n; e++) y[e] = x.data[src[e]];
  return record(new Tensor(y, outShape), 'transpose', [x], (dy) => accumulate(x, scatter(dy, src), 'transpose'));
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** outer × axis × inner view of a shape around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** Join tensors along an axis; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: no tensors given');
  const first = xs[0] as Tensor;
  const ax = normalizeAxis(axis, first.rank, 'concat');
  let total = 0;
  for (const x of xs) {
    if (x.rank !== first.rank || x.dtype !== first.dtype || !sameOutsideAxis(x.shape, first.shape, ax)) {
      throw new ShapeError(
        `concat: shapes ${xs.map((t) => shapeToString(t.shape)).join(', ')} do not agree outside axis ${axis}` +
          (x.dtype !== first.dtype ? ` (dtypes ${first.dtype} and ${x.dtype})` : ''),
      );
    }
    total += x.shape[ax];
  }
  const outShape = first.shape.slice();
  outShape[ax] = total;
  const [outer, , inner] = around(outShape, ax);
  const y = allocArray(first.dtype, sizeOf(outShape));
  const rowOut = total * inner;
  let start = 0;
  const starts: number[] = [];
  for (const x of xs) {
    starts.push(start);
    const w = x.shape[ax] * inner;
    for (let o = 0; o < outer; o++) y.set(x.data.subarray(o * w, (o + 1) * w), o * rowOut + start);
    start += w;
  }
  return record(new Tensor(y, outShape), 'concat', xs, (dy) => concatBackward(dy, xs, starts, ax, outer, inner, rowOut));
}

/** Elements start..end−1 along an axis. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'slice');
  const d = x.shape[ax];
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d || start > end) {
    throw new ShapeError(`slice: range ${start}..${end} is out of bounds for axis ${axis} of ${shapeToString(x.shape)}`);
  }
  const [outer, , inner] = around(x.shape, ax);
  const outShape = x.shape.slice();
  outShape[ax] = end - start;
  const w = (end - start) * inner;
  const rowIn = d * inner;
  const y = allocArray(x.dtype, outer * w);
  for (let o = 0; o < outer; o++) y.set(x.data.subarray(o * rowIn + start * inner, o * rowIn + start * inner + w), o * w);
  // add straight into the region of x's gradient (a time step sliced out of a sequence should
  // not cost a sequence-sized temporary)
  return record(new Tensor(y, outShape), 'slice', [x], (dy) => addRows(x.gradBuffer(), dy, outer, w, rowIn, start * inner));
}

/** Cut a tensor into consecutive pieces of the given sizes along an axis. */
export function split(x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  const ax = normalizeAxis(axis, x.rank, 'split');
  const total = sizes.reduce((s, v) => s + v, 0);
  if (total !== x.shape[ax]) {
    throw new ShapeError(`split: sizes [${sizes.join(', ')}] do not add up to axis ${axis} of ${shapeToString(x.shape)}`);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(slice(x, ax, start, start + s));
    start += s;
  }
  return out;
}

/**
 * Rows of a table picked by index: table [V, ...rest], indices of any shape → [...indices, ...rest].
 * The embedding lookup; its backward scatter-adds (a row used twice gets both gradients).
 */
export function gather(table: Tensor, indices: Int32Array | readonly number[], indexShape?: Shape): Tensor {
  if (table.rank < 1) throw new ShapeError(`gather: table must have rank ≥ 1, got ${shapeToString(table.shape)}`);
  const v = table.shape[0];
  const row = table.size / Math.max(v, 1);
  const n = indices.length;
  const iShape = indexShape ?? [n];
  if (sizeOf(iShape) !== n) throw new ShapeError(`gather: index shape ${shapeToString(iShape)} does not hold ${n} indices`);
  const y = allocArray(table.dtype, n * row);
  for (let k = 0; k < n; k++) {
    const id = indices[k];
    if (!Number.isInteger(id) || id < 0 || id >= v) {
      throw new ShapeError(`gather: index ${id} at position ${k} is out of range for a table of ${v} rows`);
    }
    y.set(table.data.subarray(id * row, (id + 1) * row), k * row);
  }
  const outShape = [...iShape, ...table.shape.slice(1)];
  return record(new Tensor(y, outShape), 'gather', [table], (dy) => {
    if (table.requiresGrad) scatterAdd(table.gradBuffer(), indices, row, dy);
  });
}

/** g[indices[k]] += dy[k] for rows of `row` values: gather's backward (no dense temporary of the table's size). */
function scatterAdd(g: FloatArray, indices: Int32Array | readonly number[], row: number, dy: FloatArray): void {
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * row;
    const src = k * row;
    for (let c = 0; c < row; c++) g[base + c] += dy[src + c] as number;
  }
}

// ---- backward loops (module-level: see "Hot loops" in src/tensor/autodiff.ts) -----------------

/** g[src[e]] = dy[e]: transpose's backward. */
function scatter(dy: FloatArray, src: Int32Array): FloatArray {
  const g = allocArray(dy instanceof Float64Array ? 'float64' : 'float32', dy.length);
  for (let e = 0; e < src.length; e++) g[src[e] as number] = dy[e] as number;
  return g;
}

/** The dimensions of `a` and `b` agree except along `axis`. */
function sameOutsideAxis(a: Shape, b: Shape, axis: number): boolean {
  for (let i = 0; i < a.length; i++) if (i !== axis && a[i] !== b[i]) return false;
  return true;
}

function concatBackward(dy: FloatArray, xs: readonly Tensor[], starts: readonly number[], ax: number, outer: number, inner: number, rowOut: number): void {
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k] as Tensor;
    if (!x.requiresGrad) continue;
    const w = (x.shape[ax] as number) * inner;
    const g = allocArray(x.dtype, x.size);
    const s = starts[k] as number;
    for (let o = 0; o < outer; o++) g.set(dy.subarray(o * rowOut + s, o * rowOut + s + w), o * w);
    accumulate(x, g, 'concat');
  }
}

/** g[o·rowIn + offset + c] += dy[o·w + c] for o < outer, c < w: slice's backward. */
function addRows(g: FloatArray, dy: FloatArray, outer: number, w: number, rowIn: number, offset: number): void {
  for (let o = 0; o < outer; o++) {
    const dst = o * rowIn + offset;
    const src = o * w;
    for (let c = 0; c < w; c++) g[dst + c] += dy[src + c] as number;
  }
}
