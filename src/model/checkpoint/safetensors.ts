// The safetensors file format (https://github.com/huggingface/safetensors), F32 and F16 only:
//
//   bytes [0, 8)        N, the header length: an unsigned 64-bit little-endian integer
//   bytes [8, 8 + N)    the header: UTF-8 JSON, padded with spaces to a multiple of 8 bytes,
//                       {"__metadata__": {string: string}?, "<name>": {"dtype": "F32" | "F16",
//                        "shape": [d0, d1, …], "data_offsets": [begin, end]}, …}
//   bytes [8 + N, …)    the data: every tensor row-major and little-endian at
//                       [8 + N + begin, 8 + N + end); the tensors tile the data with no gap.
//
// The reader trusts nothing before it has checked it (docs/RELIABILITY.md, the checkpoint row): the
// header length against a cap and the file size, the header as UTF-8 JSON with no duplicate or
// prototype-polluting keys, each entry's dtype, shape and offsets, shape × dtype size against
// the byte span, the spans tiling the data exactly, and every value finite.

import { CheckpointError, FORBIDDEN_KEYS, quote } from './errors';
import { float16Table, float32BitsToFloat16Bits } from './float16';

/** The element types this reader and writer support. */
export type SafetensorsDType = 'F32' | 'F16';

/** Bytes per element of each supported dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = { F32: 4, F16: 2 };

/** Default cap on the header length N (1 MiB); a real header for our models is a few KiB. */
export const DEFAULT_MAX_HEADER_BYTES = 1 << 20;

/** Cap on the element count of one tensor (50M; our models have a few million in all). */
export const MAX_TENSOR_ELEMENTS = 50_000_000;

/** The key of the optional string → string metadata record in the header. */
export const METADATA_KEY = '__metadata__';

/** One named tensor to write: row-major float32 values with `shape` (product(shape) = data.length). */
export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** Options of `encodeSafetensors`. */
export interface EncodeSafetensorsOptions {
  /** Element type written to the file; F16 rounds to nearest even and refuses values past ±65504. */
  dtype: SafetensorsDType;
  /** Free-form strings stored under "__metadata__" (omitted from the header when absent or empty). */
  metadata?: Readonly<Record<string, string>>;
}

/** One tensor read back: its shape, its values widened to float32, and the dtype it was stored as. */
export interface DecodedTensor {
  shape: number[];
  data: Float32Array;
  dtype: SafetensorsDType;
}

/** What `decodeSafetensors` returns: tensors in header order, and the metadata record ({} if none). */
export interface DecodedSafetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

/** Options of `decodeSafetensors`. */
export interface DecodeSafetensorsOptions {
  /** Largest header length N accepted (default DEFAULT_MAX_HEADER_BYTES). */
  maxHeaderBytes?: number;
}

const LENGTH_PREFIX_BYTES = 8;
const HEADER_ALIGNMENT = 8;
const SPACE = 0x20;

// ---- writing ----------------------------------------------------------------------------------

/**
 * Writes `tensors` as one safetensors file, laid out contiguously in the given order. Throws
 * CheckpointError: 'invalid-argument' (bad or duplicate name, bad shape, bad metadata), 'size'
 * (data.length ≠ product(shape), or over MAX_TENSOR_ELEMENTS), 'non-finite' (NaN/±Inf, or a
 * value that overflows float16) — so it never writes a file that `decodeSafetensors` refuses.
 */
