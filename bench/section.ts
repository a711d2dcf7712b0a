// What a bench section is. Sections are registered in bench/run.ts.

import type { TimingOptions } from './timing';

export interface BenchContext {
  /** Timing settings for this run (FULL_TIMING, or QUICK_TIMING with --quick). */
  timing: TimingOptions;
  quick: boolean;
  /** Print a line of the report. */
  log: (line?: string) => void;
}

export interface SectionResult {
  /**
   * Top-level keys this section owns in bench/results/latest.json; run.ts replaces exactly these
   * keys and keeps every other key already in the file.
   */
  json: Record<string, unknown>;
  /** Targets checked by this section (printed in the summary; a failed target is not an error). */
  targets: TargetCheck[];
  /** Set when something is wrong with the measurement itself (e.g. implementations disagree). */
  errors: string[];
}

export interface TargetCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export interface Section {
  /** Name used by `--only` (e.g. `matmul`). */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
