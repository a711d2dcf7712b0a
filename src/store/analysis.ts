// Everything the panels show, derived from the user's inputs and a loaded model: tokenisation
// (with the length cap), the main trace (free or forced), the unedited baseline when attention
// has been edited, the free decoding beside a forced one (to find where they diverge), and a
// clear error instead of NaN for input the model cannot take. Pure: no React, no store.

import { MAX_TOKENS_PER_SIDE } from '../data/limits';
import { tokenize, truncateTokens, type TokenizerSettings } from '../data/tokenize';
import type { LoadedModel } from '../model/bundle';
import { MAX_TARGET_TOKENS } from '../model/config';
import { DecodeError, type BeamHypothesis, type EncodedSource } from '../model/inference';
import type { Trace } from '../model/trace';

export type Decoding = 'greedy' | 'beam';

export interface AnalysisInput {
  model: LoadedModel;
  source: string;
  target: string;
  decoding: Decoding;
  beamWidth: number;
  /** Attention edits: step → weights over the source (</s> included). */
  edits: ReadonlyMap<number, readonly number[]>;
}

export interface Truncation {
  side: 'source' | 'target';
  originalLength: number;
  kept: number;
}

export interface Analysis {
  sourceTokens: string[];
  targetTokens: string[];
  mode: 'free' | 'forced';
  truncations: Truncation[];
  /** The trace the panels show; null when the input cannot be decoded (see `error`). */
  trace: Trace | null;
  /** The same decoding without the edits, when there are edits. */
  baseline: Trace | null;
  /** In forced mode: the model's own greedy decoding of the source. */
  free: Trace | null;
  /** In forced mode: the first step where the forced token is not the model's first choice. */
  divergence: number | null;
  /** Beam mode: every hypothesis, best first. */
  beams: BeamHypothesis[] | null;
  error: { code: 'empty-source' | 'source-too-long' | 'bad-override' | 'bad-option' | 'internal'; message: string } | null;
  /** Decoding time in milliseconds. */
  ms: number;
}

/** Tokenise with the model's settings and apply the per-side cap. */
export function tokenizeCapped(text: string, settings: TokenizerSettings, side: 'source' | 'target', cap = MAX_TOKENS_PER_SIDE): { tokens: string[]; truncation: Truncation | null } {
  const all = tokenize(text, settings);
  const t = truncateTokens(all, cap);
  return { tokens: t.tokens, truncation: t.truncated ? { side, originalLength: t.originalLength, kept: t.tokens.length } : null };
}

/** Apply only the edits that fit the trace (a stale edit for a step that no longer exists is dropped). */
function usableEdits(edits: ReadonlyMap<number, readonly number[]>, srcLen: number): Map<number, readonly number[]> {
  const out = new Map<number, readonly number[]>();
  for (const [step, row] of edits) if (row.length === srcLen && Number.isInteger(step) && step >= 0) out.set(step, row);
  return out;
}

export function analyse(input: AnalysisInput): Analysis {
  const t0 = performance.now();
  const { model } = input;
  const inference = model.inference;
  const src = tokenizeCapped(input.source, model.tokenizer, 'source');
  // the target cap leaves room for </s> within the decoder's limit
  const tgt = tokenizeCapped(input.target, model.tokenizer, 'target', Math.min(MAX_TOKENS_PER_SIDE, MAX_TARGET_TOKENS - 1));
  const truncations = [src.truncation, tgt.truncation].filter((t): t is Truncation => t !== null);
  const mode = tgt.tokens.length > 0 ? 'forced' : 'free';
  const base: Analysis = {
    sourceTokens: src.tokens,
    targetTokens: tgt.tokens,
    mode,
    truncations,
    trace: null,
    baseline: null,
    free: null,
    divergence: null,
    beams: null,
    error: null,
    ms: 0,
  };
  let enc: EncodedSource;
  try {
    enc = inference.encodeTokens(src.tokens);
  } catch (err) {
    if (err instanceof DecodeError) return { ...base, error: { code: err.code, message: err.message }, ms: performance.now() - t0 };
    throw err;
  }
  const edits = usableEdits(input.edits, enc.length);
  const overrides = edits.size > 0 ? edits : undefined;
  try {
    if (mode === 'forced') {
      const trace = inference.forcedTokens(enc, tgt.tokens, overrides ? { overrides } : {});
      const baseline = overrides ? inference.forcedTokens(enc, tgt.tokens) : null;
      const free = inference.greedy(enc);
      const reference = baseline ?? trace;
      const divergence = reference.steps.find((s) => s.token.rank !== 1)?.index ?? null;
      return { ...base, trace, baseline, free, divergence, ms: performance.now() - t0 };
    }
    if (input.decoding === 'beam' && input.beamWidth > 1) {
      const beams = inference.beam(enc, { width: input.beamWidth });
      const trace = beams[0]?.trace ?? null;
      return { ...base, trace, beams, ms: performance.now() - t0 };
    }
    const trace = inference.greedy(enc, overrides ? { overrides } : {});
    const baseline = overrides ? inference.greedy(enc) : null;
    return { ...base, trace, baseline, ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof DecodeError) return { ...base, error: { code: err.code, message: err.message }, ms: performance.now() - t0 };
    return { ...base, error: { code: 'internal', message: `Decoding failed: ${err instanceof Error ? err.message : String(err)}` }, ms: performance.now() - t0 };
  }
}
