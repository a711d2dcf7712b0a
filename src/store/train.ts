// The train panel's state and its controller. The worker client lives here at module level, so a
// run goes on while the reader looks at another view. Worker messages arrive at most ~10 Hz; they
// are queued and applied to the store in one `set` at most every UI_INTERVAL_MS (state changes at
// once), so React reads training at ≤ 5 Hz. Weights received for resumption are kept outside
// React state (they are never drawn).
//
// This is a small store of its own rather than a slice of the page store: nothing in it is
// persisted or shared in a link, and the page store's slices belong to the explorer. It lives in
// src/store and imports nothing of src/ui (docs/ARCHITECTURE.md, "Layers"): its words are message
// keys with their values (src/store/notices.ts), which the Train view translates with
// src/ui/i18n.ts; the form's defaults and checks are src/store/trainDefaults.ts.

import { create } from 'zustand';
import { examplesFor } from '../data/corpora';
import { getTask } from '../data/tasks';
import { downloadBlob } from '../export/raster';
import { loadModel, type LoadedModel } from '../model/bundle';
import { serializeManifest, type Manifest } from '../model/checkpoint';
import { VARIANT_INFO } from '../model/config';
import { errorNotice, putStoredModel, useStoredModels } from './modelDb';
import { errorReason } from './errorReason';
import { guardMessage, workerErrorMessage } from './trainReason';
import { MessageError, trainMsg as msg, type NoticeMessage, type NoticeVar } from './notices';
import { useStore } from './store';
import { TrainClient, type WorkerLike } from '../worker/client';
import type { DataReady, EvalPoint, FromWorker, LineError, LossPoint, Progress, Snapshot, TrainConfig, WeightTensor, WorkersInfo } from '../worker/protocol';
import { defaultForm, familyDefaults, formToConfig, type FormErrors, type TaskChoice, type TrainForm, type TsvFile } from './trainDefaults';
import { clampWorkers, defaultWorkers } from './trainWorkers';

type Message = NoticeMessage;

/** A notice in the reader's language (src/ui/i18n.ts words it). */
function notifyMessage(kind: 'info' | 'warning' | 'error', m: NoticeMessage): void {
  useStore.getState().notify(kind, m);
}

export type TrainStatus = 'idle' | 'starting' | 'preparing' | 'running' | 'paused' | 'done' | 'crashed';

export type ProbeSnapshot = Omit<Snapshot, 'type'>;
export type ProgressInfo = Omit<Progress, 'type' | 'losses' | 'eval'>;
export type DataInfo = Omit<DataReady, 'type'>;

export interface DoneInfo {
  step: number;
  exactMatch: number | null;
  bleu: number | null;
  devLoss: number | null;
  bestStep: number | null;
  elapsedMs: number;
}

/** Most loss points kept for the chart (older ones are thinned). */
export const MAX_LOSS_POINTS = 4000;
/** Most probe snapshots kept for the replay (older ones are thinned). */
export const MAX_SNAPSHOTS = 300;

export interface TrainState {
  form: TrainForm;
  formErrors: FormErrors;
  tsv: TsvFile | null;
  status: TrainStatus;
  /** The config of the current (or last) run. */
  runConfig: TrainConfig | null;
  /** The model id the run's exports carry (one per run, so save / use / download agree). */
  runId: string | null;
  data: DataInfo | null;
  /** Why the worker could not build the data, with a TSV's line errors (src/store/trainReason.ts words both). */
  dataError: Message | null;
  lineErrors: LineError[];
  losses: LossPoint[];
  evals: EvalPoint[];
  progress: ProgressInfo | null;
  snapshots: ProbeSnapshot[];
  /** The snapshot shown (index); null follows the latest. */
  scrub: number | null;
  guards: Array<{ step: number; message: Message }>;
  crash: { reason: NoticeVar; weightsStep: number | null } | null;
  done: DoneInfo | null;
  /** A training or protocol error (not data, not export), as a message. */
  error: Message | null;
  /** The step of the last weights received (what "resume" would start from). */
  weightsStep: number | null;
  busy: 'export' | 'save' | 'load' | null;
  /** Threads asked for the next run (src/store/trainWorkers.ts; not part of the run's config). */
  workers: number;
  /** How many threads the run computes its gradients on, as the worker last said. */
  workersInfo: Omit<WorkersInfo, 'type'> | null;
}

