// Gradient saliency and leave-one-out (src/model/saliency.ts), checked against independent
// computations: the gradient × input of every step against central finite differences of the
// inference engine's log-probabilities (float64; a different implementation from the autodiff
// training forward the gradients come from), leave-one-out against forced decodings of the
// source with the word deleted by hand, and a hand-made model whose output cannot depend on the
// source. Spearman's ρ with ties against values worked by hand.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { EOS_ID } from '../../src/data/vocab';
import { VARIANTS, type ModelConfig, type TransformerConfig, type TransformerVariant } from '../../src/model/config';
import { createModel, type TranslationModel } from '../../src/model/family';
import type { InferenceModel } from '../../src/model/inference';
import { initParams, type Params } from '../../src/model/params';
import type { SaliencyModel, SourceUnits } from '../../src/model/saliency';
import { UNITS_PER_TANGENT, averageRanks, computeSaliency, groupTargetSteps, positionUnits, saliencyJob, sentenceAgreement, spearman, stepAgreement, type SaliencyRequest } from '../../src/model/saliency';
import { TransformerModel } from '../../src/model/transformer/model';
import { makeConfig, srcVocab, tgtVocab } from './fixtures';

/** A source of distinct words (so that a table row is one position) and </s>. */
const SRC = Int32Array.from([...['the', 'cat', 'sat', 'on', 'mat'].map((w) => srcVocab.id(w)), EOS_ID]);
/** A forced target, </s> last as a finished trace has it. */
const TGT = Int32Array.from([...['le', 'chat', 'assis'].map((w) => tgtVocab.id(w)), EOS_ID]);

