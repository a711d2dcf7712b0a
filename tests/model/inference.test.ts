import { describe, expect, it } from 'vitest';
import { EOS_ID } from '../../src/data/vocab';
import { diagonalPosition, makeBatch } from '../../src/model/batch';
import { VARIANTS, type Variant } from '../../src/model/config';
import { forwardLoss } from '../../src/model/forward';
import { InferenceModel } from '../../src/model/inference';
import { DecodeError, rankOf, selectTopK } from '../../src/model/decoding';
import type { Trace } from '../../src/model/trace';
import { logSoftmax } from '../../src/tensor';
import { SRC_WORDS, makeModel, randomPairs, srcVocab, tgtVocab } from './fixtures';

function model(variant: Variant, dtype: 'float32' | 'float64' = 'float64', seed = 7): InferenceModel {
  const { config, params } = makeModel(variant, { dtype, seed });
  return new InferenceModel(config, params, srcVocab, tgtVocab);
}

function expectFiniteTrace(trace: Trace): void {
  for (const step of trace.steps) {
    for (const v of [step.prevState, step.context, step.state, step.query, step.scores, step.weights]) {
      if (v) expect(Array.from(v).every(Number.isFinite)).toBe(true);
    }
    expect(Number.isFinite(step.token.logProb)).toBe(true);
  }
}

