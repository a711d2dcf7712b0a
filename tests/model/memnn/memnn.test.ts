import { describe, expect, it } from 'vitest';
import { makeQaSplits, sampleQa } from '../../../src/data/tasks/babi';
import { makeQaBatch, memoryForward, memoryLoss, wordWeights, type MemoryConfig } from '../../../src/model/memnn/forward';
import { buildQaVocab, initMemoryParams, MemoryInputError, MemoryModel, qaIds } from '../../../src/model/memnn/model';
import { evaluateMemory, memoryObjective } from '../../../src/model/memnn/train';
import { gradcheck, noGrad, Rng } from '../../../src/tensor';
import { ObjectiveTrainer } from '../../../src/train/trainer';

const rng = new Rng(3);
const examples = Array.from({ length: 12 }, (_, k) => sampleQa(rng, { kind: k % 2 ? 'two' : 'one', minSentences: 2, maxSentences: 6 }));
const vocab = buildQaVocab(examples);
const config = (over: Partial<MemoryConfig> = {}): MemoryConfig => ({
  family: 'memn2n',
  vocabSize: vocab.size,
  embed: 6,
  hops: 3,
  memories: 8,
  temporal: true,
  positionEncoding: true,
  ...over,
});

describe('MemN2N forward', () => {
  it('has correct gradients for every parameter (hops, PE, temporal, empty memories)', () => {
    for (const over of [{}, { hops: 1, positionEncoding: false }, { temporal: false, hops: 2 }]) {
      const c = config(over);
      const params = initMemoryParams(c, 4, 'float64');
      const batch = makeQaBatch(
        examples.slice(0, 4).map((e) => qaIds(vocab, e)),
        { maxSlots: c.memories, noise: { rate: 0.3, rng: new Rng(2) } },
      );
      const res = gradcheck(() => memoryLoss(params, c, batch).loss, [...params.list], { maxPerInput: 6, seed: 1 });
      expect(res.ok, JSON.stringify(res.worst)).toBe(true);
      expect(res.checked).toBeGreaterThan(6 * params.list.length - 1);
    }
  });

  it('weights the words by the paper\'s position encoding, 0 on padding', () => {
    const w = wordWeights(new Int32Array([2, 0]), 3, 4, true, 'float64');
    // l_kj = (1 − j/J) − (k/d)(1 − 2j/J), J = 2: j = 1 gives 0.5 − (k/4)·0 = 0.5 for every k
    expect([...w.data.slice(0, 4)]).toEqual([0.5, 0.5, 0.5, 0.5]);
    // j = 2: 0 − (k/4)(−1) = k/4
    expect([...w.data.slice(4, 8)]).toEqual([0.25, 0.5, 0.75, 1]);
    expect([...w.data.slice(8)].every((v) => v === 0)).toBe(true);
  });

  it('traces each hop: scores u·m_i, weights softmax(scores), read Σ p_i c_i, next query u + o', () => {
    const c = config();
    const model = new MemoryModel(c, initMemoryParams(c, 7, 'float64'), vocab);
    const e = examples[1] as (typeof examples)[number];
    const t = model.answer(e.story, e.question);
    expect(t.hops).toHaveLength(3);
    const d = c.embed;
    const n = e.story.length;
    // recompute hop 1 from the parameters: m_i and c_i are PE-weighted bags plus T(recency)
    const A0 = model.params.get('A0').data;
    const A1 = model.params.get('A1').data;
    const T0 = model.params.get('T0').data;
    const T1 = model.params.get('T1').data;
    const bag = (table: Float64Array | Float32Array, ids: Int32Array): number[] => {
      const J = ids.length;
      const out = new Array<number>(d).fill(0);
      ids.forEach((id, j0) => {
        for (let k = 1; k <= d; k++) out[k - 1] += (1 - (j0 + 1) / J - (k / d) * (1 - (2 * (j0 + 1)) / J)) * (table[id * d + k - 1] as number);
      });
      return out;
    };
    const u = bag(A0, vocab.encode(e.question));
    expect(t.hops[0]?.query).toEqual(u.map((v) => expect.closeTo(v, 10)));
    const keys = e.story.map((s, i) => bag(A0, vocab.encode(s)).map((v, k) => v + (T0[(n - 1 - i) * d + k] as number)));
    const vals = e.story.map((s, i) => bag(A1, vocab.encode(s)).map((v, k) => v + (T1[(n - 1 - i) * d + k] as number)));
    const scores = keys.map((m) => m.reduce((acc, v, k) => acc + v * (u[k] as number), 0));
    const z = scores.reduce((a, s) => a + Math.exp(s), 0);
    const p = scores.map((s) => Math.exp(s) / z);
    const read = u.map((_, k) => p.reduce((acc, pi, i) => acc + pi * (vals[i]?.[k] as number), 0));
    expect(t.hops[0]?.scores).toEqual(scores.map((v) => expect.closeTo(v, 10)));
    expect(t.hops[0]?.weights).toEqual(p.map((v) => expect.closeTo(v, 10)));
    expect(t.hops[0]?.read).toEqual(read.map((v) => expect.closeTo(v, 10)));
    expect(t.hops[1]?.query).toEqual(u.map((v, k) => expect.closeTo(v + (read[k] as number), 10)));
    for (const h of t.hops) expect(h.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(t.gold?.answer).toBe(e.answer);
  });

  it('does not let padded slots or other stories in a batch change a story\'s answer', () => {
    const c = config();
    const params = initMemoryParams(c, 5, 'float64');
    const ids = examples.slice(0, 5).map((e) => qaIds(vocab, e));
    const alone = noGrad(() => memoryForward(params, c, makeQaBatch([ids[2] as (typeof ids)[number]], { maxSlots: 8 })).logits.data);
    const batched = noGrad(() => memoryForward(params, c, makeQaBatch(ids, { maxSlots: 8 })).logits.data);
    const V = c.vocabSize;
    for (let v = 0; v < V; v++) expect(batched[2 * V + v]).toBeCloseTo(alone[v] as number, 12);
  });

  it('keeps the last memories of a long story and says how many it left out; rejects empty input', () => {
    const c = config({ memories: 3 });
    const model = new MemoryModel(c, initMemoryParams(c, 1), vocab);
    const e = examples.find((x) => x.story.length >= 5) as (typeof examples)[number];
    const t = model.answer(e.story, e.question);
    expect(t.sentences).toEqual(e.story.slice(-3));
    expect(t.dropped).toBe(e.story.length - 3);
    expect(() => model.answer([], e.question)).toThrow(MemoryInputError);
    expect(() => model.answer(e.story, [])).toThrow(/question is empty/);
    const u = model.answer([['zorro', 'went', 'to', 'the', 'moon']], ['where', 'is', 'zorro']);
    expect(u.unknown[0]).toEqual([true, false, false, false, true]);
    expect(u.questionUnknown).toEqual([false, false, true]);
  });

  it('learns through the shared trainer: one-fact questions get answered', () => {
    const s = makeQaSplits({ seed: 3, train: 3000, dev: 60, test: 150 });
    const v = buildQaVocab([...s.train, ...s.dev]);
    const c: MemoryConfig = { ...config({ hops: 1, embed: 32, memories: 20 }), vocabSize: v.size };
    const model = new MemoryModel(c, initMemoryParams(c, 2), v);
    const trainer = new ObjectiveTrainer(memoryObjective(model, 0.1, 2), model.params, s.train.map((e) => qaIds(v, e)), s.dev.map((e) => qaIds(v, e)), {
      batchSize: 32,
      lr: 0.01,
      warmupSteps: 20,
      maxSteps: 500,
      clip: 40,
    });
    const before = trainer.devLoss();
    while (!trainer.done) trainer.trainStep();
    expect(trainer.devLoss()).toBeLessThan(before / 2);
    const ev = evaluateMemory(model, s.test.filter((e) => e.kind === 'one'));
    expect(ev.accuracy.one).toBeGreaterThan(0.9);
  });
});
