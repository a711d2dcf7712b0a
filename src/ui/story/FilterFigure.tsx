// The weighted-average chapter's live figure (docs/ARCHITECTURE.md, "Attention as a weighted
// average"): a noisy test image, a pixel the reader picks (click, or the arrow keys), its softmax
// weights over the search window drawn over the image with the heatmap's colour scale, the image
// denoised by non-local means, the temperature / patch / window controls, and the three lines —
// scores, softmax, weighted sum — beside RNNsearch's e, α, c.

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { addNoise, testImage, type GreyImage } from '../../data/image';
import { DEFAULT_NLM, denoiser, pixelAttention, type NlmSettings } from '../../model/nonlocal';
import { useStore } from '../../store/store';
import { colourScale } from '../colour';
import { fmt } from '../format';
import { useT } from '../i18n';
import { Notation } from '../panels/common';
import './filter.css';

const SIZE = 64;
const NOISE = 0.1;
const CLEAN = testImage(SIZE);
const NOISY = addNoise(CLEAN, NOISE, 1);
/** Rows of the denoised image computed per task (≈ 10–30 ms), so the page never blocks long. */
const ROWS_PER_SLICE = 6;

function rgb(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(css);
  if (hex) return [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16), parseInt(hex[3] as string, 16)];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

/** Paint `values` (one per pixel) into a canvas: grey, or through a colour function when given. */
function paint(canvas: HTMLCanvasElement | null, img: GreyImage, colour?: (i: number) => [number, number, number] | null): void {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return;
  const data = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.pixels.length; i++) {
    const c = colour?.(i) ?? null;
    const g = Math.round(255 * Math.min(1, Math.max(0, img.pixels[i])));
    const [r, gg, b] = c ?? [g, g, g];
    data.data.set([r, gg, b, 255], 4 * i);
  }
  ctx.putImageData(data, 0, 0);
}

function useDenoised(settings: NlmSettings): GreyImage | null {
  // the result is kept with the settings it was computed for: other settings show "busy"
  const [result, setResult] = useState<{ settings: NlmSettings; image: GreyImage } | null>(null);
  useEffect(() => {
    const job = denoiser(NOISY, settings);
    let y = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const step = (): void => {
      job.rows(y, y + ROWS_PER_SLICE);
      y += ROWS_PER_SLICE;
      if (y < SIZE) timer = setTimeout(step, 0);
      else setResult({ settings, image: job.image });
    };
    timer = setTimeout(step, 0);
    return () => {
      if (timer !== null) clearTimeout(timer);
    };
  }, [settings]);
  return result?.settings === settings ? result.image : null;
}

