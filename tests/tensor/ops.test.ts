// Every op: forward against a reference written independently here (plain loops in float64), then
// backward against float64 central differences (eps 1e-6, atol 1e-5, rtol 1e-3).

import { describe, expect, it } from 'vitest';
import {
  Rng,
  Tensor,
  add,
  additiveScore,
  concat,
  crossEntropy,
  div,
  exp,
  gather,
  gruCell,
  linear,
  log,
  logSoftmax,
  matmul,
  maximum,
  mean,
  mul,
  reshape,
  scale,
  sigmoid,
  slice,
  softmax,
  split,
  sub,
  sum,
  tanh,
  tensor,
  transpose,
} from '../../src/tensor';
import { expectClose, expectGradOk, randTensor } from './helpers';

const rng = new Rng(42);
const r = (shape: number[], lo = -1, hi = 1): Tensor => randTensor(rng, shape, { requiresGrad: true, lo, hi });
const at = (t: Tensor, i: number): number => t.data[i] as number;

/** Naive reference product of row-major matrices: [m,k]·[k,n]. */
function refMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += (a[i * k + p] as number) * (b[p * n + j] as number);
  return out;
}
function refTranspose(a: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j] as number;
  return out;
}
const sigmoidRef = (v: number): number => 1 / (1 + Math.exp(-v));

describe('element-wise binary ops with broadcasting', () => {
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor, (u: number, v: number) => number]> = [
    ['add', add, (u, v) => u + v],
    ['sub', sub, (u, v) => u - v],
    ['mul', mul, (u, v) => u * v],
    ['div', div, (u, v) => u / v],
    ['maximum', maximum, (u, v) => Math.max(u, v)],
  ];
  const shapes: Array<[number[], number[]]> = [
    [[3, 4], [3, 4]],
    [[3, 4], [4]],
    [[2, 3, 4], [3, 1]],
    [[1, 4], [3, 1]],
    [[5], [1]],
    [[2, 1, 3], [2, 4, 1]],
  ];
  for (const [name, op, ref] of cases) {
    for (const [sa, sb] of shapes) {
      it(`${name} ${JSON.stringify(sa)} ∘ ${JSON.stringify(sb)}`, () => {
        // keep divisors away from 0 and maximum's arguments apart so finite differences are valid
        const a = r(sa, name === 'maximum' ? -1 : 0.5, name === 'maximum' ? 1 : 2);
        const b = r(sb, name === 'maximum' ? -1 : 0.5, name === 'maximum' ? 1 : 2);
        if (name === 'maximum') for (let i = 0; i < b.size; i++) b.data[i] = (b.data[i] as number) + 0.01 * ((i % 3) - 1);
        const y = op(a, b);
        // reference: explicit broadcast through multi-indices
        const rank = Math.max(sa.length, sb.length);
        const pa = [...new Array<number>(rank - sa.length).fill(1), ...sa];
        const pb = [...new Array<number>(rank - sb.length).fill(1), ...sb];
        const outShape = pa.map((d, i) => Math.max(d, pb[i] as number));
        expect(y.shape).toEqual(outShape);
        const expected: number[] = [];
        const idx = new Array<number>(rank).fill(0);
        const offset = (p: number[]): number => {
          let o = 0;
          for (let i = 0; i < rank; i++) o = o * (p[i] as number) + ((p[i] as number) === 1 ? 0 : (idx[i] as number));
          return o;
        };
        for (let e = 0; e < y.size; e++) {
          expected.push(ref(at(a, offset(pa)), at(b, offset(pb))));
          for (let ax = rank - 1; ax >= 0; ax--) {
            idx[ax] = (idx[ax] as number) + 1;
            if ((idx[ax] as number) < (outShape[ax] as number)) break;
            idx[ax] = 0;
          }
        }
        expectClose(y.data, expected, `${name} forward`, { atol: 1e-12, rtol: 1e-12 });
        expectGradOk(name, op, [a, b]);
      });
    }
  }
  it('rejects shapes that cannot broadcast, naming the op and both shapes', () => {
    expect(() => add(r([3, 4]), r([3]))).toThrow(/add: shapes \[3, 4\] and \[3\] cannot be broadcast/);
    expect(() => mul(r([2, 5]), r([5, 2]))).toThrow(/mul: shapes \[2, 5\] and \[5, 2\]/);
  });
});

