import { describe, expect, it } from 'vitest';
import { defaultForm, formToConfig } from '../../src/store/trainDefaults';
import { validManifestJson } from '../model/checkpoint/helpers';
import { LIMITS, parseFromWorker, parseToWorker, type TrainConfig } from '../../src/worker/protocol';

const config = (): TrainConfig => {
  const c = formToConfig(defaultForm('reverse'), null).config;
  if (!c) throw new Error('the reverse defaults must be valid');
  return c;
};

const DATA_READY = { type: 'data/ready', train: 10, dev: 2, srcVocab: 9, tgtVocab: 9, description: 'task reverse', lineErrors: [], lineErrorCount: 0, warnings: [], probe: { source: ['a'], target: null } };

const start = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'train/start', config: { ...config(), ...patch }, paused: false, resume: null });

function rejects(data: unknown, pattern: RegExp): void {
  const r = parseToWorker(data);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  if (!r.ok) expect(r.error).toMatch(pattern);
}

describe('parseToWorker (commands the worker accepts)', () => {
  it('accepts every command in its well-formed shape', () => {
    for (const msg of [
      { type: 'ping', seq: 3 },
      start(),
      { type: 'train/pause' },
      { type: 'train/resume' },
      { type: 'train/step', count: 5 },
      { type: 'train/reset' },
      { type: 'export/checkpoint', requestId: 1, id: 'trained-reverse-additive-x1', title: 'A title' },
    ]) {
      const r = parseToWorker(structuredClone(msg));
      expect(r.ok, `${msg.type}: ${JSON.stringify(r)}`).toBe(true);
      if (r.ok) expect(r.value.type).toBe(msg.type);
    }
  });

  it('keeps a TSV task and a resume point with their typed arrays', () => {
    const bytes = new TextEncoder().encode('a\tb\n');
    const r = parseToWorker({
      type: 'train/start',
      config: { ...config(), task: { kind: 'tsv', name: 'pairs.tsv', bytes, lowercase: true } },
      paused: true,
      resume: { step: 50, tensors: [{ name: 'w', shape: [2, 3], data: new Float32Array(6) }] },
    });
    expect(r.ok).toBe(true);
    if (r.ok && r.value.type === 'train/start') {
      expect(r.value.config.task).toEqual({ kind: 'tsv', name: 'pairs.tsv', bytes, lowercase: true });
      expect(r.value.resume?.tensors[0]?.data).toBeInstanceOf(Float32Array);
    }
  });

  it('refuses what is not a command', () => {
    rejects(null, /message must be an object/);
    rejects('ping', /message must be an object/);
    rejects([], /message must be an object/);
    rejects({}, /message.type/);
    rejects({ type: 'train/explode' }, /not a known command/);
    rejects({ type: 'ping', seq: -1 }, /ping.seq/);
    rejects({ type: 'train/step', count: 0 }, /train\/step.count/);
    rejects({ type: 'export/checkpoint', requestId: 1, id: '../../etc', title: '' }, /export\/checkpoint.id/);
  });

  it('checks every setting of a run, naming the field', () => {
    rejects(start({ lr: Number.NaN }), /config.lr/);
    rejects(start({ lr: 2 }), /config.lr/);
    rejects(start({ variant: 'quantum' }), /config.variant/);
    rejects(start({ sizes: { embedding: 0, hidden: 64, alignment: 64, maxout: 64 } }), /config.sizes.embedding/);
    rejects(start({ sizes: { embedding: 32, hidden: 64.5, alignment: 64, maxout: 64 } }), /config.sizes.hidden/);
    rejects(start({ steps: LIMITS.steps + 1 }), /config.steps/);
    rejects(start({ minLength: 8, maxLength: 4 }), /config.maxLength/);
    rejects(start({ task: { kind: 'builtin', id: 'chess' } }), /config.task.id/);
    rejects(start({ task: { kind: 'tsv', name: 'x.tsv', bytes: 'a\tb', lowercase: false } }), /config.task.bytes/);
    rejects(start({ probe: { source: 'x'.repeat(LIMITS.probeChars + 1), target: '' } }), /config.probe.source/);
    rejects({ ...start(), paused: 'yes' }, /train\/start.paused/);
  });

  it('names a missing field by its own rule, and checks the rules between fields', () => {
    rejects({ type: 'ping' }, /^ping\.seq must be an integer in \[0, \d+\]$/);
    rejects(start({ task: { kind: 'csv' } }), /^train\/start\.config\.task\.kind must be one of builtin, tsv$/);
    rejects(start({ variant: 'linear' }), /^train\/start\.config\.variant linear attention belongs to the Transformer family$/);
    rejects(start({ family: 'transformer', variant: 'scaled-dot' }), /^train\/start\.config\.transformer must be an object$/);
    rejects(start({ family: 'transformer', variant: 'scaled-dot', transformer: { model: 30, heads: 4, layers: 1, ff: 64 } }), /config\.transformer must be a multiple of the 4 heads/);
    // sizes of the other family are checked too, not ignored
    rejects(start({ transformer: { model: 0, heads: 4, layers: 1, ff: 64 } }), /config\.transformer\.model/);
  });

  it('refuses a resume point whose tensors do not match their shapes', () => {
    rejects({ ...start(), resume: { step: 1, tensors: [{ name: 'w', shape: [2, 3], data: new Float32Array(5) }] } }, /data has 5 values; expected 6/);
    rejects({ ...start(), resume: { step: 1, tensors: [{ name: 'w', shape: [2, 3], data: [0, 0, 0, 0, 0, 0] }] } }, /Float32Array/);
  });

  it('ignores inherited and hostile keys, and never pollutes Object.prototype', () => {
    const hostile = JSON.parse('{"type":"train/step","count":2,"__proto__":{"polluted":true}}') as unknown;
    const r = parseToWorker(hostile);
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.value)).toEqual(['type', 'count']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // a field only present on the prototype does not count
    const inherited = Object.create({ seq: 1 }) as Record<string, unknown>;
    inherited.type = 'ping';
    rejects(inherited, /ping.seq/);
  });
});