function initialRun(): Pick<
  TrainState,
  'data' | 'dataError' | 'lineErrors' | 'losses' | 'evals' | 'progress' | 'snapshots' | 'scrub' | 'guards' | 'crash' | 'done' | 'error' | 'weightsStep' | 'workersInfo'
> {
  return { data: null, dataError: null, lineErrors: [], losses: [], evals: [], progress: null, snapshots: [], scrub: null, guards: [], crash: null, done: null, error: null, weightsStep: null, workersInfo: null };
}

export const useTrainStore = create<TrainState>()(() => ({
  form: defaultForm('reverse'),
  formErrors: {},
  tsv: null,
  status: 'idle',
  runConfig: null,
  runId: null,
  ...initialRun(),
  busy: null,
  workers: defaultWorkers(),
}));

// ---- the worker -------------------------------------------------------------------------------

let spawnOverride: (() => WorkerLike) | null = null;
let client: TrainClient | null = null;
let lastWeights: { step: number; tensors: WeightTensor[] } | null = null;
let queue: FromWorker[] = [];
/**
 * After a reset or a new start, messages the worker posted before it saw the command may still
 * be on their way: they are dropped until the worker's train/state says it has moved on.
 */
let awaiting: 'idle' | 'preparing' | null = null;
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** Tests: how workers are made (a fake); null restores the real one. Disposes the current one. */
export function setWorkerFactory(spawn: (() => WorkerLike) | null): void {
  spawnOverride = spawn;
  client?.dispose();
  client = null;
}

/** Tests: back to the first state, with no worker. */
export function resetTrainStore(): void {
  client?.dispose();
  client = null;
  lastWeights = null;
  queue = [];
  awaiting = null;
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  useTrainStore.setState({ form: defaultForm('reverse'), formErrors: {}, tsv: null, status: 'idle', runConfig: null, runId: null, ...initialRun(), busy: null, workers: defaultWorkers() });
}

function workersAvailable(): boolean {
  return spawnOverride !== null || typeof Worker !== 'undefined';
}

/** The live client, started if needed (the view calls this on mount, so Play starts at once). */
export function ensureClient(): TrainClient | null {
  if (client?.alive) return client;
  if (!workersAvailable()) return null;
  const created: TrainClient = new TrainClient({
    ...(spawnOverride ? { spawn: spawnOverride } : {}),
    onMessage: (message) => {
      if (client === created) enqueue(message);
    },
    onDead: (_reason, gone) => {
      if (client !== created && client !== null) return;
      client = null;
      onWorkerDied(errorReason(gone));
    },
    onInvalid: (error) => {
      useTrainStore.setState({ error: msg('train.refused', { error }) });
    },
  });
  if (!created.alive) return null;
  client = created;
  return created;
}

function onWorkerDied(reason: NoticeVar): void {
  flushQueue();
  const s = useTrainStore.getState();
  const active = s.status === 'starting' || s.status === 'preparing' || s.status === 'running' || s.status === 'paused';
  useTrainStore.setState({ status: active || s.status === 'done' ? 'crashed' : s.status === 'crashed' ? 'crashed' : 'idle', crash: { reason, weightsStep: lastWeights?.step ?? null }, busy: null });
  notifyMessage('error', msg('train.crashNotice', { reason }));
}

/** Worker messages reach React at most this often (the worker posts at ≤ 10 Hz). */
export const UI_INTERVAL_MS = 200;
let lastApplied = -Infinity;

function enqueue(message: FromWorker): void {
  queue.push(message);
  if (flushTimer) return;
  // state changes and errors go through at once; numbers and pictures at ≤ 5 Hz
  const urgent = message.type === 'train/state' || message.type === 'error' || message.type === 'train/done' || message.type === 'data/ready' || message.type === 'train/guard';
  const wait = urgent ? 0 : Math.max(0, lastApplied + UI_INTERVAL_MS - performance.now());
  flushTimer = setTimeout(flushQueue, wait);
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  // keep the newest half as it is, every other one of the older half
  const half = Math.floor(items.length / 2);
  return [...items.slice(0, half).filter((_, k) => k % 2 === 0), ...items.slice(half)];
}

