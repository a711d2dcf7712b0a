// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTask } from '../../../src/data/tasks';
import { CURATED_STORIES } from '../../../src/data/tasks/babi';
import { isValidShareState } from '../../../src/export/permalink';
import { useMemoryStore } from '../../../src/store/memory';
import { useStore } from '../../../src/store/store';
import { VARIANT_INFO } from '../../../src/model/config';
import { en, MESSAGES, translate, variantSource, type MessageKey } from '../../../src/ui/i18n';
import { CHAPTERS, chapterState } from '../../../src/ui/story/chapters';
import { citedReferences, isRefId, REFERENCES, referenceUrl, type Reference } from '../../../src/ui/story/references';
import { chapterOf, withChapter } from '../../../src/ui/story/url';
import { withOtherParams } from '../../../src/ui/boot';
import { StoryView } from '../../../src/ui/views/StoryView';
import { resetStore } from '../panels/helpers';
import { axeViolations, installCatalog, installModels } from './setup';

const TITLES = CHAPTERS.map((c) => en[c.title]);
const heading = (): HTMLElement => screen.getByRole('heading', { level: 2, name: /^\d\. / });

beforeEach(async () => {
  resetStore();
  history.replaceState(null, '', '/#s=AbC-_9&view=story');
  installCatalog(); // en-fr: additive, none, diagonal, dot — no Transformer
  await installModels({ 'en-fr-additive': 'additive', 'en-fr-none': 'none', 'en-fr-diagonal': 'diagonal', 'en-fr-dot': 'dot' });
  useStore.setState({ page: 'story' });
});
afterEach(() => {
  resetStore();
  history.replaceState(null, '', '/');
});

describe('the chapter in the fragment', () => {
  it('reads &chapter=n and writes it beside s= and view= without touching them', () => {
    expect(chapterOf('#s=abc&view=story&chapter=3', 6)).toBe(3);
    expect(chapterOf('#chapter=0', 6)).toBeNull();
    expect(chapterOf('#chapter=7', 6)).toBeNull();
    expect(chapterOf('#chapter=2x', 6)).toBeNull();
    expect(chapterOf('', 6)).toBeNull();
    expect(withChapter('#s=AbC-_9&view=story', 4)).toBe('#s=AbC-_9&view=story&chapter=4');
    expect(withChapter('#s=AbC-_9&view=story&chapter=2&embed=1', 5)).toBe('#s=AbC-_9&view=story&chapter=5&embed=1');
    expect(withChapter('#s=AbC-_9', 1)).toBe('#s=AbC-_9&view=story&chapter=1');
  });

  it('chapter 1’s sentences and references are the en-fr task’s own (the examples menu)', () => {
    const examples = getTask('en-fr').examples();
    const c = CHAPTERS[0]!;
    expect(examples).toContainEqual(expect.objectContaining({ source: c.source, target: c.reference }));
    expect(examples).toContainEqual(expect.objectContaining({ source: c.contrast?.source, target: c.contrast?.reference }));
    for (const ch of CHAPTERS.slice(1).filter((x) => !x.memory && !x.filter)) expect(examples.some((e) => e.source === ch.source), ch.source).toBe(true);
    // a memory chapter's story is one of the Memory page's examples
    for (const ch of CHAPTERS.filter((x) => x.memory)) expect(CURATED_STORIES).toContainEqual({ story: ch.memory?.story, question: ch.memory?.question });
    expect(examples.find((e) => e.source === CHAPTERS[1]!.source)?.target).toBe(CHAPTERS[1]!.target);
  });

  it('every chapter’s live state is a valid permalink state', () => {
    const view = { values: 'weights', transpose: false, palette: 'viridis', lang: 'en', theme: 'dark', units: 'words' } as const;
    for (const c of CHAPTERS.filter((x) => !x.memory && !x.filter)) {
      const s = chapterState(c, view, null);
      expect(isValidShareState(s), c.title).toBe(true);
      expect(s.view.palette).toBe('viridis');
      expect(s.view.values).toBe(c.values);
    }
  });
});

