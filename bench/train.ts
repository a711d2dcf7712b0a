// Section `train` (issue 4): one training step at batch 32, source and target length 20 (random
// ids, every sentence that length, so no padding), default sizes, additive attention,
// vocabularies of 300: teacher-forced mean cross-entropy per target token, backward, global-norm
// clip at 1, Adam (lr 3e-3).
//
//   ours       Trainer.trainStep itself, in the main thread: next batch of the 32 pairs
//              (Batcher + makeBatch, a few µs), forwardLoss, loss.item(), backward,
//              clipGradNorm, Adam.step (constant lr: warmupSteps 0, finalLrFraction 1).
//   tfjs-*     bench/tfModel.ts TfTrainer in the tfjs host: the same model and loss as tfjs
//              ops, tf.variableGrads, global norm read back and grads scaled when above the clip,
//              tf.train.adam(lr, 0.9, 0.999, 1e-8).applyGradients. Its batch (one-hot matrices)
//              is built once, outside the timed step.
//
// Same weights (initParams here, copied to the host), same batch. Checked before timing: the
// initial loss (within 1e-4 relative), the gradient norm, and the loss after one step of each.

import { makeBatch, type Batch, type PairIds } from '../src/model/batch';
import { forwardLoss } from '../src/model/forward';
import { initParams } from '../src/model/params';
import { noGrad } from '../src/tensor';
import { Rng } from '../src/tensor/random';
import { Trainer } from '../src/train/trainer';
import type { Builder, BuiltCase } from './cases';
import { getHost, localBuilt, type RemoteCase } from './hosts';
import { round } from './matmul';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { benchConfig, weightsOf } from './sentence';
import { formatTable, sig } from './table';
import { timeInterleaved, type Timing, type TimingOptions } from './timing';
import type { TfBatch } from './tfModel';

export type TrainImpl = 'ours' | 'tfjs-cpu' | 'tfjs-wasm';

export interface TrainRecord {
  impl: TrainImpl;
  /** Target tokens (</s> included) per second of training. */
  tokensPerSec: number;
  /** Median ms per step (p10 and p90 alongside). */
  msPerStep: number;
  p10: number;
  p90: number;
  samples: number;
}

const BATCH = 32;
const SRC_LEN = 20;
const TGT_LEN = 20;
const LR = 3e-3;
const CLIP = 1;
const WEIGHT_SEED = 1409_0473;
const DATA_SEED = 4;
/** Target: ours at least this many times tfjs-wasm's tokens/s. */
const TARGET_VS_WASM = 2;
/** Largest relative difference of the initial loss accepted before timing. */
const MAX_LOSS_REL = 1e-4;
/** Largest relative difference of the loss after one step (Adam's first step is ±lr per weight). */
const MAX_LOSS1_REL = 1e-3;
const IMPLS: readonly TrainImpl[] = ['ours', 'tfjs-cpu', 'tfjs-wasm'];

/** Steps are long (0.3–5 s): warm up by calls, not time; tfjs-cpu gets fewer samples. */
const FULL: { timing: TimingOptions; samples: number[] } = {
  timing: { warmupMs: 0, minWarmupCalls: 2, samples: 12, minSampleMs: 5 },
  samples: [12, 3, 12],
};
const QUICK: { timing: TimingOptions; samples: number[] } = {
  timing: { warmupMs: 0, minWarmupCalls: 1, samples: 4, minSampleMs: 5 },
  samples: [4, 1, 4],
};

// ---- builders (run inside the tfjs host) ----------------------------------------------------

interface TfPayload {
  config: ReturnType<typeof benchConfig>;
  weights: Record<string, Float32Array>;
  batch: TfBatch;
  backend: 'cpu' | 'wasm';
}

let trainers = 0;

async function buildTfjs(p: TfPayload): Promise<BuiltCase> {
  const { tf, useBackend, initTfGradients } = await import('./tf');
  const { TfTrainer } = await import('./tfModel');
  await initTfGradients();
  const before = (): Promise<void> => useBackend(p.backend);
  await before();
  const trainer = new TfTrainer(p.config, p.weights, p.batch, `train${++trainers}-${p.backend}`, LR, CLIP);
  const loss0 = trainer.lossValue();
  const first = trainer.step();
  const loss1 = trainer.lossValue();
  return {
    fn: () => {
      // after the first step (which created Adam's moments) a step must not leave tensors behind
      const tensors = tf.memory().numTensors;
      trainer.step();
      if (tf.memory().numTensors !== tensors) throw new Error(`train tfjs-${p.backend}: ${tf.memory().numTensors - tensors} tensors leaked in a step`);
    },
    before,
    info: { loss0, stepLoss: first.loss, gradNorm: first.gradNorm, loss1 },
    dispose: () => trainer.dispose(),
  };
}

export const TRAIN_BUILDERS: Record<string, Builder> = {
  'train:tfjs': buildTfjs as Builder,
};

// ---- the section (main thread) ---------------------------------------------------------------

function randomPairs(rng: Rng, vocab: number): PairIds[] {
  const ids = (n: number): Int32Array => Int32Array.from({ length: n }, () => 4 + rng.int(vocab - 4));
  return Array.from({ length: BATCH }, () => ({ source: ids(SRC_LEN), target: ids(TGT_LEN) }));
}

function tfBatch(b: Batch): TfBatch {
  return { B: b.size, srcLen: b.srcLen, tgtLen: b.tgtLen, srcIds: b.srcIds, tgtIn: b.tgtIn, tgtOut: b.tgtOut };
}

interface Check {
  loss0: number;
  stepLoss: number;
  gradNorm: number;
  loss1: number;
}