function transformerConfig(variant: TransformerVariant): TransformerConfig {
  return { family: 'transformer', variant, sizes: { model: 8, heads: 2, layers: 2, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
}

/** Per-step log p of the forced target, from the inference engine (a fresh model: it caches per-word rows). */
function inferenceLogProbs(config: ModelConfig, params: Params, src: Int32Array, tgt: Int32Array, positions = true): number[] {
  const m: TranslationModel = createModel(config, params, srcVocab, tgtVocab);
  const forced = tgt[tgt.length - 1] === EOS_ID ? tgt.subarray(0, tgt.length - 1) : tgt;
  const enc = m instanceof TransformerModel ? m.encodeIds(src, { positions }) : m.encodeIds(src);
  return m.forced(enc, forced).steps.map((s) => s.token.logProb);
}

/**
 * g_ij by central differences: g_ij = Σ_e ∂f/∂x_je · x_je is the derivative of f(x_j·(1 + ε)) at
 * ε = 0, so scale source word j's embedding row by 1 ± ε and difference the log-probabilities.
 */
function finiteDifferences(config: ModelConfig, params: Params, src: Int32Array, tgt: Int32Array, positions = true, eps = 1e-6): number[][] {
  const table = params.get('encoder.embedding');
  const E = table.shape[1] as number;
  const out: number[][] = tgt.length ? Array.from({ length: tgt.length }, () => new Array<number>(src.length).fill(0)) : [];
  for (let j = 0; j < src.length; j++) {
    const row = table.data.subarray((src[j] as number) * E, ((src[j] as number) + 1) * E);
    const saved = Float64Array.from(row);
    row.set(saved.map((v) => v * (1 + eps)));
    const plus = inferenceLogProbs(config, params, src, tgt, positions);
    row.set(saved.map((v) => v * (1 - eps)));
    const minus = inferenceLogProbs(config, params, src, tgt, positions);
    row.set(saved);
    for (let i = 0; i < tgt.length; i++) (out[i] as number[])[j] = ((plus[i] as number) - (minus[i] as number)) / (2 * eps);
  }
  return out;
}

/** The three things the computation reads of a loaded model. */
function loaded(config: ModelConfig, params: Params): SaliencyModel {
  return { config, params, inference: createModel(config, params, srcVocab, tgtVocab) };
}

function expectGradientsMatch(config: ModelConfig, params: Params, req: SaliencyRequest, positions = true): void {
  const s = computeSaliency(loaded(config, params), req);
  const fd = finiteDifferences(config, params, req.sourceIds, req.targetIds, positions);
  let largest = 0;
  for (let i = 0; i < s.steps; i++) {
    for (let j = 0; j < s.units; j++) {
      const numeric = (fd[i] as number[])[j] as number;
      const analytic = s.gradInput[i * s.units + j] as number;
      largest = Math.max(largest, Math.abs(numeric));
      // PyTorch gradcheck's float64 tolerances (src/tensor/gradcheck.ts)
      expect(Math.abs(analytic - numeric), `step ${i} word ${j}`).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(numeric));
    }
  }
  // an all-zero gradient would pass trivially: the check must have had something to check
  expect(largest).toBeGreaterThan(1e-4);
}

describe('gradient × input against finite differences (float64)', () => {
  for (const variant of VARIANTS) {
    it(`RNNsearch ${variant}`, () => {
      const config = makeConfig(variant);
      const params = initParams(config, 11, 'float64');
      expectGradientsMatch(config, params, { sourceIds: SRC, targetIds: TGT, chunk: 2 });
    });
  }
  for (const variant of ['scaled-dot', 'linear'] as const) {
    it(`Transformer ${variant}, with and without positions`, () => {
      const config = transformerConfig(variant);
      const params = initParams(config, 5, 'float64');
      expectGradientsMatch(config, params, { sourceIds: SRC, targetIds: TGT });
      expectGradientsMatch(config, params, { sourceIds: SRC, targetIds: TGT, positions: false }, false);
    });
  }

  it('an unfinished target (no </s>) and any chunk size give the same numbers', () => {
    const config = makeConfig('additive');
    const params = initParams(config, 3, 'float64');
    const tgt = TGT.subarray(0, 3);
    expectGradientsMatch(config, params, { sourceIds: SRC, targetIds: tgt });
    const a = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT, chunk: 1 });
    const b = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT, chunk: 100 });
    for (let k = 0; k < a.gradInput.length; k++) expect(a.gradInput[k]).toBeCloseTo(b.gradInput[k] as number, 10);
    for (let k = 0; k < a.leaveOneOut.length; k++) {
      const x = a.leaveOneOut[k] as number;
      const y = b.leaveOneOut[k] as number;
      if (Number.isNaN(x) || Number.isNaN(y)) expect([Number.isNaN(x), Number.isNaN(y)]).toEqual([true, true]);
      else expect(x).toBeCloseTo(y, 10);
    }
  });

  it('the log-probabilities are the inference engine’s', () => {
    for (const config of [makeConfig('scaled-dot'), transformerConfig('scaled-dot')]) {
      const params = initParams(config, 9, 'float64');
      const s = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT });
      const ref = inferenceLogProbs(config, params, SRC, TGT);
      ref.forEach((v, i) => expect(Math.abs((s.logProb[i] as number) - v)).toBeLessThan(1e-9));
    }
  });
});

