// The explorer page: header, notices, the sentence boxes, then the heatmap with the stepper on
// the left and the step's panels on the right (stacked on narrow screens). Embed mode
// (`&embed=1` in the fragment) shows only the heatmap and the stepper.

import { useEffect } from 'react';
import { VARIANT_INFO } from '../model/config';
import { useStore } from '../store/store';
import { boot } from './boot';
import { useAnalysis, useModel } from './hooks';
import { useT } from './i18n';
import { ContextVector } from './panels/ContextVector';
import { Equations } from './panels/Equations';
import { ExamplesMenu, ModelPicker, Notices, ViewSettings } from './panels/Header';
import { Heatmap } from './panels/Heatmap';
import { Predictions } from './panels/Predictions';
import { ScoreBreakdown } from './panels/ScoreBreakdown';
import { SentenceEditor } from './panels/SentenceEditor';
import { HeatmapToolbar, SharePanel } from './panels/Share';
import { StepWeights } from './panels/StepWeights';
import { Stepper } from './panels/Stepper';

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
  }, [lang]);
}

function ModelLine() {
  const t = useT();
  const model = useModel();
  const analysis = useAnalysis();
  const loading = useStore((s) => s.loading);
  if (!model) return <p className="model-line">{loading ? t('app.loadingModel', { id: loading }) : t('app.noModel')}</p>;
  const info = VARIANT_INFO[model.manifest.variant];
  return (
    <p className="model-line">
      <strong>{info.title}</strong> · <code>{info.formula}</code> · <span className="muted">{info.source}</span>
      {analysis && <span className="muted"> · {t('app.decodedIn', { ms: analysis.ms.toFixed(1) })}</span>}
    </p>
  );
}

function HeatmapSection({ embed }: { embed: boolean }) {
  const t = useT();
  return (
    <section className="panel heatmap-panel" aria-labelledby="heatmap-h" id="heatmap">
      <div className="panel-head">
        <h2 id="heatmap-h">{t('heatmap.title')}</h2>
        {!embed && <HeatmapToolbar />}
      </div>
      <Stepper />
      <Heatmap compact={embed} />
      {!embed && <p className="note">{t('heatmap.help')}</p>}
    </section>
  );
}

export function App() {
  const t = useT();
  const embed = useStore((s) => s.embed);
  useThemeAndLang();
  useEffect(() => boot(), []);

  if (embed) {
    return (
      <main className="embed">
        <Notices />
        <HeatmapSection embed />
        <p className="embed-credit">
          <a href={location.href.replace(/&embed=1/, '')} target="_blank" rel="noreferrer">
            {t('app.title')}
          </a>
        </p>
      </main>
    );
  }
  return (
    <>
      <a className="skip" href="#heatmap">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <h1>{t('app.title')}</h1>
          <p className="tagline">{t('app.tagline')}</p>
        </div>
        <div className="controls">
          <ModelPicker />
          <ExamplesMenu />
          <ViewSettings />
        </div>
      </header>
      <Notices />
      <main className="page">
        <SentenceEditor />
        <ModelLine />
        <div className="workspace">
          <div className="col-main">
            <HeatmapSection embed={false} />
            <Predictions />
            <SharePanel />
          </div>
          <div className="col-side">
            <StepWeights />
            <ScoreBreakdown />
            <ContextVector />
            <Equations />
          </div>
        </div>
      </main>
      <footer className="footer">
        <p>{t('app.paper')}</p>
      </footer>
    </>
  );
}
