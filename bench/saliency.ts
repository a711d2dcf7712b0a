// Section `saliency` (issue 16): the numbers the "attention is not explanation" panel computes
// for a 20-word sentence, all steps — gradient × input of every step's log-probability (autodiff,
// one batched backward per chunk of steps) and leave-one-out (one forced decoding per deleted
// word) — with the shipped models as the page loads them: the real default model
// (public/models/tatoeba-en-fr, subword, deleting whole words as the word view does) and a grammar
// model (public/models/en-fr-additive, word-level). The target is the model's own greedy
// translation, as the explorer shows it. Also timed: the longest unit of work, which is what the
// page runs between two tasks (the page spreads the units over tasks; docs/RELIABILITY.md,
// "saliency on a long sentence"). Target: the whole computation ≤ 300 ms (p10).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { groupPieces } from '../src/data/codec';
import { loadModel, type LoadedModel } from '../src/model/bundle';
import { parseManifest } from '../src/model/checkpoint';
import { computeSaliency, positionUnits, saliencyJob, type SaliencyRequest } from '../src/model/saliency';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { formatTable, sig } from './table';
import { localCase, timeInterleaved } from './timing';

/** The target for the whole computation of a 20-word sentence, ms. */
export const TARGET_MS = 300;

const CASES: ReadonlyArray<{ label: string; dir: string; source: string }> = [
  // 20 words (the word view's units; </s> aside)
  { label: 'tatoeba-en-fr (real, subword)', dir: 'public/models/tatoeba-en-fr', source: 'when i was young my father told me that i should always be kind to all the people around me' },
  { label: 'en-fr-additive (grammar)', dir: 'public/models/en-fr-additive', source: 'the agreement on the European Economic Area was signed in August 1992 and the letter was sent to the president' },
];

/** A shipped model folder, read and validated as the page reads it. */
export async function readModelDir(dir: string): Promise<LoadedModel> {
  const root = resolve(dir);
  const manifest: unknown = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const files: Record<string, Uint8Array> = {};
  for (const record of Object.values(parseManifest(manifest).tokenizer.files ?? {})) files[record.file] = new Uint8Array(readFileSync(join(root, record.file)));
  return loadModel(manifest, new Uint8Array(readFileSync(join(root, 'model.safetensors'))), files);
}

/** The request the panel makes for a sentence: the greedy translation, the source in words. */
export function pageRequest(model: LoadedModel, source: string): { req: SaliencyRequest; words: number; steps: number } {
  const inference = model.inference;
  const enc = inference.encodeTokens(model.codecs.source.tokenize(source));
  const trace = inference.greedy(enc);
  const units = model.codecs.source.subword ? groupPieces(trace.sourceTokens) : positionUnits(trace.srcLen);
  return { req: { sourceIds: trace.sourceIds, targetIds: trace.targetIds, units }, words: units.firstPiece.length - 1, steps: trace.steps.length };
}

interface SaliencyRecord {
  model: string;
  words: number;
  pieces: number;
  steps: number;
  ms: number;
  p10: number;
  p90: number;
  /** The longest single unit of work (the page's longest task), ms. */
  longestUnitMs: number;
}

export const saliencySection: Section = {
  name: 'saliency',
  title: `saliency (issue 16): gradient × input and leave-one-out of a 20-word sentence, all steps, shipped models (target ≤ ${TARGET_MS} ms)`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const records: SaliencyRecord[] = [];
    const errors: string[] = [];
    const targets: TargetCheck[] = [];
    const loaded = await Promise.all(CASES.map((c) => readModelDir(c.dir)));
    const runs = CASES.map((c, k) => {
      const model = loaded[k] as LoadedModel;
      const { req, words, steps } = pageRequest(model, c.source);
      if (words !== 20) errors.push(`${c.label}: the sentence has ${words} words, not 20`);
      return { c, model, req, words, steps };
    });
    // the autodiff forward and the inference engine must agree on every step's log-probability
    for (const r of runs) {
      const s = computeSaliency(r.model, r.req);
      let worst = 0;
      for (let i = 0; i < s.steps; i++) worst = Math.max(worst, Math.abs((s.logProb[i] as number) - (s.autodiffLogProb?.[i] ?? NaN)));
      if (!(worst < 1e-3)) errors.push(`${r.c.label}: autodiff and inference log-probabilities differ by ${worst}`);
    }
    const timings = await timeInterleaved(
      runs.map((r) => localCase(() => void computeSaliency(r.model, r.req))),
      { ...ctx.timing, minSampleMs: 1, samples: ctx.quick ? ctx.timing.samples : 15 },
    );
    runs.forEach((r, k) => {
      // the longest unit over a few runs (the first run of each unit is the slowest: take the p10-like minimum per unit)
      let longest = 0;
      const perUnit: number[][] = [];
      for (let rep = 0; rep < 5; rep++) {
        const job = saliencyJob(r.model, r.req);
        let u = 0;
        for (;;) {
          const t0 = performance.now();
          const next = job.next();
          const dt = performance.now() - t0;
          (perUnit[u] ??= []).push(dt);
          u++;
          if (next.done) break;
        }
      }
      for (const times of perUnit) longest = Math.max(longest, Math.min(...times));
      const t = timings[k];
      if (!t) return;
      records.push({ model: r.c.label, words: r.words, pieces: r.req.sourceIds.length - 1, steps: r.steps, ms: t.median, p10: t.p10, p90: t.p90, longestUnitMs: longest });
      targets.push({
        name: `saliency ${r.c.label}: 20 words, all steps ≤ ${TARGET_MS} ms`,
        pass: t.p10 <= TARGET_MS,
        detail: `p10 ${sig(t.p10, 3)} ms, median ${sig(t.median, 3)} ms (${r.steps} steps, ${r.req.sourceIds.length - 1} source pieces); longest unit ${sig(longest, 3)} ms`,
      });
    });
    ctx.log('ms for gradient × input + leave-one-out of every step (the greedy translation), and the longest unit of work:');
    ctx.log(
      formatTable(
        ['model', 'words', 'pieces', 'steps', 'ms', 'p10–p90 ms', 'longest unit ms'],
        records.map((r) => [r.model, String(r.words), String(r.pieces), String(r.steps), sig(r.ms, 3), `${sig(r.p10, 3)}–${sig(r.p90, 3)}`, sig(r.longestUnitMs, 3)]),
      ),
    );
    for (const t of targets) ctx.log(`target ${t.name}: ${t.pass ? 'met' : 'NOT met'} — ${t.detail}`);
    return { json: { saliency: records }, targets, errors };
  },
};
