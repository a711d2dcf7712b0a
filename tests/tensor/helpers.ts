// Shared test helpers for the tensor core: seeded inputs, closeness with a stated tolerance that
// names the first mismatch, and a one-line gradient check.

import { expect } from 'vitest';
import { Rng, Tensor, allocArray, gradcheck, type DType, type GradcheckOptions, type Shape } from '../../src/tensor';

export function randTensor(rng: Rng, shape: Shape, opts: { dtype?: DType; requiresGrad?: boolean; lo?: number; hi?: number } = {}): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocArray(opts.dtype ?? 'float64', n);
  const lo = opts.lo ?? -1;
  const hi = opts.hi ?? 1;
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}

/** |a − b| ≤ atol + rtol·|b| element-wise; the failure names the label, index and both values. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  tol: { atol?: number; rtol?: number } = {},
): void {
  const atol = tol.atol ?? 1e-5;
  const rtol = tol.rtol ?? 1e-3;
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const ok = a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) {
      expect.fail(`${label}: mismatch at index ${i}: got ${a}, expected ${b} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Gradient check of `f` at float64 `inputs`; a failure names the op, input, index and both values. */
export function expectGradOk(label: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const res = gradcheck(f, inputs, opts);
  if (!res.ok) {
    const w = res.worst;
    expect.fail(
      `${label}: ${res.failures.length} of ${res.checked} gradient entries off; worst: input ${w?.input} index ${w?.index}: ` +
        `analytic ${w?.analytic}, numeric ${w?.numeric}`,
    );
  }
  expect(res.checked).toBeGreaterThan(0);
}
