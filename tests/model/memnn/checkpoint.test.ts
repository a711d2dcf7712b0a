import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/model/checkpoint';
import { loadMemoryModel, parseMemoryManifest, parseMemoryManifestText, saveMemoryModel } from '../../../src/model/memnn/checkpoint';
import { smallMemoryModel } from './fixtures';

const training = { command: 'test', seconds: 1, steps: 0, seed: 1, data: 'fixtures', date: '2026-12-03T00:00:00Z' };

describe('memory network checkpoints', () => {
  it('round-trip: the loaded network answers exactly as the saved one', async () => {
    const model = smallMemoryModel(2);
    const { manifestText, weights } = await saveMemoryModel(model, { id: 'test-mem', task: 'babi', training, dtype: 'F32' });
    const back = await loadMemoryModel(parseMemoryManifestText(manifestText), weights);
    const story = [['mary', 'went', 'to', 'the', 'kitchen'], ['john', 'got', 'the', 'milk']];
    expect(back.answer(story, ['where', 'is', 'mary']).hops).toEqual(model.answer(story, ['where', 'is', 'mary']).hops);
  });

  it('names the field or check that fails', async () => {
    const model = smallMemoryModel(3);
    const { manifest, weights } = await saveMemoryModel(model, { id: 'test-mem', task: 'babi', training, dtype: 'F32' });
    const bad = (patch: Record<string, unknown>): unknown => ({ ...JSON.parse(JSON.stringify(manifest)), ...patch });
    expect(() => parseMemoryManifest(bad({ config: { ...manifest.config, hops: 4 } }))).toThrow('manifest.config.hops must be an integer in [1, 3], got 4');
    expect(() => parseMemoryManifest(bad({ config: { ...manifest.config, embed: 1.5 } }))).toThrow('manifest.config.embed must be an integer in [1, 1024], got 1.5');
    // a clean copy: unknown fields are dropped, and the result round-trips
    expect(parseMemoryManifest(bad({ extra: { deep: 1 } }))).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(() => parseMemoryManifest(bad({ config: { ...manifest.config, temporal: 'yes' } }))).toThrow(/manifest.config.temporal/);
    expect(() => parseMemoryManifest(bad({ family: 'transformer' }))).toThrow(/manifest.family/);
    expect(() => parseMemoryManifest(bad({ vocab: ['a'] }))).toThrow(/manifest.vocab/);
    expect(() => parseMemoryManifestText('{oops')).toThrow(/not valid JSON/);
    // a network with fewer hops than the manifest says: the weights lack tensors
    const two = await saveMemoryModel(smallMemoryModel(2), { id: 'test-mem', task: 'babi', training, dtype: 'F32' });
    await expect(loadMemoryModel({ ...two.manifest, config: { ...two.manifest.config, hops: 3 } }, two.weights)).rejects.toThrow(/lack 2 tensors/);
    // tampered bytes
    const flipped = weights.slice();
    flipped[flipped.length - 1] ^= 1;
    await expect(loadMemoryModel(manifest, flipped)).rejects.toThrow(/SHA-256/);
  });

  it('a translation loader refuses a memory network and says where it opens', async () => {
    const { manifest } = await saveMemoryModel(smallMemoryModel(1), { id: 'test-mem', task: 'babi', training, dtype: 'F32' });
    expect(() => parseManifest(JSON.parse(JSON.stringify(manifest)))).toThrow(/memory network.*Memory page/);
  });
});

describe('the shipped memory networks', () => {
  it('load, and the 3-hop network answers the two-fact example that the 1-hop one gets wrong', async () => {
    const { readFileSync } = await import('node:fs');
    const load = async (id: string) =>
      loadMemoryModel(parseMemoryManifestText(readFileSync(`public/models/${id}/manifest.json`, 'utf8')), new Uint8Array(readFileSync(`public/models/${id}/model.safetensors`)));
    const [one, three] = await Promise.all([load('babi-memn2n-1hop'), load('babi-memn2n-3hop')]);
    expect([one.config.hops, three.config.hops]).toEqual([1, 3]);
    const story = ['john went to the bedroom', 'john picked up the football', 'mary moved to the garden', 'john travelled to the office', 'sandra went to the kitchen'].map((s) => s.split(' '));
    const q = ['where', 'is', 'the', 'football'];
    expect(three.answer(story, q).answers[0]?.token).toBe('office');
    expect(one.answer(story, q).answers[0]?.token).not.toBe('office');
  });
});
