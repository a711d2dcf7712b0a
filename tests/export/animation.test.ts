// @vitest-environment jsdom
// The decoding animation's plan and frames (src/export/animation.ts): frame k is the export's own
// SVG (buildHeatmapSvg) with target steps 0..k drawn — cells, labels, the outline on step k — and
// every frame has the whole figure's size and colours; the caps on frames and pixels say why.
import { describe, expect, it } from 'vitest';
import {
  AnimationError,
  FINAL_DELAY_MS,
  MAX_ANIMATION_FRAMES,
  MAX_ANIMATION_PIXELS,
  MAX_FRAME_PIXELS,
  STEP_DELAY_MS,
  animationFrames,
  frameDelaysMs,
  planAnimation,
} from '../../src/export/animation';
import { buildHeatmapSvg, type HeatmapSpec } from '../../src/export/heatmapSvg';

function spec(patch: Partial<HeatmapSpec> = {}): HeatmapSpec {
  return {
    sourceTokens: ['the', 'black', 'cat', '.', '</s>'],
    targetTokens: ['le', 'chat', 'noir', '.', '</s>'],
    values: [
      [0.7, 0.1, 0.1, 0.05, 0.05],
      [0.05, 0.05, 0.8, 0.05, 0.05],
      [0.1, 0.8, 0.05, 0.03, 0.02],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
    ],
    kind: 'weights',
    palette: 'cividis',
    transpose: false,
    caption: { model: 'en-fr-additive', variant: 'Additive (Bahdanau)', sentence: 'the black cat .' },
    highlightRow: 1,
    theme: 'light',
    ...patch,
  };
}

function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

/** The cell <rect>s of a frame as [row, column] indices (from their positions) and fills. */
function cells(doc: Document): Array<{ x: number; y: number; fill: string }> {
  return Array.from(doc.querySelectorAll('.cells rect'), (r) => ({ x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), fill: r.getAttribute('fill') ?? '' }));
}

const labels = (doc: Document, selector: string): string[] => Array.from(doc.querySelectorAll(`${selector} text`), (t) => t.textContent ?? '');

describe('animationFrames', () => {
  it('frame k shows target steps 0..k, outlines step k, and has the still figure’s size', () => {
    const s = spec();
    const still = buildHeatmapSvg(s);
    const stillCells = cells(parse(still.svg));
    const frames = animationFrames(s);
    expect(frames).toHaveLength(5);
    const rowsY = [...new Set(stillCells.map((c) => c.y))].sort((a, b) => a - b);
    frames.forEach((f, k) => {
      const out = buildHeatmapSvg(f);
      expect([out.width, out.height]).toEqual([still.width, still.height]);
      const doc = parse(out.svg);
      const shown = cells(doc);
      expect(shown).toHaveLength((k + 1) * 5);
      // exactly the still figure's first k + 1 rows, with the still figure's colours
      expect(shown).toEqual(stillCells.filter((c) => c.y <= (rowsY[k] as number)));
      expect(labels(doc, '.row-labels')).toEqual(s.targetTokens.slice(0, k + 1));
      expect(labels(doc, '.column-labels')).toEqual(s.sourceTokens);
      const box = doc.querySelector('.highlight rect');
      expect(Number(box?.getAttribute('y'))).toBe(rowsY[k]);
      // the grid not decoded yet is outlined, except in the last frame (the whole figure)
      expect(doc.querySelectorAll('.pending')).toHaveLength(k < 4 ? 1 : 0);
      expect(doc.querySelector('.caption')?.textContent).toBe('en-fr-additive · Additive (Bahdanau) · the black cat .');
    });
  });

  it('transposed: frame k shows columns 0..k (the target runs along the columns)', () => {
    const s = spec({ transpose: true });
    const frames = animationFrames(s);
    const doc = parse(buildHeatmapSvg(frames[2] as HeatmapSpec).svg);
    const shown = cells(doc);
    expect(shown).toHaveLength(3 * 5);
    expect(new Set(shown.map((c) => c.x)).size).toBe(3);
    expect(labels(doc, '.column-labels')).toEqual(['le', 'chat', 'noir']);
    expect(labels(doc, '.row-labels')).toEqual(s.sourceTokens);
  });

  it('scores keep the whole figure’s colour scale in every frame', () => {
    const s = spec({ kind: 'scores', values: [[-3, 1, 2, 0, 0], [5, 0, 0, 0, 0], [0, 0, 9, 0, 0], [0, 0, 0, 0, 0], [-7, 0, 0, 0, 0]] });
    const still = cells(parse(buildHeatmapSvg(s).svg));
    const first = cells(parse(buildHeatmapSvg(animationFrames(s)[0] as HeatmapSpec).svg));
    expect(first).toEqual(still.slice(0, 5));
  });

  it('a trace with no step gives no frame', () => {
    expect(animationFrames(spec({ targetTokens: [], values: [] }))).toEqual([]);
  });
});

