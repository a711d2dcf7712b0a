// manifest.json: a strict schema with JSON-path messages, a clean copy (never the input object),
// stable serialisation, and no prototype pollution.
import { describe, expect, it } from 'vitest';
import { CheckpointError, parseManifest, parseManifestText, serializeManifest, type Manifest } from '../../../src/model/checkpoint';
import { expectCode, validManifestJson } from './helpers';

// Tests poke at arbitrary paths of a JSON value, so it is typed loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A valid manifest with `edit` applied to a deep copy. */
function edited(edit: (m: Json) => void): Record<string, unknown> {
  const m = structuredClone(validManifestJson()) as Json;
  edit(m);
  return m;
}

function message(edit: (m: Json) => void): string {
  return expectCode(() => parseManifest(edited(edit)), 'manifest').message;
}

describe('parseManifest accepts valid manifests', () => {
  it('returns an equal but fresh object', () => {
    const input = validManifestJson();
    const m = parseManifest(input);
    expect(m).toEqual(input);
    expect(m).not.toBe(input);
    expect(m.vocab.source).not.toBe((input.vocab as { source: string[] }).source);
    expect(m.training).not.toBe(input.training);
    // Later changes to the input do not reach the result.
    (input.vocab as { source: string[] }).source.push('dog');
    (input.sizes as { hidden: number }).hidden = 1;
    expect(m.vocab.source).toHaveLength(6);
    expect((m.sizes as { hidden: number }).hidden).toBe(128);
  });

  it('optional fields may be absent', () => {
    const m = parseManifest(
      edited((m) => {
        delete m.title;
        delete m.extras;
        delete m.training.metrics;
      }),
    );
    expect('title' in m).toBe(false);
    expect('extras' in m).toBe(false);
    expect('metrics' in m.training).toBe(false);
  });

  it('drops unknown top-level keys instead of copying them', () => {
    const m = parseManifest(
      edited((m) => {
        m.evil = { nested: true };
        m.onload = 'alert(1)';
      }),
    );
    expect(Object.keys(m)).not.toContain('evil');
    expect(Object.keys(m)).not.toContain('onload');
  });

  it('keeps extra scalar facts in training (batch size, learning rate, …)', () => {
    const m = parseManifest(
      edited((m) => {
        m.training.batchSize = 32;
        m.training.optimizer = 'adam';
        m.training.clipped = true;
      }),
    );
    expect(m.training.batchSize).toBe(32);
    expect(m.training.optimizer).toBe('adam');
    expect(m.training.clipped).toBe(true);
    expect(message((m) => (m.training.nested = { a: 1 }))).toBe(
      'manifest.training.nested must be a finite number, a string of at most 2000 characters, or a boolean, got an object',
    );
  });

  it('accepts every attention variant, both tokenizer levels and both dtypes', () => {
    for (const variant of ['none', 'diagonal', 'additive', 'dot', 'general', 'scaled-dot']) {
      expect(parseManifest(edited((m) => (m.variant = variant))).variant).toBe(variant);
    }
    expect(parseManifest(edited((m) => (m.tokenizer.level = 'char'))).tokenizer.level).toBe('char');
    expect(parseManifest(edited((m) => (m.weights.dtype = 'F16'))).weights.dtype).toBe('F16');
  });
});

describe('serializeManifest', () => {
  it('round-trips through JSON text', () => {
    const m = parseManifest(validManifestJson());
    const text = serializeManifest(m);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('\n  "format": "rnnsearch-checkpoint",\n');
    expect(parseManifestText(text)).toEqual(m);
  });

  it('writes the same text whatever the key order of the input', () => {
    const a = validManifestJson();
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const b = reversed(a);
    b.training = reversed(a.training as Record<string, unknown>);
    (b.training as Record<string, unknown>).metrics = reversed((a.training as { metrics: Record<string, unknown> }).metrics);
    b.sizes = reversed(a.sizes as Record<string, unknown>);
    b.weights = reversed(a.weights as Record<string, unknown>);
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(serializeManifest(b as unknown as Manifest)).toBe(serializeManifest(a as unknown as Manifest));
    const keys = Object.keys(JSON.parse(serializeManifest(b as unknown as Manifest)));
    expect(keys).toEqual(['format', 'version', 'id', 'title', 'task', 'variant', 'sizes', 'vocab', 'tokenizer', 'extras', 'training', 'weights']);
  });

  it('refuses to write an invalid manifest', () => {
    expectCode(() => serializeManifest(edited((m) => (m.id = 'Bad Id')) as unknown as Manifest), 'manifest');
  });
});

