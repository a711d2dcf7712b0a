// A trained model as one object: manifest, configuration, parameters, vocabularies, tokeniser
// settings and the inference engine; loading validates everything before anything is used, and
// saving produces the manifest + safetensors pair that loading accepts.

import type { TokenizerSettings } from '../data/tokenize';
import { Vocab, VocabError } from '../data/vocab';
import { CheckpointError, buildCheckpoint, parseManifest, verifyCheckpoint, type Manifest, type TrainingRecord } from './checkpoint';
import type { SafetensorsDType } from './checkpoint/safetensors';
import { paramSpecs, type ModelConfig } from './config';
import { InferenceModel } from './inference';
import { paramsFromValues, type Params } from './params';

export interface LoadedModel {
  manifest: Manifest;
  config: ModelConfig;
  params: Params;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  tokenizer: TokenizerSettings;
  inference: InferenceModel;
}

/** The configuration a manifest describes. */
export function configFromManifest(manifest: Manifest): ModelConfig {
  const ratio = manifest.extras?.lengthRatio;
  return {
    variant: manifest.variant,
    sizes: { ...manifest.sizes },
    srcVocabSize: manifest.vocab.source.length,
    tgtVocabSize: manifest.vocab.target.length,
    lengthRatio: typeof ratio === 'number' && ratio > 0 && ratio < 20 ? ratio : 1,
  };
}

/**
 * Validate a manifest (parsed JSON of unknown shape) and its weights, and build the model.
 * Throws CheckpointError (with a code and a user-facing message) on any problem.
 */
export async function loadModel(manifestValue: unknown, weights: Uint8Array): Promise<LoadedModel> {
  const manifest = parseManifest(manifestValue);
  let srcVocab: Vocab;
  let tgtVocab: Vocab;
  try {
    srcVocab = Vocab.fromJSON(manifest.vocab.source);
    tgtVocab = Vocab.fromJSON(manifest.vocab.target);
  } catch (err) {
    if (err instanceof VocabError) throw new CheckpointError('manifest', `manifest.vocab: ${err.message}`);
    throw err;
  }
  const config = configFromManifest(manifest);
  const expected = new Map(paramSpecs(config).map((s) => [s.name, s.shape] as const));
  const values = await verifyCheckpoint(manifest, weights, expected);
  const params = paramsFromValues(config, values);
  const inference = new InferenceModel(config, params, srcVocab, tgtVocab);
  return { manifest, config, params, srcVocab, tgtVocab, tokenizer: { ...manifest.tokenizer }, inference };
}

export interface SaveModelArgs {
  id: string;
  title?: string;
  task: string;
  config: ModelConfig;
  params: Params;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  tokenizer: TokenizerSettings;
  training: TrainingRecord;
  dtype: SafetensorsDType;
}

/** The manifest and safetensors bytes of a model (the weights are written in float32 or float16). */
export async function saveModel(args: SaveModelArgs): Promise<{ manifest: Manifest; weights: Uint8Array }> {
  const { config } = args;
  return buildCheckpoint({
    manifest: {
      format: 'rnnsearch-checkpoint',
      version: 1,
      id: args.id,
      ...(args.title ? { title: args.title } : {}),
      task: args.task,
      variant: config.variant,
      sizes: { ...config.sizes },
      vocab: { source: args.srcVocab.toJSON(), target: args.tgtVocab.toJSON() },
      tokenizer: { ...args.tokenizer },
      extras: { lengthRatio: config.lengthRatio },
      training: args.training,
    },
    tensors: args.params.list.map((p) => ({ name: p.name as string, shape: [...p.shape], data: Float32Array.from(p.data) })),
    dtype: args.dtype,
  });
}