describe('planAnimation', () => {
  it('2× when it fits, frames = steps', () => {
    expect(planAnimation({ width: 536, height: 531 }, 15)).toEqual({ frames: 15, scale: 2, width: 1072, height: 1062 });
  });

  it('even sides for a video', () => {
    expect(planAnimation({ width: 300.5, height: 201.2 }, 3, { even: true })).toEqual({ frames: 3, scale: 2, width: 602, height: 404 });
    const odd = planAnimation({ width: 301, height: 201 }, 3, { even: false });
    expect([odd.width, odd.height]).toEqual([602, 402]);
  });

  it('falls back to 1× when 2× is over a limit', () => {
    const plan = planAnimation({ width: 1500, height: 1500 }, 10);
    expect(plan.scale).toBe(1);
    expect(plan.width * plan.height).toBeLessThanOrEqual(MAX_FRAME_PIXELS);
    // many frames: the total budget, not the frame size, moves it to 1×
    const many = planAnimation({ width: 800, height: 800 }, 60);
    expect(800 * 800 * 4 * 60).toBeGreaterThan(MAX_ANIMATION_PIXELS);
    expect(many.scale).toBe(1);
  });

  it('says why it cannot: no step, too many steps, too large even at 1×', () => {
    const kind = (f: () => unknown): [string, { count: number; limit: number }] => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(AnimationError);
        return [(err as AnimationError).kind, (err as AnimationError).detail];
      }
      throw new Error('no error');
    };
    expect(kind(() => planAnimation({ width: 100, height: 100 }, 0))[0]).toBe('empty');
    expect(kind(() => planAnimation({ width: 100, height: 100 }, MAX_ANIMATION_FRAMES + 1))).toEqual(['too-many-frames', { count: MAX_ANIMATION_FRAMES + 1, limit: MAX_ANIMATION_FRAMES }]);
    const [k, d] = kind(() => planAnimation({ width: 4000, height: 3000 }, 5));
    expect(k).toBe('too-large');
    expect(d).toEqual({ count: 12_000_000, limit: MAX_FRAME_PIXELS });
    expect(kind(() => planAnimation({ width: Number.NaN, height: 10 }, 5))[0]).toBe('too-large');
  });

  it('the still figure of a 256-token sentence: capped by frames, with the numbers', () => {
    const n = 256;
    const big = spec({
      sourceTokens: Array.from({ length: n }, (_, j) => `w${j}`),
      targetTokens: Array.from({ length: n }, (_, i) => `m${i}`),
      values: Array.from({ length: n }, () => new Float32Array(n).fill(1 / n)),
    });
    const { width, height } = buildHeatmapSvg(big);
    expect(() => planAnimation({ width, height }, n)).toThrow(/256 steps; an animation stops at 120/);
  });
});

describe('frameDelaysMs', () => {
  it('each step for STEP_DELAY_MS, the finished figure held for FINAL_DELAY_MS', () => {
    expect(frameDelaysMs(3)).toEqual([STEP_DELAY_MS, STEP_DELAY_MS, FINAL_DELAY_MS]);
    expect(frameDelaysMs(1)).toEqual([FINAL_DELAY_MS]);
    expect(frameDelaysMs(0)).toEqual([]);
  });
});
