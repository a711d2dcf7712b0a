// End-To-End Memory Networks (Sukhbaatar, Szlam, Weston & Fergus 2015; docs/ARCHITECTURE.md,
// "Memory networks"), built from the tensor module's ops so that training and the page share one
// forward pass:
//
//   m_i = Σ_j l_j ∘ A^k x_ij + T_A^k(i)          keys: the story's sentences, bag of words with
//   c_i = Σ_j l_j ∘ A^{k+1} x_ij + T_A^{k+1}(i)   position encoding l_j, plus a temporal encoding
//   p_i = softmax_i(u^k · m_i)                     the hop's attention over the memories
//   o   = Σ_i p_i c_i                              the value read
//   u^{k+1} = u^k + o                              the next hop's query
//   â = softmax(u^{K+1} · (A^K)ᵀ)                  the answer over the vocabulary
//
// with adjacent weight tying (the question embedding B = A^0, the hop's value embedding is the next
// hop's key embedding, the answer matrix is the last value embedding). Temporal index i counts back
// from the most recent sentence, so a story's last sentence is always T(0).

import { PAD_ID } from '../../data/vocab';
import { add, crossEntropy, gather, matmul, mul, reshape, softmax, sum, Tensor, type DType, type Rng } from '../../tensor';
import { allocArray } from '../../tensor/tensor';
import type { Params } from '../params';

export interface MemoryConfig {
  family: 'memn2n';
  vocabSize: number;
  /** d, the embedding size. */
  embed: number;
  /** K, the number of hops (1–3 in the paper). */
  hops: number;
  /** Rows of the temporal encoding table: the most memories a story may use. */
  memories: number;
  /** Temporal encoding T_A (the paper's TE). */
  temporal: boolean;
  /** Position encoding l_j of the words (the paper's PE); off: a plain bag of words. */
  positionEncoding: boolean;
}

export const MAX_HOPS = 3;

/** Problems with a configuration, as messages ([] when valid). */
export function memoryConfigProblems(c: MemoryConfig): string[] {
  const out: string[] = [];
  const int = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(c.vocabSize, 5, 100_000)) out.push(`vocabulary size must be an integer in [5, 100000], got ${c.vocabSize}`);
  if (!int(c.embed, 1, 1024)) out.push(`embedding size must be an integer in [1, 1024], got ${c.embed}`);
  if (!int(c.hops, 1, MAX_HOPS)) out.push(`hops must be an integer in [1, ${MAX_HOPS}], got ${c.hops}`);
  if (!int(c.memories, 1, 1000)) out.push(`memories must be an integer in [1, 1000], got ${c.memories}`);
  return out;
}

/** Parameter names and shapes, in checkpoint order: A0…AK, then T0…TK when temporal. */
export function memoryParamShapes(c: MemoryConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (let k = 0; k <= c.hops; k++) shapes.set(`A${k}`, [c.vocabSize, c.embed]);
  if (c.temporal) for (let k = 0; k <= c.hops; k++) shapes.set(`T${k}`, [c.memories, c.embed]);
  return shapes;
}

/** One padded batch of stories with questions, as ids. */
export interface QaBatch {
  size: number;
  /** M: memory slots per story (the longest story, after noise). */
  slots: number;
  /** L: the longest memory sentence. */
  words: number;
  /** Story ids [B, M, L], PAD after each sentence and in unused slots. */
  story: Int32Array;
  /** Real words per (story, slot) [B, M] (0 for an empty or unused slot). */
  lengths: Int32Array;
  /** 1 where a slot holds a memory (empty noise memories included) [B, M]. */
  mask: Uint8Array;
  /** Temporal index per slot [B, M]: 0 for the most recent memory. */
  recency: Int32Array;
  /** Question ids [B, Lq]. */
  question: Int32Array;
  questionWords: number;
  questionLengths: Int32Array;
  /** Answer ids [B]. */
  answers: Int32Array;
}

/** One story with its question and answer as ids (sentences in story order). */
export interface QaIds {
  story: Int32Array[];
  question: Int32Array;
  answer: number;
}

/** Options for `makeQaBatch`: empty memories inserted at random (the paper's random noise, RN). */
export interface QaBatchOptions {
  noise?: { rate: number; rng: Rng };
  /** Most slots (the temporal table's size); older sentences beyond it are dropped. */
  maxSlots: number;
}

