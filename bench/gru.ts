// Section `gru`: one GRU step (hidden 128, input projections precomputed) at batch 1 (inference)
// and batch 32 (training): our fused gruStep against the same maths as tfjs ops on the cpu and
// wasm backends.
//
// The tfjs version gets the friendliest layout: U_z and U_r as separate [H×H] tensors and x_z,
// x_r, x_h already split, all created outside the timed region, so the timed work is exactly
// 3 matMul, 3 add, 2 sigmoid, 1 tanh, 3 mul and 1 sub (then dataSync).

import { gruStep } from '../src/tensor/kernels/gru';
import { Rng } from '../src/tensor/random';
import type { Builder, BuiltCase } from './cases';
import { getHost, localBuilt, type RemoteCase } from './hosts';
import { CONTENDERS, HOST_OF, maxAbsDiff, round, type Contender, type Impl } from './matmul';
import type { BenchContext, Section, SectionResult } from './section';
import { formatTable, sig } from './table';
import { timeInterleaved, type Timing } from './timing';

export interface GruRecord {
  batch: number;
  hidden: number;
  impl: Impl;
  /** Median time per step, ms (p10 and p90 alongside). */
  ms: number;
  p10: number;
  p90: number;
}

const HIDDEN = 128;
const BATCHES = [1, 32];
const MAX_ABS_DIFF = 1e-4;

interface Inputs {
  B: number;
  H: number;
  xProj: Float32Array; // [B×3H]: x_z | x_r | x_h
  h: Float32Array; // [B×H]
  Uzr: Float32Array; // [H×2H]: U_z | U_r
  Uh: Float32Array; // [H×H]
}

// ---- builders (run inside the hosts) ---------------------------------------------------------

function buildOurs(inp: Inputs): BuiltCase {
  const { B, H } = inp;
  const out = new Float32Array(B * H);
  const fn = (): void => gruStep(B, H, inp.xProj, inp.h, inp.Uzr, inp.Uh, out);
  fn();
  return { fn, result: out.slice() };
}

/** Columns [c0, c1) of a row-major rows×cols matrix. */
function columns(x: Float32Array, rows: number, cols: number, c0: number, c1: number): Float32Array {
  const w = c1 - c0;
  const out = new Float32Array(rows * w);
  for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) out[i * w + j] = x[i * cols + c0 + j] as number;
  return out;
}

async function buildTfjs(inp: Inputs & { backend: 'cpu' | 'wasm' }): Promise<BuiltCase> {
  const { tf, useBackend } = await import('./tf');
  const before = (): Promise<void> => useBackend(inp.backend);
  await before();
  const { B, H } = inp;
  const xz = tf.tensor2d(columns(inp.xProj, B, 3 * H, 0, H), [B, H]);
  const xr = tf.tensor2d(columns(inp.xProj, B, 3 * H, H, 2 * H), [B, H]);
  const xh = tf.tensor2d(columns(inp.xProj, B, 3 * H, 2 * H, 3 * H), [B, H]);
  const h = tf.tensor2d(inp.h, [B, H]);
  const Uz = tf.tensor2d(columns(inp.Uzr, H, 2 * H, 0, H), [H, H]);
  const Ur = tf.tensor2d(columns(inp.Uzr, H, 2 * H, H, 2 * H), [H, H]);
  const Uh = tf.tensor2d(inp.Uh, [H, H]);
  const one = tf.scalar(1);
  const run = (): Float32Array => {
    const out = tf.tidy(() => {
      const z = tf.sigmoid(tf.add(xz, tf.matMul(h, Uz)));
      const r = tf.sigmoid(tf.add(xr, tf.matMul(h, Ur)));
      const hTilde = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), Uh)));
      return tf.add(tf.mul(tf.sub(one, z), h), tf.mul(z, hTilde));
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  };
  const result = Float32Array.from(run());
  return { fn: () => void run(), before, result, dispose: () => tf.dispose([xz, xr, xh, h, Uz, Ur, Uh, one]) };
}

export const GRU_BUILDERS: Record<string, Builder> = {
  'gru:ours': buildOurs as Builder,
  'gru:tfjs': buildTfjs as Builder,
};

