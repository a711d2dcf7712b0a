// The alignment heatmap as a standalone SVG document, for export (docs/ARCHITECTURE.md, "Sharing"): one <rect>
// per cell with its value as a <title>, the tokens as axis labels, axis titles, a colour bar with
// ticks and a caption. A pure string builder (no DOM): it runs in Node tests and in the page.
//
// Styling is done with presentation attributes (fill, font-size…), not CSS, so the drawing
// survives any renderer that ignores <style>. The only CSS is an optional @font-face.
//
// Fonts: the page itself uses the system font stack of src/ui/app.css, so the PNG (rasterised in
// the reader's own browser) already looks like the page with FONT_STACK alone, and by default
// nothing is embedded. A caller that wants a portable SVG file with fixed Latin metrics passes
// `fontDataUrl` (a data:font/woff2;base64,… URL, fetched once by the page); it is embedded as a
// base64 @font-face and put first in the font-family list. Such a font is a Latin subset: CJK,
// Arabic and emoji fall back to the system fonts of whatever shows the file.

import { scaleLinear } from 'd3-scale';
import { colourDomain, colourScale, heatmapLayout, interpolator } from './heatmapModel';
import type { Palette, ValuesKind } from './permalink';
import { baseDirection, escapeXml, estimateTextWidth, graphemes, notationText, parseNotation, truncateGraphemes } from './text';

/** The largest heatmap exported as SVG; past it the page draws with canvas. */
export const MAX_SVG_CELLS = 256 * 256;
/** Caption length, in graphemes, past which it is cut with an ellipsis. */
export const CAPTION_MAX_GRAPHEMES = 120;
/** The caption wraps at the figure's width, but never narrower than this (px). */
export const CAPTION_MIN_WIDTH = 360;

/**
 * `text` in lines no wider than `maxWidth` by `measure`: broken at spaces (kept at the end of the
 * line, so `lines.join('')` is the text with runs of spaces as one), and a word wider than a line
 * (a long token, or Chinese without spaces) broken between characters.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  const push = (piece: string): void => {
    const next = line === '' ? piece : `${line} ${piece}`;
    if (line === '' || measure(next) <= maxWidth) line = next;
    else {
      // the space stays at the end of the line, so that the lines joined are the text again
      lines.push(`${line} `);
      line = piece;
    }
  };
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (measure(word) <= maxWidth) {
      push(word);
      continue;
    }
    // too wide alone: fill lines grapheme by grapheme (an emoji family is never split)
    if (line !== '') line += ' ';
    for (const ch of graphemes(word)) {
      if (line !== '' && measure(line + ch) > maxWidth) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}
/** Axis labels longer than this (in graphemes) are cut; the full token stays in the label's <title>. */
export const LABEL_MAX_GRAPHEMES = 24;
/** Longest axis title or heading drawn, in graphemes (the page's own words; a guard, not a layout). */
export const LABEL_TEXT_MAX_GRAPHEMES = 80;
/** The page's font stack (src/ui/app.css), so an export looks like the page. */
export const FONT_STACK =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji'";
/** The family name an embedded `fontDataUrl` font is declared under. */
export const EMBEDDED_FONT_FAMILY = 'RNNsearch Export';
/** Largest embedded font accepted, in characters of its data URL. */
export const MAX_FONT_DATA_URL_CHARS = 2 * 1024 * 1024;

/** Colours of the two page themes (mirroring src/ui/app.css). */
export const THEME_COLOURS = Object.freeze({
  light: Object.freeze({ background: '#fbfaf7', foreground: '#1d2129', muted: '#545b68', rule: '#dfdcd3' }),
  dark: Object.freeze({ background: '#15181e', foreground: '#e6e8ec', muted: '#a4abb8', rule: '#2c313b' }),
});

