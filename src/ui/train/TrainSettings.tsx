// The run's settings, in the spirit of TensorFlow Playground: task (built-in or the reader's TSV),
// attention variant, sizes, learning rate, seed, steps, batch, lengths and the probe sentence.
// Picking a task loads its defaults. Locked while a run exists (Reset to change them).

import { useId, type ChangeEvent } from 'react';
import { TSV_MAX_BYTES } from '../../data/limits';
import { TRANSFORMER_VARIANTS, VARIANTS, type Family, type Variant } from '../../model/config';
import { msg, taskTitle, transformerAttentionTitle, translateMessage, useLang, useT, variantTitle, type MessageKey } from '../i18n';
import { TASK_CHOICES, familyDefaults, isTaskChoice, type FormField, type TaskChoice, type TrainForm } from '../../store/trainDefaults';
import { setForm, setTask, setTsv, setWorkers, useTrainStore } from '../../store/train';
import { lineErrorMessage } from '../../store/trainReason';
import { coreCount, pageIsolated, workerChoices } from '../../store/trainWorkers';

const TASK_NOTES: Record<TaskChoice, MessageKey> = {
  reverse: 'train.note.reverse',
  dates: 'train.note.dates',
  'en-fr': 'train.note.enFr',
  tsv: 'train.note.tsv',
};

export function taskLabel(task: TaskChoice, t: ReturnType<typeof useT>, lang: ReturnType<typeof useLang>): string {
  return task === 'tsv' ? t('train.taskTsv') : taskTitle(lang, task);
}

interface FieldProps {
  field: FormField & keyof TrainForm;
  label: MessageKey;
  min?: number;
  max?: number;
  step?: number | 'any';
  kind?: 'number' | 'text';
  wide?: boolean;
}

