// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// the page's English words for the store's notices (registered as the page starts)
import '../../src/ui/i18n';
import { MAX_PAGE_BEAM_WIDTH, MIN_BEAM_WIDTH, buildFragment, defaultShareState, parseFragment } from '../../src/export/permalink';
import { PERSISTENCE, fieldsFor, safeStorage } from '../../src/store/persistence';
import { applyShareState, toShareState } from '../../src/store/share';
import { getTask } from '../../src/data/tasks';
import { MAX_INPUT_CHARS } from '../../src/data/limits';
import { LocalRecordSchema } from '../../src/store/localRecord';
import { sanitizeLocal, useStore } from '../../src/store/store';
import { initialState, loadedModel, resetStore, setUp } from '../ui/panels/helpers';
import { checkpoint, serveModels } from '../ui/train/helpers';

beforeEach(resetStore);
afterEach(() => {
  resetStore();
  vi.restoreAllMocks();
});

describe('store', () => {
  it('typing recomputes the analysis and shows the whole alignment (last step)', async () => {
    await setUp('additive', 'the cat sat .');
    useStore.getState().setSource('the cat ran .');
    const s = useStore.getState();
    const n = s.analysis?.trace?.steps.length ?? 0;
    expect(n).toBeGreaterThan(0);
    expect(s.step).toBe(n - 1);
    s.setStep(0);
    s.stepBy(-5);
    expect(useStore.getState().step).toBe(0);
    s.stepBy(1000);
    expect(useStore.getState().step).toBe(n - 1);
  });

  it('an edit is kept until the sentence changes', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    const s = useStore.getState();
    s.setEdit(0, [0, 1, 0, 0, 0]);
    expect(useStore.getState().analysis?.trace?.steps[0]?.edited).toBe(true);
    s.setTarget('le chien .');
    expect(useStore.getState().edits).toEqual({});
  });

  it('a model that fails to load leaves the previous model in place and says so', async () => {
    await setUp('additive', 'the cat sat .');
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 404 })));
    const ok = await useStore.getState().selectModel('does-not-exist');
    expect(ok).toBe(false);
    const s = useStore.getState();
    expect(s.modelId).toBe('test-additive');
    expect(s.analysis?.trace).not.toBeNull();
    expect(s.notices.at(-1)?.text).toMatch(/could not be loaded|not one of the models/);
    vi.unstubAllGlobals();
  });

  it('a model that fails as the page opens, with nothing loaded, gives way to the default model', async () => {
    const asked = serveModels([await checkpoint('tatoeba-en-fr', 'tatoeba-en-fr')], { alsoListed: ['broken'] });
    // as boot does with a remembered model: the store names it, then loads it
    useStore.setState({ modelId: 'broken' });
    expect(Object.keys(useStore.getState().models)).toEqual([]);
    expect(await useStore.getState().selectModel('broken')).toBe(false);
    await vi.waitFor(() => expect(useStore.getState().models['tatoeba-en-fr']).toBeTruthy(), { timeout: 5000 });
    const s = useStore.getState();
    expect(s.modelId).toBe('tatoeba-en-fr');
    expect(s.notices.some((n) => /“broken” could not be loaded/.test(n.text))).toBe(true);
    expect(asked).toContain('/models/broken/manifest.json');
    vi.unstubAllGlobals();
  });

  it('a model chosen while another is still loading stays on show when that load ends', async () => {
    // the page's first model is slow to come; meanwhile the reader loads a model from files
    await setUp('additive', 'the cat sat .');
    const slow = await checkpoint('slow-model');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    serveModels([slow], { gate });
    const pending = useStore.getState().selectModel('slow-model');
    await new Promise((r) => setTimeout(r, 20));
    const mine = await loadedModel('dot');
    useStore.getState().addModel(mine, 'user');
    release();
    expect(await pending).toBe(false);
    const s = useStore.getState();
    expect(s.modelId).toBe('user:test-dot');
    expect(s.loading).toBeNull();
    // the slow model is kept, and choosing it is now instant
    expect(s.models['slow-model']).toBeTruthy();
    expect(await useStore.getState().selectModel('slow-model')).toBe(true);
    expect(useStore.getState().modelId).toBe('slow-model');
    vi.unstubAllGlobals();
  });

  it('switching to a model of another built-in task loads that task’s example; a permalink keeps its sentence', async () => {
    await setUp('additive', 'the cat sat .');
    const other = await loadedModel('dot');
    const reverse = { ...other, manifest: { ...other.manifest, id: 'rev', task: 'reverse' } };
    useStore.getState().addModel(reverse, 'shipped');
    const example = getTask('reverse').examples()[0]?.source;
    expect(useStore.getState().source).toBe(example);
    // a document put in place together with its model keeps its own sentence
    useStore.getState().loadDocument({ modelId: 'test-additive', source: 'the dog ran .' });
    expect(useStore.getState().source).toBe('the dog ran .');
  });

  it('a sentence typed while a model of another task loads is kept, not replaced by that task’s example', async () => {
    await setUp('additive', 'the cat sat .');
    const slow = await checkpoint('slow-model');
    const manifest = { ...slow.manifest, task: 'reverse' };
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    serveModels([{ manifest, weights: slow.weights }], { gate });
    const pending = useStore.getState().selectModel('slow-model');
    await new Promise((r) => setTimeout(r, 20));
    useStore.getState().setSource('a b c');
    release();
    expect(await pending).toBe(true);
    expect(useStore.getState().modelId).toBe('slow-model');
    expect(useStore.getState().source).toBe('a b c');
    vi.unstubAllGlobals();
  });

  it('a share state round-trips through the permalink codec into the store', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    const s = useStore.getState();
    s.setView({ values: 'scores', transpose: true, palette: 'viridis' });
    s.setEdit(1, [0, 0, 1, 0, 0]);
    s.setStep(1);
    const fragment = await buildFragment(toShareState(useStore.getState()), { embed: true });
    const parsed = await parseFragment(fragment);
    expect(parsed.problem).toBeNull();
    expect(parsed.embed).toBe(true);
    resetStore();
    const model = await loadedModel('additive');
    useStore.getState().addModel(model, 'shipped');
    applyShareState(useStore.getState(), parsed.state, parsed.embed);
    const after = useStore.getState();
    expect([after.modelId, after.source, after.target, after.values, after.transpose, after.palette, after.embed, after.step]).toEqual([
      'test-additive',
      'the cat sat .',
      'le chat .',
      'scores',
      true,
      'viridis',
      true,
      1,
    ]);
    expect(after.analysis?.trace?.steps[1]?.edited).toBe(true);
  });
});

