// Section `saliency` (issue 16): the numbers the "attention is not explanation" panel computes
// for a 20-word sentence, all steps — gradient × input of every step's log-probability (autodiff,
// one batched backward per chunk of steps) and leave-one-out (one forced decoding per deleted
// word) — with the shipped models as the page loads them: the real default model
// (public/models/tatoeba-en-fr, subword, deleting whole words as the word view does) and a grammar
// model (public/models/en-fr-additive, word-level). The target is the model's own greedy
// translation (grammar) or a forced reference translation (real), as the explorer shows them. Also timed: the longest unit of work, which is what the
// page runs between two tasks (the page spreads the units over tasks; docs/RELIABILITY.md,
// "saliency on a long sentence"). Target: the whole computation ≤ 300 ms (p10).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { groupPieces } from '../src/data/codec';
import { loadModel, type LoadedModel } from '../src/model/bundle';
import { parseManifest } from '../src/model/checkpoint';
import { Worker } from 'node:worker_threads';
import { computeSaliency, mergeSaliency, positionUnits, saliencyJob, type Saliency, type SaliencyModel, type SaliencyRequest } from '../src/model/saliency';
import type { AnalysisEvent } from '../src/worker/analysisSession';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { formatTable, sig } from './table';
import { localCase, timeInterleaved, type TimedCase, type Timing } from './timing';

/** The target for the whole computation of a 20-word sentence, ms. */
export const TARGET_MS = 300;

