// A memory network's checkpoint: the same two files as every model (docs/ARCHITECTURE.md,
// "Checkpoints"), manifest.json + model.safetensors, with `family: "memn2n"`, the network's
// configuration instead of sizes, and one vocabulary (stories, questions and answers share it).
// Read with the same field validators and the same weights gate as translation checkpoints.

import * as v from 'valibot';
import { MAX_MEMORIES } from '../../data/tasks/babi';
import { Vocab } from '../../data/vocab';
import { CheckpointError, encodeSafetensors, MANIFEST_FORMAT, MANIFEST_VERSION, sha256Hex, verifyCheckpoint, type SafetensorsDType, type TrainingRecord, type WeightsRecord } from '../checkpoint';
import { manifestParts } from '../checkpoint/manifest';
import { Params } from '../params';
import { Tensor } from '../../tensor';
import { MAX_HOPS, memoryConfigProblems, memoryParamShapes, type MemoryConfig } from './forward';
import { MemoryModel } from './model';

export interface MemoryManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  id: string;
  title?: string;
  task: string;
  family: 'memn2n';
  config: { embed: number; hops: number; memories: number; temporal: boolean; positionEncoding: boolean };
  vocab: string[];
  training: TrainingRecord;
  weights: WeightsRecord;
}

const MAX_MANIFEST_CHARS = 1_000_000;

const P = manifestParts;
const configInt = (lo: number, hi: number) => P.is<number>((x) => P.isCount(x, lo, hi), `must be an integer in [${lo}, ${hi}]`);
const flag = v.boolean(P.got('must be true or false'));

/** manifest.json of a memory network: the translation manifest's rules for the fields they share. */
const MemoryManifestSchema = P.objectOf({
  ...P.HEAD_ENTRIES,
  title: v.optional(P.textOf(1, 200)),
  task: P.textOf(1, 64),
  family: v.literal('memn2n', P.got('must be "memn2n" (a translation model opens in the explorer)')),
  config: P.objectOf({ embed: configInt(1, 1024), hops: configInt(1, MAX_HOPS), memories: configInt(1, MAX_MEMORIES), temporal: flag, positionEncoding: flag }),
  vocab: P.VocabularySchema,
  training: P.TrainingSchema,
  weights: P.WeightsSchema,
});

/** Validates a parsed manifest.json of a memory network; CheckpointError 'manifest' names the field. */
export function parseMemoryManifest(value: unknown): MemoryManifest {
  return P.checked(MemoryManifestSchema, value, 'manifest');
}

export function parseMemoryManifestText(json: string): MemoryManifest {
  if (json.length > MAX_MANIFEST_CHARS) manifestParts.fail('manifest', `is ${json.length} characters long; the cap is ${MAX_MANIFEST_CHARS}`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CheckpointError('manifest', `manifest.json is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
  }
  return parseMemoryManifest(value);
}

function configOf(m: MemoryManifest): MemoryConfig {
  const config: MemoryConfig = { family: 'memn2n', vocabSize: m.vocab.length, ...m.config };
  const problems = memoryConfigProblems(config);
  if (problems.length > 0) throw new CheckpointError('manifest', `manifest.config: ${problems.join('; ')}`);
  return config;
}

/** Verify the weights against the manifest (length, hash, names, shapes) and build the model. */
export async function loadMemoryModel(manifest: MemoryManifest, weights: Uint8Array): Promise<MemoryModel> {
  const config = configOf(manifest);
  const values = await verifyCheckpoint(manifest, weights, memoryParamShapes(config));
  const tensors = [...memoryParamShapes(config)].map(([name, shape]) => new Tensor(values.get(name) as Float32Array, shape, true, name));
  return new MemoryModel(config, new Params(tensors), Vocab.fromJSON(manifest.vocab));
}

/** manifest.json text and weights bytes for a trained model. */
export async function saveMemoryModel(
  model: MemoryModel,
  meta: { id: string; title?: string; task: string; training: TrainingRecord; dtype: SafetensorsDType },
): Promise<{ manifest: MemoryManifest; manifestText: string; weights: Uint8Array }> {
  const weights = encodeSafetensors(
    model.params.list.map((t) => ({ name: t.name as string, shape: [...t.shape], data: Float32Array.from(t.data) })),
    { dtype: meta.dtype },
  );
  const { family: _family, vocabSize: _size, ...config } = model.config;
  const manifest = parseMemoryManifest({
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id: meta.id,
    ...(meta.title ? { title: meta.title } : {}),
    task: meta.task,
    family: 'memn2n',
    config,
    vocab: model.vocab.toJSON(),
    training: meta.training,
    weights: { file: 'model.safetensors', byteLength: weights.byteLength, sha256: await sha256Hex(weights), dtype: meta.dtype },
  });
  return { manifest, manifestText: `${JSON.stringify(manifest, null, 2)}\n`, weights };
}
