// Shared helpers for the checkpoint tests: hand-built safetensors files (straight from the spec,
// not from our encoder), error assertions by code, and a valid manifest to mutate.

import { expect } from 'vitest';
import { CheckpointError, type CheckpointErrorCode } from '../../../src/model/checkpoint';

/** ASCII/UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Little-endian float32 bytes of `values` (written through a DataView, like the spec says). */
export function f32le(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, k) => view.setFloat32(4 * k, v, true));
  return out;
}

/** Little-endian uint16 bytes of float16 bit patterns. */
export function u16le(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, k) => view.setUint16(2 * k, b, true));
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A safetensors file built by hand from the spec: u64 LE header length, the header (padded with
 * spaces to a multiple of 8 unless `pad` is false), then `data`. `headerLength` overrides the
 * length field (low word) and `highWord` sets its upper 32 bits.
 */
export function rawFile(
  header: string,
  data: Uint8Array = new Uint8Array(0),
  opts: { pad?: boolean; headerLength?: number; highWord?: number } = {},
): Uint8Array {
  let json = utf8(header);
  if (opts.pad ?? true) {
    const padded = Math.ceil(json.length / 8) * 8;
    json = concat(json, new Uint8Array(padded - json.length).fill(0x20));
  }
  const prefix = new Uint8Array(8);
  const view = new DataView(prefix.buffer);
  view.setUint32(0, opts.headerLength ?? json.length, true);
  view.setUint32(4, opts.highWord ?? 0, true);
  return concat(prefix, json, data);
}

/** A header entry as the reference writes it (compact JSON, keys dtype, shape, data_offsets). */
export function entry(dtype: string, shape: unknown, offsets: unknown): string {
  return JSON.stringify({ dtype, shape, data_offsets: offsets });
}

/** Runs `fn`, expects a CheckpointError with `code`, and returns it (for message checks). */
export function expectCode(fn: () => unknown, code: CheckpointErrorCode): CheckpointError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a CheckpointError '${code}'`).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).code, (caught as Error).message).toBe(code);
  return caught as CheckpointError;
}

/** Async version of `expectCode`. */
export async function expectCodeAsync(promise: Promise<unknown>, code: CheckpointErrorCode): Promise<CheckpointError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a CheckpointError '${code}'`).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).code, (caught as Error).message).toBe(code);
  return caught as CheckpointError;
}

/** A valid manifest.json value (as JSON.parse would give it); tests mutate a fresh copy. */
export function validManifestJson(): Record<string, unknown> {
  return {
    format: 'rnnsearch-checkpoint',
    version: 1,
    id: 'en-fr-additive',
    title: 'English → French, additive attention',
    task: 'en-fr',
    variant: 'additive',
    sizes: { embedding: 64, hidden: 128, alignment: 128, maxout: 128 },
    vocab: {
      source: ['<pad>', '<s>', '</s>', '<unk>', 'the', 'cat'],
      target: ['<pad>', '<s>', '</s>', '<unk>', 'le', 'chat'],
    },
    tokenizer: { level: 'word', lowercase: true },
    extras: { lengthRatio: 1.1 },
    training: {
      command: 'npm run train -- --task en-fr --seed 1',
      seconds: 612.5,
      steps: 20000,
      seed: 1,
      data: 'en-fr generator, seed 7, 20000 pairs',
      date: '2026-01-31T12:00:00Z',
      metrics: { bleu: 41.2, accuracy: 0.93 },
    },
    weights: {
      file: 'model.safetensors',
      byteLength: 1024,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      dtype: 'F32',
    },
  };
}