export function encodeSafetensors(tensors: readonly NamedTensor[], opts: EncodeSafetensorsOptions): Uint8Array {
  const dtype = opts.dtype;
  if (dtype !== 'F32' && dtype !== 'F16') {
    throw new CheckpointError('invalid-argument', `safetensors dtype must be "F32" or "F16", got ${quote(dtype)}`);
  }
  const elementBytes = DTYPE_BYTES[dtype];

  const headerParts: string[] = [];
  const metadata = opts.metadata ?? {};
  const metadataParts: string[] = [];
  for (const key of Object.keys(metadata)) {
    if (FORBIDDEN_KEYS.has(key)) throw new CheckpointError('invalid-argument', `metadata key ${quote(key)} is not allowed`);
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new CheckpointError('invalid-argument', `metadata ${quote(key)} must be a string, got ${quote(value)}`);
    }
    metadataParts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  if (metadataParts.length > 0) headerParts.push(`${JSON.stringify(METADATA_KEY)}:{${metadataParts.join(',')}}`);

  const seen = new Set<string>();
  let offset = 0;
  for (const tensor of tensors) {
    const name = tensor.name;
    checkTensorName(name, 'invalid-argument');
    if (seen.has(name)) throw new CheckpointError('invalid-argument', `tensor name ${quote(name)} appears twice`);
    seen.add(name);
    const shape = tensor.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError('invalid-argument', `tensor ${quote(name)}: shape must be an array of non-negative integers, got ${formatShape(shape)}`);
    }
    const count = elementCount(shape);
    if (count > MAX_TENSOR_ELEMENTS) {
      throw new CheckpointError('size', `tensor ${quote(name)}: shape ${formatShape(shape)} has more than ${MAX_TENSOR_ELEMENTS} elements`);
    }
    if (!(tensor.data instanceof Float32Array)) {
      throw new CheckpointError('invalid-argument', `tensor ${quote(name)}: data must be a Float32Array`);
    }
    if (tensor.data.length !== count) {
      throw new CheckpointError('size', `tensor ${quote(name)}: shape ${formatShape(shape)} has ${count} elements, but its data has ${tensor.data.length}`);
    }
    const end = offset + count * elementBytes;
    const entry = { dtype, shape: shape.slice(), data_offsets: [offset, end] };
    headerParts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset = end;
  }

  const json = new TextEncoder().encode(`{${headerParts.join(',')}}`);
  const headerLength = json.length + ((HEADER_ALIGNMENT - (json.length % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT);
  const dataStart = LENGTH_PREFIX_BYTES + headerLength;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // low word; the high word stays 0 (a header < 4 GiB)
  out.set(json, LENGTH_PREFIX_BYTES);
  out.fill(SPACE, LENGTH_PREFIX_BYTES + json.length, dataStart);

  let position = dataStart;
  for (const { name, shape, data } of tensors) {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let k = 0; k < data.length; k++) {
      const value = data[k];
      if (!Number.isFinite(value)) {
        throw new CheckpointError('non-finite', `tensor ${quote(name)}: element ${formatIndex(k, shape)} is ${value}; checkpoints hold finite values only`);
      }
      if (dtype === 'F32') {
        view.setFloat32(position, value, true);
      } else {
        const half = float32BitsToFloat16Bits(bits[k]);
        if ((half & 0x7c00) === 0x7c00) {
          throw new CheckpointError('non-finite', `tensor ${quote(name)}: element ${formatIndex(k, shape)} = ${value} overflows float16 (largest finite 65504); save as F32`);
        }
        view.setUint16(position, half, true);
      }
      position += elementBytes;
    }
  }
  return out;
}

// ---- reading ----------------------------------------------------------------------------------

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file (F32/F16) after validating all of it; values come back as float32.
 * `bytes` may be a view at any byteOffset into a larger buffer, and tensor data need not be
 * aligned. Throws CheckpointError ('header-size', 'header-json', 'dtype', 'offsets', 'size',
 * 'non-finite', 'invalid-argument') and nothing else.
 */
export function decodeSafetensors(bytes: Uint8Array, opts: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 0) {
    throw new CheckpointError('invalid-argument', `maxHeaderBytes must be a non-negative integer, got ${quote(maxHeaderBytes)}`);
  }
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError('invalid-argument', 'the weights must be a Uint8Array');

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart = readHeaderLength(bytes, view, maxHeaderBytes);
  const dataLength = bytes.length - dataStart;
  const parsed = readHeader(bytes, dataStart);

  // 3. Every entry, copied field by field out of the parsed object (never merged).
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const name of Object.keys(parsed)) {
    const value: unknown = parsed[name];
    if (name === METADATA_KEY) {
      readMetadata(value, metadata);
      continue;
    }
    checkTensorName(name, 'header-json');
    entries.push(readEntry(name, value, dataLength));
  }
  checkTiling(entries, dataLength);

  // 5. The values, little-endian whatever the platform, through a DataView (any alignment).
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of entries) tensors.set(entry.name, { shape: entry.shape, data: readValues(view, dataStart, entry), dtype: entry.dtype });
  return { tensors, metadata };
}

