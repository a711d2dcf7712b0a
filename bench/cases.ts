// What a bench host builds and times: a case is a function to call repeatedly, with the inputs
// it needs created once, outside the timed region.

export interface BuiltCase {
  /** The timed work. */
  fn: () => void;
  /** Runs before warm-up, calibration and every sample, outside the timed region (e.g. select a tfjs backend). */
  before?: () => void | Promise<void>;
  /** The case's output, computed once when it was built (compared across implementations). */
  result?: Float32Array;
  /** Anything else the builder measured or counted (structured-clonable; e.g. kernel calls, losses). */
  info?: Record<string, unknown>;
  dispose?: () => void;
}

/**
 * Builds a case from a structured-clonable payload (sent from the main thread, copied — never
 * transferred, see bench/hosts.ts). Registered by name in bench/host.worker.ts.
 */
export type Builder = (payload: never) => BuiltCase | Promise<BuiltCase>;