describe('unary ops', () => {
  const cases: Array<[string, (x: Tensor) => Tensor, (v: number) => number, number, number]> = [
    ['tanh', tanh, Math.tanh, -3, 3],
    ['sigmoid', sigmoid, sigmoidRef, -6, 6],
    ['exp', exp, Math.exp, -2, 2],
    ['log', log, Math.log, 0.2, 3],
    ['scale', (x) => scale(x, -2.5), (v) => -2.5 * v, -1, 1],
  ];
  for (const [name, op, ref, lo, hi] of cases) {
    it(name, () => {
      const x = r([4, 5], lo, hi);
      const y = op(x);
      expectClose(y.data, Array.from(x.data, ref), `${name} forward`, { atol: 1e-12, rtol: 1e-12 });
      expectGradOk(name, op, [x]);
    });
  }
  it('sigmoid is finite and saturates at ±1e4', () => {
    const y = sigmoid(tensor([-1e4, -800, 0, 800, 1e4]));
    expect(Array.from(y.data)).toEqual([0, 0, 0.5, 1, 1]);
  });
});

describe('matmul and linear', () => {
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 4, 5],
    [7, 2, 9],
    [5, 13, 3],
  ];
  for (const [m, k, n] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`matmul ${m}×${k}·${k}×${n} transA=${transA} transB=${transB}`, () => {
          const a = r(transA ? [k, m] : [m, k]);
          const b = r(transB ? [n, k] : [k, n]);
          const f = (x: Tensor, y: Tensor): Tensor => matmul(x, y, { transA, transB });
          const out = f(a, b);
          expect(out.shape).toEqual([m, n]);
          const A = transA ? refTranspose(a.data, k, m) : Array.from(a.data);
          const B = transB ? refTranspose(b.data, n, k) : Array.from(b.data);
          expectClose(out.data, refMatmul(A, B, m, k, n), 'matmul forward', { atol: 1e-12, rtol: 1e-12 });
          expectGradOk(`matmul transA=${transA} transB=${transB}`, f, [a, b]);
        });
      }
    }
  }
  it('batched matmul (rank 3) equals per-batch products, with gradients', () => {
    const a = r([3, 2, 4]);
    const b = r([3, 4, 5]);
    const y = matmul(a, b);
    expect(y.shape).toEqual([3, 2, 5]);
    for (let s = 0; s < 3; s++) {
      const ref = refMatmul(a.data.subarray(s * 8, s * 8 + 8), b.data.subarray(s * 20, s * 20 + 20), 2, 4, 5);
      expectClose(y.data.subarray(s * 10, s * 10 + 10), ref, `bmm batch ${s}`, { atol: 1e-12, rtol: 1e-12 });
    }
    expectGradOk('bmm', (x, w) => matmul(x, w), [a, b]);
    const bt = r([3, 5, 4]);
    expectGradOk('bmm transB', (x, w) => matmul(x, w, { transB: true }), [a, bt]);
  });
  it('throws naming matmul and both shapes on a mismatch', () => {
    expect(() => matmul(r([2, 3]), r([4, 5]))).toThrow(/matmul: cannot multiply \[2, 3\] by \[4, 5\]/);
    expect(() => matmul(r([2, 3]), r([5, 4]), { transB: true })).toThrow(/inner dimensions 3 and 4/);
  });
  it('linear = x·W + b with all three gradients, for rank-3 inputs too', () => {
    const x = r([2, 3, 4]);
    const w = r([4, 6]);
    const b = r([6]);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([2, 3, 6]);
    const ref = refMatmul(x.data, w.data, 6, 4, 6).map((v, i) => v + at(b, i % 6));
    expectClose(y.data, ref, 'linear forward', { atol: 1e-12, rtol: 1e-12 });
    expectGradOk('linear', linear, [x, w, b]);
    expectGradOk('linear (no bias)', (u, v) => linear(u, v), [x, w]);
    expect(() => linear(r([2, 5]), w, b)).toThrow(/linear: input \[2, 5\] does not end in 4/);
  });
});

