// Start-up and the URL: read the permalink in the fragment (a hostile one gives a notice and the
// default state, never a crash), load the catalog and the model, keep the fragment in step with
// the inputs (debounced, replaceState), follow hashchange, and restore a state from a PNG dropped
// on the page (its link is validated before anything is written: docs/RELIABILITY.md, "a PNG
// dropped on the page whose permalink chunk").

import { MEMORY_PARAMS } from './memory/url';
import { buildFragment, parseFragment, ShareStateError, type ParsedFragment, type ResetField, type ShareProblem } from '../export/permalink';
import { readPngPermalink } from '../export/raster';
import { applyShareState, toShareState } from '../store/share';
import { DEFAULT_MODEL_ID, DEFAULT_SOURCE, isPage, useStore, type Store } from '../store/store';
import { examplesFor } from '../data/corpora';
import { fieldsFor } from '../store/persistence';
import { LOCAL_STORAGE_KEY, PREFETCH_ZH_ID } from '../store/prefetch';
import { errorMessage, msg, notifyMessage, type Message, type MessageKey } from './i18n';

const URL_FIELDS = fieldsFor('url');

/** The page a fragment asks for (`&view=train`), or null. */
export function pageOf(hash: string): Store['page'] | null {
  const view = new URLSearchParams(hash.replace(/^#/, '')).get('view');
  return isPage(view) ? view : null;
}

/**
 * The embed entry (embed.html, which other sites may frame: docs/ARCHITECTURE.md, "Embedding"):
 * set by boot, and then every link it applies is in embed mode, whatever the link says.
 */
let embedOnlyPage = false;

async function applyHash(hash: string): Promise<boolean> {
  const store = useStore.getState();
  store.setView({ page: pageOf(hash) ?? 'explore' });
  const parsed = await parseFragment(hash);
  const notice = linkNotice(parsed);
  if (notice) store.notify('warning', notice);
  const hasLink = /(^#|&)s=/.test(hash);
  const embed = parsed.embed || embedOnlyPage;
  if (hasLink || embed) applyShareState(useStore.getState(), parsed.state, embed);
  return hasLink || embed;
}

/**
 * The address of the full page for an embedded one: the embed entry's folder (embed.html → ./) and
 * the fragment without `embed=1`; the other parameters stay as they are.
 */
export function fullPageLink(href: string): string {
  const url = new URL(href);
  if (url.pathname.endsWith('/embed.html')) url.pathname = url.pathname.slice(0, -'embed.html'.length);
  const kept = url.hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && part !== 'embed=1');
  url.hash = kept.join('&');
  return url.href;
}

/** The real English→Chinese model is the natural first model for a reader of the Chinese interface. */
export const ZH_DEFAULT_MODEL_ID = PREFETCH_ZH_ID;

/**
 * First visit (no link, nothing remembered): a browser in Chinese gets the Chinese interface; and
 * whoever reads it in Chinese and has not chosen a model or typed a sentence starts on
 * English→Chinese.
 */
function firstModel(remembered: boolean): void {
  const s = useStore.getState();
  if (!remembered && typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language)) s.setView({ lang: 'zh' });
  const now = useStore.getState();
  if (now.lang === 'zh' && now.modelId === DEFAULT_MODEL_ID && now.source === DEFAULT_SOURCE && now.target === '') {
    const first = examplesFor(ZH_DEFAULT_MODEL_ID)[0];
    if (first) now.loadDocument({ modelId: ZH_DEFAULT_MODEL_ID, source: first.source, target: '' });
  }
}

/** The message key naming each field a 'partial' link can reset. */
const RESET_FIELDS: Readonly<Record<ResetField, MessageKey>> = {
  decoding: 'link.field.decoding',
  beamWidth: 'link.field.beamWidth',
  sample: 'link.field.sample',
  step: 'link.field.step',
  edits: 'link.field.edits',
  head: 'link.field.head',
  positions: 'link.field.positions',
  view: 'link.field.view',
  'view.values': 'link.field.values',
  'view.transpose': 'link.field.transpose',
  'view.palette': 'link.field.palette',
  'view.lang': 'link.field.lang',
  'view.theme': 'link.field.theme',
  'view.units': 'link.field.units',
};

/**
 * The message of a link that did not give back its state, from its problem code; a 'partial'
 * link names the fields it reset (from the parser's codes, so they translate).
 */
export function linkNotice(parsed: Pick<ParsedFragment, 'problem' | 'reset'>): Message | null {
  if (parsed.problem === null) return null;
  if (parsed.problem !== 'partial') return msg(`link.${parsed.problem}`);
  return msg('link.partial', { fields: parsed.reset.map((f) => msg(RESET_FIELDS[f])) });
}

let lastWritten = '';

/** Parameters of the fragment that the URL sync owns; others (the story's chapter, the Memory page's state) are kept. */
const OWN_PARAMS = new Set(['s', 'embed', 'view']);

/**
 * `fragment` followed by the parameters of `current` that the sync does not own, except those
 * that belong to a view no longer shown (the story's chapter outside the story).
 */
export function withOtherParams(fragment: string, current: string, page: Store['page']): string {
  const kept: string[] = [];
  for (const [k, v] of new URLSearchParams(current.replace(/^#/, ''))) {
    if (OWN_PARAMS.has(k) || (k === 'chapter' && page !== 'story') || ((MEMORY_PARAMS as readonly string[]).includes(k) && page !== 'memory')) continue;
    kept.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return kept.length > 0 ? `${fragment}&${kept.join('&')}` : fragment;
}

/**
 * The fragment of a page whose state makes no link: the parameters the sync owns except `s`
 * (the view, embed) and the others of `current`. '' when there are none.
 */
export function withoutLink(current: string, page: Store['page'], embed: boolean): string {
  const own = [...(page === 'explore' ? [] : [`view=${page}`]), ...(embed ? ['embed=1'] : [])].join('&');
  const all = withOtherParams(own === '' ? '' : `#${own}`, current, page);
  return all.startsWith('&') ? `#${all.slice(1)}` : all;
}

/** Who wants to know when the page rewrites its own address (replaceState fires no event). */
const addressListeners = new Set<() => void>();

/**
 * Call `listener` whenever the page's address changes: the URL sync's rewrites and hashchange.
 * Returns the unsubscribe function (for useSyncExternalStore).
 */
export function subscribeAddress(listener: () => void): () => void {
  addressListeners.add(listener);
  window.addEventListener('hashchange', listener);
  return () => {
    addressListeners.delete(listener);
    window.removeEventListener('hashchange', listener);
  };
}

function replaceAddress(url: string): void {
  history.replaceState(null, '', url);
  for (const listener of addressListeners) listener();
}

function writeFragment(fragment: string): void {
  lastWritten = fragment;
  if (location.hash !== fragment) replaceAddress(`${location.pathname}${location.search}${fragment}`);
}

/**
 * Keep location.hash in step with the url fields of the store. A state too big for a link
 * (docs/RELIABILITY.md, "a very long text typed or pasted") takes the link out of the address, so
 * that a reload does not bring back the last state that fitted over what local storage remembers,
 * and the page says so once (again only after a link has fitted since).
 */
export function syncUrl(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let toldTooBig = false;
  const unsubscribe = useStore.subscribe((s: Store, prev: Store) => {
    // the first analysis writes the address too: a link opened cold gets its canonical form (and
    // &embed=1 in the embed entry) even when the model's arrival changed none of the link's fields
    const appeared = s.analysis !== null && prev.analysis === null;
    if (!appeared && (!URL_FIELDS.some((k) => s[k] !== prev[k]) || (!s.analysis && s.page === prev.page))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const state = useStore.getState();
      buildFragment(toShareState(state), { embed: state.embed })
        .then((base) => {
          toldTooBig = false;
          writeFragment(withOtherParams(state.page === 'explore' ? base : `${base}&view=${state.page}`, location.hash, state.page));
        })
        .catch((err: unknown) => {
          // not a state a link can hold yet (a step not clamped before the model loads): as it was
          if (!(err instanceof ShareStateError && err.kind === 'too-long')) return;
          // too big for a link: the address must not keep an older one
          writeFragment(withoutLink(location.hash, state.page, state.embed));
          if (!toldTooBig) {
            toldTooBig = true;
            notifyMessage('warning', msg('notice.linkTooLong'));
          }
        });
    }, 400);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** The notice for each problem of a dropped PNG's link; the page and its address stay as they were. */
const DROPPED_LINK_PROBLEMS: Readonly<Record<Exclude<ShareProblem, 'partial'>, MessageKey>> = {
  'too-long': 'notice.pngLinkTooLong',
  'too-large': 'notice.pngLinkTooLong',
  damaged: 'notice.pngLinkInvalid',
  invalid: 'notice.pngLinkInvalid',
  'newer-version': 'notice.pngLinkNewer',
  unsupported: 'notice.pngLinkUnsupported',
};

async function openDroppedPngUnguarded(file: File): Promise<void> {
  const name = file.name.slice(0, 80);
  if (file.type !== 'image/png' && !file.name.toLowerCase().endsWith('.png')) {
    notifyMessage('warning', msg('notice.notPng', { name }));
    return;
  }
  const found = await readPngPermalink(file);
  if (found.kind === 'none') {
    notifyMessage('warning', msg('notice.noLink', { name }));
    return;
  }
  if (found.kind === 'too-long') {
    notifyMessage('warning', msg('notice.pngLinkTooLong', { name }));
    return;
  }
  // the chunk's text is hostile: only its fragment counts, and only once the codec accepts it
  const text = found.text;
  const fragment = text.includes('#') ? text.slice(text.indexOf('#') + 1) : text;
  if (!/(^|&)s=/.test(fragment)) {
    notifyMessage('warning', msg('notice.pngLinkInvalid', { name }));
    return;
  }
  const parsed = await parseFragment(`#${fragment}`);
  if (parsed.problem !== null && parsed.problem !== 'partial') {
    notifyMessage('warning', msg(DROPPED_LINK_PROBLEMS[parsed.problem], { name }));
    return;
  }
  // the address gets the codec's own fragment for the validated state: nothing of the chunk's text
  let validated: string;
  try {
    validated = await buildFragment(parsed.state, { embed: parsed.embed });
  } catch {
    notifyMessage('warning', msg('notice.pngLinkInvalid', { name }));
    return;
  }
  // a fragment-only URL: the path and the query stay the page's own
  replaceAddress(validated);
  lastWritten = validated;
  const store = useStore.getState();
  store.setView({ page: 'explore' });
  const notice = linkNotice(parsed);
  if (notice) store.notify('warning', notice);
  applyShareState(useStore.getState(), parsed.state, parsed.embed || embedOnlyPage);
}

/**
 * Restore the state a PNG exported from this page carries (its permalink chunk). Only the
 * permalink chunk is read, and refused unread past MAX_PNG_LINK_CHARS; its text is validated by
 * the permalink codec before anything changes, and then the address gets only `#` and the codec's
 * fragment for the validated state (never the chunk's text, never a path). Every failure is a
 * notice, and leaves the page and its address as they were. Never rejects.
 */
export async function openDroppedPng(file: File): Promise<void> {
  try {
    await openDroppedPngUnguarded(file);
  } catch (err) {
    notifyMessage('error', errorMessage(err));
  }
}

/** Drop a PNG exported from this page to restore its state. */
function dropHandler(): () => void {
  const onDragOver = (e: DragEvent): void => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  const onDrop = (e: DragEvent): void => {
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    void openDroppedPng(file);
  };
  window.addEventListener('dragover', onDragOver);
  window.addEventListener('drop', onDrop);
  return () => {
    window.removeEventListener('dragover', onDragOver);
    window.removeEventListener('drop', onDrop);
  };
}

/** Start the page; `embedOnly` for the embed entry (embed.html), which is in embed mode from the start. */
export function boot(options: { embedOnly?: boolean } = {}): () => void {
  embedOnlyPage = options.embedOnly === true;
  if (embedOnlyPage) useStore.getState().setView({ embed: true });
  let remembered = false;
  try {
    remembered = globalThis.localStorage?.getItem(LOCAL_STORAGE_KEY) != null;
  } catch {
    // storage blocked: a first visit as far as we can tell
  }
  const store = useStore.getState();
  void store.loadCatalog();
  const hash = location.hash;
  void applyHash(hash).then((linked) => {
    if (!linked) firstModel(remembered);
    const s = useStore.getState();
    // a link's model is already on its way (loadDocument asked for it, with the link's edits, head
    // and positions): asking again would load it a second time and start it afresh
    if (!s.models[s.modelId] && s.loading !== s.modelId) void s.selectModel(s.modelId);
  });
  const stopSync = syncUrl();
  const stopDrop = dropHandler();
  const onHashChange = (): void => {
    if (location.hash !== lastWritten) void applyHash(location.hash);
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    stopSync();
    stopDrop();
    window.removeEventListener('hashchange', onHashChange);
  };
}
