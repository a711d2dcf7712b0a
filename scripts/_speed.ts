import { Vocab } from '../src/data/vocab';
import { createModel } from '../src/model/family';
import { initParams } from '../src/model/params';
const src = Vocab.build([Array.from({ length: 688 }, (_, i) => `s${i}`)]);
const tgt = Vocab.build([Array.from({ length: 922 }, (_, i) => `t${i}`)]);
const tf = { family: 'transformer' as const, variant: 'scaled-dot' as const, sizes: { model: 64, heads: 4, layers: 2, ff: 128 }, srcVocabSize: src.size, tgtVocabSize: tgt.size, lengthRatio: 1 };
const rnn = { variant: 'additive' as const, sizes: { embedding: 64, hidden: 128, alignment: 128, maxout: 64 }, srcVocabSize: src.size, tgtVocabSize: tgt.size, lengthRatio: 1 };
const ids = Int32Array.from({ length: 20 }, (_, i) => 4 + i * 7);
const idsE = Int32Array.from([...ids, 2]);
for (const [name, cfg] of [['rnn', rnn], ['tf', tf]] as const) {
  const m = createModel(cfg, initParams(cfg, 1), src, tgt);
  const run = () => m.greedy(m.encodeIds(idsE), { maxLength: 20, stopAtEos: false });
  for (let k = 0; k < 5; k++) run();
  const times: number[] = [];
  for (let k = 0; k < 20; k++) { const t0 = performance.now(); run(); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  console.log(name, 'p10', times[2]?.toFixed(2), 'median', times[10]?.toFixed(2));
}
