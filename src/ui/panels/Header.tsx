// The page header: title, model picker (task × variant from public/models, then the reader's own
// models apart: docs/ARCHITECTURE.md, "Model names"), the examples menu of the current model's
// task, theme and language.

import { useEffect, useId } from 'react';
import { examplesFor } from '../../data/corpora';
import type { LoadedModel } from '../../model/bundle';
import type { CatalogEntry } from '../../store/catalog';
import { useStoredModels, type StoredModelMeta } from '../../store/modelDb';
import { isUserModelRef, modelRef } from '../../store/modelRef';
import { useStore, type Theme } from '../../store/store';
import { useModel } from '../hooks';
import { exampleLabel, modelKindTitle, noticeText, taskTitle, useLang, useT } from '../i18n';

/** One option of the model picker. */
interface PickerEntry {
  /** The model's name (src/store/modelRef.ts): the option's value. */
  ref: string;
  task: string;
  title: string;
  /** The shipped model's catalog entry (named by its kind, with its BLEU). */
  shipped?: CatalogEntry;
}

/**
 * The picker's options: the shipped models by task (and any other shipped model loaded under its
 * id), then the reader's own models (loaded or saved in this browser) in a group of their own,
 * named as theirs: a user's model never wears a shipped model's name or BLEU.
 */
function pickerEntries(catalog: readonly CatalogEntry[], models: Record<string, LoadedModel>, stored: readonly StoredModelMeta[]): { shipped: PickerEntry[]; own: PickerEntry[] } {
  const shipped: PickerEntry[] = catalog.map((e) => ({ ref: e.id, task: e.task, title: e.title, shipped: e }));
  const own: PickerEntry[] = [];
  for (const [ref, m] of Object.entries(models)) {
    const entry = { ref, task: m.manifest.task, title: m.manifest.title ?? m.manifest.id };
    if (isUserModelRef(ref)) own.push(entry);
    else if (!shipped.some((e) => e.ref === ref)) shipped.push(entry);
  }
  for (const m of stored) {
    const ref = modelRef(m.id, 'user');
    if (!own.some((e) => e.ref === ref)) own.push({ ref, task: m.task, title: m.title });
  }
  return { shipped, own };
}

export function ModelPicker() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const catalog = useStore((s) => s.catalog);
  const models = useStore((s) => s.models);
  const modelId = useStore((s) => s.modelId);
  const loading = useStore((s) => s.loading);
  const selectModel = useStore((s) => s.selectModel);
  const stored = useStoredModels((s) => s.list);
  useEffect(() => {
    void useStoredModels.getState().refresh();
  }, []);
  const { shipped, own } = pickerEntries(catalog ?? [], models, stored);
  const tasks = [...new Set(shipped.map((e) => e.task))];
  const listed = (ref: string): boolean => shipped.some((e) => e.ref === ref) || own.some((e) => e.ref === ref);
  return (
    <label className="picker fixed" htmlFor={id}>
      {/* the loading state stays on the label's line, so the header does not change height */}
      <span className="field-label">
        {t('header.model')}
        {loading && (
          <span className="loading" aria-hidden="true">
            {' · '}
            {t('header.loading')}
          </span>
        )}
      </span>
      <select id={id} value={modelId} disabled={shipped.length + own.length === 0} aria-busy={loading ? true : undefined} onChange={(e) => void selectModel(e.target.value)}>
        {!listed(modelId) && <option value={modelId}>{modelId}</option>}
        {tasks.map((task) => (
          <optgroup key={task} label={taskTitle(lang, task)}>
            {shipped
              .filter((e) => e.task === task)
              .map((e) => (
                <option key={e.ref} value={e.ref}>
                  {e.shipped ? modelKindTitle(lang, e.shipped) : e.title}
                  {e.shipped?.metrics.bleu !== undefined ? ` · BLEU ${e.shipped.metrics.bleu.toFixed(1)}` : ''}
                </option>
              ))}
          </optgroup>
        ))}
        {own.length > 0 && (
          <optgroup label={t('header.yourModels')}>
            {own.map((e) => (
              <option key={e.ref} value={e.ref}>
                {t('header.yourModel', { title: e.title })}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <span className="sr-only" role="status">
        {loading ? t('app.loadingModel', { id: loading }) : ''}
      </span>
    </label>
  );
}

export function ExamplesMenu() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const model = useModel();
  const loadDocument = useStore((s) => s.loadDocument);
  const task = model?.manifest.task;
  const examples = task ? examplesFor(task) : [];
  // until the first model is in, the menu is there but disabled (no jump in the header when it comes)
  if (examples.length === 0 && model) return null;
  return (
    <label className="picker fixed" htmlFor={id}>
      <span className="field-label">{t('header.examples')}</span>
      <select
        id={id}
        value=""
        disabled={examples.length === 0}
        onChange={(e) => {
          const ex = examples[Number(e.target.value)];
          if (ex) loadDocument({ source: ex.source, target: '', step: 0 });
        }}
      >
        <option value="" disabled>
          {t('header.examplesPick')}
        </option>
        {examples.map((ex, k) => (
          <option key={k} value={k}>
            {task ? exampleLabel(lang, task, k, ex.label) : ex.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ViewSettings() {
  const t = useT();
  const theme = useStore((s) => s.theme);
  const lang = useStore((s) => s.lang);
  const setView = useStore((s) => s.setView);
  const themeId = useId();
  const langId = useId();
  return (
    <div className="view-settings">
      <label htmlFor={themeId} className="picker compact">
        <span className="field-label">{t('header.theme')}</span>
        <select id={themeId} value={theme} onChange={(e) => setView({ theme: e.target.value as Theme })}>
          <option value="auto">{t('header.theme.auto')}</option>
          <option value="light">{t('header.theme.light')}</option>
          <option value="dark">{t('header.theme.dark')}</option>
        </select>
      </label>
      <label htmlFor={langId} className="picker compact">
        <span className="field-label">{t('header.lang')}</span>
        <select id={langId} value={lang} onChange={(e) => setView({ lang: e.target.value === 'zh' ? 'zh' : 'en' })}>
          {/* each language by its own name, in its own language */}
          <option value="en" lang="en">
            English
          </option>
          <option value="zh" lang="zh-Hans">
            简体中文
          </option>
        </select>
      </label>
    </div>
  );
}

export function Notices() {
  const t = useT();
  const lang = useLang();
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`}>
          <p>{noticeText(lang, n)}</p>
          <button type="button" onClick={() => dismiss(n.id)} aria-label={t('notice.dismiss')}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
