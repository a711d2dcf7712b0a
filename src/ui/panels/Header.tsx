// The page header: title, model picker (task × variant from public/models), the examples menu of
// the current model's task, theme and language.

import { useEffect, useId } from 'react';
import { examplesFor } from '../../data/corpora';
import { useStoredModels } from '../../store/modelDb';
import { useStore, type Theme } from '../../store/store';
import { useModel } from '../hooks';
import { exampleLabel, modelKindTitle, noticeText, taskTitle, useLang, useT } from '../i18n';

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
  // shipped models, plus any loaded another way (a file, the trainer) or saved in this browser
  const entries = [...(catalog ?? [])];
  const shipped = new Set(entries.map((e) => e.id));
  for (const m of Object.values(models)) {
    if (!entries.some((e) => e.id === m.manifest.id)) {
      entries.push({ id: m.manifest.id, task: m.manifest.task, ...(m.manifest.family === 'transformer' ? { family: 'transformer' as const } : {}), variant: m.manifest.variant, title: m.manifest.title ?? m.manifest.id, metrics: {}, bytes: 0 });
    }
  }
  for (const m of stored) {
    if (!entries.some((e) => e.id === m.id)) entries.push({ id: m.id, task: m.task, variant: m.variant, title: m.title, metrics: {}, bytes: m.bytes });
  }
  const tasks = [...new Set(entries.map((e) => e.task))];
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
      <select id={id} value={modelId} disabled={entries.length === 0} aria-busy={loading ? true : undefined} onChange={(e) => void selectModel(e.target.value)}>
        {!entries.some((e) => e.id === modelId) && <option value={modelId}>{modelId}</option>}
        {tasks.map((task) => (
          <optgroup key={task} label={taskTitle(lang, task)}>
            {entries
              .filter((e) => e.task === task)
              .map((e) => (
                <option key={e.id} value={e.id}>
                  {shipped.has(e.id) ? modelKindTitle(lang, e) : e.title}
                  {e.metrics.bleu !== undefined ? ` · BLEU ${e.metrics.bleu.toFixed(1)}` : ''}
                </option>
              ))}
          </optgroup>
        ))}
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
