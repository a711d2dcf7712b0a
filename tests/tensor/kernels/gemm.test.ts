// gemm against a naive float64 triple loop: every (transA, transB), both dtypes (and mixes),
// sizes 0, 1, primes and sizes that cross the kernel's block and chunk boundaries, leading
// dimensions above the minimum, non-zero offsets, accumulate on and off.
//
// Tolerances:
//  - float32 C: |got − ref| ≤ 1e-5 + 1e-4·|ref| (ref computed in float64 from the same float32
//    inputs; the kernel accumulates in float64 and rounds once on store).
//  - float64 C: |got − ref| ≤ 1e-12·(|ref| + Σ|terms|): 1e-12 relative to the size of the sum's
//    terms, so that cancellation in an exact-in-float64 sum cannot fail a correct kernel.
// Elements of C outside the m×n window (row padding, before the offset, after the end) must
// come back bit-for-bit unchanged.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PACK_CACHE_DOUBLES, gemm, withConstantOperands, type FloatArray } from '../../../src/tensor/kernels/gemm';
import { Rng } from '../../../src/tensor/random';

type DT = 'f32' | 'f64';

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  aOff: number;
  lda: number;
  bOff: number;
  ldb: number;
  cOff: number;
  ldc: number;
  accumulate: boolean;
  dtA: DT;
  dtB: DT;
  dtC: DT;
}

function alloc(dt: DT, n: number): FloatArray {
  return dt === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

function fill(x: FloatArray, rng: Rng): void {
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
}

function formName(c: Case): string {
  return `${c.transA ? 'Aᵀ' : 'A'}·${c.transB ? 'Bᵀ' : 'B'}`;
}

function describeCase(c: Case): string {
  return (
    `${formName(c)} m=${c.m} n=${c.n} k=${c.k} ` +
    `aOff=${c.aOff} lda=${c.lda} bOff=${c.bOff} ldb=${c.ldb} cOff=${c.cOff} ldc=${c.ldc} ` +
    `accumulate=${c.accumulate} dtypes A:${c.dtA} B:${c.dtB} C:${c.dtC}`
  );
}

/** Build the arrays of a case (with slack around every matrix), run gemm, compare with the naive product. */
function runCase(c: Case, seed: number): void {
  const rng = new Rng(seed);
  const aRows = c.transA ? c.k : c.m;
  const bRows = c.transB ? c.n : c.k;
  const slack = 3;
  const a = alloc(c.dtA, c.aOff + aRows * c.lda + slack);
  const b = alloc(c.dtB, c.bOff + bRows * c.ldb + slack);
  const cArr = alloc(c.dtC, c.cOff + c.m * c.ldc + slack);
  fill(a, rng);
  fill(b, rng);
  fill(cArr, rng);
  const c0 = cArr.slice();

  const A = (i: number, p: number): number => a[c.aOff + (c.transA ? p * c.lda + i : i * c.lda + p)] as number;
  const B = (p: number, j: number): number => b[c.bOff + (c.transB ? j * c.ldb + p : p * c.ldb + j)] as number;

  gemm(c.transA, c.transB, c.m, c.n, c.k, a, c.aOff, c.lda, b, c.bOff, c.ldb, cArr, c.cOff, c.ldc, c.accumulate);

  const inWindow = new Uint8Array(cArr.length);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const idx = c.cOff + i * c.ldc + j;
      inWindow[idx] = 1;
      let ref = c.accumulate ? (c0[idx] as number) : 0;
      let mag = Math.abs(ref);
      for (let p = 0; p < c.k; p++) {
        const t = A(i, p) * B(p, j);
        ref += t;
        mag += Math.abs(t);
      }
      const got = cArr[idx] as number;
      const tol = c.dtC === 'f32' ? 1e-5 + 1e-4 * Math.abs(ref) : 1e-12 * (Math.abs(ref) + mag);
      if (!(Math.abs(got - ref) <= tol)) {
        expect.fail(`gemm ${describeCase(c)}: C[${i},${j}] (index ${idx}): got ${got}, expected ${ref} (tol ${tol})`);
      }
    }
  }
  for (let idx = 0; idx < cArr.length; idx++) {
    if (inWindow[idx] === 0 && !Object.is(cArr[idx], c0[idx])) {
      expect.fail(`gemm ${describeCase(c)}: C index ${idx} outside the m×n window changed: ${c0[idx]} → ${cArr[idx]}`);
    }
  }
}

