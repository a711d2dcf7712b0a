// Text helpers for the exports: XML escaping, grapheme-safe truncation, a rough width estimate
// for layout without a DOM, and the base direction of a label. Pure functions: Node and browser.

/**
 * Characters XML 1.0 forbids anywhere in a document (C0 controls except TAB, LF and CR; U+FFFE,
 * U+FFFF) and unpaired surrogates. A token holding one would make the SVG not well-formed.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes text for XML element content and for attribute values in either quote style:
 * `& < > " '` become entities (so `]]>` cannot end anything), and characters XML forbids become
 * U+FFFD.
 */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

let segmenter: Intl.Segmenter | null | undefined;

/** User-perceived characters (grapheme clusters): 👩‍👩‍👧 is one, e + U+0301 is one. */
export function graphemes(text: string): string[] {
  if (segmenter === undefined) {
    segmenter = typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  if (segmenter === null) return Array.from(text); // code points: never splits a surrogate pair
  const out: string[] = [];
  for (const s of segmenter.segment(text)) out.push(s.segment);
  return out;
}

/** `text` cut to at most `max` graphemes, the last of them an ellipsis when it was cut. */
export function truncateGraphemes(text: string, max: number): string {
  if (text.length <= max) return text; // fewer code units than max: fewer graphemes too
  const g = graphemes(text);
  if (g.length <= max) return text;
  return `${g.slice(0, Math.max(0, max - 1)).join('')}…`;
}

const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]|\p{Extended_Pictographic}/u;
const NARROW = /^[ijlft.,:;'!|()[\]{}\s`]$/;
const BROAD = /^[MWmw@%]$/;

/**
 * A deliberately generous estimate of the advance width of `text` at `fontSize` px, in px. The
 * export is laid out without a DOM (Node tests, workers), so margins come from this; too wide
 * only wastes a little margin, too narrow would clip a label.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const g of graphemes(text)) {
    if (WIDE.test(g)) em += 1.05;
    else if (NARROW.test(g)) em += 0.45;
    else if (BROAD.test(g) || (g >= 'A' && g <= 'Z')) em += 0.8;
    else em += 0.64;
  }
  return em * fontSize;
}

const STRONG = /[\p{L}]/u;
const RTL_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;

/**
 * The base direction of a label by its first strong (letter) character, as `dir="auto"` does in
 * HTML: 'rtl' for Arabic, Hebrew and the other right-to-left scripts, otherwise 'ltr'.
 */
export function baseDirection(text: string): 'ltr' | 'rtl' {
  const m = STRONG.exec(text);
  return m !== null && RTL_SCRIPT.test(m[0]) ? 'rtl' : 'ltr';
}

/** True when `text` holds an unpaired UTF-16 surrogate (it would not survive UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** One run of paper notation: plain text, a subscript or a superscript. */
export interface NotationRun {
  kind: 'text' | 'sub' | 'sup';
  text: string;
}

// `_` or `^` followed by {…} or by a run of ASCII letters, digits or Greek letters.
const SUB_SUP = /([_^])(?:\{([^{}]*)\}|([A-Za-z0-9\u0391-\u03a9\u03b1-\u03c9]+))/g;

/**
 * Paper notation as runs: "e_ij" → e, sub ij; "s_{i−1}" → s, sub i−1; "x^{2}" → x, sup 2. For our
 * own formula strings only (a token like "snake_case" would be read as notation): the page draws
 * the runs as <sub>/<sup>, the SVG export as shifted <tspan>s.
 */
export function parseNotation(text: string): NotationRun[] {
  const out: NotationRun[] = [];
  let last = 0;
  for (const m of text.matchAll(SUB_SUP)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    out.push({ kind: m[1] === '_' ? 'sub' : 'sup', text: m[2] ?? m[3] ?? '' });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The notation's text as read, without its markup ("s_{i−1}" → "si−1"): for measuring. */
export function notationText(text: string): string {
  return parseNotation(text)
    .map((r) => r.text)
    .join('');
}