/** Apply the queued worker messages now (tests; the page waits for the timer). */
export function applyWorkerMessages(): void {
  flushQueue();
}

/** Apply the queued worker messages in one store update. */
function flushQueue(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (queue.length === 0) return;
  lastApplied = performance.now();
  const messages = queue;
  queue = [];
  const s = useTrainStore.getState();
  const next: Partial<TrainState> = {};
  let losses = s.losses;
  let evals = s.evals;
  let snapshots = s.snapshots;
  let guards = s.guards;
  for (const m of messages) {
    if (awaiting !== null) {
      if (m.type === 'train/state' && m.state === awaiting) awaiting = null;
      else if (m.type !== 'error' || m.scope === 'data' || m.scope === 'train') continue;
    }
    switch (m.type) {
      case 'train/state':
        if (m.state === 'idle') next.status = 'idle';
        else next.status = m.state;
        break;
      case 'data/ready': {
        const { type: _type, ...data } = m;
        next.data = data;
        next.lineErrors = m.lineErrors;
        next.dataError = null;
        break;
      }
      case 'train/workers': {
        const { type: _type, ...info } = m;
        next.workersInfo = info;
        break;
      }
      case 'train/progress': {
        const { type: _type, losses: points, eval: ev, ...info } = m;
        next.progress = info;
        if (points.length > 0) losses = thin([...losses, ...points], MAX_LOSS_POINTS);
        if (ev) evals = [...evals, ev];
        break;
      }
      case 'train/snapshot': {
        const { type: _type, ...snap } = m;
        snapshots = thin([...snapshots, snap], MAX_SNAPSHOTS);
        break;
      }
      case 'train/weights':
        lastWeights = { step: m.step, tensors: m.tensors };
        next.weightsStep = m.step;
        break;
      case 'train/guard':
        guards = [...guards.slice(-19), { step: m.step, message: guardMessage(m) }];
        break;
      case 'train/done':
        next.done = { step: m.step, exactMatch: m.exactMatch, bleu: m.bleu, devLoss: m.devLoss, bestStep: m.bestStep, elapsedMs: m.elapsedMs };
        break;
      case 'error':
        if (m.scope === 'data') {
          next.dataError = workerErrorMessage(m);
          next.lineErrors = m.lineErrors;
        } else if (m.scope === 'train' || m.scope === 'protocol') {
          next.error = msg('notice.error', { detail: workerErrorMessage(m) });
        }
        break;
      case 'ready':
      case 'pong':
      case 'checkpoint':
        break;
    }
  }
  if (losses !== s.losses) next.losses = losses;
  if (evals !== s.evals) next.evals = evals;
  if (snapshots !== s.snapshots) {
    next.snapshots = snapshots;
    // a thinned replay moves indices: follow the latest again
    if (s.scrub !== null && snapshots.length <= s.scrub) next.scrub = null;
  }
  if (guards !== s.guards) next.guards = guards;
  useTrainStore.setState(next);
}

// ---- actions ----------------------------------------------------------------------------------

export function setForm(patch: Partial<TrainForm>): void {
  const s = useTrainStore.getState();
  const cleared = { ...s.formErrors };
  for (const k of Object.keys(patch)) delete cleared[k as keyof FormErrors];
  useTrainStore.setState({ form: { ...s.form, ...patch }, formErrors: cleared });
}

/** Pick a task: its defaults replace the settings (as TensorFlow Playground's presets do). */
export function setTask(task: TaskChoice): void {
  const s = useTrainStore.getState();
  // the chosen model family stays, with its own defaults for the new task
  const family = s.form.family === 'transformer' ? { family: s.form.family, variant: s.form.variant, ...familyDefaults(task, s.form.family) } : {};
  useTrainStore.setState({ form: { ...defaultForm(task), lowercase: s.form.lowercase, ...family }, formErrors: {} });
}

export function setTsv(tsv: TsvFile | null, error: Message | null = null): void {
  const s = useTrainStore.getState();
  const formErrors = { ...s.formErrors };
  if (error) formErrors.tsv = error;
  else delete formErrors.tsv;
  useTrainStore.setState({ tsv, formErrors });
}

