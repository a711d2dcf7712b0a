// The analysis worker (session and client) and the store's derivation that uses it: the worker's
// decodings equal the page's own, superseded requests are never sent, stale results are dropped,
// and a worker that fails hands the decoding back to the page once, with a message.

import { describe, expect, it, vi } from 'vitest';
import { decodeAnalysis, type Analysis } from '../../src/model/analysis';
import type { LoadedModel } from '../../src/model/bundle';
import { createDerivation, nextTask, type Decoder, type DerivationSource } from '../../src/store/derived';
import { AnalysisClient, type AnalysisFailure } from '../../src/worker/analysisClient';
import { AnalysisSession, parseAnalysisCommand, type AnalysisEvent, type DecodeRequest, type SaliencyWireRequest } from '../../src/worker/analysisSession';
import { computeSaliency, mergeSaliency, positionUnits } from '../../src/model/saliency';
import type { WorkerLike } from '../../src/worker/client';
import { loadedModel } from '../ui/panels/helpers';

const REQUEST: DecodeRequest = { source: 'the cat sat on the mat .', target: '', decoding: 'greedy', beamWidth: 4, edits: new Map() };

/** A session answering through a list (structured clone as postMessage does). */
/**
 * A session and what it sends. `settle()` waits 50 ms; `settle(done)` waits until `done(events)`
 * (up to 20 s: a loaded machine may take longer than a fixed wait, as one CI run showed).
 */
