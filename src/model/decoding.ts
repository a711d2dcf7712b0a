// Decoding strategies shared by every model family (docs/ARCHITECTURE.md, "Model families"):
// a family supplies one step (state, previous token → log-probabilities, a record of what the step
// computed, the next state) and these functions run greedy, forced and beam search over it. The
// family then turns the chosen steps into a Trace with its own writer.

import { EOS_ID, BOS_ID } from '../data/vocab';
import { allocArray, Rng, type DType, type FloatArray } from '../tensor';
import { MAX_TARGET_TOKENS } from './config';
import type { DecodeMode, Trace } from './trace';
import { MAX_BEAM_WIDTH, sampleProblem, type SampleOptions } from './domain';

export type DecodeErrorCode = 'empty-source' | 'source-too-long' | 'target-too-long' | 'bad-override' | 'bad-option';

/** A decoding request the model cannot serve; `code` says why. */
export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export interface DecodeOptions {
  /** Most target tokens to produce, </s> included (default: `defaultMaxLength(Tx)`). */
  maxLength?: number;
  /** How many top next tokens each step records (default 5). */
  topK?: number;
  /**
   * Attention edits: step index → weights over the source (Tx values, </s> included). Each row is
   * clipped at 0 and renormalised; that step's context and everything after it are recomputed.
   */
  overrides?: ReadonlyMap<number, ArrayLike<number>>;
  /** Stop at </s> (default). False decodes exactly maxLength steps (benchmarks). */
  stopAtEos?: boolean;
  /** Sample each word instead of taking the most probable (free decoding only). */
  sample?: SampleOptions;
}

// Sampling's settings and limits are the page's domain (src/model/domain.ts): defined there once.
export { MAX_SAMPLE_SEED, MAX_SAMPLE_TOP_K, MAX_TEMPERATURE, MIN_TEMPERATURE, sampleProblem, type SampleOptions } from './domain';

/** log of softmax(logProbs / temperature) over the topK most probable entries (−∞ elsewhere), into `out`. */
export function temperedLogProbs(logProbs: ArrayLike<number>, temperature: number, topK: number, out: Float64Array): void {
  const n = logProbs.length;
  let cutoff = -Infinity;
  if (topK > 0 && topK < n) {
    const ids = new Int32Array(topK);
    const vals = new Float64Array(topK);
    selectTopK(logProbs, topK, ids, vals, 0);
    cutoff = vals[topK - 1];
  }
  let kept = 0;
  for (let v = 0; v < n; v++) {
    const x = logProbs[v];
    // ties at the cut-off are kept only up to topK entries
    if (x > cutoff || (x === cutoff && kept < topK)) {
      out[v] = x / temperature;
      kept++;
    } else out[v] = -Infinity;
  }
  let max = -Infinity;
  for (let v = 0; v < n; v++) if (out[v] > max) max = out[v];
  let total = 0;
  for (let v = 0; v < n; v++) total += Math.exp(out[v] - max);
  const lse = max + Math.log(total);
  for (let v = 0; v < n; v++) out[v] = out[v] - lse;
}

/** The trace with its sampling settings recorded (when it was sampled). */
export function withSampling(trace: Trace, opts: DecodeOptions): Trace {
  if (opts.sample) trace.sampling = { temperature: opts.sample.temperature, topK: opts.sample.topK, seed: opts.sample.seed };
  return trace;
}

/** One draw from a distribution given as log-probabilities. */
export function drawFrom(logProbs: Float64Array, rng: Rng): number {
  let r = rng.float();
  let last = 0;
  for (let v = 0; v < logProbs.length; v++) {
    const p = Math.exp(logProbs[v]);
    if (p > 0) last = v;
    r -= p;
    if (r < 0) return v;
  }
  return last; // rounding: the last word with any probability
}

/** Beam widths the models accept (the page offers a narrower range; both in src/model/domain.ts). */
export { MAX_BEAM_WIDTH } from './domain';

