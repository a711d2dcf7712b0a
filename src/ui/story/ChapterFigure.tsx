// A chapter's live figure: its shipped model decoding its sentence, shown with the explorer's
// heatmap (read-only, the cells to notice outlined) and a caption saying what to look at; for the
// model without attention, its translations of a short and a long sentence beside the references.
// A model that is not shipped (yet) is said so; the chapter's text stays.

import { useMemo } from 'react';
import { corpusBleu } from '../../data/metrics';
import type { LoadedModel } from '../../model/bundle';
import { analyse } from '../../model/analysis';
import type { NoticeVar } from '../../store/notices';
import { useStore } from '../../store/store';
import { outputText } from '../compare/compare';
import { useShippedModels } from '../compare/shippedModels';
import { fmt } from '../format';
import { useT } from '../i18n';
import { TraceHeatmap } from '../panels/Heatmap';
import { noticeCells, type Chapter } from './chapters';
import type { Trace } from '../../model/trace';

const NO_EDITS: ReadonlyMap<number, readonly number[]> = new Map();

export function decode(model: LoadedModel, source: string, target = ''): Trace | null {
  return analyse({ model, source, target, decoding: 'greedy', beamWidth: 1, edits: NO_EDITS }).trace;
}

/** The figure's state for the parent (the Explore button needs the trace for its step). */
export type FigureState = { kind: 'no-catalog' } | { kind: 'not-shipped' } | { kind: 'loading' } | { kind: 'error'; message: NoticeVar } | { kind: 'ready'; model: LoadedModel };

export function useChapterModel(chapter: Chapter): { state: FigureState; retry(): void } {
  const catalog = useStore((s) => s.catalog);
  const catalogError = useStore((s) => s.catalogError);
  const shipped = catalog?.some((c) => c.id === chapter.model) ?? false;
  const { status, retry } = useShippedModels(shipped ? [chapter.model] : []);
  const st = status[chapter.model];
  let state: FigureState;
  if (!catalog || catalogError) state = { kind: 'no-catalog' };
  else if (!shipped) state = { kind: 'not-shipped' };
  else if (!st || st.state === 'loading') state = { kind: 'loading' };
  else if (st.state === 'error') state = { kind: 'error', message: st.message };
  else state = { kind: 'ready', model: st.model };
  return { state, retry: () => retry(chapter.model) };
}

export function ChapterFigure({ chapter, state, trace, onRetry }: { chapter: Chapter; state: FigureState; trace: Trace | null; onRetry(): void }) {
  const t = useT();
  const palette = useStore((s) => s.palette);
  const catalogError = useStore((s) => s.catalogError);
  const cells = useMemo(() => (trace ? noticeCells(chapter, trace) : new Set<string>()), [chapter, trace]);

  if (state.kind === 'no-catalog') return <p role="status">{catalogError ? t('compare.catalogError', { reason: catalogError }) : t('compare.catalogLoading')}</p>;
  if (state.kind === 'not-shipped') {
    return (
      <p className="notice-inline warn" role="note">
        {t('story.notShipped', { id: chapter.model })}
      </p>
    );
  }
  if (state.kind === 'loading') {
    return (
      <p className="loading" role="status">
        {t('app.loadingModel', { id: chapter.model })}
      </p>
    );
  }
  if (state.kind === 'error') {
    return (
      <div className="notice-inline warn" role="alert">
        <p>{t('compare.loadError', { id: chapter.model, reason: state.message })}</p>
        <button type="button" onClick={onRetry}>
          {t('compare.retry')}
        </button>
      </div>
    );
  }
  if (!trace) return null;
  return (
    <figure className="story-figure">
      {chapter.variant === 'none' ? (
        <NoneFigure chapter={chapter} model={state.model} trace={trace} />
      ) : (
        <TraceHeatmap
          trace={trace}
          values={chapter.values}
          palette={palette}
          label={t('punct.named', { name: t(chapter.title), value: chapter.values === 'scores' ? t('heatmap.scores') : t('heatmap.weights') })}
          {...(cells.size > 0 ? { marked: (i: number, j: number) => cells.has(`${i},${j}`), markedLabel: t('story.noticeMark') } : {})}
        />
      )}
      <figcaption>
        {chapter.target && (
          <>
            {t('story.forcedOn', { target: chapter.target })}{' '}
          </>
        )}
        {!chapter.target && chapter.variant !== 'none' && (
          <>
            {t('story.output', { output: outputText(trace) })}{' '}
          </>
        )}
        {t(chapter.caption)}
      </figcaption>
    </figure>
  );
}

function NoneFigure({ chapter, model, trace }: { chapter: Chapter; model: LoadedModel; trace: Trace }) {
  const t = useT();
  const rows = useMemo(() => {
    const out: Array<{ source: string; reference: string; output: string; length: number }> = [];
    if (chapter.contrast) {
      const short = decode(model, chapter.contrast.source);
      if (short) out.push({ source: chapter.contrast.source, reference: chapter.contrast.reference, output: outputText(short), length: short.srcLen - 1 });
    }
    out.push({ source: chapter.source, reference: chapter.reference ?? '', output: outputText(trace), length: trace.srcLen - 1 });
    return out;
  }, [chapter, model, trace]);
  return (
    <div className="story-none">
      {rows.map((r, k) => (
        <dl key={k} className="story-pair">
          <div>
            <dt>{t('story.sourceWords', { n: r.length })}</dt>
            <dd>
              <bdi dir="auto">{r.source}</bdi>
            </dd>
          </div>
          <div>
            <dt>{t('story.noneWrote')}</dt>
            <dd>
              <bdi dir="auto">{r.output}</bdi>
            </dd>
          </div>
          {r.reference && (
            <div>
              <dt>{t('story.reference')}</dt>
              <dd>
                <bdi dir="auto">{r.reference}</bdi>
              </dd>
            </div>
          )}
          {r.reference && (
            <div>
              <dt>{t('story.sentenceBleu')}</dt>
              <dd>{fmt(corpusBleu([r.output], [r.reference]).score, 1)}</dd>
            </div>
          )}
        </dl>
      ))}
    </div>
  );
}
