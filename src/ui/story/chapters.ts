// The story's chapters (README, "The story"; facts from the sources it credits): each is a few paragraphs (i18n keys, so
// that they can be translated), a shipped model, a sentence, and what the reader should notice in
// its heatmap. The chapter's live state is a permalink state built from these fields.

import { CURATED_STORIES } from '../../data/tasks/babi';
import { MAX_STEP, type ShareState, type ShareView } from '../../export/permalink';
import type { Variant } from '../../model/config';
import type { Trace } from '../../model/trace';
import type { MessageKey } from '../i18n';
import type { RefId } from './references';

export interface Chapter {
  /** The shipped model the chapter shows (en-fr-<variant>, or a Transformer: en-fr-transformer[-linear]). */
  model: string;
  variant: Variant;
  source: string;
  /** A target to force-decode ('' for the model's own translation). */
  target: string;
  /** The reference translation, when the chapter compares the output with it. */
  reference?: string;
  /** A short sentence shown beside the chapter's one, with its reference (chapter 1). */
  contrast?: { source: string; reference: string };
  values: 'weights' | 'scores';
  /** (target word, source word) pairs outlined in the heatmap: what to notice. */
  notice: ReadonlyArray<readonly [string, string]>;
  title: MessageKey;
  paragraphs: readonly MessageKey[];
  caption: MessageKey;
  /** The papers the chapter's text cites, listed at its end (src/ui/story/references.ts). */
  references: readonly RefId[];
  /**
   * A chapter told with memory networks instead of a translation model: a story and a question,
   * answered side by side by the shipped networks (src/ui/story/MemoryFigure.tsx).
   */
  memory?: { story: string; question: string; models: readonly string[] };
  /** A chapter told with an image filter (non-local means), computed live (src/ui/story/FilterFigure.tsx); no model. */
  filter?: true;
}

const FIGURE_3 = 'the agreement on the European Economic Area was signed in August 1992 .';
const TWO_ADJECTIVES = 'the European Commission rejected an important economic reform .';

