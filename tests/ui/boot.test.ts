// @vitest-environment jsdom
// A PNG dropped on the page (boot.ts, openDroppedPng): the permalink chunk's text is hostile, so it
// is validated by the permalink codec before anything changes, and the address bar then gets only
// `#` + the codec's fragment for the validated state, never the chunk's text and never a path.
// Every failure is a notice and leaves the page, its address and its state as they were.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFragment, defaultShareState, MAX_FRAGMENT_CHARS, type ShareState } from '../../src/export/permalink';
import { MAX_PNG_LINK_CHARS, PERMALINK_KEYWORD } from '../../src/export/png';
import { useStore } from '../../src/store/store';
import { boot, fullPageLink, openDroppedPng, syncUrl } from '../../src/ui/boot';
import type { MessageKey } from '../../src/ui/i18n';
import { makePng, rawFragment, tEXt, validRecord } from '../export/helpers';
import { loadedModel, resetStore } from './panels/helpers';
import { checkpoint, serveModels } from './train/helpers';

const PAGE = '/rnnsearch/?lang=en#s=before';

/** A PNG file whose permalink chunk holds `text` (tEXt, as another tool might write it). */
function pngWith(text: string, name = 'heatmap.png'): File {
  return new File([makePng(2, 2, [tEXt(PERMALINK_KEYWORD, text)])], name, { type: 'image/png' });
}

/** A valid state for the test model (loaded, so that applying it fetches nothing). */
function state(): ShareState {
  return { ...defaultShareState(), model: 'test-additive', source: 'the black cat .', target: '', decoding: 'greedy', step: 1 };
}

function noticeKeys(): string[] {
  return useStore.getState().notices.map((n) => n.message?.key ?? n.text);
}

beforeEach(async () => {
  resetStore();
  useStore.getState().addModel(await loadedModel('additive'), 'shipped');
  useStore.getState().loadDocument({ modelId: 'test-additive', source: 'the cat sat on the mat .', target: '' });
  history.replaceState(null, '', PAGE);
});

afterEach(() => {
  resetStore();
});

describe('openDroppedPng', () => {
  it('writes only “#” + the validated fragment: the path and the query stay the page’s own', async () => {
    const fragment = await buildFragment(state());
    // a bare "s=…" (once written as the path "/s=…"), and a whole link to another address with an extra parameter
    for (const text of [fragment.slice(1), `https://other.example/elsewhere/?x=1${fragment}&x=%3Cb%3E`]) {
      history.replaceState(null, '', PAGE);
      await openDroppedPng(pngWith(text));
      expect(location.pathname, text.slice(0, 40)).toBe('/rnnsearch/');
      expect(location.search).toBe('?lang=en');
      expect(location.hash).toBe(fragment);
      const s = useStore.getState();
      expect(s.source).toBe('the black cat .');
      expect(s.page).toBe('explore');
    }
    expect(noticeKeys()).toEqual([]);
  });

  it.each<[string, string, MessageKey]>([
    ['a path', '../../../etc/passwd', 'notice.pngLinkInvalid'],
    ['another host', '//other.host/x', 'notice.pngLinkInvalid'],
    ['a script URL', ['javascript', 'alert(1)'].join(':'), 'notice.pngLinkInvalid'], // joined: the lint bans script URL literals
    ['a path named like a link', '/s=abc', 'notice.pngLinkInvalid'],
    ['bad base64', 'https://example.org/#s=!!!', 'notice.pngLinkInvalid'],
    ['a record that is not valid', `https://example.org/${rawFragment(JSON.stringify({ ...validRecord(), model: '../x' }))}`, 'notice.pngLinkInvalid'],
    ['a newer version', rawFragment(JSON.stringify({ ...validRecord(), v: 2 })), 'notice.pngLinkNewer'],
    ['a fragment over the codec’s limit', `#s=${'A'.repeat(MAX_FRAGMENT_CHARS)}`, 'notice.pngLinkTooLong'],
    ['a chunk over the cap', `#s=${'A'.repeat(MAX_PNG_LINK_CHARS)}`, 'notice.pngLinkTooLong'],
  ])('refuses %s with a notice, touching neither the address nor the state', async (_, text, key) => {
    // at the site's root too, where "/" + "//other.host/x" once made replaceState throw a SecurityError
    for (const page of [PAGE, '/']) {
      history.replaceState(null, '', page);
      useStore.setState({ notices: [] });
      const before = location.href;
      await expect(openDroppedPng(pngWith(text, 'x.png'))).resolves.toBeUndefined();
      expect(location.href).toBe(before);
      expect(useStore.getState().source).toBe('the cat sat on the mat .');
      expect(noticeKeys()).toEqual([key]);
      expect(useStore.getState().notices[0]?.message?.vars).toEqual({ name: 'x.png' });
    }
  });

  it('says so for a file that is not a PNG, or a PNG without a link', async () => {
    await openDroppedPng(new File(['GIF89a'], 'cat.gif', { type: 'image/gif' }));
    await openDroppedPng(new File([makePng(1, 1)], 'plain.png', { type: 'image/png' }));
    expect(noticeKeys()).toEqual(['notice.notPng', 'notice.noLink']);
    expect(location.pathname + location.search + location.hash).toBe(PAGE);
  });

  it('a link with one bad setting is applied with that setting reset, and the notice names it', async () => {
    const good = state();
    const record = { ...good, beamWidth: 99 };
    await openDroppedPng(pngWith(rawFragment(JSON.stringify(record))));
    expect(location.hash).toBe(await buildFragment({ ...good, beamWidth: defaultShareState().beamWidth }));
    expect(useStore.getState().source).toBe('the black cat .');
    expect(noticeKeys()).toEqual(['link.partial']);
  });
});

