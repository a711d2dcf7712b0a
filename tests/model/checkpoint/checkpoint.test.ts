// buildCheckpoint → verifyCheckpoint: the loader's gate in order (byteLength, sha256, safetensors
// structure, dtype, missing / unexpected tensors, shapes), and sha256Hex against known vectors.
import { describe, expect, it } from 'vitest';
import {
  buildCheckpoint,
  parseManifest,
  sha256Hex,
  verifyCheckpoint,
  type Manifest,
  type NamedTensor,
} from '../../../src/model/checkpoint';
import { entry, expectCodeAsync, f32le, rawFile, utf8, validManifestJson } from './helpers';

const base = (): Omit<Manifest, 'weights'> => {
  const { weights: _weights, ...rest } = parseManifest(validManifestJson());
  return rest;
};

function params(): NamedTensor[] {
  return [
    { name: 'encoder.embedding', shape: [6, 4], data: Float32Array.from({ length: 24 }, (_, k) => Math.sin(k) * 0.5) },
    { name: 'encoder.fwd.Wz', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, k) => (k - 6) / 7) },
    { name: 'decoder.bias', shape: [3], data: new Float32Array([0.1, -0.2, 1e-3]) },
  ];
}

const expectedShapes = (tensors: readonly NamedTensor[]) => new Map(tensors.map((t) => [t.name, t.shape.slice()]));

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', async () => {
    expect(await sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes only the bytes of a view, not its whole buffer', async () => {
    const big = utf8('xxabcyy');
    expect(await sha256Hex(big.subarray(2, 5))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('buildCheckpoint and verifyCheckpoint', () => {
  it('F32: a built checkpoint verifies and returns every value exactly, in the expected order', async () => {
    const tensors = params();
    const { manifest, weights } = await buildCheckpoint({ manifest: base(), tensors, dtype: 'F32' });
    expect(manifest.weights).toEqual({ file: 'model.safetensors', byteLength: weights.byteLength, sha256: await sha256Hex(weights), dtype: 'F32' });
    expect(manifest.id).toBe('en-fr-additive');
    const reversed = new Map([...expectedShapes(tensors)].reverse());
    const values = await verifyCheckpoint(manifest, weights, reversed);
    expect([...values.keys()]).toEqual([...reversed.keys()]);
    for (const t of tensors) expect(Array.from(values.get(t.name) ?? [])).toEqual(Array.from(t.data));
  });

  it('F16: values come back within half precision; the file is about half the size', async () => {
    const tensors = params();
    const f32 = await buildCheckpoint({ manifest: base(), tensors, dtype: 'F32' });
    const f16 = await buildCheckpoint({ manifest: base(), tensors, dtype: 'F16', file: 'model-f16.safetensors' });
    expect(f16.manifest.weights.dtype).toBe('F16');
    expect(f16.manifest.weights.file).toBe('model-f16.safetensors');
    expect(f16.weights.byteLength).toBeLessThan(f32.weights.byteLength);
    const values = await verifyCheckpoint(f16.manifest, f16.weights, expectedShapes(tensors));
    for (const t of tensors) {
      const got = values.get(t.name) as Float32Array;
      t.data.forEach((v, k) => expect(Math.abs((got[k] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25));
    }
  });

  it('the manifest it builds serialises and parses back to the same thing', async () => {
    const { manifest } = await buildCheckpoint({ manifest: base(), tensors: params(), dtype: 'F32', metadata: { source: 'test' } });
    expect(parseManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
  });

  it('is deterministic: the same inputs give the same bytes and hash', async () => {
    const a = await buildCheckpoint({ manifest: base(), tensors: params(), dtype: 'F16' });
    const b = await buildCheckpoint({ manifest: base(), tensors: params(), dtype: 'F16' });
    expect(a.manifest.weights.sha256).toBe(b.manifest.weights.sha256);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });

  it('refuses a bad manifest or bad tensors', async () => {
    await expectCodeAsync(buildCheckpoint({ manifest: { ...base(), id: 'Not OK' }, tensors: params(), dtype: 'F32' }), 'manifest');
    await expectCodeAsync(buildCheckpoint({ manifest: base(), tensors: params(), dtype: 'F32', file: '../evil' }), 'manifest');
    const bad = params();
    (bad[2] as NamedTensor).data[1] = NaN;
    await expectCodeAsync(buildCheckpoint({ manifest: base(), tensors: bad, dtype: 'F32' }), 'non-finite');
  });
});

describe('verifyCheckpoint rejects mismatched or corrupt weights', () => {
  async function built() {
    const tensors = params();
    return { ...(await buildCheckpoint({ manifest: base(), tensors, dtype: 'F32' })), expected: expectedShapes(tensors) };
  }

  /** A manifest whose byteLength and sha256 describe `weights` (so the later checks are reached). */
  async function describing(manifest: Manifest, weights: Uint8Array, dtype = manifest.weights.dtype): Promise<Manifest> {
    return { ...manifest, weights: { ...manifest.weights, byteLength: weights.byteLength, sha256: await sha256Hex(weights), dtype } };
  }

  it('byteLength mismatch (a truncated or extended file) → byte-length', async () => {
    const { manifest, weights, expected } = await built();
    const error = await expectCodeAsync(verifyCheckpoint(manifest, weights.subarray(0, weights.length - 1), expected), 'byte-length');
    expect(error.message).toBe(
      `the weights file "model.safetensors" is ${weights.length - 1} bytes, but the manifest says ${weights.length} (truncated or from another checkpoint?)`,
    );
    const longer = new Uint8Array(weights.length + 1);
    longer.set(weights);
    await expectCodeAsync(verifyCheckpoint(manifest, longer, expected), 'byte-length');
  });

  it('one flipped byte → sha256, wherever it is', async () => {
    const { manifest, weights, expected } = await built();
    for (const at of [0, 9, weights.length - 1]) {
      const flipped = weights.slice();
      flipped[at] = (flipped[at] as number) ^ 0x01;
      const error = await expectCodeAsync(verifyCheckpoint(manifest, flipped, expected), 'sha256');
      expect(error.message).toContain(manifest.weights.sha256);
    }
  });

  it('a corrupt file whose hash matches its manifest still fails the safetensors checks', async () => {
    const { manifest, expected } = await built();
    const nan = rawFile(`{"decoder.bias":${entry('F32', [3], [0, 12])}}`, f32le([0, NaN, 0]));
    await expectCodeAsync(verifyCheckpoint(await describing(manifest, nan), nan, expected), 'non-finite');
    const gap = rawFile(`{"decoder.bias":${entry('F32', [3], [0, 12])}}`, f32le([0, 1, 2, 3]));
    await expectCodeAsync(verifyCheckpoint(await describing(manifest, gap), gap, expected), 'offsets');
  });

  it('F16 weights under a manifest that says F32 → dtype', async () => {
    const tensors = params();
    const { manifest, weights } = await buildCheckpoint({ manifest: base(), tensors, dtype: 'F16' });
    const lying = await describing(manifest, weights, 'F32');
    const error = await expectCodeAsync(verifyCheckpoint(lying, weights, expectedShapes(tensors)), 'dtype');
    expect(error.message).toBe('tensor "encoder.embedding" is stored as F16, but the manifest says the weights are F32');
  });

  it('a tensor the model needs is missing → missing-tensor, naming it', async () => {
    const { manifest, weights, expected } = await built();
    const needs = new Map(expected).set('decoder.Wo', [3, 6]);
    const error = await expectCodeAsync(verifyCheckpoint(manifest, weights, needs), 'missing-tensor');
    expect(error.message).toBe('the weights lack 1 tensor the model needs: "decoder.Wo"');
  });

  it('a tensor the model does not know → unexpected-tensor, naming it', async () => {
    const { manifest, weights, expected } = await built();
    const fewer = new Map(expected);
    fewer.delete('encoder.fwd.Wz');
    const error = await expectCodeAsync(verifyCheckpoint(manifest, weights, fewer), 'unexpected-tensor');
    expect(error.message).toContain('"encoder.fwd.Wz"');
  });

  it('a tensor with the wrong shape → shape, with both shapes', async () => {
    const { manifest, weights, expected } = await built();
    const other = new Map(expected).set('encoder.fwd.Wz', [3, 4]);
    const error = await expectCodeAsync(verifyCheckpoint(manifest, weights, other), 'shape');
    expect(error.message).toBe('tensor "encoder.fwd.Wz" has shape [4, 3], but the model expects [3, 4]');
    await expectCodeAsync(verifyCheckpoint(manifest, weights, new Map(expected).set('decoder.bias', [3, 1])), 'shape');
  });

  it('checks run in order: byte length before sha256 before structure', async () => {
    const { manifest, weights, expected } = await built();
    const broken = weights.slice(0, weights.length - 4); // wrong length, wrong hash, truncated data
    await expectCodeAsync(verifyCheckpoint(manifest, broken, expected), 'byte-length');
    await expectCodeAsync(verifyCheckpoint({ ...manifest, weights: { ...manifest.weights, byteLength: broken.length } }, broken, expected), 'sha256');
    await expectCodeAsync(verifyCheckpoint(await describing(manifest, broken), broken, expected), 'offsets');
  });
});
