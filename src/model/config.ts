// Model configuration and the parameter list of RNNsearch (Bahdanau et al. 2014, appendix A)
// and its attention variants. Parameter names are dotted paths that are also the tensor names in
// the checkpoint; shapes follow the row-vector convention used throughout (y = x·W).

export const VARIANTS = ['none', 'diagonal', 'additive', 'dot', 'general', 'scaled-dot'] as const;
export type Variant = (typeof VARIANTS)[number];

export function isVariant(value: unknown): value is Variant {
  return typeof value === 'string' && (VARIANTS as readonly string[]).includes(value);
}

/** What each variant is, in one line (shown in the UI and the CLIs). */
export const VARIANT_INFO: Record<Variant, { title: string; formula: string; source: string }> = {
  none: {
    title: 'No attention (RNNencdec)',
    formula: 'c_i = [→h_Tx ; ←h_1] for every i',
    source: 'Cho et al. 2014, the paper’s baseline',
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
    source: 'End-To-End Memory Networks 2015 / Transformer 2017',
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

export interface ModelConfig {
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

export type ParamSpec = { name: string; shape: number[]; init: 'embedding' | 'glorot' | 'orthogonal' | 'zeros' | 'small' };

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
  if (!isVariant(config.variant)) throw new RangeError(`model config: unknown attention variant ${String(config.variant)}`);
  for (const k of ['srcVocabSize', 'tgtVocabSize'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 5) throw new RangeError(`model config: ${k} must be an integer ≥ 5, got ${config[k]}`);
  }
  if (!(config.lengthRatio > 0 && config.lengthRatio < 20)) throw new RangeError(`model config: lengthRatio must be in (0, 20), got ${config.lengthRatio}`);
}
