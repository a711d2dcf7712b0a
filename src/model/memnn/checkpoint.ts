// A memory network's checkpoint: the same two files as every model (docs/ARCHITECTURE.md,
// "Checkpoints"), manifest.json + model.safetensors, with `family: "memn2n"`, the network's
// configuration instead of sizes, and one vocabulary (stories, questions and answers share it).
// Read with the same field validators and the same weights gate as translation checkpoints.

import { MAX_MEMORIES } from '../../data/tasks/babi';
import { Vocab } from '../../data/vocab';
import { CheckpointError, encodeSafetensors, MANIFEST_FORMAT, MANIFEST_VERSION, sha256Hex, verifyCheckpoint, type SafetensorsDType, type TrainingRecord, type WeightsRecord } from '../checkpoint';
import { manifestFields as F } from '../checkpoint/manifest';
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

/** Validates a parsed manifest.json of a memory network; CheckpointError 'manifest' names the field. */
export function parseMemoryManifest(value: unknown): MemoryManifest {
  const root = F.object(value, 'manifest');
  if (F.own(root, 'format') !== MANIFEST_FORMAT) F.fail('manifest.format', `must be "${MANIFEST_FORMAT}"`, F.own(root, 'format'));
  if (F.own(root, 'version') !== MANIFEST_VERSION) F.fail('manifest.version', `must be ${MANIFEST_VERSION}`, F.own(root, 'version'));
  if (F.own(root, 'family') !== 'memn2n') F.fail('manifest.family', 'must be "memn2n" (a translation model opens in the explorer)', F.own(root, 'family'));
  const id = F.own(root, 'id');
  if (typeof id !== 'string' || !F.id.test(id)) return F.fail('manifest.id', 'must be 1–64 characters of a-z, 0-9 and "-"', id);
  const title = F.own(root, 'title');
  const c = F.object(F.own(root, 'config'), 'manifest.config');
  const int = (key: string, lo: number, hi: number): number => {
    const v = F.integer(F.own(c, key), `manifest.config.${key}`);
    if (v < lo || v > hi) F.fail(`manifest.config.${key}`, `must be in [${lo}, ${hi}]`, v);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = F.own(c, key);
    if (typeof v !== 'boolean') return F.fail(`manifest.config.${key}`, 'must be true or false', v);
    return v;
  };
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id,
    ...(title !== undefined ? { title: F.text(title, 'manifest.title', 1, 200) } : {}),
    task: F.text(F.own(root, 'task'), 'manifest.task', 1, 64),
    family: 'memn2n',
    config: { embed: int('embed', 1, 1024), hops: int('hops', 1, MAX_HOPS), memories: int('memories', 1, MAX_MEMORIES), temporal: bool('temporal'), positionEncoding: bool('positionEncoding') },
    vocab: F.vocabulary(F.own(root, 'vocab'), 'manifest.vocab'),
    training: F.training(F.own(root, 'training')),
    weights: F.weights(F.own(root, 'weights')),
  };
}

export function parseMemoryManifestText(json: string): MemoryManifest {
  if (json.length > MAX_MANIFEST_CHARS) F.fail('manifest', `is ${json.length} characters long; the cap is ${MAX_MANIFEST_CHARS}`);
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