export interface BeamOptions {
  width: number;
  maxLength?: number;
  topK?: number;
  /** Length normalisation exponent: hypotheses are ranked by logP / len^alpha (default 1). */
  alpha?: number;
}

export interface BeamHypothesis {
  trace: Trace;
  /** logP / len^alpha, the ranking score. */
  score: number;
}

export interface BeamTreeOptions extends BeamOptions {
  /**
   * A node of the tree to write the trace of ("what if it had chosen this word?"), named by its
   * token ids from the first step: a name that means the same node in the same search, and
   * nothing (rather than another node) in a different one.
   */
  branch?: readonly number[];
}

/** Beam search as the page shows it: the hypotheses, the search tree, and a branch's trace. */
export interface BeamTreeResult {
  hypotheses: BeamHypothesis[];
  tree: BeamTree;
  /**
   * The node `branch` names (null when it names none), with its trace when the node is on no
   * returned hypothesis' path (on one, that hypothesis' trace shows it at its step).
   */
  branch: { node: number; trace: Trace | null } | null;
}

/**
 * Finish a family's beam search with its search tree: label the nodes with the target
 * vocabulary's tokens and write the requested branch's trace with the family's own trace writer.
 */
export function beamTreeResult<R>(
  result: BeamSearchResult<R>,
  hypotheses: BeamHypothesis[],
  opts: BeamTreeOptions,
  token: (id: number) => string,
  write: (decoded: Decoded<R>) => Trace,
): BeamTreeResult {
  for (const node of result.tree.nodes) node.piece = node.parent < 0 ? '<s>' : token(node.token);
  let branch: BeamTreeResult['branch'] = null;
  if (opts.branch && opts.branch.length > 0) {
    const id = findBeamNode(result.tree, opts.branch);
    if (id > 0) branch = { node: id, trace: (result.tree.nodes[id] as BeamTreeNode).hypothesis < 0 ? write(result.pathOf(id)) : null };
  }
  return { hypotheses, tree: result.tree, branch };
}

/** The default output budget for a source of Tx tokens (</s> included): 2·Tx + 10, capped. */
export function defaultMaxLength(Tx: number): number {
  return Math.min(MAX_TARGET_TOKENS, 2 * Tx + 10);
}

export function resolveMaxLength(Tx: number, requested: number | undefined): number {
  const m = requested ?? defaultMaxLength(Tx);
  if (!Number.isInteger(m) || m < 1) throw new DecodeError('bad-option', `maxLength must be a positive integer, got ${m}`);
  return Math.min(m, MAX_TARGET_TOKENS);
}

/** Forced target ids with </s> appended, checked against the vocabulary and the length cap. */
export function forcedWithEos(targetIds: Int32Array, vocabSize: number): Int32Array {
  if (targetIds.length + 1 > MAX_TARGET_TOKENS) {
    throw new DecodeError('target-too-long', `The target has ${targetIds.length} tokens; at most ${MAX_TARGET_TOKENS - 1} can be forced.`);
  }
  const ids = new Int32Array(targetIds.length + 1);
  ids.set(targetIds);
  ids[targetIds.length] = EOS_ID;
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new DecodeError('bad-option', `target id ${id} is out of range`);
  }
  return ids;
}

/** Normalise an edited weight row: clip at 0, renormalise (uniform if it sums to 0). */
export function normaliseOverride(row: ArrayLike<number>, Tx: number, step: number, dtype: DType): FloatArray {
  if (row.length !== Tx) throw new DecodeError('bad-override', `edited weights for step ${step} have ${row.length} values; the source has ${Tx} positions`);
  const out = allocArray(dtype, Tx);
  let total = 0;
  for (let j = 0; j < Tx; j++) {
    const v = Number(row[j]);
    const c = Number.isFinite(v) && v > 0 ? v : 0;
    out[j] = c;
    total += c;
  }
  if (total <= 0) out.fill(1 / Tx);
  else for (let j = 0; j < Tx; j++) out[j] = out[j] / total;
  return out;
}

