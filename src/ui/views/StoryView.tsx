// The story: the history of attention in short chapters (README, "The story"; facts from the sources it credits),
// each with a live state of the explorer shown right there (its model, its sentence, the cells to
// notice) and a button that opens that state in the explorer, so the reader can leave the story
// at any chapter and keep exploring. The chapter is kept in the fragment (`&chapter=3`). Each chapter
// ends with the papers it cites; the last one also lists every paper of the story.

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { applyShareState } from '../../store/share';
import { useStore } from '../../store/store';
import { useT } from '../i18n';
import { CHAPTERS, chapterState } from '../story/chapters';
import { ChapterFigure, decode, useChapterModel } from '../story/ChapterFigure';
import { FilterFigure } from '../story/FilterFigure';
import { MemoryFigure } from '../story/MemoryFigure';
import { citedReferences } from '../story/references';
import { AllReferences, ChapterReferences } from '../story/ReferenceList';
import { useMemoryStore } from '../../store/memory';
import { chapterOf, writeChapter } from '../story/url';

const COUNT = CHAPTERS.length;
/** Every paper the story cites, listed on its last page. */
const CITED = citedReferences(CHAPTERS);
export function StoryView() {
  const t = useT();
  const id = useId();
  const [chapter, setChapter] = useState(() => chapterOf(location.hash, COUNT) ?? 1);
  const heading = useRef<HTMLHeadingElement | null>(null);
  const moved = useRef(false);
  const setView = useStore((s) => s.setView);
  const ch = CHAPTERS[chapter - 1] ?? (CHAPTERS[0] as (typeof CHAPTERS)[number]);
  const { state, retry } = useChapterModel(ch);
  const model = state.kind === 'ready' ? state.model : null;
  const trace = useMemo(() => (model ? decode(model, ch.source, ch.target) : null), [model, ch]);

  // the chapter in the address bar, so that it can be shared (the URL sync keeps it)
  useEffect(() => {
    writeChapter(chapter);
  }, [chapter]);

  // follow the address: back/forward or an edited fragment
  useEffect(() => {
    const onHash = (): void => {
      const n = chapterOf(location.hash, COUNT);
      if (n !== null) setChapter(n);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // after the reader moves to another chapter, the focus goes to its heading
  useEffect(() => {
    if (moved.current) {
      moved.current = false;
      heading.current?.focus();
    }
  }, [chapter]);

  const go = (n: number): void => {
    if (n < 1 || n > COUNT) return;
    moved.current = true;
    setChapter(n);
  };

  const explore = (): void => {
    if (ch.memory) {
      const m = useMemoryStore.getState();
      m.setStory(ch.memory.story);
      m.setQuestion(ch.memory.question);
      m.selectModel(ch.model);
      setView({ page: 'memory' });
      return;
    }
    const s = useStore.getState();
    const view = { values: s.values, transpose: s.transpose, palette: s.palette, lang: s.lang, theme: s.theme, units: s.units };
    applyShareState(s, chapterState(ch, view, trace), false);
    setView({ page: 'explore' });
  };

  const prev = CHAPTERS[chapter - 2];
  const next = CHAPTERS[chapter];
  return (
    <div className="story">
      <nav className="story-toc panel" aria-labelledby={`${id}-toc`}>
        <h2 id={`${id}-toc`} className="story-toc-title">
          {t('story.title')}
        </h2>
        <ol>
          {CHAPTERS.map((c, k) => (
            <li key={k}>
              <button type="button" aria-current={k + 1 === chapter ? 'step' : undefined} onClick={() => go(k + 1)}>
                {t(c.title)}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <article className="story-chapter panel" aria-labelledby={`${id}-h`}>
        <p className="story-count">{t('story.count', { n: chapter, total: COUNT })}</p>
        <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
          {t(ch.title)}
        </h2>
        <div className="prose">
          {ch.paragraphs.map((key) => (
            <p key={key}>{t(key)}</p>
          ))}
        </div>
        {ch.filter ? (
          <FilterFigure caption={t(ch.caption)} />
        ) : ch.memory ? (
          <MemoryFigure chapter={{ ...ch, memory: ch.memory }} />
        ) : (
          <ChapterFigure chapter={ch} state={state} trace={trace} onRetry={retry} />
        )}
        <div className="story-actions">
          {ch.memory && (
            <>
              <button type="button" className="primary" onClick={explore}>
                {t('story.explore')}
              </button>
              <span className="note">{t('story.exploreMemory')}</span>
            </>
          )}
          {!ch.memory && !ch.filter && state.kind !== 'not-shipped' && (
            <button type="button" className="primary" onClick={explore} disabled={state.kind !== 'ready'}>
              {t('story.explore')}
            </button>
          )}
          {ch.variant === 'none' && (
            <button type="button" onClick={() => setView({ page: 'length' })}>
              {t('story.toLength')}
            </button>
          )}
          {!ch.memory && !ch.filter && state.kind !== 'not-shipped' && <span className="note">{t('story.exploreHelp', { model: ch.model })}</span>}
        </div>
        <ChapterReferences ids={ch.references} />
        {chapter === COUNT && <AllReferences cited={CITED} />}
        <nav className="story-pager" aria-label={t('story.pager')}>
          <button type="button" onClick={() => go(chapter - 1)} disabled={!prev}>
            ← {prev ? t('story.prev', { title: t(prev.title) }) : t('story.prevNone')}
          </button>
          <button type="button" onClick={() => go(chapter + 1)} disabled={!next}>
            {next ? t('story.next', { title: t(next.title) }) : t('story.nextNone')} →
          </button>
        </nav>
      </article>
    </div>
  );
}
