// The softmax weights α_ij of the current step as bars over the source tokens (</s> included),
// each with its value and the score e_ij it came from. The bars are attention edits: drag one
// (pointer events, throttled while dragging, committed on release) or focus it and use the keys
// (role="slider": arrows ±0.05, Page Up/Down ±0.2, Home/End 0/1). Setting one weight rescales the
// others so the row still sums to 1; the store's setEdit(i, row) then recomputes this step's
// context and every later step. Short sentences get vertical bars with the token under each bar;
// when the bars would be narrower than MIN_COLUMN px they become rows (token, bar, α, e).

import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useStore } from '../../store/store';
import { fmt } from '../format';
import { useAnalysis, useStep, useWidth } from '../hooks';
import { useT } from '../i18n';
import { Notation, panelEmpty, PanelSection, rich, Tok } from './common';
import './panels.css';

export const KEY_STEP = 0.05;
export const PAGE_STEP = 0.2;
/** Narrowest bar column (px) before the bars are laid out as rows. */
export const MIN_COLUMN = 44;
/** While dragging, the model recomputes at most this often (ms); the release always commits. */
export const DRAG_COMMIT_MS = 120;

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0);

/**
 * Set weight j of a row to `value` and rescale the others to sum to 1 − value (uniformly when
 * they are all zero), so that the model's renormalisation keeps the value the user chose.
 */
export function redistribute(row: ArrayLike<number>, j: number, value: number): number[] {
  const n = row.length;
  const v = clamp01(value);
  let rest = 0;
  for (let k = 0; k < n; k++) if (k !== j) rest += clamp01(row[k]);
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    if (k === j) out[k] = v;
    else out[k] = rest > 1e-12 ? (clamp01(row[k]) * (1 - v)) / rest : n > 1 ? (1 - v) / (n - 1) : 0;
  }
  return out;
}

type Orientation = 'vertical' | 'horizontal';

/**
 * The value under the pointer on a bar's track, or null when the track has no size. A drag keeps
 * the track's rectangle from its start, so that a layout shift while the model recomputes (a
 * heading that rewraps) does not make the value jump.
 */
function valueAt(e: PointerEvent<HTMLElement>, orientation: Orientation, rect: DOMRect): number | null {
  if (orientation === 'vertical') return rect.height > 0 ? clamp01((rect.bottom - e.clientY) / rect.height) : null;
  return rect.width > 0 ? clamp01((e.clientX - rect.left) / rect.width) : null;
}

interface Drag {
  pointerId: number;
  j: number;
  base: number[];
  rect: DOMRect;
  row: number[];
  /** The last row sent to the store (the release does not resend it). */
  committed: number[] | null;
  lastCommit: number;
}

export function StepWeights() {
  const t = useT();
  const analysis = useAnalysis();
  const trace = analysis?.trace ?? null;
  const i = useStep();
  const step = trace?.steps[i] ?? null;
  const edits = useStore((s) => s.edits);
  const clearEdits = useStore((s) => s.clearEdits);
  if (!analysis) return null;
  if (!trace || !step) return panelEmpty(t('sw.titleEmpty'));
  const n = i + 1;
  const title = rich(t('step.title', { i: n }), { token: <Tok token={step.token.token} /> });
  const nEdited = Object.keys(edits).length;
  const reset = nEdited > 0 && (
    <button type="button" className="sw-reset" onClick={clearEdits}>
      {t('edit.reset')} <span className="muted">{t('punct.paren', { text: t('sw.editedCount', { n: nEdited }) })}</span>
    </button>
  );

  if (trace.variant === 'none' || !step.weights) {
    return (
      <PanelSection title={title} className="sw">
        <p className="note">
          <Notation text={t('sw.none')} />
        </p>
        {reset && <p className="sw-actions">{reset}</p>}
      </PanelSection>
    );
  }
  const words = analysis.units === 'words';
  const readOnly = analysis.beams !== null || words;
  return (
    <PanelSection title={title} className="sw">
      <p className="note">
        <Notation text={t(step.scores ? 'step.weights' : 'sw.weightsNoScores', { i: n })} />
      </p>
      {trace.variant === 'diagonal' && (
        <p className="note sw-variant">
          <Notation text={t('sw.diagonal')} />
        </p>
      )}
      <WeightBars weights={Array.from(step.weights)} scores={step.scores ? Array.from(step.scores) : null} i={i} readOnly={readOnly} />
      {/* below the bars, so that nothing above them moves while a bar is dragged */}
      {step.edited && (
        <p className="sw-edited">
          <span aria-hidden="true">✎ </span>
          {t('sw.editedNote')}
        </p>
      )}
      {reset && <p className="sw-actions">{reset}</p>}
      <p className="note">{words ? t('sw.wordsReadonly') : readOnly ? t('sw.beamReadonly') : t('sw.help')}</p>
    </PanelSection>
  );
}

