// Section `matmul`: our gemm (Float32Array) against tf.matMul on the tfjs cpu and wasm backends,
// at the inference shape (batch 1) and two training shapes, in the three forms the autodiff op
// uses: A·B, Aᵀ·B and A·Bᵀ (same logical m, k, n; the transposed operand is stored transposed).
// Ours runs in the main thread, tfjs in a bench host (a worker thread, bench/hosts.ts); ours is
// also measured in a host whose ArrayBuffer-detaching protector was invalidated (`ours-detached`).

import { gemm } from '../src/tensor/kernels/gemm';
import { Rng } from '../src/tensor/random';
import type { Builder, BuiltCase } from './cases';
import { getHost, localBuilt, type HostName, type RemoteCase } from './hosts';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { formatTable, sig } from './table';
import { timeInterleaved, type Timing } from './timing';

export type MatmulForm = 'AB' | 'AtB' | 'ABt';
export type Impl = 'ours' | 'tfjs-cpu' | 'tfjs-wasm';
/** The implementations timed side by side: the three of the results file, plus ours after a detach. */
export type Contender = Impl | 'ours-detached';

export interface MatmulRecord {
  /** m x k x n */
  shape: string;
  form: MatmulForm;
  impl: Impl;
  gflops: number;
  /** Median time per product, ms (p10 and p90 alongside). */
  ms: number;
  p10: number;
  p90: number;
}

const SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 128, 384],
  [32, 128, 384],
  [64, 256, 768],
];
const FORMS: readonly MatmulForm[] = ['AB', 'AtB', 'ABt'];
export const CONTENDERS: readonly Contender[] = ['ours', 'tfjs-cpu', 'tfjs-wasm', 'ours-detached'];
/** Where each contender runs: ours in this (main) thread, the others in bench hosts (bench/hosts.ts). */
export const HOST_OF: Record<Contender, HostName | 'main'> = { ours: 'main', 'ours-detached': 'ours-detached', 'tfjs-cpu': 'tfjs', 'tfjs-wasm': 'tfjs' };
const FORM_LABEL: Record<MatmulForm, string> = { AB: 'A·B', AtB: 'Aᵀ·B', ABt: 'A·Bᵀ' };

/** Targets: batch ≥ 32 every form ≥ 0.2× wasm's A·B and ≥ 5× cpu (same form); batch 1 ≥ 5× cpu. */
const TARGET_VS_WASM_AB = 0.2;
const TARGET_VS_CPU = 5;
/** Largest |difference| from the float64 product accepted before timing (values are ~N(0, k)). */
const MAX_ABS_DIFF = 2e-3;

interface Operands {
  m: number;
  k: number;
  n: number;
  /** Stored A: m×k, or k×m for Aᵀ·B. */
  a: Float32Array;
  aShape: [number, number];
  /** Stored B: k×n, or n×k for A·Bᵀ. */
  b: Float32Array;
  bShape: [number, number];
  transA: boolean;
  transB: boolean;
}

// ---- builders (run inside the hosts) ---------------------------------------------------------

function buildOurs(op: Operands): BuiltCase {
  const { m, n, k } = op;
  const c = new Float32Array(m * n);
  const lda = op.aShape[1];
  const ldb = op.bShape[1];
  const fn = (): void => gemm(op.transA, op.transB, m, n, k, op.a, 0, lda, op.b, 0, ldb, c, 0, n, false);
  fn();
  return { fn, result: c.slice() };
}

async function buildTfjs(op: Operands & { backend: 'cpu' | 'wasm' }): Promise<BuiltCase> {
  const { tf, useBackend } = await import('./tf');
  const before = (): Promise<void> => useBackend(op.backend);
  await before();
  const ta = tf.tensor2d(op.a, op.aShape);
  const tb = tf.tensor2d(op.b, op.bShape);
  const first = tf.matMul(ta, tb, op.transA, op.transB);
  const result = Float32Array.from(first.dataSync() as Float32Array);
  first.dispose();
  // The result is read back (dataSync) inside the timed region so the work is really done.
  const fn = (): void => {
    const c = tf.matMul(ta, tb, op.transA, op.transB);
    c.dataSync();
    c.dispose();
  };
  return { fn, before, result, dispose: () => tf.dispose([ta, tb]) };
}