describe('leave-one-out', () => {
  it('is the change of log p when the word is deleted by hand, for single tokens and whole words', () => {
    const config = makeConfig('additive');
    const params = initParams(config, 21, 'float64');
    // units: "the" | "cat sat" (one word of two pieces) | "on" | "mat" | </s>
    const units = { firstPiece: [0, 1, 3, 4, 5], lastPiece: [0, 2, 3, 4, 5] };
    const s = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT, units });
    expect(s.units).toBe(5);
    const full = inferenceLogProbs(config, params, SRC, TGT);
    units.firstPiece.slice(0, -1).forEach((first, u) => {
      const last = units.lastPiece[u] as number;
      const without = Int32Array.from([...SRC].filter((_, j) => j < first || j > last));
      const lp = inferenceLogProbs(config, params, without, TGT);
      for (let i = 0; i < s.steps; i++) expect(s.leaveOneOut[i * s.units + u]).toBeCloseTo((full[i] as number) - (lp[i] as number), 9);
    });
    // </s> cannot be deleted
    for (let i = 0; i < s.steps; i++) expect(s.leaveOneOut[i * s.units + 4]).toBeNaN();
    // a unit's gradient × input is the sum over its pieces
    const pieces = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT });
    for (let i = 0; i < s.steps; i++) {
      expect(s.gradInput[i * 5 + 1]).toBeCloseTo((pieces.gradInput[i * 6 + 1] as number) + (pieces.gradInput[i * 6 + 2] as number), 12);
      expect(s.gradInput[i * 5 + 3]).toBeCloseTo(pieces.gradInput[i * 6 + 4] as number, 12);
    }
  });

  it('a hand-made model whose output ignores the source: every Δ and every g is exactly 0', () => {
    const config = makeConfig('additive');
    const params = initParams(config, 2, 'float64');
    // the deep output reads the source only through C_o c_i and U_o s_{i−1} (s depends on the
    // source): with both zero, p(y_i) depends on y_{i−1} alone
    params.get('output.Co').data.fill(0);
    params.get('output.Uo').data.fill(0);
    const s = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT });
    for (let i = 0; i < s.steps; i++) {
      for (let u = 0; u < s.units - 1; u++) {
        expect(s.leaveOneOut[i * s.units + u]).toBe(0);
        expect(s.gradInput[i * s.units + u]).toBe(0);
      }
    }
    // and the same model with the output reading the context again: deleting words matters
    params.get('output.Co').data.fill(0.5);
    const t = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT });
    expect(Array.from(t.leaveOneOut.filter((v) => Number.isFinite(v))).some((v) => Math.abs(v) > 1e-6)).toBe(true);
  });

  it('a one-word sentence has nothing left without its word: NaN, not a crash', () => {
    const config = makeConfig('dot');
    const params = initParams(config, 4, 'float64');
    const s = computeSaliency(loaded(config, params), { sourceIds: Int32Array.from([srcVocab.id('cat'), EOS_ID]), targetIds: TGT });
    expect(s.units).toBe(2);
    expect(Array.from(s.leaveOneOut).every(Number.isNaN)).toBe(true);
    expect(Array.from(s.gradInput).every(Number.isFinite)).toBe(true);
  });

  it('refuses requests it cannot answer with a clear error', () => {
    const config = makeConfig('additive');
    const model = loaded(config, initParams(config, 1, 'float64'));
    expect(() => computeSaliency(model, { sourceIds: Int32Array.from([EOS_ID]), targetIds: TGT })).toThrow(/must hold a token/);
    expect(() => computeSaliency(model, { sourceIds: SRC, targetIds: new Int32Array(0) })).toThrow(/target is empty/);
    expect(() => computeSaliency(model, { sourceIds: Int32Array.from([999, EOS_ID]), targetIds: TGT })).toThrow(/out of range/);
    expect(() => computeSaliency(model, { sourceIds: SRC, targetIds: TGT, units: { firstPiece: [0, 2], lastPiece: [1, 5] } })).toThrow(/<\/s> must be the last unit/);
    expect(() => computeSaliency(model, { sourceIds: SRC, targetIds: TGT, units: { firstPiece: [0, 3], lastPiece: [1, 5] } })).toThrow(/does not continue/);
  });

  it('runs as units of work with progress to the total', () => {
    const config = makeConfig('general');
    const model = loaded(config, initParams(config, 1, 'float64'));
    const progress = (req: SaliencyRequest): Array<[number, number]> => {
      const job = saliencyJob(model, req);
      const seen: Array<[number, number]> = [];
      for (;;) {
        const r = job.next();
        if (r.done) break;
        seen.push([r.value.done, r.value.total]);
      }
      return seen;
    };
    // reverse mode: 4 steps in chunks of 2, then the whole source and its 5 deletions decoded side by side in one unit
    expect(progress({ sourceIds: SRC, targetIds: TGT, chunk: 2, gradient: 'reverse' })).toEqual([1, 2, 3].map((d) => [d, 3]));
    // forward mode: the 6 units' tangents in one unit of work, then the deletions
    expect(progress({ sourceIds: SRC, targetIds: TGT })).toEqual([1, 2].map((d) => [d, 2]));
    expect(UNITS_PER_TANGENT).toBeGreaterThanOrEqual(SRC.length);
  });
});

