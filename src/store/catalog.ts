// The shipped models: public/models/index.json lists them (written by `npm run models:index`),
// each folder holds manifest.json + weights. Fetching validates everything (the model loader
// checks byte length, SHA-256 and every tensor) and reports problems as user-facing messages.

import { configFromManifest, finishModel, prepareModel, type LoadedModel } from '../model/bundle';
import { CheckpointError, DEFAULT_WEIGHTS_FILE, parseManifest } from '../model/checkpoint';
import { isVariant, type Variant } from '../model/config';
import { isModelId, MODEL_ID_PATTERN } from '../model/domain';
import { takePrefetched } from './prefetch';

export interface CatalogEntry {
  id: string;
  task: string;
  /** Absent for RNNsearch. */
  family?: 'transformer';
  variant: Variant;
  title: string;
  /** Held-out test metrics recorded at training time. */
  metrics: { bleu?: number; aer?: number; exactMatch?: number };
  bytes: number;
}


/** The model index is not a list of models ('index'), or a name is not a model id ('id'). */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly kind: 'index' | 'id',
    message: string,
  ) {
    super(message);
  }
}

/** Validate index.json (never trusting its shape); bad entries are skipped. */
export function parseCatalog(value: unknown): CatalogEntry[] {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { models?: unknown }).models)) {
    throw new CatalogError('index', 'the model index is not a {"models": [...]} object');
  }
  const out: CatalogEntry[] = [];
  for (const raw of (value as { models: unknown[] }).models.slice(0, 200)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || !isModelId(r.id) || !isVariant(r.variant) || typeof r.task !== 'string') continue;
    const m = (typeof r.metrics === 'object' && r.metrics !== null ? r.metrics : {}) as Record<string, unknown>;
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const metrics: CatalogEntry['metrics'] = {};
    const bleu = num(m.bleu);
    const aer = num(m.aer);
    const exact = num(m.exactMatch);
    if (bleu !== undefined) metrics.bleu = bleu;
    if (aer !== undefined) metrics.aer = aer;
    if (exact !== undefined) metrics.exactMatch = exact;
    out.push({
      id: r.id,
      task: r.task.slice(0, 40),
      ...(r.family === 'transformer' ? { family: 'transformer' as const } : {}),
      variant: r.variant,
      title: typeof r.title === 'string' ? r.title.slice(0, 120) : r.id,
      metrics,
      bytes: num(r.bytes) ?? 0,
    });
  }
  return out;
}

/** Where the models live, relative to the page (works from any folder of a static host). */
export function modelsBase(): string {
  return new URL('models/', document.baseURI).href;
}

/** Which file a fetch was for: the page names it in the reader's language (src/store/errorReason.ts). */
export type FetchTarget =
  | { file: 'index' }
  | { file: 'manifest' | 'weights'; id: string }
  | { file: 'tokenizer'; id: string; side: 'source' | 'target' }
  | { file: 'results' };

/** The target in English, for the error's message (the CLI and tests read it). */
function targetText(t: FetchTarget): string {
  switch (t.file) {
    case 'index':
      return 'the model index';
    case 'results':
      return 'the results';
    case 'tokenizer':
      return `the ${t.side} tokenizer of ${t.id}`;
    default:
      return `the ${t.file} of ${t.id}`;
  }
}

/** A file could not be fetched: `status` is the HTTP status, or null when no answer came (network). */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly target: FetchTarget,
    readonly status: number | null,
    /** The browser's own reason when no answer came (English, a detail). */
    readonly networkReason?: string,
  ) {
    super(status === null ? `could not fetch ${targetText(target)} (${networkReason ?? 'network error'})` : `could not fetch ${targetText(target)}: HTTP ${status}`);
  }
}

export async function fetchChecked(url: string, target: FetchTarget, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  const early = takePrefetched(url, 'id' in target ? target.id : undefined);
  if (early && signal) {
    if (signal.aborted) early.control.abort();
    else signal.addEventListener('abort', () => early.control.abort(), { once: true });
  }
  try {
    res = await (early ? early.response : fetch(url, signal ? { signal } : {}));
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new FetchError(target, null, err instanceof Error ? err.message : undefined);
  }
  if (!res.ok) throw new FetchError(target, res.status);
  return res;
}

export async function fetchCatalog(base = modelsBase(), signal?: AbortSignal): Promise<CatalogEntry[]> {
  const res = await fetchChecked(new URL('index.json', base).href, { file: 'index' }, signal);
  return parseCatalog(await res.json());
}

/** Bytes received of the bytes expected (the manifest's byte lengths), while a model downloads. */
export type LoadProgress = (loaded: number, total: number) => void;

/**
 * A response's body as bytes, reporting each chunk: `onChunk(n)` with the bytes of that chunk.
 * Without a readable body (or no reporting wanted) it is read in one go.
 */
