// Sharing: copy a permalink; export the heatmap as SVG or PNG (2×, 3×; the PNG carries the
// permalink in a text chunk); copy the PNG; CSV/JSON of α and e. The heatmap toolbar (values,
// transpose, palette, table view) sits here too, above the grid.

import { useState } from 'react';
import { HeatmapExportError, buildHeatmapSvg, type HeatmapSpec } from '../../export/heatmapSvg';
import { buildFragment } from '../../export/permalink';
import { copyPngToClipboard, downloadBlob, safeFilename, svgToPngBlob, withPermalink } from '../../export/raster';
import { traceRows, traceToJson, weightsToCsv } from '../../export/tables';
import { hasWordView, viewInfo } from '../../model/analysis';
import type { LoadedModel } from '../../model/bundle';
import type { Trace } from '../../model/trace';
import { isTaskId } from '../../data/tasks';
import { errorReason } from '../../store/errorReason';
import { isUserModelRef } from '../../store/modelRef';
import { toShareState } from '../../store/share';
import { useStore, type Palette } from '../../store/store';
import { useModel, useTrace } from '../hooks';
import { AnimationButtons } from './ShareAnimation';
import { errorMessage, msg, MessageError, notifyMessage, taskTitle, translate, useT, variantTitle, type MessageKey } from '../i18n';

/** The link that reopens exactly this state. */
export async function currentLink(): Promise<string> {
  const fragment = await buildFragment(toShareState(useStore.getState()), { embed: false });
  return `${location.origin}${location.pathname}${location.search}${fragment}`;
}

/** `value` inside a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * An iframe snippet that shows this state's heatmap on another site: the embed entry beside the
 * page (`embed.html`, the one any site may frame; README "Embedding, and the header for hosts").
 */
export async function embedCode(title = 'RNNsearch: attention heatmap'): Promise<string> {
  const fragment = await buildFragment(toShareState(useStore.getState()), { embed: false });
  const folder = location.pathname.replace(/[^/]*$/, '');
  const src = `${location.origin}${folder}embed.html${fragment}`;
  return `<iframe src="${attr(src)}" title="${attr(title)}" width="720" height="560" loading="lazy"></iframe>`;
}