/** What to draw: tokens, values (rows = target steps) and how to show them. */
export interface HeatmapSpec {
  sourceTokens: readonly string[];
  targetTokens: readonly string[];
  /** Rows = target steps, columns = source positions. */
  values: ReadonlyArray<ArrayLike<number>>;
  kind: ValuesKind;
  palette: Palette;
  /** Source along the rows and target along the columns (the default is the paper's: source on top). */
  transpose: boolean;
  caption: { model: string; variant: string; sentence: string };
  /**
   * Words drawn in the file, in the reader's language (the page passes its translations).
   * Defaults: AXIS_TITLES and an English heading ("Attention heatmap (weights α)").
   */
  labels?: Partial<HeatmapLabels>;
  /** A target step to outline (the step on show); ignored when not an index of `values`. */
  highlightRow?: number;
  /**
   * Draw only the first `visibleRows` target steps (their cells and labels), the rest of the grid
   * left empty inside a thin outline: one frame of the decoding animation (animation.ts), where
   * frame k shows the steps 0..k the model has decoded so far. The layout (size, label room,
   * colour scale) is computed from every step all the same, so that all frames have one size and
   * one colour scale. Absent: every step.
   */
  visibleRows?: number;
  theme: 'light' | 'dark';
}

/** The words of an export: the two axis titles and the heading its <title> starts with. */
export interface HeatmapLabels {
  targetAxis: string;
  sourceAxis: string;
  heading: string;
}

/** The heading an export's <title> starts with when the caller gives none. */
export function defaultHeading(kind: ValuesKind): string {
  return `Attention heatmap (${kind === 'weights' ? 'weights α' : 'scores e'})`;
}

/** Options of buildHeatmapSvg. */
export interface HeatmapSvgOptions {
  /** A `data:font/woff2;base64,…` (or woff, ttf, otf) URL to embed; see the note at the top. */
  fontDataUrl?: string;
}

/** A standalone SVG document and its size in px (CSS pixels; rasterise at 2× or 3×). */
export interface HeatmapSvg {
  svg: string;
  width: number;
  height: number;
}

/** An axis title in the paper's notation as SVG text content: subscripts and superscripts as shifted, smaller tspans. */
function notationSvg(text: string): string {
  return parseNotation(text)
    .map((r) => (r.kind === 'text' ? escapeXml(r.text) : `<tspan baseline-shift="${r.kind === 'sub' ? 'sub' : 'super'}" font-size="75%">${escapeXml(r.text)}</tspan>`))
    .join('');
}

/** Thrown by buildHeatmapSvg: 'too-large' past MAX_SVG_CELLS, 'bad-shape', 'empty', 'bad-font'. */
export class HeatmapExportError extends Error {
  override name = 'HeatmapExportError';
  constructor(
    readonly kind: 'too-large' | 'bad-shape' | 'empty' | 'bad-font',
    message: string,
  ) {
    super(message);
  }
}

/** Axis titles: the row and column roles of the paper's symbols. */
export const AXIS_TITLES = Object.freeze({
  target: 'target step i · query s_{i−1}',
  source: 'source j · annotation h_j',
});


const FONT_DATA_URL = /^data:(font\/(?:woff2|woff|ttf|otf)|application\/(?:font-woff2?|x-font-ttf|x-font-otf|font-sfnt));base64,[A-Za-z0-9+/]+={0,2}$/;
const FONT_FORMATS: Record<string, string> = {
  'font/woff2': 'woff2',
  'font/woff': 'woff',
  'application/font-woff2': 'woff2',
  'application/font-woff': 'woff',
  'font/ttf': 'truetype',
  'application/x-font-ttf': 'truetype',
  'font/otf': 'opentype',
  'application/x-font-otf': 'opentype',
  'application/font-sfnt': 'opentype',
};

/** A cell's value as its <title> shows it. */
export function formatCellValue(v: number, kind: ValuesKind): string {
  if (!Number.isFinite(v)) return 'no value';
  if (kind === 'weights') return v.toFixed(3);
  return Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3);
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function checkSpec(spec: HeatmapSpec): void {
  const rows = spec.targetTokens.length;
  const cols = spec.sourceTokens.length;
  if (rows === 0 || cols === 0) throw new HeatmapExportError('empty', `nothing to draw: ${rows} target and ${cols} source tokens`);
  if (rows * cols > MAX_SVG_CELLS) {
    throw new HeatmapExportError('too-large', `${rows} × ${cols} = ${rows * cols} cells; SVG export stops at ${MAX_SVG_CELLS}`);
  }
  if (spec.values.length !== rows) throw new HeatmapExportError('bad-shape', `${spec.values.length} rows of values for ${rows} target tokens`);
  spec.values.forEach((row, i) => {
    if (row.length !== cols) throw new HeatmapExportError('bad-shape', `row ${i} has ${row.length} values for ${cols} source tokens`);
  });
}