function WeightBars({ weights, scores, i, readOnly }: { weights: number[]; scores: number[] | null; i: number; readOnly: boolean }) {
  const t = useT();
  const trace = useAnalysis()?.trace ?? null;
  const setEdit = useStore((s) => s.setEdit);
  const setFocus = useStore((s) => s.setFocus);
  const [ref, width] = useWidth<HTMLDivElement>('explorer.stepWeights');
  const drag = useRef<Drag | null>(null);
  const [draft, setDraft] = useState<{ i: number; row: number[] } | null>(null);
  const tx = weights.length;
  const orientation: Orientation = (width > 0 ? width / tx >= MIN_COLUMN : tx <= 8) ? 'vertical' : 'horizontal';
  // a drag belongs to one step of one sentence: a new source length ends it (the element stays
  // mounted, so typing never measures it again: docs/ARCHITECTURE.md, "From a keystroke to pixels")
  const live = draft && draft.row.length === tx ? draft : null;
  const shown = live && live.i === i ? live.row : weights;
  const tokens = trace?.sourceTokens ?? [];
  const unknown = trace?.sourceUnknown ?? [];

  const commit = (row: number[]): void => setEdit(i, row);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, j: number): void => {
    const cur = shown[j] ?? 0;
    let next: number;
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowRight':
        next = cur + KEY_STEP;
        break;
      case 'ArrowDown':
      case 'ArrowLeft':
        next = cur - KEY_STEP;
        break;
      case 'PageUp':
        next = cur + PAGE_STEP;
        break;
      case 'PageDown':
        next = cur - PAGE_STEP;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (readOnly) return;
    commit(redistribute(weights, j, Math.round(clamp01(next) * 1000) / 1000));
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>, j: number): void => {
    if (readOnly || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const v = valueAt(e, orientation, rect);
    e.currentTarget.focus();
    if (v === null) return;
    e.preventDefault();
    if (typeof e.currentTarget.setPointerCapture === 'function') {
      try {
        e.currentTarget.setPointerCapture(e.pointerId);
      } catch {
        // a synthetic or already-released pointer: dragging still works without capture
      }
    }
    const row = redistribute(weights, j, v);
    drag.current = { pointerId: e.pointerId, j, base: weights, rect, row, committed: row, lastCommit: e.timeStamp };
    setDraft({ i, row });
    commit(row);
  };

  /** The drag under way, if `e` is its pointer and the sentence is still the one it began on. */
  const dragOf = (e: PointerEvent<HTMLDivElement>): Drag | null => {
    const d = drag.current;
    if (!d || d.pointerId !== e.pointerId) return null;
    if (d.base.length === tx) return d;
    drag.current = null;
    setDraft(null);
    return null;
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = dragOf(e);
    if (!d) return;
    const v = valueAt(e, orientation, d.rect);
    if (v === null) return;
    d.row = redistribute(d.base, d.j, v);
    setDraft({ i, row: d.row });
    const now = e.timeStamp;
    if (now - d.lastCommit >= DRAG_COMMIT_MS) {
      d.lastCommit = now;
      d.committed = d.row;
      commit(d.row);
    }
  };

  const onPointerEnd = (e: PointerEvent<HTMLDivElement>): void => {
    const d = dragOf(e);
    if (!d) return;
    drag.current = null;
    setDraft(null);
    if (d.committed !== d.row) commit(d.row);
  };

  return (
    <div ref={ref} className={`sw-bars ${orientation}${live ? ' dragging' : ''}${readOnly ? ' readonly' : ''}`}>
      {orientation === 'horizontal' && (
        <div className="sw-row sw-header" aria-hidden="true">
          <span>{t('sw.word')}</span>
          <span />
          <span className="num">α</span>
          <span className="num">{scores ? 'e' : ''}</span>
        </div>
      )}
      <div className="sw-list" role="group" aria-label={t('sw.groupLabel', { i: i + 1 })}>
        {shown.map((w, j) => {
          const token = tokens[j] ?? '';
          const e = scores ? scores[j] : undefined;
          // the bar is the whole track scaled to w: a transform, so that its transition is the
          // compositor's, not a layout and a paint per frame on the main thread while typing
          const scale = clamp01(w).toFixed(4);
          const valueText = e !== undefined ? t('sw.valueTextScore', { alpha: fmt(w, 3), e: fmt(e, 3) }) : fmt(w, 3);
          const slider = (
            <div
              role="slider"
              tabIndex={0}
              className="sw-track"
              aria-label={t('sw.sliderLabel', { token, j: j + 1, n: tx })}
              aria-valuemin={0}
              aria-valuemax={1}
              aria-valuenow={Math.round(w * 1000) / 1000}
              aria-valuetext={valueText}
              aria-orientation={orientation}
              aria-readonly={readOnly || undefined}
              data-j={j}
              onKeyDown={(ev) => onKeyDown(ev, j)}
              onFocus={() => setFocus({ i, j })}
              onPointerDown={(ev) => onPointerDown(ev, j)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerEnd}
              onPointerCancel={onPointerEnd}
            >
              <div className="sw-fill" style={{ transform: orientation === 'vertical' ? `scaleY(${scale})` : `scaleX(${scale})` }} />
            </div>
          );
          const tok = (
            <span className="sw-tok" title={token}>
              <Tok token={token} unknown={unknown[j] ?? false} />
            </span>
          );
          const alpha = <span className="sw-alpha num">{fmt(w, 2)}</span>;
          const score = <span className="sw-score num">{e !== undefined ? fmt(e, 2) : ''}</span>;
          return orientation === 'vertical' ? (
            <div className="sw-col" key={j}>
              {alpha}
              {slider}
              {tok}
              {e !== undefined && (
                <span className="sw-score num">
                  <span className="sw-e">e </span>
                  {fmt(e, 2)}
                </span>
              )}
            </div>
          ) : (
            <div className="sw-row" key={j}>
              {tok}
              {slider}
              {alpha}
              {score}
            </div>
          );
        })}
      </div>
    </div>
  );
}
