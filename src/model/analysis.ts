// Everything the panels show, derived from the user's inputs and a loaded model: tokenisation
// (with the character and token caps), the main trace (free or forced), the unedited baseline
// when attention has been edited, the free decoding beside a forced one (to find where they
// diverge), and a clear error instead of NaN for input the model cannot take. Pure: no React,
// no store.

import { MAX_ANALYSED_CHARS, MAX_TOKENS_PER_SIDE } from '../data/limits';
import { truncateTokens } from '../data/tokenize';
import type { TextCodec } from '../data/codec';
import type { LoadedModel } from './bundle';
import { MAX_TARGET_TOKENS } from './config';
import { DecodeError, defaultMaxLength, type BeamHypothesis, type BeamTree, type DecodeErrorCode, type SampleOptions } from './decoding';
import type { EncodedInput } from './family';
import type { HeadView, Trace } from './trace';
import type { DecodingMode, Units } from './domain';
import { withHeadView } from './transformer/trace';
import { wordTrace } from './wordTrace';

/** Subword models can be shown as the model's pieces or as whole words (see wordTrace.ts). */
export type { Units } from './domain';

/**
 * How many pieces past the divergence a free decoding asked for only there (DecodeInput.free =
 * false) goes on: enough to finish the word it starts, which the word view names.
 */
const PIECES_AFTER_DIVERGENCE = 8;

/** The free decoding mode (src/model/domain.ts). */
export type Decoding = DecodingMode;

/**
 * What the decoding depends on: the model and the document. Changing any of these decodes again
 * (in the analysis worker for a model that lives there: src/store/derived.ts).
 */
export interface DecodeInput {
  model: LoadedModel;
  source: string;
  target: string;
  decoding: Decoding;
  beamWidth: number;
  /** With decoding 'sample': temperature, top-k and seed. */
  sample?: SampleOptions;
  /** Attention edits: step → weights over the source (</s> included), in pieces. */
  edits: ReadonlyMap<number, readonly number[]>;
  /** Transformer models: add position encodings (default true). */
  positions?: boolean;
  /**
   * Beam mode: the node of the search tree the panels show, as its token ids (pieces) from the
   * first step (src/store/beamPick.ts); absent, or naming no node of this search: hypothesis 0.
   */
  beamPath?: readonly number[] | null;
  /**
   * Forced mode: decode the whole free translation too, for a view that shows it beside the forced
   * one (the compare view; default true). The explorer passes false and gets only the free
   * decoding's first steps, as far as the divergence needs: up to there the forced words were the
   * model's own first choices, so the free decoding agrees with the forced one until then, and its
   * next few pieces give the word the model would have written (whole, in the word view of a
   * subword model). A paper-sized model's forced keystroke then decodes 21 forced steps and a few
   * free ones, where it decoded all 50 free steps too.
   */
  free?: boolean;
}

/**
 * How a decoded analysis is shown: cheap to apply, so a switch of units or head never decodes again
 * (and is applied on the main thread even when the decoding ran in a worker).
 */
export interface ViewInput {
  /** How a subword model's trace is shown (ignored for word- and character-level models). */
  units?: Units;
  /** Transformer models: which cross-attention head the common fields show (default: the last layer's mean). */
  headView?: HeadView;
}

/**
 * Which node of the beam's search tree the panels show. On a returned hypothesis' path: that
 * hypothesis (the best through the node), at the node's step; off every path (a pruned
 * candidate, or a hypothesis that died out): the branch's own trace, which ends at the node.
 */
export interface BeamPick {
  node: number;
  /** The hypothesis shown, or null for the branch's own trace. */
  hypothesis: number | null;
  /** The node's step, in pieces (the tree is always in the model's units). */
  step: number;
}

export type AnalysisInput = DecodeInput & ViewInput;

/** What the view stage needs to know of the model (plain data, so a worker's result can use it too). */
export interface ViewModelInfo {
  /** Either side is tokenised into subword pieces. */
  subword: boolean;
  family: 'rnnsearch' | 'transformer';
}

export function viewInfo(model: LoadedModel): ViewModelInfo {
  return { subword: model.codecs.source.subword || model.codecs.target.subword, family: model.inference.family };
}

/**
 * Whether a model's traces can be shown in whole words: subword RNNsearch models. A Transformer's
 * heads and self-attention have no word view (yet), so it always shows its pieces.
 */
export function hasWordView(info: ViewModelInfo): boolean {
  return info.subword && info.family === 'rnnsearch';
}