/** 1. The 8-byte header length, read as two u32 words (no BigInt, no 2^53 surprises); returns where the data starts. */
function readHeaderLength(bytes: Uint8Array, view: DataView, maxHeaderBytes: number): number {
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    throw new CheckpointError('header-size', `the weights file is ${bytes.length} bytes long; a safetensors file starts with an 8-byte header length (is it truncated?)`);
  }
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0) {
    throw new CheckpointError('header-size', `the header length field says ${high * 2 ** 32 + low} bytes (≥ 4 GiB): not a safetensors file, or a corrupt one`);
  }
  if (low > maxHeaderBytes) {
    throw new CheckpointError('header-size', `the header length field says ${low} bytes, over the cap of ${maxHeaderBytes} bytes`);
  }
  if (low > bytes.length - LENGTH_PREFIX_BYTES) {
    throw new CheckpointError('header-size', `the header length field says ${low} bytes, but only ${bytes.length - LENGTH_PREFIX_BYTES} bytes follow it (is the file truncated?)`);
  }
  return LENGTH_PREFIX_BYTES + low;
}

/** 2. The header: UTF-8, JSON, an object, no duplicate keys. */
function readHeader(bytes: Uint8Array, dataStart: number): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(LENGTH_PREFIX_BYTES, dataStart));
  } catch {
    throw new CheckpointError('header-json', 'the header is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error);
    throw new CheckpointError('header-json', `the header is not valid JSON: ${reason}`);
  }
  if (!isPlainObject(parsed)) throw new CheckpointError('header-json', `the header must be a JSON object, got ${quote(parsed)}`);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) throw new CheckpointError('header-json', `the header has the key ${quote(duplicate)} twice`);
  return parsed;
}

/** 4. Spans tile the data section exactly: sorted by offset, each begins where the last ended. */
function checkTiling(entries: readonly Entry[], dataLength: number): void {
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const entry of sorted) {
    if (entry.begin < covered && previous !== null) {
      throw new CheckpointError(
        'offsets',
        `tensors ${quote(previous.name)} [${previous.begin}, ${previous.end}] and ${quote(entry.name)} [${entry.begin}, ${entry.end}] overlap`,
      );
    }
    if (entry.begin > covered) {
      const before = previous === null ? 'the start of the data' : `tensor ${quote(previous.name)}`;
      throw new CheckpointError(
        'offsets',
        `data bytes [${covered}, ${entry.begin}) belong to no tensor: a gap between ${before} and tensor ${quote(entry.name)}`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    throw new CheckpointError('offsets', `the data section has ${dataLength} bytes, but the tensors cover only ${covered}: ${dataLength - covered} trailing bytes belong to no tensor`);
  }
}

/** The host stores numbers little-endian (every browser and Node here): the bytes can be viewed as they are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor's values as float32, every one finite. */
function readValues(view: DataView, dataStart: number, entry: Entry): Float32Array {
  const data = new Float32Array(entry.count);
  const position = dataStart + entry.begin;
  // aligned little-endian data is read through a typed view of the file (a copy, or a table lookup
  // per float16), several times faster than a DataView call per element: a paper-sized checkpoint
  // (80 million values) spends most of its opening here
  const at = view.byteOffset + position;
  if (entry.dtype === 'F16' && LITTLE_ENDIAN && at % 2 === 0) {
    const halves = float16Table();
    const bits = new Uint16Array(view.buffer, at, entry.count);
    for (let k = 0; k < entry.count; k++) {
      const b = bits[k] as number;
      data[k] = halves[b] as number;
      // exponent all ones: ±∞ or NaN
      if ((b & 0x7c00) === 0x7c00) throw nonFinite(entry, k, data[k] as number);
    }
    return data;
  }
  if (entry.dtype === 'F32') {
    if (LITTLE_ENDIAN && at % 4 === 0) data.set(new Float32Array(view.buffer, at, entry.count));
    else for (let k = 0, p = position; k < entry.count; k++, p += 4) data[k] = view.getFloat32(p, true);
  } else {
    const halves = float16Table();
    for (let k = 0, p = position; k < entry.count; k++, p += 2) data[k] = halves[view.getUint16(p, true)] as number;
  }
  for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k])) throw nonFinite(entry, k, data[k] as number);
  return data;
}

function nonFinite(entry: Entry, k: number, value: number): CheckpointError {
  return new CheckpointError('non-finite', `tensor ${quote(entry.name)}: element ${formatIndex(k, entry.shape)} is ${value}; a checkpoint must hold finite values only`);
}

