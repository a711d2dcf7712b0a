// The page: header with the model picker and the view switcher, notices, then one view —
// the explorer, training in the page, the variant comparison, the length experiment or the
// story. Embed mode (`&embed=1` in the fragment, or the embed entry embed.html, which other sites
// may frame: docs/ARCHITECTURE.md, "Embedding") shows only the heatmap and the stepper.

import { lazy, Suspense, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { PAGES, useStore, type Page } from '../store/store';
import { fullPageLink, subscribeAddress } from './boot';
import { translate, useT, type MessageKey } from './i18n';
import { ExamplesMenu, ModelPicker, Notices, ViewSettings } from './panels/Header';
import { ExploreView, HeatmapSection } from './views/ExploreView';

// The explorer is in the first chunk (it is what opens); the other views load when first shown,
// and are fetched in the background once the page is idle so that a click shows them at once.
const loadTrain = () => import('./views/TrainView').then((m) => ({ default: m.TrainView }));
const loadCompare = () => import('./views/CompareView').then((m) => ({ default: m.CompareView }));
const loadLength = () => import('./views/LengthView').then((m) => ({ default: m.LengthView }));
const loadStory = () => import('./views/StoryView').then((m) => ({ default: m.StoryView }));
const loadMemory = () => import('./views/MemoryView').then((m) => ({ default: m.MemoryView }));
const TrainView = lazy(loadTrain);
const CompareView = lazy(loadCompare);
const LengthView = lazy(loadLength);
const StoryView = lazy(loadStory);
const MemoryView = lazy(loadMemory);

function usePrefetchViews(on: boolean): void {
  useEffect(() => {
    if (!on) return;
    const prefetch = (): void => {
      // a failed prefetch is retried by React.lazy when the view is opened
      for (const load of [loadTrain, loadCompare, loadLength, loadStory, loadMemory]) load().catch(() => undefined);
    };
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(prefetch, { timeout: 4000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(prefetch, 2000);
    return () => clearTimeout(id);
  }, [on]);
}

function useThemeAndLang(): void {
  const theme = useStore((s) => s.theme);
  const lang = useStore((s) => s.lang);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'auto') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    document.title = translate(lang, 'app.docTitle');
  }, [lang]);
}

const PAGE_LABELS: Record<Page, MessageKey> = {
  explore: 'nav.explore',
  train: 'nav.train',
  compare: 'nav.compare',
  length: 'nav.length',
  story: 'nav.story',
  memory: 'nav.memory',
};

function Nav() {
  const t = useT();
  const page = useStore((s) => s.page);
  const setView = useStore((s) => s.setView);
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <ul>
        {PAGES.map((p) => (
          <li key={p}>
            <button type="button" aria-current={p === page ? 'page' : undefined} onClick={() => setView({ page: p })}>
              {t(PAGE_LABELS[p])}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const VIEWS: Record<Page, () => ReactNode> = {
  explore: () => <ExploreView />,
  train: () => <TrainView />,
  compare: () => <CompareView />,
  length: () => <LengthView />,
  story: () => <StoryView />,
  memory: () => <MemoryView />,
};

/** The full page for the state on show (the embed view's credit), following the URL sync. */
function useFullPageLink(): string {
  return fullPageLink(useSyncExternalStore(subscribeAddress, () => location.href));
}

function EmbedView() {
  const t = useT();
  const fullPage = useFullPageLink();
  return (
    <main className="embed">
      <Notices />
      <HeatmapSection embed />
      <p className="embed-credit">
        <a href={fullPage} target="_blank" rel="noreferrer">
          {t('app.title')}
        </a>
      </p>
    </main>
  );
}

/** `embedOnly`: the embed entry (embed.html), which shows the embed view whatever its link asks for. */
export function App({ embedOnly = false }: { embedOnly?: boolean }) {
  const t = useT();
  const embed = useStore((s) => s.embed) || embedOnly;
  const page = useStore((s) => s.page);
  useThemeAndLang();
  // the other views' code is fetched ahead once the first heatmap is up (before, compiling it
  // would compete with the model's own setup on the main thread); the embed view never shows them
  // (asking again later is free: a module already loaded resolves at once)
  const shown = useStore((s) => s.analysis !== null);
  usePrefetchViews(!embed && shown);

  if (embed) return <EmbedView />;
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <h1>{t('app.title')}</h1>
          <p className="tagline">{t('app.tagline')}</p>
        </div>
        <div className="controls">
          {page !== 'memory' && <ModelPicker />}
          {page === 'explore' && <ExamplesMenu />}
          <ViewSettings />
        </div>
      </header>
      <Nav />
      <Notices />
      <main className="page" id="main">
        <Suspense fallback={<p className="muted" role="status">{t('app.loadingView')}</p>}>{VIEWS[page]()}</Suspense>
      </main>
      <footer className="footer">
        <p>{t('app.paper')}</p>
      </footer>
    </>
  );
}
