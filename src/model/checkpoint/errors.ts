// The one error type of checkpoint I/O. Every check that rejects a manifest or a weights file
// throws a CheckpointError whose `code` says which check failed (for tests and for the UI to
// pick a hint) and whose message names the field or tensor and the numbers involved.

/** Which check rejected the checkpoint. */
export type CheckpointErrorCode =
  /** manifest.json does not match the schema (the message gives the JSON path). */
  | 'manifest'
  /** the weights file's length differs from manifest.weights.byteLength. */
  | 'byte-length'
  /** the weights file's SHA-256 differs from manifest.weights.sha256. */
  | 'sha256'
  /** the file is shorter than 8 bytes, or the header length is over the cap or past the end. */
  | 'header-size'
  /** the header is not UTF-8 JSON, not an object, or an entry / name / metadata is malformed. */
  | 'header-json'
  /** a tensor's dtype is not F32/F16, or differs from the manifest's. */
  | 'dtype'
  /** data offsets out of bounds, overlapping, leaving a gap, or not covering the data. */
  | 'offsets'
  /** shape × dtype size differs from the byte span, or a tensor is over the element cap. */
  | 'size'
  /** a value is NaN or ±Infinity (or, when writing float16, out of its range). */
  | 'non-finite'
  /** a tensor the model needs is not in the file. */
  | 'missing-tensor'
  /** the file has a tensor the model does not know. */
  | 'unexpected-tensor'
  /** a tensor's shape differs from the shape the model expects. */
  | 'shape'
  /** the writer was called with bad arguments (names, shapes, metadata). */
  | 'invalid-argument';

/** Thrown by every checkpoint reader, validator and writer; `code` names the failed check. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  /** Which check failed; the message says why, for people. */
  readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Names that must never become object keys (prototype pollution); refused as tensor names and record keys. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A value quoted for an error message: JSON-ish and cut to `max` characters. */
export function quote(value: unknown, max = 60): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) text = String(value);
  else if (Array.isArray(value)) text = 'an array';
  else if (typeof value === 'object') text = 'an object';
  else text = `a ${typeof value}`;
  return text;
}
