// safetensors: the byte layout against the spec, compatibility with the reference writer, round
// trips (property tests), and one test per corruption kind with its error code.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_HEADER_BYTES,
  decodeSafetensors,
  encodeSafetensors,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  type NamedTensor,
} from '../../../src/model/checkpoint';
import { concat, entry, expectCode, f32le, rawFile, u16le, utf8 } from './helpers';

/** The bytes `safetensors.torch.save_file({"a": torch.tensor([1., 2.])})` writes, from the spec. */
const REFERENCE_A = concat(
  new Uint8Array([56, 0, 0, 0, 0, 0, 0, 0]), // header length 56 = 54 bytes of JSON + 2 spaces
  utf8('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  '),
  new Uint8Array([0x00, 0x00, 0x80, 0x3f]), // 1.0f little-endian
  new Uint8Array([0x00, 0x00, 0x00, 0x40]), // 2.0f little-endian
);

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('safetensors layout', () => {
  it('reads a file written exactly as the reference library writes {"a": F32 [2] = [1, 2]}', () => {
    expect(REFERENCE_A.length).toBe(8 + 56 + 8);
    const { tensors, metadata } = decodeSafetensors(REFERENCE_A);
    expect([...tensors.keys()]).toEqual(['a']);
    const a = tensors.get('a');
    expect(a?.dtype).toBe('F32');
    expect(a?.shape).toEqual([2]);
    expect(Array.from(a?.data ?? [])).toEqual([1, 2]);
    expect(a?.data).toBeInstanceOf(Float32Array);
    expect(metadata).toEqual({});
  });

  it('writes byte-for-byte what the reference writes for the same tensor', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: new Float32Array([1, 2]) }], { dtype: 'F32' });
    expect(Array.from(bytes)).toEqual(Array.from(REFERENCE_A));
  });

  it('writes metadata first, as the reference does with metadata={"format": "pt"}', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: new Float32Array([1, 2]) }], {
      dtype: 'F32',
      metadata: { format: 'pt' },
    });
    // 85 bytes of JSON + 3 spaces = 88.
    const expected = concat(
      new Uint8Array([88, 0, 0, 0, 0, 0, 0, 0]),
      utf8('{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   '),
      new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
    );
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    expect(decodeSafetensors(bytes).metadata).toEqual({ format: 'pt' });
  });

  it('a hand-checked two-tensor F32 file: length prefix, JSON, offsets, little-endian floats', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'w', shape: [2], data: new Float32Array([1, -2]) },
        { name: 'b', shape: [1, 1], data: new Float32Array([0.5]) },
      ],
      { dtype: 'F32' },
    );
    const json = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
    expect(json.length).toBe(110);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([112, 0, 0, 0, 0, 0, 0, 0]); // 110 + 2 spaces
    expect(text(bytes.subarray(8, 8 + 112))).toBe(`${json}  `);
    expect(Array.from(bytes.subarray(120))).toEqual([
      0x00, 0x00, 0x80, 0x3f, // 1.0
      0x00, 0x00, 0x00, 0xc0, // −2.0
      0x00, 0x00, 0x00, 0x3f, // 0.5
    ]);
    expect(bytes.length).toBe(132);
    expect((8 + 112) % 8).toBe(0); // the data starts 8-byte aligned
  });

  it('a hand-checked F16 file: 2-byte little-endian halves', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'w', shape: [2], data: new Float32Array([1, -2]) },
        { name: 'b', shape: [1, 1], data: new Float32Array([0.5]) },
      ],
      { dtype: 'F16' },
    );
    const json = '{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[1,1],"data_offsets":[4,6]}}';
    expect(Array.from(bytes.subarray(0, 8))).toEqual([112, 0, 0, 0, 0, 0, 0, 0]); // 109 + 3 spaces
    expect(text(bytes.subarray(8, 120))).toBe(`${json}   `);
    expect(Array.from(bytes.subarray(120))).toEqual([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]);
    const back = decodeSafetensors(bytes).tensors;
    expect(Array.from(back.get('w')?.data ?? [])).toEqual([1, -2]);
    expect(back.get('b')?.dtype).toBe('F16');
  });

  it('reads an unpadded header (data not aligned in the file) and F16 data', () => {
    const header = `{"h":${entry('F16', [3], [0, 6])},"f":${entry('F32', [1], [6, 10])}}`;
    const bytes = rawFile(header, concat(u16le([0x3c00, 0xbc00, 0x3555]), f32le([0.25])), { pad: false });
    expect((8 + utf8(header).length + 6) % 4).not.toBe(0); // the F32 tensor starts at an unaligned byte
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(tensors.get('h')?.data ?? [])).toEqual([1, -1, 0.333251953125]);
    expect(Array.from(tensors.get('f')?.data ?? [])).toEqual([0.25]);
  });

  it('every finite float16 pattern reads the same through a typed view (aligned) and byte by byte (unaligned)', () => {
    const patterns: number[] = [];
    for (let h = 0; h < 0x10000; h++) if ((h & 0x7c00) !== 0x7c00) patterns.push(h);
    const file = rawFile(`{"h":${entry('F16', [patterns.length], [0, 2 * patterns.length])}}`, u16le(patterns));
    const expected = patterns.map(float16BitsToFloat32);
    for (const offset of [0, 1, 4]) {
      const big = new Uint8Array(file.length + offset).fill(0xee);
      big.set(file, offset);
      const data = decodeSafetensors(big.subarray(offset)).tensors.get('h')?.data;
      expect(data?.length).toBe(patterns.length);
      let mismatches = 0;
      expected.forEach((v, k) => {
        if (!Object.is(data?.[k], v)) mismatches++;
      });
      expect(mismatches).toBe(0);
    }
  });

  it('reads from a view at an odd byteOffset into a larger buffer (unaligned data)', () => {
    const file = encodeSafetensors(
      [
        { name: 'x', shape: [2, 2], data: new Float32Array([1.5, -3.25, 1e-30, 7]) },
        { name: 'y', shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) },
      ],
      { dtype: 'F32' },
    );
    for (const offset of [1, 2, 3, 5]) {
      const big = new Uint8Array(file.length + offset + 7).fill(0xee);
      big.set(file, offset);
      const view = big.subarray(offset, offset + file.length);
      const { tensors } = decodeSafetensors(view);
      expect(Array.from(tensors.get('x')?.data ?? [])).toEqual([1.5, -3.25, Math.fround(1e-30), 7]);
      expect(Array.from(tensors.get('y')?.data ?? [])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    }
  });

  it('keeps header order, reads zero-size and scalar tensors, and tolerates header entries in any offset order', () => {
    const header = `{"second":${entry('F32', [1], [4, 8])},"empty":${entry('F32', [0, 5], [8, 8])},"first":${entry('F32', [], [0, 4])}}`;
    const { tensors } = decodeSafetensors(rawFile(header, f32le([10, 20])));
    expect([...tensors.keys()]).toEqual(['second', 'empty', 'first']);
    expect(Array.from(tensors.get('first')?.data ?? [])).toEqual([10]);
    expect(tensors.get('first')?.shape).toEqual([]);
    expect(Array.from(tensors.get('second')?.data ?? [])).toEqual([20]);
    expect(tensors.get('empty')?.shape).toEqual([0, 5]);
    expect(tensors.get('empty')?.data.length).toBe(0);
  });

  it('an empty file (no tensors) round-trips', () => {
    const bytes = encodeSafetensors([], { dtype: 'F32' });
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
    expect(decodeSafetensors(bytes).tensors.size).toBe(0);
  });

  it('does not modify the input bytes', () => {
    const copy = REFERENCE_A.slice();
    decodeSafetensors(copy);
    expect(Array.from(copy)).toEqual(Array.from(REFERENCE_A));
  });
});

