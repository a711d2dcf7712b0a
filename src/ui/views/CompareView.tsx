// Compare attention variants: two to four shipped models side by side on the same sentence (and,
// optionally, the same forced target), each with its heatmap on one shared colour scale, its
// output, its held-out test BLEU and AER from the catalog, and where its attention disagrees with
// the additive model's. Models load on demand; one that fails says so and the others carry on.

import { useDeferredValue, useId, useMemo, useState } from 'react';
import { analyse, type Analysis } from '../../model/analysis';
import type { CatalogEntry } from '../../store/catalog';
import { decodeReason } from '../../store/errorReason';
import { useStore } from '../../store/store';
import { agreement, defaultSelection, defaultTask, MAX_COMPARED, missingVariants, outputText, PREFERRED_TASK, sharedDomain } from '../compare/compare';
import { examplesFor } from '../../data/corpora';
import { useShippedModels, type ModelStatus } from '../compare/shippedModels';
import { fmt } from '../format';
import { modelKindTitle, taskTitle, transformerFormulaKey, useLang, useT, variantFormula, variantTitle } from '../i18n';
import { TraceHeatmap } from '../panels/Heatmap';

const NO_EDITS: ReadonlyMap<number, readonly number[]> = new Map();

function startingSentence(): { source: string; target: string } {
  const s = useStore.getState();
  const task = s.models[s.modelId]?.manifest.task ?? s.catalog?.find((c) => c.id === s.modelId)?.task;
  if (task === PREFERRED_TASK) return { source: s.source, target: s.target };
  return { source: examplesFor(PREFERRED_TASK)[0]?.source ?? s.source, target: '' };
}

