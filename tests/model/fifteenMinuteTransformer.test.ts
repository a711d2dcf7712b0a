// The checkpoint that meets issue 13's training-time target (README, "After 2014: the Transformer
// and fast weights"): checkpoints/en-fr-transformer-15min is kept as evidence, not served by the
// page. Its files must load as any checkpoint does (length, SHA-256, every tensor), and its
// manifest must record a run that meets the target: BLEU ≥ 95 and AER ≤ 0.20 on the held-out test
// split, trained in ≤ 15 minutes on two threads, with the command that reproduces it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/bundle';
import { isTransformer } from '../../src/model/config';

const DIR = 'checkpoints/en-fr-transformer-15min';

describe('the 15-minute Transformer checkpoint', () => {
  const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as {
    id: string;
    training: { command: string; seconds: number; threads: number; metrics: { bleu: number; aer: number } };
  };

  it('records a run that meets the target, and the command that reproduces it', () => {
    const t = manifest.training;
    expect(manifest.id).toBe('en-fr-transformer-15min');
    expect(t.seconds).toBeLessThanOrEqual(15 * 60);
    expect(t.threads).toBe(2);
    expect(t.metrics.bleu).toBeGreaterThanOrEqual(95);
    expect(t.metrics.aer).toBeLessThanOrEqual(0.2);
    expect(t.command).toContain(`--out ${DIR} `);
    expect(t.command).toContain('--threads 2');
    expect(t.command).toContain('--task en-fr --family transformer --variant scaled-dot');
  });

  it('loads as a checked checkpoint: a one-layer softmax Transformer', async () => {
    const model = await loadModel(manifest, new Uint8Array(readFileSync(`${DIR}/model.safetensors`)));
    expect(isTransformer(model.config)).toBe(true);
    expect(model.config).toMatchObject({ variant: 'scaled-dot', sizes: { layers: 1, heads: 4, model: 64 } });
  });
});
