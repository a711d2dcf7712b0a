// The memory page (issue 14; docs/ARCHITECTURE.md, "Memory networks"): pick a network (shipped with
// 1 or 3 hops, or trained here), edit a story and a question, and watch each hop's attention, the
// answer, and the vectors the hop reads and writes. Every edit recomputes at once (a few
// thousand multiply-adds).

import { useEffect, useId, useMemo } from 'react';
import { CURATED_STORIES, MAX_SENTENCE_TOKENS, OBJECTS, PEOPLE, PLACES } from '../../data/tasks/babi';
import { answerStory, MEMORY_MODELS, TRAINED_MEMORY_ID, useMemoryStore, type MemoryModelState, type MemoryState } from '../../store/memory';
import { memoryOf, writeMemory } from '../memory/url';
import { fmt, fmtPct } from '../format';
import { memoryInputReason } from '../../store/errorReason';
import { translateMessage, useLang, useT, type MessageKey } from '../i18n';
import { HopView } from '../memory/HopView';
import '../memory/memory.css';

export function MemoryView() {
  const t = useT();
  useMemoryUrl();
  const modelId = useMemoryStore((m) => m.modelId);
  const state = useMemoryStore((m) => m.models[m.modelId]);
  // load the chosen network once; after a failure only the Retry button tries again
  useEffect(() => {
    const m = useMemoryStore.getState();
    if (modelId !== TRAINED_MEMORY_ID && !m.models[modelId]) void m.load(modelId);
  }, [modelId]);
  return (
    <div className="memory-view">
      <section className="panel" aria-labelledby="mem-h">
        <h2 id="mem-h">{t('mem.title')}</h2>
        <p>{t('mem.intro')}</p>
      </section>
      <div className="memory-layout">
        <MemoryEditor />
        <div>
          <section className="panel" aria-label={t('mem.table')}>
            <MemoryAnswer state={state} id={modelId} />
          </section>
          <MemoryTrain />
        </div>
      </div>
    </div>
  );
}

/** Open the state a link names (once, on mount), then keep the address in step with the page. */
function useMemoryUrl(): void {
  useEffect(() => {
    const from = memoryOf(location.hash);
    const m = useMemoryStore.getState();
    if (from.story !== undefined) m.setStory(from.story);
    if (from.question !== undefined) m.setQuestion(from.question);
    if (from.hop !== undefined) m.setHop(from.hop);
    if (from.modelId !== undefined && from.modelId !== m.modelId) m.selectModel(from.modelId);
    const write = (s: MemoryState): void => writeMemory({ modelId: s.modelId, story: s.story, question: s.question, hop: s.hop });
    write(useMemoryStore.getState());
    return useMemoryStore.subscribe((s, prev) => {
      if (s.modelId !== prev.modelId || s.story !== prev.story || s.question !== prev.question || s.hop !== prev.hop) write(s);
    });
  }, []);
}

function hopsLabel(t: ReturnType<typeof useT>, hops: number): string {
  return hops === 1 ? t('mem.hop1') : t('mem.hops', { n: hops });
}