describe('forward mode (tangents) against reverse mode (autodiff)', () => {
  // two different computations of the same numbers: every RNNsearch variant, words of several
  // pieces, a source longer than one unit of work's tangents (several units, each its own slice)
  const long = Int32Array.from([...['the', 'cat', 'sat', 'on', 'the', 'mat', 'the', 'cat', 'sat', 'on', 'the', 'mat', 'the', 'cat'].map((w) => srcVocab.id(w)), EOS_ID]);
  for (const variant of VARIANTS) {
    it(`RNNsearch ${variant}`, () => {
      const config = makeConfig(variant);
      const model = loaded(config, initParams(config, 29, 'float64'));
      const cases: SaliencyRequest[] = [
        { sourceIds: SRC, targetIds: TGT },
        { sourceIds: SRC, targetIds: TGT, units: { firstPiece: [0, 1, 4, 5], lastPiece: [0, 3, 4, 5] } },
        { sourceIds: long, targetIds: TGT.subarray(0, 3) },
      ];
      for (const req of cases) {
        const fwd = computeSaliency(model, req);
        const rev = computeSaliency(model, { ...req, gradient: 'reverse' });
        let largest = 0;
        for (let k = 0; k < fwd.gradInput.length; k++) {
          const r = rev.gradInput[k] as number;
          largest = Math.max(largest, Math.abs(r));
          expect(Math.abs((fwd.gradInput[k] as number) - r), `entry ${k}`).toBeLessThan(1e-9 + 1e-7 * Math.abs(r));
        }
        expect(largest).toBeGreaterThan(1e-4);
      }
      expect(long.length).toBeGreaterThan(UNITS_PER_TANGENT);
    });
  }
});

