// The view slice: how the document is shown (the page, units, values, palette, theme, language,
// the table, playback, embed mode).

import type { Lang, Palette, ThemeSetting, ValuesKind } from '../model/domain';
import type { Units } from '../model/analysis';
import { clampStep } from './derived';
import type { Slice } from './slice';

export type { Lang, Palette };
export type ValueKind = ValuesKind;
export type Theme = ThemeSetting;

/** The page's views: the explorer and the issue-6 views (train, compare, length, story). */
export const PAGES = ['explore', 'train', 'compare', 'length', 'story', 'memory'] as const;
export type Page = (typeof PAGES)[number];

export function isPage(value: unknown): value is Page {
  return typeof value === 'string' && (PAGES as readonly string[]).includes(value);
}

export interface ViewSlice {
  page: Page;
  /** Subword models: show whole words (default) or the model's pieces. */
  units: Units;
  /** Switch units keeping the selected step (a piece ↔ the word it belongs to). */
  setUnits(units: Units): void;
  values: ValueKind;
  transpose: boolean;
  palette: Palette;
  theme: Theme;
  lang: Lang;
  showTable: boolean;
  playing: boolean;
  embed: boolean;
  setView(patch: Partial<Pick<ViewSlice, 'page' | 'values' | 'transpose' | 'palette' | 'theme' | 'lang' | 'showTable' | 'playing' | 'embed'>>): void;
}

export const createView: Slice<ViewSlice> = (set, get) => ({
  page: 'explore',
  units: 'words',
  setUnits(units) {
    const s = get();
    if (s.units === units) return;
    const a = s.analysis;
    // the selected step, in pieces, then in the new units
    const spans = a?.units === 'words' ? a.trace?.spans : undefined;
    const pieceStep = spans ? (spans.target.lastPiece[s.step] ?? s.step) : s.step;
    set({ units, focus: null });
    const b = get().analysis;
    const newSpans = b?.units === 'words' ? b.trace?.spans : undefined;
    set({ step: clampStep(newSpans ? (newSpans.target.wordOf[pieceStep] ?? pieceStep) : pieceStep, b) });
  },
  values: 'weights',
  transpose: false,
  palette: 'cividis',
  theme: 'auto',
  lang: 'en',
  showTable: false,
  playing: false,
  embed: false,
  setView(patch) {
    set(patch);
  },
});
