// Hostile input: decodeSafetensors on random bytes, random headers, random single-byte
// corruptions and every truncation of valid files never throws anything but a CheckpointError
// (and, being linear in the input with a capped header, never hangs: the test timeout guards it).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../../src/model/checkpoint';
import { rawFile } from './helpers';

/** Decodes; returns 'ok' or the error code; rethrows anything that is not a CheckpointError. */
function outcome(bytes: Uint8Array): string {
  try {
    const { tensors } = decodeSafetensors(bytes);
    for (const [name, t] of tensors) {
      // Whatever it accepts is consistent: finite values, data length = product(shape).
      expect(t.data.length, name).toBe(t.shape.reduce((a, b) => a * b, 1));
      for (const v of t.data) expect(Number.isFinite(v), name).toBe(true);
    }
    return 'ok';
  } catch (error) {
    if (error instanceof CheckpointError) return error.code;
    throw error;
  }
}

const smallTensors: fc.Arbitrary<NamedTensor[]> = fc
  .uniqueArray(
    fc.tuple(fc.constantFrom('a', 'b', 'enc.W', 'dec.U', 'é', '猫'), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 })),
    { minLength: 1, maxLength: 4, selector: ([n]) => n },
  )
  .chain((specs) =>
    fc.tuple(
      ...specs.map(([name, shape]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return fc.array(fc.float({ min: -1000, max: 1000, noNaN: true }), { minLength: n, maxLength: n }).map((v) => ({ name, shape, data: new Float32Array(v) }));
      }),
    ),
  );
const validFile = fc.tuple(smallTensors, fc.constantFrom('F32' as const, 'F16' as const)).map(([t, dtype]) => encodeSafetensors(t, { dtype, metadata: { k: 'v' } }));

describe('decodeSafetensors never throws anything but CheckpointError', () => {
  test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 2000 })('arbitrary bytes', (bytes) => {
    outcome(bytes);
  });

  test.prop([fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 300 })], { numRuns: 2000 })(
    'arbitrary bytes behind a plausible header length',
    (n, rest) => {
      const bytes = new Uint8Array(8 + rest.length);
      new DataView(bytes.buffer).setUint32(0, n, true);
      bytes.set(rest, 8);
      outcome(bytes);
    },
  );

  test.prop([fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 64 })], { numRuns: 1000 })('arbitrary JSON headers', (json, data) => {
    outcome(rawFile(json, data));
  });

  test.prop(
    [
      fc.dictionary(
        fc.oneof(fc.constantFrom('a', 'b', '__metadata__', '__proto__', 'constructor'), fc.string({ maxLength: 4 })),
        fc.record(
          {
            dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'F64', 'I8'), fc.anything()),
            shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 3 }), fc.anything()),
            data_offsets: fc.oneof(fc.tuple(fc.integer({ min: -4, max: 40 }), fc.integer({ min: -4, max: 40 })), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 4 },
      ),
      fc.uint8Array({ maxLength: 48 }),
    ],
    { numRuns: 2000 },
  )('headers that look like safetensors headers', (header, data) => {
    outcome(rawFile(JSON.stringify(header), data));
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  test.prop([validFile, fc.nat(), fc.integer({ min: 0, max: 255 })], { numRuns: 2000 })(
    'a valid file with one byte changed',
    (file, at, value) => {
      const bytes = file.slice();
      bytes[at % bytes.length] = value;
      outcome(bytes);
    },
  );

  test.prop([validFile, fc.nat()], { numRuns: 1000 })('a valid file with one bit flipped in the header or length is rejected or still consistent', (file, bit) => {
    const bytes = file.slice();
    const k = bit % (bytes.length * 8);
    bytes[k >> 3] = (bytes[k >> 3] as number) ^ (1 << (k & 7));
    outcome(bytes);
  });

  test.prop([validFile], { numRuns: 200 })('every proper prefix of a valid file is rejected', (file) => {
    expect(outcome(file)).toBe('ok');
    for (let n = 0; n < file.length; n++) expect(outcome(file.subarray(0, n)), `prefix of ${n} bytes`).not.toBe('ok');
  });

  it('a deeply nested header is rejected without a stack overflow escaping as a RangeError', () => {
    const deep = `{"a":${'['.repeat(100000)}${']'.repeat(100000)}}`;
    expect(outcome(rawFile(deep))).toBe('header-json');
  });
});