export const MATMUL_BUILDERS: Record<string, Builder> = {
  'matmul:ours': buildOurs as Builder,
  'matmul:tfjs': buildTfjs as Builder,
};

// ---- the section (main thread) ---------------------------------------------------------------

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j] as number;
  return t;
}

function naiveProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p] as number;
      for (let j = 0; j < n; j++) c[i * n + j] += x * (b[p * n + j] as number);
    }
  }
  return c;
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Infinity;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs((x[i] as number) - (y[i] as number));
    if (!(e <= d)) d = e; // NaN wins
  }
  return d;
}

function operands(form: MatmulForm, A: Float32Array, B: Float32Array, m: number, k: number, n: number): Operands {
  switch (form) {
    case 'AB':
      return { m, k, n, a: A, aShape: [m, k], b: B, bShape: [k, n], transA: false, transB: false };
    case 'AtB':
      return { m, k, n, a: transpose(A, m, k), aShape: [k, m], b: B, bShape: [k, n], transA: true, transB: false };
    case 'ABt':
      return { m, k, n, a: A, aShape: [m, k], b: transpose(B, k, n), bShape: [n, k], transA: false, transB: true };
  }
}

async function buildContender(who: Contender, op: Operands): Promise<RemoteCase> {
  const where = HOST_OF[who];
  if (where === 'main') return localBuilt(buildOurs(op));
  const host = await getHost(where);
  if (who === 'tfjs-cpu' || who === 'tfjs-wasm') return host.build('matmul:tfjs', { ...op, backend: who === 'tfjs-cpu' ? 'cpu' : 'wasm' });
  return host.build('matmul:ours', op);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const matmulSection: Section = {
  name: 'matmul',
  title: 'matmul: ours (gemm, Float32Array) vs tf.matMul on tfjs-cpu and tfjs-wasm (SIMD, 1 thread)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const records: Array<MatmulRecord & { who: Contender }> = [];
    const errors: string[] = [];
    const rng = new Rng(20260121);
    const checks: string[][] = [];

    for (const [m, k, n] of SHAPES) {
      const A = new Float32Array(m * k);
      const B = new Float32Array(k * n);
      for (let i = 0; i < A.length; i++) A[i] = rng.normal();
      for (let i = 0; i < B.length; i++) B[i] = rng.normal();
      const ref = naiveProduct(A, B, m, k, n);
      const shape = `${m}x${k}x${n}`;
      for (const form of FORMS) {
        const op = operands(form, A, B, m, k, n);
        const built: RemoteCase[] = [];
        for (const who of CONTENDERS) {
          const c = await buildContender(who, op);
          built.push(c);
          const diff = c.result ? maxAbsDiff(c.result, ref) : Infinity;
          if (!(diff <= MAX_ABS_DIFF)) {
            errors.push(`matmul ${shape} ${form} ${who}: max |diff| from the float64 product is ${diff} (> ${MAX_ABS_DIFF})`);
          }
        }
        const [ours, cpu, wasm] = built.map((c) => c.result ?? new Float32Array(0));
        checks.push([
          shape,
          FORM_LABEL[form],
          maxAbsDiff(ours as Float32Array, ref).toExponential(1),
          maxAbsDiff(ours as Float32Array, cpu as Float32Array).toExponential(1),
          maxAbsDiff(ours as Float32Array, wasm as Float32Array).toExponential(1),
        ]);
        const timings = await timeInterleaved(built, ctx.timing);
        for (const c of built) await c.dispose();
        CONTENDERS.forEach((who, i) => {
          const t = timings[i] as Timing;
          records.push({
            who,
            shape,
            form,
            impl: who === 'ours-detached' ? 'ours' : who,
            gflops: round((2 * m * n * k) / (t.median * 1e6), 3),
            ms: round(t.median, 5),
            p10: round(t.p10, 5),
            p90: round(t.p90, 5),
          });
        });
      }
    }

    ctx.log('Agreement before timing (max |difference|; values are ~N(0, k)):');
    ctx.log(formatTable(['shape m×k×n', 'form', 'ours−float64', 'ours−cpu', 'ours−wasm'], checks));
    ctx.log();

    const find = (shape: string, form: MatmulForm, who: Contender): MatmulRecord | undefined =>
      records.find((r) => r.shape === shape && r.form === form && r.who === who);
    const rows = records.map((r) => {
      const wasm = find(r.shape, r.form, 'tfjs-wasm');
      const wasmAB = find(r.shape, 'AB', 'tfjs-wasm');
      const cpu = find(r.shape, r.form, 'tfjs-cpu');
      return [
        r.shape,
        FORM_LABEL[r.form],
        r.who,
        sig(r.ms, 3),
        `${sig(r.p10, 3)}–${sig(r.p90, 3)}`,
        sig(r.gflops, 3),
        wasm ? `${sig(r.gflops / wasm.gflops, 3)}x` : '',
        wasmAB ? `${sig(r.gflops / wasmAB.gflops, 3)}x` : '',
        cpu ? `${sig(r.gflops / cpu.gflops, 3)}x` : '',
      ];
    });
    ctx.log('Timings (median per product after warm-up; ratios of GFLOP/s; ours-detached = ours after an ArrayBuffer detach):');
    ctx.log(formatTable(['shape m×k×n', 'form', 'impl', 'ms', 'p10–p90 ms', 'GFLOP/s', 'vs wasm', 'vs wasm A·B', 'vs cpu'], rows));

    // The main thread must stay an isolate that never detached a buffer (bench/hosts.ts): if
    // `ours` is no faster than `ours-detached` on the packed path, something loaded in this
    // process detached one (Playwright at import time did), and every `ours` row is pessimistic.
    const big = SHAPES.filter(([m]) => m >= 32).map(([m, k, n]) => `${m}x${k}x${n}`);
    const cleanRatios = big.map((shape) => (find(shape, 'AB', 'ours')?.gflops ?? 0) / (find(shape, 'AB', 'ours-detached')?.gflops ?? Infinity));
    if (cleanRatios.length > 0 && Math.max(...cleanRatios) < 1.1) {
      ctx.log();
      ctx.log(
        `WARNING: ours is not faster than ours-detached (ratios ${cleanRatios.map((r) => r.toFixed(2)).join(', ')}): the bench's ` +
          'main thread seems to have detached an ArrayBuffer (an import that transfers or grows wasm memory?); see bench/hosts.ts.',
      );
    }

    const targets: TargetCheck[] = [];
    for (const [m, k, n] of SHAPES) {
      const shape = `${m}x${k}x${n}`;
      const wasmAB = find(shape, 'AB', 'tfjs-wasm');
      for (const form of FORMS) {
        const ours = find(shape, form, 'ours');
        const cpu = find(shape, form, 'tfjs-cpu');
        if (!ours || !cpu || !wasmAB) continue;
        const vsCpu = ours.gflops / cpu.gflops;
        targets.push({
          name: `matmul ${shape} ${FORM_LABEL[form]} ≥ ${TARGET_VS_CPU}× tfjs-cpu`,
          pass: vsCpu >= TARGET_VS_CPU,
          detail: `${sig(vsCpu, 3)}× (${sig(ours.gflops, 3)} vs ${sig(cpu.gflops, 3)} GFLOP/s)`,
        });
        if (m >= 32) {
          const vsWasm = ours.gflops / wasmAB.gflops;
          targets.push({
            name: `matmul ${shape} ${FORM_LABEL[form]} ≥ ${TARGET_VS_WASM_AB}× tfjs-wasm A·B`,
            pass: vsWasm >= TARGET_VS_WASM_AB,
            detail: `${sig(vsWasm, 3)}× (${sig(ours.gflops, 3)} vs ${sig(wasmAB.gflops, 3)} GFLOP/s)`,
          });
        }
      }
    }
    const strip = ({ who: _who, ...r }: MatmulRecord & { who: Contender }): MatmulRecord => r;
    return {
      json: {
        matmul: records.filter((r) => r.who !== 'ours-detached').map(strip),
        matmulDetached: records.filter((r) => r.who === 'ours-detached').map(strip),
      },
      targets,
      errors,
    };
  },
};