const FORMS: ReadonlyArray<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

function makeCase(
  rng: Rng,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  dts: [DT, DT, DT],
  opts: { tightLd?: boolean; accumulate?: boolean } = {},
): Case {
  const extra = (): number => (opts.tightLd ? 0 : rng.int(4));
  const off = (): number => (opts.tightLd ? 0 : rng.int(6));
  return {
    transA,
    transB,
    m,
    n,
    k,
    aOff: off(),
    lda: Math.max(1, transA ? m : k) + extra(),
    bOff: off(),
    ldb: Math.max(1, transB ? k : n) + extra(),
    cOff: off(),
    ldc: Math.max(1, n) + extra(),
    accumulate: opts.accumulate ?? rng.bernoulli(0.5),
    dtA: dts[0],
    dtB: dts[1],
    dtC: dts[2],
  };
}

// Sizes: 0, 1, small primes, the kernel's tile (2×3) and vector (8) edges, batch sizes, and
// sizes that cross the packed-block limits (k > 256, m > 64 at k = 256, n > 96).
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 17, 31, 32, 33, 64, 67, 97, 128, 131];

describe('gemm', () => {
  for (const dt of ['f32', 'f64'] as const) {
    for (const [transA, transB] of FORMS) {
      it(`${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} ${dt}: random sizes from {0, 1, primes, block edges}`, () => {
        const rng = new Rng(1000 + (transA ? 2 : 0) + (transB ? 1 : 0) + (dt === 'f32' ? 10 : 20));
        for (let t = 0; t < 60; t++) {
          const m = rng.pick(SIZES);
          const n = rng.pick(SIZES);
          const k = rng.pick(SIZES);
          runCase(makeCase(rng, transA, transB, m, n, k, [dt, dt, dt]), rng.nextUint32());
        }
      });

      it(`${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} ${dt}: all of m, n, k ∈ {0, 1, 2, 3, 5} with accumulate on and off`, () => {
        const rng = new Rng(77);
        const small = [0, 1, 2, 3, 5];
        for (const m of small) {
          for (const n of small) {
            for (const k of small) {
              for (const accumulate of [false, true]) {
                runCase(makeCase(rng, transA, transB, m, n, k, [dt, dt, dt], { accumulate }), rng.nextUint32());
              }
            }
          }
        }
      });
    }

    it(`${dt}: the training and inference shapes, tight and padded leading dimensions`, () => {
      const rng = new Rng(5);
      const shapes: Array<[number, number, number]> = [
        [32, 384, 128], // batch · [128×384]
        [1, 384, 128], // batch 1
        [128, 384, 32], // weight gradient Xᵀ·dY
        [32, 128, 384], // input gradient dY·Wᵀ
        [64, 768, 256],
      ];
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of FORMS) {
          for (const tightLd of [true, false]) {
            runCase(makeCase(rng, transA, transB, m, n, k, [dt, dt, dt], { tightLd }), rng.nextUint32());
          }
        }
      }
    });

    it(`${dt}: blocking over k, m and n (k > 256, m > 64, n > 96) and over vector chunks (n, k > 4096)`, () => {
      const rng = new Rng(9);
      const shapes: Array<[number, number, number]> = [
        [5, 7, 600], // three k blocks
        [70, 11, 256], // two m blocks at full depth
        [6, 200, 256], // three n blocks
        [131, 101, 300], // everything at once, with remainders
        [1, 4100, 3], // row vector, output in two chunks
        [1, 5, 4100], // row vector, x in two chunks
        [4100, 1, 3], // column output, two chunks, strided store
        [3, 4100, 2], // small m, row by row
      ];
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of FORMS) {
          runCase(makeCase(rng, transA, transB, m, n, k, [dt, dt, dt]), rng.nextUint32());
        }
      }
    });
  }

  it('mixes dtypes (A, B and C each float32 or float64)', () => {
    const rng = new Rng(11);
    const dts: DT[] = ['f32', 'f64'];
    for (const dtA of dts) {
      for (const dtB of dts) {
        for (const dtC of dts) {
          for (const [transA, transB] of FORMS) {
            for (const [m, n, k] of [
              [1, 9, 7],
              [7, 1, 9],
              [2, 9, 7],
              [9, 10, 11],
            ] as const) {
              runCase(makeCase(rng, transA, transB, m, n, k, [dtA, dtB, dtC]), rng.nextUint32());
            }
          }
        }
      }
    }
  });

  it('k = 0 writes zeros (accumulate = false) or leaves C alone (accumulate = true)', () => {
    const c = new Float32Array([1, 2, 3, 4, 5, 6]);
    const empty = new Float32Array(0);
    gemm(false, false, 2, 3, 0, empty, 0, 1, empty, 0, 3, c, 0, 3, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6]);
    gemm(false, false, 2, 2, 0, empty, 0, 1, empty, 0, 2, c, 1, 3, false);
    expect(Array.from(c)).toEqual([1, 0, 0, 4, 0, 0]);
  });

  it('accumulate = false ignores NaN already in C', () => {
    for (const [m, n, k] of [
      [1, 5, 4],
      [5, 1, 4],
      [6, 7, 4],
    ] as const) {
      const a = new Float64Array(m * k).fill(1);
      const b = new Float64Array(k * n).fill(2);
      const c = new Float64Array(m * n).fill(NaN);
      gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
      expect(Array.from(c)).toEqual(new Array(m * n).fill(2 * k));
    }
  });

  it('is exact on small integers in float32 and float64', () => {
    for (const C of [Float32Array, Float64Array]) {
      const a = new C([1, 2, 3, 4, 5, 6]); // 2×3
      const b = new C([7, 8, 9, 10, 11, 12]); // 3×2
      const c = new C(4);
      gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
      expect(Array.from(c)).toEqual([58, 64, 139, 154]);
      gemm(true, true, 3, 3, 2, a, 0, 3, b, 0, 2, new C(9), 0, 3, false); // shape check only: must not throw
    }
  });

  it('rejects bad sizes, leading dimensions and short arrays with a RangeError naming the problem', () => {
    const x = new Float32Array(12);
    expect(() => gemm(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, x, 0, 2, false)).toThrow(/m must be/);
    expect(() => gemm(false, false, 2, 2, 2.5, x, 0, 2, x, 0, 2, x, 0, 2, false)).toThrow(/k must be/);
    expect(() => gemm(false, false, 2, 3, 4, x, 0, 3, x, 0, 3, x, 0, 3, false)).toThrow(/lda = 3/);
    expect(() => gemm(false, true, 2, 3, 4, x, 0, 4, x, 0, 3, x, 0, 3, false)).toThrow(/ldb = 3/);
    expect(() => gemm(false, false, 3, 4, 4, x, 0, 4, x, 0, 4, x, 0, 4, false)).toThrow(/B \(4×4, offset 0, ld 4\) needs 16 elements, array has 12/);
    expect(() => gemm(false, false, 2, 2, 2, x, 9, 2, x, 0, 2, x, 0, 2, false)).toThrow(/A \(2×2, offset 9, ld 2\) needs 13 elements, array has 12/);
    expect(() => gemm(false, false, 2, 2, 2, x, 0, 2, x, 0, 2, x, 0, 11, false)).toThrow(/C \(2×2, offset 0, ld 11\) needs 13 elements, array has 12/);
  });

  fcTest.prop(
    [
      fc.record({
        transA: fc.boolean(),
        transB: fc.boolean(),
        m: fc.integer({ min: 0, max: 12 }),
        n: fc.integer({ min: 0, max: 12 }),
        k: fc.integer({ min: 0, max: 12 }),
        padA: fc.integer({ min: 0, max: 3 }),
        padB: fc.integer({ min: 0, max: 3 }),
        padC: fc.integer({ min: 0, max: 3 }),
        aOff: fc.integer({ min: 0, max: 4 }),
        bOff: fc.integer({ min: 0, max: 4 }),
        cOff: fc.integer({ min: 0, max: 4 }),
        accumulate: fc.boolean(),
        dtA: fc.constantFrom<DT>('f32', 'f64'),
        dtB: fc.constantFrom<DT>('f32', 'f64'),
        dtC: fc.constantFrom<DT>('f32', 'f64'),
        seed: fc.integer(),
      }),
    ],
    { numRuns: 300 },
  )('matches the naive product on random small shapes', (r) => {
    const c: Case = {
      ...r,
      lda: Math.max(1, r.transA ? r.m : r.k) + r.padA,
      ldb: Math.max(1, r.transB ? r.k : r.n) + r.padB,
      ldc: Math.max(1, r.n) + r.padC,
    };
    runCase(c, r.seed);
  });
});

