// The explorer's decodings, off the main thread (docs/ARCHITECTURE.md, "From a keystroke to pixels").
// The worker holds its own copy of each model the explorer shows, loaded from the same checkpoint
// bytes through the same validating loader as the page (src/model/bundle.ts), and answers one
// decoding at a time with the decode stage of src/model/analysis.ts: the very function the main
// thread would have run, so the two placements cannot disagree. The client
// (src/worker/analysisClient.ts) keeps at most one request in flight and drops superseded ones
// before they are sent. Messages both ways are plain data, checked on arrival
// (docs/RELIABILITY.md, "worker boundary").

import * as v from 'valibot';
import { loadModel, type ExtraFiles, type LoadedModel } from '../model/bundle';
import { decodeAnalysis, type Analysis, type DecodeInput } from '../model/analysis';
import { saliencyJob, type Saliency, type SaliencyPart } from '../model/saliency';

/** The decode stage's input without the model, as it crosses to the worker. */
export type DecodeRequest = Omit<DecodeInput, 'model'>;


/**
 * Page → worker. The schema below reads it; parseAnalysisCommand returns the schema's output as
 * this type, so the compiler checks that the two agree (the page writes it with readonly maps and
 * arrays, which the schema's own type would not accept).
 */
export type AnalysisCommand =
  | { type: 'load'; key: number; manifest?: unknown; weights: Uint8Array; files: ExtraFiles }
  | { type: 'drop'; key: number }
  | { type: 'decode'; id: number; key: number; input: DecodeRequest }
  | { type: 'saliency'; id: number; key: number; request: SaliencyWireRequest }
  | { type: 'cancel'; id: number };

/**
 * A half of a saliency computation as it crosses (src/model/saliency.ts, `part`): the page asks the
 * worker for the leave-one-out while it computes the gradients itself.
 */
export interface SaliencyWireRequest {
  sourceIds: Int32Array;
  targetIds: Int32Array;
  units: { firstPiece: number[]; lastPiece: number[] };
  positions: boolean;
  part: SaliencyPart;
}

/** Worker → page. */
export type AnalysisEvent =
  | { type: 'loaded'; key: number; ms: number }
  | { type: 'load-failed'; key: number; message: string }
  | { type: 'result'; id: number; analysis: Analysis }
  | { type: 'saliency'; id: number; result: Saliency }
  | { type: 'failed'; id: number; message: string };

/**
 * How many models the worker keeps (the explorer's, and the ones switched between recently). The
 * client decides which to drop (it knows which it will ask for); the worker only does as told.
 */
export const MAX_WORKER_MODELS = 4;

const id = (what: string) => v.pipe(v.number(`${what} must be a non-negative integer`), v.safeInteger(`${what} must be a non-negative integer`), v.minValue(0, `${what} must be a non-negative integer`));
const isId = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const bytes = (what: string) => v.instance(Uint8Array, `${what} must be bytes`);

/** The decode stage's input as it crosses (the model is the worker's own, named by `key`). */
const DecodeRequestSchema = v.object({
  source: v.string('the sentences must be strings'),
  target: v.string('the sentences must be strings'),
  decoding: v.picklist(['greedy', 'beam', 'sample'], 'unknown decoding'),
  beamWidth: id('the beam width'),
  sample: v.optional(v.object({ temperature: v.number(), topK: v.number(), seed: v.number() }, 'the sampling settings must be numbers')),
  edits: v.map(v.number(), v.array(v.number()), 'the edits must be a Map of weights'),
  positions: v.optional(v.boolean('positions must be true or false')),
  beamPath: v.nullish(v.array(id('each token id of the beam path'), 'the beam path must be token ids')),
  free: v.optional(v.boolean('free must be true or false')),
});

/** Page → worker: one schema per command (docs/ARCHITECTURE.md, "Schemas at the boundaries"). */
const AnalysisCommandSchema = v.variant(
  'type',
  [
    v.object({ type: v.literal('load'), key: id('the model key'), manifest: v.optional(v.unknown()), weights: bytes('the weights'), files: v.record(v.string(), bytes('the extra files'), 'the extra files must be bytes by name') }),
    v.object({ type: v.literal('drop'), key: id('the model key') }),
    v.object({ type: v.literal('decode'), id: id('the request id'), key: id('the model key'), input: v.object(DecodeRequestSchema.entries, 'the decoding input must be an object') }),
    v.object({ type: v.literal('cancel'), id: id('the request id') }),
    v.object({
      type: v.literal('saliency'),
      id: id('the request id'),
      key: id('the model key'),
      request: v.object(
        {
          sourceIds: v.instance(Int32Array, 'the source ids must be an Int32Array'),
          targetIds: v.instance(Int32Array, 'the target ids must be an Int32Array'),
          units: v.object({ firstPiece: v.array(id('a unit’s first piece')), lastPiece: v.array(id('a unit’s last piece')) }, 'the units must be two arrays of positions'),
          positions: v.boolean('positions must be true or false'),
          part: v.picklist(['gradient', 'leave-one-out'], 'unknown part of the saliency'),
        },
        'the saliency request must be an object',
      ),
    }),
  ],
  (issue) => `unknown command ${JSON.stringify(String(issue.input)).slice(0, 40)}`,
);

