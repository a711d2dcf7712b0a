// Checkpoint I/O: manifest.json + model.safetensors (docs/ARCHITECTURE.md, "Checkpoints"). Public API.

export { CheckpointError, type CheckpointErrorCode } from './errors';
export {
  FLOAT16_MAX,
  float16BitsToFloat32,
  float16BitsToFloat32Array,
  float16Table,
  float32ArrayToFloat16Bits,
  float32BitsToFloat16Bits,
  float32ToFloat16Bits,
} from './float16';
export {
  DEFAULT_MAX_HEADER_BYTES,
  DTYPE_BYTES,
  MAX_TENSOR_ELEMENTS,
  METADATA_KEY,
  decodeSafetensors,
  encodeSafetensors,
  type DecodeSafetensorsOptions,
  type DecodedSafetensors,
  type DecodedTensor,
  type EncodeSafetensorsOptions,
  type NamedTensor,
  type SafetensorsDType,
} from './safetensors';
export {
  BPE_FILES,
  FILE_NAME_PATTERN,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  MAX_MANIFEST_CHARS,
  MAX_MODEL_SIZE,
  parseManifest,
  parseManifestText,
  serializeManifest,
  type Manifest,
  type ManifestScalar,
  type ManifestTokenizer,
  type FileRecord,
  type TokenizerSettings,
  type TrainingRecord,
  type WeightsRecord,
} from './manifest';
export { DEFAULT_WEIGHTS_FILE, buildCheckpoint, sha256Hex, verifyCheckpoint, type BuildCheckpointArgs } from './checkpoint';