describe('a link opened before its model has loaded', () => {
  async function openCold(gate: Promise<void> = Promise.resolve()): Promise<{ arrived: Promise<boolean> }> {
    serveModels([await checkpoint('cold-model', 'en-fr')], { gate });
    const state = { ...defaultShareState(), model: 'cold-model', source: 'the cat sat .', target: 'le chat .', step: 1, edits: [{ step: 1, weights: [0, 0, 1, 0, 0] }], head: { layer: 1, head: 2 }, positions: false };
    const selected = new Promise<boolean>((resolve) => {
      const stop = useStore.subscribe((s) => {
        if (s.loading === null && s.models['cold-model']) {
          stop();
          resolve(true);
        }
      });
    });
    applyShareState(useStore.getState(), state, false);
    return { arrived: selected };
  }

  afterEach(() => vi.unstubAllGlobals());

  it('keeps its attention edits, its head and its positions switch when the model arrives', async () => {
    await (await openCold()).arrived;
    const s = useStore.getState();
    expect([s.modelId, s.source, s.step, s.edits, s.headView, s.positions]).toEqual(['cold-model', 'the cat sat .', 1, { 1: [0, 0, 1, 0, 0] }, { layer: 1, head: 2 }, false]);
    expect(s.analysis?.trace?.steps[1]?.edited).toBe(true);
  });

  it('drops them when the reader types a new sentence while the model loads (they were made on the link’s)', async () => {
    let release: () => void = () => undefined;
    const { arrived } = await openCold(new Promise<void>((resolve) => (release = resolve)));
    useStore.getState().setSource('the dog ran .');
    release();
    await arrived;
    const s = useStore.getState();
    expect([s.source, s.edits, s.headView, s.positions]).toEqual(['the dog ran .', {}, null, true]);
  });

  it('a model chosen in the picker starts afresh', async () => {
    await setUp('additive', 'the cat sat .', 'le chat .');
    useStore.getState().setEdit(1, [0, 0, 1, 0, 0]);
    useStore.getState().setHeadView({ layer: 0, head: 1 });
    useStore.getState().setPositions(false);
    useStore.getState().addModel(await loadedModel('dot'), 'shipped');
    const s = useStore.getState();
    expect([s.edits, s.headView, s.positions]).toEqual([{}, null, true]);
  });
});

