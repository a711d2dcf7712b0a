// Model configuration and the parameter list of RNNsearch (Bahdanau et al. 2014, appendix A)
// and its attention variants. Parameter names are dotted paths that are also the tensor names in
// the checkpoint; shapes follow the row-vector convention used throughout (y = x·W).

/** RNNsearch's attention variants (what the trainer, the compare view and the CLI offer for it). */
export const VARIANTS = ['none', 'diagonal', 'additive', 'dot', 'general', 'scaled-dot'] as const;
export type RnnVariant = (typeof VARIANTS)[number];
/** Every attention a model of any family can have: RNNsearch's, plus linear attention (Transformer only). */
export const ALL_VARIANTS = [...VARIANTS, 'linear', 'linear-causal'] as const;
export type Variant = (typeof ALL_VARIANTS)[number];

export function isVariant(value: unknown): value is Variant {
  return typeof value === 'string' && (ALL_VARIANTS as readonly string[]).includes(value);
}

/** Model families: the 2014 encoder–decoder and the 2017 Transformer (see docs/ARCHITECTURE.md, "Model families"). */
export const FAMILIES = ['rnnsearch', 'transformer'] as const;
export type Family = (typeof FAMILIES)[number];
/**
 * The Transformer's attentions: softmax (scaled dot product) everywhere, linear attention (fast
 * weights) everywhere, or linear only in the decoder's causal self-attention with softmax in the
 * encoder and the cross-attention (the fast weight programmer of Schlag, Irie & Schmidhuber 2021
 * sits in the causal part; see docs/ARCHITECTURE.md, "Model families").
 */
export const TRANSFORMER_VARIANTS = ['scaled-dot', 'linear', 'linear-causal'] as const;
export type TransformerVariant = (typeof TRANSFORMER_VARIANTS)[number];

/** A Transformer's three kinds of attention: encoder self-attention, decoder (causal) self-attention, cross-attention. */
export type AttentionSite = 'encoder' | 'self' | 'cross';

/** Whether `variant` uses linear attention (φ(q)·φ(k), no softmax) at `site`. */
export function linearAt(variant: Variant, site: AttentionSite): boolean {
  return variant === 'linear' || (variant === 'linear-causal' && site === 'self');
}

/**
 * The attention the heatmap shows (RNNsearch's, or a Transformer's cross-attention) as a variant
 * of its own: linear-causal has softmax scaled-dot cross-attention.
 */
export function crossVariant(variant: Variant): Exclude<Variant, 'linear-causal'> {
  return variant === 'linear-causal' ? 'scaled-dot' : variant;
}

/** Whether `variant` has linear attention anywhere (its decoder self-attention is then a fast weight programmer). */
export function hasLinearAttention(variant: Variant): boolean {
  return linearAt(variant, 'self');
}

/** What each variant is, in one line (shown in the UI and the CLIs). */
export const VARIANT_INFO: Record<Variant, { title: string; formula: string; source: string }> = {
  none: {
    title: 'No attention (RNNencdec)',
    formula: 'c_i = [→h_Tx ; ←h_1] for every i',
    // Cho et al.'s RNNencdec read the source with a one-directional encoder; ours keeps the
    // bidirectional one of every other variant, so that only the attention differs
    source: 'Cho et al. 2014, the paper’s baseline (theirs reads the source in one direction; ours reads a bidirectional summary)',
  },
  diagonal: {
    title: 'Hard-coded diagonal',
    formula: 'α_ij = 1 if j = round(i·(Tx−1)/(Ty−1)), else 0',
    source: 'the “two cursors moving in sync” first attempt',
  },
  additive: {
    title: 'Additive (Bahdanau)',
    formula: 'e_ij = v_aᵀ tanh(W_a s_{i−1} + U_a h_j)',
    source: 'Bahdanau, Cho & Bengio 2014',
  },
  // dot and general are Luong, Pham & Manning's (2015), not End-To-End Memory Networks'
  dot: {
    title: 'Dot product',
    formula: 'e_ij = s_{i−1}ᵀ (→h_j + ←h_j)',
    source: 'Luong et al. 2015 (annotation halves summed to match sizes)',
  },
  general: {
    title: 'General (bilinear)',
    formula: 'e_ij = s_{i−1}ᵀ W_g h_j',
    source: 'Luong et al. 2015',
  },
  'scaled-dot': {
    title: 'Scaled dot product, keys and values',
    formula: 'e_ij = (W_q s_{i−1})ᵀ (W_k h_j) / √d,  c_i = Σ_j α_ij W_v h_j',
    // the scaling by √d and the separate query/key/value projections are Vaswani et al.'s; End-To-End
    // Memory Networks (Sukhbaatar et al. 2015) had separate key and value embeddings but no √d
    source: 'Vaswani et al. 2017, the Transformer’s (End-To-End Memory Networks had keys and values but no √d)',
  },
  linear: {
    title: 'Linear attention (fast weights)',
    formula: 'W_i = W_{i−1} + v_i φ(k_i)ᵀ,  out_i = W_i φ(q_i) / (z_i·φ(q_i)),  φ = elu + 1',
    source: 'Schmidhuber 1991 / Katharopoulos et al. 2020 / Schlag, Irie & Schmidhuber 2021',
  },
  'linear-causal': {
    title: 'Linear causal self-attention (fast weights), softmax cross-attention',
    formula: 'decoder self-attention: W_i = W_{i−1} + v_i φ(k_i)ᵀ,  out_i = W_i φ(q_i) / (z_i·φ(q_i));  encoder and cross-attention: softmax(q·k/√d)',
    source: 'Schlag, Irie & Schmidhuber 2021 (fast weights in the causal part); Vaswani et al. 2017 elsewhere',
  },
};

