// The domain module and the schema helpers every boundary shares (docs/ARCHITECTURE.md, "Schemas
// at the boundaries"): one rule each, so that the permalink, local storage and the store agree.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isValidShareState, defaultShareState } from '../../src/export/permalink';
import { BeamWidthSchema, isModelId, MAX_PAGE_BEAM_WIDTH, MIN_BEAM_WIDTH, ModelRefSchema, SampleSchema } from '../../src/model/domain';
import { describeIssue, ownObject, typedArray } from '../../src/model/schema';
import { sanitizeLocal } from '../../src/store/localRecord';
import { parseGifCommand, parseGifReply } from '../../src/worker/gifProtocol';
import { parseGradRequest } from '../../src/train/parallel';

describe('the domain, defined once', () => {
  it('the link and local storage take the same beam widths', () => {
    for (let w = 0; w <= 17; w++) {
      const ok = w >= MIN_BEAM_WIDTH && w <= MAX_PAGE_BEAM_WIDTH;
      expect(v.is(BeamWidthSchema, w), `width ${w}`).toBe(ok);
      expect(isValidShareState({ ...defaultShareState(), beamWidth: w }), `link width ${w}`).toBe(ok);
      expect(sanitizeLocal({ beamWidth: w }).beamWidth, `local width ${w}`).toBe(ok ? w : undefined);
    }
  });

  it('model ids and names: one pattern', () => {
    expect(isModelId('en-fr-additive')).toBe(true);
    expect(isModelId('user:en-fr')).toBe(false);
    expect(isModelId('../x')).toBe(false);
    expect(v.is(ModelRefSchema, 'user:en-fr')).toBe(true);
    expect(v.is(ModelRefSchema, 'user:../x')).toBe(false);
    expect(v.is(ModelRefSchema, 'a'.repeat(65))).toBe(false);
  });

  it('sampling settings out of range are refused', () => {
    expect(v.is(SampleSchema, { temperature: 1, topK: 0, seed: 1 })).toBe(true);
    expect(v.is(SampleSchema, { temperature: 0, topK: 0, seed: 1 })).toBe(false);
    expect(v.is(SampleSchema, { temperature: 1, topK: 0.5, seed: 1 })).toBe(false);
    expect(v.is(SampleSchema, { temperature: 1, topK: 0, seed: -1 })).toBe(false);
  });
});

describe('schema helpers', () => {
  it('ownObject reads own fields only and gives back a fresh object of its keys', () => {
    const schema = ownObject({ a: v.number() });
    const inherited = Object.create({ a: 1 }) as Record<string, unknown>;
    expect(v.is(schema, inherited)).toBe(false);
    const hostile = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":2}') as unknown;
    const out = v.parse(schema, hostile);
    expect(Object.keys(out)).toEqual(['a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(v.is(schema, [1])).toBe(false);
  });

  it('describeIssue names the path of the first problem', () => {
    const r = v.safeParse(ownObject({ a: ownObject({ b: v.array(v.number('must be a number')) }) }), { a: { b: [1, 'x'] } });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssue(r.issues, 'root')).toBe('root.a.b[1] must be a number');
  });

  it('typedArray checks the kind, not the values', () => {
    expect(v.is(typedArray('Float32Array'), new Float32Array(3))).toBe(true);
    expect(v.is(typedArray('Float32Array'), new Float64Array(3))).toBe(false);
    expect(v.is(typedArray('Float32Array'), [0, 0, 0])).toBe(false);
  });
});

describe('worker messages refused by their schemas', () => {
  it('GIF commands and replies', () => {
    expect(parseGifCommand({ type: 'frame', index: 0, rgba: [0, 0, 0, 255], delayMs: 10 })).toMatch(/rgba must be a Uint8ClampedArray/);
    expect(parseGifCommand({ type: 'frame', index: 1.5, rgba: new Uint8Array(4), delayMs: 10 })).toMatch(/index must be a whole number/);
    expect(parseGifCommand({ type: 'blow-up' })).toBe('unknown command');
    expect(parseGifCommand(null)).toBe('a command must be an object');
    expect(parseGifReply({ type: 'ack', index: -1 })).toBeNull();
    expect(parseGifReply({ type: 'done', bytes: [1, 2] })).toBeNull();
    expect(parseGifReply(Object.create({ type: 'ack', index: 1 }))).toBeNull(); // inherited fields do not count
    expect(parseGifReply({ type: 'error', message: 'x'.repeat(600) })).toEqual({ type: 'error', message: 'x'.repeat(500) });
  });

  it('gradient requests: buffers that disagree, an unknown type', () => {
    const init = { type: 'init', id: 2, config: {}, names: ['a', 'b'], shapes: [[1]], values: [new SharedArrayBuffer(4)], grads: [new SharedArrayBuffer(4)] };
    expect(parseGradRequest(init)).toEqual({ ok: false, id: 2, error: 'init: config, names, shapes and shared buffers must agree' });
    expect(parseGradRequest({ type: 'grad', id: 4, sources: [new Int32Array(1)], targets: [] })).toMatchObject({ ok: false, id: 4, error: /one length/ });
    expect(parseGradRequest({ type: 'nap', id: 5 })).toEqual({ ok: false, id: 5, error: 'unknown request type' });
    const ok = parseGradRequest({ type: 'grad', id: 6, sources: [new Int32Array(1)], targets: [new Int32Array(2)], extra: 1 });
    expect(ok.ok && Object.keys(ok.value)).toEqual(['type', 'id', 'sources', 'targets']);
  });
});