function MemoryEditor() {
  const t = useT();
  const id = useId();
  const s = useMemoryStore();
  const trained = s.models[TRAINED_MEMORY_ID];
  return (
    <section className="panel memory-editor" aria-label={t('mem.editor')}>
      <label htmlFor={`${id}-model`}>{t('mem.model')}</label>
      <select id={`${id}-model`} value={s.modelId} onChange={(e) => s.selectModel(e.target.value)}>
        {MEMORY_MODELS.map((m) => {
          const st = s.models[m];
          const hops = m.endsWith('1hop') ? 1 : 3;
          const acc = st?.state === 'ready' ? st.metrics.accuracyTwoFact : undefined;
          return (
            <option key={m} value={m}>
              {t('mem.modelLabel', { hops: hopsLabel(t, hops), acc: acc === undefined ? '…' : fmtPct(acc) })}
            </option>
          );
        })}
        {trained?.state === 'ready' && <option value={TRAINED_MEMORY_ID}>{t('mem.trainedLabel', { hops: hopsLabel(t, trained.model.config.hops) })}</option>}
      </select>
      <label htmlFor={`${id}-story`}>{t('mem.story')}</label>
      <textarea id={`${id}-story`} value={s.story} onChange={(e) => s.setStory(e.target.value)} spellCheck={false} />
      <label htmlFor={`${id}-q`}>{t('mem.question')}</label>
      <input id={`${id}-q`} type="text" value={s.question} onChange={(e) => s.setQuestion(e.target.value)} spellCheck={false} />
      <p className="note">{t('mem.vocabHint', { people: PEOPLE.map(cap).join(', '), places: PLACES.join(', '), objects: OBJECTS.join(', ') })}</p>
      <div className="memory-examples" role="group" aria-label={t('mem.examples')}>
        {CURATED_STORIES.map((ex, k) => (
          <button
            key={k}
            type="button"
            onClick={() => {
              s.setStory(ex.story);
              s.setQuestion(ex.question);
            }}
          >
            {t(`mem.example.${k}` as MessageKey)}
          </button>
        ))}
      </div>
    </section>
  );
}

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

function MemoryAnswer({ state, id }: { state: MemoryModelState | undefined; id: string }) {
  const t = useT();
  const lang = useLang();
  const { story, question, hop, setHop, load } = useMemoryStore();
  const model = state?.state === 'ready' ? state.model : null;
  const result = useMemo(() => (model ? answerStory(model, story, question) : null), [model, story, question]);
  if (!state || state.state === 'loading') return <p role="status">{t('mem.loading', { id })}</p>;
  if (state.state === 'error') {
    return (
      <div className="notice-inline warn" role="alert">
        <p>{t('mem.loadError', { id, reason: state.message })}</p>
        <button type="button" onClick={() => void load(id)}>
          {t('mem.retry')}
        </button>
      </div>
    );
  }
  if (!result) return null;
  if ('error' in result) {
    return (
      <p className="notice-inline warn" role="status">
        {translateMessage(lang, memoryInputReason(result.error, MAX_SENTENCE_TOKENS))}
      </p>
    );
  }
  return <HopView trace={result.trace} lines={result.lines} hop={hop} onHop={setHop} label={t('mem.table')} />;
}

function MemoryTrain() {
  const t = useT();
  const id = useId();
  const training = useMemoryStore((s) => s.training);
  const train = useMemoryStore((s) => s.train);
  const cancel = useMemoryStore((s) => s.cancelTraining);
  const running = training.status === 'running';
  return (
    <section className="panel memory-train" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('mem.train.title')}</h2>
      <p className="note">{t('mem.train.intro')}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const hops = Number(new FormData(e.currentTarget).get('hops'));
          train(hops);
        }}
      >
        <label htmlFor={`${id}-hops`}>{t('mem.train.hops')}</label>
        <select id={`${id}-hops`} name="hops" defaultValue="3" disabled={running}>
          <option value="1">1</option>
          <option value="2">2</option>
          <option value="3">3</option>
        </select>
        {running ? (
          <button type="button" onClick={cancel}>
            {t('mem.train.stop')}
          </button>
        ) : (
          <button type="submit" className="primary">
            {t('mem.train.start')}
          </button>
        )}
      </form>
      <div role="status" aria-live="polite">
        {running && <p>{t('mem.train.progress', { step: training.step, steps: training.steps, loss: training.loss === null ? '–' : fmt(training.loss, 3), s: Math.round(training.seconds) })}</p>}
        {running && training.dev && <p>{t('mem.train.dev', { one: fmtPct(training.dev.one), two: fmtPct(training.dev.two) })}</p>}
        {training.status === 'done' && training.test && <p>{t('mem.train.done', { s: Math.round(training.seconds), one: fmtPct(training.test.one), two: fmtPct(training.test.two) })}</p>}
        {training.status === 'error' && <p className="notice-inline warn">{t('mem.train.error', { reason: training.message ?? '' })}</p>}
      </div>
    </section>
  );
}