function session(): { s: AnalysisSession; events: AnalysisEvent[]; settle(done?: (events: AnalysisEvent[]) => boolean): Promise<void> } {
  const events: AnalysisEvent[] = [];
  const s = new AnalysisSession((e) => events.push(structuredClone(e)));
  const settle = async (done?: (events: AnalysisEvent[]) => boolean): Promise<void> => {
    await new Promise((r) => setTimeout(r, 50));
    for (let waited = 0; done && !done(events) && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  };
  return { s, events, settle };
}

/** Send a model's checkpoint bytes to a session under `key`. */
function load(s: AnalysisSession, model: LoadedModel, key = 1): void {
  const cp = model.checkpoint;
  if (!cp) throw new Error('no checkpoint bytes');
  s.receive({ type: 'load', key, manifest: cp.manifest, weights: cp.weights, files: cp.files });
}

describe('AnalysisSession (the worker side)', () => {
  it('loads a model from its checkpoint bytes and decodes exactly as the page does', async () => {
    const model = await loadedModel('additive');
    const { s, events, settle } = session();
    load(s, model);
    s.receive({ type: 'decode', id: 7, key: 1, input: REQUEST });
    await settle((ev) => ev.some((e) => e.type === 'result'));
    expect(events.map((e) => e.type)).toEqual(['loaded', 'result']);
    const result = events[1];
    if (result?.type !== 'result') throw new Error('no result');
    const here = decodeAnalysis({ model, ...REQUEST });
    expect(result.id).toBe(7);
    expect(result.analysis.trace?.targetTokens).toEqual(here.trace?.targetTokens);
    expect(Array.from(result.analysis.trace?.steps[0]?.weights ?? [])).toEqual(Array.from(here.trace?.steps[0]?.weights ?? []));
  });

  it('answers a model it does not hold, a corrupt checkpoint and an unreadable command with messages', async () => {
    const model = await loadedModel('additive');
    const { s, events, settle } = session();
    s.receive({ type: 'decode', id: 1, key: 9, input: REQUEST });
    const cp = model.checkpoint;
    if (!cp) throw new Error('no checkpoint bytes');
    const bad = cp.weights.slice();
    bad[bad.length - 1] ^= 0xff;
    s.receive({ type: 'load', key: 2, manifest: cp.manifest, weights: bad, files: {} });
    s.receive({ type: 'decode', id: 3, key: 2, input: { ...REQUEST, edits: 'no' } });
    await settle((ev) => ev.some((e) => e.type === 'load-failed') && ev.filter((e) => e.type === 'failed').length >= 2);
    expect(events[0]).toMatchObject({ type: 'failed', id: 1, message: expect.stringMatching(/does not hold/) });
    expect(events.find((e) => e.type === 'failed' && e.id === 3)).toMatchObject({ message: expect.stringMatching(/edits/) });
    expect(events.find((e) => e.type === 'load-failed')).toMatchObject({ key: 2, message: expect.stringMatching(/SHA-256|sha256/i) });
    expect(parseAnalysisCommand(null)).toMatch(/object/);
    expect(parseAnalysisCommand({ type: 'load', key: 1, weights: [1, 2], files: {} })).toMatch(/bytes/);
    expect(parseAnalysisCommand({ type: 'decode', id: 1, key: 1, input: { ...REQUEST, free: 'no' } })).toMatch(/free must be true or false/);
    expect(parseAnalysisCommand({ type: 'decode', id: 1, key: 1, input: { ...REQUEST, free: false } })).not.toBeTypeOf('string');
  });
});

/** A Worker whose other side is a real AnalysisSession in this thread (messages cloned, delivered later). */
class SessionWorker implements WorkerLike {
  sent: Array<{ type: string }> = [];
  private listeners = new Map<string, Set<(e: Event) => void>>();
  private readonly session = new AnalysisSession((e) => setTimeout(() => this.emit(structuredClone(e)), 0));
  terminated = false;
  postMessage(message: unknown): void {
    this.sent.push(message as { type: string });
    const copy = structuredClone(message);
    setTimeout(() => this.session.receive(copy), 0);
  }
  terminate(): void {
    this.terminated = true;
  }
  addEventListener(type: string, l: (e: Event) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(l);
  }
  removeEventListener(type: string, l: (e: Event) => void): void {
    this.listeners.get(type)?.delete(l);
  }
  emit(data: unknown): void {
    for (const l of this.listeners.get('message') ?? []) l({ data } as MessageEvent);
  }
  fire(type: 'error'): void {
    for (const l of this.listeners.get(type) ?? []) l({ type, message: 'boom', preventDefault() {} } as unknown as Event);
  }
}

const tick = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('AnalysisClient (the page side)', () => {
  it('sends a model once, accepts it when the worker holds it, and never sends a superseded request', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const client = new AnalysisClient({ spawn: () => worker });
    expect(client.accepts(model)).toBe(false); // sent, not yet held
    expect(client.accepts(model)).toBe(false);
    // the worker's load takes what it takes on a busy machine: wait for it, not for a fixed time
    await vi.waitFor(() => expect(client.accepts(model)).toBe(true), { timeout: 10_000, interval: 20 });
    expect(worker.sent.filter((m) => m.type === 'load')).toHaveLength(1);
    const a = client.decode(model, { ...REQUEST, source: 'the cat' });
    const b = client.decode(model, { ...REQUEST, source: 'the cat sat' });
    const c = client.decode(model, { ...REQUEST, source: 'the cat sat on the mat' });
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(rb).toBeNull(); // replaced while waiting: never sent
    expect(worker.sent.filter((m) => m.type === 'decode')).toHaveLength(2);
    expect(ra?.sourceTokens).toEqual(['the', 'cat']);
    expect(rc?.sourceTokens).toEqual(['the', 'cat', 'sat', 'on', 'the', 'mat']);
  });

  it('hands a small model over only when the page is idle, once, and starts the worker then', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const waiting: Array<() => void> = [];
    let spawned = 0;
    const client = new AnalysisClient({
      spawn: () => {
        spawned++;
        return worker;
      },
      later: (run) => waiting.push(run),
    });
    expect(client.accepts(model)).toBe(false);
    expect(client.accepts(model)).toBe(false);
    // nothing on the path of the decoding that asked: no worker, no copy of the checkpoint
    expect(spawned).toBe(0);
    expect(worker.sent).toHaveLength(0);
    expect(waiting).toHaveLength(1);
    waiting.shift()?.();
    expect(spawned).toBe(1);
    expect(worker.sent.filter((m) => m.type === 'load')).toHaveLength(1);
    await vi.waitFor(() => expect(client.accepts(model)).toBe(true), { timeout: 10_000, interval: 20 });
    expect(waiting).toHaveLength(0);
  });

  it('gives the worker up once when it fails: pending requests reject, nothing more is sent', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const reasons: AnalysisFailure[] = [];
    const client = new AnalysisClient({ spawn: () => worker, onFail: (r) => reasons.push(r) });
    client.accepts(model);
    await tick();
    const pending = client.decode(model, REQUEST);
    worker.fire('error');
    worker.fire('error');
    await expect(pending).rejects.toThrow(/failed/);
    expect(reasons).toEqual([{ kind: 'crashed', detail: 'boom' }]);
    expect(worker.terminated).toBe(true);
    expect(client.accepts(model)).toBe(false);
  });

  it('a message it cannot read ends the worker with a message', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const reasons: AnalysisFailure[] = [];
    const client = new AnalysisClient({ spawn: () => worker, onFail: (r) => reasons.push(r), later: (run) => run() });
    client.accepts(model);
    worker.emit({ type: 'result', id: 1, analysis: { trace: 'nope' } });
    expect(reasons).toEqual([{ kind: 'bad-event' }]);
  });

  it('a large model goes to the worker as soon as its files are in, and the model the page builds from them claims that copy', async () => {
    const model = await loadedModel('additive');
    const files = model.checkpoint;
    if (!files) throw new Error('no checkpoint bytes');
    const worker = new SessionWorker();
    const reasons: AnalysisFailure[] = [];
    const client = new AnalysisClient({ spawn: () => worker, onFail: (r) => reasons.push(r), workerOnlyParameters: 0 });
    client.preload(files, model.config);
    client.preload(files, model.config); // the same files twice: one copy
    expect(worker.sent.map((m) => m.type)).toEqual(['load']);
    // the page's model, built from the same bytes: no second copy, and its decodings wait for the worker
    expect(client.accepts(model)).toBe(true);
    const result = await client.decode(model, REQUEST);
    expect(worker.sent.map((m) => m.type)).toEqual(['load', 'decode']);
    expect(result?.trace?.targetTokens).toEqual(decodeAnalysis({ model, ...REQUEST }).trace?.targetTokens);
    expect(reasons).toEqual([]);
  });

  it('only large models start the worker early and are sent early; an early copy that fails to load is forgotten without giving the worker up', async () => {
    const model = await loadedModel('additive');
    const files = model.checkpoint;
    if (!files) throw new Error('no checkpoint bytes');
    const small = new SessionWorker();
    let spawned = 0;
    const smallClient = new AnalysisClient({
      spawn: () => {
        spawned++;
        return small;
      },
    });
    smallClient.warm(model.config);
    smallClient.preload(files, model.config); // under WORKER_ONLY_PARAMETERS: decoded by the page first
    expect(spawned).toBe(0);
    expect(small.sent).toHaveLength(0);
    // a large one's manifest starts the worker (once), before its files are in
    let started = 0;
    const warmed = new AnalysisClient({
      spawn: () => {
        started++;
        return new SessionWorker();
      },
      workerOnlyParameters: 0,
    });
    warmed.warm(model.config);
    warmed.warm(model.config);
    expect(started).toBe(1);

    const worker = new SessionWorker();
    const reasons: AnalysisFailure[] = [];
    const client = new AnalysisClient({ spawn: () => worker, onFail: (r) => reasons.push(r), workerOnlyParameters: 0 });
    client.preload({ ...files, weights: files.weights.slice(0, 100) }, model.config); // bytes the page will refuse too
    await tick(); // the worker answers load-failed
    expect(reasons).toEqual([]); // the page reports a bad file itself; the worker stays
    expect(client.accepts(model)).toBe(true); // a large model: sent now, and its decodings wait for the worker
    expect(worker.sent.filter((m) => m.type === 'load')).toHaveLength(2);
    const result = await client.decode(model, REQUEST);
    expect(result?.error).toBeNull();
  });

  it('a worker that cannot start, or cannot load the model, says which with its own words as the detail', async () => {
    const model = await loadedModel('additive');
    const reasons: AnalysisFailure[] = [];
    const broken = new AnalysisClient({
      spawn: () => {
        throw new Error('no workers here');
      },
      onFail: (r) => reasons.push(r),
      later: (run) => run(),
    });
    expect(broken.accepts(model)).toBe(false);
    const worker = new SessionWorker();
    const client = new AnalysisClient({ spawn: () => worker, onFail: (r) => reasons.push(r), later: (run) => run() });
    client.accepts(model);
    worker.emit({ type: 'load-failed', key: 1, message: 'the weights are gone' });
    expect(reasons).toEqual([
      { kind: 'start', detail: 'no workers here' },
      { kind: 'load', detail: 'the weights are gone' },
    ]);
  });
});

