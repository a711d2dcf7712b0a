// The trained model (use it in the explorer, download it, keep it in this browser) and the
// models in this browser (load one from files — picked or dropped — or open / delete a saved one).

import { useEffect, useId, useState, type DragEvent } from 'react';
import { getTask, isTaskId } from '../../data/tasks';
import { deleteStoredModel, loadStoredModel, useStoredModels } from '../../store/modelDb';
import { preloadInWorker, useStore } from '../../store/store';
import { errorMessage, msg, MessageError, notifyMessage, translateMessage, useLang, useT, variantTitle } from '../i18n';
import { readModelFiles, type NamedBlob } from './modelFiles';
import { canExport, download, openInExplorer, openRunInExplorer, saveInBrowser, useTrainStore, withBusy } from '../../store/train';

export function TrainedModel() {
  const t = useT();
  const status = useTrainStore((s) => s.status);
  const runId = useTrainStore((s) => s.runId);
  const busy = useTrainStore((s) => s.busy);
  const step = useTrainStore((s) => s.progress?.step ?? 0);
  const ready = canExport({ status, runId });
  const disabled = !ready || busy !== null;
  return (
    <section className="panel train-model" aria-labelledby="train-model-h">
      <h2 id="train-model-h">{t('train.model.title')}</h2>
      <p className="note">{ready ? t('train.model.ready', { step }) : status === 'crashed' ? t('train.model.crashed') : t('train.model.none')}</p>
      <div className="train-buttons">
        <button type="button" className="primary" disabled={disabled} onClick={() => void openRunInExplorer()}>
          {t('train.model.use')}
        </button>
        <button type="button" disabled={disabled} onClick={() => void download()}>
          {t('train.model.download')}
        </button>
        <button type="button" disabled={disabled} onClick={() => void saveInBrowser()}>
          {t('train.model.save')}
        </button>
      </div>
      {busy && (
        <p className="note" role="status">
          {busy === 'save' ? t('train.model.saving') : busy === 'load' ? t('train.files.loading') : t('train.model.exporting')}
        </p>
      )}
    </section>
  );
}

async function loadFiles(files: NamedBlob[]): Promise<void> {
  await withBusy('load', async () => {
    const model = await readModelFiles(files, preloadInWorker);
    const task = model.manifest.task;
    openInExplorer(model, isTaskId(task) ? (getTask(task).examples()[0]?.source ?? null) : null);
    notifyMessage('info', msg('train.loadedNotice', { title: model.manifest.title ?? model.manifest.id }));
  });
}

async function openStored(id: string): Promise<void> {
  await withBusy('load', async () => {
    const model = await loadStoredModel(id);
    if (!model) throw new MessageError(msg('train.noLongerSaved', { id }));
    const task = model.manifest.task;
    openInExplorer(model, isTaskId(task) ? (getTask(task).examples()[0]?.source ?? null) : null);
  });
}

async function removeStored(id: string): Promise<void> {
  try {
    await deleteStoredModel(id);
  } catch (err) {
    useStore.getState().notify('error', errorMessage(err));
  }
  await useStoredModels.getState().refresh();
}

export function ModelFiles() {
  const t = useT();
  const lang = useLang();
  const inputId = useId();
  const list = useStoredModels((s) => s.list);
  const error = useStoredModels((s) => s.error);
  const busy = useTrainStore((s) => s.busy);
  const [over, setOver] = useState(false);
  useEffect(() => {
    void useStoredModels.getState().refresh();
  }, []);
  const onDragOver = (e: DragEvent<HTMLDivElement>): void => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.stopPropagation();
    setOver(true);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    // handled here: the page-wide drop handler (PNG permalinks) must not see these files
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    void loadFiles(Array.from(e.dataTransfer.files));
  };
  return (
    <section className="panel train-files" aria-labelledby="train-files-h">
      <h2 id="train-files-h">{t('train.files.title')}</h2>
      <div className={`train-drop${over ? ' over' : ''}`} onDragOver={onDragOver} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <label htmlFor={inputId}>{t('train.files.load')}</label>
        <input
          id={inputId}
          type="file"
          multiple
          accept=".json,.safetensors,application/json"
          disabled={busy !== null}
          aria-describedby={`${inputId}-help`}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length > 0) void loadFiles(files);
          }}
        />
        <p className="note" id={`${inputId}-help`}>
          {t('train.files.help')}
        </p>
      </div>
      <h3>{t('train.saved.title')}</h3>
      {error ? (
        <p className="note">{translateMessage(lang, error)}</p>
      ) : list.length === 0 ? (
        <p className="note">{t('train.saved.none')}</p>
      ) : (
        <ul className="train-saved">
          {list.map((m) => (
            <li key={m.id}>
              <span className="train-saved-name">
                <bdi dir="auto">{m.title}</bdi>
                <span className="muted">
                  {' '}
                  · {m.task} · {variantTitle(lang, m.variant)} · {(m.bytes / 1024).toFixed(0)} KiB · {m.savedAt.slice(0, 16).replace('T', ' ')}
                </span>
              </span>
              <span className="train-buttons">
                <button type="button" disabled={busy !== null} onClick={() => void openStored(m.id)} aria-label={t("train.saved.openLabel", { title: m.title })}>
                  {t('train.saved.open')}
                </button>
                <button type="button" onClick={() => void removeStored(m.id)} aria-label={t('train.saved.deleteLabel', { title: m.title })}>
                  {t('train.saved.delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