async function readBody(res: Response, onChunk?: (n: number) => void): Promise<Uint8Array> {
  if (!onChunk || !res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    onChunk(value.byteLength);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Start fetching a file that may not be wanted: it can be cancelled, and its failure is only seen
 * by whoever awaits it.
 */
function speculate(url: string, what: FetchTarget, signal?: AbortSignal): { response: Promise<Response>; cancel(): void } {
  const control = new AbortController();
  if (signal?.aborted) control.abort();
  else signal?.addEventListener('abort', () => control.abort(), { once: true });
  const response = fetchChecked(url, what, control.signal);
  response.catch(() => undefined);
  return { response, cancel: () => control.abort() };
}

/**
 * Fetch and validate one shipped model; errors are Error/CheckpointError with clear messages.
 * `onProgress` hears how much of the weights and tokenizers has arrived (a large checkpoint takes
 * a while: docs/ARCHITECTURE.md, "Large models").
 *
 * Nothing waits that need not (docs/ARCHITECTURE.md, "Loading a model"): the weights are asked
 * for alongside the manifest under their usual name (a manifest naming another file cancels that
 * request), and the manifest and tokenizers are checked and built while the weights arrive.
 */
export async function fetchModel(id: string, base = modelsBase(), signal?: AbortSignal, onProgress?: LoadProgress, onLoad?: LoadListener): Promise<LoadedModel> {
  if (!MODEL_ID_PATTERN.test(id)) throw new CatalogError('id', `“${id.slice(0, 64)}” is not a model id`);
  const folder = new URL(`${id}/`, base);
  const guess = speculate(new URL(DEFAULT_WEIGHTS_FILE, folder).href, { file: 'weights', id }, signal);
  try {
    return await fetchModelFiles(id, folder, guess, signal, onProgress, onLoad);
  } catch (err) {
    guess.cancel();
    throw err;
  }
}

/**
 * Hears a model's load on the way (the store gets the analysis worker ready for a large model as
 * soon as its manifest says it is one, and hands it the files before the page builds its own copy).
 */
export interface LoadListener {
  /** The manifest is checked: the model's configuration, while the weights are still on their way. */
  manifest?(config: LoadedModel['config']): void;
  /** Every file is in: before the weights are checked and the model is built. */
  files?(files: NonNullable<LoadedModel['checkpoint']>, config: LoadedModel['config']): void;
}

async function fetchModelFiles(id: string, folder: URL, guess: ReturnType<typeof speculate>, signal?: AbortSignal, onProgress?: LoadProgress, onLoad?: LoadListener): Promise<LoadedModel> {
  const manifestRes = await fetchChecked(new URL('manifest.json', folder).href, { file: 'manifest', id }, signal);
  let manifest: unknown;
  try {
    manifest = await manifestRes.json();
  } catch {
    throw new CheckpointError('manifest', `the manifest of ${id} is not valid JSON`);
  }
  const parsed = parseManifest(manifest);
  // the folder's name is the model's name: a manifest naming another model is not this one
  if (parsed.id !== id) throw new CheckpointError('manifest', `the manifest in models/${id}/ names another model (“${parsed.id}”)`);
  if (onLoad?.manifest) {
    let config: LoadedModel['config'] | null = null;
    try {
      config = configFromManifest(parsed);
    } catch {
      // prepareModel reports it below
    }
    if (config) onLoad.manifest(config);
  }
  // the tokenizers' sizes are not in the manifest: their bytes count as they come
  const total = parsed.weights.byteLength;
  let loaded = 0;
  const onChunk = onProgress
    ? (n: number): void => {
        loaded += n;
        onProgress(loaded, Math.max(total, loaded));
      }
    : undefined;
  const what: FetchTarget = { file: 'weights', id };
  const named = parsed.weights.file === DEFAULT_WEIGHTS_FILE;
  if (!named) guess.cancel();
  const weightsRes = named ? guess.response : fetchChecked(new URL(parsed.weights.file, folder).href, what, signal);
  const weights = weightsRes.then((res) => readBody(res, onChunk));
  weights.catch(() => undefined);
  // Subword models keep their tokenizer.json files beside the weights (names checked by parseManifest)
  const tf = parsed.tokenizer.files;
  const bytes = async (file: string, what: FetchTarget): Promise<Uint8Array> => readBody(await fetchChecked(new URL(file, folder).href, what, signal), onChunk);
  const extra = tf ? (['source', 'target'] as const).map(async (side): Promise<[string, Uint8Array]> => [tf[side].file, await bytes(tf[side].file, { file: 'tokenizer', id, side })]) : [];
  const prepared = await prepareModel(manifest, Object.fromEntries(await Promise.all(extra)), parsed);
  const weightBytes = await weights;
  onLoad?.files?.({ manifest: prepared.manifestValue, weights: weightBytes, files: prepared.files }, prepared.config);
  return finishModel(prepared, weightBytes);
}
