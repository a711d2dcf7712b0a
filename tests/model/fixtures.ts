// Small models and data for the model tests: a toy vocabulary, random sentence pairs, and
// parameters initialised by seed (untrained: the tests check maths and plumbing, not quality).

import { Vocab } from '../../src/data/vocab';
import { makeBatch, type Batch, type PairIds } from '../../src/model/batch';
import type { RnnConfig, ModelSizes, Variant } from '../../src/model/config';
import { initParams, type Params } from '../../src/model/params';
import { Rng, type DType } from '../../src/tensor';

export const SRC_WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'a', 'dog', 'ran', 'red', 'big', 'house', '.'];
export const TGT_WORDS = ['le', 'chat', 'assis', 'sur', 'tapis', 'un', 'chien', 'courait', 'rouge', 'grand', 'maison', '.', 'la'];

export const srcVocab = Vocab.build([SRC_WORDS]);
export const tgtVocab = Vocab.build([TGT_WORDS]);

export const TINY: ModelSizes = { embedding: 3, hidden: 4, alignment: 3, maxout: 2 };
export const SMALL: ModelSizes = { embedding: 8, hidden: 10, alignment: 7, maxout: 6 };

export function makeConfig(variant: Variant, sizes: ModelSizes = SMALL): RnnConfig {
  return { variant, sizes, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1.1 };
}

export function makeModel(variant: Variant, opts: { sizes?: ModelSizes; seed?: number; dtype?: DType } = {}): { config: RnnConfig; params: Params } {
  const config = makeConfig(variant, opts.sizes ?? SMALL);
  return { config, params: initParams(config, opts.seed ?? 7, opts.dtype ?? 'float64') };
}

/** Random pairs of the given source/target lengths (ids of real words, no specials). */
export function randomPairs(seed: number, lengths: Array<[number, number]>): PairIds[] {
  const rng = new Rng(seed);
  return lengths.map(([sx, ty]) => ({
    source: Int32Array.from({ length: sx }, () => 4 + rng.int(srcVocab.size - 4)),
    target: Int32Array.from({ length: ty }, () => 4 + rng.int(tgtVocab.size - 4)),
  }));
}

export function randomBatch(seed: number, lengths: Array<[number, number]>): Batch {
  return makeBatch(randomPairs(seed, lengths));
}
