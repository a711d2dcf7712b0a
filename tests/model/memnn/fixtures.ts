// A small untrained memory network over the bAbI-style vocabulary, for view and store tests.
import { makeQaSplits } from '../../../src/data/tasks/babi';
import type { MemoryConfig } from '../../../src/model/memnn/forward';
import { buildQaVocab, initMemoryParams, MemoryModel } from '../../../src/model/memnn/model';

const splits = makeQaSplits({ seed: 4, train: 400, dev: 20, test: 20 });
export const memoryVocab = buildQaVocab(splits.train);

export function smallMemoryModel(hops = 3, seed = 2): MemoryModel {
  const config: MemoryConfig = { family: 'memn2n', vocabSize: memoryVocab.size, embed: 8, hops, memories: 20, temporal: true, positionEncoding: true };
  return new MemoryModel(config, initMemoryParams(config, seed), memoryVocab);
}