function fontFace(fontDataUrl: string | undefined): string {
  if (fontDataUrl === undefined) return '';
  const m = fontDataUrl.length <= MAX_FONT_DATA_URL_CHARS ? FONT_DATA_URL.exec(fontDataUrl) : null;
  if (!m) throw new HeatmapExportError('bad-font', 'fontDataUrl must be a base64 data: URL of a woff2, woff, ttf or otf font (at most 2 MiB)');
  // base64 holds no <, & or quote, so the URL is safe inside <style> and inside url("…")
  return `<style>@font-face{font-family:"${EMBEDDED_FONT_FAMILY}";src:url("${fontDataUrl}") format("${FONT_FORMATS[m[1] as string]}");}</style>\n`;
}

/** Attributes that give a label its own base direction (Arabic, Hebrew…), and the anchor to use. */
function bidi(text: string, ltrAnchor: 'start' | 'end'): string {
  if (baseDirection(text) === 'ltr') return `text-anchor="${ltrAnchor}"`;
  // in rtl text "start" is the right-hand end, so the anchor flips to keep the same visual side
  return `direction="rtl" unicode-bidi="embed" text-anchor="${ltrAnchor === 'start' ? 'end' : 'start'}"`;
}

/** A label's <text> content: the (possibly cut) token, with the full token as a <title> when cut. */
function labelContent(token: string): string {
  const shown = truncateGraphemes(token, LABEL_MAX_GRAPHEMES);
  return shown === token ? escapeXml(token) : `<title>${escapeXml(token)}</title>${escapeXml(shown)}`;
}

/**
 * The heatmap as a standalone SVG document. Throws HeatmapExportError: 'too-large' past
 * MAX_SVG_CELLS cells (draw with canvas instead), 'empty' with no tokens on a side, 'bad-shape'
 * when values and tokens disagree, 'bad-font' for a fontDataUrl that is not a base64 font.
 */
