import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromManifest, loadModel, MAX_MODEL_PARAMETERS, saveModel } from '../../src/model/bundle';
import { CheckpointError, parseManifest } from '../../src/model/checkpoint';
import { paramSpecs } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { makeConfig, srcVocab, tgtVocab } from './fixtures';

/** Parameters of the model a manifest describes, summed from paramSpecs. */
function parameters(manifest: unknown): number {
  return paramSpecs(configFromManifest(parseManifest(manifest))).reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
}

const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-11-21T00:00:00Z' };

async function saved(variant: Parameters<typeof makeConfig>[0], dtype: 'F32' | 'F16') {
  const config = makeConfig(variant);
  const params = initParams(config, 4);
  const out = await saveModel({ id: `t-${variant}`, task: 'toy', config, params, srcVocab, tgtVocab, tokenizer: { level: 'word', lowercase: true }, training, dtype });
  return { config, params, ...out };
}

describe('model bundle: save → load', () => {
  it('round-trips every variant exactly in F32 and within half precision in F16, and decodes the same', async () => {
    for (const variant of ['additive', 'none', 'scaled-dot', 'diagonal'] as const) {
      const { params, manifest, weights } = await saved(variant, 'F32');
      const json = JSON.parse(JSON.stringify(manifest)) as unknown;
      const m = await loadModel(json, weights);
      expect(m.config.variant).toBe(variant);
      for (const p of params.list) expect(Array.from(m.params.get(p.name as string).data)).toEqual(Array.from(p.data));
      const enc = m.inference.encodeTokens(['the', 'cat', 'sat']);
      expect(m.inference.greedy(enc, { maxLength: 5 }).steps.length).toBeGreaterThan(0);
      const half = await saved(variant, 'F16');
      const mh = await loadModel(JSON.parse(JSON.stringify(half.manifest)), half.weights);
      for (const p of params.list) {
        const got = mh.params.get(p.name as string).data;
        for (let i = 0; i < p.size; i++) expect(Math.abs((got[i] as number) - (p.data[i] as number))).toBeLessThanOrEqual(1e-3 * Math.abs(p.data[i] as number) + 1e-7);
      }
      expect(half.weights.byteLength).toBeLessThan(weights.byteLength * 0.6);
    }
  });

  it('rejects a checkpoint of another variant, a corrupt weight file and a bad vocabulary with CheckpointError', async () => {
    const { manifest, weights } = await saved('additive', 'F32');
    const wrongVariant = { ...manifest, variant: 'dot' };
    await expect(loadModel(wrongVariant, weights)).rejects.toMatchObject({ code: 'unexpected-tensor' });
    const flipped = weights.slice();
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 0xff;
    await expect(loadModel(manifest, flipped)).rejects.toMatchObject({ code: 'sha256' });
    await expect(loadModel({ ...manifest, vocab: { ...manifest.vocab, target: ['<pad>', '<s>', '</s>', '<unk>', 'a', 'a'] } }, weights)).rejects.toBeInstanceOf(CheckpointError);
    await expect(loadModel(null, weights)).rejects.toBeInstanceOf(CheckpointError);
  });

  it('refuses a model over the parameter budget before the weights are read, naming its parameter count and the limit', async () => {
    const { manifest, weights } = await saved('additive', 'F32');
    // within every per-size cap of the manifest (4096), far over the memory budget
    const big = { ...manifest, sizes: { embedding: 4096, hidden: 4096, alignment: 4096, maxout: 4096 } };
    const count = parameters(big);
    expect(count).toBeGreaterThan(MAX_MODEL_PARAMETERS);
    for (const file of [weights, new Uint8Array(0)]) {
      const err = (await loadModel(big, file).catch((e: unknown) => e)) as CheckpointError;
      expect(err).toBeInstanceOf(CheckpointError);
      expect(err.code).toBe('manifest');
      expect(err.message).toContain(`${count.toLocaleString('en-US')} parameters`);
      expect(err.message).toContain(`the limit is ${MAX_MODEL_PARAMETERS.toLocaleString('en-US')}`);
    }
  });

  it('every model shipped in public/models is within the budget', () => {
    const root = 'public/models';
    // memory networks are not translation models (docs/ARCHITECTURE.md, "Memory networks"); the tiny ones are checked in tests/model/memnn
    const ids = readdirSync(root).filter((id) => existsSync(`${root}/${id}/manifest.json`) && !id.startsWith('babi-'));
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const id of ids) {
      const n = parameters(JSON.parse(readFileSync(`${root}/${id}/manifest.json`, 'utf8')));
      expect(n, id).toBeGreaterThan(0);
      expect(n, id).toBeLessThanOrEqual(MAX_MODEL_PARAMETERS); // the largest, tatoeba-en-fr, has about 1.5 million
    }
  });
});
