// Stories with questions, in the style of bAbI tasks 1 and 2 (Weston et al. 2015; docs/ARCHITECTURE.md,
// "Memory networks"): people move between places and pick up and drop objects; a question asks
// where a person is (one supporting fact: their last move) or where an object is (two: who took or
// dropped it, and where that person was). Every question records its gold supporting sentences,
// and the generator keeps a question only when removing any one of them changes the answer, so
// that "supporting" is a checked property, not a label.
//
// Stories are sentences of lower-case tokens without punctuation; the page's tokenizer
// (`tokenizeStoryLine`) turns typed text into the same form.

import { Rng } from '../../tensor/random';
import { splitOf } from './splits';

export const PEOPLE = ['mary', 'john', 'sandra', 'daniel'] as const;
export const PLACES = ['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom'] as const;
export const OBJECTS = ['football', 'apple', 'milk'] as const;
const MOVES = [['went', 'to'], ['moved', 'to'], ['travelled', 'to'], ['journeyed', 'to'], ['went', 'back', 'to']] as const;
const TAKES = [['picked', 'up'], ['got'], ['grabbed'], ['took']] as const;
const DROPS = [['dropped'], ['put', 'down'], ['discarded'], ['left']] as const;

/** Most memories a story may hold; longer stories keep their last MAX_MEMORIES sentences. */
export const MAX_MEMORIES = 20;
/** Most tokens in one memory sentence or question. */
export const MAX_SENTENCE_TOKENS = 12;

export type QuestionKind = 'one' | 'two';

/** One story with one question about it. */
export interface QaExample {
  story: string[][];
  question: string[];
  answer: string;
  /** Indices into `story` of the gold supporting sentences, in story order. */
  support: number[];
  kind: QuestionKind;
}

type Event =
  | { type: 'move'; person: string; place: string }
  | { type: 'take'; person: string; object: string }
  | { type: 'drop'; person: string; object: string };

const PEOPLE_SET = new Set<string>(PEOPLE);
const PLACE_SET = new Set<string>(PLACES);
const OBJECT_SET = new Set<string>(OBJECTS);

/** Read one story sentence as an event; null when it is none of the three forms. */
export function parseEvent(tokens: readonly string[]): Event | null {
  const [person, ...rest] = tokens;
  if (!person || !PEOPLE_SET.has(person) || rest.length < 2) return null;
  const last = rest[rest.length - 1] as string;
  const verb = rest.slice(0, -1);
  const article = verb[verb.length - 1] === 'the';
  const head = article ? verb.slice(0, -1) : verb;
  const is = (forms: ReadonlyArray<readonly string[]>): boolean => forms.some((f) => f.length === head.length && f.every((w, k) => w === head[k]));
  if (article && PLACE_SET.has(last) && is(MOVES)) return { type: 'move', person, place: last };
  if (article && OBJECT_SET.has(last) && is(TAKES)) return { type: 'take', person, object: last };
  if (article && OBJECT_SET.has(last) && is(DROPS)) return { type: 'drop', person, object: last };
  return null;
}

/** What a question asks about (a person or an object); null when it is not "where is X". */
export function parseQuestion(tokens: readonly string[]): { about: string; kind: QuestionKind } | null {
  if (tokens[0] !== 'where' || tokens[1] !== 'is') return null;
  const rest = tokens.slice(2);
  if (rest.length === 1 && PEOPLE_SET.has(rest[0] as string)) return { about: rest[0] as string, kind: 'one' };
  if (rest.length === 2 && rest[0] === 'the' && OBJECT_SET.has(rest[1] as string)) return { about: rest[1] as string, kind: 'two' };
  return null;
}

/**
 * The answer the story implies, by simulating it; with the sentences that support it. null when
 * the story does not say (the person never moved, nobody took the object, …).
 */
export function solve(story: readonly (readonly string[])[], question: readonly string[]): { answer: string; support: number[] } | null {
  const q = parseQuestion(question);
  if (!q) return null;
  const lastMove = new Map<string, number>(); // person → sentence index of their last move
  const place = new Map<string, string>();
  // object → { holder } while held, { where, drop, move } once dropped
  const objects = new Map<string, { holder: string; take: number } | { where: string | null; drop: number; move: number | null }>();
  story.forEach((tokens, k) => {
    const e = parseEvent(tokens);
    if (!e) return;
    if (e.type === 'move') {
      place.set(e.person, e.place);
      lastMove.set(e.person, k);
    } else if (e.type === 'take') {
      objects.set(e.object, { holder: e.person, take: k });
    } else {
      const o = objects.get(e.object);
      if (o && 'holder' in o && o.holder === e.person) objects.set(e.object, { where: place.get(e.person) ?? null, drop: k, move: lastMove.get(e.person) ?? null });
    }
  });
  if (q.kind === 'one') {
    const k = lastMove.get(q.about);
    return k === undefined ? null : { answer: place.get(q.about) as string, support: [k] };
  }
  const o = objects.get(q.about);
  if (!o) return null;
  if ('holder' in o) {
    const k = lastMove.get(o.holder);
    return k === undefined ? null : { answer: place.get(o.holder) as string, support: [o.take, k].sort((a, b) => a - b) };
  }
  return o.where === null || o.move === null ? null : { answer: o.where, support: [o.move, o.drop].sort((a, b) => a - b) };
}

/** True when removing any one supporting sentence changes the answer (or leaves none). */
export function supportIsNeeded(example: QaExample): boolean {
  return example.support.every((s) => {
    const without = example.story.filter((_, k) => k !== s);
    const r = solve(without, example.question);
    return r === null || r.answer !== example.answer;
  });
}