export interface ModelSizes {
  /** Word embedding size (the paper: 620). */
  embedding: number;
  /** GRU state size n of each direction and of the decoder (the paper: 1000). */
  hidden: number;
  /** Alignment model size n′ (the paper: 1000); also d for scaled-dot. */
  alignment: number;
  /** Maxout units l of the deep output (the paper: 500; t̃ has 2l). */
  maxout: number;
}

export const DEFAULT_SIZES: ModelSizes = { embedding: 64, hidden: 128, alignment: 128, maxout: 128 };

/** Sizes of a Transformer (Vaswani et al. 2017; the base model: 512, 8 heads, 6 layers, 2048). */
export interface TransformerSizes {
  /** d_model: embeddings, every sub-layer's output and the residual stream. */
  model: number;
  /** h: attention heads per layer (d_model must be a multiple of h). */
  heads: number;
  /** N: layers of the encoder and of the decoder. */
  layers: number;
  /** d_ff: inner size of the position-wise feed-forward network. */
  ff: number;
}

export const DEFAULT_TRANSFORMER_SIZES: TransformerSizes = { model: 64, heads: 4, layers: 2, ff: 128 };

interface ConfigBase {
  srcVocabSize: number;
  tgtVocabSize: number;
  /**
   * For `diagonal` free decoding, where the target length is unknown: the expected ratio of
   * target to source length (both counting </s>), measured on the training data.
   */
  lengthRatio: number;
}

export interface TransformerConfig extends ConfigBase {
  family: 'transformer';
  variant: TransformerVariant;
  sizes: TransformerSizes;
}

/** Any model's configuration; `family` tells which (absent: RNNsearch, as in every older checkpoint). */
export type ModelConfig = RnnConfig | TransformerConfig;

export function isTransformer(config: ModelConfig): config is TransformerConfig {
  return config.family === 'transformer';
}

export function familyOf(config: ModelConfig): Family {
  return config.family ?? 'rnnsearch';
}

export interface RnnConfig {
  family?: 'rnnsearch';
  variant: Variant;
  sizes: ModelSizes;
  srcVocabSize: number;
  tgtVocabSize: number;
  /**
   * For `diagonal` free decoding, where the target length is unknown: the expected ratio of
   * target to source length (both counting </s>), measured on the training data.
   */
  lengthRatio: number;
}

/** The longest source (in tokens, before </s>) the model accepts; callers truncate longer input. */
export { MAX_TOKENS_PER_SIDE as MAX_SOURCE_TOKENS } from '../data/limits';
/** The longest output decoding may produce, </s> included (a guard against runaway decoding). */
export const MAX_TARGET_TOKENS = 300;

/** The most layers and heads a Transformer may have (checkpoints, links and the Train form). */
export const MAX_LAYERS = 12;
export const MAX_HEADS = 64;

export type ParamSpec = { name: string; shape: number[]; init: 'embedding' | 'glorot' | 'orthogonal' | 'zeros' | 'ones' | 'small' };

function gruSpecs(prefix: string, inputSize: number, H: number, contextSize?: number): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const g of ['z', 'r', 'h']) specs.push({ name: `${prefix}.W${g}`, shape: [inputSize, H], init: 'glorot' });
  for (const g of ['z', 'r', 'h']) specs.push({ name: `${prefix}.U${g}`, shape: [H, H], init: 'orthogonal' });
  if (contextSize !== undefined) {
    for (const g of ['z', 'r', 'h']) specs.push({ name: `${prefix}.C${g}`, shape: [contextSize, H], init: 'glorot' });
  }
  for (const g of ['z', 'r', 'h']) specs.push({ name: `${prefix}.b${g}`, shape: [H], init: 'zeros' });
  return specs;
}

/** Every parameter of a model with this configuration, in checkpoint order. */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  return isTransformer(config) ? transformerSpecs(config) : rnnSpecs(config);
}

function attentionSpecs(prefix: string, D: number): ParamSpec[] {
  return ['Wq', 'Wk', 'Wv', 'Wo'].map((n) => ({ name: `${prefix}.${n}`, shape: [D, D], init: 'glorot' }));
}