describe('reductions', () => {
  it('sum and mean over each axis and over everything', () => {
    const x = r([2, 3, 4]);
    const ref = (axis: number, avg: boolean): number[] => {
      const dims = [2, 3, 4];
      const out: number[] = [];
      const outer = dims.slice(0, axis).reduce((p, q) => p * q, 1);
      const n = dims[axis] as number;
      const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += at(x, (o * n + k) * inner + i);
          out.push(avg ? s / n : s);
        }
      return out;
    };
    for (const axis of [0, 1, 2]) {
      expectClose(sum(x, axis).data, ref(axis, false), `sum axis ${axis}`, { atol: 1e-12, rtol: 1e-12 });
      expectClose(mean(x, axis).data, ref(axis, true), `mean axis ${axis}`, { atol: 1e-12, rtol: 1e-12 });
      expectGradOk(`sum axis ${axis}`, (t) => sum(t, axis), [x]);
      expectGradOk(`mean axis ${axis} keepDims`, (t) => mean(t, axis, true), [x]);
    }
    expect(sum(x, -1, true).shape).toEqual([2, 3, 1]);
    const total = Array.from(x.data).reduce((p, q) => p + q, 0);
    expect(sum(x).item()).toBeCloseTo(total, 12);
    expect(mean(x).item()).toBeCloseTo(total / 24, 12);
    expectGradOk('sum all', (t) => sum(t), [x]);
    expectGradOk('mean all', (t) => mean(t), [x]);
  });
});

describe('softmax, logSoftmax, cross-entropy', () => {
  it('forward matches exp(x)/Σexp(x) along each axis', () => {
    const x = r([3, 4, 5], -3, 3);
    for (const axis of [0, 1, 2]) {
      const y = softmax(x, axis);
      const ly = logSoftmax(x, axis);
      const dims = [3, 4, 5];
      const outer = dims.slice(0, axis).reduce((p, q) => p * q, 1);
      const n = dims[axis] as number;
      const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
      const ref = new Array<number>(60);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += Math.exp(at(x, (o * n + k) * inner + i));
          for (let k = 0; k < n; k++) ref[(o * n + k) * inner + i] = Math.exp(at(x, (o * n + k) * inner + i)) / s;
        }
      expectClose(y.data, ref, `softmax axis ${axis}`, { atol: 1e-12, rtol: 1e-10 });
      expectClose(ly.data, ref.map(Math.log), `logSoftmax axis ${axis}`, { atol: 1e-12, rtol: 1e-10 });
      expectGradOk(`softmax axis ${axis}`, (t) => softmax(t, axis), [x]);
      expectGradOk(`logSoftmax axis ${axis}`, (t) => logSoftmax(t, axis), [x]);
    }
  });
  it('masked softmax: masked entries exactly 0, others renormalised, gradients through the rest', () => {
    const x = r([2, 5], -2, 2);
    const mask = Uint8Array.from([1, 1, 0, 1, 0]); // broadcast over rows
    const y = softmax(x, -1, mask);
    for (let row = 0; row < 2; row++) {
      const kept = [0, 1, 3];
      let s = 0;
      for (const k of kept) s += Math.exp(at(x, row * 5 + k));
      for (let k = 0; k < 5; k++) {
        const expected = kept.includes(k) ? Math.exp(at(x, row * 5 + k)) / s : 0;
        if (expected === 0) expect(at(y, row * 5 + k)).toBe(0);
        else expect(at(y, row * 5 + k)).toBeCloseTo(expected, 12);
      }
    }
    expectGradOk('masked softmax', (t) => softmax(t, -1, mask), [x]);
    const ly = logSoftmax(x, -1, mask);
    expect(at(ly, 2)).toBe(-Infinity);
    // a finite function of the masked logSoftmax: pick the kept columns only
    expectGradOk('masked logSoftmax', (t) => slice(logSoftmax(t, -1, Uint8Array.from([1, 1, 1, 0, 0])), 1, 0, 3), [x]);
  });
  it('a fully masked row is zeros, not NaN', () => {
    const y = softmax(tensor([1, 2, 3, 4], [2, 2]), -1, Uint8Array.from([1, 1, 0, 0]));
    expect(Array.from(y.data.subarray(2))).toEqual([0, 0]);
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
  });
  it('cross-entropy = mean −log softmax at the targets, ignoring padding', () => {
    const logits = r([4, 6], -3, 3);
    const targets = Int32Array.from([2, 0, 5, 0]);
    const loss = crossEntropy(logits, targets, { ignoreIndex: 0 });
    const ls = logSoftmax(logits.detach(), -1);
    const expected = -(at(ls, 0 * 6 + 2) + at(ls, 2 * 6 + 5)) / 2;
    expect(loss.item()).toBeCloseTo(expected, 12);
    expectGradOk('crossEntropy', (t) => crossEntropy(t, targets, { ignoreIndex: 0 }), [logits]);
    expectGradOk('crossEntropy sum', (t) => crossEntropy(t, targets, { reduction: 'sum' }), [logits]);
    expect(crossEntropy(logits, Int32Array.from([0, 0, 0, 0]), { ignoreIndex: 0 }).item()).toBe(0);
    expect(() => crossEntropy(logits, Int32Array.from([1, 2, 9, 0]))).toThrow(/target 9 at row 2 is out of range for 6 classes/);
  });
});