export function CompareView() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const catalog = useStore((s) => s.catalog);
  const catalogError = useStore((s) => s.catalogError);
  const models = useStore((s) => s.models);
  const palette = useStore((s) => s.palette);
  // the explorer's sentence when it is one of the compared task's; else that task's first example
  // (the variants are compared on the synthetic grammar: a real sentence would be all <unk>)
  const [start] = useState(() => startingSentence());
  const [source, setSource] = useState(start.source);
  const [target, setTarget] = useState(start.target);
  const [values, setValues] = useState<'weights' | 'scores'>('weights');
  const [picked, setPicked] = useState<string[] | null>(null);

  const entries = useMemo(() => catalog ?? [], [catalog]);
  const defaults = useMemo(() => defaultSelection(entries), [entries]);
  const selected = useMemo(() => (picked ?? defaults).filter((m) => entries.some((e) => e.id === m)), [picked, defaults, entries]);
  const { status, retry } = useShippedModels(selected);

  // typing stays responsive: the decodings follow the deferred text
  const src = useDeferredValue(source);
  const tgt = useDeferredValue(target);
  const analyses = useMemo(() => {
    const out: Record<string, Analysis> = {};
    for (const m of selected) {
      const model = models[m];
      if (model) out[m] = analyse({ model, source: src, target: tgt, decoding: 'greedy', beamWidth: 1, edits: NO_EDITS });
    }
    return out;
  }, [selected, models, src, tgt]);
  const domain = useMemo(() => sharedDomain(selected.map((m) => analyses[m]?.trace ?? null), values), [selected, analyses, values]);

  if (!catalog || catalogError) {
    return (
      <section className="panel compare" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('compare.title')}</h2>
        <p role="status">{catalogError ? t('compare.catalogError', { reason: catalogError }) : t('compare.catalogLoading')}</p>
      </section>
    );
  }

  const tasks = [...new Set(entries.map((e) => e.task))];
  const mainTask = defaultTask(entries);
  const missing = missingVariants(entries);
  const full = selected.length >= MAX_COMPARED;
  const toggle = (m: string, on: boolean): void => {
    const next = on ? [...selected, m] : selected.filter((x) => x !== m);
    setPicked(next.slice(0, MAX_COMPARED));
  };
  const selectedTasks = new Set(selected.map((m) => entries.find((e) => e.id === m)?.task));
  // the reference for "agreement": the additive model of the same task, when it is compared
  const referenceOf = (entry: CatalogEntry): string | null => {
    const ref = selected.find((m) => m !== entry.id && entries.find((e) => e.id === m && e.task === entry.task && e.variant === 'additive'));
    return ref ?? null;
  };
  const referenceOfId = (m: string): string | null => {
    const e = entries.find((x) => x.id === m);
    return e && e.variant !== 'none' ? referenceOf(e) : null;
  };

  return (
    <section className="panel compare" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('compare.title')}</h2>
      <p className="note">{t('compare.intro')}</p>

      <fieldset className="compare-pick">
        <legend>{t('compare.pick', { max: MAX_COMPARED })}</legend>
        {tasks.map((task) => (
          <div className="compare-pick-task" role="group" aria-labelledby={`${id}-task-${task}`} key={task}>
            <span className="field-label" id={`${id}-task-${task}`}>
              {taskTitle(lang, task)}
            </span>
            <ul>
              {entries
                .filter((e) => e.task === task)
                .map((e) => {
                  const on = selected.includes(e.id);
                  return (
                    <li key={e.id}>
                      <label>
                        <input type="checkbox" value={e.id} checked={on} disabled={!on && full} onChange={(ev) => toggle(e.id, ev.target.checked)} /> {modelKindTitle(lang, e)}
                      </label>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))}
        {full && <p className="note">{t('compare.full', { max: MAX_COMPARED })}</p>}
      </fieldset>
      {mainTask && missing.length > 0 && (
        <p className="notice-inline" role="note">
          {t('compare.missing', { task: taskTitle(lang, mainTask), variants: missing.map((v) => variantTitle(lang, v)).join(t('list.sep')) })}
        </p>
      )}

      <div className="editor-fields compare-fields">
        <label className="field">
          <span className="field-label">{t('editor.source')}</span>
          <textarea dir="auto" rows={2} value={source} spellCheck={false} onChange={(e) => setSource(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('compare.target')}</span>
          <textarea dir="auto" rows={2} value={target} spellCheck={false} placeholder={t('editor.targetPlaceholder')} onChange={(e) => setTarget(e.target.value)} />
        </label>
      </div>
      <div className="compare-options">
        <p className="mode">{tgt.trim() ? t('compare.modeForced') : t('compare.modeFree')}</p>
        <fieldset className="decoding">
          <legend>{t('heatmap.values')}</legend>
          <label>
            <input type="radio" name={`${id}-values`} checked={values === 'weights'} onChange={() => setValues('weights')} /> {t('heatmap.weights')}
          </label>
          <label>
            <input type="radio" name={`${id}-values`} checked={values === 'scores'} onChange={() => setValues('scores')} /> {t('heatmap.scores')}
          </label>
        </fieldset>
      </div>
      <p className="note">{values === 'weights' ? t('compare.scaleWeights') : t('compare.scaleScores', { lo: fmt(domain[0], 1), hi: fmt(domain[1], 1) })}</p>
      {selectedTasks.size > 1 && <p className="note">{t('compare.mixedTasks')}</p>}
      {selected.length < 2 && <p className="notice-inline">{t('compare.pickTwo')}</p>}

      <div className="compare-grid">
        {selected.map((m) => {
          const entry = entries.find((e) => e.id === m) as CatalogEntry;
          const ref = referenceOf(entry);
          return (
            <VariantCard
              key={m}
              entry={entry}
              status={status[m] ?? { state: 'loading' }}
              analysis={analyses[m] ?? null}
              reference={ref ? (analyses[ref] ?? null) : null}
              referenceTitle={ref ? variantTitle(lang, 'additive') : null}
              isReference={entry.variant === 'additive' && selected.some((o) => o !== m && referenceOfId(o) === m)}
              values={values}
              palette={palette}
              domain={domain}
              source={src}
              target={tgt}
              onRetry={() => retry(m)}
            />
          );
        })}
      </div>
    </section>
  );
}

interface CardProps {
  entry: CatalogEntry;
  status: ModelStatus;
  analysis: Analysis | null;
  reference: Analysis | null;
  referenceTitle: string | null;
  /** Another compared model's attention is measured against this one. */
  isReference: boolean;
  values: 'weights' | 'scores';
  palette: 'cividis' | 'viridis';
  domain: [number, number];
  source: string;
  target: string;
  onRetry(): void;
}

function VariantCard(p: CardProps) {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const loadDocument = useStore((s) => s.loadDocument);
  const setView = useStore((s) => s.setView);
  const trace = p.analysis?.trace ?? null;
  const refTrace = p.reference?.trace ?? null;
  const agree = trace && refTrace && p.entry.variant !== 'none' ? agreement(trace, refTrace) : null;
  const unknown = trace?.sourceUnknown.filter(Boolean).length ?? 0;
  const { bleu, aer } = p.entry.metrics;
  const title = `${modelKindTitle(lang, p.entry)} · ${p.entry.task}`;
  const open = (): void => {
    loadDocument({ modelId: p.entry.id, source: p.source, target: p.target });
    setView({ page: 'explore', values: p.values });
  };
  return (
    <article className="compare-card" aria-labelledby={`${id}-h`} data-model={p.entry.id}>
      <h3 id={`${id}-h`}>{title}</h3>
      <p className="muted compare-formula">
        <code>{p.entry.family === 'transformer' ? t(transformerFormulaKey(p.entry.variant)) : variantFormula(lang, p.entry.variant)}</code>
      </p>
      <dl className="compare-metrics">
        <div>
          <dt>{t('compare.bleu')}</dt>
          <dd>{bleu !== undefined ? fmt(bleu, 1) : '–'}</dd>
        </div>
        <div>
          <dt>{t('compare.aer')}</dt>
          <dd>{p.entry.variant === 'none' ? t('compare.aerNone') : aer !== undefined ? fmt(aer, 3) : '–'}</dd>
        </div>
      </dl>
      {p.status.state === 'loading' && (
        <p role="status" className="loading">
          {t('app.loadingModel', { id: p.entry.id })}
        </p>
      )}
      {p.status.state === 'error' && (
        <div className="notice-inline warn" role="alert">
          <p>{t('compare.loadError', { id: p.entry.id, reason: p.status.message })}</p>
          <button type="button" onClick={p.onRetry}>
            {t('compare.retry')}
          </button>
        </div>
      )}
      {p.analysis?.error && <p className="notice-inline">{p.analysis.error.code === 'empty-source' ? t('editor.empty') : t('editor.error', { detail: decodeReason(p.analysis.error) })}</p>}
      {trace && p.analysis && (
        <>
          {p.analysis.mode === 'forced' ? (
            <p className="compare-output">
              <span className="field-label">{t('compare.forcedScore')}</span> {t('compare.logp', { logp: fmt(trace.logProb, 2) })}
              {p.analysis.free && (
                <>
                  <br />
                  <span className="field-label">{t('compare.ownOutput')}</span>{' '}
                  <bdi dir="auto">
                    {outputText(p.analysis.free)}
                  </bdi>
                </>
              )}
            </p>
          ) : (
            <p className="compare-output">
              <span className="field-label">{t('compare.output')}</span>{' '}
              <bdi dir="auto">{outputText(trace)}</bdi>
            </p>
          )}
          {unknown > 0 && <p className="note">{t('editor.unknown', { n: unknown })}</p>}
          {p.entry.variant === 'none' ? (
            <p className="heatmap-empty" role="note">
              {t('compare.noneNote')}
            </p>
          ) : (
            <TraceHeatmap
              trace={trace}
              values={shownValues(p, trace)}
              palette={p.palette}
              domain={p.domain}
              label={t('punct.named', { name: title, value: shownValues(p, trace) === 'scores' ? t('heatmap.scores') : t('heatmap.weights') })}
              colourBar
              {...(agree && agree.differs.size > 0 ? { marked: (i: number, j: number) => agree.differs.has(`${i},${j}`), markedLabel: t('compare.differsMark') } : {})}
            />
          )}
          {p.values === 'scores' && shownValues(p, trace) === 'weights' && p.entry.variant !== 'none' && <p className="note">{t('compare.noScores')}</p>}
          {p.isReference && <p className="compare-agree">{t('compare.isReference')}</p>}
          {p.entry.variant !== 'none' && p.entry.variant !== 'additive' && (
            <p className="compare-agree">
              {agree ? (agree.compared === 0 ? t('compare.agreeNone') : t('compare.agree', { agree: agree.agree, n: agree.compared, ref: p.referenceTitle ?? '' })) : t('compare.noReference')}
            </p>
          )}
        </>
      )}
      <button type="button" className="compare-open" onClick={open} disabled={p.status.state !== 'ready'}>
        {t('compare.open')}
        <span className="sr-only"> {t('punct.paren', { text: title })}</span>
      </button>
    </article>
  );
}

/** Scores where the variant has them (diagonal has none: it falls back to weights). */
function shownValues(p: Pick<CardProps, 'values'>, trace: NonNullable<Analysis['trace']>): 'weights' | 'scores' {
  return p.values === 'scores' && trace.steps.every((s) => s.scores !== null) ? 'scores' : 'weights';
}