// ---- round trips ------------------------------------------------------------------------------

const tensorName = fc
  .string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
  .filter((s) => !['__metadata__', '__proto__', 'constructor', 'prototype'].includes(s));
const shape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function tensorsArb(value: fc.Arbitrary<number>): fc.Arbitrary<NamedTensor[]> {
  return fc
    .uniqueArray(fc.tuple(tensorName, shape), { maxLength: 6, selector: ([n]) => n })
    .chain((specs) =>
      fc.tuple(...specs.map(([name, s]) => fc.array(value, { minLength: size(s), maxLength: size(s) }).map((v) => ({ name, shape: s, data: new Float32Array(v) })))),
    );
}

const metadataArb = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
  fc.string({ maxLength: 12 }),
  { maxKeys: 3 },
);

describe('safetensors round trips', () => {
  test.prop([tensorsArb(fc.float({ noNaN: true, noDefaultInfinity: true })), metadataArb])(
    'F32: names, order, shapes, metadata and every bit of every value survive',
    (tensors, metadata) => {
      const bytes = encodeSafetensors(tensors, { dtype: 'F32', metadata });
      expect((bytes[0] as number) % 8).toBe(0);
      const back = decodeSafetensors(bytes);
      expect([...back.tensors.keys()]).toEqual(tensors.map((t) => t.name));
      for (const t of tensors) {
        const got = back.tensors.get(t.name);
        expect(got?.shape).toEqual(t.shape);
        expect(got?.dtype).toBe('F32');
        // Object.is keeps −0 apart from 0.
        t.data.forEach((v, k) => expect(Object.is(got?.data[k], v), `${t.name}[${k}]: ${got?.data[k]} vs ${v}`).toBe(true));
      }
      expect({ ...back.metadata }).toEqual(metadata);
    },
  );

  test.prop([tensorsArb(fc.float({ min: Math.fround(-65504), max: Math.fround(65504), noNaN: true }))])(
    'F16: every value comes back as its nearest half, within half precision',
    (tensors) => {
      const back = decodeSafetensors(encodeSafetensors(tensors, { dtype: 'F16' })).tensors;
      for (const t of tensors) {
        const got = back.get(t.name);
        expect(got?.dtype).toBe('F16');
        expect(got?.shape).toEqual(t.shape);
        t.data.forEach((v, k) => {
          const g = got?.data[k] as number;
          expect(g).toBe(float16BitsToFloat32(float32ToFloat16Bits(v)));
          // Relative error ≤ 2^-11 for normals; absolute ≤ 2^-25 in the subnormal range.
          expect(Math.abs(g - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
        });
      }
    },
  );

  test.prop([tensorsArb(fc.float({ noNaN: true, noDefaultInfinity: true })), fc.integer({ min: 1, max: 7 })])(
    'decoding a copy at any byteOffset gives the same tensors',
    (tensors, offset) => {
      const bytes = encodeSafetensors(tensors, { dtype: 'F32' });
      const big = new Uint8Array(bytes.length + offset);
      big.set(bytes, offset);
      const a = decodeSafetensors(bytes).tensors;
      const b = decodeSafetensors(big.subarray(offset)).tensors;
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, t] of a) expect(Array.from(b.get(name)?.data ?? [])).toEqual(Array.from(t.data));
    },
  );
});