/** Every override row normalised, keyed by step. */
export function normaliseOverrides(overrides: DecodeOptions['overrides'], Tx: number, dtype: DType): Map<number, FloatArray> {
  const out = new Map<number, FloatArray>();
  if (!overrides) return out;
  for (const [step, row] of overrides) {
    if (!Number.isInteger(step) || step < 0) throw new DecodeError('bad-override', `edited step ${step} is not a step index`);
    out.set(step, normaliseOverride(row, Tx, step, dtype));
  }
  return out;
}

/** What one step of a family computes. `logProbs` may be scratch, read before the next step. */
export interface StepOutput<S, R> {
  logProbs: ArrayLike<number>;
  /** What the trace keeps of this step (owned by the caller from now on). */
  record: R;
  /** The state after this step. */
  next: S;
}

/** One family's decoder as the strategies see it. */
export interface Stepper<S, R> {
  readonly initial: S;
  /** Step i from state `state` after emitting `prev` (<s> at i = 0). */
  step(state: S, prev: number, i: number): StepOutput<S, R>;
}

/** A step with the token taken there, ready for a trace writer. */
export interface ChosenStep<R> {
  record: R;
  /** The k most probable next tokens and their log-probabilities, best first. */
  topIds: Int32Array;
  topLogP: Float64Array;
  token: number;
  logP: number;
  rank: number;
}

export interface Decoded<R> {
  steps: ChosenStep<R>[];
  /** False when decoding stopped at maxLength before </s>. */
  finished: boolean;
}

/** Greedy decoding, or forced decoding when `forced` is given (ids ending in </s>). */
export function decodeSequence<S, R>(
  stepper: Stepper<S, R>,
  opts: { maxLength: number; topK: number; forced: Int32Array | null; stopAtEos: boolean; sample?: SampleOptions | null },
): Decoded<R> {
  const { topK, forced } = opts;
  const sample = forced ? null : (opts.sample ?? null);
  if (sample) {
    const problem = sampleProblem(sample);
    if (problem) throw new DecodeError('bad-option', `sampling: ${problem}`);
  }
  const rng = sample ? new Rng(sample.seed) : null;
  const maxLength = forced ? forced.length : opts.maxLength;
  const steps: ChosenStep<R>[] = [];
  let state = stepper.initial;
  let prev = BOS_ID;
  let finished = false;
  let tempered: Float64Array | null = null;
  for (let i = 0; i < maxLength; i++) {
    const out = stepper.step(state, prev, i);
    const topIds = new Int32Array(topK);
    const topLogP = new Float64Array(topK);
    let token: number;
    if (sample && rng) {
      tempered ??= new Float64Array(out.logProbs.length);
      temperedLogProbs(out.logProbs, sample.temperature, sample.topK, tempered);
      selectTopK(tempered, topK, topIds, topLogP, 0);
      token = drawFrom(tempered, rng);
    } else {
      selectTopK(out.logProbs, topK, topIds, topLogP, 0);
      token = forced ? forced[i] : topIds[0];
    }
    steps.push({ record: out.record, topIds, topLogP, token, logP: out.logProbs[token], rank: rankOf(out.logProbs, token) });
    state = out.next;
    prev = token;
    if (token === EOS_ID) {
      finished = true;
      if (opts.stopAtEos) break;
    }
  }
  return { steps, finished };
}

/** A step record shared by every child of the hypothesis that computed it. */
interface BeamNode<S, R> {
  parent: BeamNode<S, R> | null;
  step: ChosenStep<R>;
  total: number;
  state: S;
  /** Its index in the search tree's `nodes` (assigned when the step's cut is made). */
  id: number;
}

/**
 * What became of a node of the beam's search tree: `root` is <s>; `kept` made the step's cut and
 * was expanded at the next step (or ran into the length limit); `finished` made the cut with </s>
 * and left the beam as a complete hypothesis; `pruned` was one of the `width` best expansions of
 * a live hypothesis but fell below the cut.
 */