describe('StoryView', () => {
  it('walks from the first chapter to the last, with the chapter in the URL and the focus on its heading', async () => {
    render(<StoryView />);
    expect(heading().textContent).toBe(TITLES[0]);
    expect(location.hash).toBe('#s=AbC-_9&view=story&chapter=1');
    const toc = screen.getByRole('navigation', { name: 'The story of attention' });
    for (let k = 1; k < TITLES.length; k++) {
      fireEvent.click(screen.getByRole('button', { name: `Next: ${TITLES[k]} →` }));
      expect(heading().textContent).toBe(TITLES[k]);
      expect(document.activeElement).toBe(heading());
      expect(location.hash).toBe(`#s=AbC-_9&view=story&chapter=${k + 1}`);
      expect(within(toc).getByRole('button', { current: 'step' }).textContent).toBe(TITLES[k]);
      expect(screen.getByText(`Chapter ${k + 1} of ${TITLES.length}`)).toBeTruthy();
    }
    expect((screen.getByRole('button', { name: 'Next →' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(toc).getByRole('button', { name: TITLES[0] }));
    expect(heading().textContent).toBe(TITLES[0]);
    expect((screen.getByRole('button', { name: '← Previous' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('opens at the chapter the link names, and follows the address', async () => {
    history.replaceState(null, '', '/#s=AbC-_9&view=story&chapter=4');
    render(<StoryView />);
    expect(heading().textContent).toBe(TITLES[3]);
    act(() => {
      history.replaceState(null, '', '/#s=AbC-_9&view=story&chapter=2');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(heading().textContent).toBe(TITLES[1]);
  });

  it('the page’s URL sync keeps the chapter (a parameter it does not own) on the story, and drops it elsewhere', () => {
    expect(withOtherParams('#s=NeW&view=story', '#s=AbC-_9&view=story&chapter=3', 'story')).toBe('#s=NeW&view=story&chapter=3');
    expect(withOtherParams('#s=NeW', '#s=AbC-_9&view=story&chapter=3', 'explore')).toBe('#s=NeW');
    expect(withOtherParams('#s=NeW&embed=1', '#s=old&embed=1&x=%3Cb%3E', 'explore')).toBe('#s=NeW&embed=1&x=%3Cb%3E');
  });

  it('chapter 1: the model without attention on a short and a long sentence, against the references', () => {
    render(<StoryView />);
    const fig = screen.getByRole('figure');
    expect(within(fig).getAllByText('RNNencdec wrote')).toHaveLength(2);
    expect(within(fig).getAllByText('Sentence BLEU')).toHaveLength(2);
    expect(within(fig).getByText(/Source \(32 tokens\)/)).toBeTruthy();
    expect(within(fig).queryByRole('grid')).toBeNull();
    expect(screen.getByRole('button', { name: 'BLEU by sentence length' })).toBeTruthy();
  });

  it('chapter 2: the diagonal, forced on the reference, with the cells to notice outlined', () => {
    render(<StoryView />);
    fireEvent.click(screen.getByRole('button', { name: /^Next:/ }));
    const grid = screen.getByRole('grid', { name: /2\. Two cursors, then a diagonal: weights α/ });
    const marked = within(grid).getAllByRole('gridcell').filter((c) => c.classList.contains('marked'));
    // the toy model knows "rouge" but not "voiture" (read as <unk>): one of the two pairs is found
    expect(marked.map((c) => c.getAttribute('aria-label'))).toEqual(['rouge ↔ car: 1.00 (look here)']);
    expect(screen.getByRole('figure').textContent).toMatch(/Forced on the reference “l' homme voit la voiture rouge \.”/);
  });

  it('“Explore this state” opens the chapter’s model, sentence and view options in the explorer', async () => {
    useStore.setState({ palette: 'viridis' });
    render(<StoryView />);
    fireEvent.click(screen.getByRole('button', { name: TITLES[2] }));
    fireEvent.click(screen.getByRole('button', { name: 'Explore this state' }));
    let s = useStore.getState();
    expect(s.page).toBe('explore');
    expect(s.modelId).toBe('en-fr-additive');
    expect(s.source).toBe(CHAPTERS[2]?.source);
    expect(s.target).toBe('');
    expect(s.values).toBe('weights');
    expect(s.palette).toBe('viridis');
    expect(s.analysis?.trace).toBeTruthy();
    // chapter 4: memory networks open on the Memory page with the chapter's story and network
    act(() => useStore.setState({ page: 'story' }));
    fireEvent.click(screen.getByRole('button', { name: TITLES[3] }));
    fireEvent.click(screen.getByRole('button', { name: 'Explore this state' }));
    expect(useStore.getState().page).toBe('memory');
    const m = useMemoryStore.getState();
    expect(m.modelId).toBe(CHAPTERS[3]?.model);
    expect(m.story).toBe(CHAPTERS[3]?.memory?.story);
    expect(m.question).toBe(CHAPTERS[3]?.memory?.question);
    // chapter 2 is forced on its target
    act(() => useStore.setState({ page: 'story' }));
    fireEvent.click(screen.getByRole('button', { name: TITLES[1] }));
    fireEvent.click(screen.getByRole('button', { name: 'Explore this state' }));
    s = useStore.getState();
    expect(s.modelId).toBe('en-fr-diagonal');
    expect(s.target).toBe(CHAPTERS[1]?.target);
    // the step of the first word to notice that the model wrote ("rouge": the toy model reads "voiture" as <unk>)
    expect(s.step).toBe(5);
  });

  it('a chapter whose model is not shipped says so and keeps its text', () => {
    render(<StoryView />);
    fireEvent.click(screen.getByRole('button', { name: TITLES[4] }));
    expect(heading().textContent).toBe(TITLES[4]);
    expect(screen.getByText(/The model of this chapter, “en-fr-transformer”, is not shipped with this page \(yet\)/)).toBeTruthy();
    expect(screen.getByText(/The Transformer \(Vaswani et al\. 2017\) removed the recurrence/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Explore this state' })).toBeNull();
  });

  it('says why when the list of models cannot be loaded, and keeps the text', () => {
    useStore.setState({ catalog: [], catalogError: 'HTTP 500' });
    render(<StoryView />);
    expect(screen.getByRole('status').textContent).toMatch(/The list of shipped models could not be loaded: HTTP 500/);
    expect(screen.getByText(/set out to remove that bottleneck/)).toBeTruthy();
  });

  it('has no axe violations, on a chapter with a heatmap, on one without and on the last page', async () => {
    render(
      <main>
        <h1>RNNsearch</h1>
        <StoryView />
      </main>,
    );
    expect(await axeViolations()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: TITLES[2] }));
    expect(await axeViolations()).toEqual([]);
    // the last page, with every paper of the story
    fireEvent.click(screen.getByRole('button', { name: TITLES[TITLES.length - 1] }));
    expect(await axeViolations()).toEqual([]);
  });
});

describe('the story’s text and references', () => {
  const STORY_KEYS = (Object.keys(en) as MessageKey[]).filter((k) => k.startsWith('story.'));

  it('every story key, and every key a chapter names, says something in both languages', () => {
    const named = CHAPTERS.flatMap((c) => [c.title, ...c.paragraphs, c.caption]);
    for (const k of [...STORY_KEYS, ...named]) {
      for (const lang of ['en', 'zh'] as const) expect(MESSAGES[lang][k]?.trim(), `${lang} ${k}`).toBeTruthy();
    }
  });

  it('every chapter cites at least one paper, each once, and every citation resolves', () => {
    for (const c of CHAPTERS) {
      expect(c.references.length, c.title).toBeGreaterThan(0);
      expect(new Set(c.references).size, c.title).toBe(c.references.length);
      for (const id of c.references) {
        expect(isRefId(id), id).toBe(true);
        const ref: Reference = REFERENCES[id];
        expect(ref.authors.length, id).toBeGreaterThan(0);
        expect(ref.title.trim(), id).not.toBe('');
        expect(ref.year, id).toBeGreaterThanOrEqual(1990);
        expect(ref.venue ?? ref.arxiv, id).toBeTruthy();
        if (ref.arxiv) expect(ref.arxiv, id).toMatch(/^\d{4}\.\d{4,5}$/);
      }
    }
  });

  it('every reference in the list is cited by some chapter', () => {
    const cited = new Set(CHAPTERS.flatMap((c) => c.references));
    expect(Object.keys(REFERENCES).filter((id) => !isRefId(id) || !cited.has(id))).toEqual([]);
  });

  it('each chapter ends with its references, and the last page lists every paper of the story', () => {
    render(<StoryView />);
    for (let k = 0; k < CHAPTERS.length; k++) {
      const c = CHAPTERS[k]!;
      fireEvent.click(within(screen.getByRole('navigation', { name: 'The story of attention' })).getByRole('button', { name: TITLES[k] }));
      const own = screen.getByRole('region', { name: 'References' });
      const items = within(own).getAllByRole('listitem');
      expect(items.map((li) => li.querySelector('cite')?.textContent)).toEqual(c.references.map((id) => REFERENCES[id].title));
      for (const [i, id] of c.references.entries()) {
        const ref: Reference = REFERENCES[id];
        expect(items[i]!.textContent).toContain(`${ref.authors.join(', ')} (${ref.year})`);
        if (referenceUrl(ref)) expect(within(items[i]!).getByRole('link').getAttribute('href')).toBe(referenceUrl(ref));
      }
      const all = screen.queryByRole('region', { name: 'Every paper the story cites' });
      if (k < CHAPTERS.length - 1) {
        expect(all, `chapter ${k + 1}`).toBeNull();
        continue;
      }
      // the last chapter in CHAPTERS, however many there are
      expect(all).toBeTruthy();
      const listed = within(all!).getAllByRole('listitem');
      const every = citedReferences(CHAPTERS);
      expect(new Set(every.map((r) => r.id))).toEqual(new Set(CHAPTERS.flatMap((x) => x.references)));
      expect(listed.map((li) => li.querySelector('cite')?.textContent)).toEqual(every.map((r) => REFERENCES[r.id].title));
      expect(listed[0]!.textContent).toMatch(/\(chapters? [\d, ]+\)$/);
    }
  });

  it('the references speak Chinese around the papers’ own titles', () => {
    useStore.setState({ lang: 'zh' });
    render(<StoryView />);
    const own = screen.getByRole('region', { name: '参考文献' });
    expect(within(own).getAllByRole('listitem')[0]!.querySelector('cite')?.textContent).toBe(REFERENCES[CHAPTERS[0]!.references[0]!].title);
    expect(translate('zh', 'story.refs.inChapters', { chapters: '1、3' })).toBe('（第 1、3 章）');
  });

  it('credits each attention variant to its paper', () => {
    expect(VARIANT_INFO.dot.source).toMatch(/^Luong et al\. 2015\b/);
    expect(VARIANT_INFO.general.source).toMatch(/^Luong et al\. 2015\b/);
    expect(VARIANT_INFO['scaled-dot'].source).toMatch(/^Vaswani et al\. 2017\b/);
    expect(VARIANT_INFO['scaled-dot'].source).toMatch(/no √d/);
    expect(VARIANT_INFO.none.source).toMatch(/Cho et al\. 2014.*one direction.*bidirectional/);
    expect(VARIANT_INFO.additive.source).toMatch(/^Bahdanau, Cho & Bengio 2014/);
    for (const v of ['dot', 'general'] as const) {
      expect(variantSource('en', v)).toMatch(/Luong et al\. 2015/);
      expect(variantSource('zh', v)).toMatch(/Luong 等人，2015/);
      expect(VARIANT_INFO[v].source).not.toMatch(/Memory/);
    }
  });
});