// ---- the writer refuses what the reader would refuse -------------------------------------------

describe('encodeSafetensors argument checks', () => {
  const ok = { name: 'a', shape: [2], data: new Float32Array([1, 2]) };
  it('refuses duplicate names', () => {
    expect(expectCode(() => encodeSafetensors([ok, ok], { dtype: 'F32' }), 'invalid-argument').message).toContain('"a" appears twice');
  });
  it('refuses hostile and reserved names', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', '__metadata__', '']) {
      expectCode(() => encodeSafetensors([{ ...ok, name }], { dtype: 'F32' }), 'invalid-argument');
    }
  });
  it('refuses data whose length is not product(shape)', () => {
    const error = expectCode(() => encodeSafetensors([{ ...ok, shape: [3] }], { dtype: 'F32' }), 'size');
    expect(error.message).toBe('tensor "a": shape [3] has 3 elements, but its data has 2');
  });
  it('refuses negative or fractional dimensions', () => {
    expectCode(() => encodeSafetensors([{ ...ok, shape: [-2] }], { dtype: 'F32' }), 'invalid-argument');
    expectCode(() => encodeSafetensors([{ ...ok, shape: [2.5] }], { dtype: 'F32' }), 'invalid-argument');
  });
  it('refuses NaN and ±Infinity, naming the tensor and index', () => {
    const error = expectCode(() => encodeSafetensors([{ name: 'm', shape: [2, 2], data: new Float32Array([0, 0, NaN, 0]) }], { dtype: 'F32' }), 'non-finite');
    expect(error.message).toContain('tensor "m": element 2 (index [1, 0]) is NaN');
    expectCode(() => encodeSafetensors([{ ...ok, data: new Float32Array([1, -Infinity]) }], { dtype: 'F16' }), 'non-finite');
  });
  it('refuses values that overflow float16, and accepts 65504', () => {
    const error = expectCode(() => encodeSafetensors([{ ...ok, data: new Float32Array([1, 70000]) }], { dtype: 'F16' }), 'non-finite');
    expect(error.message).toContain('70000 overflows float16');
    expectCode(() => encodeSafetensors([{ ...ok, data: new Float32Array([1, 65520]) }], { dtype: 'F16' }), 'non-finite');
    expect(() => encodeSafetensors([{ ...ok, data: new Float32Array([65504, 65519]) }], { dtype: 'F16' })).not.toThrow();
  });
  it('refuses a dtype other than F32/F16 and non-string metadata', () => {
    expectCode(() => encodeSafetensors([ok], { dtype: 'F64' as 'F32' }), 'invalid-argument');
    expectCode(() => encodeSafetensors([ok], { dtype: 'F32', metadata: { n: 1 as unknown as string } }), 'invalid-argument');
  });
});