describe('persistence', () => {
  it('one table decides every destination', () => {
    expect(fieldsFor('url')).toContain('source');
    expect(fieldsFor('local')).not.toContain('edits');
    expect(fieldsFor('local')).toContain('lang');
    expect(Object.keys(PERSISTENCE)).toContain('showTable');
  });

  it('classifies every field of the store, and the local record’s schema has exactly the local fields', () => {
    const state = Object.entries(useStore.getState())
      .filter(([, v]) => typeof v !== 'function')
      .map(([k]) => k)
      .sort();
    expect(Object.keys(PERSISTENCE).sort()).toEqual(state);
    expect(Object.keys(LocalRecordSchema.entries).sort()).toEqual([...fieldsFor('local')].sort());
    expect(fieldsFor('local')).not.toContain('analysis'); // classified, kept in the page only
  });

  it('local storage that fails to read is reported once, by the step that failed', () => {
    const messages: unknown[] = [];
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('denied');
    });
    const st = safeStorage((m) => messages.push(m));
    expect(st.getItem('a')).toBeNull();
    expect(st.getItem('b')).toBeNull();
    expect(messages).toEqual([{ key: 'notice.storageUnavailable', vars: { what: { key: 'notice.storage.read' } } }]);
    vi.restoreAllMocks();
  });

  it('local storage that throws (disabled or full) is caught and reported once', () => {
    const messages: unknown[] = [];
    const quota = new DOMException('full', 'QuotaExceededError');
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw quota;
    });
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('denied');
    });
    const st = safeStorage((m) => messages.push(m));
    expect(() => st.setItem('a', 'b')).not.toThrow();
    expect(st.getItem('a')).toBeNull();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({ key: 'notice.storageFull' });
  });

  it('a hand-edited local record is validated field by field', () => {
    expect(sanitizeLocal({ source: 'ok', palette: 'rainbow', beamWidth: 99, theme: 'dark', __proto__: { polluted: 1 } })).toEqual({ source: 'ok', theme: 'dark' });
    expect(sanitizeLocal('garbage')).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the model on show is remembered by its name: a shipped id or `user:` and an id
    for (const modelId of ['en-fr-additive', 'user:en-fr-additive']) expect(sanitizeLocal({ modelId })).toEqual({ modelId });
    for (const modelId of ['user:', 'user:../x', 'User:x', 'x'.repeat(65), 7]) expect(sanitizeLocal({ modelId })).toEqual({});
  });

  it('a long text is kept whole and survives a reload through local storage (a 28,000-character source came back as the default sentence)', async () => {
    await setUp('additive', 'the cat sat .');
    const source = 'the cat sat on the mat . '.repeat(1120); // 28,000 characters
    const target = 'le chat . '.repeat(3000);
    useStore.getState().setSource(source);
    useStore.getState().setTarget(target);
    const s = useStore.getState();
    expect([s.source, s.target]).toEqual([source, target]);
    // only a prefix was analysed, and the analysis says so
    expect(s.analysis?.truncations.map((t) => [t.side, t.chars?.total])).toEqual([
      ['source', source.length],
      ['target', target.length],
    ]);
    // a reload: a fresh store, hydrated from what this browser stored
    const stored = localStorage.getItem('rnnsearch');
    expect(stored).not.toBeNull();
    useStore.setState(initialState, true);
    expect(useStore.getState().source).not.toBe(source);
    localStorage.setItem('rnnsearch', stored as string);
    await useStore.persist.rehydrate();
    expect([useStore.getState().source, useStore.getState().target]).toEqual([source, target]);
    // the local check takes what typing keeps, and no more
    expect(sanitizeLocal({ source: 'x'.repeat(MAX_INPUT_CHARS), target: 'y'.repeat(MAX_INPUT_CHARS) })).toEqual({ source: 'x'.repeat(MAX_INPUT_CHARS), target: 'y'.repeat(MAX_INPUT_CHARS) });
    expect(sanitizeLocal({ source: 'x'.repeat(MAX_INPUT_CHARS + 1), target: 'y'.repeat(MAX_INPUT_CHARS + 1) })).toEqual({});
  });

  it('a paste past MAX_INPUT_CHARS is cut there, and a notice says so once', async () => {
    await setUp('additive', 'the cat sat .');
    const huge = 'the cat sat . '.repeat(125_000); // 1.75 million characters
    useStore.getState().setSource(huge);
    const kept = useStore.getState().source;
    expect(kept).toBe(huge.slice(0, MAX_INPUT_CHARS));
    expect(useStore.getState().analysis?.truncations[0]?.chars?.total).toBe(MAX_INPUT_CHARS);
    const cut = () => useStore.getState().notices.filter((n) => n.message?.key === 'notice.inputCut');
    expect(cut().map((n) => [n.kind, n.message?.vars])).toEqual([['warning', { side: { key: 'editor.side.source' }, max: '1,000,000' }]]);
    expect(cut()[0]?.text).toBe('The source is longer than the page keeps (1,000,000 characters): the rest was cut off.');
    // typing on at the cap: still cut, no second notice
    useStore.getState().setSource(`${kept} more`);
    expect(useStore.getState().source).toBe(kept);
    expect(cut()).toHaveLength(1);
    // the target too, never cut between the halves of an emoji
    useStore.getState().setTarget(`x${'😀'.repeat(MAX_INPUT_CHARS / 2 + 5)}`);
    expect(useStore.getState().target).toBe(`x${'😀'.repeat(MAX_INPUT_CHARS / 2 - 1)}`);
    expect(cut().at(-1)?.message?.vars?.side).toEqual({ key: 'editor.side.target' });
  });

  it('the beam width has one rule: the store, local storage and a link accept the same widths', async () => {
    for (let w = 0; w <= 17; w++) {
      const ok = w >= MIN_BEAM_WIDTH && w <= MAX_PAGE_BEAM_WIDTH;
      expect(sanitizeLocal({ beamWidth: w }).beamWidth, `local ${w}`).toBe(ok ? w : undefined);
      if (ok) expect((await parseFragment(await buildFragment({ ...defaultShareState(), beamWidth: w }))).state.beamWidth, `link ${w}`).toBe(w);
      else await expect(buildFragment({ ...defaultShareState(), beamWidth: w }), `link ${w}`).rejects.toMatchObject({ kind: 'invalid' });
      useStore.getState().setBeamWidth(w);
      expect(useStore.getState().beamWidth, `store ${w}`).toBe(Math.max(MIN_BEAM_WIDTH, Math.min(MAX_PAGE_BEAM_WIDTH, w)));
    }
  });
});
