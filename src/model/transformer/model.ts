// The Transformer as a TranslationModel (src/model/family.ts): encode once, then decode with the
// shared strategies (src/model/decoding.ts). A step runs the decoder over the whole prefix with
// the same forward training uses (forward.ts) and keeps the last position's numbers, so that
// training and inference cannot disagree; the trace records every layer's and head's attention.

import { EOS_ID, UNK_ID, type Vocab } from '../../data/vocab';
import { allocArray, noGrad, type DType, type FloatArray } from '../../tensor';
import { MAX_SOURCE_TOKENS, validateConfig, type TransformerConfig, type TransformerVariant } from '../config';
import {
  DecodeError,
  beamSearch,
  decodeSequence,
  forcedWithEos,
  logSoftmaxInPlace,
  normaliseOverrides,
  resolveMaxLength,
  type BeamHypothesis,
  type BeamOptions,
  type DecodeOptions,
  type Stepper,
} from '../decoding';
import { scoreTerms, type ScoreTerms } from '../explain';
import type { EncodeOptions, EncodedInput, TranslationModel } from '../family';
import type { Params } from '../params';
import type { DecodeMode, Trace } from '../trace';
import { decode, encode, positionEncoding, type AttentionRecord, type EncoderOutput } from './forward';
import { writeTransformerTrace, type TransformerStep } from './trace';

export interface TransformerEncoded extends EncodedInput {
  output: EncoderOutput;
  /** Encoder self-attention, one record per layer. */
  records: AttentionRecord[];
  positions: boolean;
}

export class TransformerModel implements TranslationModel<TransformerEncoded> {
  readonly family = 'transformer' as const;
  readonly config: TransformerConfig;
  readonly srcVocab: Vocab;
  readonly tgtVocab: Vocab;
  readonly dtype: DType;
  private readonly params: Params;

  constructor(config: TransformerConfig, params: Params, srcVocab: Vocab, tgtVocab: Vocab) {
    validateConfig(config);
    if (srcVocab.size !== config.srcVocabSize || tgtVocab.size !== config.tgtVocabSize) {
      throw new RangeError(`TransformerModel: vocabularies have ${srcVocab.size}/${tgtVocab.size} entries, the model expects ${config.srcVocabSize}/${config.tgtVocabSize}`);
    }
    this.config = config;
    this.params = params;
    this.srcVocab = srcVocab;
    this.tgtVocab = tgtVocab;
    this.dtype = params.get('encoder.embedding').dtype;
  }

  get variant(): TransformerVariant {
    return this.config.variant;
  }

  encodeTokens(tokens: readonly string[], opts: EncodeOptions = {}): TransformerEncoded {
    if (tokens.length === 0) throw new DecodeError('empty-source', 'The source sentence is empty: there is nothing to attend to.');
    if (tokens.length > MAX_SOURCE_TOKENS) throw new DecodeError('source-too-long', `The source has ${tokens.length} tokens; the model accepts at most ${MAX_SOURCE_TOKENS}.`);
    const ids = new Int32Array(tokens.length + 1);
    tokens.forEach((t, k) => (ids[k] = this.srcVocab.id(t)));
    ids[tokens.length] = EOS_ID;
    return this.encodeIds(ids, opts, [...tokens, '</s>']);
  }