describe('parseManifest rejects bad manifests with the JSON path of the first problem', () => {
  it('not an object', () => {
    for (const value of [null, undefined, 42, 'manifest', [], [validManifestJson()]]) {
      expect(expectCode(() => parseManifest(value), 'manifest').message).toMatch(/^manifest must be an object, got /);
    }
  });

  it('wrong format or version', () => {
    expect(message((m) => (m.format = 'safetensors'))).toBe('manifest.format must be "rnnsearch-checkpoint", got "safetensors"');
    expect(message((m) => delete m.format)).toBe('manifest.format must be "rnnsearch-checkpoint", got nothing');
    expect(message((m) => (m.version = 2))).toBe('manifest.version must be 1 (the version this build reads), got 2');
    expect(message((m) => (m.version = '1'))).toBe('manifest.version must be 1 (the version this build reads), got "1"');
  });

  it('a bad id', () => {
    for (const id of ['', 'EN-FR', 'en_fr', 'en/fr', '../x', 'a'.repeat(65), 'é', 3]) {
      expect(message((m) => (m.id = id))).toMatch(/^manifest\.id must be 1–64 characters of a-z, 0-9 and "-", got /);
    }
    expect(parseManifest(edited((m) => (m.id = 'a'.repeat(64)))).id).toHaveLength(64);
  });

  it('bad sizes', () => {
    expect(message((m) => (m.sizes.hidden = 5000))).toBe('manifest.sizes.hidden must be a positive integer ≤ 4096, got 5000');
    expect(message((m) => (m.sizes.embedding = 0))).toBe('manifest.sizes.embedding must be a positive integer ≤ 4096, got 0');
    expect(message((m) => (m.sizes.alignment = 1.5))).toBe('manifest.sizes.alignment must be a positive integer ≤ 4096, got 1.5');
    expect(message((m) => delete m.sizes.maxout)).toBe('manifest.sizes.maxout must be a positive integer ≤ 4096, got nothing');
    expect(message((m) => (m.sizes = [64, 128]))).toBe('manifest.sizes must be an object, got an array');
  });

  it('a bad variant, task or title', () => {
    expect(message((m) => (m.variant = 'multi-head'))).toMatch(/^manifest\.variant must be one of "none", "diagonal", "additive", .*got "multi-head"$/);
    expect(message((m) => (m.task = ''))).toMatch(/^manifest\.task must be a string of 1–64 characters, got ""$/);
    expect(message((m) => (m.title = 7))).toMatch(/^manifest\.title must be a string/);
  });

  it('bad vocabulary specials', () => {
    expect(message((m) => (m.vocab.source = ['<s>', '<pad>', '</s>', '<unk>', 'the']))).toBe('manifest.vocab.source[0] must be "<pad>", got "<s>"');
    expect(message((m) => (m.vocab.target = ['<pad>', '<s>', '</s>']))).toMatch(/^manifest\.vocab\.target has 3 entries; it must start with the 4 specials/);
    expect(message((m) => (m.vocab.target[3] = '<UNK>'))).toBe('manifest.vocab.target[3] must be "<unk>", got "<UNK>"');
  });

  it('duplicate vocabulary entries', () => {
    expect(message((m) => m.vocab.source.push('cat'))).toBe('manifest.vocab.source[6] duplicates entry 5 ("cat")');
    expect(message((m) => m.vocab.target.push('<unk>'))).toBe('manifest.vocab.target[6] duplicates entry 3 ("<unk>")');
  });

  it('vocabulary entries that are not non-empty strings, and oversized vocabularies', () => {
    expect(message((m) => m.vocab.source.push(7))).toBe('manifest.vocab.source[6] must be a non-empty string, got 7');
    expect(message((m) => m.vocab.source.push(''))).toBe('manifest.vocab.source[6] must be a non-empty string, got ""');
    expect(message((m) => (m.vocab.source = 'the cat'))).toBe('manifest.vocab.source must be an array of strings, got "the cat"');
    const huge = ['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: 100_000 }, (_, k) => `w${k}`)];
    expect(message((m) => (m.vocab.target = huge))).toBe('manifest.vocab.target has 100004 entries; the limit is 100000');
  });

  it('a bad tokenizer', () => {
    expect(message((m) => (m.tokenizer.level = 'byte'))).toBe('manifest.tokenizer.level must be "word", "char" or "bpe", got "byte"');
    expect(message((m) => (m.tokenizer.lowercase = 'yes'))).toBe('manifest.tokenizer.lowercase must be true or false, got "yes"');
  });

  it('bad extras', () => {
    expect(message((m) => (m.extras.lengthRatio = [1]))).toMatch(/^manifest\.extras\.lengthRatio must be a finite number, .*got an array$/);
    expect(message((m) => (m.extras = 'x'))).toBe('manifest.extras must be an object, got "x"');
  });

  it('a bad training record', () => {
    expect(message((m) => (m.training.seconds = -1))).toBe('manifest.training.seconds must be a finite number ≥ 0, got -1');
    expect(message((m) => (m.training.steps = 2.5))).toBe('manifest.training.steps must be a non-negative integer, got 2.5');
    expect(message((m) => delete m.training.seed)).toBe('manifest.training.seed must be a non-negative integer, got nothing');
    expect(message((m) => (m.training.date = 'yesterday'))).toMatch(/^manifest\.training\.date must be an ISO 8601 date/);
    expect(message((m) => (m.training.date = '2026-13-45'))).toMatch(/^manifest\.training\.date must be an ISO 8601 date/);
    expect(message((m) => (m.training.metrics.bleu = 'high'))).toBe('manifest.training.metrics.bleu must be a finite number, got "high"');
    expect(message((m) => (m.training.command = 5))).toMatch(/^manifest\.training\.command must be a string/);
  });

  it('weights.file with "../", a slash, a backslash or only dots', () => {
    for (const file of ['../model.safetensors', '..', 'a/b.safetensors', '/etc/passwd', 'a\\b', 'x..y', '.', '', 'https://x.y/m']) {
      expect(message((m) => (m.weights.file = file))).toMatch(/^manifest\.weights\.file must be a plain file name .*, got /);
    }
    expect(parseManifest(edited((m) => (m.weights.file = 'model-f16.safetensors'))).weights.file).toBe('model-f16.safetensors');
  });

  it('weights.sha256 that is not 64 lowercase hex digits', () => {
    for (const sha of ['E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'abc', `${'0'.repeat(63)}g`, `${'0'.repeat(65)}`, 0]) {
      expect(message((m) => (m.weights.sha256 = sha))).toMatch(/^manifest\.weights\.sha256 must be 64 lowercase hex digits, got /);
    }
  });

  it('weights byteLength and dtype', () => {
    expect(message((m) => (m.weights.byteLength = 4))).toBe('manifest.weights.byteLength must be an integer ≥ 8, got 4');
    expect(message((m) => (m.weights.byteLength = '1024'))).toBe('manifest.weights.byteLength must be an integer ≥ 8, got "1024"');
    expect(message((m) => (m.weights.dtype = 'BF16'))).toBe('manifest.weights.dtype must be "F32" or "F16", got "BF16"');
    expect(message((m) => delete m.weights)).toBe('manifest.weights must be an object, got nothing');
  });

  it('hostile keys: "__proto__" in records is refused and nothing is polluted', () => {
    const text = JSON.stringify(validManifestJson()).replace('"extras":{', '"extras":{"__proto__":{"polluted":"yes"},');
    expect(expectCode(() => parseManifestText(text), 'manifest').message).toBe('manifest.extras may not have a key named "__proto__"');
    const metrics = JSON.stringify(validManifestJson()).replace('"metrics":{', '"metrics":{"constructor":1,');
    expectCode(() => parseManifestText(metrics), 'manifest');
    const training = JSON.stringify(validManifestJson()).replace('"training":{', '"training":{"__proto__":{"polluted":"yes"},');
    expectCode(() => parseManifestText(training), 'manifest');
    // A top-level __proto__ is an unknown key: ignored, not copied, not merged.
    const top = JSON.stringify(validManifestJson()).replace('{', '{"__proto__":{"polluted":"yes"},');
    const m = parseManifestText(top);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect((m as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fields inherited from a prototype do not count', () => {
    const proto = validManifestJson();
    const child = Object.create(proto) as Record<string, unknown>;
    expect(expectCode(() => parseManifest(child), 'manifest').message).toBe('manifest.format must be "rnnsearch-checkpoint", got nothing');
  });

  it('parseManifestText: bad JSON is a manifest error too', () => {
    expect(expectCode(() => parseManifestText('{"format":'), 'manifest').message).toMatch(/^manifest\.json is not valid JSON/);
    expect(() => parseManifestText('')).toThrow(CheckpointError);
  });
});

describe('model families in the manifest', () => {
  const transformer = (m: Json): void => {
    m.family = 'transformer';
    m.variant = 'linear';
    m.sizes = { model: 64, heads: 4, layers: 2, ff: 128 };
  };
  it('accepts a Transformer with its own sizes; an RNNsearch manifest has no family field', () => {
    const m = parseManifest(edited(transformer));
    expect(m).toMatchObject({ family: 'transformer', variant: 'linear', sizes: { model: 64, heads: 4, layers: 2, ff: 128 } });
    expect('family' in parseManifest(validManifestJson())).toBe(false);
    expect(parseManifest(edited((x) => (x.family = 'rnnsearch'))).family).toBeUndefined();
  });
  it('refuses a variant or sizes of the other family, and unknown families, naming the path', () => {
    expect(message((x) => (x.family = 'memory-network'))).toMatch(/manifest\.family/);
    expect(message((x) => (x.variant = 'linear'))).toMatch(/manifest\.variant.*rnnsearch/);
    expect(
      message((x) => {
        transformer(x);
        x.variant = 'additive';
      }),
    ).toMatch(/manifest\.variant.*transformer/);
    expect(
      message((x) => {
        transformer(x);
        x.sizes = { embedding: 64, hidden: 128, alignment: 128, maxout: 64 };
      }),
    ).toMatch(/manifest\.sizes\.model/);
  });
});