/** Threads for the next run (the choices of src/store/trainWorkers.ts). */
export function setWorkers(n: number): void {
  useTrainStore.setState({ workers: clampWorkers(n) });
}

/** What train/start asks for: the chosen count, or 1 where memory cannot be shared. */
function requestedWorkers(): number {
  return clampWorkers(useTrainStore.getState().workers);
}

export function setScrub(index: number | null): void {
  const n = useTrainStore.getState().snapshots.length;
  useTrainStore.setState({ scrub: index === null || index >= n - 1 ? null : Math.max(0, Math.round(index)) });
}

function newRunId(config: TrainConfig): string {
  const task = config.task.kind === 'builtin' ? config.task.id : 'custom';
  return `trained-${task}-${config.variant}-${Date.now().toString(36)}`.slice(0, 64);
}

function noWorker(): void {
  useTrainStore.setState({ error: msg('train.noWorker') });
}

/** Start a new run from the form (paused: wait for Step). */
export function start(paused = false, count = 0): boolean {
  const s = useTrainStore.getState();
  const checked = formToConfig(s.form, s.tsv);
  if (!checked.config) {
    useTrainStore.setState({ formErrors: checked.errors });
    return false;
  }
  const c = ensureClient();
  if (!c) {
    noWorker();
    return false;
  }
  lastWeights = null;
  queue = [];
  awaiting = 'preparing';
  useTrainStore.setState({ ...initialRun(), formErrors: {}, status: 'starting', runConfig: checked.config, runId: newRunId(checked.config) });
  c.send({ type: 'train/start', config: checked.config, paused, resume: null, workers: requestedWorkers() });
  if (paused && count > 0) c.send({ type: 'train/step', count });
  return true;
}

/** Play: a new run, or go on with a paused one. */
export function play(): void {
  const s = useTrainStore.getState();
  if (s.status === 'paused' && client?.alive) {
    client.send({ type: 'train/resume' });
    useTrainStore.setState({ status: 'running' });
    return;
  }
  if (s.status === 'running' || s.status === 'starting' || s.status === 'preparing') return;
  start(false);
}

export function pause(): void {
  const s = useTrainStore.getState();
  if (s.status === 'running' && client?.alive) client.send({ type: 'train/pause' });
}

/** One step: of the paused run, or of a new run started paused. */
export function step(count = 1): void {
  const s = useTrainStore.getState();
  if (s.status === 'paused' && client?.alive) {
    client.send({ type: 'train/step', count });
    return;
  }
  if (s.status === 'idle' || s.status === 'done' || s.status === 'crashed') start(true, count);
}

/** Discard the run (the settings stay). */
export function reset(): void {
  const sent = client?.send({ type: 'train/reset' }) ?? false;
  lastWeights = null;
  queue = [];
  awaiting = sent ? 'idle' : null;
  useTrainStore.setState({ ...initialRun(), status: 'idle', runConfig: null, runId: null });
}

/** After the worker died: a new worker, from the last weights received. */
export function resumeAfterCrash(): void {
  const s = useTrainStore.getState();
  if (!s.runConfig || !lastWeights) return;
  const c = ensureClient();
  if (!c) {
    noWorker();
    return;
  }
  const from = lastWeights;
  useTrainStore.setState({
    status: 'starting',
    crash: null,
    error: null,
    done: null,
    losses: s.losses.filter((p) => p.step <= from.step),
    evals: s.evals.filter((p) => p.step <= from.step),
    snapshots: s.snapshots.filter((p) => p.step <= from.step),
    scrub: null,
  });
  awaiting = 'preparing';
  c.send({ type: 'train/start', config: s.runConfig, paused: false, resume: { step: from.step, tensors: from.tensors }, workers: requestedWorkers() });
}

/** After the worker died: a new worker, the same settings, from scratch. */
export function restartAfterCrash(): void {
  const s = useTrainStore.getState();
  if (!s.runConfig) return;
  const c = ensureClient();
  if (!c) {
    noWorker();
    return;
  }
  lastWeights = null;
  awaiting = 'preparing';
  useTrainStore.setState({ ...initialRun(), status: 'starting' });
  c.send({ type: 'train/start', config: s.runConfig, paused: false, resume: null, workers: requestedWorkers() });
}

