// The Tensor: a flat typed array plus a shape, and the autodiff bookkeeping an op attaches to its
// output. Float32Array is the working precision; Float64Array exists so that gradient checks can
// compare analytic gradients with central differences at PyTorch's gradcheck tolerances.

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type Shape = readonly number[];

/** A shape mismatch (or another misuse of an op); the message names the op and the shapes. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function shapeToString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Equal shapes (a loop rather than a callback: see "Hot loops" in src/tensor/autodiff.ts). */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function allocArray(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

function checkShape(shape: Shape, op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${shapeToString(shape)} (dimensions must be non-negative integers)`);
    }
  }
}

/** Called by backward() for each node, in reverse topological order. */
export type BackwardFn = (dy: FloatArray) => void;

let nextId = 1;

export class Tensor {
  readonly id: number;
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: DType;
  /** Accumulated gradient (same length as data), allocated on first use. */
  grad: FloatArray | null = null;
  /** True for parameters and for every op output that depends on one. */
  requiresGrad: boolean;
  /** The op that produced this tensor ('leaf' for inputs and parameters). */
  op: string;
  /** The tensors this one was computed from (only kept while recording). */
  parents: readonly Tensor[];
  /** Propagates this tensor's gradient into its parents' gradients. */
  backwardFn: BackwardFn | null;
  /** Parameter path (`encoder.fwd.Wz`) or a debugging label. */
  name: string | undefined;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false, name?: string) {
    checkShape(shape, 'Tensor');
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new ShapeError(`Tensor: data has ${data.length} elements but shape ${shapeToString(shape)} needs ${size}`);
    }
    this.id = nextId++;
    this.data = data;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.dtype = dtypeOf(data);
    this.requiresGrad = requiresGrad;
    this.op = 'leaf';
    this.parents = [];
    this.backwardFn = null;
    this.name = name;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The size of one axis; negative axes count from the end. */
  dim(axis: number): number {
    const a = normalizeAxis(axis, this.shape.length, 'dim');
    return this.shape[a];
  }

  /** The gradient buffer, allocated (zero) if needed. */
  gradBuffer(): FloatArray {
    if (this.grad === null) this.grad = allocArray(this.dtype, this.size);
    return this.grad;
  }

  zeroGrad(): void {
    if (this.grad !== null) this.grad.fill(0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor of shape ${shapeToString(this.shape)} has ${this.size} elements`);
    return this.data[0];
  }

  /** A copy of the values as nested arrays (for tests and debugging). */
  toArray(): unknown {
    const build = (axis: number, offset: number): unknown => {
      const n = this.shape[axis];
      if (axis === this.shape.length - 1) return Array.from(this.data.subarray(offset, offset + n));
      const stride = sizeOf(this.shape.slice(axis + 1));
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    if (this.shape.length === 0) return this.data[0];
    return build(0, 0);
  }

  /** A new leaf with copied data (no graph, no gradient). */
  detach(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  toString(): string {
    return `Tensor(${this.op}${this.name ? ` ${this.name}` : ''}, ${this.dtype}, ${shapeToString(this.shape)})`;
  }
}

/**
 * Walk `shape` in row-major order and give, for each position, the offset Σ index·stride into
 * another layout of the same elements (a transpose) or a smaller array (a broadcast: stride 0).
 */
export function stridedOffsets(shape: Shape, strides: ArrayLike<number>): Int32Array {
  const n = sizeOf(shape);
  const rank = shape.length;
  const out = new Int32Array(n);
  const counter = new Int32Array(rank);
  let offset = 0;
  for (let e = 0; e < n; e++) {
    out[e] = offset;
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]++;
      offset += strides[ax];
      if (counter[ax] < shape[ax]) break;
      offset -= strides[ax] * shape[ax];
      counter[ax] = 0;
    }
  }
  return out;
}

export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

// ---- creation -------------------------------------------------------------------------------

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
}

export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(allocArray(opts.dtype ?? 'float32', sizeOf(shape)), shape, opts.requiresGrad ?? false, opts.name);
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  const t = zeros(shape, opts);
  t.data.fill(value);
  return t;
}

export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** A tensor from a flat array (copied) and a shape. */
export function tensor(values: ArrayLike<number>, shape?: Shape, opts: CreateOptions = {}): Tensor {
  const s = shape ?? [values.length];
  checkShape(s, 'tensor');
  const data = allocArray(opts.dtype ?? 'float32', values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return new Tensor(data, s, opts.requiresGrad ?? false, opts.name);
}

/** A tensor from nested arrays, e.g. fromNested([[1, 2], [3, 4]]). */
export function fromNested(values: unknown, opts: CreateOptions = {}): Tensor {
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new ShapeError('fromNested: leaves must be numbers');
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new ShapeError('fromNested: ragged array');
    for (const x of v) walk(x, depth + 1);
  };
  walk(values, 0);
  return tensor(flat, shape, opts);
}

/** A copy of `t` in another precision (a leaf). */
export function cast(t: Tensor, dtype: DType): Tensor {
  const data = allocArray(dtype, t.size);
  data.set(t.data);
  return new Tensor(data, t.shape, t.requiresGrad, t.name);
}
