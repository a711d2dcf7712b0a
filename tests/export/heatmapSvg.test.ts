// @vitest-environment jsdom
// The SVG heatmap export, parsed back with jsdom's strict XML parser (DOMParser, image/svg+xml):
// well-formed for hostile tokens, every token present, one rect per cell, d3's colours, transpose,
// caption, bidi, size caps and the embedded font.
import { interpolateCividis, interpolateViridis } from 'd3-scale-chromatic';
import { notationText } from '../../src/export/text';
import { describe, expect, it } from 'vitest';
import {
  AXIS_TITLES,
  CAPTION_MAX_GRAPHEMES,
  EMBEDDED_FONT_FAMILY,
  FONT_STACK,
  HeatmapExportError,
  MAX_SVG_CELLS,
  THEME_COLOURS,
  buildHeatmapSvg,
  type HeatmapSpec,
} from '../../src/export/heatmapSvg';
import { MISSING_FILL } from '../../src/export/heatmapModel';

function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`not well-formed XML: ${error.textContent}`);
  expect(doc.documentElement.namespaceURI).toBe('http://www.w3.org/2000/svg');
  return doc;
}

function spec(patch: Partial<HeatmapSpec> = {}): HeatmapSpec {
  return {
    sourceTokens: ['the', 'black', 'cat', '</s>'],
    targetTokens: ['le', 'chat', 'noir', '</s>'],
    values: [
      [0.7, 0.1, 0.1, 0.1],
      [0.05, 0.05, 0.85, 0.05],
      [0.1, 0.8, 0.05, 0.05],
      [0, 0, 0, 1],
    ],
    kind: 'weights',
    palette: 'cividis',
    transpose: false,
    caption: { model: 'en-fr-additive', variant: 'additive', sentence: 'the black cat .' },
    theme: 'light',
    ...patch,
  };
}

const texts = (doc: Document, selector: string): string[] =>
  Array.from(doc.querySelectorAll(selector), (el) => {
    // a label's own text, without the <title> that holds a cut token in full
    let s = '';
    el.childNodes.forEach((n) => {
      if (n.nodeType === 3) s += n.textContent;
    });
    return s;
  });

