// The references at the end of a chapter, and on the story's last page the list of every paper
// the story cites (src/ui/story/references.ts): authors, year, title, venue and the arXiv link.

import { useId } from 'react';
import { useT } from '../i18n';
import { REFERENCES, referenceUrl, type Reference, type RefId } from './references';

function Entry({ id }: { id: RefId }) {
  const ref: Reference = REFERENCES[id];
  const url = referenceUrl(ref);
  return (
    <>
      {ref.authors.join(', ')} ({ref.year}). <cite lang="en">{ref.title}</cite>.{ref.venue && <> {ref.venue}.</>}{' '}
      {url && (
        <a href={url} target="_blank" rel="noopener noreferrer">
          {ref.arxiv ? `arXiv:${ref.arxiv}` : url.replace(/^https:\/\//, '')}
        </a>
      )}
    </>
  );
}

/** A chapter's own references. */
export function ChapterReferences({ ids }: { ids: readonly RefId[] }) {
  const t = useT();
  const id = useId();
  if (ids.length === 0) return null;
  return (
    <section className="story-refs" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('story.refs.title')}</h3>
      <ul>
        {ids.map((r) => (
          <li key={r}>
            <Entry id={r} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Every reference of the story, once, with the chapters that cite it (the last page). */
export function AllReferences({ cited }: { cited: ReadonlyArray<{ id: RefId; chapters: readonly number[] }> }) {
  const t = useT();
  const id = useId();
  return (
    <section className="story-refs story-refs-all" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('story.refs.all')}</h3>
      <ol>
        {cited.map(({ id: r, chapters }) => (
          <li key={r}>
            <Entry id={r} /> <span className="muted">{t(chapters.length === 1 ? 'story.refs.inChapter' : 'story.refs.inChapters', { chapters: chapters.join(t('list.sep')) })}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