/** Whether there is a model to export (the worker holds a run). */
export function canExport(s: Pick<TrainState, 'status' | 'runId'>): boolean {
  return s.runId !== null && (s.status === 'running' || s.status === 'paused' || s.status === 'done');
}

/** The title written into the model's manifest: data that outlives the page, so it stays in English. */
function runTitle(s: TrainState): string {
  const c = s.runConfig;
  if (!c) return 'Trained in this page';
  const task = c.task.kind === 'builtin' ? getTask(c.task.id).title : `“${c.task.name.slice(0, 60)}”`;
  const steps = s.progress?.step ?? 0;
  const model = c.family === 'transformer' ? `Transformer · ${c.variant === 'scaled-dot' ? 'softmax attention' : VARIANT_INFO[c.variant].title}` : VARIANT_INFO[c.variant].title;
  return `${task} · ${model} · trained in this page (${steps} steps)`;
}

/** The current model as manifest + weights (from the worker). */
export async function exportCurrent(): Promise<{ manifest: Manifest; weights: Uint8Array; files: Record<string, Uint8Array> }> {
  const s = useTrainStore.getState();
  if (!client?.alive || !s.runId || !canExport(s)) throw new MessageError(msg('train.noExport'));
  return client.exportCheckpoint(s.runId, runTitle(s));
}

async function busy<T>(what: 'export' | 'save' | 'load', fn: () => Promise<T>): Promise<T | null> {
  if (useTrainStore.getState().busy) return null;
  useTrainStore.setState({ busy: what });
  try {
    return await fn();
  } catch (err) {
    // the text stays the error's own (English) message; the message says it in the reader's language
    useStore.getState().notify('error', errorNotice(err));
    return null;
  } finally {
    useTrainStore.setState({ busy: null });
  }
}

/** A sentence to show a model with: its training probe, else an example of its task. */
function sentenceFor(model: LoadedModel, probe: string | null): string | null {
  if (probe && probe.trim()) return probe;
  const task = model.manifest.task;
  return examplesFor(task)[0]?.source ?? null;
}

/**
 * Put one of the reader's own models (trained here, loaded from files, saved in this browser) in
 * the explorer and go there (one click). It is named `user:<id>` (src/store/modelRef.ts), so it
 * never takes the place of a shipped model.
 */
export function openInExplorer(model: LoadedModel, sentence: string | null): void {
  const store = useStore.getState();
  const ref = store.addModel(model, 'user');
  if (sentence !== null) store.loadDocument({ modelId: ref, source: sentence, target: '' });
  store.setView({ page: 'explore' });
}

export async function openRunInExplorer(): Promise<void> {
  await busy('export', async () => {
    const { manifest, weights, files } = await exportCurrent();
    const model = await loadModel(manifest, weights, files);
    openInExplorer(model, sentenceFor(model, useTrainStore.getState().runConfig?.probe.source ?? null));
  });
}

/** Save the files: manifest.json, model.safetensors and a subword model's two tokenizer.json files. */
export function downloadFiles(manifest: Manifest, weights: Uint8Array, files: Readonly<Record<string, Uint8Array>> = {}): void {
  downloadBlob(new Blob([serializeManifest(manifest)], { type: 'application/json' }), 'manifest.json');
  downloadBlob(new Blob([weights.slice()], { type: 'application/octet-stream' }), manifest.weights.file);
  for (const [name, bytes] of Object.entries(files)) downloadBlob(new Blob([bytes.slice()], { type: 'application/json' }), name);
}

export async function download(): Promise<void> {
  await busy('export', async () => {
    const { manifest, weights, files } = await exportCurrent();
    downloadFiles(manifest, weights, files);
  });
}

export async function saveInBrowser(): Promise<void> {
  await busy('save', async () => {
    const { manifest, weights, files } = await exportCurrent();
    await putStoredModel(manifest, weights, files);
    await useStoredModels.getState().refresh();
    notifyMessage('info', msg('train.savedNotice', { title: manifest.title ?? manifest.id }));
  });
}

/** Run an async job with the busy flag, reporting failures as notices (file loading). */
export function withBusy<T>(what: 'export' | 'save' | 'load', fn: () => Promise<T>): Promise<T | null> {
  return busy(what, fn);
}
