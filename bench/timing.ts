// Shared timing helper for every bench section.
//
// A measurement: warm up (so V8 has optimised the code under test), calibrate how many calls
// make one sample last at least `minSampleMs` (timer resolution and per-sample noise then stay
// small), take `samples` samples and report per-call times: median, p10 and p90. Report the
// median; p10–p90 shows how noisy the machine was (another process on the same core shows up
// as a wide spread).
//
// Contenders are `TimedCase`s: `localCase(fn)` times a function in this thread; a bench host
// (bench/hosts.ts) times a case inside its worker thread and reports the sample durations.

export interface TimingOptions {
  /** Time spent calling the function before calibrating, ms. */
  warmupMs: number;
  /** Number of samples. */
  samples: number;
  /** Minimum duration of one sample, ms. */
  minSampleMs: number;
  /** Fewest calls in the warm-up (default 3); for cases that take seconds per call. */
  minWarmupCalls?: number;
}

export interface Timing {
  /** Per-call time, ms. */
  median: number;
  p10: number;
  p90: number;
  /** Calls per sample. */
  reps: number;
  samples: number;
}

export const FULL_TIMING: TimingOptions = { warmupMs: 300, samples: 21, minSampleMs: 5 };
export const QUICK_TIMING: TimingOptions = { warmupMs: 80, samples: 7, minSampleMs: 3 };

/** Something that can be timed: run for a while, find a repetition count, time `reps` calls. */
export interface TimedCase {
  /** Call the function for at least `ms` milliseconds and at least `minCalls` times (default 3). */
  warmup(ms: number, minCalls?: number): Promise<void>;
  /** Calls per sample so that one sample lasts at least minSampleMs. */
  calibrate(minSampleMs: number): Promise<number>;
  /** Total ms of `reps` consecutive calls. */
  sample(reps: number): Promise<number>;
}

/** Warm-up loop: at least `minCalls` calls (default 3) and `ms` milliseconds. */
export function warmupSync(fn: () => void, ms: number, minCalls = 3): void {
  const end = performance.now() + ms;
  let calls = 0;
  while (performance.now() < end || calls < minCalls) {
    fn();
    calls++;
  }
}

/** Calls per sample so that one sample lasts at least minSampleMs. */
export function calibrateSync(fn: () => void, minSampleMs: number): number {
  let reps = 1;
  for (;;) {
    const dt = sampleSync(fn, reps);
    if (dt >= minSampleMs) return reps;
    reps = dt <= 0 ? reps * 8 : Math.max(reps + 1, Math.ceil((reps * minSampleMs * 1.2) / dt));
  }
}

/** Total ms of `reps` calls. */
export function sampleSync(fn: () => void, reps: number): number {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) fn();
  return performance.now() - t0;
}

/** A case timed in this thread. `before` runs before each sample, outside the timed region. */
export function localCase(fn: () => void, before?: () => void | Promise<void>): TimedCase {
  return {
    async warmup(ms, minCalls) {
      await before?.();
      warmupSync(fn, ms, minCalls);
    },
    async calibrate(minSampleMs) {
      await before?.();
      return calibrateSync(fn, minSampleMs);
    },
    async sample(reps) {
      await before?.();
      return sampleSync(fn, reps);
    },
  };
}

/** Time one synchronous function in this thread. */
export function timeSync(fn: () => void, opts: TimingOptions): Timing {
  warmupSync(fn, opts.warmupMs, opts.minWarmupCalls);
  const reps = calibrateSync(fn, opts.minSampleMs);
  const perCall: number[] = [];
  for (let s = 0; s < opts.samples; s++) perCall.push(sampleSync(fn, reps) / reps);
  return summarise(perCall, reps);
}

/**
 * Time several contenders fairly on a busy machine: each is warmed up and calibrated on its own,
 * then the samples are taken in rounds (case 0, case 1, …, case 0, case 1, …), so a burst of
 * load from another process hits every contender alike and the ratios of medians stay
 * meaningful. Returns one Timing per case, in order.
 *
 * `samplesPerCase` (optional) gives some cases fewer samples than `opts.samples` (a contender
 * that takes seconds per call): case i is then sampled in n_i of the rounds, spread evenly.
 */
export async function timeInterleaved(cases: readonly TimedCase[], opts: TimingOptions, samplesPerCase?: readonly number[]): Promise<Timing[]> {
  const reps: number[] = [];
  for (const c of cases) {
    await c.warmup(opts.warmupMs, opts.minWarmupCalls);
    reps.push(await c.calibrate(opts.minSampleMs));
  }
  const want = cases.map((_, i) => Math.max(1, Math.min(opts.samples, samplesPerCase?.[i] ?? opts.samples)));
  const rounds = Math.max(...want);
  const perCall: number[][] = cases.map(() => []);
  for (let s = 0; s < rounds; s++) {
    for (let i = 0; i < cases.length; i++) {
      const n = want[i] as number;
      // n of the `rounds` rounds, evenly spread (every round when n = rounds)
      if (Math.floor(((s + 1) * n) / rounds) === Math.floor((s * n) / rounds)) continue;
      const r = reps[i] as number;
      (perCall[i] as number[]).push((await (cases[i] as TimedCase).sample(r)) / r);
    }
  }
  return perCall.map((x, i) => summarise(x, reps[i] as number));
}

/** Quantile q ∈ [0, 1] of sorted values (linear interpolation). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

function summarise(perCall: number[], reps: number): Timing {
  const sorted = [...perCall].sort((x, y) => x - y);
  return {
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    reps,
    samples: sorted.length,
  };
}