// ---- the section (main thread) ---------------------------------------------------------------

function makeInputs(B: number, H: number, rng: Rng): Inputs {
  const fill = (n: number, scale: number): Float32Array => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = scale * rng.normal();
    return x;
  };
  return { B, H, xProj: fill(B * 3 * H, 1), h: fill(B * H, 0.5), Uzr: fill(H * 2 * H, 1 / Math.sqrt(H)), Uh: fill(H * H, 1 / Math.sqrt(H)) };
}

async function buildContender(who: Contender, inp: Inputs): Promise<RemoteCase> {
  const where = HOST_OF[who];
  if (where === 'main') return localBuilt(buildOurs(inp));
  const host = await getHost(where);
  if (who === 'tfjs-cpu' || who === 'tfjs-wasm') return host.build('gru:tfjs', { ...inp, backend: who === 'tfjs-cpu' ? 'cpu' : 'wasm' });
  return host.build('gru:ours', inp);
}

export const gruSection: Section = {
  name: 'gru',
  title: `gru: one GRU step, hidden ${HIDDEN}, input projections precomputed: ours (gruStep) vs tfjs ops`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const rng = new Rng(1409_0473);
    const records: Array<GruRecord & { who: Contender }> = [];
    const errors: string[] = [];
    const agreement: string[][] = [];

    for (const B of BATCHES) {
      const H = HIDDEN;
      const inp = makeInputs(B, H, rng);
      const built: RemoteCase[] = [];
      for (const who of CONTENDERS) built.push(await buildContender(who, inp));
      const [ours, cpu, wasm, detached] = built.map((c) => c.result ?? new Float32Array(0)) as Float32Array[];
      const diffs = [cpu, wasm, detached].map((x) => maxAbsDiff(ours as Float32Array, x as Float32Array));
      diffs.forEach((d, i) => {
        if (!(d <= MAX_ABS_DIFF)) errors.push(`gru batch ${B}: ours and ${CONTENDERS[i + 1]} differ by ${d} (> ${MAX_ABS_DIFF})`);
      });
      agreement.push([String(B), (diffs[0] as number).toExponential(1), (diffs[1] as number).toExponential(1)]);
      const timings = await timeInterleaved(built, ctx.timing);
      for (const c of built) await c.dispose();
      CONTENDERS.forEach((who, i) => {
        const t = timings[i] as Timing;
        records.push({
          who,
          batch: B,
          hidden: H,
          impl: who === 'ours-detached' ? 'ours' : who,
          ms: round(t.median, 5),
          p10: round(t.p10, 5),
          p90: round(t.p90, 5),
        });
      });
    }

    ctx.log("Agreement before timing (max |difference| of h'):");
    ctx.log(formatTable(['batch', 'ours−cpu', 'ours−wasm'], agreement));
    ctx.log();
    const find = (B: number, who: Contender): GruRecord | undefined => records.find((r) => r.batch === B && r.who === who);
    ctx.log('Timings per step (ratios: speed relative to that backend, >1 = faster):');
    ctx.log(
      formatTable(
        ['batch', 'hidden', 'impl', 'ms', 'p10–p90 ms', 'vs wasm', 'vs cpu'],
        records.map((r) => {
          const wasm = find(r.batch, 'tfjs-wasm');
          const cpu = find(r.batch, 'tfjs-cpu');
          return [
            String(r.batch),
            String(r.hidden),
            r.who,
            sig(r.ms, 3),
            `${sig(r.p10, 3)}–${sig(r.p90, 3)}`,
            wasm ? `${sig(wasm.ms / r.ms, 3)}x` : '',
            cpu ? `${sig(cpu.ms / r.ms, 3)}x` : '',
          ];
        }),
      ),
    );
    const strip = ({ who: _who, ...r }: GruRecord & { who: Contender }): GruRecord => r;
    return {
      json: {
        gru: records.filter((r) => r.who !== 'ours-detached').map(strip),
        gruDetached: records.filter((r) => r.who === 'ours-detached').map(strip),
      },
      targets: [],
      errors,
    };
  },
};