describe('the URL sync', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const tooBig = () => useStore.getState().notices.filter((n) => n.message?.key === 'notice.linkTooLong');

  it('a state too big for a link takes the link out of the address (a reload keeps what this browser remembers) and says so once', async () => {
    const stop = syncUrl();
    try {
      useStore.getState().setSource('the black cat .');
      // a sentence that fits: the address holds its link
      await vi.waitFor(() => expect(location.hash).toMatch(/^#s=(?!before$)/), { timeout: 3000 });
      // a 28,000-character source: no link can hold it
      const long = 'the cat sat on the mat . '.repeat(1120);
      useStore.getState().setSource(long);
      await vi.waitFor(() => expect(tooBig()).toHaveLength(1), { timeout: 3000 });
      expect(location.pathname + location.search + location.hash).toBe('/rnnsearch/?lang=en');
      expect(tooBig()[0]?.kind).toBe('warning');
      // dismissed, and the user types on: not shown again
      useStore.getState().dismiss(tooBig()[0]?.id ?? -1);
      for (const more of [' the dog', ' the dog ran', ' the dog ran .']) {
        useStore.getState().setSource(long + more);
        await sleep(500);
      }
      expect(tooBig()).toHaveLength(0);
      expect(location.hash).toBe('');
      // short again: the link comes back; too long again: said again
      useStore.getState().setSource('the black cat .');
      await vi.waitFor(() => expect(location.hash).toMatch(/^#s=/), { timeout: 3000 });
      useStore.getState().setSource(long);
      await vi.waitFor(() => expect(tooBig()).toHaveLength(1), { timeout: 3000 });
      expect(location.hash).toBe('');
    } finally {
      stop();
    }
  });

  it('keeps the parameters it does not own (and the view) when it takes the link out', async () => {
    history.replaceState(null, '', '/rnnsearch/#s=before&chapter=3');
    useStore.getState().setView({ page: 'story' });
    const stop = syncUrl();
    try {
      useStore.getState().setSource('the cat sat on the mat . '.repeat(1120));
      await vi.waitFor(() => expect(tooBig()).toHaveLength(1), { timeout: 3000 });
      expect(location.hash).toBe('#view=story&chapter=3');
    } finally {
      stop();
    }
  });
});

describe('the embed entry (embed.html: docs/ARCHITECTURE.md, "Embedding")', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('stays in embed mode whatever its link, or a PNG dropped on it, says', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"models": []}')));
    const link = await buildFragment(state()); // a link of the full page: no embed=1
    history.replaceState(null, '', `/rnnsearch/embed.html${link}`);
    const stop = boot({ embedOnly: true });
    try {
      await vi.waitFor(() => expect(useStore.getState().source).toBe('the black cat .'));
      expect(useStore.getState().embed).toBe(true);
      await openDroppedPng(pngWith(link));
      expect(useStore.getState().embed).toBe(true);
    } finally {
      stop();
    }
  });

  it('a link to a model not loaded yet opens with its edits, head and positions switch once the model arrives', async () => {
    const fetches = serveModels([await checkpoint('cold-model', 'en-fr')]);
    resetStore();
    const link = await buildFragment({ ...state(), model: 'cold-model', source: 'the cat sat .', target: 'le chat .', edits: [{ step: 1, weights: [0, 0, 1, 0, 0] }], head: { layer: 1, head: 0 }, positions: false });
    history.replaceState(null, '', `/rnnsearch/${link}`);
    const stop = boot();
    try {
      await vi.waitFor(() => expect(useStore.getState().models['cold-model']).toBeDefined(), { timeout: 5000 });
      await new Promise((r) => setTimeout(r, 50));
      const s = useStore.getState();
      expect([s.modelId, s.edits, s.headView, s.positions]).toEqual(['cold-model', { 1: [0, 0, 1, 0, 0] }, { layer: 1, head: 0 }, false]);
      // and its files were asked for once
      expect(fetches.filter((f) => f.endsWith('/cold-model/model.safetensors'))).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('the full page is the embed entry’s folder, with the fragment less embed=1', () => {
    expect(fullPageLink('https://example.org/rnnsearch/embed.html#s=AbC-_9&embed=1')).toBe('https://example.org/rnnsearch/#s=AbC-_9');
    expect(fullPageLink('https://example.org/embed.html#embed=1&s=AbC&chapter=2')).toBe('https://example.org/#s=AbC&chapter=2');
    expect(fullPageLink('https://example.org/rnnsearch/?lang=en#s=AbC&embed=1')).toBe('https://example.org/rnnsearch/?lang=en#s=AbC');
    expect(fullPageLink('https://example.org/rnnsearch/embed.html#embed=1')).toBe('https://example.org/rnnsearch/');
    // only the parameter itself: a payload that happens to contain the text stays whole
    expect(fullPageLink('https://example.org/#s=xembed=1y&embed=1')).toBe('https://example.org/#s=xembed=1y');
  });
});