export interface Truncation {
  side: 'source' | 'target';
  /** Tokens before the token cap (of the analysed prefix only, when `chars` is set). */
  originalLength: number;
  /** Tokens kept. */
  kept: number;
  /**
   * Set when the text was longer than the character cap (MAX_ANALYSED_CHARS): its length and how
   * many of its characters reached the tokeniser. How many tokens the whole text makes is unknown.
   */
  chars?: { total: number; analysed: number };
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
  /** Beam mode: the search tree, every candidate kept or pruned (in pieces; plain data). */
  beamTree?: BeamTree | null;
  /** Beam mode: the node the panels show, when one was picked and this search has it. */
  beamPick?: BeamPick | null;
  error: { code: DecodeErrorCode | 'internal'; message: string } | null;
  /** Decoding time in milliseconds. */
  ms: number;
  /** The units `trace` is in: 'words' only for a subword model shown as words. */
  units: Units;
  /** The trace in the model's own units (pieces) when `trace` is the word view; else `trace`. */
  pieces: Trace | null;
}

/** The word view of an analysis: every trace in words, the divergence step mapped to its word. */
function inWords(a: Analysis): Analysis {
  if (!a.trace) return { ...a, units: 'words' };
  const trace = wordTrace(a.trace);
  const spans = trace.spans;
  return {
    ...a,
    units: 'words',
    pieces: a.trace,
    trace,
    baseline: a.baseline ? wordTrace(a.baseline) : null,
    free: a.free ? wordTrace(a.free) : null,
    beams: a.beams ? a.beams.map((b) => ({ ...b, trace: wordTrace(b.trace) })) : null,
    divergence: a.divergence !== null && spans ? (spans.target.wordOf[a.divergence] ?? null) : null,
  };
}

/** Decode and show: the two stages in one call (the compare view, the story, tests). */
export function analyse(input: AnalysisInput): Analysis {
  return viewAnalysis(decodeAnalysis(input), viewInfo(input.model), input);
}

/**
 * The view stage: the chosen head of a Transformer, then the word view of a subword RNNsearch
 * (the word view sums a source word's pieces' weights and shares). `pieces` keeps the model's own
 * units. The input is the decode stage's result, never changed.
 */
export function viewAnalysis(a: Analysis, info: ViewModelInfo, view: ViewInput): Analysis {
  const shown = inHeadView(a, view.headView);
  const words = hasWordView(info) && (view.units ?? 'words') === 'words';
  return words ? inWords(shown) : { ...shown, pieces: shown.trace };
}

/** Every trace of a Transformer analysis showing the chosen head (a no-op for other families). */
function inHeadView(a: Analysis, view: HeadView | undefined): Analysis {
  if (!view || !a.trace?.transformer) return a;
  const v = (t: Trace): Trace => withHeadView(t, view);
  return {
    ...a,
    trace: v(a.trace),
    baseline: a.baseline ? v(a.baseline) : null,
    free: a.free ? v(a.free) : null,
    beams: a.beams ? a.beams.map((b) => ({ ...b, trace: v(b.trace) })) : null,
  };
}

/** At most `max` UTF-16 code units of `text`, never ending between the two halves of a surrogate pair. */
export function textPrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/**
 * The part of `text` that is analysed: all of it up to `max` characters; else a prefix of at most
 * `max` characters that ends at a space when one lies in its second half (so that the last word
 * read is a whole word).
 */
export function analysedPrefix(text: string, max = MAX_ANALYSED_CHARS): string {
  const cut = textPrefix(text, max);
  if (cut.length === text.length || /\s/.test(text.charAt(cut.length))) return cut;
  for (let k = cut.length - 1; k > max / 2; k--) if (/\s/.test(cut.charAt(k))) return cut.slice(0, k);
  return cut;
}

/**
 * Tokenise with the model's codec for that side and apply the per-side caps: only the first
 * `charCap` characters reach the codec (docs/RELIABILITY.md, "a very long text typed or pasted"),
 * and at most `cap` tokens are kept. Either cut is reported as the side's truncation.
 */