export const trainSection: Section = {
  name: 'train',
  title: `train: one step at batch ${BATCH}, lengths ${SRC_LEN}/${TGT_LEN} (additive, default sizes, vocab 300): forward, backward, clip, Adam — ours vs tfjs`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const plan = ctx.quick ? QUICK : FULL;
    const config = benchConfig();
    const params = initParams(config, WEIGHT_SEED);
    const weights = weightsOf(params); // copied before ours trains
    const pairs = randomPairs(new Rng(DATA_SEED), config.tgtVocabSize);
    const batch = makeBatch(pairs);
    const tokens = batch.tokens;
    const errors: string[] = [];

    // ours: Trainer.trainStep on these 32 pairs (every batch is all of them, in shuffled order)
    const trainer = new Trainer(config, params, pairs, [], {
      batchSize: BATCH,
      lr: LR,
      warmupSteps: 0,
      finalLrFraction: 1,
      clip: CLIP,
      maxSteps: 1_000_000_000,
      evalEvery: 0,
      seed: DATA_SEED,
    });
    const lossNow = (): number => noGrad(() => forwardLoss(params, config, batch).loss.item());
    const step = (): { loss: number; gradNorm: number } => {
      const r = trainer.trainStep();
      if (r.type !== 'step') throw new Error(`train: ours tripped the guard: ${r.message}`);
      return r;
    };
    const loss0 = lossNow();
    const first = step();
    const ours: Check = { loss0, stepLoss: first.loss, gradNorm: first.gradNorm, loss1: lossNow() };

    const host = await getHost('tfjs');
    const cases: RemoteCase[] = [localBuilt({ fn: () => void step() })];
    for (const backend of ['cpu', 'wasm'] as const) {
      cases.push(await host.build('train:tfjs', { config, weights, batch: tfBatch(batch), backend } satisfies TfPayload));
    }
    const checks: Check[] = [ours, ...cases.slice(1).map((c) => c.info as unknown as Check)];
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
    const agreement = IMPLS.map((impl, i) => {
      const c = checks[i] as Check;
      if (i > 0) {
        const d0 = rel(c.loss0, ours.loss0);
        if (!(d0 <= MAX_LOSS_REL)) errors.push(`train: initial loss of ${impl} (${c.loss0}) and ours (${ours.loss0}) differ by ${d0.toExponential(1)} relative (> ${MAX_LOSS_REL})`);
        const d1 = rel(c.loss1, ours.loss1);
        if (!(d1 <= MAX_LOSS1_REL) || Math.sign(c.loss1 - c.loss0) !== Math.sign(ours.loss1 - ours.loss0)) {
          errors.push(`train: after one step the loss of ${impl} went ${c.loss0} → ${c.loss1}, ours ${ours.loss0} → ${ours.loss1}`);
        }
      }
      return [
        impl,
        c.loss0.toFixed(6),
        i > 0 ? rel(c.loss0, ours.loss0).toExponential(1) : '',
        c.gradNorm.toPrecision(6),
        c.loss1.toFixed(6),
        i > 0 ? rel(c.loss1, ours.loss1).toExponential(1) : '',
      ];
    });

    const timings = await timeInterleaved(cases, plan.timing, plan.samples);
    for (const c of cases) await c.dispose();
    const records: TrainRecord[] = IMPLS.map((impl, i) => {
      const t = timings[i] as Timing;
      return {
        impl,
        tokensPerSec: round((tokens * 1000) / t.median, 1),
        msPerStep: round(t.median, 2),
        p10: round(t.p10, 2),
        p90: round(t.p90, 2),
        samples: t.samples,
      };
    });

    ctx.log(`Agreement before timing (same weights, same batch; grad norm before clipping at ${CLIP}; loss after one step, lr ${LR}):`);
    ctx.log(formatTable(['impl', 'loss', 'rel. Δ vs ours', 'grad norm', 'loss after 1 step', 'rel. Δ vs ours'], agreement));
    ctx.log();
    const wasm = records.find((r) => r.impl === 'tfjs-wasm');
    const cpu = records.find((r) => r.impl === 'tfjs-cpu');
    ctx.log(
      `Median per training step (${tokens} target tokens incl. </s>; warm-up ${plan.timing.minWarmupCalls} + 1 calibration step; ` +
        'ratios of tokens/s, >1 = faster; the p10 ratio compares the fastest tenth of the samples):',
    );
    ctx.log(
      formatTable(
        ['impl', 'ms/step', 'p10–p90 ms', 'samples', 'tokens/s', 'vs tfjs-wasm', 'vs tfjs-cpu', 'p10 vs wasm'],
        records.map((r) => [
          r.impl,
          sig(r.msPerStep, 4),
          `${sig(r.p10, 4)}–${sig(r.p90, 4)}`,
          String(r.samples),
          sig(r.tokensPerSec, 4),
          wasm ? `${sig(r.tokensPerSec / wasm.tokensPerSec, 3)}x` : '',
          cpu ? `${sig(r.tokensPerSec / cpu.tokensPerSec, 3)}x` : '',
          wasm ? `${sig(wasm.p10 / r.p10, 3)}x` : '',
        ]),
      ),
    );
    const targets: TargetCheck[] = [];
    const o = records[0] as TrainRecord;
    if (wasm) {
      const x = o.tokensPerSec / wasm.tokensPerSec;
      targets.push({
        name: `train: ours ≥ ${TARGET_VS_WASM}× tfjs-wasm's target tokens/s`,
        pass: x >= TARGET_VS_WASM,
        detail: `${sig(x, 3)}× (${sig(o.tokensPerSec, 4)} vs ${sig(wasm.tokensPerSec, 4)} tokens/s)`,
      });
    }
    ctx.log();
    for (const t of targets) ctx.log(`target ${t.name}: ${t.pass ? 'met' : 'NOT met'} — ${t.detail}`);
    return { json: { train: records }, targets, errors };
  },
};