describe('shape ops', () => {
  it('reshape keeps order and infers -1', () => {
    const x = r([2, 3, 4]);
    const y = reshape(x, [6, -1]);
    expect(y.shape).toEqual([6, 4]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expectGradOk('reshape', (t) => reshape(t, [4, 6]), [x]);
    expect(() => reshape(x, [5, -1])).toThrow(/reshape: cannot reshape \[2, 3, 4\] into \[5, -1\]/);
  });
  it('transpose (matrix and general permutation)', () => {
    const x = r([3, 5]);
    expectClose(transpose(x).data, refTranspose(x.data, 3, 5), 'transpose forward', { atol: 0, rtol: 0 });
    expectGradOk('transpose', (t) => transpose(t), [x]);
    const z = r([2, 3, 4]);
    const p = transpose(z, [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(at(p, k * 6 + i * 3 + j)).toBe(at(z, i * 12 + j * 4 + k));
    expectGradOk('transpose perm', (t) => transpose(t, [1, 2, 0]), [z]);
  });
  it('concat, slice and split invert each other', () => {
    const a = r([2, 3, 2]);
    const b = r([2, 1, 2]);
    const c = concat([a, b], 1);
    expect(c.shape).toEqual([2, 4, 2]);
    for (let o = 0; o < 2; o++) {
      for (let k = 0; k < 3; k++) for (let i = 0; i < 2; i++) expect(at(c, o * 8 + k * 2 + i)).toBe(at(a, o * 6 + k * 2 + i));
      for (let i = 0; i < 2; i++) expect(at(c, o * 8 + 6 + i)).toBe(at(b, o * 2 + i));
    }
    expectGradOk('concat', (x, y) => concat([x, y], 1), [a, b]);
    const [pa, pb] = split(c, 1, [3, 1]) as [Tensor, Tensor];
    expect(Array.from(pa.data)).toEqual(Array.from(a.data));
    expect(Array.from(pb.data)).toEqual(Array.from(b.data));
    expectGradOk('slice', (x) => slice(x, -1, 1, 2), [a]);
    expectGradOk('split', (x) => mul(split(x, 1, [1, 2])[1] as Tensor, split(x, 1, [2, 1])[0] as Tensor), [a]);
    expect(() => concat([a, r([3, 1, 2])], 1)).toThrow(/concat: shapes \[2, 3, 2\], \[3, 1, 2\] do not agree outside axis 1/);
    expect(() => slice(a, 1, 2, 4)).toThrow(/slice: range 2..4 is out of bounds for axis 1 of \[2, 3, 2\]/);
  });
  it('gather looks rows up and scatter-adds repeated rows', () => {
    const table = r([5, 3]);
    const ids = Int32Array.from([4, 1, 4, 0]);
    const y = gather(table, ids, [2, 2]);
    expect(y.shape).toEqual([2, 2, 3]);
    ids.forEach((id, k) => expect(Array.from(y.data.subarray(k * 3, k * 3 + 3))).toEqual(Array.from(table.data.subarray(id * 3, id * 3 + 3))));
    expectGradOk('gather', (t) => gather(t, ids), [table]);
    expect(() => gather(table, [5])).toThrow(/gather: index 5 at position 0 is out of range for a table of 5 rows/);
  });
});

describe('fused ops', () => {
  it('gruCell matches the composed paper equations and passes gradcheck', () => {
    const B = 3;
    const H = 4;
    const xProj = r([B, 3 * H]);
    const h = r([B, H]);
    const Uzr = r([H, 2 * H]);
    const Uh = r([H, H]);
    const y = gruCell(xProj, h, Uzr, Uh);
    for (let b = 0; b < B; b++) {
      const hb = Array.from(h.data.subarray(b * H, b * H + H));
      const pre = (col: number, vec: number[], U: Tensor, cols: number, off: number): number => {
        let s = 0;
        for (let k = 0; k < H; k++) s += (vec[k] as number) * at(U, k * cols + off + col);
        return s;
      };
      const z = hb.map((_, u) => sigmoidRef(at(xProj, b * 3 * H + u) + pre(u, hb, Uzr, 2 * H, 0)));
      const rr = hb.map((_, u) => sigmoidRef(at(xProj, b * 3 * H + H + u) + pre(u, hb, Uzr, 2 * H, H)));
      const rh = hb.map((v, u) => v * (rr[u] as number));
      const cand = hb.map((_, u) => Math.tanh(at(xProj, b * 3 * H + 2 * H + u) + pre(u, rh, Uh, H, 0)));
      const ref = hb.map((v, u) => (1 - (z[u] as number)) * v + (z[u] as number) * (cand[u] as number));
      expectClose(y.data.subarray(b * H, b * H + H), ref, `gruCell forward row ${b}`, { atol: 1e-12, rtol: 1e-10 });
    }
    expectGradOk('gruCell', (a, b, c, d) => gruCell(a, b, c, d), [xProj, h, Uzr, Uh]);
  });
  it('gruCell with a row mask keeps padded rows and passes their gradient straight through', () => {
    const B = 3;
    const H = 4;
    const xProj = r([B, 3 * H]);
    const h = r([B, H]);
    const Uzr = r([H, 2 * H]);
    const Uh = r([H, H]);
    const mask = Uint8Array.from([1, 0, 1]);
    const y = gruCell(xProj, h, Uzr, Uh, mask);
    const full = gruCell(xProj, h, Uzr, Uh);
    expect(Array.from(y.data.subarray(H, 2 * H))).toEqual(Array.from(h.data.subarray(H, 2 * H)));
    expect(Array.from(y.data.subarray(0, H))).toEqual(Array.from(full.data.subarray(0, H)));
    expectGradOk('gruCell masked', (a, b, c, d) => gruCell(a, b, c, d, mask), [xProj, h, Uzr, Uh]);
  });
  it('gruCell rejects mismatched shapes naming the op', () => {
    expect(() => gruCell(r([2, 9]), r([2, 4]), r([4, 8]), r([4, 4]))).toThrow(/gruCell: input projection must be \[2, 12\], got \[2, 9\]/);
  });
  it('additiveScore = vᵀ tanh(q + k) with gradients to q, k and v', () => {
    const B = 2;
    const T = 3;
    const A = 5;
    const q = r([B, A]);
    const k = r([B, T, A]);
    const v = r([A]);
    const y = additiveScore(q, k, v);
    expect(y.shape).toEqual([B, T]);
    const ref: number[] = [];
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        let s = 0;
        for (let a = 0; a < A; a++) s += at(v, a) * Math.tanh(at(q, b * A + a) + at(k, (b * T + t) * A + a));
        ref.push(s);
      }
    expectClose(y.data, ref, 'additiveScore forward', { atol: 1e-12, rtol: 1e-10 });
    expectGradOk('additiveScore', additiveScore, [q, k, v]);
  });
  it('a GRU unrolled over several steps with attention passes gradcheck end to end', () => {
    const B = 2;
    const H = 3;
    const T = 4;
    const xs = r([T, B, 3 * H]);
    const h0 = r([B, H]);
    const Uzr = r([H, 2 * H]);
    const Uh = r([H, H]);
    const v = r([H]);
    const f = (x: Tensor, h: Tensor, u1: Tensor, u2: Tensor, vv: Tensor): Tensor => {
      let state = h;
      const states: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        state = gruCell(reshape(slice(x, 0, t, t + 1), [B, 3 * H]), state, u1, u2);
        states.push(reshape(state, [B, 1, H]));
      }
      const keys = concat(states, 1); // [B, T, H]
      return softmax(additiveScore(state, keys, vv), -1, Uint8Array.from([1, 1, 1, 0]));
    };
    expectGradOk('GRU + attention', f, [xs, h0, Uzr, Uh, v]);
  });
});