export function FilterFigure({ caption }: { caption: string }) {
  const t = useT();
  const id = useId();
  const palette = useStore((s) => s.palette);
  const [pick, setPick] = useState({ x: 13, y: 48 }); // on the stripes: the weights follow them
  const [settings, setSettings] = useState<NlmSettings>(DEFAULT_NLM);
  const attention = useMemo(() => pixelAttention(NOISY, pick.x, pick.y, settings), [pick, settings]);
  const denoised = useDenoised(settings);
  const noisyRef = useRef<HTMLCanvasElement | null>(null);
  const weightsRef = useRef<HTMLCanvasElement | null>(null);
  const outRef = useRef<HTMLCanvasElement | null>(null);

  const maxWeight = useMemo(() => Math.max(...attention.weights), [attention]);
  useEffect(() => {
    paint(noisyRef.current, NOISY);
    const colour = colourScale(palette, [0, 1]);
    const byPixel = new Map<number, number>();
    // √(w / max), as the vector strips do, so that small weights still show
    attention.positions.forEach((p, j) => byPixel.set(p, Math.sqrt(attention.weights[j] / maxWeight)));
    paint(weightsRef.current, NOISY, (i) => {
      const w = byPixel.get(i);
      return w === undefined ? null : rgb(colour(w));
    });
  }, [attention, maxWeight, palette]);
  useEffect(() => {
    if (denoised) paint(outRef.current, denoised);
  }, [denoised]);

  const choose = (x: number, y: number): void => setPick({ x: Math.min(SIZE - 1, Math.max(0, x)), y: Math.min(SIZE - 1, Math.max(0, y)) });
  const onClick = (e: MouseEvent<HTMLCanvasElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    choose(Math.floor(((e.clientX - r.left) / r.width) * SIZE), Math.floor(((e.clientY - r.top) / r.height) * SIZE));
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>): void => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const k = e.shiftKey ? 8 : 1;
    choose(pick.x + m[0] * k, pick.y + m[1] * k);
  };
  const effective = 1 / attention.weights.reduce((s, w) => s + w * w, 0);
  const marker = { left: `${((pick.x + 0.5) / SIZE) * 100}%`, top: `${((pick.y + 0.5) / SIZE) * 100}%` };
  const pickLabel = t('nlm.picked', { x: pick.x, y: pick.y });

  return (
    <figure className="story-figure nlm">
      <div className="nlm-controls">
        <label htmlFor={`${id}-h`}>{t('nlm.temperature')}</label>
        <input id={`${id}-h`} type="range" min={0.02} max={0.5} step={0.01} value={settings.h} onChange={(e) => setSettings((s) => ({ ...s, h: Number(e.target.value) }))} />
        <output htmlFor={`${id}-h`}>{fmt(settings.h, 2)}</output>
        <label htmlFor={`${id}-p`}>{t('nlm.patch')}</label>
        <select id={`${id}-p`} value={settings.patch} onChange={(e) => setSettings((s) => ({ ...s, patch: Number(e.target.value) }))}>
          {[1, 3, 5, 7].map((p) => (
            <option key={p} value={p}>
              {p} × {p}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-w`}>{t('nlm.window')}</label>
        <select id={`${id}-w`} value={settings.window} onChange={(e) => setSettings((s) => ({ ...s, window: Number(e.target.value) }))}>
          {[7, 11, 21, 31].map((w) => (
            <option key={w} value={w}>
              {w} × {w}
            </option>
          ))}
        </select>
      </div>
      <div className="nlm-images">
        <div className="nlm-image">
          <h3 id={`${id}-n`}>{t('nlm.noisy', { sigma: NOISE })}</h3>
          <div className="nlm-frame">
            <canvas ref={noisyRef} width={SIZE} height={SIZE} tabIndex={0} role="img" aria-labelledby={`${id}-n`} aria-describedby={`${id}-help`} onClick={onClick} onKeyDown={onKey} data-testid="nlm-noisy" />
            <span className="nlm-marker" style={marker} aria-hidden="true" />
          </div>
        </div>
        <div className="nlm-image">
          <h3 id={`${id}-wt`}>{t('nlm.weights')}</h3>
          <div className="nlm-frame">
            <canvas ref={weightsRef} width={SIZE} height={SIZE} role="img" aria-labelledby={`${id}-wt`} onClick={onClick} data-testid="nlm-weights" />
            <span className="nlm-marker" style={marker} aria-hidden="true" />
          </div>
        </div>
        <div className="nlm-image">
          <h3 id={`${id}-o`}>{t('nlm.denoised')}</h3>
          <div className="nlm-frame">
            <canvas ref={outRef} width={SIZE} height={SIZE} role="img" aria-labelledby={`${id}-o`} aria-busy={denoised === null} />
          </div>
        </div>
      </div>
      <p id={`${id}-help`} className="note">
        {t('nlm.help')}
      </p>
      <p role="status" data-testid="nlm-readout">
        {pickLabel} · {t('nlm.values', { noisy: fmt(NOISY.pixels[pick.y * SIZE + pick.x], 3), output: fmt(attention.output, 3), clean: fmt(CLEAN.pixels[pick.y * SIZE + pick.x], 3) })} ·{' '}
        {t('nlm.spread', { n: fmt(effective, 1), of: attention.positions.length, max: fmt(maxWeight, 3) })}
      </p>
      <table className="nlm-lines">
        <caption>{t('nlm.linesCaption')}</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{t('nlm.colNlm')}</th>
            <th scope="col">{t('nlm.colRnn')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('nlm.rowScore')}</th>
            <td>
              <Notation text="s_j = −‖P_i − P_j‖² / (p² h²)" />
            </td>
            <td>
              <Notation text="e_ij = v_aᵀ tanh(W_a s_{i−1} + U_a h_j)" />
            </td>
          </tr>
          <tr>
            <th scope="row">{t('nlm.rowWeights')}</th>
            <td>
              <Notation text="w_j = exp(s_j) / Σ_k exp(s_k)" />
            </td>
            <td>
              <Notation text="α_ij = exp(e_ij) / Σ_k exp(e_ik)" />
            </td>
          </tr>
          <tr>
            <th scope="row">{t('nlm.rowOutput')}</th>
            <td>
              <Notation text="x̂_i = Σ_j w_j x_j" />
            </td>
            <td>
              <Notation text="c_i = Σ_j α_ij h_j" />
            </td>
          </tr>
        </tbody>
      </table>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