function effectiveTheme(): 'light' | 'dark' {
  const theme = useStore.getState().theme;
  if (theme !== 'auto') return theme;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The source sentence as text (the model's tokens without </s>, detokenised by its codec). */
function sourceSentence(trace: Trace, model: LoadedModel): string {
  return model.codecs.source.detokenize(trace.sourceTokens.slice(0, -1));
}

export function HeatmapToolbar() {
  const t = useT();
  const values = useStore((s) => s.values);
  const transpose = useStore((s) => s.transpose);
  const palette = useStore((s) => s.palette);
  const showTable = useStore((s) => s.showTable);
  const setView = useStore((s) => s.setView);
  const trace = useTrace();
  const model = useModel();
  const units = useStore((s) => s.units);
  const setUnits = useStore((s) => s.setUnits);
  const subword = model?.codecs.source.subword === true;
  // the words/pieces choice only where a word view exists (subword RNNsearch); a subword
  // Transformer shows its pieces and says so in the note below
  const wordView = model ? hasWordView(viewInfo(model)) : false;
  const hasScores = trace?.steps.every((s) => s.scores !== null) ?? false;
  return (
    <>
    <div className="toolbar" role="toolbar" aria-label={t('heatmap.title')}>
      {wordView && (
        <div className="segmented" role="radiogroup" aria-label={t('heatmap.units')}>
          <button type="button" role="radio" aria-checked={units === 'words'} onClick={() => setUnits('words')} title={t('heatmap.wordsRule')}>
            {t('heatmap.words')}
          </button>
          <button type="button" role="radio" aria-checked={units === 'pieces'} onClick={() => setUnits('pieces')} title={t('heatmap.piecesRule')}>
            {t('heatmap.pieces')}
          </button>
        </div>
      )}
      <div className="segmented" role="radiogroup" aria-label={t('heatmap.values')}>
        <button type="button" role="radio" aria-checked={values === 'weights'} onClick={() => setView({ values: 'weights' })}>
          {t('heatmap.weights')}
        </button>
        <button type="button" role="radio" aria-checked={values === 'scores'} disabled={!hasScores} onClick={() => setView({ values: 'scores' })}>
          {t('heatmap.scores')}
        </button>
      </div>
      <button type="button" aria-pressed={transpose} onClick={() => setView({ transpose: !transpose })}>
        {t('heatmap.transpose')}
      </button>
      <label className="picker compact">
        <span className="sr-only">{t('heatmap.palette')}</span>
        <select value={palette} aria-label={t('heatmap.palette')} onChange={(e) => setView({ palette: e.target.value as Palette })}>
          <option value="cividis">cividis</option>
          <option value="viridis">viridis</option>
        </select>
      </label>
      <button type="button" aria-pressed={showTable} onClick={() => setView({ showTable: !showTable })}>
        {showTable ? t('heatmap.grid') : t('heatmap.table')}
      </button>
    </div>
    {/* what the heatmap's units are, said only while there is a heatmap (with an empty box it
        said "pieces" under a "Words" choice) */}
    {subword && trace && (
      <p className="note units-note" data-units={trace.units ?? 'pieces'}>
        {t(trace.units === 'words' ? 'heatmap.unitsNote.words' : 'heatmap.unitsNote.pieces')}
      </p>
    )}
    </>
  );
}

export function SharePanel() {
  const t = useT();
  const trace = useTrace();
  const model = useModel();
  // the model's name (src/store/modelRef.ts): files and the JSON say whose model it is
  const ref = useStore((s) => s.modelId);
  // a key, not a text, so that a language switch re-translates it
  const [status, setStatus] = useState<MessageKey | null>(null);
  // the embed code, shown to copy by hand when the clipboard refuses it
  const [manual, setManual] = useState<string | null>(null);

  if (!trace || !model) return null;
  const rows = traceRows(trace, useStore.getState().values) ?? traceRows(trace, 'weights');
  const base = safeFilename(`${ref}-${trace.sourceTokens.slice(0, 6).join('-')}`);

  const spec = (): HeatmapSpec | null => {
    const s = useStore.getState();
    const kind = s.values === 'scores' && traceRows(trace, 'scores') ? 'scores' : 'weights';
    const values = traceRows(trace, kind);
    if (!values) return null;
    // the file speaks the page's language (the tokens and the sentence are the model's own)
    const lang = s.lang;
    const m = model.manifest;
    const own = isUserModelRef(s.modelId);
    const shipped = !own && (s.catalog?.some((c) => c.id === m.id) ?? false);
    return {
      sourceTokens: trace.sourceTokens,
      targetTokens: trace.targetTokens,
      values,
      kind,
      palette: s.palette,
      transpose: s.transpose,
      caption: {
        // a shipped model is named by its task (its manifest title repeats the variant); your own is
        // said to be yours, by its title, even when its manifest has a shipped model's id
        model: own ? translate(lang, 'share.yourModel', { title: m.title ?? m.id }) : shipped && isTaskId(m.task) ? taskTitle(lang, m.task) : (m.title ?? m.id),
        variant: variantTitle(lang, m.variant),
        sentence: sourceSentence(useStore.getState().analysis?.pieces ?? trace, model),
      },
      labels: {
        targetAxis: translate(lang, 'heatmap.targetAxis'),
        sourceAxis: translate(lang, 'heatmap.sourceAxis'),
        heading:
          translate(lang, 'share.exportHeading', { values: translate(lang, kind === 'weights' ? 'heatmap.weights' : 'heatmap.scores') }) +
          (model.codecs.source.subword ? translate(lang, trace.units === 'words' ? 'share.inWords' : 'share.inPieces') : ''),
      },
      highlightRow: s.step,
      theme: effectiveTheme(),
    };
  };

  const guard = async (what: () => Promise<void>): Promise<void> => {
    try {
      await what();
    } catch (err) {
      // the export's reason in the reader's language, its own (English) words only as a detail
      const m = err instanceof HeatmapExportError ? msg('share.exportFailed', { detail: errorReason(err) }) : errorMessage(err);
      notifyMessage('error', m);
    }
  };

  const png = async (scale: 2 | 3): Promise<Blob> => {
    const sp = spec();
    if (!sp) throw new MessageError(msg('share.noWeights'));
    const { svg, width, height } = buildHeatmapSvg(sp);
    return withPermalink(await svgToPngBlob(svg, width, height, scale), await currentLink());
  };

  return (
    <section className="share" aria-labelledby="share-h">
      <h2 id="share-h">{t('share.title')}</h2>
      <div className="share-buttons">
        <button
          type="button"
          onClick={() =>
            void guard(async () => {
              const link = await currentLink();
              try {
                await navigator.clipboard.writeText(link);
                setStatus('share.copied');
              } catch {
                history.replaceState(null, '', link);
                setStatus('share.copyFailed');
              }
            })
          }
        >
          {t('share.copyLink')}
        </button>
        <button
          type="button"
          onClick={() =>
            void guard(async () => {
              const code = await embedCode(t('share.embedTitle'));
              try {
                await navigator.clipboard.writeText(code);
                setManual(null);
                setStatus(isUserModelRef(ref) ? 'share.embedCopiedYours' : 'share.embedCopied');
              } catch {
                setManual(code);
                setStatus('share.embedManual');
              }
            })
          }
        >
          {t('share.embed')}
        </button>
        <button
          type="button"
          disabled={!rows}
          onClick={() =>
            void guard(async () => {
              const sp = spec();
              if (!sp) return;
              const { svg } = buildHeatmapSvg(sp);
              downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), `${base}.svg`);
            })
          }
        >
          {t('share.svg')}
        </button>
        <button type="button" disabled={!rows} onClick={() => void guard(async () => downloadBlob(await png(2), `${base}@2x.png`))}>
          {t('share.png2')}
        </button>
        <button type="button" disabled={!rows} onClick={() => void guard(async () => downloadBlob(await png(3), `${base}@3x.png`))}>
          {t('share.png3')}
        </button>
        <button
          type="button"
          disabled={!rows}
          onClick={() =>
            void guard(async () => {
              // start the clipboard write inside the click (Safari), with the image still rendering
              const result = await copyPngToClipboard(png(2));
              setStatus(result === 'copied' ? 'share.imageCopied' : result === 'denied' ? 'share.copyDenied' : 'share.copyUnsupported');
            })
          }
        >
          {t('share.copyPng')}
        </button>
        <button
          type="button"
          disabled={!rows}
          onClick={() =>
            void guard(async () => {
              const kind = useStore.getState().values === 'scores' && traceRows(trace, 'scores') ? 'scores' : 'weights';
              const r = traceRows(trace, kind);
              if (!r) return;
              downloadBlob(new Blob([weightsToCsv({ sourceTokens: trace.sourceTokens, targetTokens: trace.targetTokens, rows: r, kind }, { bom: true })], { type: 'text/csv' }), `${base}-${kind}.csv`);
            })
          }
        >
          {t('share.csv')}
        </button>
        <button
          type="button"
          onClick={() => void guard(async () => downloadBlob(new Blob([traceToJson(trace, ref)], { type: 'application/json' }), `${base}.json`))}
        >
          {t('share.json')}
        </button>
      </div>
      <p className="note" role="status">
        {t(status ?? 'share.dropHint')}
      </p>
      <AnimationButtons spec={spec} link={currentLink} base={base} disabled={!rows} />
      {manual !== null && <textarea className="share-manual" readOnly value={manual} aria-label={t('share.embed')} rows={3} onFocus={(e) => e.currentTarget.select()} />}
    </section>
  );
}