export type BeamNodeStatus = 'root' | 'kept' | 'pruned' | 'finished';

/**
 * One node of the search tree. Plain data (numbers and strings only), so that a tree crosses a
 * `postMessage` from an analysis worker unchanged (docs/ARCHITECTURE.md, "Model families").
 */
export interface BeamTreeNode {
  /** Index in `BeamTree.nodes`. Nodes are stored step by step, each step's best total first. */
  id: number;
  /** The node it extends (−1 for the root). */
  parent: number;
  /** The decoding step that chose its token (−1 for the root). */
  step: number;
  /** Target token id (<s> for the root). */
  token: number;
  /** The token as the model writes it (a subword piece for a subword model); filled by the family. */
  piece: string;
  /** log p(token | its prefix, x): the edge's score. 0 for the root. */
  logP: number;
  /** Cumulative log-probability of the prefix ending here (what the cut ranks by). */
  total: number;
  /** Rank of the token in its parent's next-word distribution (1: most probable). */
  rank: number;
  status: BeamNodeStatus;
  /**
   * The best returned hypothesis whose path goes through this node (its index in the hypotheses,
   * best first), or −1: a pruned node, or a kept one whose every descendant was pruned.
   */
  hypothesis: number;
}

/** The search tree of one beam search: every candidate considered, kept or pruned. */
export interface BeamTree {
  width: number;
  /** How many decoding steps ran (the tree's depth below the root). */
  steps: number;
  /** nodes[0] is the root. */
  nodes: BeamTreeNode[];
  /** The node each returned hypothesis ends at, in the hypotheses' order (best first). */
  ends: number[];
}

/** Beam search with its search tree, and a way back from any node to the steps that led there. */
export interface BeamSearchResult<R> {
  hypotheses: Array<Decoded<R> & { score: number }>;
  tree: BeamTree;
  /** The steps from the first to node `id` (a prefix, finished when it ends at </s>). */
  pathOf(id: number): Decoded<R>;
}

/**
 * Beam search: keeps the `width` best partial translations; a hypothesis ends at </s> and leaves
 * the beam (which shrinks as hypotheses finish, as in the paper's implementation). Ranked by
 * logP / len^alpha; unfinished survivors compete too, marked unfinished.
 */
export function beamSearch<S, R>(stepper: Stepper<S, R>, opts: { width: number; maxLength: number; topK: number; alpha: number }): Array<Decoded<R> & { score: number }> {
  return beamSearchTree(stepper, opts).hypotheses;
}

/** A hypothesis still being extended: its last node (null before the first step), state and score. */
type LiveBeam<S, R> = { node: BeamNode<S, R> | null; state: S; prev: number; total: number };

/** One step of the beam: the `width` best expansions of every live hypothesis, best total first. */
function expandBeam<S, R>(stepper: Stepper<S, R>, live: readonly LiveBeam<S, R>[], i: number, width: number, topK: number): BeamNode<S, R>[] {
  const candidates: BeamNode<S, R>[] = [];
  for (const hyp of live) {
    const out = stepper.step(hyp.state, hyp.prev, i);
    const n = Math.max(topK, width);
    const ids = new Int32Array(n);
    const lps = new Float64Array(n);
    selectTopK(out.logProbs, n, ids, lps, 0);
    const topIds = ids.slice(0, topK);
    const topLogP = lps.slice(0, topK);
    for (let k = 0; k < width; k++) {
      const token = ids[k];
      const logP = lps[k];
      candidates.push({ parent: hyp.node, step: { record: out.record, topIds, topLogP, token, logP, rank: k + 1 }, total: hyp.total + logP, state: out.next, id: -1 });
    }
  }
  return candidates.sort((a, b) => b.total - a.total);
}

