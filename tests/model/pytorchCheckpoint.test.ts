// A checkpoint written by the PyTorch twin (python/tests/fixtures/pytorch-additive, written by
// `npm run fixtures:parity` from parity-additive through `python -m rnnsearch.resave`) opens with
// our loader, holds bit-identical weights, and decodes exactly as the reference outputs the
// TypeScript model produced on the original (python/tests/fixtures/reference.json). README,
// "PyTorch twin".

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/bundle';
import type { InferenceModel } from '../../src/model/inference';

const FIXTURES = resolve(import.meta.dirname, '..', '..', 'python', 'tests', 'fixtures');

interface RefStep {
  logProbs: number[];
  scores: number[] | null;
  weights: number[] | null;
  context: number[];
}
interface RefDecoding {
  tokens: number[];
  finished: boolean;
  steps: RefStep[];
}
interface RefModel {
  id: string;
  greedyMaxLength: number;
  sentences: Array<{ source: number[]; target: number[]; forced: RefDecoding; greedy: RefDecoding }>;
}

async function open(id: string): Promise<Awaited<ReturnType<typeof loadModel>>> {
  const manifest: unknown = JSON.parse(readFileSync(join(FIXTURES, id, 'manifest.json'), 'utf8'));
  return loadModel(manifest, new Uint8Array(readFileSync(join(FIXTURES, id, 'model.safetensors'))));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
  return m;
}

describe('a checkpoint written by PyTorch', () => {
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as { models: RefModel[] };
  const ref = reference.models.find((m) => m.id === 'parity-additive') as RefModel;

  it('loads with our loader and holds the weights of the TypeScript checkpoint bit for bit', async () => {
    const py = await open('pytorch-additive');
    const ts = await open('parity-additive');
    expect(py.manifest.id).toBe('pytorch-additive');
    expect(py.manifest.training.writer).toBe('pytorch');
    expect(py.config).toEqual(ts.config);
    for (const p of ts.params.list) expect(Array.from(py.params.get(p.name as string).data)).toEqual(Array.from(p.data));
  });

  it('decodes as the reference outputs say (forced and greedy: tokens, log p, e, α, c)', async () => {
    const model = (await open('pytorch-additive')).inference as InferenceModel;
    const V = model.config.tgtVocabSize;
    expect(ref.sentences.length).toBeGreaterThan(0);
    for (const sentence of ref.sentences) {
      const enc = model.encodeIds(Int32Array.from(sentence.source));
      const runs: Array<[RefDecoding, ReturnType<InferenceModel['forced']>]> = [
        [sentence.forced, model.forced(enc, Int32Array.from(sentence.target), { topK: V })],
        [sentence.greedy, model.greedy(enc, { topK: V, maxLength: ref.greedyMaxLength })],
      ];
      for (const [want, trace] of runs) {
        expect(Array.from(trace.targetIds)).toEqual(want.tokens);
        expect(trace.finished).toBe(want.finished);
        trace.steps.forEach((step, i) => {
          const w = want.steps[i] as RefStep;
          const logProbs = new Array<number>(V).fill(0);
          for (const e of step.topK) logProbs[e.id] = Math.log(e.prob);
          expect(maxDiff(logProbs, w.logProbs)).toBeLessThan(1e-6);
          expect(maxDiff(step.scores as ArrayLike<number>, w.scores as number[])).toBeLessThan(1e-6);
          expect(maxDiff(step.weights as ArrayLike<number>, w.weights as number[])).toBeLessThan(1e-6);
          expect(maxDiff(step.context, w.context)).toBeLessThan(1e-6);
        });
      }
    }
  });
});
