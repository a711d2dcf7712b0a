// The explorer's decodings, off the main thread (docs/ARCHITECTURE.md, "From keystroke to pixels").
// The worker holds its own copy of each model the explorer shows, loaded from the same checkpoint
// bytes through the same validating loader as the page (src/model/bundle.ts), and answers one
// decoding at a time with the decode stage of src/model/analysis.ts: the very function the main
// thread would have run, so the two placements cannot disagree. The client
// (src/worker/analysisClient.ts) keeps at most one request in flight and drops superseded ones
// before they are sent. Messages both ways are plain data, checked on arrival
// (docs/RELIABILITY.md, "worker boundary").

import { loadModel, type ExtraFiles, type LoadedModel } from '../model/bundle';
import { decodeAnalysis, type Analysis, type DecodeInput } from '../model/analysis';

/** The decode stage's input without the model, as it crosses to the worker. */
export type DecodeRequest = Omit<DecodeInput, 'model'>;

/** Page → worker. */
export type AnalysisCommand =
  | { type: 'load'; key: number; manifest: unknown; weights: Uint8Array; files: ExtraFiles }
  | { type: 'drop'; key: number }
  | { type: 'decode'; id: number; key: number; input: DecodeRequest };

/** Worker → page. */
export type AnalysisEvent =
  | { type: 'loaded'; key: number; ms: number }
  | { type: 'load-failed'; key: number; message: string }
  | { type: 'result'; id: number; analysis: Analysis }
  | { type: 'failed'; id: number; message: string };

/**
 * How many models the worker keeps (the explorer's, and the ones switched between recently). The
 * client decides which to drop (it knows which it will ask for); the worker only does as told.
 */
export const MAX_WORKER_MODELS = 4;

const int = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A command as sent, or a message saying what is wrong with it. */
export function parseAnalysisCommand(value: unknown): AnalysisCommand | string {
  if (typeof value !== 'object' || value === null) return 'a command must be an object';
  const v = value as Record<string, unknown>;
  if (!int(v.key)) return 'the model key must be a non-negative integer';
  switch (v.type) {
    case 'load': {
      if (!(v.weights instanceof Uint8Array)) return 'the weights must be bytes';
      const files = v.files;
      if (typeof files !== 'object' || files === null || Object.values(files).some((f) => !(f instanceof Uint8Array))) return 'the extra files must be bytes by name';
      return { type: 'load', key: v.key, manifest: v.manifest, weights: v.weights, files: files as ExtraFiles };
    }
    case 'drop':
      return { type: 'drop', key: v.key };
    case 'decode': {
      if (!int(v.id)) return 'the request id must be a non-negative integer';
      const i = v.input as Record<string, unknown> | null;
      if (typeof i !== 'object' || i === null) return 'the decoding input must be an object';
      if (typeof i.source !== 'string' || typeof i.target !== 'string') return 'the sentences must be strings';
      if (i.decoding !== 'greedy' && i.decoding !== 'beam' && i.decoding !== 'sample') return 'unknown decoding';
      if (!int(i.beamWidth)) return 'the beam width must be a non-negative integer';
      if (!(i.edits instanceof Map)) return 'the edits must be a Map';
      if (i.beamPath !== undefined && i.beamPath !== null && !(Array.isArray(i.beamPath) && i.beamPath.every(int))) return 'the beam path must be token ids';
      return { type: 'decode', id: v.id, key: v.key, input: i as unknown as DecodeRequest };
    }
    default:
      return `unknown command ${JSON.stringify(String(v.type)).slice(0, 40)}`;
  }
}

export class AnalysisSession {
  /** key → the model (or its load under way). */
  private readonly models = new Map<number, Promise<LoadedModel>>();

  constructor(
    private readonly post: (event: AnalysisEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  receive(value: unknown): void {
    const cmd = parseAnalysisCommand(value);
    if (typeof cmd === 'string') {
      // a command that cannot be read names no request: nothing to answer but the page's own watchdog
      const v = value as { id?: unknown; key?: unknown } | null;
      if (v && int(v.id)) this.post({ type: 'failed', id: v.id, message: `The page sent a request the analysis worker cannot read: ${cmd}.` });
      else if (v && int(v.key)) this.post({ type: 'load-failed', key: v.key, message: `The page sent a model the analysis worker cannot read: ${cmd}.` });
      return;
    }
    if (cmd.type === 'load') this.load(cmd);
    else if (cmd.type === 'drop') this.models.delete(cmd.key);
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
    const loading = this.models.get(cmd.key);
    if (!loading) {
      this.post({ type: 'failed', id: cmd.id, message: 'the analysis worker does not hold that model' });
      return;
    }
    try {
      const model = await loading;
      this.post({ type: 'result', id: cmd.id, analysis: decodeAnalysis({ model, ...cmd.input }) });
    } catch (err) {
      this.post({ type: 'failed', id: cmd.id, message: err instanceof Error ? err.message : String(err) });
    }
  }
}