export function tokenizeCapped(
  text: string,
  codec: TextCodec,
  side: 'source' | 'target',
  cap = MAX_TOKENS_PER_SIDE,
  charCap = MAX_ANALYSED_CHARS,
): { tokens: string[]; truncation: Truncation | null } {
  const read = analysedPrefix(text, charCap);
  const t = truncateTokens(codec.tokenize(read), cap);
  // only spaces left over is nothing lost
  const cutByChars = read.length < text.length && /\S/.test(text.slice(read.length));
  if (!t.truncated && !cutByChars) return { tokens: t.tokens, truncation: null };
  const truncation: Truncation = { side, originalLength: t.originalLength, kept: t.tokens.length };
  if (cutByChars) truncation.chars = { total: text.length, analysed: read.length };
  return { tokens: t.tokens, truncation };
}

/** Apply only the edits that fit the trace (a stale edit for a step that no longer exists is dropped). */
function usableEdits(edits: ReadonlyMap<number, readonly number[]>, srcLen: number): Map<number, readonly number[]> {
  const out = new Map<number, readonly number[]>();
  for (const [step, row] of edits) if (row.length === srcLen && Number.isInteger(step) && step >= 0) out.set(step, row);
  return out;
}

/**
 * The decode stage: tokenise (with the caps), decode, and report bad input as `error`. Pure and
 * plain-data in, plain-data out apart from the model, so that it runs the same in a worker.
 */
export function decodeAnalysis(input: DecodeInput): Analysis {
  const t0 = performance.now();
  const { model } = input;
  const inference = model.inference;
  const src = tokenizeCapped(input.source, model.codecs.source, 'source');
  // the target cap leaves room for </s> within the decoder's limit
  const tgt = tokenizeCapped(input.target, model.codecs.target, 'target', Math.min(MAX_TOKENS_PER_SIDE, MAX_TARGET_TOKENS - 1));
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
    units: 'pieces',
    pieces: null,
  };
  let enc: EncodedInput;
  try {
    enc = inference.encodeTokens(src.tokens, { positions: input.positions !== false });
  } catch (err) {
    if (err instanceof DecodeError) return { ...base, error: { code: err.code, message: err.message }, ms: performance.now() - t0 };
    throw err;
  }
  const edits = usableEdits(input.edits, enc.length);
  const overrides = edits.size > 0 ? edits : undefined;
  // the free decoding only as far as the divergence needs (DecodeInput.free = false): none where
  // the forced words are all the model's own, else its first steps up to the word it starts there.
  // Greedy decoding is causal, so these steps are the full decoding's first ones.
  const freeUpTo = (divergence: number | null): Trace | null =>
    divergence === null ? null : inference.greedy(enc, { maxLength: Math.min(divergence + 1 + PIECES_AFTER_DIVERGENCE, defaultMaxLength(enc.length)) });
  try {
    if (mode === 'forced') {
      const trace = inference.forcedTokens(enc, tgt.tokens, overrides ? { overrides } : {});
      const baseline = overrides ? inference.forcedTokens(enc, tgt.tokens) : null;
      const reference = baseline ?? trace;
      const divergence = reference.steps.find((s) => s.token.rank !== 1)?.index ?? null;
      const free = input.free === false ? freeUpTo(divergence) : inference.greedy(enc);
      return { ...base, trace, baseline, free, divergence, ms: performance.now() - t0 };
    }
    if (input.decoding === 'beam' && input.beamWidth > 1) {
      const branch = input.beamPath && input.beamPath.length > 0 ? { branch: input.beamPath } : {};
      const r = inference.beamTree(enc, { width: input.beamWidth, ...branch });
      const beams = r.hypotheses;
      let trace = beams[0]?.trace ?? null;
      let beamPick: BeamPick | null = null;
      const picked = r.branch ? r.tree.nodes[r.branch.node] : undefined;
      if (r.branch && picked) {
        const onPath = picked.hypothesis >= 0 ? beams[picked.hypothesis] : undefined;
        trace = onPath ? onPath.trace : (r.branch.trace ?? trace);
        beamPick = { node: picked.id, hypothesis: onPath ? picked.hypothesis : null, step: picked.step };
      }
      return { ...base, trace, beams, beamTree: r.tree, beamPick, ms: performance.now() - t0 };
    }
    const sample = input.decoding === 'sample' && input.sample ? { sample: input.sample } : {};
    const trace = inference.greedy(enc, { ...sample, ...(overrides ? { overrides } : {}) });
    const baseline = overrides ? inference.greedy(enc, sample) : null;
    return { ...base, trace, baseline, ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof DecodeError) return { ...base, error: { code: err.code, message: err.message }, ms: performance.now() - t0 };
    return { ...base, error: { code: 'internal', message: `Decoding failed: ${err instanceof Error ? err.message : String(err)}` }, ms: performance.now() - t0 };
  }
}
