// A chapter's live figure told with memory networks (chapter 4): the chapter's story and question
// answered side by side by the shipped networks (1 hop, 3 hops), each as a compact hop view with
// the gold supporting sentences outlined.

import { useEffect } from 'react';
import { MAX_SENTENCE_TOKENS } from '../../data/tasks/babi';
import { memoryInputReason } from '../../store/errorReason';
import { answerStory, useMemoryStore } from '../../store/memory';
import { translateMessage, useLang, useT } from '../i18n';
import { HopView } from '../memory/HopView';
import type { Chapter } from './chapters';
import '../memory/memory.css';

export function MemoryFigure({ chapter }: { chapter: Chapter & { memory: NonNullable<Chapter['memory']> } }) {
  const t = useT();
  const lang = useLang();
  const models = useMemoryStore((s) => s.models);
  const load = useMemoryStore((s) => s.load);
  const { story, question, models: ids } = chapter.memory;
  useEffect(() => {
    for (const id of ids) void load(id);
  }, [ids, load]);
  return (
    <figure className="story-figure">
      <div className="memory-pair">
        {ids.map((id) => {
          const st = models[id];
          if (!st || st.state === 'loading') return <p key={id} role="status">{t('mem.loading', { id })}</p>;
          if (st.state === 'error') {
            return (
              <div key={id} className="notice-inline warn" role="alert">
                <p>{t('mem.loadError', { id, reason: st.message })}</p>
                <button type="button" onClick={() => void load(id)}>
                  {t('mem.retry')}
                </button>
              </div>
            );
          }
          const r = answerStory(st.model, story, question);
          const hops = st.model.config.hops;
          const name = hops === 1 ? t('mem.hop1') : t('mem.hops', { n: hops });
          return (
            <div key={id}>
              <h3>{name}</h3>
              {'error' in r ? <p className="notice-inline warn">{translateMessage(lang, memoryInputReason(r.error, MAX_SENTENCE_TOKENS))}</p> : <HopView trace={r.trace} lines={r.lines} hop={hops - 1} compact label={`${t(chapter.title)} · ${name}`} />}
            </div>
          );
        })}
      </div>
      <figcaption>
        <q>{question}</q> {t(chapter.caption)}
      </figcaption>
    </figure>
  );
}