/**
 * Beam search recording its search tree (docs/ARCHITECTURE.md, "Model families"): the candidates
 * each step already builds (the `width` best expansions of every live hypothesis) get an id and a
 * status when the cut is made, and the tree keeps them as plain nodes with parent pointers. The
 * step records are shared with the nodes the search keeps anyway, so recording costs one small
 * object per candidate (width² a step) beside width stepper calls that each run the decoder and
 * a vocabulary-wide softmax.
 */
export function beamSearchTree<S, R>(stepper: Stepper<S, R>, opts: { width: number; maxLength: number; topK: number; alpha: number }): BeamSearchResult<R> {
  const { width, topK, alpha } = opts;
  if (!Number.isInteger(width) || width < 1 || width > MAX_BEAM_WIDTH) throw new DecodeError('bad-option', `beam width must be an integer in 1..${MAX_BEAM_WIDTH}, got ${width}`);
  let live: LiveBeam<S, R>[] = [{ node: null, state: stepper.initial, prev: BOS_ID, total: 0 }];
  const finished: BeamNode<S, R>[] = [];
  const nodes: BeamTreeNode[] = [{ id: 0, parent: -1, step: -1, token: BOS_ID, piece: '', logP: 0, total: 0, rank: 1, status: 'root', hypothesis: -1 }];
  const byId: Array<BeamNode<S, R> | null> = [null];
  let steps = 0;
  for (let i = 0; i < opts.maxLength && live.length > 0; i++) {
    const candidates = expandBeam(stepper, live, i, width, topK);
    const room = width - finished.length;
    const next: LiveBeam<S, R>[] = [];
    for (let c = 0; c < candidates.length; c++) {
      const cand = candidates[c] as BeamNode<S, R>;
      const kept = c < room;
      const eos = cand.step.token === EOS_ID;
      cand.id = nodes.length;
      nodes.push({
        id: cand.id,
        parent: cand.parent ? cand.parent.id : 0,
        step: i,
        token: cand.step.token,
        piece: '',
        logP: cand.step.logP,
        total: cand.total,
        rank: cand.step.rank,
        status: !kept ? 'pruned' : eos ? 'finished' : 'kept',
        hypothesis: -1,
      });
      // a pruned candidate keeps its record only through its parent's shared step: cheap to keep
      byId.push(cand);
      if (!kept) continue;
      if (eos) finished.push(cand);
      else next.push({ node: cand, state: cand.state, prev: cand.step.token, total: cand.total });
    }
    live = next;
    steps = i + 1;
  }
  const ends = finished.map((node) => ({ node, done: true }));
  for (const l of live) if (l.node) ends.push({ node: l.node, done: false });
  const pathOf = (node: BeamNode<S, R>): ChosenStep<R>[] => {
    const path: ChosenStep<R>[] = [];
    for (let n: BeamNode<S, R> | null = node; n; n = n.parent) path.push(n.step);
    return path.reverse();
  };
  const hyps = ends.map(({ node, done }) => {
    const path = pathOf(node);
    return { steps: path, finished: done, score: node.total / Math.pow(path.length, alpha), end: node.id };
  });
  hyps.sort((a, b) => b.score - a.score);
  const kept = hyps.slice(0, width);
  // every node on a returned hypothesis' path names the best such hypothesis (the first to mark it)
  kept.forEach((h, k) => {
    for (let id = h.end; id > 0 && (nodes[id] as BeamTreeNode).hypothesis < 0; id = (nodes[id] as BeamTreeNode).parent) (nodes[id] as BeamTreeNode).hypothesis = k;
  });
  if (kept.length > 0) (nodes[0] as BeamTreeNode).hypothesis = 0;
  return {
    hypotheses: kept.map(({ steps: s, finished: f, score }) => ({ steps: s, finished: f, score })),
    tree: { width, steps, nodes, ends: kept.map((h) => h.end) },
    pathOf(id) {
      const node = byId[id];
      if (!node) return { steps: [], finished: false };
      return { steps: pathOf(node), finished: node.step.token === EOS_ID };
    },
  };
}

