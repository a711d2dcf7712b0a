// The word view of a subword trace (docs/ARCHITECTURE.md, "Words and pieces"). The model
// computes over pieces; a reader thinks in words. The rule, stated on the page:
//   source side: a word's weight is the SUM of its pieces' weights (so each row still sums to 1);
//                its score is the log-sum-exp of its pieces' scores (softmax over the word scores
//                gives exactly the summed weights);
//   target side: a word's row is the MEAN of its pieces' rows (a mean of distributions is a
//                distribution), and so are its context vector and its scores;
//   the word's token log-probability is the sum over its pieces (the probability of the whole
//   word), its rank is the worst piece's rank, its predictions are those of its first piece.
// Context shares stay exact: contributions[w] = mean over the target pieces of Σ_{j∈w} α_ij h_j.

import { groupPieces, type WordGroups } from '../data/codec';
import type { Trace, TraceStep, Vec } from './trace';

/** Where each displayed word's pieces are, for a word trace. */
export type WordSpans = NonNullable<Trace['spans']>;

function meanRows(rows: readonly Vec[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (const r of rows) for (let k = 0; k < n; k++) out[k] += r[k] / rows.length;
  return out;
}

function sumBy(row: Vec, g: WordGroups): Float64Array {
  const out = new Float64Array(g.words.length);
  for (let j = 0; j < row.length; j++) out[g.wordOf[j]] += row[j];
  return out;
}

function logSumExpBy(row: Vec, g: WordGroups): Float64Array {
  const out = new Float64Array(g.words.length);
  for (let w = 0; w < g.words.length; w++) {
    let m = -Infinity;
    for (let j = g.firstPiece[w]; j <= g.lastPiece[w]; j++) m = Math.max(m, row[j]);
    let s = 0;
    for (let j = g.firstPiece[w]; j <= g.lastPiece[w]; j++) s += Math.exp(row[j] - m);
    out[w] = m === -Infinity ? -Infinity : m + Math.log(s);
  }
  return out;
}

/** Per source word: Σ_{j∈w} α_ij h_j for one step, flattened [words × 2H]. */
function shares(trace: Trace, weights: Vec, g: WordGroups): Float64Array {
  const H2 = 2 * trace.hidden;
  const out = new Float64Array(g.words.length * H2);
  for (let j = 0; j < trace.srcLen; j++) {
    const a = weights[j];
    const w = g.wordOf[j];
    for (let k = 0; k < H2; k++) out[w * H2 + k] += a * trace.annotations[j * H2 + k];
  }
  return out;
}

/** Average annotation of each word's pieces [words × dim] (for display only). */
function meanBy(flat: Vec, dim: number, g: WordGroups): Float64Array {
  const out = new Float64Array(g.words.length * dim);
  for (let w = 0; w < g.words.length; w++) {
    const first = g.firstPiece[w];
    const last = g.lastPiece[w];
    const n = last - first + 1;
    for (let j = first; j <= last; j++) for (let k = 0; k < dim; k++) out[w * dim + k] += flat[j * dim + k] / n;
  }
  return out;
}

/** The spans of a trace's tokens, source and target. */
export function wordSpans(trace: Trace): WordSpans {
  return { source: groupPieces(trace.sourceTokens), target: groupPieces(trace.targetTokens) };
}

/** The trace in words (see the rule above). Steps: one per target word. */
export function wordTrace(trace: Trace, spans: WordSpans = wordSpans(trace)): Trace {
  const { source: sg, target: tg } = spans;
  const H2 = 2 * trace.hidden;
  const nSrc = sg.words.length;
  const steps: TraceStep[] = [];
  for (let w = 0; w < tg.words.length; w++) {
    const pieces = trace.steps.slice(tg.firstPiece[w], tg.lastPiece[w] + 1);
    const first = pieces[0];
    const last = pieces[pieces.length - 1];
    if (!first || !last) continue;
    const weights = first.weights ? meanRows(pieces.map((p) => sumBy(p.weights as Vec, sg)), nSrc) : null;
    const scores = first.scores ? meanRows(pieces.map((p) => logSumExpBy(p.scores as Vec, sg)), nSrc) : null;
    const contributions = first.weights ? meanRows(pieces.map((p) => shares(trace, p.weights as Vec, sg)), nSrc * H2) : undefined;
    let logProb = 0;
    let rank = 1;
    for (const p of pieces) {
      logProb += p.token.logProb;
      rank = Math.max(rank, p.token.rank);
    }
    steps.push({
      index: steps.length,
      prevState: first.prevState,
      query: first.query,
      scores,
      weights,
      context: meanRows(pieces.map((p) => p.context), first.context.length),
      state: last.state,
      topK: first.topK,
      token: { id: first.token.id, token: tg.words[w] as string, logProb, rank },
      edited: pieces.some((p) => p.edited),
      ...(contributions ? { contributions } : {}),
    });
  }
  return {
    ...trace,
    sourceTokens: sg.words.slice(),
    sourceIds: Int32Array.from(sg.firstPiece, (j) => trace.sourceIds[j]),
    sourceUnknown: sg.firstPiece.map((first, w) => trace.sourceUnknown.slice(first, sg.lastPiece[w] + 1).some(Boolean)),
    srcLen: nSrc,
    annotations: meanBy(trace.annotations, H2, sg),
    keys: trace.keys ? meanBy(trace.keys, trace.keyDim, sg) : null,
    targetTokens: tg.words.slice(),
    targetIds: Int32Array.from(tg.firstPiece, (i) => trace.targetIds[i]),
    steps,
    units: 'words',
    spans,
  };
}