describe('parity: batched training path = single-sentence inference path', () => {
  for (const variant of VARIANTS) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${variant} (${dtype}): same scores, weights and log-probabilities`, () => {
        const { config, params } = makeModel(variant, { dtype, seed: 21 });
        const inf = new InferenceModel(config, params, srcVocab, tgtVocab);
        const pairs = randomPairs(8, [
          [6, 5],
          [3, 7],
          [8, 2],
        ]);
        const batch = makeBatch(pairs);
        const res = forwardLoss(params, config, batch, { record: true });
        const logp = logSoftmax(res.logits, -1).data;
        const V = config.tgtVocabSize;
        const B = batch.size;
        // float64: agreement to rounding; float32: |a − b| ≤ 1e-5 + 1e-3·|b| is the project-wide bar
        const close = (a: number, b: number, what: string): void => {
          const tol = dtype === 'float64' ? 1e-9 : 1e-5 + 1e-3 * Math.abs(b);
          expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol);
        };
        pairs.forEach((pair, b) => {
          const enc = inf.encodeIds(Int32Array.from([...pair.source, EOS_ID]));
          const trace = inf.forced(enc, pair.target);
          const Tx = pair.source.length + 1;
          expect(trace.steps).toHaveLength(pair.target.length + 1);
          trace.steps.forEach((step, i) => {
            const rec = (res.steps ?? [])[i] as { scores: ArrayLike<number> | null; weights: ArrayLike<number> | null };
            for (let j = 0; j < Tx; j++) {
              if (step.scores) close(step.scores[j] as number, rec.scores?.[b * batch.srcLen + j] as number, `sentence ${b} step ${i} e[${j}]`);
              if (step.weights) close(step.weights[j] as number, rec.weights?.[b * batch.srcLen + j] as number, `sentence ${b} step ${i} α[${j}]`);
            }
            close(step.token.logProb, logp[(i * B + b) * V + step.token.id] as number, `sentence ${b} step ${i} log p`);
          });
        });
      });
    }
  }
});

describe('decoding', () => {
  const sentence = ['the', 'big', 'dog', 'sat', 'on', 'a', 'red', 'mat', '.'];

  for (const variant of VARIANTS) {
    it(`${variant}: greedy picks the argmax each step; forced on that output reproduces it`, () => {
      const m = model(variant);
      const enc = m.encodeTokens(sentence);
      const g = m.greedy(enc, { maxLength: 12, topK: 4 });
      expect(g.srcLen).toBe(sentence.length + 1);
      expect(g.steps.length).toBeGreaterThan(0);
      expect(g.steps.length).toBeLessThanOrEqual(12);
      expect(g.finished).toBe(g.targetIds[g.targetIds.length - 1] === EOS_ID);
      let total = 0;
      for (const step of g.steps) {
        expect(step.token.rank).toBe(1);
        expect(step.token.id).toBe(step.topK[0]?.id);
        expect(step.topK).toHaveLength(4);
        for (let k = 1; k < 4; k++) expect((step.topK[k - 1] as { prob: number }).prob).toBeGreaterThanOrEqual((step.topK[k] as { prob: number }).prob);
        total += step.token.logProb;
        if (variant === 'none') expect(step.weights).toBeNull();
        else {
          const w = Array.from(step.weights as Float64Array);
          expect(w.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 12);
        }
        if (variant === 'diagonal') {
          expect(step.weights?.[diagonalPosition(step.index, g.srcLen, Math.round(1.1 * g.srcLen))]).toBe(1);
        }
      }
      expect(g.logProb).toBeCloseTo(total, 12);
      expectFiniteTrace(g);
      // forcing the greedy output (without its </s>) gives identical steps — except for the
      // diagonal, whose cursor speed depends on the target length, estimated in free decoding
      const body = g.finished ? g.targetIds.slice(0, -1) : g.targetIds;
      const f = m.forced(enc, body);
      if (variant === 'diagonal') {
        for (const step of f.steps) expect(step.weights?.[diagonalPosition(step.index, f.srcLen, f.steps.length)]).toBe(1);
        return;
      }
      const n = Math.min(f.steps.length, g.steps.length);
      for (let i = 0; i < n; i++) {
        expect(Array.from(f.steps[i]?.state ?? [])).toEqual(Array.from(g.steps[i]?.state ?? []));
        if (i < body.length) expect(f.steps[i]?.token.logProb).toBe(g.steps[i]?.token.logProb);
      }
    });
  }

  it('none: the context is the same summary vector at every step', () => {
    const m = model('none');
    const t = m.greedy(m.encodeTokens(sentence), { maxLength: 6 });
    for (const step of t.steps) expect(Array.from(step.context)).toEqual(Array.from(t.steps[0]?.context ?? []));
  });

  it('forced mode records the forced token’s probability and rank against the model’s own top-k', () => {
    const m = model('additive');
    const enc = m.encodeTokens(sentence);
    const t = m.forcedTokens(enc, ['le', 'chien', 'xyzzy']);
    expect(t.targetTokens).toEqual(['le', 'chien', '<unk>', '</s>']);
    expect(t.mode).toBe('forced');
    for (const step of t.steps) {
      const top = step.topK[0] as { id: number; prob: number };
      expect(Math.exp(step.token.logProb)).toBeLessThanOrEqual(top.prob + 1e-12);
      if (step.token.id === top.id) expect(step.token.rank).toBe(1);
      else expect(step.token.rank).toBeGreaterThan(1);
    }
  });

  it('beam search: width 1 equals greedy; hypotheses are ranked and each trace is its own forced decode', () => {
    const m = model('additive', 'float64', 13);
    const enc = m.encodeTokens(sentence);
    const g = m.greedy(enc, { maxLength: 10 });
    const [only] = m.beam(enc, { width: 1, maxLength: 10 });
    expect(Array.from(only?.trace.targetIds ?? [])).toEqual(Array.from(g.targetIds));
    const hyps = m.beam(enc, { width: 4, maxLength: 10 });
    expect(hyps.length).toBeGreaterThan(1);
    for (let k = 1; k < hyps.length; k++) expect((hyps[k - 1] as { score: number }).score).toBeGreaterThanOrEqual((hyps[k] as { score: number }).score);
    for (const h of hyps) {
      expect(h.trace.mode).toBe('beam');
      const body = h.trace.finished ? h.trace.targetIds.slice(0, -1) : h.trace.targetIds;
      const forced = m.forced(enc, body);
      h.trace.steps.forEach((step, i) => {
        expect(step.token.logProb).toBeCloseTo(forced.steps[i]?.token.logProb as number, 10);
        expect(Array.from(step.weights ?? [])).toEqual(Array.from(forced.steps[i]?.weights ?? []));
      });
      expect(h.score).toBeCloseTo(h.trace.logProb / h.trace.steps.length, 10);
    }
    expect(() => m.beam(enc, { width: 0 })).toThrow(DecodeError);
  });

  it('attention edits: the edited row is renormalised, earlier steps unchanged, later steps recomputed', () => {
    const m = model('additive', 'float64', 5);
    const enc = m.encodeTokens(sentence);
    const base = m.forcedTokens(enc, ['le', 'chien', 'courait', 'sur', 'tapis']);
    const Tx = enc.length;
    const edit = new Array<number>(Tx).fill(0);
    edit[4] = 2;
    edit[6] = 6;
    edit[1] = -3; // clipped to 0
    const edited = m.forcedTokens(enc, ['le', 'chien', 'courait', 'sur', 'tapis'], { overrides: new Map([[2, edit]]) });
    expect(edited.steps[2]?.edited).toBe(true);
    expect(edited.steps[1]?.edited).toBe(false);
    const w = Array.from(edited.steps[2]?.weights ?? []);
    expect(w[4]).toBeCloseTo(0.25, 12);
    expect(w[6]).toBeCloseTo(0.75, 12);
    expect(w[1]).toBe(0);
    for (let i = 0; i < 2; i++) expect(edited.steps[i]?.token.logProb).toBe(base.steps[i]?.token.logProb);
    // the scores of the edited step are still the model's own
    expect(Array.from(edited.steps[2]?.scores ?? [])).toEqual(Array.from(base.steps[2]?.scores ?? []));
    expect(edited.steps[2]?.token.logProb).not.toBe(base.steps[2]?.token.logProb);
    expect(Array.from(edited.steps[3]?.state ?? [])).not.toEqual(Array.from(base.steps[3]?.state ?? []));
    expect(() => m.forcedTokens(enc, ['le'], { overrides: new Map([[0, [1, 2]]]) })).toThrow(/edited weights for step 0 have 2 values/);
    // an all-zero row becomes uniform
    const uniform = m.forcedTokens(enc, ['le'], { overrides: new Map([[0, new Array<number>(Tx).fill(0)]]) });
    expect(uniform.steps[0]?.weights?.[3]).toBeCloseTo(1 / Tx, 12);
  });

  it('bad input: empty and over-long sources are typed errors; unknown words become <unk>; maxLength stops decoding', () => {
    const m = model('additive');
    expect(() => m.encodeTokens([])).toThrow(DecodeError);
    try {
      m.encodeTokens([]);
    } catch (err) {
      expect((err as DecodeError).code).toBe('empty-source');
    }
    const long = new Array<string>(257).fill('cat');
    expect(() => m.encodeTokens(long)).toThrow(/at most 256/);
    const enc256 = m.encodeTokens(new Array<string>(256).fill('cat'));
    expect(enc256.length).toBe(257);
    const enc = m.encodeTokens(['the', 'zebra', 'sat', '<script>']);
    expect(enc.unknown).toEqual([false, true, false, true, false]);
    expect(enc.tokens).toEqual(['the', 'zebra', 'sat', '<script>', '</s>']);
    const t = m.greedy(enc, { maxLength: 2 });
    expect(t.steps.length).toBeLessThanOrEqual(2);
    if (t.steps.length === 2 && t.targetIds[1] !== EOS_ID) expect(t.finished).toBe(false);
    expect(() => m.greedy(enc, { maxLength: 0 })).toThrow(/maxLength/);
  });

  it('long random inputs give finite traces for every variant (float32)', () => {
    for (const variant of VARIANTS) {
      const m = model(variant, 'float32', 99);
      const words = Array.from({ length: 200 }, (_, i) => SRC_WORDS[(i * 7) % SRC_WORDS.length] as string);
      const t = m.greedy(m.encodeTokens(words), { maxLength: 30 });
      expectFiniteTrace(t);
    }
  });
});

describe('top-k and rank helpers', () => {
  it('selectTopK returns the k largest in order; rankOf counts strictly larger entries', () => {
    const values = [0.1, 5, -2, 5, 3, 9, 0];
    const ids = new Int32Array(3);
    const out = new Float64Array(3);
    selectTopK(values, 3, ids, out, 0);
    expect(Array.from(out)).toEqual([9, 5, 5]);
    expect(ids[0]).toBe(5);
    expect(rankOf(values, 5)).toBe(1);
    expect(rankOf(values, 1)).toBe(2);
    expect(rankOf(values, 3)).toBe(2);
    expect(rankOf(values, 2)).toBe(7);
  });
});