describe('constant operands (withConstantOperands)', () => {
  /** Products of one B with several A's, inside and outside a scope: the same numbers bit for bit. */
  function products(b: FloatArray, shapes: Array<{ transB: boolean; m: number; n: number; k: number; bOff: number; ldb: number }>, seed: number): FloatArray[] {
    const rng = new Rng(seed);
    return shapes.map((s) => {
      const a = new Float64Array(s.m * s.k);
      fill(a, rng);
      const c = new Float64Array(s.m * s.n);
      gemm(false, s.transB, s.m, s.n, s.k, a, 0, s.k, b, s.bOff, s.ldb, c, 0, s.n, false);
      return c;
    });
  }

  it('reuses the packed copy: bit-identical products, every form, blocks over k and n, offsets', () => {
    const rng = new Rng(3);
    const b = new Float32Array(700 * 300 + 5);
    fill(b, rng);
    // k over one depth block (256), n over one panel block, both forms, an offset B; each twice (the second from the copy)
    const shapes = [
      { transB: false, m: 7, n: 300, k: 700, bOff: 0, ldb: 300 },
      { transB: false, m: 12, n: 300, k: 700, bOff: 0, ldb: 300 },
      { transB: true, m: 5, n: 700, k: 300, bOff: 0, ldb: 300 },
      { transB: true, m: 9, n: 700, k: 300, bOff: 0, ldb: 300 },
      { transB: false, m: 4, n: 290, k: 100, bOff: 5, ldb: 300 },
      { transB: false, m: 6, n: 290, k: 100, bOff: 5, ldb: 300 },
    ];
    const plain = products(b, shapes, 9);
    const scoped = withConstantOperands([b], () => products(b, shapes, 9));
    scoped.forEach((c, i) => expect([...c], `shape ${i}`).toEqual([...(plain[i] as FloatArray)]));
  });

  it('reads only the arrays declared, and forgets them when the scope closes', () => {
    const rng = new Rng(4);
    const b = new Float64Array(40 * 30);
    fill(b, rng);
    const shape = [{ transB: false, m: 6, n: 30, k: 40, bOff: 0, ldb: 30 }];
    const before = withConstantOperands([b], () => products(b, shape, 1))[0] as FloatArray;
    // written after the scope: a new scope packs it again
    b[0] = (b[0] as number) + 1;
    const after = withConstantOperands([b], () => products(b, shape, 1))[0] as FloatArray;
    expect(after).not.toEqual(before);
    expect([...after]).toEqual([...(products(b, shape, 1)[0] as FloatArray)]);
    // an array not declared is packed as usual, even inside a scope, and may change between products
    const other = Float64Array.from(b);
    withConstantOperands([b], () => {
      const first = products(other, shape, 2)[0] as FloatArray;
      other[0] = (other[0] as number) + 1;
      const second = products(other, shape, 2)[0] as FloatArray;
      expect(second).not.toEqual(first);
    });
  });

  it('nested scopes add their arrays; the copies hold at most PACK_CACHE_DOUBLES numbers', () => {
    const rng = new Rng(5);
    const b1 = new Float32Array(64 * 64);
    const b2 = new Float32Array(64 * 64);
    fill(b1, rng);
    fill(b2, rng);
    const shape = [{ transB: false, m: 8, n: 64, k: 64, bOff: 0, ldb: 64 }];
    const want = [products(b1, shape, 6)[0], products(b2, shape, 6)[0]];
    const got = withConstantOperands([b1], () => withConstantOperands([b2], () => [products(b1, shape, 6)[0], products(b2, shape, 6)[0]]));
    expect(got.map((c) => [...(c as FloatArray)])).toEqual(want.map((c) => [...(c as FloatArray)]));
    expect(PACK_CACHE_DOUBLES).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    // an error inside the scope closes it
    expect(() => withConstantOperands([b1], () => {
      throw new Error('inside');
    })).toThrow('inside');
  });
});
