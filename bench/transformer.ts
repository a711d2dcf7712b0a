// Section `transformer` (issue 13): encoding + greedy decoding of a 20-token sentence with the
// full trace (every layer's and head's attention), the Transformer against RNNsearch, at the
// shipped grammar models' sizes (Transformer: d_model 64, 4 heads, 2 layers, d_ff 128; RNNsearch:
// embedding 64, hidden 128, alignment 128, maxout 64; vocabularies 692/926), softmax, linear and
// linear-causal attention. Interleaved samples on the main thread; the target compares the fastest tenth.

import { Vocab } from '../src/data/vocab';
import { createModel, type TranslationModel } from '../src/model/family';
import type { ModelConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import type { BenchContext, Section, SectionResult } from './section';
import { formatTable, sig } from './table';
import { localCase, timeInterleaved } from './timing';

const SRC_VOCAB = 692;
const TGT_VOCAB = 926;
const LENGTH = 20;
/** The target: the Transformer at most twice RNNsearch's time. */
const TARGET_RATIO = 2;

function vocab(n: number, prefix: string): Vocab {
  return Vocab.build([Array.from({ length: n - 4 }, (_, k) => `${prefix}${k}`)]);
}

export const transformerSection: Section = {
  name: 'transformer',
  title: 'transformer (issue 13): a 20-token sentence encoded and greedily decoded with the full trace, Transformer vs RNNsearch',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const src = vocab(SRC_VOCAB, 's');
    const tgt = vocab(TGT_VOCAB, 't');
    const common = { srcVocabSize: src.size, tgtVocabSize: tgt.size, lengthRatio: 1 };
    const configs: Array<[string, ModelConfig]> = [
      ['RNNsearch (additive)', { variant: 'additive', sizes: { embedding: 64, hidden: 128, alignment: 128, maxout: 64 }, ...common }],
      ['Transformer (softmax)', { family: 'transformer', variant: 'scaled-dot', sizes: { model: 64, heads: 4, layers: 2, ff: 128 }, ...common }],
      ['Transformer (linear)', { family: 'transformer', variant: 'linear', sizes: { model: 64, heads: 4, layers: 2, ff: 128 }, ...common }],
      ['Transformer (linear causal)', { family: 'transformer', variant: 'linear-causal', sizes: { model: 64, heads: 4, layers: 2, ff: 128 }, ...common }],
    ];
    const ids = Int32Array.from({ length: LENGTH + 1 }, (_, k) => (k === LENGTH ? 2 : 4 + ((k * 37) % (SRC_VOCAB - 4))));
    const models: TranslationModel[] = configs.map(([, c]) => createModel(c, initParams(c, 1), src, tgt));
    const run = (m: TranslationModel) => () => void m.greedy(m.encodeIds(ids), { maxLength: LENGTH, stopAtEos: false });
    const timings = await timeInterleaved(models.map((m) => localCase(run(m))), ctx.timing);
    const rnn = timings[0];
    const rows = configs.map(([name], k) => {
      const t = timings[k];
      return [name, sig(t?.median ?? NaN), sig(t?.p10 ?? NaN), sig((t?.median ?? NaN) / (rnn?.median ?? NaN)), sig((t?.p10 ?? NaN) / (rnn?.p10 ?? NaN))];
    });
    ctx.log(formatTable(['model', 'median ms', 'p10 ms', '× RNNsearch (median)', '× RNNsearch (p10)'], rows));
    const targets = configs.slice(1).map(([name], k) => {
      const t = timings[k + 1];
      const ratio = (t?.p10 ?? NaN) / (rnn?.p10 ?? NaN);
      const median = (t?.median ?? NaN) / (rnn?.median ?? NaN);
      return { name: `transformer: ${name} ≤ ${TARGET_RATIO}× RNNsearch (20 tokens, full trace)`, pass: ratio <= TARGET_RATIO, detail: `${sig(ratio)}× (p10), ${sig(median)}× (median)` };
    });
    return {
      json: {
        transformer: {
          sentenceTokens: LENGTH,
          rows: configs.map(([name], k) => ({ model: name, ms: timings[k]?.median, p10: timings[k]?.p10 })),
        },
      },
      targets,
      errors: [],
    };
  },
};
