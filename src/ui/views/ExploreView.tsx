// The explorer: the sentence boxes, then the heatmap with the stepper and the step's panels.

import { startTransition, useEffect, useState } from 'react';
import { getCorpus } from '../../data/corpora';
import { isUserModelRef } from '../../store/modelRef';
import { useStore } from '../../store/store';
import { isTransformer } from '../../model/config';
import { parameterCount, type LoadedModel } from '../../model/bundle';
import { useAnalysis, useModel, useTrace } from '../hooks';
import { FastWeights } from '../panels/FastWeights';
import { HeadGrid } from '../panels/HeadGrid';
import { transformerFormulaKey, useLang, useT, variantFormula, variantSource, variantTitle } from '../i18n';
import { BeamTreePanel } from '../panels/BeamTree';
import { ContextVector } from '../panels/ContextVector';
import { Equations } from '../panels/Equations';
import { Notation } from '../panels/common';
import { Heatmap } from '../panels/Heatmap';
import { Predictions } from '../panels/Predictions';
import { Saliency } from '../panels/Saliency';
import { ScoreBreakdown } from '../panels/ScoreBreakdown';
import { SentenceEditor } from '../panels/SentenceEditor';
import { HeatmapToolbar, SharePanel } from '../panels/Share';
import { StepWeights } from '../panels/StepWeights';
import { Stepper } from '../panels/Stepper';

/** `value`, but true only once it has stayed true for `ms` (no flicker for quick decodings). */
function useLasting(value: boolean, ms: number): boolean {
  const [lasting, setLasting] = useState(false);
  useEffect(() => {
    if (!value) return;
    const timer = setTimeout(() => setLasting(true), ms);
    return () => {
      clearTimeout(timer);
      setLasting(false);
    };
  }, [value, ms]);
  return value && lasting;
}

/** "1.5 M parameters · 2.8 MiB": what a keystroke costs depends on the first (docs/ARCHITECTURE.md, "Large models"). */
function modelSize(t: ReturnType<typeof useT>, model: LoadedModel): string {
  const params = parameterCount(model.config);
  const bytes = model.manifest.weights.byteLength;
  return t('model.size', { params: (params / 1e6).toFixed(params < 1e7 ? 2 : 1), mib: (bytes / 2 ** 20).toFixed(1) });
}

/** A model's download: bytes received of the bytes expected, as a bar and in words. */
export function LoadBar({ id }: { id: string }) {
  const t = useT();
  const p = useStore((s) => (s.loadProgress?.id === id ? s.loadProgress : null));
  if (!p || p.total <= 0) return null;
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  const label = t('app.loadProgress', { loaded: mib(p.loaded), total: mib(p.total) });
  return (
    <span className="load-bar">
      {' '}
      <progress max={p.total} value={Math.min(p.loaded, p.total)} aria-label={label} /> <span className="muted">{label}</span>
    </span>
  );
}

function ModelLine() {
  const t = useT();
  const lang = useLang();
  const model = useModel();
  const analysis = useAnalysis();
  const loading = useStore((s) => s.loading);
  const pending = useLasting(useStore((s) => s.pending), 250);
  const own = useStore((s) => isUserModelRef(s.modelId));
  if (!model)
    return (
      <p className="model-line">
        {loading ? t('app.loadingModel', { id: loading }) : t('app.noModel')}
        {loading && <LoadBar id={loading} />}
      </p>
    );
  const variant = model.manifest.variant;
  const config = model.config;
  return (
    <p className="model-line">
      {own && (
        <>
          <strong className="model-own">{t('model.yours', { title: model.manifest.title ?? model.manifest.id })}</strong> ·{' '}
        </>
      )}
      {isTransformer(config) ? (
        <>
          <strong>{t('family.transformer')}</strong> · <Notation text={t(transformerFormulaKey(variant))} /> ·{' '}
          {t('family.transformer.sizes', { layers: config.sizes.layers, heads: config.sizes.heads, d: config.sizes.model, ff: config.sizes.ff })} ·{' '}
          <span className="muted">{t('family.transformer.source')}</span>
        </>
      ) : (
        <>
          <strong>{variantTitle(lang, variant)}</strong> · <span className="formula"><Notation text={variantFormula(lang, variant)} /></span> ·{' '}
          <span className="muted">{variantSource(lang, variant)}</span>
        </>
      )}
      <span className="muted"> · {modelSize(t, model)}</span>
      {/* a decoding that takes a while (a large model, in the worker) says so in place of its time */}
      {(analysis || pending) && <span className="muted"> · {pending ? <span role="status">{t('app.decoding')}</span> : t('app.decodedIn', { ms: analysis?.ms.toFixed(1) ?? '' })}</span>}
      {getCorpus(model.manifest.task) && (
        <span className="model-data muted">
          {' '}
          {t(model.manifest.task === 'tatoeba-en-zh' ? 'model.tatoebaZh' : 'model.tatoeba')}{' '}
          <a href="https://tatoeba.org" target="_blank" rel="noopener noreferrer">
            tatoeba.org
          </a>{' '}
          {t('model.licence')}
        </span>
      )}
    </p>
  );
}