describe('leave-one-out decoded side by side', () => {
  /** Every deletion's Δ by hand: one forced decoding of the trace per shortened source. */
  function expectPerWordDecodings(config: ModelConfig, params: Params, units: SourceUnits, dtype: 'float32' | 'float64'): void {
    const s = computeSaliency(loaded(config, params), { sourceIds: SRC, targetIds: TGT, units });
    const full = inferenceLogProbs(config, params, SRC, TGT);
    full.forEach((v, i) => expect(Math.abs((s.logProb[i] as number) - v)).toBeLessThan(1e-4));
    let checked = 0;
    units.firstPiece.slice(0, -1).forEach((first, u) => {
      const last = units.lastPiece[u] as number;
      const lp = inferenceLogProbs(config, params, Int32Array.from([...SRC].filter((_, j) => j < first || j > last)), TGT);
      for (let i = 0; i < s.steps; i++) {
        const want = (full[i] as number) - (lp[i] as number);
        expect(Math.abs((s.leaveOneOut[i * s.units + u] as number) - want), `${dtype} step ${i} unit ${u}`).toBeLessThan(1e-4);
        checked++;
      }
    });
    expect(checked).toBe(s.steps * (s.units - 1));
  }

  // single tokens, and words of several pieces (a subword model's word view)
  const UNITS = [positionUnits(SRC.length), { firstPiece: [0, 1, 4, 5], lastPiece: [0, 3, 4, 5] }];
  for (const dtype of ['float64', 'float32'] as const) {
    for (const variant of VARIANTS) {
      it(`equals the per-word forced decodings: RNNsearch ${variant}, ${dtype}`, () => {
        const config = makeConfig(variant);
        const params = initParams(config, 17, dtype);
        for (const units of UNITS) expectPerWordDecodings(config, params, units, dtype);
      });
    }
    it(`equals the per-word forced decodings: Transformer, ${dtype}`, () => {
      const config = transformerConfig('scaled-dot');
      const params = initParams(config, 17, dtype);
      for (const units of UNITS) expectPerWordDecodings(config, params, units, dtype);
    });
  }

  it('the engine’s side-by-side forced decoding is each source’s forced trace, sources of different lengths', () => {
    for (const variant of VARIANTS) {
      const config = makeConfig(variant);
      const params = initParams(config, 23, 'float32');
      const m = createModel(config, params, srcVocab, tgtVocab) as InferenceModel;
      const sources = [SRC, SRC.subarray(2), Int32Array.from([SRC[4] as number, EOS_ID]), Int32Array.from([...SRC, ...SRC.subarray(1)])];
      const forced = TGT.subarray(0, 3);
      const batched = m.forcedLogProbs(sources.map((ids) => m.encodeIds(ids)), forced);
      sources.forEach((ids, b) => {
        const one = m.forced(m.encodeIds(ids), forced).steps.map((st) => st.token.logProb);
        expect(batched[b]?.length).toBe(one.length);
        one.forEach((v, i) => expect(Math.abs((batched[b]?.[i] as number) - v), `${variant} source ${b} step ${i}`).toBeLessThan(1e-5));
      });
      expect(m.forcedLogProbs([], forced)).toEqual([]);
    }
  });

  it('a source without a span, encoded from the whole one, is that source encoded on its own', () => {
    const ids = Int32Array.from([...['the', 'cat', 'sat', 'on', 'the', 'mat', 'cat'].map((w) => srcVocab.id(w)), EOS_ID]);
    const spans: Array<readonly [number, number]> = [[0, 0], [2, 4], [6, 6], [0, 5], [0, 6], [3, 3]];
    for (const variant of VARIANTS) {
      for (const dtype of ['float64', 'float32'] as const) {
        const config = makeConfig(variant);
        const m = createModel(config, initParams(config, 31, dtype), srcVocab, tgtVocab) as InferenceModel;
        const got = m.encodeWithout(m.encodeIds(ids), spans);
        expect(got).toHaveLength(spans.length);
        spans.forEach(([a, b], k) => {
          const short = Int32Array.from([...ids].filter((_, j) => j < a || j > b));
          const e = got[k];
          // [0, 6] leaves only </s>: nothing to encode, as encodeIds refuses it
          if (short.length < 2) return expect(e).toBeNull();
          if (!e) throw new Error(`span ${k}: no encoding`);
          const want = m.encodeIds(short);
          expect([...e.ids]).toEqual([...want.ids]);
          expect(e.tokens).toEqual(want.tokens);
          const tol = dtype === 'float64' ? 1e-12 : 1e-5;
          for (const key of ['annotations', 'keys', 'values', 'contextProj', 'summary', 'initialState'] as const) {
            const x = e[key];
            const y = want[key];
            if (y === null) {
              expect(x, `${variant} ${key}`).toBeNull();
              continue;
            }
            expect(x?.length, `${variant} ${key}`).toBe(y.length);
            y.forEach((v, i) => expect(Math.abs((x?.[i] as number) - v), `${variant} ${dtype} span ${k} ${key}[${i}]`).toBeLessThan(tol));
          }
        });
        expect(() => m.encodeWithout(m.encodeIds(ids), [[2, 7]])).toThrow(/span/);
        expect(() => m.encodeWithout(m.encodeIds(ids), [[3, 2]])).toThrow(/span/);
      }
    }
  });
});

