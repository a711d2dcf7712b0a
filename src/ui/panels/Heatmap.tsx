// The alignment heatmap. d3 computes the colours; React renders one HTML grid cell per (i, j) so
// that the ARIA grid pattern works natively: one tab stop (roving tabindex), arrow keys,
// Home/End, cells named like "zone ↔ Area: 0.61", a polite live region, and a table view as an
// alternative. Past PAINTED_CELLS the cells are painted on a canvas under the rows and only the
// tab stop is an element (the same keys and names); past MAX_DOM_CELLS the whole matrix is one
// canvas image (with the table still available). Rows after the current step are dimmed; the
// current step is outlined.

import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import { attentionEntropy, coverage } from '../../data/metrics';
import type { Trace } from '../../model/trace';
import { useStore } from '../../store/store';
import { heatmapLayout, type HeatmapLayout } from '../../export/heatmapModel';
import { colourScale, interpolator, textOn, valueDomain } from '../colour';
import { fmt } from '../format';
import { useFirstLoad, useStep, useTrace, useWidth } from '../hooks';
import { useT } from '../i18n';
import { Notation } from './common';

/** Above this many cells the grid is drawn on a canvas (65k DOM nodes would freeze the tab). */
export const MAX_DOM_CELLS = 6400;

/**
 * Above this many cells the grid's cells are painted on one canvas under its rows, and only the
 * cell with the tab stop is an element (a partially rendered ARIA grid: aria-rowcount,
 * aria-colcount and each cell's indices say where it is). Laying out 1,050 cell elements whose
 * colours all change was most of the frame after each keystroke with a paper-sized model
 * (docs/ARCHITECTURE.md, "From a keystroke to pixels"). The same size as "a large analysis" in
 * src/ui/hooks.ts.
 */
export const PAINTED_CELLS = 600;

export interface Matrix {
  /** Rows = target steps, columns = source positions. */
  rows: Float32Array[] | Float64Array[];
  kind: 'weights' | 'scores';
  sourceTokens: string[];
  targetTokens: string[];
  unknown: boolean[];
  edited: boolean[];
}

/** The values the heatmap shows for a trace, or null when the variant has no attention. */
export function traceMatrix(trace: Trace, kind: 'weights' | 'scores'): Matrix | null {
  const useScores = kind === 'scores' && trace.steps.every((s) => s.scores !== null);
  const rows = trace.steps.map((s) => (useScores ? s.scores : s.weights));
  if (rows.some((r) => r === null) || rows.length === 0) return null;
  return {
    rows: rows as Float32Array[],
    kind: useScores ? 'scores' : 'weights',
    sourceTokens: trace.sourceTokens,
    targetTokens: trace.targetTokens,
    unknown: trace.sourceUnknown,
    edited: trace.steps.map((s) => s.edited),
  };
}

/** The grid's layout: the heatmap view-model's, the same as the exported SVG's. */
function layoutOf(m: Matrix, transpose: boolean): HeatmapLayout {
  return heatmapLayout({ values: m.rows, sourceTokens: m.sourceTokens, targetTokens: m.targetTokens }, transpose);
}