function source(model: LoadedModel, patch: Partial<DerivationSource> = {}): DerivationSource & { pending?: boolean } {
  return { modelId: 'm', models: { m: model }, source: 'the cat', target: '', decoding: 'greedy', beamWidth: 4, sample: { temperature: 1, topK: 0, seed: 1 }, edits: {}, positions: true, units: 'words', headView: null, beamPick: null, step: Number.MAX_SAFE_INTEGER, analysis: null, ...patch };
}

describe('createDerivation (the store’s one subscription)', () => {
  it('decodes when an input changes, not when nothing did or only the view did, and clamps the step to the trace', async () => {
    const model = await loadedModel('additive');
    let state = source(model);
    const d = createDerivation(
      () => state,
      (p) => (state = { ...state, ...p }),
      { accepts: () => false, decode: () => Promise.resolve(null) },
    );
    d.update(state);
    const first = state.analysis;
    const decoded = d.decoded;
    expect(first?.sourceTokens).toEqual(['the', 'cat']);
    expect(state.step).toBe((first?.trace?.steps.length ?? 0) - 1);
    d.update(state);
    expect(state.analysis).toBe(first); // nothing changed: nothing derived
    state = { ...state, units: 'pieces' };
    d.update(state);
    expect(d.decoded).toBe(decoded); // a view input: shown again, not decoded again
    state = { ...state, source: 'the dog' };
    d.update(state);
    expect(d.decoded).not.toBe(decoded);
    expect(state.analysis?.sourceTokens).toEqual(['the', 'dog']);
    state = { ...state, models: {} };
    d.update(state);
    expect(state.analysis).toBeNull();
  });

  it('before the model arrives it sets nothing (a link’s step waits), then clamps that step to the trace', async () => {
    const model = await loadedModel('additive');
    let state = source(model, { models: {}, step: 2, pending: false });
    const patches: unknown[] = [];
    const d = createDerivation(() => state, (p) => {
      patches.push(p);
      state = { ...state, ...p };
    });
    d.update(state);
    expect(patches).toEqual([]); // nothing to write: the store (and local storage) stay as they were
    state = { ...state, models: { m: model } };
    d.update(state);
    expect(state.analysis?.trace?.steps.length).toBeGreaterThan(2);
    expect(state.step).toBe(2); // the step asked for, not 0
    state = { ...state, step: 99 };
    d.update(state);
    expect(state.step).toBe(99); // a step change alone derives nothing…
    state = { ...state, source: 'the dog' };
    d.update(state);
    expect(state.step).toBe((state.analysis?.trace?.steps.length ?? 0) - 1); // …the next analysis clamps it
  });

  it('a node picked in the beam tree decodes again in beam mode and is shown; in greedy mode it changes nothing', async () => {
    const model = await loadedModel('additive');
    let state = source(model, { decoding: 'beam', beamWidth: 3, source: 'the cat sat on the mat' });
    const d = createDerivation(() => state, (p) => (state = { ...state, ...p }), { accepts: () => false, decode: () => Promise.resolve(null) });
    d.update(state);
    const tree = state.analysis?.beamTree;
    expect(tree?.nodes.length).toBeGreaterThan(3);
    expect(state.analysis?.beamPick ?? null).toBeNull();
    // a pruned candidate of step 1: its path is its own token id
    const pruned = tree?.nodes.find((n) => n.step === 0 && n.hypothesis < 0);
    expect(pruned).toBeDefined();
    const path = [pruned?.token ?? -1];
    state = { ...state, beamPick: { path, modelId: 'm', source: state.source } };
    d.update(state);
    expect(state.analysis?.beamPick?.node).toBe(pruned?.id);
    expect(state.analysis?.beamPick?.hypothesis).toBeNull();
    const decoded = d.decoded;
    state = { ...state, decoding: 'greedy' };
    d.update(state);
    const greedy = d.decoded;
    expect(greedy).not.toBe(decoded);
    state = { ...state, beamPick: null };
    d.update(state);
    expect(d.decoded).toBe(greedy); // the pick is not an input of a greedy decoding
  });

  it('refuses a decode command whose beam path is not token ids', () => {
    const events: unknown[] = [];
    const session = new AnalysisSession((e) => events.push(e));
    session.receive({ type: 'decode', id: 3, key: 0, input: { source: 'a', target: '', decoding: 'beam', beamWidth: 2, edits: new Map(), beamPath: [1, -2] } });
    expect(events).toEqual([expect.objectContaining({ type: 'failed', id: 3, message: expect.stringMatching(/beam path/) })]);
  });

  it('drops a worker result that a newer input overtook, and falls back to this thread when the worker fails', async () => {
    const model = await loadedModel('additive');
    let state: DerivationSource & { pending?: boolean } = source(model);
    const waiting: Array<{ input: DecodeRequest; resolve(a: Analysis | null): void; reject(e: Error): void }> = [];
    const decoder: Decoder = {
      accepts: () => true,
      decode: (_m, input) => new Promise((resolve, reject) => waiting.push({ input, resolve, reject })),
    };
    const d = createDerivation(() => state, (p) => (state = { ...state, ...p }), decoder, { mainThreadMs: -1 });
    d.update(state);
    expect(state.pending).toBe(true);
    state = { ...state, source: 'the dog sat' };
    d.update(state);
    const [old, latest] = waiting;
    old?.resolve(decodeAnalysis({ model, ...(old.input) }));
    await tick(0);
    expect(state.analysis).toBeNull(); // the overtaken result is never shown
    latest?.resolve(decodeAnalysis({ model, ...(latest.input) }));
    await tick(0);
    expect(state.analysis?.sourceTokens).toEqual(['the', 'dog', 'sat']);
    expect(state.pending).toBe(false);
    state = { ...state, source: 'a cat' };
    d.update(state);
    waiting[2]?.reject(new Error('gone'));
    await tick(0);
    expect(state.analysis?.sourceTokens).toEqual(['a', 'cat']);
  });

  it('the fast path: a model whose last decoding was quick is decoded here, a slow one in the worker', async () => {
    const model = await loadedModel('additive');
    let state: DerivationSource & { pending?: boolean } = source(model);
    const sent: string[] = [];
    const replies: Array<(a: Analysis) => void> = [];
    const decoder: Decoder = {
      accepts: () => true,
      decode: (_m, input) => {
        sent.push(input.source);
        return new Promise((resolve) => replies.push(resolve));
      },
    };
    const d = createDerivation(() => state, (p) => (state = { ...state, ...p }), decoder, { mainThreadMs: 8 });
    d.update(state);
    expect(sent).toEqual(['the cat']); // nothing known about the model yet: the worker
    replies[0]?.({ ...decodeAnalysis({ model, ...source(model), edits: new Map() }), ms: 3 });
    await tick(0);
    state = { ...state, source: 'the dog' };
    d.update(state);
    expect(sent).toEqual(['the cat']); // 3 ms last time: decoded here, at once
    expect(state.analysis?.sourceTokens).toEqual(['the', 'dog']);
    expect(state.pending).toBe(false);
    // a model whose last decoding (in the worker) took 40 ms: the next one goes to the worker again
    const slow = { ...decodeAnalysis({ model, ...source(model), source: 'the dog', edits: new Map() }), ms: 40 };
    state = { ...state, source: 'a dog' };
    const slowDecoder: Decoder = { accepts: () => true, decode: (_m, input) => (sent.push(input.source), Promise.resolve(slow)) };
    const d2 = createDerivation(() => state, (p) => (state = { ...state, ...p }), slowDecoder, { mainThreadMs: 8 });
    d2.update(state);
    await tick(0);
    state = { ...state, source: 'a big dog' };
    d2.update(state);
    expect(sent).toEqual(['the cat', 'a dog', 'a big dog']); // first unknown, then 40 ms: both in the worker
  });

  it('a decoding on this thread runs in a task of its own (defer), except the model’s first; one overtaken while it waits is dropped', async () => {
    const model = await loadedModel('additive');
    let state: DerivationSource & { pending?: boolean } = source(model);
    const waiting: Array<() => void> = [];
    const decoder: Decoder = { accepts: () => false, decode: () => Promise.reject(new Error('not used')) };
    const d = createDerivation(() => state, (p) => (state = { ...state, ...p }), decoder, { defer: (run) => waiting.push(run) });
    d.update(state);
    // the first decoding of a model is the first heatmap: at once
    expect(waiting).toHaveLength(0);
    expect(state.analysis?.sourceTokens).toEqual(['the', 'cat']);
    state = { ...state, source: 'the dog' };
    d.update(state);
    expect(waiting).toHaveLength(1);
    expect(state.analysis?.sourceTokens).toEqual(['the', 'cat']); // not yet: in the next task
    // a newer keystroke before that task ran: the older decoding is dropped, the newer one shown
    state = { ...state, source: 'the big dog' };
    d.update(state);
    for (const run of waiting.splice(0)) run();
    expect(state.analysis?.sourceTokens).toEqual(['the', 'big', 'dog']);
    expect(d.decoded?.sourceTokens).toEqual(['the', 'big', 'dog']);
    // nextTask (the page's defer) runs its callback after the current task, not during it
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      nextTask(() => {
        order.push('task');
        resolve();
      });
      order.push('now');
    });
    expect(order).toEqual(['now', 'task']);
  });

  it('a model the decoder keeps for itself (a large one) never takes the fast path, however quick its last decoding', async () => {
    const model = await loadedModel('additive');
    let state: DerivationSource & { pending?: boolean } = source(model);
    const sent: string[] = [];
    const quick = { ...decodeAnalysis({ model, ...source(model), edits: new Map() }), ms: 1 };
    const decoder: Decoder = { accepts: () => true, only: (m) => m === model, decode: (_m, input) => (sent.push(input.source), Promise.resolve(quick)) };
    const d = createDerivation(() => state, (p) => (state = { ...state, ...p }), decoder, { mainThreadMs: 8 });
    d.update(state);
    await tick(0);
    state = { ...state, source: 'the dog' };
    d.update(state);
    await tick(0);
    expect(sent).toEqual(['the cat', 'the dog']); // 1 ms last time, and still the worker
  });
});