describe('parseFromWorker (what the page accepts from the worker)', () => {
  const snapshot = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'train/snapshot',
    step: 10,
    source: ['a', 'b', '</s>'],
    target: ['b', 'a', '</s>'],
    rows: 3,
    cols: 3,
    weights: new Float32Array(9),
    output: ['b', 'a'],
    forced: true,
    ...patch,
  });

  it('accepts snapshots, progress (with NaN losses kept), guards and errors', () => {
    expect(parseFromWorker(snapshot()).ok).toBe(true);
    expect(parseFromWorker(snapshot({ weights: new Float32Array(0) })).ok).toBe(true); // no attention
    const progress = parseFromWorker({
      type: 'train/progress',
      step: 3,
      maxSteps: 10,
      epoch: 1,
      loss: Number.NaN,
      losses: [{ step: 3, loss: 1.5 }],
      eval: { step: 3, devLoss: 1.2, exactMatch: 0.5, bleu: 40, best: true },
      tokensPerSec: 1000,
      gradNorm: 0.7,
      lr: 0.005,
      elapsedMs: 123,
    });
    expect(progress.ok).toBe(true);
    expect(parseFromWorker({ type: 'train/guard', step: 4, what: 'loss', value: NaN, restoredStep: 0, restored: false, message: 'Step 4: the loss became NaN' }).ok).toBe(true);
    expect(parseFromWorker(dataError()).ok).toBe(true);
  });

  /** A data error with one TSV line's problem, as the worker sends it. */
  const dataError = (patch: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'error',
    scope: 'data',
    code: 'no-pairs',
    params: { name: 'pairs.tsv', read: 1, problems: 1 },
    message: 'no pairs',
    requestId: null,
    lineErrors: [{ line: 2, code: 'empty-target', params: {}, message: 'line 2: empty target', ...line }],
    ...patch,
  });

  it('carries each failure, warning and line problem as a code with its values; an unknown code is refused', () => {
    const ok = parseFromWorker(dataError());
    expect(ok.ok && ok.value).toEqual(dataError());
    const bad = (data: unknown, pattern: RegExp): void => {
      const r = parseFromWorker(data);
      expect(r.ok, JSON.stringify(r)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    };
    // a code the page has no sentence for is refused with its message (the page says it refused one)
    bad(dataError({ code: 'disk-on-fire' }), /^error\.code must be one of tsv-too-large, /);
    bad(dataError({}, { code: 'wobbly' }), /^error\.lineErrors\[0\]\.code must be one of columns, /);
    bad({ ...DATA_READY, warnings: [{ code: 'maybe', params: {}, message: '' }] }, /^data\/ready\.warnings\[0\]\.code must be one of out-of-range, /);
    bad({ type: 'train/workers', workers: 2, requested: 3, reason: 'dropped', failure: { code: 'sulking', params: {}, message: '' } }, /^train\/workers\.failure\.code must be one of failed, timeout, bad-reply, gone, stopped$/);
    // English alone (no code) is not enough, and the values are checked
    bad({ type: 'error', scope: 'train', message: 'something broke', requestId: null }, /^error\.code must be one of/);
    bad(dataError({ params: { read: -1 } }), /^error\.params\.read must be an integer/);
    bad(dataError({ params: { detail: 'x'.repeat(LIMITS.textChars + 1) } }), /^error\.params\.detail/);
    bad({ type: 'train/guard', step: 4, what: 'loss', restoredStep: 0, message: 'Step 4' }, /^train\/guard\.value/);
    // values only of the schema's names go through, in a fresh object
    const extra = parseFromWorker(dataError({ params: { name: 'a.tsv', read: 0, problems: 0, __proto__: { polluted: true }, other: 1 } }));
    expect(extra.ok && extra.value.type === 'error' && extra.value.params).toEqual({ name: 'a.tsv', read: 0, problems: 0 });
    const dropped = parseFromWorker({ type: 'train/workers', workers: 2, requested: 3, reason: 'dropped', failure: { code: 'timeout', params: { seconds: 0.5 }, message: 'a gradient worker did not answer within 0.5 s' } });
    expect(dropped.ok).toBe(true);
    const warned = parseFromWorker({ ...DATA_READY, warnings: [{ code: 'train-cut', params: { n: 100 }, message: 'only the first 100 training pairs are used' }] });
    expect(warned.ok).toBe(true);
  });

  it('refuses snapshots whose sizes disagree, and unknown or malformed messages', () => {
    const bad = (data: unknown, pattern: RegExp): void => {
      const r = parseFromWorker(data);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    };
    bad(snapshot({ weights: new Float32Array(8) }), /train\/snapshot.weights has 8 values/);
    bad(snapshot({ source: ['a', '</s>'] }), /train\/snapshot.source has 2 tokens; expected 3/);
    bad(snapshot({ weights: [0, 0, 0, 0, 0, 0, 0, 0, 0] }), /Float32Array/);
    bad({ type: 'train/state', state: 'exploding', step: 0 }, /train\/state.state/);
    bad({ type: 'checkpoint', requestId: 1, manifest: { format: 'nope' }, weights: new Uint8Array(4) }, /checkpoint.manifest is not a valid manifest/);
    bad({ type: 'progress!' }, /not a known worker message/);
    const checkpoint = { type: 'checkpoint', requestId: 1, manifest: validManifestJson(), weights: new Uint8Array(4) };
    expect(parseFromWorker(checkpoint).ok).toBe(true);
    bad({ ...checkpoint, files: { 'a/b.json': new Uint8Array(1) } }, /^checkpoint\.files has a bad file name "a\/b\.json"$/);
    bad({ ...checkpoint, files: { 'a.json': 'text' } }, /^checkpoint\.files\.a\.json must be a Uint8Array$/);
    bad({ type: 'train/progress', step: 1, maxSteps: 2, epoch: 0, loss: 1, losses: new Array(1001).fill({ step: 1, loss: 1 }) }, /^train\/progress\.losses has 1001 entries; at most 1000$/);
    bad({ type: 'train/progress', step: 1 }, /train\/progress/);
  });
});