export function Heatmap({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const trace = useTrace();
  const step = useStep();
  const values = useStore((s) => s.values);
  const transpose = useStore((s) => s.transpose);
  const palette = useStore((s) => s.palette);
  const showTable = useStore((s) => s.showTable);
  const loading = useFirstLoad();
  const focus = useStore((s) => s.focus);
  const setFocus = useStore((s) => s.setFocus);
  const setStep = useStore((s) => s.setStep);
  const setEdit = useStore((s) => s.setEdit);
  const [ref, width] = useWidth<HTMLDivElement>('explorer.heatmap');
  const [announce, setAnnounce] = useState('');

  const matrix = useMemo(() => (trace ? traceMatrix(trace, values) : null), [trace, values]);
  const layout = useMemo(() => (matrix ? layoutOf(matrix, transpose) : null), [matrix, transpose]);
  const domain = useMemo(() => (matrix ? valueDomain(matrix.rows, matrix.kind) : ([0, 1] as [number, number])), [matrix]);
  const colour = useMemo(() => colourScale(palette, domain), [palette, domain]);
  const extras = useMemo(() => {
    if (!trace || !matrix) return null;
    const weights = trace.steps.map((s) => s.weights as Float32Array);
    return {
      entropy: weights.map((w) => attentionEntropy(w)),
      coverage: coverage(weights, weights.length, trace.srcLen),
    };
  }, [trace, matrix]);

  // room for the heatmap while the first model loads, so that what follows does not jump; measured
  // (the same ref): the first heatmap then renders at its width at once, with no layout forced in
  // its commit and no second pass (docs/ARCHITECTURE.md, "Loading a model")
  if (!trace) return loading ? <div className="heatmap-placeholder" aria-hidden="true" ref={ref} /> : null;
  if (!matrix || !layout || !extras) {
    return (
      <div className="heatmap-empty" role="note">
        {t('heatmap.noAttention')}
      </div>
    );
  }
  const { nRows, nCols } = layout;
  const labelChars = Math.max(...layout.rowLabels.map((l) => Math.min(l.length, 16)), 3);
  const labelW = Math.max(84, Math.min(150, 14 + labelChars * 8));
  const extraW = 52;
  const available = Math.max(0, (width || 640) - labelW - extraW - 8);
  const cell = Math.max(compact ? 10 : 14, Math.min(compact ? 30 : 40, Math.floor(available / Math.max(nCols, 1))));
  const big = nRows * nCols > MAX_DOM_CELLS;

  const cellName = (i: number, j: number): string =>
    t('heatmap.cell', {
      target: trace.targetTokens[i] ?? '',
      source: trace.sourceTokens[j] ?? '',
      value: fmt((matrix.rows[i] as Float32Array)[j], 2),
    });
  const onFocusCell = (i: number, j: number): void => {
    setFocus({ i, j });
    setStep(i);
    setAnnounce(cellName(i, j));
  };
  const editCell = (i: number, j: number): void => {
    const row = new Array<number>(trace.srcLen).fill(0);
    row[j] = 1;
    setEdit(i, row);
  };

  return (
    <div className="heatmap" ref={ref}>
      {showTable ? (
        <HeatmapTable matrix={matrix} layout={layout} />
      ) : big ? (
        <HeatmapCanvas layout={layout} colour={colour} cell={Math.max(2, Math.floor(available / nCols))} label={t('punct.named', { name: t('heatmap.title'), value: t('heatmap.large') })} />
      ) : (
        <Grid
          layout={layout}
          matrix={matrix}
          transpose={transpose}
          colour={colour}
          cell={cell}
          labelW={labelW}
          extraW={extraW}
          step={step}
          focus={focus}
          extras={extras}
          cellName={cellName}
          onFocusCell={onFocusCell}
          onEditCell={editCell}
          label={t('punct.named', { name: t('heatmap.title'), value: matrix.kind === 'weights' ? t('heatmap.weights') : t('heatmap.scores') })}
          rowAxis={transpose ? t('heatmap.sourceAxis') : t('heatmap.targetAxis')}
          colAxis={transpose ? t('heatmap.targetAxis') : t('heatmap.sourceAxis')}
          entropyLabel={t('heatmap.entropy')}
          coverageLabel={t('heatmap.coverage')}
          editedLabel={t('heatmap.edited')}
        />
      )}
      {!showTable && big && <p className="note">{t('heatmap.large')}</p>}
      <ColourBar palette={palette} domain={domain} kind={matrix.kind} />
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

export interface TraceHeatmapProps {
  trace: Trace;
  values?: 'weights' | 'scores';
  transpose?: boolean;
  palette: 'cividis' | 'viridis';
  /** The colour domain; pass one shared domain to put several heatmaps on the same scale. */
  domain?: [number, number];
  /** The step to outline (rows after it are dimmed); by default every row shows, none outlined. */
  step?: number;
  /** The grid's accessible name. */
  label: string;
  /** Cells to outline, and the words added to their names (e.g. "differs from additive"). */
  marked?: (i: number, j: number) => boolean;
  markedLabel?: string;
  /** Show the colour bar under the grid (default true). */
  colourBar?: boolean;
  compact?: boolean;
}

/**
 * A read-only heatmap of any trace, for views that show several at once (compare, story): the
 * same ARIA grid as the explorer's (roving focus, arrow keys, named cells, a polite live region)
 * but with its own focus, no edits and no store. Returns a note for a model without attention.
 */
export function TraceHeatmap(p: TraceHeatmapProps) {
  const t = useT();
  const { trace, values = 'weights', transpose = false, palette, compact = false } = p;
  const [ref, width] = useWidth<HTMLDivElement>();
  const [announce, setAnnounce] = useState('');
  const [focus, setFocus] = useState<{ i: number; j: number } | null>(null);
  const matrix = useMemo(() => traceMatrix(trace, values), [trace, values]);
  const layout = useMemo(() => (matrix ? layoutOf(matrix, transpose) : null), [matrix, transpose]);
  const ownDomain = useMemo(() => (matrix ? valueDomain(matrix.rows, matrix.kind) : ([0, 1] as [number, number])), [matrix]);
  const domain = p.domain ?? ownDomain;
  const colour = useMemo(() => colourScale(palette, domain), [palette, domain]);
  const extras = useMemo(() => {
    if (!matrix) return null;
    const weights = trace.steps.map((s) => s.weights as Float32Array);
    return { entropy: weights.map((w) => attentionEntropy(w)), coverage: coverage(weights, weights.length, trace.srcLen) };
  }, [trace, matrix]);
  if (!matrix || !layout || !extras) {
    return (
      <div className="heatmap-empty" role="note">
        {t('heatmap.noAttention')}
      </div>
    );
  }
  const labelChars = Math.max(...layout.rowLabels.map((l) => Math.min(l.length, 16)), 3);
  const labelW = Math.max(84, Math.min(150, 14 + labelChars * 8));
  const extraW = 52;
  const available = Math.max(0, (width || 480) - labelW - extraW - 8);
  const cell = Math.max(compact ? 10 : 14, Math.min(compact ? 28 : 36, Math.floor(available / Math.max(layout.nCols, 1))));
  const cellName = (i: number, j: number): string => {
    const name = t('heatmap.cell', { target: trace.targetTokens[i] ?? '', source: trace.sourceTokens[j] ?? '', value: fmt((matrix.rows[i] as Float32Array)[j], 2) });
    return p.markedLabel && p.marked?.(i, j) ? `${name} ${t('punct.paren', { text: p.markedLabel })}` : name;
  };
  return (
    <div className="heatmap" ref={ref}>
      <Grid
        layout={layout}
        matrix={matrix}
        transpose={transpose}
        colour={colour}
        cell={cell}
        labelW={labelW}
        extraW={extraW}
        step={p.step ?? Number.MAX_SAFE_INTEGER}
        focus={focus}
        extras={extras}
        cellName={cellName}
        onFocusCell={(i, j) => {
          setFocus({ i, j });
          setAnnounce(cellName(i, j));
        }}
        onEditCell={() => {}}
        label={p.label}
        rowAxis={transpose ? t('heatmap.sourceAxis') : t('heatmap.targetAxis')}
        colAxis={transpose ? t('heatmap.targetAxis') : t('heatmap.sourceAxis')}
        entropyLabel={t('heatmap.entropy')}
        coverageLabel={t('heatmap.coverage')}
        editedLabel={t('heatmap.edited')}
        {...(p.marked ? { marked: p.marked } : {})}
      />
      {p.colourBar !== false && <ColourBar palette={palette} domain={domain} kind={matrix.kind} />}
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

interface GridProps {
  layout: HeatmapLayout;
  matrix: Matrix;
  transpose: boolean;
  colour: (v: number) => string;
  cell: number;
  labelW: number;
  extraW: number;
  step: number;
  focus: { i: number; j: number } | null;
  extras: { entropy: number[]; coverage: number[] };
  cellName(i: number, j: number): string;
  onFocusCell(i: number, j: number): void;
  onEditCell(i: number, j: number): void;
  label: string;
  rowAxis: string;
  colAxis: string;
  entropyLabel: string;
  coverageLabel: string;
  editedLabel: string;
  /** Cells to outline (e.g. where a variant's argmax differs from another's); none by default. */
  marked?: (i: number, j: number) => boolean;
}

function Grid(p: GridProps) {
  const { layout, cell, step } = p;
  const { nRows, nCols } = layout;
  // the roving tab stop, in display coordinates
  const [active, setActive] = useState<{ r: number; c: number }>({ r: 0, c: 0 });
  const gridRef = useRef<HTMLDivElement>(null);
  const r0 = Math.min(active.r, nRows - 1);
  const c0 = Math.min(active.c, nCols - 1);
  // a browser that will not give a 2D context (e.g. canvas blocked) gets the cell elements instead
  const [unpaintable, setUnpaintable] = useState(false);
  const markUnpaintable = useCallback(() => setUnpaintable(true), []);
  const painted = nRows * nCols > PAINTED_CELLS && !unpaintable;
  // a painted grid renders the cell that gets the focus only after the move: focus it then
  const pendingFocus = useRef(false);
  useLayoutEffect(() => {
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    gridRef.current?.querySelector<HTMLElement>(`[data-cell="${r0},${c0}"]`)?.focus();
  }, [r0, c0]);

  // follow the store's focus (set elsewhere, e.g. the score panel): adjust state while rendering
  const [seen, setSeen] = useState<{ focus: GridProps['focus']; transpose: boolean }>({ focus: null, transpose: p.transpose });
  if (seen.focus !== p.focus || seen.transpose !== p.transpose) {
    setSeen({ focus: p.focus, transpose: p.transpose });
    if (p.focus) setActive(p.transpose ? { r: p.focus.j, c: p.focus.i } : { r: p.focus.i, c: p.focus.j });
  }

  const move = useCallback(
    (r: number, c: number) => {
      const rr = Math.max(0, Math.min(nRows - 1, r));
      const cc = Math.max(0, Math.min(nCols - 1, c));
      setActive({ r: rr, c: cc });
      const el = gridRef.current?.querySelector<HTMLElement>(`[data-cell="${rr},${cc}"]`);
      if (el) el.focus();
      else pendingFocus.current = true;
    },
    [nRows, nCols],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const { r, c } = { r: r0, c: c0 };
    switch (e.key) {
      case 'ArrowRight':
        move(r, c + 1);
        break;
      case 'ArrowLeft':
        move(r, c - 1);
        break;
      case 'ArrowDown':
        move(r + 1, c);
        break;
      case 'ArrowUp':
        move(r - 1, c);
        break;
      case 'Home':
        move(e.ctrlKey ? 0 : r, 0);
        break;
      case 'End':
        move(e.ctrlKey ? nRows - 1 : r, nCols - 1);
        break;
      case 'PageUp':
        move(0, c);
        break;
      case 'PageDown':
        move(nRows - 1, c);
        break;
      case 'Enter':
      case ' ': {
        const { i, j } = layout.toIJ(r, c);
        p.onEditCell(i, j);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  // one listener per event on the grid, not three closures per cell: a cell says where it is
  const onCellEvent = (target: EventTarget, what: 'focus' | 'edit'): void => {
    const at = target instanceof HTMLElement ? target.dataset.cell : undefined;
    if (!at) return;
    const [r, c] = at.split(',').map(Number) as [number, number];
    const { i, j } = layout.toIJ(r, c);
    if (what === 'edit') {
      p.onEditCell(i, j);
      return;
    }
    setActive({ r, c });
    p.onFocusCell(i, j);
  };

  const template = { gridTemplateColumns: `${p.labelW}px repeat(${nCols}, ${cell}px) ${p.extraW}px` };
  const rowExtra = p.transpose ? p.extras.coverage : p.extras.entropy;
  const colExtra = p.transpose ? p.extras.entropy : p.extras.coverage;
  const rowIsTarget = !p.transpose;
  const headH = Math.min(110, 16 + 7 * Math.max(...layout.colLabels.map((l) => Math.min(l.length, 14)), 2));

  return (
    <div className="hm-scroll">
      <p className="hm-axis hm-axis-cols" style={{ paddingLeft: p.labelW }} aria-hidden="true">
        <Notation text={p.colAxis} /> →
      </p>
      <div
        role="grid"
        aria-label={p.label}
        aria-rowcount={nRows + 2}
        aria-colcount={nCols + 2}
        className="hm-grid"
        ref={gridRef}
        onKeyDown={onKeyDown}
        onFocus={(e) => onCellEvent(e.target, 'focus')}
        onClick={(e) => onCellEvent(e.target, 'focus')}
        onDoubleClick={(e) => onCellEvent(e.target, 'edit')}
      >
        <div role="row" className="hm-row hm-head" style={{ ...template, minHeight: headH }} aria-rowindex={1}>
          <div role="columnheader" className="hm-corner" aria-colindex={1}>
            <span className="hm-axis hm-axis-rows">
              <Notation text={p.rowAxis} /> ↓
            </span>
            <span className="sr-only">
              {' / '}
              <Notation text={p.colAxis} />
            </span>
          </div>
          {layout.colLabels.map((label, c) => {
            const isTarget = p.transpose;
            const unknown = !isTarget && p.matrix.unknown[c];
            const current = isTarget && c === step;
            return (
              <div role="columnheader" key={c} aria-colindex={c + 2} className={`hm-colhead${unknown ? ' unk' : ''}${current ? ' current' : ''}`} title={label}>
                <bdi dir="auto">{label}</bdi>
              </div>
            );
          })}
          <div role="columnheader" className="hm-extra-head" aria-colindex={nCols + 2}>
            <span>{p.transpose ? 'Σα' : 'H'}</span>
            <span className="sr-only">{p.transpose ? p.coverageLabel : p.entropyLabel}</span>
          </div>
        </div>
        {painted ? (
          <PaintedRows
            {...p}
            active={{ r: r0, c: c0 }}
            rowIsTarget={rowIsTarget}
            rowExtra={rowExtra}
            onPick={move}
            onUnpaintable={markUnpaintable}
            onEdit={(r, c) => {
              const { i, j } = layout.toIJ(r, c);
              p.onEditCell(i, j);
            }}
          />
        ) : Array.from({ length: nRows }, (_, r) => {
          const isTargetRow = rowIsTarget;
          const row = rowState(p.matrix, isTargetRow, step, r);
          return (
            <div role="row" key={r} aria-rowindex={r + 2} className={row.className} style={{ ...template, height: cell }}>
              <RowHead label={layout.rowLabels[r] ?? ''} unknown={row.unknown} edited={row.edited} editedLabel={p.editedLabel} />
              {Array.from({ length: nCols }, (_, c) => {
                const { i, j } = layout.toIJ(r, c);
                const focused = p.focus !== null && p.focus.i === i && p.focus.j === j;
                const future2 = !isTargetRow && c > step;
                const fill = p.colour(layout.value(r, c));
                return (
                  <Cell
                    key={c}
                    r={r}
                    c={c}
                    name={p.cellName(i, j)}
                    fill={fill}
                    active={r === r0 && c === c0}
                    focused={focused}
                    className={`hm-cell${focused ? ' focused' : ''}${future2 ? ' future' : ''}${!isTargetRow && c === step ? ' current-col' : ''}${p.marked?.(i, j) ? ' marked' : ''}`}
                  />
                );
              })}
              <div role="gridcell" aria-colindex={nCols + 2} className="hm-extra" title={fmt(rowExtra[r] ?? NaN, 3)}>
                {fmt(rowExtra[r] ?? NaN, 2)}
              </div>
            </div>
          );
        })}
        <div role="row" className="hm-row hm-foot" style={{ ...template, height: Math.max(18, Math.min(cell, 24)) }} aria-rowindex={nRows + 2}>
          <div role="rowheader" className="hm-rowhead hm-extra-head" aria-colindex={1} title={p.transpose ? p.entropyLabel : p.coverageLabel}>
            <span aria-hidden="true">{p.transpose ? 'H' : 'Σᵢ α'}</span>
            <span className="sr-only">{p.transpose ? p.entropyLabel : p.coverageLabel}</span>
          </div>
          {Array.from({ length: nCols }, (_, c) => (
            <div role="gridcell" key={c} aria-colindex={c + 2} className="hm-extra" title={fmt(colExtra[c] ?? NaN, 3)}>
              <span className="hm-bar" style={{ height: `${Math.min(100, 50 * (colExtra[c] ?? 0))}%` }} />
            </div>
          ))}
          <div role="gridcell" aria-colindex={nCols + 2} className="hm-extra" />
        </div>
      </div>
    </div>
  );
}

/** A body row's state: the step's row, a later one, an unknown source word, an edited step. */
function rowState(matrix: Matrix, rowIsTarget: boolean, step: number, r: number) {
  const current = rowIsTarget && r === step;
  const future = rowIsTarget && r > step;
  return {
    className: `hm-row${current ? ' current' : ''}${future ? ' future' : ''}`,
    unknown: !rowIsTarget && (matrix.unknown[r] ?? false),
    edited: rowIsTarget && (matrix.edited[r] ?? false),
  };
}

function RowHead({ label, unknown, edited, editedLabel }: { label: string; unknown: boolean; edited: boolean; editedLabel: string }) {
  return (
    <div role="rowheader" aria-colindex={1} className={`hm-rowhead${unknown ? ' unk' : ''}`} title={label}>
      <bdi dir="auto">{label}</bdi>
      {edited && (
        <span className="badge" title={editedLabel}>
          ✎
        </span>
      )}
    </div>
  );
}

interface PaintedRowsProps extends GridProps {
  active: { r: number; c: number };
  rowIsTarget: boolean;
  rowExtra: number[];
  /** Move the tab stop to display cell (r, c) and focus it. */
  onPick(r: number, c: number): void;
  onEdit(r: number, c: number): void;
  /** The canvas has no 2D context: the grid renders its cells as elements instead. */
  onUnpaintable(): void;
}

/**
 * The body of a large grid (past PAINTED_CELLS): each row keeps its header and its figure, the
 * cells are painted on one canvas lying under the rows' middle track, and the one cell with the
 * tab stop is an element over its painted square, so arrows, Home/End, Enter, the focus ring and
 * the cell's name work as in the small grid. The pointer picks a cell on the canvas.
 */
function PaintedRows(p: PaintedRowsProps) {
  const { layout, cell, step, active } = p;
  const { nRows, nCols } = layout;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = nCols * cell;
  const height = nRows * cell;
  const template = { gridTemplateColumns: `${p.labelW}px ${width}px ${p.extraW}px` };
  const { colour, transpose, marked, onUnpaintable } = p;
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      onUnpaintable();
      return;
    }
    paintCells(ctx, canvas, { layout, colour, cell, step, transpose, ...(marked ? { marked } : {}) });
  }, [layout, colour, cell, step, transpose, marked, onUnpaintable]);
  const at = (e: MouseEvent<HTMLCanvasElement>): { r: number; c: number } | null => {
    const rect = e.currentTarget.getBoundingClientRect();
    const r = Math.floor((e.clientY - rect.top) / cell);
    const c = Math.floor((e.clientX - rect.left) / cell);
    return r >= 0 && c >= 0 && r < nRows && c < nCols ? { r, c } : null;
  };
  const nameAt = (r: number, c: number): string => {
    const { i, j } = layout.toIJ(r, c);
    return p.cellName(i, j);
  };
  return (
    <div className="hm-body">
      <canvas
        ref={canvasRef}
        className="hm-paint"
        aria-hidden="true"
        style={{ left: p.labelW, width, height }}
        onClick={(e) => {
          const hit = at(e);
          if (hit) p.onPick(hit.r, hit.c);
        }}
        onDoubleClick={(e) => {
          const hit = at(e);
          if (hit) p.onEdit(hit.r, hit.c);
        }}
        onMouseMove={(e) => {
          // the tooltip is the canvas's title, set in place: a re-render per mouse move would cost more
          const hit = at(e);
          e.currentTarget.title = hit ? nameAt(hit.r, hit.c) : '';
        }}
      />
      {step < (transpose ? nCols : nRows) && (
        <div
          className={`hm-band${transpose ? ' hm-band-col' : ''}`}
          aria-hidden="true"
          style={transpose ? { left: p.labelW + step * cell, top: 0, width: cell, height } : { left: p.labelW, top: step * cell, width, height: cell }}
        />
      )}
      {Array.from({ length: nRows }, (_, r) => {
        const row = rowState(p.matrix, p.rowIsTarget, step, r);
        const { i, j } = layout.toIJ(r, active.c);
        const focused = r === active.r && p.focus !== null && p.focus.i === i && p.focus.j === j;
        return (
          <div role="row" key={r} aria-rowindex={r + 2} className={row.className} style={{ ...template, height: cell }}>
            <RowHead label={layout.rowLabels[r] ?? ''} unknown={row.unknown} edited={row.edited} editedLabel={p.editedLabel} />
            {r === active.r && (
              <Cell
                // a new element per position, so that focusing it after a move is a focus event
                key={active.c}
                r={r}
                c={active.c}
                name={nameAt(r, active.c)}
                fill="transparent"
                active
                focused={focused}
                className={`hm-cell hm-live${focused ? ' focused' : ''}`}
                style={{ gridColumn: 2, marginLeft: active.c * cell, width: cell }}
              />
            )}
            <div role="gridcell" aria-colindex={nCols + 2} className="hm-extra" style={{ gridColumn: 3 }} title={fmt(p.rowExtra[r] ?? NaN, 3)}>
              {fmt(p.rowExtra[r] ?? NaN, 2)}
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** What paintCells draws: the small grid's look (fills, gaps, dimmed future steps, marks). */
interface Paint {
  layout: HeatmapLayout;
  colour: (v: number) => string;
  cell: number;
  step: number;
  transpose: boolean;
  marked?: (i: number, j: number) => boolean;
}

/**
 * Paints a grid's cells as the small grid's CSS draws them: a fill per cell inside a half-pixel
 * gap, later steps at 35% opacity, marked cells ringed black and white. Drawn at the device's
 * pixel ratio. (The current step's outline is an element over the canvas, `.hm-band`, so that its
 * colour is the stylesheet's accent without reading styles during the commit.)
 */
export function paintCells(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, q: Paint): void {
  const { layout, cell } = q;
  const { nRows, nCols } = layout;
  const ratio = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
  canvas.width = Math.round(nCols * cell * ratio);
  canvas.height = Math.round(nRows * cell * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, nCols * cell, nRows * cell);
  const future = (r: number, c: number): boolean => (q.transpose ? c > q.step : r > q.step);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      ctx.globalAlpha = future(r, c) ? 0.35 : 1;
      ctx.fillStyle = q.colour(layout.value(r, c));
      ctx.fillRect(c * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
    }
  }
  ctx.globalAlpha = 1;
  if (!q.marked) return;
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const { i, j } = layout.toIJ(r, c);
      if (!q.marked(i, j)) continue;
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(c * cell + 0.75, r * cell + 0.75, cell - 1.5, cell - 1.5);
      ctx.strokeStyle = '#fff';
      ctx.strokeRect(c * cell + 2.25, r * cell + 2.25, cell - 4.5, cell - 4.5);
    }
  }
}

interface CellProps {
  r: number;
  c: number;
  name: string;
  fill: string;
  active: boolean;
  focused: boolean;
  className: string;
  /** Placement, for the one cell a painted grid renders. */
  style?: CSSProperties;
}

/**
 * One cell of the grid. Its props are plain values and its events are the grid's (onCellEvent),
 * so a cell whose value, name and state did not change is not rendered again: stepping through
 * decoding re-renders the two rows whose state changed, not all of them (docs/ARCHITECTURE.md,
 * "From a keystroke to pixels").
 */
const Cell = memo(function Cell({ r, c, name, fill, active, focused, className, style }: CellProps) {
  return (
    <div
      role="gridcell"
      aria-colindex={c + 2}
      aria-label={name}
      aria-selected={focused}
      tabIndex={active ? 0 : -1}
      data-cell={`${r},${c}`}
      className={className}
      style={{ background: fill, color: fill === 'transparent' ? undefined : textOn(fill), ...style }}
      title={name}
    />
  );
});

function HeatmapTable({ matrix, layout }: { matrix: Matrix; layout: HeatmapLayout }) {
  const t = useT();
  return (
    <div className="hm-scroll">
      <table className="hm-table">
        <caption>
          {t('punct.named', { name: t('heatmap.title'), value: matrix.kind === 'weights' ? t('heatmap.weights') : t('heatmap.scores') })}
        </caption>
        <thead>
          <tr>
            <td />
            {layout.colLabels.map((l, c) => (
              <th scope="col" key={c}>
                <bdi dir="auto">{l}</bdi>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: layout.nRows }, (_, r) => (
            <tr key={r}>
              <th scope="row">
                <bdi dir="auto">{layout.rowLabels[r]}</bdi>
              </th>
              {Array.from({ length: layout.nCols }, (_, c) => (
                <td key={c}>{fmt(layout.value(r, c), matrix.kind === 'weights' ? 3 : 2)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HeatmapCanvas({ layout, colour, cell, label }: { layout: HeatmapLayout; colour: (v: number) => string; cell: number; label: string }) {
  const t = useT();
  const ref = useRef<HTMLCanvasElement | null>(null);
  const [hover, setHover] = useState('');
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = layout.nCols * cell;
    canvas.height = layout.nRows * cell;
    for (let r = 0; r < layout.nRows; r++) {
      for (let c = 0; c < layout.nCols; c++) {
        ctx.fillStyle = colour(layout.value(r, c));
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }
    }
  }, [layout, colour, cell]);
  return (
    <canvas
      ref={ref}
      className="hm-canvas"
      role="img"
      aria-label={label}
      title={hover}
      onMouseMove={(e) => {
        const rect = e.currentTarget.getBoundingClientRect();
        const c = Math.floor((e.clientX - rect.left) / cell);
        const r = Math.floor((e.clientY - rect.top) / cell);
        if (r >= 0 && c >= 0 && r < layout.nRows && c < layout.nCols) setHover(t('heatmap.cell', { target: layout.rowLabels[r] ?? '', source: layout.colLabels[c] ?? '', value: fmt(layout.value(r, c), 3) }));
      }}
    />
  );
}

export function ColourBar({ palette, domain, kind }: { palette: 'cividis' | 'viridis'; domain: [number, number]; kind: 'weights' | 'scores' }) {
  const t = useT();
  const interp = interpolator(palette);
  const stops = Array.from({ length: 11 }, (_, k) => `${interp(k / 10)} ${k * 10}%`).join(', ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => domain[0] + f * (domain[1] - domain[0]));
  return (
    <div className="colourbar" aria-hidden="true">
      <span className="colourbar-title">{kind === 'weights' ? t('heatmap.weights') : t('heatmap.scores')}</span>
      <div className="colourbar-ramp" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <div className="colourbar-ticks">
        {ticks.map((v, k) => (
          <span key={k}>{fmt(v, kind === 'weights' ? 2 : 1)}</span>
        ))}
      </div>
    </div>
  );
}
