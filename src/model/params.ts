// Parameter storage: one Tensor per named parameter, created from the specs in config.ts.

import { Rng, Tensor, glorotParam, normalParam, orthogonalParam, uniformParam, zerosParam, type DType } from '../tensor';
import { paramSpecs, validateConfig, type ModelConfig } from './config';

/** The parameters of one model, by dotted name, in checkpoint order. */
export class Params {
  readonly byName: ReadonlyMap<string, Tensor>;
  readonly list: readonly Tensor[];

  constructor(tensors: readonly Tensor[]) {
    const map = new Map<string, Tensor>();
    for (const t of tensors) {
      if (!t.name) throw new Error('Params: every parameter needs a name');
      if (map.has(t.name)) throw new Error(`Params: duplicate parameter ${t.name}`);
      map.set(t.name, t);
    }
    this.byName = map;
    this.list = tensors;
  }

  get(name: string): Tensor {
    const t = this.byName.get(name);
    if (!t) throw new Error(`Params: no parameter named ${name}`);
    return t;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Total number of scalars. */
  get count(): number {
    let n = 0;
    for (const t of this.list) n += t.size;
    return n;
  }

  /** A deep copy of the values (a snapshot for the NaN guard or for the UI). */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const t of this.list) out.set(t.name as string, Float32Array.from(t.data));
    return out;
  }

  /** Overwrite the values from a snapshot with the same names and sizes. */
  restore(values: ReadonlyMap<string, ArrayLike<number>>): void {
    for (const t of this.list) {
      const v = values.get(t.name as string);
      if (!v || v.length !== t.size) throw new Error(`Params.restore: missing or mis-sized values for ${t.name}`);
      for (let i = 0; i < t.size; i++) t.data[i] = v[i];
    }
  }
}

/**
 * Fresh parameters: orthogonal recurrent matrices (as the paper does), Glorot-uniform for the
 * other matrices (the paper's N(0, 0.01²) learns far more slowly with our small sizes and short
 * budgets), small uniform embeddings and v_a, zero biases.
 */
export function initParams(config: ModelConfig, seed: number, dtype: DType = 'float32'): Params {
  validateConfig(config);
  const rng = new Rng(seed);
  const tensors = paramSpecs(config).map((spec) => {
    const opts = { dtype, name: spec.name };
    const [a, b] = spec.shape as [number, number];
    switch (spec.init) {
      case 'zeros':
        return zerosParam(spec.shape, opts);
      case 'ones': {
        const t = zerosParam(spec.shape, opts);
        t.data.fill(1);
        return t;
      }
      case 'embedding':
        return uniformParam(rng, spec.shape, -0.1, 0.1, opts);
      case 'small':
        return normalParam(rng, spec.shape, 0.1, opts);
      case 'orthogonal':
        return orthogonalParam(rng, a, b, opts);
      case 'glorot':
        return glorotParam(rng, a, b, opts);
    }
    throw new Error(`initParams: unknown init for ${spec.name}`);
  });
  return new Params(tensors);
}

/**
 * Parameters as given tensors (e.g. loaded from a checkpoint), checked against the specs. With
 * dtype float32 the parameters take the given arrays as their data (no copy): the caller hands
 * them over and must not write them afterwards.
 */
export function paramsFromValues(config: ModelConfig, values: ReadonlyMap<string, Float32Array>, dtype: DType = 'float32'): Params {
  validateConfig(config);
  const tensors = paramSpecs(config).map((spec) => {
    const v = values.get(spec.name);
    const size = spec.shape.reduce((p, q) => p * q, 1);
    if (!v || v.length !== size) throw new Error(`paramsFromValues: ${spec.name} is missing or has ${v?.length ?? 0} values, expected ${size}`);
    // the values are the loader's own fresh arrays: float32 ones are taken as they are (a
    // paper-sized model spent 0.2 s copying 320 MB here)
    if (dtype === 'float32') return new Tensor(v, spec.shape, true, spec.name);
    const t = zerosParam(spec.shape, { dtype, name: spec.name });
    t.data.set(v);
    return t;
  });
  return new Params(tensors);
}