/** A command as sent, or a message saying what is wrong with it. */
export function parseAnalysisCommand(value: unknown): AnalysisCommand | string {
  if (typeof value !== 'object' || value === null) return 'a command must be an object';
  const r = v.safeParse(AnalysisCommandSchema, value);
  return r.success ? r.output : (r.issues[0]?.message ?? 'the command cannot be read');
}

export class AnalysisSession {
  /** key → the model (or its load under way). */
  private readonly models = new Map<number, Promise<LoadedModel>>();
  /** Saliency requests the page has given up, until their computation sees it. */
  private readonly cancelled = new Set<number>();

  constructor(
    private readonly post: (event: AnalysisEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  receive(value: unknown): void {
    const cmd = parseAnalysisCommand(value);
    if (typeof cmd === 'string') {
      // a command that cannot be read names no request: nothing to answer but the page's own watchdog
      const sent = value as { id?: unknown; key?: unknown } | null;
      if (sent && isId(sent.id)) this.post({ type: 'failed', id: sent.id, message: `The page sent a request the analysis worker cannot read: ${cmd}.` });
      else if (sent && isId(sent.key)) this.post({ type: 'load-failed', key: sent.key, message: `The page sent a model the analysis worker cannot read: ${cmd}.` });
      return;
    }
    if (cmd.type === 'load') this.load(cmd);
    else if (cmd.type === 'drop') this.models.delete(cmd.key);
    else if (cmd.type === 'saliency') void this.saliency(cmd);
    else if (cmd.type === 'cancel') this.cancelled.add(cmd.id);
    else void this.decode(cmd);
  }

  private load(cmd: Extract<AnalysisCommand, { type: 'load' }>): void {
    const t0 = this.now();
    const loading = loadModel(cmd.manifest, cmd.weights, cmd.files);
    this.models.set(cmd.key, loading);
    loading.then(
      () => this.post({ type: 'loaded', key: cmd.key, ms: this.now() - t0 }),
      (err: unknown) => {
        this.models.delete(cmd.key);
        this.post({ type: 'load-failed', key: cmd.key, message: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  private async decode(cmd: Extract<AnalysisCommand, { type: 'decode' }>): Promise<void> {
    await this.answer(cmd, (model) => ({ type: 'result', id: cmd.id, analysis: decodeAnalysis({ model, ...cmd.input }) }));
  }

  /** A half of a saliency computation, all of its units at once (this thread has nothing else to keep responsive). */
  private async saliency(cmd: Extract<AnalysisCommand, { type: 'saliency' }>): Promise<void> {
    await this.answer(cmd, async (model) => {
      // one unit of work at a time, with a task between two: a decoding asked for meanwhile (the
      // reader typing on) runs between them instead of waiting for the whole computation, and a
      // request the page has given up (`cancel`) stops there
      const job = saliencyJob(model, cmd.request);
      for (;;) {
        const r = job.next();
        if (r.done) return { type: 'saliency', id: cmd.id, result: r.value };
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (this.cancelled.delete(cmd.id)) return { type: 'failed', id: cmd.id, message: 'cancelled' };
      }
    });
    this.cancelled.delete(cmd.id);
  }

  /** Run a request on its model and post the answer, or why there is none. */
  private async answer(cmd: { id: number; key: number }, run: (model: LoadedModel) => AnalysisEvent | Promise<AnalysisEvent>): Promise<void> {
    const loading = this.models.get(cmd.key);
    if (!loading) {
      this.post({ type: 'failed', id: cmd.id, message: 'the analysis worker does not hold that model' });
      return;
    }
    try {
      this.post(await run(await loading));
    } catch (err) {
      this.post({ type: 'failed', id: cmd.id, message: err instanceof Error ? err.message : String(err) });
    }
  }
}