describe('buildHeatmapSvg', () => {
  it('is a well-formed standalone SVG whose size matches what it returns', () => {
    const { svg, width, height } = buildHeatmapSvg(spec());
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const root = parse(svg).documentElement;
    expect(root.getAttribute('width')).toBe(String(width));
    expect(root.getAttribute('height')).toBe(String(height));
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${width} ${height}`);
    expect(root.getAttribute('font-family')).toBe(FONT_STACK);
    expect(root.querySelector('style')).toBeNull();
    expect(Number.isInteger(width) && Number.isInteger(height)).toBe(true);
  });

  it('has one rect per cell, plus the background and the colour bar', () => {
    const doc = parse(buildHeatmapSvg(spec()).svg);
    expect(doc.querySelectorAll('g.cells > rect')).toHaveLength(16);
    expect(doc.querySelectorAll('rect')).toHaveLength(16 + 2);
    const wide = parse(buildHeatmapSvg(spec({ targetTokens: ['a', 'b'], values: [[1, 0, 0, 0], [0, 1, 0, 0]] })).svg);
    expect(wide.querySelectorAll('g.cells > rect')).toHaveLength(8);
  });

  it('labels the axes with every token, as given (<unk> included)', () => {
    const s = spec({ sourceTokens: ['the', '<unk>', 'cat', '</s>'] });
    const doc = parse(buildHeatmapSvg(s).svg);
    expect(texts(doc, 'g.row-labels > text')).toEqual(s.targetTokens);
    expect(texts(doc, 'g.column-labels > text')).toEqual(s.sourceTokens);
    expect(doc.querySelector('.row-title')?.textContent).toBe(notationText(AXIS_TITLES.target));
    expect(doc.querySelector('.column-title')?.textContent).toBe(notationText(AXIS_TITLES.source));
    expect(AXIS_TITLES).toEqual({ target: 'target step i · query s_{i−1}', source: 'source j · annotation h_j' });
    // the paper's notation: s_{i−1} and h_j drawn with real subscripts
    const sub = (sel: string) => Array.from(doc.querySelectorAll(`${sel} tspan[baseline-shift="sub"]`), (n) => n.textContent);
    expect(sub('.row-title')).toEqual(['i−1']);
    expect(sub('.column-title')).toEqual(['j']);
    expect(doc.querySelector('.row-title tspan')?.getAttribute('font-size')).toBe('75%');
    for (const label of doc.querySelectorAll('g.column-labels > text')) expect(label.getAttribute('transform')).toMatch(/^rotate\(-90 /);
  });

  it('draws the caller’s words for the axis titles and heading (the page’s language), escaped and capped', () => {
    const labels = { targetAxis: '目标步 i · 查询 s_{i−1}', sourceAxis: '源位置 j <&> h_j', heading: '注意力热图（权重 α）' };
    const doc = parse(buildHeatmapSvg(spec({ labels })).svg);
    expect(doc.querySelector('.row-title')?.textContent).toBe(notationText(labels.targetAxis));
    expect(doc.querySelector('.column-title')?.textContent).toBe(notationText(labels.sourceAxis));
    expect(doc.querySelector('svg > title')?.textContent).toMatch(/^注意力热图（权重 α）: en-fr-additive/);
    const t = parse(buildHeatmapSvg(spec({ labels, transpose: true })).svg);
    expect(t.querySelector('.row-title')?.textContent).toBe(notationText(labels.sourceAxis));
    // empty words fall back to the defaults; very long ones are cut
    const d = parse(buildHeatmapSvg(spec({ labels: { targetAxis: '', heading: 'x'.repeat(500) } })).svg);
    expect(d.querySelector('.row-title')?.textContent).toBe(notationText(AXIS_TITLES.target));
    expect(d.querySelector('.column-title')?.textContent).toBe(notationText(AXIS_TITLES.source));
    expect((d.querySelector('svg > title')?.textContent ?? '').split(':')[0]?.length).toBeLessThanOrEqual(80);
  });

  it('escapes hostile tokens and captions: the result is still well-formed and shows them verbatim', () => {
    const hostile = ['<script>x()</script>', 'a&b', '"q"', "'s'", ']]>', '<!--', '&amp;'];
    const s = spec({
      sourceTokens: [...hostile, '</s>'],
      values: spec().values.map(() => new Array<number>(hostile.length + 1).fill(0.125)),
      caption: { model: 'm"><script>', variant: "v'&", sentence: ']]> <b>bold</b> & more' },
    });
    const { svg } = buildHeatmapSvg(s);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toMatch(/]]>(?!$)/);
    const doc = parse(svg);
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(texts(doc, 'g.column-labels > text')).toEqual(s.sourceTokens);
    expect(doc.querySelector('.caption')?.textContent).toBe('m"><script> · v\'& · ]]> <b>bold</b> & more');
    expect(doc.querySelector('g.cells > rect > title')?.textContent).toBe('le ↔ <script>x()</script>: 0.125');
  });

  it('replaces characters XML forbids (controls, lone surrogates) instead of breaking the document', () => {
    const s = spec({ sourceTokens: ['nul\u0000', 'bell\u0007', 'half\ud800', '</s>'] });
    const doc = parse(buildHeatmapSvg(s).svg);
    expect(texts(doc, 'g.column-labels > text')).toEqual(['nul\uFFFD', 'bell\uFFFD', 'half\uFFFD', '</s>']);
  });

  it('colours weights on [0, 1] with d3 cividis (ends exact) and viridis', () => {
    const s = spec({ sourceTokens: ['a', 'b', 'c'], targetTokens: ['x'], values: [[0, 1, 0.5]] });
    const fills = (p: HeatmapSpec): (string | null)[] => Array.from(parse(buildHeatmapSvg(p).svg).querySelectorAll('g.cells > rect'), (r) => r.getAttribute('fill'));
    expect(fills(s)).toEqual([interpolateCividis(0), interpolateCividis(1), interpolateCividis(0.5)]);
    expect(fills(s).slice(0, 2)).toEqual(['rgb(0, 32, 81)', 'rgb(253, 234, 69)']);
    expect(fills({ ...s, palette: 'viridis' })).toEqual(['#440154', '#fde725', interpolateViridis(0.5)]);
    // values outside [0, 1] are clamped; a non-finite value gets the "missing" grey
    expect(fills({ ...s, values: [[-0.5, 1.5, NaN]] })).toEqual([interpolateCividis(0), interpolateCividis(1), MISSING_FILL]);
  });

  it('colours scores on their own finite [min, max], with matching colour-bar ticks', () => {
    const s = spec({ sourceTokens: ['a', 'b', 'c', 'd'], targetTokens: ['x'], values: [[-3, 7, 2, Infinity]], kind: 'scores' });
    const doc = parse(buildHeatmapSvg(s).svg);
    const fills = Array.from(doc.querySelectorAll('g.cells > rect'), (r) => r.getAttribute('fill'));
    expect(fills).toEqual([interpolateCividis(0), interpolateCividis(1), interpolateCividis(0.5), MISSING_FILL]);
    const ticks = Array.from(doc.querySelectorAll('g.colour-bar > text'), (t) => t.textContent);
    expect(ticks[0]).toBe('e');
    expect(ticks.slice(1)).toEqual(['−2', '0', '2', '4', '6']);
    const titles = Array.from(doc.querySelectorAll('g.cells > rect > title'), (t) => t.textContent);
    expect(titles).toEqual(['x ↔ a: -3.000', 'x ↔ b: 7.000', 'x ↔ c: 2.000', 'x ↔ d: no value']);
  });

  it('colour bar: weights ticks 0 … 1, bottom to top, and a gradient of the palette', () => {
    const doc = parse(buildHeatmapSvg(spec()).svg);
    const labels = Array.from(doc.querySelectorAll('g.colour-bar > text'), (t) => t.textContent);
    expect(labels).toEqual(['α', '0', '0.25', '0.5', '0.75', '1']);
    const ys = Array.from(doc.querySelectorAll('g.colour-bar > line'), (l) => Number(l.getAttribute('y1')));
    for (let k = 1; k < ys.length; k++) expect(ys[k]).toBeLessThan(ys[k - 1] as number);
    const stops = doc.querySelectorAll('linearGradient > stop');
    expect(stops[0]?.getAttribute('stop-color')).toBe(interpolateCividis(0));
    expect(stops[stops.length - 1]?.getAttribute('stop-color')).toBe(interpolateCividis(1));
  });

  it('transpose swaps the axes, their titles and the cell order', () => {
    const s = spec({ targetTokens: ['le', 'chat'], values: [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]], transpose: true });
    const doc = parse(buildHeatmapSvg(s).svg);
    expect(texts(doc, 'g.row-labels > text')).toEqual(s.sourceTokens);
    expect(texts(doc, 'g.column-labels > text')).toEqual(s.targetTokens);
    expect(doc.querySelector('.row-title')?.textContent).toBe(notationText(AXIS_TITLES.source));
    expect(doc.querySelector('.column-title')?.textContent).toBe(notationText(AXIS_TITLES.target));
    const cells = Array.from(doc.querySelectorAll('g.cells > rect'), (r) => r.querySelector('title')?.textContent);
    // row-major over (source, target): the second cell is target 'chat' at source 'the'
    expect(cells.slice(0, 3)).toEqual(['le ↔ the: 0.100', 'chat ↔ the: 0.500', 'le ↔ black: 0.200']);
    const first = doc.querySelector('g.cells > rect');
    const second = doc.querySelectorAll('g.cells > rect')[1];
    expect(second?.getAttribute('y')).toBe(first?.getAttribute('y'));
    expect(Number(second?.getAttribute('x'))).toBeGreaterThan(Number(first?.getAttribute('x')));
  });

  it('outlines the highlighted step: a row, or a column when transposed; ignores a bad index', () => {
    const plain = parse(buildHeatmapSvg(spec({ highlightRow: 2 })).svg);
    expect(plain.querySelectorAll('g.highlight > rect')).toHaveLength(2); // halo and line
    const h = plain.querySelector('g.highlight > rect');
    const cellsOfRow2 = Array.from(plain.querySelectorAll('g.cells > rect')).slice(8, 12);
    expect(h?.getAttribute('y')).toBe(cellsOfRow2[0]?.getAttribute('y'));
    expect(h?.getAttribute('x')).toBe(cellsOfRow2[0]?.getAttribute('x'));
    expect(Number(h?.getAttribute('width'))).toBe(4 * Number(cellsOfRow2[0]?.getAttribute('width')));
    const transposed = parse(buildHeatmapSvg(spec({ highlightRow: 2, transpose: true })).svg).querySelector('g.highlight > rect');
    expect(transposed?.getAttribute('width')).toBe(cellsOfRow2[0]?.getAttribute('width'));
    for (const bad of [-1, 4, 1.5, Number.NaN]) expect(parse(buildHeatmapSvg(spec({ highlightRow: bad })).svg).querySelector('g.highlight')).toBeNull();
  });

  it('cuts the caption past 120 graphemes with an ellipsis, never inside an emoji', () => {
    const short = parse(buildHeatmapSvg(spec()).svg).querySelector('.caption')?.textContent;
    expect(short).toBe('en-fr-additive · additive · the black cat .');
    const family = '👩‍👩‍👧';
    const sentence = `${'x'.repeat(90)}${family.repeat(40)}`;
    const caption = parse(buildHeatmapSvg(spec({ caption: { model: 'm', variant: 'v', sentence } })).svg).querySelector('.caption')?.textContent as string;
    const graphemes = Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(caption), (g) => g.segment);
    expect(graphemes).toHaveLength(CAPTION_MAX_GRAPHEMES);
    expect(graphemes[graphemes.length - 1]).toBe('…');
    expect(graphemes[graphemes.length - 2]).toBe(family);
  });

  it('long tokens are cut on the axis but kept whole in the label title', () => {
    const long = 'antidisestablishmentarianism-and-more-and-more';
    const doc = parse(buildHeatmapSvg(spec({ sourceTokens: [long, 'b', 'c', '</s>'] })).svg);
    const label = doc.querySelector('g.column-labels > text');
    expect(label?.querySelector('title')?.textContent).toBe(long);
    expect(texts(doc, 'g.column-labels > text')[0]).toBe(`${long.slice(0, 23)}…`);
  });

  it('gives right-to-left labels their own direction, with the anchor flipped to the same side', () => {
    const s = spec({ sourceTokens: ['القط', 'الأسود', 'cat', '</s>'], targetTokens: ['我喜欢', 'שלום', 'x', '</s>'] });
    const doc = parse(buildHeatmapSvg(s).svg);
    const cols = doc.querySelectorAll('g.column-labels > text');
    expect(cols[0]?.getAttribute('direction')).toBe('rtl');
    expect(cols[0]?.getAttribute('text-anchor')).toBe('end');
    expect(cols[2]?.getAttribute('direction')).toBeNull();
    expect(cols[2]?.getAttribute('text-anchor')).toBe('start');
    const rows = doc.querySelectorAll('g.row-labels > text');
    expect(rows[0]?.getAttribute('direction')).toBeNull(); // CJK is left-to-right
    expect(rows[1]?.getAttribute('direction')).toBe('rtl');
    expect(rows[1]?.getAttribute('text-anchor')).toBe('start');
    expect(rows[2]?.getAttribute('text-anchor')).toBe('end');
  });

  it('keeps every label anchor and the grid inside the picture, with room for long labels', () => {
    const { svg, width, height } = buildHeatmapSvg(spec({ sourceTokens: ['a', '我喜欢黑猫我喜欢黑猫', 'c', '</s>'] }));
    const doc = parse(svg);
    for (const t of doc.querySelectorAll('text')) {
      expect(Number(t.getAttribute('x'))).toBeGreaterThanOrEqual(0);
      expect(Number(t.getAttribute('x'))).toBeLessThanOrEqual(width);
      expect(Number(t.getAttribute('y'))).toBeGreaterThanOrEqual(0);
      expect(Number(t.getAttribute('y'))).toBeLessThanOrEqual(height);
    }
    // the rotated CJK label (10 wide characters at 12 px ≈ 120 px) fits above the grid
    const gridTop = Number(doc.querySelector('g.cells > rect')?.getAttribute('y'));
    expect(gridTop).toBeGreaterThan(120 + 16);
  });

  it('follows the theme', () => {
    for (const theme of ['light', 'dark'] as const) {
      const doc = parse(buildHeatmapSvg(spec({ theme })).svg);
      expect(doc.querySelector('rect.background')?.getAttribute('fill')).toBe(THEME_COLOURS[theme].background);
      expect(doc.querySelector('g.row-labels')?.getAttribute('fill')).toBe(THEME_COLOURS[theme].foreground);
    }
  });

  it('embeds a font as a base64 @font-face when given one, and refuses anything else', () => {
    const fontDataUrl = 'data:font/woff2;base64,d09GMgABAAAAAA==';
    const doc = parse(buildHeatmapSvg(spec(), { fontDataUrl }).svg);
    const style = doc.querySelector('style')?.textContent ?? '';
    expect(style).toContain(`@font-face{font-family:"${EMBEDDED_FONT_FAMILY}";src:url("${fontDataUrl}") format("woff2");}`);
    expect(doc.documentElement.getAttribute('font-family')).toBe(`'${EMBEDDED_FONT_FAMILY}', ${FONT_STACK}`);
    for (const bad of [
      'https://example.org/font.woff2',
      'data:font/woff2;base64,AAAA");}</style><script>alert(1)</script>',
      'data:text/css;base64,AAAA',
      'data:font/woff2,plain',
      `data:font/woff2;base64,${'A'.repeat(3 * 1024 * 1024)}`,
    ]) {
      expect(() => buildHeatmapSvg(spec(), { fontDataUrl: bad })).toThrow(expect.objectContaining({ kind: 'bad-font' }));
    }
  });

  it('refuses more than 256 × 256 cells with a typed error, and accepts exactly that many', () => {
    const big = (rows: number, cols: number): HeatmapSpec =>
      spec({
        sourceTokens: Array.from({ length: cols }, (_, j) => `s${j}`),
        targetTokens: Array.from({ length: rows }, (_, i) => `t${i}`),
        values: Array.from({ length: rows }, () => new Float32Array(cols)),
      });
    let error: unknown;
    try {
      buildHeatmapSvg(big(257, 256));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeatmapExportError);
    expect(error).toMatchObject({ kind: 'too-large' });
    const { svg } = buildHeatmapSvg(big(256, 256));
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(MAX_SVG_CELLS);
  });

  it('refuses empty sides and mismatched values with typed errors', () => {
    expect(() => buildHeatmapSvg(spec({ sourceTokens: [], values: [[], [], [], []] }))).toThrow(expect.objectContaining({ kind: 'empty' }));
    expect(() => buildHeatmapSvg(spec({ values: spec().values.slice(1) }))).toThrow(expect.objectContaining({ kind: 'bad-shape' }));
    expect(() => buildHeatmapSvg(spec({ values: [[1], [1], [1], [1]] }))).toThrow(expect.objectContaining({ kind: 'bad-shape' }));
  });

  it('names the heatmap for assistive technology', () => {
    const doc = parse(buildHeatmapSvg(spec({ kind: 'scores' })).svg);
    expect(doc.documentElement.getAttribute('role')).toBe('img');
    const id = doc.documentElement.getAttribute('aria-labelledby') as string;
    expect(doc.getElementById(id)?.textContent).toBe('Attention heatmap (scores e): en-fr-additive · additive · the black cat .');
  });
});

describe('caption wrapping', () => {
  it('wraps a long caption to the figure’s width, so the image hugs the heatmap; the lines join back into the caption', async () => {
    const { wrapText, CAPTION_MIN_WIDTH } = await import('../../src/export/heatmapSvg');
    const measure = (s: string): number => s.length * 7;
    const text = 'the agreement on the European Economic Area was signed in August 1992 . 欧洲经济区协定于一九九二年八月签署';
    const lines = wrapText(text, 200, measure);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(measure(l.trimEnd())).toBeLessThanOrEqual(200);
    expect(lines.join('')).toBe(text);
    expect(wrapText('', 100, measure)).toEqual(['']);
    const sentence = 'the agreement on the European Economic Area was signed in August 1992 .';
    const { svg, width } = buildHeatmapSvg(spec({ caption: { model: 'en-fr-additive', variant: 'Additive (Bahdanau)', sentence } }));
    const doc = parse(svg);
    expect(doc.querySelectorAll('.caption tspan').length).toBeGreaterThan(1);
    expect(doc.querySelector('.caption')?.textContent).toBe(`en-fr-additive · Additive (Bahdanau) · ${sentence}`);
    // no wider than the figure or the minimum caption width (the one-line caption made it far wider)
    expect(width).toBeLessThanOrEqual(Math.max(CAPTION_MIN_WIDTH, buildHeatmapSvg(spec({ caption: { model: 'm', variant: 'v', sentence: 's' } })).width) + 1);
  });
});