export function makeQaBatch(examples: readonly QaIds[], options: QaBatchOptions): QaBatch {
  if (examples.length === 0) throw new RangeError('makeQaBatch: empty batch');
  const B = examples.length;
  const stories = examples.map((e) => {
    const slots: Array<Int32Array | null> = [];
    for (const s of e.story) {
      if (options.noise && options.noise.rng.float() < options.noise.rate) slots.push(null);
      slots.push(s);
    }
    return slots.slice(Math.max(0, slots.length - options.maxSlots));
  });
  const M = Math.max(1, ...stories.map((s) => s.length));
  const L = Math.max(1, ...examples.flatMap((e) => e.story.map((s) => s.length)));
  const Lq = Math.max(1, ...examples.map((e) => e.question.length));
  const story = new Int32Array(B * M * L).fill(PAD_ID);
  const lengths = new Int32Array(B * M);
  const mask = new Uint8Array(B * M);
  const recency = new Int32Array(B * M);
  const question = new Int32Array(B * Lq).fill(PAD_ID);
  const questionLengths = new Int32Array(B);
  const answers = new Int32Array(B);
  stories.forEach((slots, b) => {
    slots.forEach((s, i) => {
      const at = b * M + i;
      mask[at] = 1;
      recency[at] = slots.length - 1 - i;
      if (s) {
        story.set(s.subarray(0, L), at * L);
        lengths[at] = s.length;
      }
    });
    const e = examples[b] as QaIds;
    question.set(e.question, b * Lq);
    questionLengths[b] = e.question.length;
    answers[b] = e.answer;
  });
  return { size: B, slots: M, words: L, story, lengths, mask, recency, question, questionWords: Lq, questionLengths, answers };
}

/**
 * Word weights [N, L, d] for N bags of words with the given lengths: the paper's position
 * encoding l_kj = (1 − j/J) − (k/d)(1 − 2j/J) (j, k from 1), or 1 without it; 0 on padding.
 */
export function wordWeights(lengths: Int32Array, L: number, d: number, positionEncoding: boolean, dtype: DType): Tensor {
  const w = allocArray(dtype, lengths.length * L * d);
  for (let n = 0; n < lengths.length; n++) {
    const J = lengths[n];
    for (let j = 1; j <= J; j++) {
      const base = (n * L + j - 1) * d;
      for (let k = 1; k <= d; k++) w[base + k - 1] = positionEncoding ? 1 - j / J - (k / d) * (1 - (2 * j) / J) : 1;
    }
  }
  return new Tensor(w, [lengths.length, L, d]);
}

/** Bags of words: Σ_j l_j ∘ E x_j, for ids [N, L] → [N, d]. */
function bags(table: Tensor, ids: Int32Array, weights: Tensor, n: number, L: number): Tensor {
  const emb = gather(table, ids, [n, L]);
  return sum(mul(emb, weights), 1);
}

/** What one hop computed, for the views: scores u·m_i, weights p_i, the value read o, the query u. */
export interface HopTensors {
  scores: Tensor;
  weights: Tensor;
  read: Tensor;
  query: Tensor;
}

/** The forward pass: answer logits [B, V] and every hop's tensors. */
export function memoryForward(params: Params, config: MemoryConfig, batch: QaBatch): { logits: Tensor; hops: HopTensors[] } {
  const { size: B, slots: M, words: L, questionWords: Lq } = batch;
  const d = config.embed;
  const dtype = params.get('A0').dtype;
  const storyWeights = wordWeights(batch.lengths, L, d, config.positionEncoding, dtype);
  const memory = (k: number): Tensor => {
    const m = reshape(bags(params.get(`A${k}`), batch.story, storyWeights, B * M, L), [B, M, d]);
    return config.temporal ? add(m, gather(params.get(`T${k}`), batch.recency, [B, M])) : m;
  };
  let u = bags(params.get('A0'), batch.question, wordWeights(batch.questionLengths, Lq, d, config.positionEncoding, dtype), B, Lq);
  const hops: HopTensors[] = [];
  let keys = memory(0);
  for (let k = 0; k < config.hops; k++) {
    const values = memory(k + 1);
    const scores = reshape(matmul(keys, reshape(u, [B, d, 1])), [B, M]);
    const weights = softmax(scores, -1, batch.mask);
    const read = reshape(matmul(reshape(weights, [B, 1, M]), values), [B, d]);
    hops.push({ scores, weights, read, query: u });
    u = add(u, read);
    keys = values;
  }
  const logits = matmul(u, params.get(`A${config.hops}`), { transB: true });
  return { logits, hops };
}

/** Mean cross-entropy of the answers (what training minimises); `tokens` counts the questions. */
export function memoryLoss(params: Params, config: MemoryConfig, batch: QaBatch): { loss: Tensor; tokens: number } {
  const { logits } = memoryForward(params, config, batch);
  return { loss: crossEntropy(logits, batch.answers), tokens: batch.size };
}
