// The papers the story cites (README, "The story"): each chapter ends with its own list and the
// story's last page lists them all. Authors, titles and venues stay as published (they are names);
// the words around them ("References", "chapter 3") are i18n keys.

export interface Reference {
  /** Every author, as in the paper, "Initials Surname". */
  authors: readonly string[];
  /** The year it first appeared (the arXiv preprint or the report). */
  year: number;
  /** The title as published. */
  title: string;
  /** Where it was published (a conference, a journal, a report), when not only on arXiv. */
  venue?: string;
  /** The arXiv identifier, when there is one (linked to arxiv.org/abs/<id>). */
  arxiv?: string;
  /** A link for a paper without an arXiv identifier. */
  url?: string;
}

export const REFERENCES = {
  cho2014: {
    authors: ['K. Cho', 'B. van Merriënboer', 'C. Gulcehre', 'D. Bahdanau', 'F. Bougares', 'H. Schwenk', 'Y. Bengio'],
    year: 2014,
    title: 'Learning Phrase Representations using RNN Encoder–Decoder for Statistical Machine Translation',
    venue: 'EMNLP 2014',
    arxiv: '1406.1078',
  },
  cho2014properties: {
    authors: ['K. Cho', 'B. van Merriënboer', 'D. Bahdanau', 'Y. Bengio'],
    year: 2014,
    title: 'On the Properties of Neural Machine Translation: Encoder–Decoder Approaches',
    venue: 'SSST-8 2014',
    arxiv: '1409.1259',
  },
  sutskever2014: {
    authors: ['I. Sutskever', 'O. Vinyals', 'Q. V. Le'],
    year: 2014,
    title: 'Sequence to Sequence Learning with Neural Networks',
    venue: 'NIPS 2014',
    arxiv: '1409.3215',
  },
  graves2012: {
    authors: ['A. Graves'],
    year: 2012,
    title: 'Sequence Transduction with Recurrent Neural Networks',
    venue: 'ICML 2012 Workshop on Representation Learning',
    arxiv: '1211.3711',
  },
  graves2013: {
    authors: ['A. Graves'],
    year: 2013,
    title: 'Generating Sequences With Recurrent Neural Networks',
    arxiv: '1308.0850',
  },
  bahdanau2014: {
    authors: ['D. Bahdanau', 'K. Cho', 'Y. Bengio'],
    year: 2014,
    title: 'Neural Machine Translation by Jointly Learning to Align and Translate',
    venue: 'ICLR 2015',
    arxiv: '1409.0473',
  },
  graves2014ntm: {
    authors: ['A. Graves', 'G. Wayne', 'I. Danihelka'],
    year: 2014,
    title: 'Neural Turing Machines',
    arxiv: '1410.5401',
  },
  weston2014: {
    authors: ['J. Weston', 'S. Chopra', 'A. Bordes'],
    year: 2014,
    title: 'Memory Networks',
    venue: 'ICLR 2015',
    arxiv: '1410.3916',
  },
  weston2015babi: {
    authors: ['J. Weston', 'A. Bordes', 'S. Chopra', 'A. M. Rush', 'B. van Merriënboer', 'A. Joulin', 'T. Mikolov'],
    year: 2015,
    title: 'Towards AI-Complete Question Answering: A Set of Prerequisite Toy Tasks',
    venue: 'ICLR 2016',
    arxiv: '1502.05698',
  },
  sukhbaatar2015: {
    authors: ['S. Sukhbaatar', 'A. Szlam', 'J. Weston', 'R. Fergus'],
    year: 2015,
    title: 'End-To-End Memory Networks',
    venue: 'NIPS 2015',
    arxiv: '1503.08895',
  },
  smith1997: {
    authors: ['S. M. Smith', 'J. M. Brady'],
    year: 1997,
    title: 'SUSAN — A New Approach to Low Level Image Processing',
    venue: 'International Journal of Computer Vision 23(1)',
    url: 'https://doi.org/10.1023/A:1007963824710',
  },
  tomasi1998: {
    authors: ['C. Tomasi', 'R. Manduchi'],
    year: 1998,
    title: 'Bilateral Filtering for Gray and Color Images',
    venue: 'ICCV 1998',
    url: 'https://doi.org/10.1109/ICCV.1998.710815',
  },
  buades2005: {
    authors: ['A. Buades', 'B. Coll', 'J.-M. Morel'],
    year: 2005,
    title: 'A Non-Local Algorithm for Image Denoising',
    venue: 'CVPR 2005',
    url: 'https://doi.org/10.1109/CVPR.2005.38',
  },
  takeda2007: {
    authors: ['H. Takeda', 'S. Farsiu', 'P. Milanfar'],
    year: 2007,
    title: 'Kernel Regression for Image Processing and Reconstruction',
    venue: 'IEEE Transactions on Image Processing 16(2)',
    url: 'https://doi.org/10.1109/TIP.2006.888330',
  },
  luong2015: {
    authors: ['M.-T. Luong', 'H. Pham', 'C. D. Manning'],
    year: 2015,
    title: 'Effective Approaches to Attention-based Neural Machine Translation',
    venue: 'EMNLP 2015',
    arxiv: '1508.04025',
  },
  he2015: {
    authors: ['K. He', 'X. Zhang', 'S. Ren', 'J. Sun'],
    year: 2015,
    title: 'Deep Residual Learning for Image Recognition',
    venue: 'CVPR 2016',
    arxiv: '1512.03385',
  },
  vaswani2017: {
    authors: ['A. Vaswani', 'N. Shazeer', 'N. Parmar', 'J. Uszkoreit', 'L. Jones', 'A. N. Gomez', 'Ł. Kaiser', 'I. Polosukhin'],
    year: 2017,
    title: 'Attention Is All You Need',
    venue: 'NIPS 2017',
    arxiv: '1706.03762',
  },
  schmidhuber1991: {
    authors: ['J. Schmidhuber'],
    year: 1991,
    title: 'Learning to Control Fast-Weight Memories: An Alternative to Dynamic Recurrent Networks',
    venue: 'Technical Report FKI-147-91, TU München; Neural Computation 4(1), 1992',
    url: 'https://doi.org/10.1162/neco.1992.4.1.131',
  },
  schmidhuber1993: {
    authors: ['J. Schmidhuber'],
    year: 1993,
    title: 'Reducing the Ratio Between Learning Complexity and Number of Time Varying Variables in Fully Recurrent Nets',
    venue: 'ICANN 1993',
  },
  katharopoulos2020: {
    authors: ['A. Katharopoulos', 'A. Vyas', 'N. Pappas', 'F. Fleuret'],
    year: 2020,
    title: 'Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention',
    venue: 'ICML 2020',
    arxiv: '2006.16236',
  },
  schlag2021: {
    authors: ['I. Schlag', 'K. Irie', 'J. Schmidhuber'],
    year: 2021,
    title: 'Linear Transformers Are Secretly Fast Weight Programmers',
    venue: 'ICML 2021',
    arxiv: '2102.11174',
  },
} as const satisfies Record<string, Reference>;

export type RefId = keyof typeof REFERENCES;

export function isRefId(id: string): id is RefId {
  return Object.hasOwn(REFERENCES, id);
}

/** Where to read a reference: its arXiv page, or its own link. */
export function referenceUrl(ref: Reference): string | undefined {
  return ref.arxiv ? `https://arxiv.org/abs/${ref.arxiv}` : ref.url;
}

/**
 * Every reference the chapters cite, once, in the order the story first cites them, with the
 * chapters (1-based) that cite each.
 */
export function citedReferences(chapters: ReadonlyArray<{ references: readonly RefId[] }>): Array<{ id: RefId; chapters: number[] }> {
  const byId = new Map<RefId, number[]>();
  chapters.forEach((c, k) => {
    for (const id of c.references) {
      const list = byId.get(id) ?? [];
      if (!list.includes(k + 1)) list.push(k + 1);
      byId.set(id, list);
    }
  });
  return [...byId].map(([id, list]) => ({ id, chapters: list }));
}