/** The node reached from the root by following `tokens` (one token id per step), or −1. */
export function findBeamNode(tree: BeamTree, tokens: readonly number[]): number {
  let at = 0;
  for (let k = 0; k < tokens.length; k++) {
    let found = -1;
    // children of `at` are stored among the nodes of step k, after the root and earlier steps
    for (const n of tree.nodes) {
      if (n.step === k && n.parent === at && n.token === tokens[k]) {
        found = n.id;
        break;
      }
    }
    if (found < 0) return -1;
    at = found;
  }
  return at;
}

/** The token ids from the first step to node `id` (empty for the root). */
export function beamNodeTokens(tree: BeamTree, id: number): number[] {
  const out: number[] = [];
  for (let n = tree.nodes[id]; n && n.parent >= 0; n = tree.nodes[n.parent]) out.push(n.token);
  return out.reverse();
}

/** The k largest entries of `values` (ids and values), largest first, written at `offset`. */
export function selectTopK(values: ArrayLike<number>, k: number, ids: Int32Array, out: Float64Array, offset: number): void {
  let filled = 0;
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    if (filled === k && x <= out[offset + k - 1]) continue;
    // insertion into the sorted prefix
    let pos = filled < k ? filled : k - 1;
    while (pos > 0 && out[offset + pos - 1] < x) {
      out[offset + pos] = out[offset + pos - 1];
      ids[offset + pos] = ids[offset + pos - 1];
      pos--;
    }
    out[offset + pos] = x;
    ids[offset + pos] = v;
    if (filled < k) filled++;
  }
}

/** 1 + the number of entries strictly larger than values[index] (ties share the better rank). */
export function rankOf(values: ArrayLike<number>, index: number): number {
  const x = values[index];
  let rank = 1;
  for (let v = 0; v < values.length; v++) if (values[v] > x) rank++;
  return rank;
}

/** log-softmax of `x` in place (max-subtracted); the one copy used by every family's output layer. */
export function logSoftmaxInPlace(x: FloatArray): void {
  const lse = logSumExp(x, 0, x.length);
  for (let v = 0; v < x.length; v++) x[v] = x[v] - lse;
}

/** log Σ exp x[off … off + n) (max-subtracted): the log-softmax's normaliser of one row. */
export function logSumExp(x: ArrayLike<number>, off: number, n: number): number {
  let max = -Infinity;
  for (let v = off; v < off + n; v++) if (x[v] > max) max = x[v];
  let total = 0;
  for (let v = off; v < off + n; v++) total += Math.exp(x[v] - max);
  return max + Math.log(total);
}

/** softmax of `x[0..n)` into `out` (max-subtracted). */
export function softmaxInto(x: ArrayLike<number>, n: number, out: FloatArray): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (x[j] > max) max = x[j];
  let total = 0;
  for (let j = 0; j < n; j++) {
    const v = Math.exp(x[j] - max);
    out[j] = v;
    total += v;
  }
  for (let j = 0; j < n; j++) out[j] = out[j] / total;
}

/** The top-k entries of a chosen step as the trace shows them. */
export function topEntries(step: ChosenStep<unknown>, token: (id: number) => string): Array<{ id: number; token: string; prob: number }> {
  return Array.from(step.topIds, (id, k) => ({ id, token: token(id), prob: Math.exp(step.topLogP[k]) }));
}

/** What every family's trace shares, from the decoded steps. */
export function traceTokens(decoded: Decoded<unknown>, token: (id: number) => string): { targetIds: Int32Array; targetTokens: string[]; logProb: number } {
  const targetIds = Int32Array.from(decoded.steps, (s) => s.token);
  let logProb = 0;
  for (const s of decoded.steps) logProb += s.logP;
  return { targetIds, targetTokens: Array.from(targetIds, token), logProb };
}

export type { DecodeMode };