const CASES: ReadonlyArray<{ label: string; dir: string; source: string; target?: string }> = [
  // 20 words (the word view's units; </s> aside). The real model, trained on short sentences,
  // gives up early on this one (12 pieces of nonsense), so a reference translation is forced, as
  // the explorer's target box does: the longer, realistic case
  {
    label: 'tatoeba-en-fr (real, subword)',
    dir: 'public/models/tatoeba-en-fr',
    source: 'when i was young my father told me that i should always be kind to all the people around me',
    target: 'quand j\'étais jeune, mon père m\'a dit que je devais toujours être gentil avec tous les gens autour de moi.',
  },
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

/** The request the panel makes for a sentence: the forced target or the greedy translation, the source in words. */
export function pageRequest(model: LoadedModel, source: string, target?: string): {
  req: SaliencyRequest;
  words: number;
  steps: number;
  logProbs: number[];
  target: string;
  /** What the page does on a keystroke for this sentence: tokenise, encode, decode. */
  decode: () => void;
} {
  const inference = model.inference;
  const enc = inference.encodeTokens(model.codecs.source.tokenize(source));
  const trace = target ? inference.forcedTokens(enc, model.codecs.target.tokenize(target)) : inference.greedy(enc);
  const units = model.codecs.source.subword ? groupPieces(trace.sourceTokens) : positionUnits(trace.srcLen);
  return {
    req: { sourceIds: trace.sourceIds, targetIds: trace.targetIds, units },
    words: units.firstPiece.length - 1,
    steps: trace.steps.length,
    logProbs: trace.steps.map((st) => st.token.logProb),
    target: model.codecs.target.detokenize(trace.targetTokens.slice(0, -1)),
    decode: () => void (target ? inference.forcedTokens(inference.encodeTokens(model.codecs.source.tokenize(source)), model.codecs.target.tokenize(target)) : inference.greedy(inference.encodeTokens(model.codecs.source.tokenize(source)))),
  };
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
  /** p10 of the page's own decoding of the same sentence, timed in the same rounds, and p10 / that. */
  decodeP10: number;
  vsDecode: number;
  /** The page's way when its analysis worker holds the model: the leave-one-out on a second thread. */
  twoThreadsMs: number;
  twoThreadsP10: number;
  twoThreadsP90: number;
}

/**
 * The page's analysis worker on a Node worker thread, holding one model: the leave-one-out half
 * is computed there while this thread computes the gradients, as the Saliency panel does when the
 * worker holds the model (src/ui/panels/Saliency.tsx, `computeForAnalysis`).
 */
class WorkerHalf {
  private readonly worker = new Worker(new URL('./host-boot.mjs', import.meta.url), { workerData: { entry: new URL('./saliency.worker.ts', import.meta.url).href } });
  private readonly pending = new Map<number, { resolve(r: Saliency): void; reject(e: Error): void }>();
  private loaded: Promise<void>;
  private nextId = 1;

  constructor(model: LoadedModel) {
    const cp = model.checkpoint;
    if (!cp) throw new Error('the model has no checkpoint bytes to hand to the worker');
    this.loaded = new Promise((resolve, reject) => {
      this.worker.on('message', (e: AnalysisEvent) => {
        if (e.type === 'loaded') return resolve();
        if (e.type === 'load-failed') return reject(new Error(e.message));
        if (e.type !== 'saliency' && e.type !== 'failed') return;
        const p = this.pending.get(e.id);
        this.pending.delete(e.id);
        if (e.type === 'saliency') p?.resolve(e.result);
        else p?.reject(new Error(e.message));
      });
    });
    this.worker.postMessage({ type: 'load', key: 1, manifest: cp.manifest, weights: cp.weights, files: cp.files });
  }

  ready(): Promise<void> {
    return this.loaded;
  }

  /** The whole computation: the leave-one-out there, the gradients here, at once. */
  async compute(model: SaliencyModel, req: SaliencyRequest): Promise<Saliency> {
    const units = req.units ?? positionUnits(req.sourceIds.length);
    const id = this.nextId++;
    const there = new Promise<Saliency>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const request = { sourceIds: req.sourceIds, targetIds: req.targetIds, units: { firstPiece: [...units.firstPiece], lastPiece: [...units.lastPiece] }, positions: true, part: 'leave-one-out' as const };
    this.worker.postMessage({ type: 'saliency', id, key: 1, request });
    const here = computeSaliency(model, { ...req, part: 'gradient' });
    return mergeSaliency(here, await there);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** An asynchronous case for timeInterleaved: one call per sample (each lasts a few hundred ms). */
function asyncCase(fn: () => Promise<unknown>): TimedCase {
  return {
    async warmup(ms, minCalls = 3) {
      const end = performance.now() + ms;
      for (let calls = 0; performance.now() < end || calls < minCalls; calls++) await fn();
    },
    calibrate: () => Promise.resolve(1),
    async sample(reps) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) await fn();
      return performance.now() - t0;
    },
  };
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
      const { req, words, steps, logProbs, target, decode } = pageRequest(model, c.source, c.target);
      if (words !== 20) errors.push(`${c.label}: the sentence has ${words} words, not 20`);
      ctx.log(`${c.label}: “${c.source}” → “${target}”${c.target ? ' (forced)' : ' (greedy)'}`);
      return { c, model, req, words, steps, logProbs, decode };
    });
    // the training forward (float32) and the inference engine must agree on every step's log-probability
    for (const r of runs) {
      const s = computeSaliency(r.model, r.req);
      let worst = 0;
      r.logProbs.forEach((lp, i) => (worst = Math.max(worst, Math.abs((s.logProb[i] as number) - lp))));
      if (!(worst < 1e-3)) errors.push(`${r.c.label}: the saliency's and the inference engine's log-probabilities differ by ${worst}`);
    }
    // the page's way when its analysis worker holds the model: the leave-one-out on a worker
    // thread while this thread computes the gradients; the same numbers as one thread's
    const halves = runs.map((r) => new WorkerHalf(r.model));
    try {
      await Promise.all(halves.map((h) => h.ready()));
      for (const [k, r] of runs.entries()) {
        const one = computeSaliency(r.model, r.req);
        const two = await (halves[k] as WorkerHalf).compute(r.model, r.req);
        for (const key of ['logProb', 'gradInput', 'leaveOneOut'] as const) {
          const differ = one[key].findIndex((x, i) => !(Object.is(x, two[key][i]) || Math.abs(x - (two[key][i] as number)) < 1e-12));
          if (differ >= 0) errors.push(`${r.c.label}: two threads give another ${key} than one (entry ${differ})`);
        }
      }
      // each sentence's saliency on one thread and on two, and in the same rounds the page's own
      // decoding of it (a ratio that holds when other processes load the machine)
      const timings = await timeInterleaved(
        runs.flatMap((r, k) => [localCase(() => void computeSaliency(r.model, r.req)), localCase(r.decode), asyncCase(() => (halves[k] as WorkerHalf).compute(r.model, r.req))]),
        { ...ctx.timing, minSampleMs: 1, samples: ctx.quick ? ctx.timing.samples : 15 },
      );
      record(timings);
    } finally {
      await Promise.all(halves.map((h) => h.terminate()));
    }
    return { json: { saliency: records }, targets, errors };

    function record(timings: Timing[]): void {
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
      const t = timings[3 * k];
      const d = timings[3 * k + 1];
      const two = timings[3 * k + 2];
      if (!t || !d || !two) return;
      const ratio = t.p10 / d.p10;
      records.push({ model: r.c.label, words: r.words, pieces: r.req.sourceIds.length - 1, steps: r.steps, ms: t.median, p10: t.p10, p90: t.p90, longestUnitMs: longest, decodeP10: d.p10, vsDecode: ratio, twoThreadsMs: two.median, twoThreadsP10: two.p10, twoThreadsP90: two.p90 });
      targets.push({
        name: `saliency ${r.c.label}: 20 words, all steps ≤ ${TARGET_MS} ms, as the page computes it (two threads)`,
        pass: two.p10 <= TARGET_MS,
        detail: `two threads p10 ${sig(two.p10, 3)} ms, median ${sig(two.median, 3)} ms; one thread p10 ${sig(t.p10, 3)} ms, median ${sig(t.median, 3)} ms (${r.steps} steps, ${r.req.sourceIds.length - 1} source pieces; one thread is ${sig(ratio, 3)}× the page's decoding of the sentence, ${sig(d.p10, 3)} ms); longest unit ${sig(longest, 3)} ms`,
      });
    });
    ctx.log('ms for gradient × input + leave-one-out of every step of the translation shown, on one thread and on two (the leave-one-out in the analysis worker), the longest unit of work, and the page\'s decoding of the same sentence (same rounds):');
    ctx.log(
      formatTable(
        ['model', 'words', 'pieces', 'steps', 'one thread ms', 'p10–p90 ms', 'two threads ms', 'p10–p90 ms', 'longest unit ms', 'decode p10 ms', 'one thread p10 vs decode'],
        records.map((r) => [r.model, String(r.words), String(r.pieces), String(r.steps), sig(r.ms, 3), `${sig(r.p10, 3)}–${sig(r.p90, 3)}`, sig(r.twoThreadsMs, 3), `${sig(r.twoThreadsP10, 3)}–${sig(r.twoThreadsP90, 3)}`, sig(r.longestUnitMs, 3), sig(r.decodeP10, 3), `${sig(r.vsDecode, 3)}×`]),
      ),
    );
    for (const t of targets) ctx.log(`target ${t.name}: ${t.pass ? 'met' : 'NOT met'} — ${t.detail}`);
    }
  },
};