/** Which cross-attention head the heatmap shows, for a Transformer (head averaging stated when used). */
function HeadNote() {
  const t = useT();
  const view = useTrace()?.transformer;
  if (!view) return null;
  const what = view.view.head === 'mean' ? t('hg.meanOf', { heads: view.heads, layer: view.view.layer + 1 }) : t('hg.headOf', { head: view.view.head + 1, layer: view.view.layer + 1 });
  return (
    <p className="note hg-note" data-testid="head-note">
      {t('heatmap.headNote', { what })}
    </p>
  );
}

export function HeatmapSection({ embed }: { embed: boolean }) {
  const t = useT();
  return (
    <section className="panel heatmap-panel" aria-labelledby="heatmap-h" id="heatmap">
      <div className="panel-head">
        <h2 id="heatmap-h">{t('heatmap.title')}</h2>
        {!embed && <HeatmapToolbar />}
      </div>
      <Stepper />
      <Heatmap compact={embed} />
      <HeadNote />
      {!embed && <p className="note">{t('heatmap.help')}</p>}
    </section>
  );
}

/** How many groups of panels follow the heatmap, each in a frame of its own (usePanelStage). */
const PANEL_STAGES = 2;

/**
 * How many groups of panels to show: 0 until the trace has been painted. When a sentence appears
 * (on opening the page, or typing into an empty box) the heatmap is drawn first and the panels
 * around it in the frames after, top first, each group in a task of its own: so that they do not
 * hold back the heatmap and no single task lays out everything a paper-sized model shows (a new
 * panel is laid out whole in its first frame, on screen or not: docs/ARCHITECTURE.md, "Loading a
 * model" and "From a keystroke to pixels"). 0 again while there is no trace (an empty box: the
 * panels would only say so). Mounted with a trace (coming back from another view), all at once.
 */
function usePanelStage(ready: boolean): number {
  const [stage, setStage] = useState(ready ? PANEL_STAGES : 0);
  if (!ready && stage !== 0) setStage(0);
  useEffect(() => {
    if (!ready || stage >= PANEL_STAGES) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const after = (): void => {
      // a transition: React renders the panels in slices of a few ms, then commits them together
      timer = setTimeout(() => startTransition(() => setStage(stage + 1)), 0);
    };
    // the frame that paints what is there, then a task of its own for the next group
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(after) : (after(), undefined);
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, stage]);
  return ready ? stage : 0;
}

export function ExploreView() {
  const hasTrace = useTrace() !== null;
  const stage = usePanelStage(hasTrace);
  return (
    <>
      <SentenceEditor />
      <ModelLine />
      {/* busy while panels are still arriving (assistive technology, and tests that read the page whole) */}
      <div className="workspace" aria-busy={hasTrace && stage < PANEL_STAGES ? true : undefined}>
        <div className="col-main">
          <HeatmapSection embed={false} />
          {stage >= 1 && (
            <>
              <BeamTreePanel />
              <HeadGrid />
            </>
          )}
          {stage >= 2 && (
            <>
              <Predictions />
              <SharePanel />
            </>
          )}
        </div>
        <div className="col-side">
          {stage >= 1 && (
            <>
              <FastWeights />
              <StepWeights />
              <Saliency />
            </>
          )}
          {stage >= 2 && (
            <>
              <ScoreBreakdown />
              <ContextVector />
              <Equations />
            </>
          )}
        </div>
      </div>
    </>
  );
}