describe('saliency halves in the worker (issue 16: the leave-one-out beside the page’s gradients)', () => {
  const wire = (model: LoadedModel, part: 'gradient' | 'leave-one-out', sentence = REQUEST.source): SaliencyWireRequest => {
    const a = decodeAnalysis({ model, ...REQUEST, source: sentence });
    const trace = (a.pieces ?? a.trace) as NonNullable<Analysis['trace']>;
    const units = positionUnits(trace.srcLen);
    return { sourceIds: trace.sourceIds, targetIds: trace.targetIds.subarray(0, trace.steps.length), units: { firstPiece: [...units.firstPiece], lastPiece: [...units.lastPiece] }, positions: true, part };
  };

  it('the session computes the half asked for, as the page would; a bad request gets a message', async () => {
    const model = await loadedModel('additive');
    const { s, events, settle } = session();
    load(s, model);
    const request = wire(model, 'leave-one-out');
    s.receive({ type: 'saliency', id: 4, key: 1, request });
    s.receive({ type: 'saliency', id: 5, key: 1, request: { ...request, targetIds: [1, 2] } });
    s.receive({ type: 'saliency', id: 6, key: 1, request: { ...request, units: { firstPiece: [0], lastPiece: [0] } } });
    await settle((ev) => ev.filter((e) => e.type === 'saliency' || e.type === 'failed').length >= 3);
    const got = events.find((e) => e.type === 'saliency');
    if (got?.type !== 'saliency') throw new Error('no saliency');
    const here = computeSaliency(model, request);
    expect(got.id).toBe(4);
    expect([...got.result.leaveOneOut]).toEqual([...here.leaveOneOut]);
    expect([...got.result.logProb]).toEqual([...here.logProb]);
    expect(got.result.gradInput.every((x) => Number.isNaN(x))).toBe(true);
    expect(events.find((e) => e.type === 'failed' && e.id === 5)).toMatchObject({ message: expect.stringMatching(/Int32Array/) });
    expect(events.find((e) => e.type === 'failed' && e.id === 6)).toMatchObject({ message: expect.stringMatching(/units cover/) });
  });

  it('the session runs a saliency a unit at a time: a decoding asked for meanwhile is answered first, and a cancelled one stops', async () => {
    const model = await loadedModel('additive');
    const { s, events } = session();
    load(s, model);
    await vi.waitFor(() => expect(events.some((e) => e.type === 'loaded')).toBe(true), { timeout: 10_000, interval: 10 });
    // a source of many words: several units of work
    const request = wire(model, 'leave-one-out', 'the cat sat on the mat and the dog sat on the cat and the mat sat on the dog');
    s.receive({ type: 'saliency', id: 10, key: 1, request });
    s.receive({ type: 'decode', id: 11, key: 1, input: REQUEST });
    await vi.waitFor(() => expect(events.some((e) => e.type === 'saliency' && e.id === 10)).toBe(true), { timeout: 10_000, interval: 10 });
    const order = events.filter((e) => e.type === 'saliency' || e.type === 'result').map((e) => (e as { id: number }).id);
    expect(order).toEqual([11, 10]);
    // cancelled: stopped at the next unit, said so
    s.receive({ type: 'saliency', id: 12, key: 1, request });
    s.receive({ type: 'cancel', id: 12 });
    await vi.waitFor(() => expect(events.some((e) => e.type === 'failed' && e.id === 12)).toBe(true), { timeout: 10_000, interval: 10 });
    expect(events.find((e) => e.type === 'failed' && e.id === 12)).toMatchObject({ message: 'cancelled' });
    expect(events.some((e) => e.type === 'saliency' && e.id === 12)).toBe(false);
  });

  it('the client asks only a worker that holds the model; its half merged with the page’s is the whole computation', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const client = new AnalysisClient({ spawn: () => worker, later: (run) => run() });
    expect(client.saliency(model, wire(model, 'leave-one-out'))).toBeNull(); // not sent to the worker yet
    client.accepts(model);
    await vi.waitFor(() => expect(client.accepts(model)).toBe(true), { timeout: 10_000, interval: 20 });
    const request = wire(model, 'leave-one-out');
    const pending = client.saliency(model, request);
    if (!pending) throw new Error('the client did not ask the worker');
    const { part: _part, ...rest } = request;
    const gradients = computeSaliency(model, { ...rest, part: 'gradient' });
    const merged = mergeSaliency(gradients, await pending);
    const whole = computeSaliency(model, rest);
    for (const key of ['logProb', 'gradInput', 'leaveOneOut'] as const) expect([...merged[key]]).toEqual([...whole[key]]);
    expect(() => mergeSaliency(gradients, { ...whole, units: whole.units + 1 })).toThrow(/sizes/);
  });

  it('a worker that fails rejects the saliency it was asked for', async () => {
    const model = await loadedModel('additive');
    const worker = new SessionWorker();
    const client = new AnalysisClient({ spawn: () => worker, later: (run) => run() });
    client.accepts(model);
    await vi.waitFor(() => expect(client.accepts(model)).toBe(true), { timeout: 10_000, interval: 20 });
    // given up: the client tells the worker, which stops and says so
    const stop = new AbortController();
    const given = client.saliency(model, wire(model, 'leave-one-out'), stop.signal);
    stop.abort();
    expect(worker.sent.filter((m) => m.type === 'cancel')).toHaveLength(1);
    await given?.then(
      () => undefined, // the worker may have finished before the cancel arrived
      (err: unknown) => expect(String(err)).toMatch(/cancelled/),
    );
    const pending = client.saliency(model, wire(model, 'leave-one-out'));
    worker.fire('error');
    await expect(pending).rejects.toThrow(/failed/);
    expect(client.saliency(model, wire(model, 'leave-one-out'))).toBeNull();
  });
});