export const CHAPTERS: readonly Chapter[] = [
  {
    model: 'en-fr-none',
    variant: 'none',
    // the examples menu's "A long sentence" (32 tokens) and "Negated passive with agreement" (9)
    source:
      'the children of the teacher often eat some green apples in the garden while they are always happy because the central bank financed a new public hospital in Japan in 2004 .',
    target: '',
    reference:
      "les enfants du professeur mangent souvent des pommes vertes dans le jardin pendant qu' ils sont toujours heureux parce que la banque centrale a financé un nouvel hôpital public au Japon en 2004 .",
    contrast: {
      source: 'the law was not signed by the minister .',
      reference: "la loi n' a pas été signée par le ministre .",
    },
    values: 'weights',
    notice: [],
    title: 'story.ch1.title',
    paragraphs: ['story.ch1.p1', 'story.ch1.p2', 'story.ch1.p3'],
    caption: 'story.ch1.caption',
    references: ['cho2014', 'sutskever2014', 'cho2014properties', 'bahdanau2014'],
  },
  {
    model: 'en-fr-diagonal',
    variant: 'diagonal',
    source: 'the man sees the red car .',
    target: "l' homme voit la voiture rouge .",
    values: 'weights',
    notice: [
      ['voiture', 'red'],
      ['rouge', 'car'],
    ],
    title: 'story.ch2.title',
    paragraphs: ['story.ch2.p1', 'story.ch2.p2', 'story.ch2.p3'],
    caption: 'story.ch2.caption',
    references: ['graves2012', 'graves2013', 'bahdanau2014'],
  },
  {
    model: 'en-fr-additive',
    variant: 'additive',
    source: FIGURE_3,
    target: '',
    values: 'weights',
    notice: [
      ['zone', 'Area'],
      ['économique', 'Economic'],
      ['européenne', 'European'],
    ],
    title: 'story.ch3.title',
    paragraphs: ['story.ch3.p1', 'story.ch3.p2', 'story.ch3.p3'],
    caption: 'story.ch3.caption',
    references: ['bahdanau2014', 'sutskever2014', 'graves2014ntm', 'weston2014'],
  },
  {
    // a memory network's chapter: `model` is the network the Explore button opens. `variant` is
    // only a placeholder here (a memory network is not one of RNNsearch's variants: the RNN's `dot`
    // is Luong et al.'s, not End-To-End Memory Networks'); nothing reads it for a memory chapter.
    model: 'babi-memn2n-3hop',
    variant: 'dot',
    source: '',
    target: '',
    values: 'weights',
    notice: [],
    title: 'story.ch4.title',
    paragraphs: ['story.ch4.p1', 'story.ch4.p2'],
    caption: 'story.ch4.caption',
    references: ['weston2014', 'bahdanau2014', 'sukhbaatar2015', 'weston2015babi'],
    memory: {
      story: (CURATED_STORIES[1] as (typeof CURATED_STORIES)[number]).story,
      question: (CURATED_STORIES[1] as (typeof CURATED_STORIES)[number]).question,
      models: ['babi-memn2n-1hop', 'babi-memn2n-3hop'],
    },
  },
  {
    model: 'en-fr-transformer',
    variant: 'scaled-dot',
    source: 'three German engineers repaired the two white trucks on 1 May 1995 .',
    target: '',
    values: 'weights',
    notice: [
      ['ingénieurs', 'engineers'],
      ['allemands', 'German'],
      ['camions', 'trucks'],
      ['blancs', 'white'],
    ],
    title: 'story.ch5.title',
    paragraphs: ['story.ch5.p1', 'story.ch5.p2'],
    caption: 'story.ch5.caption',
    references: ['vaswani2017', 'he2015', 'luong2015', 'sukhbaatar2015'],
  },
  {
    model: 'en-fr-transformer-linear',
    variant: 'linear',
    source: TWO_ADJECTIVES,
    target: '',
    values: 'weights',
    notice: [],
    title: 'story.ch6.title',
    paragraphs: ['story.ch6.p1', 'story.ch6.p2', 'story.ch6.p3'],
    caption: 'story.ch6.caption',
    references: ['schmidhuber1991', 'schmidhuber1993', 'katharopoulos2020', 'schlag2021'],
  },
  {
    // attention as a data-dependent weighted average: non-local means on an image, no model
    model: '',
    variant: 'dot',
    source: '',
    target: '',
    values: 'weights',
    notice: [],
    title: 'story.ch7.title',
    paragraphs: ['story.ch7.p1', 'story.ch7.p2'],
    caption: 'story.ch7.caption',
    filter: true,
    references: ['smith1997', 'tomasi1998', 'buades2005', 'takeda2007', 'bahdanau2014'],
  },
];

/** The cells to outline: each (target word, source word) pair found in the trace. */
export function noticeCells(chapter: Chapter, trace: Trace): Set<string> {
  const cells = new Set<string>();
  for (const [tw, sw] of chapter.notice) {
    const i = trace.targetTokens.indexOf(tw);
    const j = trace.sourceTokens.indexOf(sw);
    if (i >= 0 && j >= 0) cells.add(`${i},${j}`);
  }
  return cells;
}

/**
 * The explorer state the chapter opens: its model, sentence and values, at the step of the first
 * word to notice that the model wrote (the last step when there is none or no trace yet); the reader's own palette,
 * language and theme are kept.
 */
export function chapterState(chapter: Chapter, view: ShareView, trace: Trace | null): ShareState {
  let i = -1;
  for (const [word] of chapter.notice) {
    i = trace ? trace.targetTokens.indexOf(word) : -1;
    if (i >= 0) break;
  }
  return {
    v: 1,
    model: chapter.model,
    source: chapter.source,
    target: chapter.target,
    decoding: 'greedy',
    beamWidth: 5,
    step: i >= 0 ? i : MAX_STEP,
    edits: [],
    view: { ...view, values: chapter.values, transpose: false },
  };
}