export function buildHeatmapSvg(spec: HeatmapSpec, options: HeatmapSvgOptions = {}): HeatmapSvg {
  checkSpec(spec);
  const style = fontFace(options.fontDataUrl);
  const colours = THEME_COLOURS[spec.theme];
  const t = spec.transpose;
  // the same layout as the page's grid, canvas and table (src/export/heatmapModel.ts)
  const layout = heatmapLayout(spec, t);
  const { nRows, nCols, rowLabels: rowTokens, colLabels: colTokens } = layout;
  const valueAt = layout.value;

  // ---- layout (px) ----
  const cell = Math.max(4, Math.min(24, Math.floor(720 / Math.max(nRows, nCols))));
  const labelFont = r2(Math.max(4, Math.min(12, cell * 0.55)));
  const textFont = 12;
  const pad = 16;
  const gap = 6;
  const labelWidth = (tokens: readonly string[]): number => {
    let w = 0;
    for (const tok of tokens) w = Math.max(w, estimateTextWidth(truncateGraphemes(tok, LABEL_MAX_GRAPHEMES), labelFont));
    return Math.ceil(w);
  };
  const targetAxis = truncateGraphemes(spec.labels?.targetAxis || AXIS_TITLES.target, LABEL_TEXT_MAX_GRAPHEMES);
  const sourceAxis = truncateGraphemes(spec.labels?.sourceAxis || AXIS_TITLES.source, LABEL_TEXT_MAX_GRAPHEMES);
  const heading = truncateGraphemes(spec.labels?.heading || defaultHeading(spec.kind), LABEL_TEXT_MAX_GRAPHEMES);
  const rowTitle = t ? sourceAxis : targetAxis;
  const colTitle = t ? targetAxis : sourceAxis;
  const gridLeft = pad + textFont + gap + labelWidth(rowTokens) + gap;
  const gridTop = pad + textFont + gap + labelWidth(colTokens) + gap;
  const gridW = nCols * cell;
  const gridH = nRows * cell;

  const [lo, hi] = colourDomain(spec.values, spec.kind);
  const colour = colourScale(spec.palette, [lo, hi]);
  const barX = gridLeft + gridW + 20;
  const barW = 12;
  const barH = Math.max(96, Math.min(gridH, 240));
  const barTop = gridTop;
  const barScale = scaleLinear().domain([lo, hi]).range([barTop + barH, barTop]);
  const ticks = spec.kind === 'weights' ? [0, 0.25, 0.5, 0.75, 1] : barScale.ticks(5);
  const tickFormat = spec.kind === 'weights' ? (v: number) => String(v) : barScale.tickFormat(5);
  const tickLabels = ticks.map((v) => tickFormat(v));
  let tickW = 0;
  for (const s of tickLabels) tickW = Math.max(tickW, estimateTextWidth(s, textFont));
  const barTitle = spec.kind === 'weights' ? 'α' : 'e';

  const caption = truncateGraphemes(`${spec.caption.model} · ${spec.caption.variant} · ${spec.caption.sentence}`, CAPTION_MAX_GRAPHEMES);
  // titles and caption get 15% extra room: their font is whatever the viewer has (see the top)
  const wide = (text: string): number => 1.15 * estimateTextWidth(text, textFont);
  const contentBottom = Math.max(gridTop + gridH, barTop + barH, gridTop + wide(notationText(rowTitle)));
  const captionY = contentBottom + gap * 3 + textFont;
  // the caption wraps to the figure's width (at least CAPTION_MIN_WIDTH), so the image hugs the figure
  const figureW = Math.max(barX + barW + gap + tickW + pad, gridLeft + wide(notationText(colTitle)) + pad);
  const captionLines = wrapText(caption, Math.max(figureW, CAPTION_MIN_WIDTH) - 2 * pad, wide);
  const lineHeight = Math.round(textFont * 1.35);
  const width = Math.ceil(Math.max(figureW, ...captionLines.map((l) => pad + wide(l) + pad)));
  const height = Math.ceil(captionY + (captionLines.length - 1) * lineHeight + pad);

  // ---- drawing ----
  const out: string[] = [];
  const title = `${heading}: ${caption}`;
  const family = options.fontDataUrl === undefined ? FONT_STACK : `'${EMBEDDED_FONT_FAMILY}', ${FONT_STACK}`;
  out.push('<?xml version="1.0" encoding="UTF-8"?>\n');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="rnnsearch-heatmap-title" font-family="${escapeXml(family)}">\n`,
  );
  out.push(`<title id="rnnsearch-heatmap-title">${escapeXml(title)}</title>\n`);
  out.push(style);
  out.push('<defs><linearGradient id="rnnsearch-colour-bar" x1="0" y1="1" x2="0" y2="0">');
  for (let k = 0; k <= 16; k++) out.push(`<stop offset="${r2(k / 16)}" stop-color="${interpolator(spec.palette)(k / 16)}"/>`);
  out.push('</linearGradient></defs>\n');
  out.push(`<rect class="background" width="${width}" height="${height}" fill="${colours.background}"/>\n`);

  // a frame of the animation: target steps from `visible` on are not decoded yet
  const visible = spec.visibleRows === undefined ? spec.targetTokens.length : Math.max(0, Math.min(spec.targetTokens.length, Math.floor(spec.visibleRows)));
  if (visible < spec.targetTokens.length) {
    out.push(`<rect class="pending" x="${gridLeft}" y="${gridTop}" width="${gridW}" height="${gridH}" fill="none" stroke="${colours.rule}"/>\n`);
  }
  out.push('<g class="cells">\n');
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      if ((t ? c : r) >= visible) continue;
      const v = valueAt(r, c);
      const fill = colour(v);
      const tgt = (t ? colTokens[c] : rowTokens[r]) as string;
      const src = (t ? rowTokens[r] : colTokens[c]) as string;
      const name = `${truncateGraphemes(tgt, 40)} ↔ ${truncateGraphemes(src, 40)}: ${formatCellValue(v, spec.kind)}`;
      out.push(`<rect x="${gridLeft + c * cell}" y="${gridTop + r * cell}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeXml(name)}</title></rect>\n`);
    }
  }
  out.push('</g>\n');

  const h = spec.highlightRow;
  if (h !== undefined && Number.isInteger(h) && h >= 0 && h < spec.targetTokens.length) {
    const [x, y, w, hh] = t ? [gridLeft + h * cell, gridTop, cell, gridH] : [gridLeft, gridTop + h * cell, gridW, cell];
    // a line in the text colour on a halo of the background colour: visible on dark and light cells
    const box = `x="${x}" y="${y}" width="${w}" height="${hh}"`;
    out.push(`<g class="highlight" fill="none"><rect ${box} stroke="${colours.background}" stroke-width="4"/><rect ${box} stroke="${colours.foreground}" stroke-width="1.5"/></g>\n`);
  }

  out.push(`<g class="row-labels" font-size="${labelFont}" fill="${colours.foreground}">\n`);
  rowTokens.forEach((tok, r) => {
    if (!t && r >= visible) return;
    const y = r2(gridTop + r * cell + cell / 2 + labelFont * 0.35);
    out.push(`<text x="${gridLeft - gap}" y="${y}" ${bidi(tok, 'end')}>${labelContent(tok)}</text>\n`);
  });
  out.push('</g>\n');
  out.push(`<g class="column-labels" font-size="${labelFont}" fill="${colours.foreground}">\n`);
  colTokens.forEach((tok, c) => {
    if (t && c >= visible) return;
    const x = r2(gridLeft + c * cell + cell / 2 + labelFont * 0.35);
    const y = gridTop - gap;
    out.push(`<text x="${x}" y="${y}" transform="rotate(-90 ${x} ${y})" ${bidi(tok, 'start')}>${labelContent(tok)}</text>\n`);
  });
  out.push('</g>\n');

  const rowTitleX = pad + textFont;
  out.push(
    `<text class="axis-title row-title" x="${rowTitleX}" y="${gridTop}" transform="rotate(-90 ${rowTitleX} ${gridTop})" text-anchor="end" font-size="${textFont}" fill="${colours.muted}">${notationSvg(rowTitle)}</text>\n`,
  );
  out.push(
    `<text class="axis-title column-title" x="${gridLeft}" y="${pad + textFont}" text-anchor="start" font-size="${textFont}" fill="${colours.muted}">${notationSvg(colTitle)}</text>\n`,
  );

  out.push(`<g class="colour-bar" font-size="${textFont}" fill="${colours.foreground}">\n`);
  out.push(`<rect x="${barX}" y="${barTop}" width="${barW}" height="${barH}" fill="url(#rnnsearch-colour-bar)" stroke="${colours.rule}"/>\n`);
  out.push(`<text x="${barX}" y="${barTop - gap}" text-anchor="start">${barTitle}</text>\n`);
  ticks.forEach((v, k) => {
    const y = r2(barScale(v));
    out.push(`<line x1="${barX + barW}" y1="${y}" x2="${barX + barW + 4}" y2="${y}" stroke="${colours.foreground}"/>`);
    out.push(`<text x="${barX + barW + gap}" y="${r2(y + textFont * 0.35)}" text-anchor="start">${escapeXml(tickLabels[k] as string)}</text>\n`);
  });
  out.push('</g>\n');

  out.push(`<text class="caption" x="${pad}" y="${captionY}" font-size="${textFont}" fill="${colours.muted}">`);
  captionLines.forEach((line, k) => out.push(`<tspan x="${pad}" dy="${k === 0 ? 0 : lineHeight}">${escapeXml(line)}</tspan>`));
  out.push('</text>\n');
  out.push('</svg>\n');
  return { svg: out.join(''), width, height };
}