  encodeIds(ids: Int32Array, opts: EncodeOptions = {}, tokens?: string[]): TransformerEncoded {
    const Tx = ids.length;
    if (Tx === 0 || (Tx === 1 && ids[0] === EOS_ID)) throw new DecodeError('empty-source', 'The source sentence is empty: there is nothing to attend to.');
    if (Tx > MAX_SOURCE_TOKENS + 1) throw new DecodeError('source-too-long', `The source has ${Tx - 1} tokens; the model accepts at most ${MAX_SOURCE_TOKENS}.`);
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= this.config.srcVocabSize) throw new DecodeError('bad-option', `source id ${id} is out of range`);
    const positions = opts.positions !== false;
    const records: AttentionRecord[] = [];
    const output = noGrad(() => encode(this.params, this.config, ids, new Uint8Array(Tx).fill(1), 1, Tx, { positions, record: records }));
    return {
      tokens: tokens ?? Array.from(ids, (id) => this.srcVocab.token(id)),
      ids,
      unknown: Array.from(ids, (id) => id === UNK_ID),
      length: Tx,
      output,
      records,
      positions,
    };
  }

  /** x_i = √d·E[y_{i−1}] (+ PE_i): what the decoder reads at position i. */
  private decoderInput(token: number, i: number, positions: boolean): FloatArray {
    const D = this.config.sizes.model;
    const emb = this.params.get('decoder.embedding').data;
    const out = allocArray(this.dtype, D);
    const pe = positions ? positionEncoding(i + 1, D, this.dtype).data : null;
    for (let d = 0; d < D; d++) out[d] = Math.sqrt(D) * (emb[token * D + d] as number) + (pe ? (pe[i * D + d] as number) : 0);
    return out;
  }

  /** The decoder as the shared strategies see it: the state is the inputs so far (<s> y_1 … y_{i−1}). */
  private stepper(enc: TransformerEncoded, overrides: ReadonlyMap<number, FloatArray>): Stepper<Int32Array, TransformerStep> {
    const V = this.config.tgtVocabSize;
    return {
      initial: new Int32Array(0),
      step: (prefix, prev, i) => {
        const inputs = new Int32Array(i + 1);
        inputs.set(prefix);
        inputs[i] = prev;
        const records: AttentionRecord[] = [];
        const { hidden, logits } = noGrad(() =>
          decode(this.params, this.config, enc.output, inputs, 1, i + 1, { positions: enc.positions, record: records, ...(overrides.size > 0 ? { crossOverride: overrides } : {}) }),
        );
        const logProbs = allocArray(this.dtype, V);
        logProbs.set(logits.data.subarray(i * V, (i + 1) * V));
        logSoftmaxInPlace(logProbs);
        const D = this.config.sizes.model;
        const record: TransformerStep = {
          records,
          input: this.decoderInput(prev, i, enc.positions),
          output: hidden.data.slice(i * D, (i + 1) * D),
        };
        return { logProbs, record, next: inputs };
      },
    };
  }

  private topK(requested: number | undefined): number {
    return Math.max(1, Math.min(requested ?? 5, this.config.tgtVocabSize));
  }

  private trace(enc: TransformerEncoded, mode: DecodeMode, decoded: Parameters<typeof writeTransformerTrace>[2], edited: ReadonlyMap<number, unknown>): Trace {
    return writeTransformerTrace(this, enc, decoded, mode, edited);
  }

  greedy(enc: TransformerEncoded, opts: DecodeOptions = {}): Trace {
    const overrides = normaliseOverrides(opts.overrides, enc.length, this.dtype);
    const decoded = decodeSequence(this.stepper(enc, overrides), { maxLength: resolveMaxLength(enc.length, opts.maxLength), topK: this.topK(opts.topK), forced: null, stopAtEos: opts.stopAtEos !== false });
    return this.trace(enc, 'greedy', decoded, overrides);
  }

  forced(enc: TransformerEncoded, targetIds: Int32Array, opts: DecodeOptions = {}): Trace {
    const ids = forcedWithEos(targetIds, this.config.tgtVocabSize);
    const overrides = normaliseOverrides(opts.overrides, enc.length, this.dtype);
    const decoded = decodeSequence(this.stepper(enc, overrides), { maxLength: ids.length, topK: this.topK(opts.topK), forced: ids, stopAtEos: true });
    return this.trace(enc, 'forced', decoded, overrides);
  }

  forcedTokens(enc: TransformerEncoded, tokens: readonly string[], opts: DecodeOptions = {}): Trace {
    return this.forced(enc, Int32Array.from(tokens, (t) => this.tgtVocab.id(t)), opts);
  }

  beam(enc: TransformerEncoded, opts: BeamOptions): BeamHypothesis[] {
    const hyps = beamSearch(this.stepper(enc, new Map()), { width: opts.width, maxLength: resolveMaxLength(enc.length, opts.maxLength), topK: this.topK(opts.topK), alpha: opts.alpha ?? 1 });
    return hyps.map((h) => ({ trace: this.trace(enc, 'beam', h, new Map()), score: h.score }));
  }

  /** q·k/√d (softmax heads) or φ(q)·φ(k) (linear) of the head the trace shows; null for a head average. */
  explainScore(trace: Trace, i: number, j: number): ScoreTerms | null {
    return scoreTerms(trace, i, j, null);
  }
}
