// Evaluation of a model on held-out examples: free (greedy or beam) decoding for BLEU, exact
// match and token accuracy; forced decoding of the reference for the alignment error rate against
// gold alignments and for attention entropy.

import { type BleuTokenizer, alignmentErrorRate, attentionEntropy, bleuByLength, corpusBleu, exactMatch, hardAlignment, tokenAccuracy, type LengthBucketScore } from '../../src/data/metrics';
import type { Example, Link } from '../../src/data/tasks';
import { EOS_TOKEN } from '../../src/data/vocab';
import { defaultMaxLength } from '../../src/model/decoding';
import type { TranslationModel } from '../../src/model/family';

export interface EvalResult {
  count: number;
  bleu: number;
  exactMatch: number;
  tokenAccuracy: number;
  /** null when the examples carry no gold alignments (or the variant has no attention). */
  aer: number | null;
  /** Mean attention entropy per target step (nats), forced on the references; null for `none`. */
  entropy: number | null;
  byLength: LengthBucketScore[];
  /** Transformers: the AER of every cross-attention head and of each layer's head mean (the trace's `aer` is the last layer's mean). */
  heads?: Array<{ layer: number; head: number | 'mean'; aer: number }>;
  seconds: number;
}

export interface EvalOptions {
  beam?: number;
  /** Turn tokens into text before BLEU (subword models: pieces → the detokenised sentence). */
  detokenize?: (tokens: readonly string[]) => string;
  /** sacreBLEU's tokenisation of the detokenised text (`zh` for Chinese targets). */
  bleuTokenizer?: BleuTokenizer;
  /** Called after each sentence (for a progress line). */
  onProgress?: (done: number, total: number) => void;
}

export function evaluate(model: TranslationModel, examples: readonly Example[], opts: EvalOptions = {}): EvalResult {
  const t0 = performance.now();
  const hyps: string[][] = [];
  const refs: string[][] = [];
  const predicted: Link[][] = [];
  const sure: Link[][] = [];
  const possible: Link[][] = [];
  let entropySum = 0;
  let entropyRows = 0;
  const hasGold = examples.some((e) => e.sure.length > 0);
  const hasAttention = model.variant !== 'none';
  // per Transformer head (layer-major, then the layer's mean): the predicted links of every example
  const headLinks = new Map<string, Link[][]>();
  examples.forEach((ex, k) => {
    const enc = model.encodeTokens(ex.source);
    const maxLength = defaultMaxLength(ex.source.length);
    let out: string[];
    if (opts.beam && opts.beam > 1) {
      const best = model.beam(enc, { width: opts.beam, maxLength })[0];
      out = best ? best.trace.targetTokens : [];
    } else {
      out = model.greedy(enc, { maxLength }).targetTokens;
    }
    hyps.push(out.filter((t) => t !== EOS_TOKEN));
    refs.push(ex.target);
    if (hasAttention) {
      const forced = model.forcedTokens(enc, ex.target);
      const Tx = enc.length;
      const rows: Float64Array[] = [];
      for (const step of forced.steps) {
        const w = step.weights as Float32Array | Float64Array;
        entropySum += attentionEntropy(w);
        entropyRows++;
        if (step.index < ex.target.length) rows.push(Float64Array.from(w));
      }
      if (hasGold) {
        predicted.push(hardAlignment(rows, rows.length, Tx));
        sure.push(ex.sure);
        possible.push(ex.possible);
        const d = forced.transformer;
        if (d) {
          const n = ex.target.length;
          const cross = d.cross;
          for (let l = 0; l < d.layers; l++) {
            const mean = Array.from({ length: n }, () => new Float64Array(Tx));
            for (let h = 0; h < d.heads; h++) {
              const headRows = Array.from({ length: n }, (_, i) => {
                const o = ((l * d.heads + h) * cross.rows + i) * cross.cols;
                const row = Float64Array.from(cross.weights.subarray(o, o + Tx));
                row.forEach((v, j) => ((mean[i] as Float64Array)[j] = ((mean[i] as Float64Array)[j] as number) + v / d.heads));
                return row;
              });
              const key = `${l}:${h}`;
              headLinks.set(key, [...(headLinks.get(key) ?? []), hardAlignment(headRows, n, Tx)]);
            }
            const key = `${l}:mean`;
            headLinks.set(key, [...(headLinks.get(key) ?? []), hardAlignment(mean, n, Tx)]);
          }
        }
      }
    }
    opts.onProgress?.(k + 1, examples.length);
  });
  const detok = opts.detokenize ?? ((t: readonly string[]): string => t.join(' '));
  const hypText = hyps.map(detok);
  const refText = refs.map(detok);
  const bleuTok = opts.bleuTokenizer ?? '13a';
  const heads = [...headLinks].map(([key, links]) => {
    const [layer, head] = key.split(':') as [string, string];
    return { layer: Number(layer), head: head === 'mean' ? ('mean' as const) : Number(head), aer: alignmentErrorRate(links, sure, possible) };
  });
  return {
    ...(heads.length > 0 ? { heads } : {}),
    count: examples.length,
    bleu: corpusBleu(hypText, refText, bleuTok).score,
    exactMatch: exactMatch(hyps, refs),
    tokenAccuracy: tokenAccuracy(hyps, refs),
    aer: hasGold && hasAttention ? alignmentErrorRate(predicted, sure, possible) : null,
    entropy: hasAttention && entropyRows > 0 ? entropySum / entropyRows : null,
    byLength: bleuByLength(hypText, refText, examples.map((e) => e.source.length), undefined, bleuTok),
    seconds: (performance.now() - t0) / 1000,
  };
}
