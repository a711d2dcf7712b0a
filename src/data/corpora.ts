// Real-language corpora the shipped subword models were trained on (docs/ARCHITECTURE.md, "Real
// language"). Unlike the built-in tasks they generate nothing: the sentence pairs come from a
// TSV file (Tatoeba, CC-BY 2.0 France), which is not shipped. What the page needs is their name,
// their credit, and a few held-out sentences for the examples menu that show what attention does.
// Every example below is in the test split (a hash of the English side, splits.ts), so no model
// saw it in training.

import type { CuratedExample } from './tasks/types';
import { getTask, isTaskId } from './tasks';

export interface Corpus {
  id: string;
  title: string;
  /** Where the sentences come from and under which licence. */
  credit: string;
  examples: CuratedExample[];
}

const TATOEBA_CREDIT = 'Sentence pairs from Tatoeba (tatoeba.org), licensed CC-BY 2.0 France.';

export const CORPORA: readonly Corpus[] = [
  {
    id: 'tatoeba-en-fr',
    title: 'English → French (real sentences)',
    credit: TATOEBA_CREDIT,
    examples: [
      { label: 'Missing someone: the subject and object swap', source: 'I really miss you.', target: 'Tu me manques vraiment.' },
      { label: 'Adjective after the noun', source: 'I have a new red car.', target: "J'ai une nouvelle voiture rouge." },
      { label: 'ne … pas around the verb', source: "I don't like coffee.", target: "Je n'aime pas le café." },
      { label: 'A time word at the end', source: 'My cat died yesterday.', target: 'Mon chat est mort hier.' },
      { label: 'Two verbs, one preposition gone', source: 'She likes to read books.', target: 'Elle aime lire des livres.' },
    ],
  },
  {
    id: 'tatoeba-en-zh',
    title: 'English → Chinese (real sentences)',
    credit: `${TATOEBA_CREDIT} Chinese converted to Simplified script with OpenCC.`,
    examples: [
      { label: '“Where” moves to the end', source: 'Where is your house?', target: '你家在哪里？' },
      { label: '“Yesterday” moves before the verb', source: 'I called him up yesterday.', target: '我昨天打电话给他。' },
      { label: 'A place phrase moves to the front', source: 'Is there a zoo in the park?', target: '公园里有动物园吗？' },
      { label: '“Under the table” turns around', source: 'The cat is under the table.', target: '猫在桌子底下。' },
      { label: 'I will miss you too', source: "I'm going to miss you, too.", target: '我也会想你的。' },
    ],
  },
];

export function getCorpus(id: string): Corpus | null {
  return CORPORA.find((c) => c.id === id) ?? null;
}

/** The examples menu of a model's task: a built-in task's curated sentences or a corpus's. */
export function examplesFor(task: string): CuratedExample[] {
  if (isTaskId(task)) return getTask(task).examples();
  return getCorpus(task)?.examples.map((e) => ({ ...e })) ?? [];
}