function sentence(rng: Rng, e: Event): string[] {
  if (e.type === 'move') return [e.person, ...rng.pick(MOVES), 'the', e.place];
  if (e.type === 'take') return [e.person, ...rng.pick(TAKES), 'the', e.object];
  return [e.person, ...rng.pick(DROPS), 'the', e.object];
}

/** A random plausible event given the world so far. */
function nextEvent(rng: Rng, place: Map<string, string>, holder: Map<string, string>): Event {
  const person = rng.pick(PEOPLE) as string;
  const held = OBJECTS.filter((o) => holder.get(o) === person);
  const free = OBJECTS.filter((o) => !holder.has(o));
  const r = rng.float();
  if (place.has(person) && held.length > 0 && r < 0.2) return { type: 'drop', person, object: rng.pick(held) };
  if (place.has(person) && free.length > 0 && r < 0.45) return { type: 'take', person, object: rng.pick(free) };
  const here = place.get(person);
  return { type: 'move', person, place: rng.pick(PLACES.filter((p) => p !== here)) };
}

/** A story of `length` sentences. */
function sampleStory(rng: Rng, length: number): string[][] {
  const place = new Map<string, string>();
  const holder = new Map<string, string>();
  const story: string[][] = [];
  for (let k = 0; k < length; k++) {
    const e = nextEvent(rng, place, holder);
    if (e.type === 'move') place.set(e.person, e.place);
    else if (e.type === 'take') holder.set(e.object, e.person);
    else holder.delete(e.object);
    story.push(sentence(rng, e));
  }
  return story;
}

/** Options for `sampleQa`: story length range (sentences, inclusive) and the question's kind. */
export interface QaSampleOptions {
  kind: QuestionKind;
  minSentences: number;
  maxSentences: number;
}

/** A random story with a question of the given kind whose gold facts are really needed. */
export function sampleQa(rng: Rng, options: QaSampleOptions): QaExample {
  const { kind, minSentences, maxSentences } = options;
  if (!Number.isInteger(minSentences) || !Number.isInteger(maxSentences) || minSentences < 2 || maxSentences > MAX_MEMORIES || minSentences > maxSentences) {
    throw new RangeError(`sampleQa: story length must be integers with 2 ≤ min ≤ max ≤ ${MAX_MEMORIES}, got [${minSentences}, ${maxSentences}]`);
  }
  for (let attempt = 0; attempt < 1000; attempt++) {
    const story = sampleStory(rng, minSentences + rng.int(maxSentences - minSentences + 1));
    const about = kind === 'one' ? rng.pick(PEOPLE) : rng.pick(OBJECTS);
    const question = kind === 'one' ? ['where', 'is', about] : ['where', 'is', 'the', about];
    const solved = solve(story, question);
    if (!solved) continue;
    const example: QaExample = { story, question, answer: solved.answer, support: solved.support, kind };
    if (supportIsNeeded(example)) return example;
  }
  throw new RangeError(`sampleQa: could not make a ${kind}-fact question in [${minSentences}, ${maxSentences}] sentences`);
}

/** The example as one line of text (its identity for splits and deduplication). */
export function qaText(example: Pick<QaExample, 'story' | 'question'>): string {
  return `${example.story.map((s) => s.join(' ')).join(' . ')} ? ${example.question.join(' ')}`;
}

export interface QaSplits {
  train: QaExample[];
  dev: QaExample[];
  test: QaExample[];
}

export interface QaSplitOptions {
  seed: number;
  train: number;
  dev: number;
  test: number;
  minSentences?: number;
  maxSentences?: number;
}

/**
 * Train/dev/test sets, half one-fact and half two-fact questions, with no story+question in two
 * sets: each example belongs to one split by a hash of its text (80/10/10), whatever the seed.
 */
export function makeQaSplits(options: QaSplitOptions): QaSplits {
  const minSentences = options.minSentences ?? 2;
  const maxSentences = options.maxSentences ?? 12;
  const rng = new Rng(options.seed);
  const want = { train: options.train, dev: options.dev, test: options.test };
  const out: QaSplits = { train: [], dev: [], test: [] };
  const seen = new Set<string>();
  const total = want.train + want.dev + want.test;
  for (let tries = 0; tries < total * 30 && out.train.length + out.dev.length + out.test.length < total; tries++) {
    const e = sampleQa(rng, { kind: tries % 2 === 0 ? 'one' : 'two', minSentences, maxSentences });
    const text = qaText(e);
    if (seen.has(text)) continue;
    seen.add(text);
    const split = splitOf(text);
    if (out[split].length < want[split]) out[split].push(e);
  }
  for (const k of ['train', 'dev', 'test'] as const) {
    if (out[k].length < want[k]) throw new RangeError(`makeQaSplits: only ${out[k].length} distinct ${k} examples of ${want[k]}`);
  }
  return out;
}

/** Typed text → tokens: lower case, words only (punctuation dropped), as the generator writes them. */
export function tokenizeStoryLine(line: string): string[] {
  return line
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Example stories for the page: one where one hop suffices, and one that needs two. */
export const CURATED_STORIES: ReadonlyArray<{ story: string; question: string }> = [
  {
    story: 'Mary went to the kitchen.\nJohn moved to the garden.\nMary travelled to the office.\nSandra went back to the hallway.',
    question: 'Where is Mary?',
  },
  {
    story: 'John went to the bedroom.\nJohn picked up the football.\nMary moved to the garden.\nJohn travelled to the office.\nSandra went to the kitchen.',
    question: 'Where is the football?',
  },
];
