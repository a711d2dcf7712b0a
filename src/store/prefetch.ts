// The first model's files, asked for before the page's code has arrived (docs/ARCHITECTURE.md,
// "Loading a model"). The entry script (src/main.tsx) is a few kilobytes that call
// `prefetchFirstModel` and then import the rest of the page: the model's files download while the
// browser fetches, parses and runs React, the store and the explorer, instead of after them.
//
// This module imports nothing: whatever it imports would be in the entry script and delay it (so
// the three names below that the page defines elsewhere too are checked against those by
// tests/store/prefetch.test.ts). It
// guesses the model the page will open (the remembered one, the reader's language's default, or
// the page's default) from what boot reads later; a wrong guess costs a download and nothing else,
// because fetchChecked (src/store/catalog.ts) only takes a prefetched response for the very URL it
// wants, and the first load of another model cancels the rest. A link (`s=` in the fragment) is not
// guessed: its model is inside the link's compressed state.

/** The page's default model and the Chinese reader's (tests check they are the page's own). */
export const PREFETCH_DEFAULT_ID = 'tatoeba-en-fr';
export const PREFETCH_ZH_ID = 'tatoeba-en-zh';

/** The local-storage key of the remembered fields: the store persists under it, boot and the prefetch read it. */
export const LOCAL_STORAGE_KEY = 'rnnsearch';
/** MODEL_ID_PATTERN (src/model/domain.ts), which imports the schema library. */
export const PREFETCH_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
/** DEFAULT_WEIGHTS_FILE (src/model/checkpoint), which imports the checkpoint reader. */
export const PREFETCH_WEIGHTS_FILE = 'model.safetensors';
/** A file a manifest may name beside it (the tokenizers): a plain name, no path. */
const FILE = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * The model the page will open, or null when that is not known before the page's code runs.
 * `hash` is location.hash, `remembered` the local-storage record (or null), `language` the
 * browser's.
 */
export function guessFirstModel(hash: string, remembered: string | null, language: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  // every view opens with the document's model (boot loads it whatever the view), so only a link
  // is not guessed
  if (params.has('s')) return null;
  if (remembered !== null) {
    let state: { modelId?: unknown; lang?: unknown } | undefined;
    try {
      state = (JSON.parse(remembered) as { state?: { modelId?: unknown; lang?: unknown } } | null)?.state;
    } catch {
      return null;
    }
    const id = state?.modelId;
    if (typeof id !== 'string' || !PREFETCH_ID_PATTERN.test(id)) return null;
    // the Chinese interface on the default model may still open English→Chinese (boot's firstModel
    // also looks at the sentence): not guessed
    return id === PREFETCH_DEFAULT_ID && state?.lang === 'zh' ? null : id;
  }
  return /^zh\b/i.test(language) ? PREFETCH_ZH_ID : PREFETCH_DEFAULT_ID;
}

export interface Pending {
  response: Promise<Response>;
  control: AbortController;
}

/** URL → a response on its way, taken (once) by the first fetch of that URL. */
const pending = new Map<string, Pending>();
let prefetchedId: string | null = null;

function start(url: string): Promise<Response> {
  const control = new AbortController();
  const response = fetch(url, { signal: control.signal });
  response.catch(() => undefined);
  pending.set(url, { response, control });
  return response;
}

/**
 * Ask for the files of model `id` in the folder `base` (…/models/): the manifest and the weights
 * under their usual names, and the tokenizer files the manifest names as soon as it is in.
 */
export function prefetchModel(id: string, base: string): void {
  if (!PREFETCH_ID_PATTERN.test(id) || typeof fetch !== 'function') return;
  prefetchedId = id;
  const folder = new URL(`${id}/`, base);
  const manifest = start(new URL('manifest.json', folder).href);
  start(new URL(PREFETCH_WEIGHTS_FILE, folder).href);
  manifest
    .then(async (res) => {
      if (!res.ok || prefetchedId !== id) return;
      const files = ((await res.clone().json()) as { tokenizer?: { files?: Record<string, { file?: unknown }> } } | null)?.tokenizer?.files;
      if (prefetchedId !== id) return;
      for (const side of ['source', 'target']) {
        const file = files?.[side]?.file;
        if (typeof file === 'string' && FILE.test(file)) start(new URL(file, folder).href);
      }
    })
    .catch(() => undefined);
}

/** From the entry script: prefetch the model the page will most likely open. Never throws. */
export function prefetchFirstModel(): void {
  try {
    let remembered: string | null = null;
    try {
      remembered = globalThis.localStorage?.getItem(LOCAL_STORAGE_KEY) ?? null;
    } catch {
      // storage blocked: a first visit as far as we can tell (as boot decides)
    }
    const id = guessFirstModel(location.hash, remembered, navigator.language ?? '');
    if (id !== null) prefetchModel(id, new URL('models/', document.baseURI).href);
  } catch {
    // a guess only: the page fetches what it needs anyway
  }
}

/**
 * The prefetched response for `url`, if one was asked for and not yet taken; undefined otherwise.
 * A fetch of a model other than the prefetched one cancels every prefetch not yet taken.
 */
export function takePrefetched(url: string, modelId?: string): Pending | undefined {
  if (pending.size === 0) return undefined;
  if (modelId !== undefined && modelId !== prefetchedId) {
    dropPrefetched();
    return undefined;
  }
  const hit = pending.get(url);
  if (!hit) return undefined;
  pending.delete(url);
  return hit;
}

/** Cancel every prefetch not yet taken. */
export function dropPrefetched(): void {
  for (const p of pending.values()) p.control.abort();
  pending.clear();
  prefetchedId = null;
}
