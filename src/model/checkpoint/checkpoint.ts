// A checkpoint = manifest.json + model.safetensors. `verifyCheckpoint` is the loader's gate: it
// checks the weights against the manifest (length, SHA-256, dtype), the safetensors structure, and
// the tensor names and shapes against what the model expects, before anything is used.
// `buildCheckpoint` is the writer's side: encode, hash, and fill manifest.weights.

import { sameShape } from '../../tensor';
import { CheckpointError, quote } from './errors';
import { parseManifest, type Manifest } from './manifest';
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsDType } from './safetensors';

/** SHA-256 of `bytes` (only the view's own bytes) as 64 lowercase hex digits, via crypto.subtle. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // digest() wants ArrayBuffer-backed bytes; a view of a SharedArrayBuffer is copied first.
  const own: Uint8Array<ArrayBuffer> = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', own));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Default file name of the weights next to manifest.json. */
export const DEFAULT_WEIGHTS_FILE = 'model.safetensors';

/**
 * Checks `weights` against a validated `manifest` and the model's expected tensor shapes, in this
 * order: byteLength, sha256, safetensors structure and values, dtype = manifest.weights.dtype,
 * every expected name present, no unexpected name, every shape as expected. Returns the float32
 * values by name (in `expected`'s order). Throws CheckpointError on the first failed check.
 */
export async function verifyCheckpoint(
  manifest: Pick<Manifest, 'weights'>,
  weights: Uint8Array,
  expected: ReadonlyMap<string, readonly number[]>,
): Promise<Map<string, Float32Array>> {
  const want = manifest.weights;
  if (weights.byteLength !== want.byteLength) {
    throw new CheckpointError(
      'byte-length',
      `the weights file ${quote(want.file)} is ${weights.byteLength} bytes, but the manifest says ${want.byteLength} (truncated or from another checkpoint?)`,
    );
  }
  const sha256 = await sha256Hex(weights);
  if (sha256 !== want.sha256) {
    throw new CheckpointError('sha256', `the weights file ${quote(want.file)} has SHA-256 ${sha256}, but the manifest says ${want.sha256}: the file is corrupt or from another checkpoint`);
  }

  const { tensors } = decodeSafetensors(weights);
  for (const [name, tensor] of tensors) {
    if (tensor.dtype !== want.dtype) {
      throw new CheckpointError('dtype', `tensor ${quote(name)} is stored as ${tensor.dtype}, but the manifest says the weights are ${want.dtype}`);
    }
  }

  const missing = [...expected.keys()].filter((name) => !tensors.has(name));
  if (missing.length > 0) {
    throw new CheckpointError('missing-tensor', `the weights lack ${missing.length} tensor${missing.length === 1 ? '' : 's'} the model needs: ${listNames(missing)}`);
  }
  const unexpected = [...tensors.keys()].filter((name) => !expected.has(name));
  if (unexpected.length > 0) {
    throw new CheckpointError(
      'unexpected-tensor',
      `the weights have ${unexpected.length} tensor${unexpected.length === 1 ? '' : 's'} the model does not know: ${listNames(unexpected)} (a checkpoint for another variant or version?)`,
    );
  }

  const out = new Map<string, Float32Array>();
  for (const [name, shape] of expected) {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new CheckpointError('missing-tensor', `the weights lack tensor ${quote(name)}`);
    if (!sameShape(tensor.shape, shape)) {
      throw new CheckpointError('shape', `tensor ${quote(name)} has shape [${tensor.shape.join(', ')}], but the model expects [${shape.join(', ')}]`);
    }
    out.set(name, tensor.data);
  }
  return out;
}

/** Arguments of `buildCheckpoint`. */
export interface BuildCheckpointArgs {
  /** Everything but `weights`, which is computed. */
  manifest: Omit<Manifest, 'weights'> & { weights?: never };
  /** The parameters, written in this order. */
  tensors: readonly NamedTensor[];
  dtype: SafetensorsDType;
  /** Weights file name recorded in the manifest (default DEFAULT_WEIGHTS_FILE). */
  file?: string;
  /** Optional strings for the safetensors "__metadata__" record. */
  metadata?: Readonly<Record<string, string>>;
}

/**
 * Encodes `tensors` as safetensors, hashes them and returns the completed, validated manifest
 * with the bytes. Throws CheckpointError for bad tensors ('invalid-argument', 'size',
 * 'non-finite') or a bad manifest ('manifest').
 */
export async function buildCheckpoint(args: BuildCheckpointArgs): Promise<{ manifest: Manifest; weights: Uint8Array }> {
  const weights = encodeSafetensors(args.tensors, { dtype: args.dtype, ...(args.metadata ? { metadata: args.metadata } : {}) });
  const manifest = parseManifest({
    ...args.manifest,
    weights: { file: args.file ?? DEFAULT_WEIGHTS_FILE, byteLength: weights.byteLength, sha256: await sha256Hex(weights), dtype: args.dtype },
  });
  return { manifest, weights };
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((name) => quote(name)).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}