function sublayerSpecs(prefix: string, D: number, F: number, attentions: readonly string[]): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const a of attentions) specs.push(...attentionSpecs(`${prefix}.${a}`, D));
  specs.push(
    { name: `${prefix}.ffn.W1`, shape: [D, F], init: 'glorot' },
    { name: `${prefix}.ffn.b1`, shape: [F], init: 'zeros' },
    { name: `${prefix}.ffn.W2`, shape: [F, D], init: 'glorot' },
    { name: `${prefix}.ffn.b2`, shape: [D], init: 'zeros' },
  );
  for (let n = 1; n <= attentions.length + 1; n++) {
    specs.push({ name: `${prefix}.ln${n}.g`, shape: [D], init: 'ones' }, { name: `${prefix}.ln${n}.b`, shape: [D], init: 'zeros' });
  }
  return specs;
}

/** The Transformer's parameters: embeddings, N encoder and N decoder layers, the output layer. */
function transformerSpecs(config: TransformerConfig): ParamSpec[] {
  const { model: D, layers: N, ff: F } = config.sizes;
  const specs: ParamSpec[] = [
    { name: 'encoder.embedding', shape: [config.srcVocabSize, D], init: 'embedding' },
    { name: 'decoder.embedding', shape: [config.tgtVocabSize, D], init: 'embedding' },
  ];
  for (let l = 0; l < N; l++) specs.push(...sublayerSpecs(`encoder.layer${l}`, D, F, ['self']));
  for (let l = 0; l < N; l++) specs.push(...sublayerSpecs(`decoder.layer${l}`, D, F, ['self', 'cross']));
  specs.push({ name: 'output.W', shape: [D, config.tgtVocabSize], init: 'glorot' }, { name: 'output.b', shape: [config.tgtVocabSize], init: 'zeros' });
  return specs;
}

function rnnSpecs(config: RnnConfig): ParamSpec[] {
  const { embedding: E, hidden: H, alignment: A, maxout: L } = config.sizes;
  const H2 = 2 * H;
  const specs: ParamSpec[] = [
    { name: 'encoder.embedding', shape: [config.srcVocabSize, E], init: 'embedding' },
    ...gruSpecs('encoder.fwd', E, H),
    ...gruSpecs('encoder.bwd', E, H),
    { name: 'decoder.init.Ws', shape: [H, H], init: 'glorot' },
    { name: 'decoder.init.bs', shape: [H], init: 'zeros' },
    { name: 'decoder.embedding', shape: [config.tgtVocabSize, E], init: 'embedding' },
    ...gruSpecs('decoder.gru', E, H, H2),
  ];
  switch (config.variant) {
    case 'additive':
      specs.push(
        { name: 'attention.Wa', shape: [H, A], init: 'glorot' },
        { name: 'attention.Ua', shape: [H2, A], init: 'glorot' },
        { name: 'attention.va', shape: [A], init: 'small' },
      );
      break;
    case 'general':
      specs.push({ name: 'attention.Wg', shape: [H2, H], init: 'glorot' });
      break;
    case 'scaled-dot':
      specs.push(
        { name: 'attention.Wq', shape: [H, A], init: 'glorot' },
        { name: 'attention.Wk', shape: [H2, A], init: 'glorot' },
        { name: 'attention.Wv', shape: [H2, H2], init: 'glorot' },
      );
      break;
    case 'none':
    case 'diagonal':
    case 'dot':
      break;
    case 'linear':
    case 'linear-causal':
      throw new RangeError('model config: linear attention belongs to the Transformer family');
  }
  specs.push(
    { name: 'output.Uo', shape: [H, 2 * L], init: 'glorot' },
    { name: 'output.Vo', shape: [E, 2 * L], init: 'glorot' },
    { name: 'output.Co', shape: [H2, 2 * L], init: 'glorot' },
    { name: 'output.bo', shape: [2 * L], init: 'zeros' },
    { name: 'output.Wo', shape: [L, config.tgtVocabSize], init: 'glorot' },
    { name: 'output.bw', shape: [config.tgtVocabSize], init: 'zeros' },
  );
  return specs;
}

export function validateConfig(config: ModelConfig): void {
  const { sizes } = config;
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1 || v > 4096) throw new RangeError(`model config: sizes.${k} must be an integer in 1..4096, got ${v}`);
  }
  if (isTransformer(config)) {
    if (!(TRANSFORMER_VARIANTS as readonly string[]).includes(config.variant)) throw new RangeError(`model config: a Transformer's attention is one of ${TRANSFORMER_VARIANTS.join(', ')}, not ${String(config.variant)}`);
    if (config.sizes.model % config.sizes.heads !== 0) throw new RangeError(`model config: d_model ${config.sizes.model} is not a multiple of ${config.sizes.heads} heads`);
    if (config.sizes.layers > MAX_LAYERS || config.sizes.heads > MAX_HEADS) throw new RangeError(`model config: at most ${MAX_LAYERS} layers and ${MAX_HEADS} heads`);
  } else if (!(VARIANTS as readonly string[]).includes(config.variant)) {
    throw new RangeError(`model config: unknown RNNsearch attention variant ${String(config.variant)}`);
  }
  for (const k of ['srcVocabSize', 'tgtVocabSize'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 5) throw new RangeError(`model config: ${k} must be an integer ≥ 5, got ${config[k]}`);
  }
  if (!(config.lengthRatio > 0 && config.lengthRatio < 20)) throw new RangeError(`model config: lengthRatio must be in (0, 20), got ${config.lengthRatio}`);
}