function Field({ field, label, min, max, step, kind = 'number', wide = false }: FieldProps) {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const value = useTrainStore((s) => s.form[field]) as string;
  const error = useTrainStore((s) => s.formErrors[field]);
  return (
    <div className={`train-field${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>{t(label)}</label>
      <input
        id={id}
        type={kind}
        {...(kind === 'number' ? { inputMode: step === 'any' ? ('decimal' as const) : ('numeric' as const), min, max, step: step ?? 1 } : { dir: 'auto' })}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setForm({ [field]: e.target.value } as Partial<TrainForm>)}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {translateMessage(lang, error)}
        </p>
      )}
    </div>
  );
}

async function readTsv(e: ChangeEvent<HTMLInputElement>): Promise<void> {
  const file = e.target.files?.[0];
  if (!file) {
    setTsv(null);
    return;
  }
  if (file.size > TSV_MAX_BYTES) {
    setTsv(null, msg('train.err.tsvSize', { name: file.name.slice(0, 80), size: (file.size / (1024 * 1024)).toFixed(1), mib: TSV_MAX_BYTES / (1024 * 1024) }));
    return;
  }
  try {
    setTsv({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  } catch {
    setTsv(null, msg('train.err.tsvRead', { name: file.name.slice(0, 80) }));
  }
}

function TsvInput() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const tsv = useTrainStore((s) => s.tsv);
  const error = useTrainStore((s) => s.formErrors.tsv);
  const lowercase = useTrainStore((s) => s.form.lowercase);
  return (
    <div className="train-tsv">
      <label htmlFor={id}>{t('train.tsvFile')}</label>
      <input
        id={id}
        type="file"
        accept=".tsv,.txt,.tab,text/tab-separated-values,text/plain"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
        onChange={(e) => void readTsv(e)}
      />
      <p className="note" id={`${id}-help`}>
        {tsv ? t('train.tsvChosen', { name: tsv.name, kib: (tsv.bytes.length / 1024).toFixed(1) }) : t('train.tsvHelp')}
      </p>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {translateMessage(lang, error)}
        </p>
      )}
      <label className="train-check">
        <input type="checkbox" checked={lowercase} onChange={(e) => setForm({ lowercase: e.target.checked })} /> {t('train.lowercase')}
      </label>
      <LineErrors />
    </div>
  );
}

/** The TSV's problems by line, as the worker reported them. */
export function LineErrors() {
  const t = useT();
  const lang = useLang();
  const lineErrors = useTrainStore((s) => s.lineErrors);
  const total = useTrainStore((s) => Math.max(s.data?.lineErrorCount ?? 0, s.lineErrors.length));
  if (lineErrors.length === 0) return null;
  return (
    <div className="train-line-errors" role="region" aria-label={t('train.lineErrors', { n: total })}>
      <p>
        <strong>{t('train.lineErrors', { n: total })}</strong>
      </p>
      <ul>
        {lineErrors.map((e, k) => (
          <li key={k}>{translateMessage(lang, lineErrorMessage(e))}</li>
        ))}
      </ul>
      {total > lineErrors.length && <p className="note">{t('train.lineErrorsMore', { n: total - lineErrors.length })}</p>}
    </div>
  );
}

/**
 * Threads for the run (docs/ARCHITECTURE.md, "Training on every core"). Where the page is not
 * cross-origin isolated there is one choice, and this is the one place that says why.
 */
function WorkersField() {
  const t = useT();
  const id = useId();
  const workers = useTrainStore((s) => s.workers);
  const isolated = pageIsolated();
  const choices = workerChoices(isolated);
  return (
    <div className="train-field wide">
      <label htmlFor={id}>{t('train.workers')}</label>
      <select id={id} value={Math.min(workers, choices.length)} disabled={choices.length === 1} aria-describedby={`${id}-help`} onChange={(e) => setWorkers(Number(e.target.value))}>
        {choices.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <p className="note" id={`${id}-help`} data-isolated={isolated ? 'true' : 'false'}>
        {isolated ? t('train.workersHelp', { cores: coreCount() }) : t('train.workersSingle')}
      </p>
    </div>
  );
}

export function TrainSettings() {
  const t = useT();
  const lang = useLang();
  const taskId = useId();
  const variantId = useId();
  const form = useTrainStore((s) => s.form);
  const status = useTrainStore((s) => s.status);
  const locked = status === 'starting' || status === 'preparing' || status === 'running' || status === 'paused';
  return (
    <section className="panel train-settings" aria-labelledby="train-settings-h">
      <h2 id="train-settings-h">{t('train.settings')}</h2>
      {locked && <p className="note">{t('train.locked')}</p>}
      <fieldset disabled={locked} className="train-fieldset">
        <legend className="sr-only">{t('train.settings')}</legend>
        <div className="train-field wide">
          <label htmlFor={taskId}>{t('train.task')}</label>
          <select id={taskId} value={form.task} onChange={(e) => isTaskChoice(e.target.value) && setTask(e.target.value)}>
            {TASK_CHOICES.map((task) => (
              <option key={task} value={task}>
                {taskLabel(task, t, lang)}
              </option>
            ))}
          </select>
          <p className="note">{t(TASK_NOTES[form.task])}</p>
        </div>
        {form.task === 'tsv' && <TsvInput />}
        <div className="train-field wide">
          <label htmlFor={variantId}>{t('train.variant')}</label>
          <select
            id={variantId}
            value={`${form.family}:${form.variant}`}
            onChange={(e) => {
              const [family, variant] = e.target.value.split(':') as [Family, Variant];
              setForm(family === form.family ? { variant } : { family, variant, ...familyDefaults(form.task, family) });
            }}
          >
            <optgroup label="RNNsearch">
              {VARIANTS.map((v) => (
                <option key={v} value={`rnnsearch:${v}`}>
                  {variantTitle(lang, v)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('family.transformer')}>
              {TRANSFORMER_VARIANTS.map((v) => (
                <option key={v} value={`transformer:${v}`}>
                  {t('family.transformer')} · {transformerAttentionTitle(lang, v)}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <div className="train-fields">
          {form.family === 'transformer' ? (
            <>
              <Field field="model" label="train.model" min={1} max={512} />
              <Field field="heads" label="train.heads" min={1} max={64} />
              <Field field="layers" label="train.layers" min={1} max={12} />
              <Field field="ff" label="train.ff" min={1} max={512} />
            </>
          ) : (
            <>
              <Field field="embedding" label="train.embedding" min={1} max={512} />
              <Field field="hidden" label="train.hidden" min={1} max={512} />
              <Field field="alignment" label="train.alignment" min={1} max={512} />
              <Field field="maxout" label="train.maxout" min={1} max={512} />
            </>
          )}
          <Field field="lr" label="train.lr" min={0.000001} max={1} step="any" />
          <Field field="batchSize" label="train.batch" min={1} max={256} />
          <Field field="steps" label="train.steps" min={1} max={100000} />
          <Field field="seed" label="train.seed" min={0} />
          <Field field="minLength" label="train.minLength" min={1} max={256} />
          <Field field="maxLength" label="train.maxLength" min={1} max={256} />
        </div>
        <Field field="probeSource" label="train.probeSource" kind="text" wide />
        <Field field="probeTarget" label="train.probeTarget" kind="text" wide />
        <WorkersField />
      </fieldset>
      <LineErrorsOutsideTsv task={form.task} />
    </section>
  );
}

function LineErrorsOutsideTsv({ task }: { task: TaskChoice }) {
  const dataError = useTrainStore((s) => s.dataError);
  const t = useT();
  if (!dataError) return null;
  return (
    <div className="notice error train-data-error" role="alert">
      <p>
        {t('train.dataError', { reason: dataError })}
      </p>
      {task !== 'tsv' && <LineErrors />}
    </div>
  );
}
