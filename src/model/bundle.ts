// A trained model as one object: manifest, configuration, parameters, vocabularies, tokeniser
// settings and the inference engine; loading validates everything before anything is used, and
// saving produces the manifest + safetensors pair that loading accepts.

import { warmWordSegmenter, type TokenizerSettings } from '../data/tokenize';
import { Vocab, VocabError } from '../data/vocab';
import { BpeError, BpeTokenizer, MAX_TOKENIZER_CHARS } from '../data/bpe';
import { bpeCodec, settingsCodec, type TextCodec } from '../data/codec';
import { BPE_FILES, CheckpointError, buildCheckpoint, parseManifest, sha256Hex, verifyCheckpoint, type FileRecord, type Manifest, type TrainingRecord } from './checkpoint';
import type { SafetensorsDType } from './checkpoint/safetensors';
import { paramSpecs, validateConfig, type ModelConfig, type ModelSizes, type TransformerSizes, type TransformerVariant } from './config';
import { createModel, type TranslationModel } from './family';
import { paramsFromValues, type Params } from './params';

export interface LoadedModel {
  manifest: Manifest;
  config: ModelConfig;
  params: Params;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  tokenizer: TokenizerSettings;
  /** Text ↔ tokens for each side: the only way the layers above tokenise. */
  codecs: { source: TextCodec; target: TextCodec };
  /** The subword tokenizers (bpe models only), to save them again beside the weights. */
  bpe?: { source: BpeTokenizer; target: BpeTokenizer };
  inference: TranslationModel;
  /**
   * The checkpoint this model was loaded from, as given to loadModel (the bytes are not copied):
   * the analysis worker loads its own copy from them (src/worker/analysisClient.ts).
   */
  checkpoint?: { manifest: unknown; weights: Uint8Array; files: ExtraFiles };
}

/**
 * The memory budget of a loaded model: the most parameters (all tensors of `paramSpecs(config)`)
 * that loadModel accepts. Decoding as you type no longer sets the limit: models above
 * WORKER_ONLY_PARAMETERS (src/worker/analysisClient.ts) are decoded in the analysis worker, and
 * the page only renders (docs/ARCHITECTURE.md, "Large models"). Memory does: a model is held as
 * float32 twice (the page's copy, for the score breakdown, and the worker's) beside its checkpoint
 * bytes, about 10 bytes a parameter in float16, so 120 million is some 1.2 GB — the paper's
 * RNNsearch-50 (620/1000, 30,000-word vocabularies: 80 million) fits, with room for larger
 * vocabularies. The manifest's size caps alone (4096 a size) allow far more: hidden 4096 with
 * 30,000-word vocabularies is some 400 million parameters. Checked on the manifest, before the
 * tokenizers and the weights are read (docs/RELIABILITY.md, "a checkpoint within every size cap").
 */
export const MAX_MODEL_PARAMETERS = 120_000_000;

