// Gradient checking: analytic gradients from backward() against float64 central differences,
// with PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3), which are made for double
// precision. The output is reduced to a scalar with fixed random weights, so every output element
// is checked, not only their sum.

import { backward, noGrad } from './autodiff';
import { Rng } from './random';
import { Tensor } from './tensor';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
  /** Check at most this many elements per input (chosen at random); default all. */
  maxPerInput?: number;
}

export interface GradcheckFailure {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  checked: number;
  worst: GradcheckFailure | null;
  failures: GradcheckFailure[];
}

/**
 * Compare d(Σ w ⊙ f(inputs))/d input from backward() with central differences. Inputs must be
 * float64 and have requiresGrad set. `f` must be deterministic.
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const rng = new Rng(opts.seed ?? 1234);
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new Error(`gradcheck: inputs must be float64, got ${x.toString()}`);
  }

  const out0 = noGrad(() => f(...inputs));
  const weights = new Float64Array(out0.size);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.uniform(-1, 1);
  const objective = (): number => {
    const out = noGrad(() => f(...inputs));
    let s = 0;
    for (let i = 0; i < out.size; i++) s += out.data[i] * weights[i];
    return s;
  };

  for (const x of inputs) x.grad = null;
  const out = f(...inputs);
  backward(out, { seed: weights });

  const failures: GradcheckFailure[] = [];
  let worst: GradcheckFailure | null = null;
  let worstExcess = -Infinity;
  let checked = 0;
  inputs.forEach((x, input) => {
    if (!x.requiresGrad) return;
    const analyticAll = x.grad ?? new Float64Array(x.size);
    let indices = Array.from({ length: x.size }, (_, i) => i);
    if (opts.maxPerInput !== undefined && indices.length > opts.maxPerInput) {
      indices = rng.shuffle(indices).slice(0, opts.maxPerInput);
    }
    for (const index of indices) {
      const saved = x.data[index];
      x.data[index] = saved + eps;
      const plus = objective();
      x.data[index] = saved - eps;
      const minus = objective();
      x.data[index] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const analytic = analyticAll[index];
      const excess = Math.abs(analytic - numeric) - (atol + rtol * Math.abs(numeric));
      checked++;
      const rec = { input, index, analytic, numeric };
      if (!(excess <= 0)) failures.push(rec);
      if (excess > worstExcess || Number.isNaN(excess)) {
        worstExcess = Number.isNaN(excess) ? Infinity : excess;
        worst = rec;
      }
    }
  });
  return { ok: failures.length === 0, checked, worst, failures };
}