function readMetadata(value: unknown, into: Record<string, string>): void {
  if (!isPlainObject(value)) {
    throw new CheckpointError('header-json', `${METADATA_KEY} must be an object of strings, got ${quote(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new CheckpointError('header-json', `${METADATA_KEY} key ${quote(key)} is not allowed`);
    const item: unknown = value[key];
    if (typeof item !== 'string') {
      throw new CheckpointError('header-json', `${METADATA_KEY} ${quote(key)} must be a string, got ${quote(item)}`);
    }
    into[key] = item;
  }
}

function readEntry(name: string, value: unknown, dataLength: number): Entry {
  const label = `tensor ${quote(name)}`;
  if (!isPlainObject(value)) {
    throw new CheckpointError('header-json', `${label}: its header entry must be an object with dtype, shape and data_offsets, got ${quote(value)}`);
  }
  const dtype: unknown = own(value, 'dtype');
  if (dtype !== 'F32' && dtype !== 'F16') {
    const got = typeof dtype === 'string' ? `dtype ${quote(dtype)}` : `no valid dtype (${quote(dtype)})`;
    throw new CheckpointError('dtype', `${label} has ${got}; this reader supports "F32" and "F16"`);
  }
  const shape: unknown = own(value, 'shape');
  if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new CheckpointError('header-json', `${label}: shape must be an array of non-negative integers, got ${formatShape(shape)}`);
  }
  const dims = shape as number[];
  const count = elementCount(dims);
  if (count > MAX_TENSOR_ELEMENTS) {
    throw new CheckpointError('size', `${label}: shape ${formatShape(dims)} has more than ${MAX_TENSOR_ELEMENTS} elements, the cap`);
  }
  const offsets: unknown = own(value, 'data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o: unknown) => Number.isSafeInteger(o))) {
    throw new CheckpointError('offsets', `${label}: data_offsets must be two integers [begin, end], got ${formatShape(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin < 0 || end < begin) {
    throw new CheckpointError('offsets', `${label}: data_offsets [${begin}, ${end}] must satisfy 0 ≤ begin ≤ end`);
  }
  if (end > dataLength) {
    throw new CheckpointError('offsets', `${label}: data_offsets [${begin}, ${end}] run past the end of the data section, which has ${dataLength} bytes (is the file truncated?)`);
  }
  const bytes = count * DTYPE_BYTES[dtype];
  if (end - begin !== bytes) {
    throw new CheckpointError(
      'size',
      `${label}: shape ${formatShape(dims)} × ${DTYPE_BYTES[dtype]} bytes = ${bytes} bytes, but its offsets span ${end - begin} bytes`,
    );
  }
  return { name, dtype, shape: dims.slice(), count, begin, end };
}

// ---- helpers ----------------------------------------------------------------------------------

function checkTensorName(name: unknown, code: 'header-json' | 'invalid-argument'): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new CheckpointError(code, `a tensor name must be a non-empty string, got ${quote(name)}`);
  }
  if (name === METADATA_KEY || FORBIDDEN_KEYS.has(name)) {
    throw new CheckpointError(code, `${quote(name)} is not allowed as a tensor name`);
  }
}

/** value[key] if it is an own property (nothing inherited), else undefined. */
function own(value: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** product(shape), exact for shapes whose product is ≤ MAX_TENSOR_ELEMENTS; larger products only compare larger. */
function elementCount(shape: readonly number[]): number {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > MAX_TENSOR_ELEMENTS) return MAX_TENSOR_ELEMENTS + 1;
  }
  return count;
}

function formatShape(shape: unknown): string {
  if (!Array.isArray(shape)) return quote(shape);
  const items = shape.slice(0, 8).map((d: unknown) => quote(d, 20));
  return `[${items.join(', ')}${shape.length > 8 ? ', …' : ''}]`;
}

/** "12" for a vector, "34 (index [1, 2])" for a matrix: the flat index and where it sits. */
function formatIndex(flat: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(flat);
  const index: number[] = new Array<number>(shape.length);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis];
    index[axis] = rest % d;
    rest = Math.floor(rest / d);
  }
  return `${flat} (index [${index.join(', ')}])`;
}

/**
 * The first key that appears twice in one object of `text`, or null. JSON.parse silently keeps
 * the last of two equal keys; this scan sees them all. `text` must already have parsed as JSON
 * (so every string is closed and the walk ends).
 */
function findDuplicateKey(text: string): string | null {
  const stack: Array<Set<string> | null> = []; // one Set of keys per open object, null per array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack[stack.length - 1];
        if (keys) {
          if (keys.has(key)) return key;
          keys.add(key);
        }
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    }
  }
  return null;
}