/** The number of parameters a configuration has (the sum over its tensors' shapes). */
export function parameterCount(config: ModelConfig): number {
  let n = 0;
  for (const spec of paramSpecs(config)) n += spec.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Files beside manifest.json other than the weights (the tokenizer.json files), by name. */
export type ExtraFiles = Readonly<Record<string, Uint8Array>>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Let other work run (a macrotask boundary in the page; a no-op cost in Node). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function readTokenizer(record: FileRecord, files: ExtraFiles, side: string, vocab: readonly string[]): Promise<BpeTokenizer> {
  const bytes = Object.hasOwn(files, record.file) ? files[record.file] : undefined;
  if (!bytes) throw new CheckpointError('manifest', `the ${side} tokenizer file ${JSON.stringify(record.file)} is missing (a subword model needs it beside manifest.json)`);
  if (bytes.byteLength > MAX_TOKENIZER_CHARS * 4) throw new CheckpointError('manifest', `the ${side} tokenizer file is ${bytes.byteLength} bytes; the limit is ${MAX_TOKENIZER_CHARS * 4}`);
  const sha = await sha256Hex(bytes);
  if (sha !== record.sha256) throw new CheckpointError('sha256', `the ${side} tokenizer file ${JSON.stringify(record.file)} has SHA-256 ${sha}, but the manifest says ${record.sha256}: the file is corrupt or from another checkpoint`);
  let bpe: BpeTokenizer;
  try {
    bpe = BpeTokenizer.fromJSON(JSON.parse(utf8.decode(bytes)));
  } catch (err) {
    if (err instanceof BpeError) throw new CheckpointError('manifest', `${record.file}: ${err.message}`);
    throw new CheckpointError('manifest', `${record.file} is not valid UTF-8 JSON`);
  }
  const v = bpe.spec.vocab;
  if (v.length !== vocab.length || v.some((t, k) => t !== vocab[k])) throw new CheckpointError('manifest', `${record.file}: its vocabulary differs from manifest.vocab.${side}`);
  return bpe;
}

/** The bytes of a tokenizer.json we write (canonical JSON, newline-terminated). */
export function tokenizerBytes(bpe: BpeTokenizer): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(bpe.toJSON())}\n`);
}

/** The configuration a manifest describes. */
export function configFromManifest(manifest: Manifest): ModelConfig {
  const ratio = manifest.extras?.lengthRatio;
  const common = {
    srcVocabSize: manifest.vocab.source.length,
    tgtVocabSize: manifest.vocab.target.length,
    lengthRatio: typeof ratio === 'number' && ratio > 0 && ratio < 20 ? ratio : 1,
  };
  // parseManifest checked that the variant and the size fields belong to the family
  const config: ModelConfig =
    manifest.family === 'transformer'
      ? { family: 'transformer', variant: manifest.variant as TransformerVariant, sizes: { ...(manifest.sizes as TransformerSizes) }, ...common }
      : { variant: manifest.variant, sizes: { ...(manifest.sizes as ModelSizes) }, ...common };
  try {
    validateConfig(config);
  } catch (err) {
    throw new CheckpointError('manifest', `manifest: ${err instanceof Error ? err.message : String(err)}`);
  }
  return config;
}

/**
 * Everything of a model but its weights, checked and built: the manifest, the vocabularies, the
 * configuration and the tokenizers. A page fetching a model prepares it while the weights are still
 * on their way (src/store/catalog.ts; docs/ARCHITECTURE.md, "Loading a model").
 */
export interface PreparedModel {
  manifestValue: unknown;
  manifest: Manifest;
  config: ModelConfig;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  codecs: LoadedModel['codecs'];
  bpe?: LoadedModel['bpe'];
  files: ExtraFiles;
}

/**
 * Validate a manifest (parsed JSON of unknown shape) and the files beside it, and build what does
 * not need the weights. Throws CheckpointError (with a code and a user-facing message) on any problem.
 * `parsed`: `parseManifest(manifestValue)`, when the caller has it already.
 */
export async function prepareModel(manifestValue: unknown, files: ExtraFiles = {}, parsed?: Manifest): Promise<PreparedModel> {
  const manifest = parsed ?? parseManifest(manifestValue);
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
  const parameters = parameterCount(config);
  if (parameters > MAX_MODEL_PARAMETERS) {
    throw new CheckpointError(
      'manifest',
      `manifest.sizes: the model has ${parameters.toLocaleString('en-US')} parameters; the limit is ${MAX_MODEL_PARAMETERS.toLocaleString('en-US')}: more than the page can hold in memory`,
    );
  }
  // every tokeniser's word view or word level segments words: its first use costs the most
  warmWordSegmenter();
  const tf = manifest.tokenizer.files;
  if (manifest.tokenizer.level === 'bpe' && tf) {
    // each tokenizer in its own task, so that opening a model never holds the page for long
    const source = await readTokenizer(tf.source, files, 'source', manifest.vocab.source);
    await nextTask();
    const target = await readTokenizer(tf.target, files, 'target', manifest.vocab.target);
    await nextTask();
    const bpe = { source, target };
    return { manifestValue, manifest, config, srcVocab, tgtVocab, bpe, codecs: { source: bpeCodec(source), target: bpeCodec(target) }, files };
  }
  const c = settingsCodec({ level: manifest.tokenizer.level, lowercase: manifest.tokenizer.lowercase });
  return { manifestValue, manifest, config, srcVocab, tgtVocab, codecs: { source: c, target: c }, files };
}

/** Check a prepared model's weights against its manifest and build the model. Throws CheckpointError. */
export async function finishModel(prepared: PreparedModel, weights: Uint8Array): Promise<LoadedModel> {
  const { manifest, config, srcVocab, tgtVocab, codecs, bpe, files } = prepared;
  const expected = new Map(paramSpecs(config).map((s) => [s.name, s.shape] as const));
  const values = await verifyCheckpoint(manifest, weights, expected);
  const params = paramsFromValues(config, values);
  await nextTask();
  const inference = createModel(config, params, srcVocab, tgtVocab);
  const tokenizer: TokenizerSettings = { level: manifest.tokenizer.level, lowercase: manifest.tokenizer.lowercase };
  const checkpoint = { manifest: prepared.manifestValue, weights, files };
  return { manifest, config, params, srcVocab, tgtVocab, tokenizer, codecs, ...(bpe ? { bpe } : {}), inference, checkpoint };
}

/**
 * Validate a manifest (parsed JSON of unknown shape) and its weights, and build the model.
 * Throws CheckpointError (with a code and a user-facing message) on any problem.
 */
export async function loadModel(manifestValue: unknown, weights: Uint8Array, files: ExtraFiles = {}): Promise<LoadedModel> {
  return finishModel(await prepareModel(manifestValue, files), weights);
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
  /** Subword models: the tokenizers, written beside the weights (see `files` in the result). */
  bpe?: { source: BpeTokenizer; target: BpeTokenizer };
  training: TrainingRecord;
  dtype: SafetensorsDType;
}

/** The manifest and safetensors bytes of a model (the weights are written in float32 or float16). */
export async function saveModel(args: SaveModelArgs): Promise<{ manifest: Manifest; weights: Uint8Array; files: Record<string, Uint8Array> }> {
  const { config } = args;
  const files: Record<string, Uint8Array> = {};
  let tokenizer: Manifest['tokenizer'] = { level: args.tokenizer.level, lowercase: args.tokenizer.lowercase };
  if (args.bpe) {
    const source = tokenizerBytes(args.bpe.source);
    const target = tokenizerBytes(args.bpe.target);
    files[BPE_FILES.source] = source;
    files[BPE_FILES.target] = target;
    tokenizer = {
      level: 'bpe',
      lowercase: args.bpe.source.spec.lowercase,
      files: { source: { file: BPE_FILES.source, sha256: await sha256Hex(source) }, target: { file: BPE_FILES.target, sha256: await sha256Hex(target) } },
    };
  }
  const built = await buildCheckpoint({
    manifest: {
      format: 'rnnsearch-checkpoint',
      version: 1,
      id: args.id,
      ...(args.title ? { title: args.title } : {}),
      task: args.task,
      ...(config.family === 'transformer' ? { family: 'transformer' as const } : {}),
      variant: config.variant,
      sizes: { ...config.sizes },
      vocab: { source: args.srcVocab.toJSON(), target: args.tgtVocab.toJSON() },
      tokenizer,
      extras: { lengthRatio: config.lengthRatio },
      training: args.training,
    },
    tensors: args.params.list.map((p) => ({ name: p.name as string, shape: [...p.shape], data: Float32Array.from(p.data) })),
    dtype: args.dtype,
  });
  return { ...built, files };
}