// ---- corruption: one test per kind ---------------------------------------------------------------

const A_F32 = entry('F32', [2], [0, 8]);
const TWO = f32le([1, 2]);

describe('decodeSafetensors rejects corrupt files', () => {
  it('a file shorter than 8 bytes → header-size', () => {
    for (const n of [0, 1, 7]) expectCode(() => decodeSafetensors(new Uint8Array(n)), 'header-size');
    expect(expectCode(() => decodeSafetensors(new Uint8Array(5)), 'header-size').message).toContain('5 bytes');
  });

  it('a file cut in the middle of the data → offsets, saying it may be truncated', () => {
    const cut = REFERENCE_A.subarray(0, REFERENCE_A.length - 3);
    const error = expectCode(() => decodeSafetensors(cut), 'offsets');
    expect(error.message).toBe('tensor "a": data_offsets [0, 8] run past the end of the data section, which has 5 bytes (is the file truncated?)');
  });

  it('a file cut inside the header → header-size', () => {
    expectCode(() => decodeSafetensors(REFERENCE_A.subarray(0, 30)), 'header-size');
  });

  it('a header length larger than the file → header-size', () => {
    const error = expectCode(() => decodeSafetensors(rawFile(`{"a":${A_F32}}`, TWO, { headerLength: 1000 })), 'header-size');
    expect(error.message).toContain('1000 bytes');
  });

  it('a header length over the cap → header-size (default 1 MiB, and a custom cap)', () => {
    const big = new Uint8Array(8 + DEFAULT_MAX_HEADER_BYTES + 16);
    new DataView(big.buffer).setUint32(0, DEFAULT_MAX_HEADER_BYTES + 8, true);
    expect(expectCode(() => decodeSafetensors(big), 'header-size').message).toContain('over the cap of 1048576 bytes');
    expectCode(() => decodeSafetensors(REFERENCE_A, { maxHeaderBytes: 48 }), 'header-size');
    expect(decodeSafetensors(REFERENCE_A, { maxHeaderBytes: 56 }).tensors.size).toBe(1);
  });

  it('the high word of the u64 header length set → header-size', () => {
    expectCode(() => decodeSafetensors(rawFile(`{"a":${A_F32}}`, TWO, { highWord: 1 })), 'header-size');
    const flipped = REFERENCE_A.slice();
    flipped[7] = 0x80;
    expectCode(() => decodeSafetensors(flipped), 'header-size');
  });

  it('a header that is not JSON → header-json', () => {
    expectCode(() => decodeSafetensors(rawFile('{"a": nope}')), 'header-json');
    expectCode(() => decodeSafetensors(rawFile(`{"a":${A_F32}`, TWO)), 'header-json');
    expectCode(() => decodeSafetensors(rawFile('')), 'header-json');
  });

  it('a header that is not UTF-8 → header-json', () => {
    const bytes = rawFile('{"a":{}}');
    bytes[10] = 0xff;
    expect(expectCode(() => decodeSafetensors(bytes), 'header-json').message).toContain('UTF-8');
  });

  it('header JSON that is not an object → header-json', () => {
    for (const json of ['[1, 2]', '"a"', 'null', '42', 'true', ' [] ']) {
      expect(expectCode(() => decodeSafetensors(rawFile(json)), 'header-json').message).toContain('must be a JSON object');
    }
    // Like the reference reader (serde_json), JSON whitespace before the object is fine.
    expect(decodeSafetensors(rawFile(`\n {"a":${A_F32}}`, TWO)).tensors.size).toBe(1);
  });

  it('an unknown dtype (F64, I8, BF16, a number) → dtype, naming the tensor and the dtype', () => {
    for (const dtype of ['F64', 'I8', 'BF16', 'f32']) {
      const error = expectCode(() => decodeSafetensors(rawFile(`{"w":${entry(dtype, [1], [0, 8])}}`, new Uint8Array(8))), 'dtype');
      expect(error.message).toBe(`tensor "w" has dtype "${dtype}"; this reader supports "F32" and "F16"`);
    }
    expectCode(() => decodeSafetensors(rawFile(`{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4))), 'dtype');
    expectCode(() => decodeSafetensors(rawFile(`{"w":{"shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4))), 'dtype');
  });

  it('a negative, fractional or non-numeric dimension → header-json', () => {
    for (const shape of [[-2], [2.5], ['2'], [null], 2, null, [1e300]]) {
      const error = expectCode(() => decodeSafetensors(rawFile(`{"w":${entry('F32', shape, [0, 8])}}`, TWO)), 'header-json');
      expect(error.message).toContain('tensor "w": shape must be an array of non-negative integers');
    }
  });

  it('a shape over the element cap → size (and no giant allocation)', () => {
    expectCode(() => decodeSafetensors(rawFile(`{"w":${entry('F32', [100000, 100000], [0, 8])}}`, TWO)), 'size');
    expectCode(() => decodeSafetensors(rawFile(`{"w":${entry('F32', [2 ** 52, 2 ** 52, 2 ** 52], [0, 8])}}`, TWO)), 'size');
  });

  it('data offsets out of bounds, reversed, negative or malformed → offsets', () => {
    expectCode(() => decodeSafetensors(rawFile(`{"a":${entry('F32', [4], [0, 16])}}`, TWO)), 'offsets');
    expectCode(() => decodeSafetensors(rawFile(`{"a":${entry('F32', [2], [8, 0])}}`, TWO)), 'offsets');
    expectCode(() => decodeSafetensors(rawFile(`{"a":${entry('F32', [2], [-8, 0])}}`, TWO)), 'offsets');
    for (const offsets of [[0], [0, 8, 9], [0, '8'], [0, 8.5], 'x', [0, 2 ** 64]]) {
      expectCode(() => decodeSafetensors(rawFile(`{"a":${entry('F32', [2], offsets)}}`, TWO)), 'offsets');
    }
  });

  it('overlapping offsets → offsets, naming both tensors', () => {
    const header = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [4, 12])}}`;
    const error = expectCode(() => decodeSafetensors(rawFile(header, f32le([1, 2, 3]))), 'offsets');
    expect(error.message).toBe('tensors "a" [0, 8] and "b" [4, 12] overlap');
    // Two tensors sharing one span overlap too.
    const same = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [0, 8])}}`;
    expectCode(() => decodeSafetensors(rawFile(same, TWO)), 'offsets');
  });

  it('a gap between tensors, before the first, or after the last → offsets', () => {
    const gap = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [12, 20])}}`;
    expect(expectCode(() => decodeSafetensors(rawFile(gap, f32le([1, 2, 0, 3, 4]))), 'offsets').message).toBe(
      'data bytes [8, 12) belong to no tensor: a gap between tensor "a" and tensor "b"',
    );
    const leading = `{"a":${entry('F32', [1], [4, 8])}}`;
    expectCode(() => decodeSafetensors(rawFile(leading, TWO)), 'offsets');
    const trailing = concat(REFERENCE_A, new Uint8Array(4));
    expect(expectCode(() => decodeSafetensors(trailing), 'offsets').message).toContain('4 trailing bytes');
  });

  it('shape × dtype size ≠ the byte span → size, with the numbers', () => {
    const error = expectCode(() => decodeSafetensors(rawFile(`{"encoder.fwd.Wz":${entry('F32', [64, 128], [0, 32000])}}`, new Uint8Array(32000))), 'size');
    expect(error.message).toBe('tensor "encoder.fwd.Wz": shape [64, 128] × 4 bytes = 32768 bytes, but its offsets span 32000 bytes');
    // F16 counts 2 bytes per element: [2] F16 is 4 bytes, not 8.
    expectCode(() => decodeSafetensors(rawFile(`{"h":${entry('F16', [2], [0, 8])}}`, TWO)), 'size');
  });

  it('NaN or ±Infinity in the data → non-finite, naming the tensor and the first bad index', () => {
    const header = `{"ok":${entry('F32', [1], [0, 4])},"m":${entry('F32', [2, 3], [4, 28])}}`;
    const error = expectCode(() => decodeSafetensors(rawFile(header, f32le([1, 0, 0, 0, 0, NaN, Infinity]))), 'non-finite');
    expect(error.message).toBe('tensor "m": element 4 (index [1, 1]) is NaN; a checkpoint must hold finite values only');
    expectCode(() => decodeSafetensors(rawFile(`{"a":${A_F32}}`, f32le([-Infinity, 0]))), 'non-finite');
    // F16 infinity (0x7c00) and NaN (0x7e00).
    for (const bits of [0x7c00, 0xfc00, 0x7e00]) {
      const e = expectCode(() => decodeSafetensors(rawFile(`{"h":${entry('F16', [2], [0, 4])}}`, u16le([0x3c00, bits]))), 'non-finite');
      expect(e.message).toContain('tensor "h": element 1 is');
    }
  });

  it('"__proto__", "constructor" or "prototype" as a tensor name → header-json, and nothing is polluted', () => {
    const header = `{"__proto__":{"polluted":"yes","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`;
    const error = expectCode(() => decodeSafetensors(rawFile(header, TWO)), 'header-json');
    expect(error.message).toBe('"__proto__" is not allowed as a tensor name');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('dtype');
    for (const name of ['constructor', 'prototype']) {
      expectCode(() => decodeSafetensors(rawFile(`{"${name}":${A_F32}}`, TWO)), 'header-json');
    }
  });

  it('"__proto__" inside __metadata__ → header-json, and nothing is polluted', () => {
    const header = `{"__metadata__":{"__proto__":"x","polluted":"yes"},"a":${A_F32}}`;
    expectCode(() => decodeSafetensors(rawFile(header, TWO)), 'header-json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a duplicate key → header-json (JSON.parse alone would silently keep the last)', () => {
    const header = `{"a":${entry('F32', [2], [0, 8])},"a":${entry('F32', [2], [0, 8])}}`;
    expect(expectCode(() => decodeSafetensors(rawFile(header, TWO)), 'header-json').message).toContain('"a" twice');
    const inner = `{"a":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}`;
    expectCode(() => decodeSafetensors(rawFile(inner, TWO)), 'header-json');
    // Escapes are decoded before comparing: "a" and "\u0061" are the same key.
    const escaped = `{"a":${entry('F32', [2], [0, 8])},"\\u0061":${entry('F32', [2], [0, 8])}}`;
    expect(expectCode(() => decodeSafetensors(rawFile(escaped, TWO)), 'header-json').message).toContain('"a" twice');
    // Keys with escaped quotes and backslashes are read whole.
    const tricky = `{"q\\"x":${entry('F32', [1], [0, 4])},"q\\\\":${entry('F32', [1], [4, 8])}}`;
    expect([...decodeSafetensors(rawFile(tricky, TWO)).tensors.keys()]).toEqual(['q"x', 'q\\']);
    // The same key in two different objects is fine; a key-like string inside an array is not a key.
    const fine = `{"__metadata__":{"a":"shape"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":["a","a"]}}`;
    expect(decodeSafetensors(rawFile(fine, TWO)).tensors.size).toBe(1);
  });

  it('__metadata__ that is not a string → string record → header-json', () => {
    for (const meta of ['{"n":1}', '["a"]', '"x"', '{"o":{}}']) {
      expectCode(() => decodeSafetensors(rawFile(`{"__metadata__":${meta},"a":${A_F32}}`, TWO)), 'header-json');
    }
  });

  it('a tensor entry that is not an object → header-json', () => {
    expectCode(() => decodeSafetensors(rawFile('{"a":[1,2]}')), 'header-json');
    expectCode(() => decodeSafetensors(rawFile('{"a":"F32"}')), 'header-json');
  });

  it('a bad maxHeaderBytes option → invalid-argument', () => {
    expectCode(() => decodeSafetensors(REFERENCE_A, { maxHeaderBytes: -1 }), 'invalid-argument');
    expectCode(() => decodeSafetensors(REFERENCE_A, { maxHeaderBytes: NaN }), 'invalid-argument');
  });
});
