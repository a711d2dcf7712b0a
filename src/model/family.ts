// The model-family seam (docs/ARCHITECTURE.md, "Model families"): what every family implements so
// that the store, the views, the trainer and the CLIs never ask which one they hold, except to
// choose a panel. Adding a family means a config type and param specs (config.ts), a training
// forward, a TranslationModel, and one entry in FAMILY_IMPLS below.

import type { Vocab } from '../data/vocab';
import type { DType, Tensor } from '../tensor';
import type { Batch } from './batch';
import { familyOf, isTransformer, type Family, type ModelConfig, type Variant } from './config';
import type { BeamHypothesis, BeamOptions, BeamTreeOptions, BeamTreeResult, DecodeOptions } from './decoding';
import type { Dropout } from './dropout';
import type { ScoreTerms } from './explain';
import { forwardLoss } from './forward';
import { InferenceModel } from './inference';
import type { Params } from './params';
import type { Trace } from './trace';
import { TransformerModel } from './transformer/model';
import { transformerLoss } from './transformer/forward';

/** A source sentence after a family's encoder; the rest is the family's own. */
export interface EncodedInput {
  tokens: string[];
  ids: Int32Array;
  unknown: boolean[];
  /** Tx, </s> included. */
  length: number;
}

/** How to encode: `positions: false` switches a Transformer's position encodings off (order blindness). */
export interface EncodeOptions {
  positions?: boolean;
}

/** A trained model ready to translate, of any family. */
export interface TranslationModel<E extends EncodedInput = EncodedInput> {
  readonly family: Family;
  readonly config: ModelConfig;
  readonly srcVocab: Vocab;
  readonly tgtVocab: Vocab;
  readonly dtype: DType;
  readonly variant: Variant;
  /** Map tokens to ids (unknown → <unk>), append </s>, encode. Throws DecodeError on bad input. */
  encodeTokens(tokens: readonly string[], opts?: EncodeOptions): E;
  /** Encode ids that already end with </s>. */
  encodeIds(ids: Int32Array): E;
  greedy(enc: E, opts?: DecodeOptions): Trace;
  forced(enc: E, targetIds: Int32Array, opts?: DecodeOptions): Trace;
  forcedTokens(enc: E, tokens: readonly string[], opts?: DecodeOptions): Trace;
  beam(enc: E, opts: BeamOptions): BeamHypothesis[];
  /** Beam search with its search tree (every candidate, kept or pruned) and, on request, one branch's trace. */
  beamTree(enc: E, opts: BeamTreeOptions): BeamTreeResult;
  /** The per-unit terms of score e_ij of a trace this model wrote; null where there is none. */
  explainScore(trace: Trace, i: number, j: number): ScoreTerms | null;
}

/** How a training step computes its loss: with dropout (RNNsearch only, src/model/dropout.ts) or without. */
export interface LossOptions {
  dropout?: Dropout;
}

/** What training needs from a family: the loss of a padded batch, built from autodiff ops. */
export interface FamilyImpl {
  loss(params: Params, config: ModelConfig, batch: Batch, opts?: LossOptions): { loss: Tensor; tokens: number; logits: Tensor };
  create(config: ModelConfig, params: Params, srcVocab: Vocab, tgtVocab: Vocab): TranslationModel;
}

const FAMILY_IMPLS: Record<Family, FamilyImpl> = {
  rnnsearch: {
    loss: (params, config, batch, opts = {}) => {
      if (isTransformer(config)) throw new TypeError('rnnsearch family given a Transformer config');
      return forwardLoss(params, config, batch, opts.dropout ? { dropout: opts.dropout } : {});
    },
    create: (config, params, srcVocab, tgtVocab) => {
      if (isTransformer(config)) throw new TypeError('rnnsearch family given a Transformer config');
      return new InferenceModel(config, params, srcVocab, tgtVocab);
    },
  },
  transformer: {
    loss: (params, config, batch, opts = {}) => {
      if (!isTransformer(config)) throw new TypeError('transformer family given an RNNsearch config');
      if (opts.dropout && opts.dropout.rate > 0) throw new RangeError('dropout is implemented for RNNsearch models only');
      return transformerLoss(params, config, batch);
    },
    create: (config, params, srcVocab, tgtVocab) => {
      if (!isTransformer(config)) throw new TypeError('transformer family given an RNNsearch config');
      return new TransformerModel(config, params, srcVocab, tgtVocab);
    },
  },
};

/** The family implementation for a configuration. */
export function familyImpl(config: ModelConfig): FamilyImpl {
  return FAMILY_IMPLS[familyOf(config)];
}

/** Mean cross-entropy of a batch under any family (what the trainer minimises). */
export function batchLoss(params: Params, config: ModelConfig, batch: Batch, opts: LossOptions = {}): { loss: Tensor; tokens: number; logits: Tensor } {
  return familyImpl(config).loss(params, config, batch, opts);
}

/** A ready-to-translate model of the configuration's family. */
export function createModel(config: ModelConfig, params: Params, srcVocab: Vocab, tgtVocab: Vocab): TranslationModel {
  return familyImpl(config).create(config, params, srcVocab, tgtVocab);
}
