// The Transformer as a TranslationModel (src/model/family.ts): encode once with the training
// forward (forward.ts), then decode with the shared strategies (src/model/decoding.ts), one
// position per step with a KV cache (incremental.ts); the trace records every layer's and head's
// attention. Tests check that these numbers are the training forward's.

import { EOS_ID, UNK_ID, type Vocab } from '../../data/vocab';
import { noGrad, type DType, type FloatArray } from '../../tensor';
import { MAX_SOURCE_TOKENS, validateConfig, type TransformerConfig, type TransformerVariant } from '../config';
import {
  DecodeError,
  beamSearchTree,
  beamTreeResult,
  decodeSequence,
  withSampling,
  forcedWithEos,
  logSoftmaxInPlace,
  normaliseOverrides,
  resolveMaxLength,
  type BeamHypothesis,
  type BeamOptions,
  type BeamTreeOptions,
  type BeamTreeResult,
  type DecodeOptions,
  type Stepper,
} from '../decoding';
import { scoreTerms, type ScoreTerms } from '../explain';
import type { EncodeOptions, EncodedInput, TranslationModel } from '../family';
import type { Params } from '../params';
import type { DecodeMode, Trace } from '../trace';
import { encode, type AttentionRecord, type EncoderOutput } from './forward';
import { IncrementalDecoder } from './incremental';
import { writeTransformerTrace, type TransformerStep } from './trace';

export interface TransformerEncoded extends EncodedInput {
  output: EncoderOutput;
  /** Encoder self-attention, one record per layer. */
  records: AttentionRecord[];
  /** Each decoder layer's cross-attention keys (φ applied for linear attention) and values [Tx, D]. */
  memory: Array<{ K: FloatArray; V: FloatArray }>;
  positions: boolean;
}

/** The decoder state between steps: every layer's self-attention keys and values so far. */
type Cache = Array<{ K: FloatArray; V: FloatArray }>;

export class TransformerModel implements TranslationModel<TransformerEncoded> {
  readonly family = 'transformer' as const;
  readonly config: TransformerConfig;
  readonly srcVocab: Vocab;
  readonly tgtVocab: Vocab;
  readonly dtype: DType;
  private readonly params: Params;
  private readonly decoder: IncrementalDecoder;

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
    this.decoder = new IncrementalDecoder(config, params);
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
      memory: this.decoder.memoryKeysValues(output.memory.data, Tx),
      tokens: tokens ?? Array.from(ids, (id) => this.srcVocab.token(id)),
      ids,
      unknown: Array.from(ids, (id) => id === UNK_ID),
      length: Tx,
      output,
      records,
      positions,
    };
  }

  /**
   * The decoder as the shared strategies see it: the state is the KV cache of the positions
   * decoded so far (copied on every step, so that beam hypotheses can share a parent).
   */
  private stepper(enc: TransformerEncoded, maxLength: number, overrides: ReadonlyMap<number, FloatArray>): Stepper<Cache, TransformerStep> {
    const D = this.config.sizes.model;
    return {
      initial: this.decoder.newCache(0),
      step: (prefix, prev, i) => {
        const cache = this.decoder.newCache(Math.min(maxLength, i + 1));
        cache.forEach((c, l) => {
          const p = prefix[l] as { K: FloatArray; V: FloatArray };
          c.K.set(p.K.subarray(0, i * D));
          c.V.set(p.V.subarray(0, i * D));
        });
        const out = this.decoder.step(prev, i, enc.positions, enc.memory, enc.length, cache, overrides.get(i) ?? null);
        logSoftmaxInPlace(out.logits);
        return { logProbs: out.logits, record: { records: out.records, input: out.input, output: out.output }, next: cache };
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
    const maxLength = resolveMaxLength(enc.length, opts.maxLength);
    const decoded = decodeSequence(this.stepper(enc, maxLength, overrides), { maxLength, topK: this.topK(opts.topK), forced: null, stopAtEos: opts.stopAtEos !== false, sample: opts.sample ?? null });
    return withSampling(this.trace(enc, opts.sample ? 'sample' : 'greedy', decoded, overrides), opts);
  }

  forced(enc: TransformerEncoded, targetIds: Int32Array, opts: DecodeOptions = {}): Trace {
    const ids = forcedWithEos(targetIds, this.config.tgtVocabSize);
    const overrides = normaliseOverrides(opts.overrides, enc.length, this.dtype);
    const decoded = decodeSequence(this.stepper(enc, ids.length, overrides), { maxLength: ids.length, topK: this.topK(opts.topK), forced: ids, stopAtEos: true });
    return this.trace(enc, 'forced', decoded, overrides);
  }

  forcedTokens(enc: TransformerEncoded, tokens: readonly string[], opts: DecodeOptions = {}): Trace {
    return this.forced(enc, Int32Array.from(tokens, (t) => this.tgtVocab.id(t)), opts);
  }

  beam(enc: TransformerEncoded, opts: BeamOptions): BeamHypothesis[] {
    return this.beamTree(enc, opts).hypotheses;
  }

  /** Beam search with its search tree and, on request, one branch's trace (src/model/decoding.ts). */
  beamTree(enc: TransformerEncoded, opts: BeamTreeOptions): BeamTreeResult {
    const maxLength = resolveMaxLength(enc.length, opts.maxLength);
    const result = beamSearchTree(this.stepper(enc, maxLength, new Map()), { width: opts.width, maxLength, topK: this.topK(opts.topK), alpha: opts.alpha ?? 1 });
    const hypotheses = result.hypotheses.map((h) => ({ trace: this.trace(enc, 'beam', h, new Map()), score: h.score }));
    return beamTreeResult(result, hypotheses, opts, (id) => this.tgtVocab.token(id), (d) => this.trace(enc, 'beam', d, new Map()));
  }

  /** q·k/√d (softmax heads) or φ(q)·φ(k) (linear) of the head the trace shows; null for a head average. */
  explainScore(trace: Trace, i: number, j: number): ScoreTerms | null {
    return scoreTerms(trace, i, j, null);
  }
}
