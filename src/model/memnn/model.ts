// A trained memory network ready to answer, and its trace for the page (docs/ARCHITECTURE.md,
// "Memory networks"): per hop the key·query scores, the softmax weights over the story's
// sentences, the value read and the query; the answer's distribution; the gold answer and
// supporting sentences when the story is one the task generator understands.

import { MAX_MEMORIES, MAX_SENTENCE_TOKENS, solve, type QaExample } from '../../data/tasks/babi';
import { UNK_ID, Vocab } from '../../data/vocab';
import { noGrad, normalParam, Rng, type DType } from '../../tensor';
import { Params } from '../params';
import { makeQaBatch, memoryConfigProblems, memoryForward, memoryParamShapes, type MemoryConfig, type QaIds } from './forward';

/** Fresh parameters: N(0, 0.1²) for every embedding and temporal table (the paper's init). */
export function initMemoryParams(config: MemoryConfig, seed: number, dtype: DType = 'float32'): Params {
  const problems = memoryConfigProblems(config);
  if (problems.length > 0) throw new RangeError(`memory network: ${problems.join('; ')}`);
  const rng = new Rng(seed);
  return new Params([...memoryParamShapes(config)].map(([name, shape]) => normalParam(rng, shape, 0.1, { dtype, name })));
}

/** The vocabulary of a set of examples: every story, question and answer word. */
export function buildQaVocab(examples: readonly QaExample[]): Vocab {
  const sentences: string[][] = [];
  for (const e of examples) sentences.push(...e.story, e.question, [e.answer]);
  return Vocab.build(sentences);
}

/** Examples as ids (unknown words → <unk>). */
export function qaIds(vocab: Vocab, e: Pick<QaExample, 'story' | 'question' | 'answer'>): QaIds {
  return { story: e.story.map((s) => vocab.encode(s)), question: vocab.encode(e.question), answer: vocab.id(e.answer) };
}

export interface HopTrace {
  /** u·m_i per sentence. */
  scores: number[];
  /** p_i per sentence (sums to 1). */
  weights: number[];
  /** o = Σ p_i c_i. */
  read: number[];
  /** u, the query this hop asked with. */
  query: number[];
}

export interface MemoryTrace {
  /** The sentences the model read (the last MAX_MEMORIES of the story), as tokens. */
  sentences: string[][];
  /** Per sentence, which tokens the vocabulary does not know. */
  unknown: boolean[][];
  /** How many earlier sentences were left out (beyond MAX_MEMORIES). */
  dropped: number;
  question: string[];
  questionUnknown: boolean[];
  hops: HopTrace[];
  /** The most probable answers, best first. */
  answers: Array<{ token: string; p: number }>;
  /** What the story implies, with its supporting sentences (indices into `sentences`); null when the generator's world cannot tell. */
  gold: { answer: string; support: number[] } | null;
}

/** Why a story and question cannot be answered (shown to the user as is). */
export class MemoryInputError extends Error {
  override readonly name = 'MemoryInputError';
  constructor(
    readonly code: 'no-story' | 'no-question' | 'too-long',
    message: string,
  ) {
    super(message);
  }
}

export class MemoryModel {
  constructor(
    readonly config: MemoryConfig,
    readonly params: Params,
    readonly vocab: Vocab,
  ) {
    const problems = memoryConfigProblems(config);
    if (problems.length > 0) throw new RangeError(`memory network: ${problems.join('; ')}`);
    if (vocab.size !== config.vocabSize) throw new RangeError(`memory network: vocabulary has ${vocab.size} entries, config says ${config.vocabSize}`);
  }

  /** Answer `question` about `story` (tokens per sentence) and trace every hop. */
  answer(story: readonly (readonly string[])[], question: readonly string[]): MemoryTrace {
    const sentences = story.filter((s) => s.length > 0);
    if (sentences.length === 0) throw new MemoryInputError('no-story', 'The story has no sentences.');
    if (question.length === 0) throw new MemoryInputError('no-question', 'The question is empty.');
    const long = [...sentences, question].find((s) => s.length > MAX_SENTENCE_TOKENS);
    if (long) throw new MemoryInputError('too-long', `A sentence has ${long.length} words; at most ${MAX_SENTENCE_TOKENS} are read.`);
    const cap = Math.min(this.config.memories, MAX_MEMORIES);
    const kept = sentences.slice(Math.max(0, sentences.length - cap)).map((s) => [...s]);
    const ids = qaIds(this.vocab, { story: kept, question: [...question], answer: '' });
    return noGrad(() => {
      const { logits, hops } = memoryForward(this.params, this.config, makeQaBatch([{ ...ids, answer: 0 }], { maxSlots: cap }));
      const all = [...logits.data].map((v, id) => ({ id, v }));
      const max = Math.max(...all.map((t) => t.v));
      let z = 0;
      for (const t of all) z += Math.exp(t.v - max);
      const answers = all
        .filter(({ id }) => !this.vocab.isSpecial(id))
        .map((t) => ({ token: this.vocab.token(t.id), p: Math.exp(t.v - max) / z }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 5);
      return {
        sentences: kept,
        unknown: ids.story.map((s) => [...s].map((id) => id === UNK_ID)),
        dropped: sentences.length - kept.length,
        question: [...question],
        questionUnknown: [...ids.question].map((id) => id === UNK_ID),
        hops: hops.map((h) => ({ scores: [...h.scores.data], weights: [...h.weights.data], read: [...h.read.data], query: [...h.query.data] })),
        answers,
        gold: solve(kept, question),
      };
    });
  }
}