describe('word view', () => {
  it('a target word’s numbers are the sums over its pieces’ steps', () => {
    const config = makeConfig('additive');
    const s = computeSaliency(loaded(config, initParams(config, 8, 'float64')), { sourceIds: SRC, targetIds: TGT });
    const w = groupTargetSteps(s, { firstPiece: [0, 2, 3], lastPiece: [1, 2, 3] });
    expect(w.steps).toBe(3);
    for (let u = 0; u < s.units; u++) {
      expect(w.gradInput[u]).toBeCloseTo((s.gradInput[u] as number) + (s.gradInput[s.units + u] as number), 12);
      expect(w.gradInput[2 * s.units + u]).toBe(s.gradInput[3 * s.units + u]);
    }
    expect(w.logProb[0]).toBeCloseTo((s.logProb[0] as number) + (s.logProb[1] as number), 12);
  });
});

describe('Spearman’s ρ', () => {
  it('is 1 for the same order, −1 for the reverse, and uses average ranks for ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(Array.from(averageRanks([5, 1, 5, 3]))).toEqual([3.5, 1, 3.5, 2]);
    // worked by hand: ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]; Σ dadb = 4.5, Σ da² = 4.5, Σ db² = 5
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    // ties on both sides
    expect(spearman([1, 1, 2, 2], [3, 3, 1, 1])).toBeCloseTo(-1, 12);
  });

  it('is undefined (NaN) for fewer than two values, all ties, or values that are not finite', () => {
    expect(spearman([1], [2])).toBeNaN();
    expect(spearman([], [])).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1, NaN, 3], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/2 and 1 values/);
  });

  fcTest.prop([fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 2, maxLength: 30 })])(
    'lies in [−1, 1], is symmetric, unchanged by an increasing map and negated by a decreasing one',
    (pairs) => {
      const a = pairs.map((p) => p[0]);
      const b = pairs.map((p) => p[1]);
      const r = spearman(a, b);
      if (Number.isNaN(r)) return;
      expect(Math.abs(r)).toBeLessThanOrEqual(1 + 1e-12);
      expect(spearman(b, a)).toBeCloseTo(r, 12);
      // exact maps (doubling and negation lose no order, even among subnormals)
      expect(spearman(a, b.map((v) => 2 * v))).toBeCloseTo(r, 12);
      expect(spearman(a, b.map((v) => -v))).toBeCloseTo(-r, 12);
    },
  );

  it('per step and per sentence: over the source words, </s> left out, magnitudes of g and Δ', () => {
    const s = {
      steps: 2,
      units: 4,
      logProb: new Float64Array(2),
      // step 0: |g| = 3, 2, 1 (the order of α); step 1: |g| = 1, 2, 3 (reverse); </s> ignored
      gradInput: Float64Array.from([3, -2, 1, 100, -1, 2, 3, -100]),
      leaveOneOut: Float64Array.from([0.1, 0.1, 0.1, NaN, 1, 2, 3, NaN]),
    };
    const rows = [
      [0.5, 0.3, 0.1, 0.1],
      [0.5, 0.3, 0.1, 0.1],
    ];
    expect(stepAgreement(rows[0] as number[], s, 0).gradient).toBeCloseTo(1, 12);
    expect(stepAgreement(rows[0] as number[], s, 0).leaveOneOut).toBeNaN(); // all tied
    expect(stepAgreement(rows[1] as number[], s, 1).gradient).toBeCloseTo(-1, 12);
    const sentence = sentenceAgreement(rows, s);
    expect(sentence.gradient).toBeCloseTo(0, 12);
    expect(sentence.steps).toEqual({ gradient: 2, leaveOneOut: 1 });
    expect(sentence.leaveOneOut).toBeCloseTo(-1, 12);
    // a row that does not fit the source is not compared
    expect(stepAgreement([0.5, 0.5], s, 0).gradient).toBeNaN();
    expect(positionUnits(3)).toEqual({ firstPiece: [0, 1, 2], lastPiece: [0, 1, 2] });
  });
});
