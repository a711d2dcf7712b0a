// Optimisers and gradient clipping. Optimiser state (Adam's moments) lives here, keyed by the
// parameter, never on the tensors; `state()`/`loadState()` let a trainer snapshot and restore it
// together with the weights (the NaN guard rolls both back).

import { ShapeError, Tensor, allocArray, type FloatArray } from './tensor';

/** The global L2 norm of all gradients (missing gradients count as zero). */
export function gradNorm(params: readonly Tensor[]): number {
  let sq = 0;
  for (const p of params) {
    const g = p.grad;
    if (!g) continue;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  return Math.sqrt(sq);
}

/**
 * Scale all gradients down so their global norm is at most `maxNorm` (Pascanu et al. 2013; the
 * paper clips at 1). Returns the norm before clipping, which may be NaN or ∞: callers check it.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const norm = gradNorm(params);
  if (Number.isFinite(norm) && norm > maxNorm && norm > 0) {
    const s = maxNorm / norm;
    for (const p of params) {
      const g = p.grad;
      if (!g) continue;
      for (let i = 0; i < g.length; i++) g[i] = g[i] * s;
    }
  }
  return norm;
}

export function zeroGrad(params: readonly Tensor[]): void {
  for (const p of params) p.zeroGrad();
}

export interface Optimizer {
  /** Learning rate; a schedule may change it between steps. */
  lr: number;
  step(): void;
  zeroGrad(): void;
}

function checkParams(params: readonly Tensor[], who: string): void {
  const ids = new Set<number>();
  for (const p of params) {
    if (!p.requiresGrad) throw new ShapeError(`${who}: ${p.toString()} does not require a gradient`);
    if (ids.has(p.id)) throw new ShapeError(`${who}: ${p.toString()} is listed twice`);
    ids.add(p.id);
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
}

/** Stochastic gradient descent with optional (heavy-ball) momentum. */
export class Sgd implements Optimizer {
  lr: number;
  readonly momentum: number;
  private readonly velocity: FloatArray[];

  constructor(
    readonly params: readonly Tensor[],
    opts: SgdOptions,
  ) {
    checkParams(params, 'Sgd');
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.velocity = params.map((p) => allocArray(p.dtype, p.size));
  }

  step(): void {
    this.params.forEach((p, k) => {
      const g = p.grad;
      if (!g) return;
      const v = this.velocity[k] as FloatArray;
      const w = p.data;
      for (let i = 0; i < w.length; i++) {
        const vi = this.momentum * v[i] + g[i];
        v[i] = vi;
        w[i] = w[i] - this.lr * vi;
      }
    });
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface AdamState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * One Adam update of one parameter, in place. A module-level function rather than a closure made
 * per step: V8 kept optimising each step's new closure again (src/tensor/autodiff.ts, "Hot loops").
 */
function adamUpdate(w: FloatArray, g: FloatArray, m: Float64Array, v: Float64Array, beta1: number, beta2: number, eps: number, stepSize: number, sqrtC2: number): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] as number;
    const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
    const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    // w −= lr · m̂ / (√v̂ + ε), with m̂ = m/c1 and v̂ = v/c2
    w[i] = (w[i] as number) - (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + eps);
  }
}

/** Adam (Kingma & Ba 2015) with bias correction. */
export class Adam implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private m: Float64Array[];
  private v: Float64Array[];

  constructor(
    readonly params: readonly Tensor[],
    opts: AdamOptions,
  ) {
    checkParams(params, 'Adam');
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.m = params.map((p) => new Float64Array(p.size));
    this.v = params.map((p) => new Float64Array(p.size));
  }

  get steps(): number {
    return this.t;
  }

  step(): void {
    this.t++;
    const { beta1, beta2, eps } = this;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    const stepSize = this.lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k] as Tensor;
      if (p.grad) adamUpdate(p.data, p.grad, this.m[k] as Float64Array, this.v[k] as Float64Array, beta1, beta2, eps, stepSize, sqrtC2);
    }
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }

  /** A copy of the optimiser state (for snapshots). */
  state(): AdamState {
    return { t: this.t, m: this.m.map((a) => Float32Array.from(a)), v: this.v.map((a) => Float32Array.from(a)) };
  }

  loadState(state: AdamState): void {
    if (state.m.length !== this.params.length || state.v.length !== this.params.length) {
      throw new ShapeError(`Adam.loadState: state for ${state.m.length} parameters, optimiser has ${this.params.length}`);
    }
    this.params.forEach((p, k) => {
      if ((state.m[k] as Float32Array).length !== p.size || (state.v[k] as Float32Array).length !== p.size) {
        throw new ShapeError(`Adam.loadState: state of parameter ${p.name ?? k} has the wrong size`);
      }
    });
    this.t = state.t;
    this.m = state.m.map((a) => Float64Array.from(a));
    this.v = state.v.map((a) => Float64Array.from(a));
  }
}
