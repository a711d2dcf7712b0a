// Loading a model from the reader's files: manifest.json + model.safetensors, picked or dropped
// together. Everything is validated by `loadModel` (manifest schema, byte length, SHA-256, every
// tensor's name, dtype and shape) before the page uses it; any problem becomes one clear message
// and nothing the reader had changes.

import { finishModel, prepareModel, type LoadedModel } from '../../model/bundle';
import { CheckpointError, MAX_MANIFEST_CHARS, parseManifestText } from '../../model/checkpoint';
import { errorReason } from '../../store/errorReason';
import { msg, MessageError, type Message } from '../i18n';

/** Largest weights file read (a page-sized model is a few MB; the shipped ones ≤ 2 MB). */
export const MAX_WEIGHTS_FILE_BYTES = 256 * 1024 * 1024;

/** A problem with the reader's files: its message is one of the UI's (English `message`, translated where shown). */
export class ModelFilesError extends MessageError {
  override readonly name = 'ModelFilesError';
}

/** What loading needs of a File (a Blob with a name); tests pass plain objects. */
export interface NamedBlob {
  name: string;
  size: number;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function describe(files: readonly NamedBlob[]): Message | Message[] {
  return files.length === 0 ? msg('files.noFile') : files.map((f) => msg('files.quoted', { name: f.name.slice(0, 80) }));
}

/** A subword model's tokenizer.json files (tokenizer.source.json, tokenizer.target.json). */
const TOKENIZER_FILE = /^tokenizer\.(source|target)\.json$/i;

/** Pick the manifest, the weights and any tokenizer files among the files (by name and extension). */
export function pickModelFiles(files: readonly NamedBlob[]): { manifest: NamedBlob; weights: NamedBlob; tokenizers: NamedBlob[] } {
  const tokenizers = files.filter((f) => TOKENIZER_FILE.test(f.name));
  const manifests = files.filter((f) => f.name.toLowerCase().endsWith('.json') && !TOKENIZER_FILE.test(f.name));
  const weights = files.filter((f) => f.name.toLowerCase().endsWith('.safetensors'));
  if (manifests.length !== 1 || weights.length !== 1) {
    throw new ModelFilesError(msg('files.pick', { files: describe(files) }));
  }
  return { manifest: manifests[0] as NamedBlob, weights: weights[0] as NamedBlob, tokenizers };
}

/** Hears the files once the manifest is checked, before the weights are checked and the model built. */
export type FilesHeard = (files: NonNullable<LoadedModel['checkpoint']>, config: LoadedModel['config']) => void;

/**
 * Read, validate and build the model; throws ModelFilesError with a message for the reader.
 * `onFiles` hears the files before the weights are checked (the page hands a large model to the
 * analysis worker then, so that both build it at once: docs/ARCHITECTURE.md, "Large models").
 */
export async function readModelFiles(files: readonly NamedBlob[], onFiles?: FilesHeard): Promise<LoadedModel> {
  const picked = pickModelFiles(files);
  if (picked.manifest.size > MAX_MANIFEST_CHARS * 4) throw new ModelFilesError(msg('files.manifestLarge', { name: picked.manifest.name.slice(0, 80) }));
  if (picked.weights.size > MAX_WEIGHTS_FILE_BYTES) throw new ModelFilesError(msg('files.weightsLarge', { name: picked.weights.name.slice(0, 80), mib: MAX_WEIGHTS_FILE_BYTES / (1024 * 1024) }));
  try {
    const manifest = parseManifestText(await picked.manifest.text());
    const weights = new Uint8Array(await picked.weights.arrayBuffer());
    const extra: Record<string, Uint8Array> = {};
    for (const f of picked.tokenizers) {
      if (f.size > MAX_MANIFEST_CHARS * 4) throw new ModelFilesError(msg('files.manifestLarge', { name: f.name.slice(0, 80) }));
      extra[f.name.toLowerCase()] = new Uint8Array(await f.arrayBuffer());
    }
    const prepared = await prepareModel(manifest, extra);
    onFiles?.({ manifest: prepared.manifestValue, weights, files: prepared.files }, prepared.config);
    return await finishModel(prepared, weights);
  } catch (err) {
    // the checker's reason is a technical (English) detail inside a translated sentence
    if (err instanceof CheckpointError) throw new ModelFilesError(msg('files.invalid', { detail: errorReason(err) }));
    throw new ModelFilesError(msg('files.unreadable', { detail: errorReason(err) }));
  }
}
