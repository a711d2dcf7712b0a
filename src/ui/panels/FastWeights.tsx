// Fast weights (linear attention) step by step: the matrix W_t = W_{t−1} + v_t φ(k_t)ᵀ being
// written, the read W_t φ(q_t), and the same output computed as attention Σ_j (φ(q_t)·φ(k_j)) v_j,
// with their difference (round-off) and the work each form does. The numbers come from
// src/model/transformer/fastWeights.ts; this panel only draws them.

import { interpolateRdBu } from 'd3-scale-chromatic';
import { useMemo, useState } from 'react';
import { replayFastWeights } from '../../model/transformer/fastWeights';
import { hasLinearAttention } from '../../model/config';
import { useStore } from '../../store/store';
import { fmt } from '../format';
import { useStep, useTrace } from '../hooks';
import { useT } from '../i18n';
import { maxAbs, VectorStrip } from './ContextVector';
import { Notation, PanelSection, Tok } from './common';
import './panels.css';

/** A d×d matrix as a diverging heatmap (blue +, red −), symmetric around 0. */
function Matrix({ values, d, label, max }: { values: Float32Array; d: number; label: string; max: number }) {
  const colour = (v: number): string => interpolateRdBu(0.5 - 0.5 * Math.max(-1, Math.min(1, v / (max || 1))));
  return (
    <figure className="fw-matrix">
      <svg width={Math.min(160, d * 12)} height={Math.min(160, d * 12)} viewBox={`0 0 ${d} ${d}`} role="img" aria-label={label} preserveAspectRatio="none">
        {Array.from(values, (v, e) => (
          <rect key={e} x={e % d} y={Math.floor(e / d)} width={1} height={1} fill={colour(v)} />
        ))}
      </svg>
      <figcaption>
        <Notation text={label} />
      </figcaption>
    </figure>
  );
}

export function FastWeights() {
  const t = useT();
  const trace = useTrace();
  const step = useStep();
  const setStep = useStore((s) => s.setStep);
  const [sel, setSel] = useState({ layer: 0, head: 0 });
  const d = trace?.transformer;
  const n = trace?.steps.length ?? 0;
  const ti = Math.max(0, Math.min(step, n - 1));
  const layer = d ? Math.min(sel.layer, d.layers - 1) : 0;
  const head = d ? Math.min(sel.head, d.heads - 1) : 0;
  const r = useMemo(() => (d && trace && hasLinearAttention(trace.variant) && n > 0 ? replayFastWeights(d, layer, head, ti) : null), [d, trace, layer, head, ti, n]);
  if (!trace || !d || !hasLinearAttention(trace.variant) || !r) return null;
  const inputs = ['<s>', ...trace.targetTokens];
  const wMax = maxAbs(r.W);
  const outMax = maxAbs(r.recurrent, r.parallel, r.phiQ);
  const tLabel = ti + 1;
  return (
    <PanelSection title={t('fw.title')} className="fw">
      <p className="note">{t('fw.intro')}</p>
      <div className="fw-controls">
        <label>
          {t('fw.head')}{' '}
          <select value={`${layer}.${head}`} onChange={(e) => {
            const [l, h] = e.target.value.split('.').map(Number);
            setSel({ layer: l ?? 0, head: h ?? 0 });
          }}>
            {Array.from({ length: d.layers * d.heads }, (_, k) => {
              const l = Math.floor(k / d.heads);
              const h = k % d.heads;
              return (
                <option key={k} value={`${l}.${h}`}>
                  {t('hg.headOf', { head: h + 1, layer: l + 1 })}
                </option>
              );
            })}
          </select>
        </label>
        <button type="button" onClick={() => setStep(ti - 1)} disabled={ti <= 0}>
          {t('fw.prev')}
        </button>
        <span className="fw-step" data-testid="fw-step">
          {t('fw.step', { t: tLabel, n })} <Tok token={inputs[ti] ?? ''} />
        </span>
        <button type="button" onClick={() => setStep(ti + 1)} disabled={ti >= n - 1}>
          {t('fw.next')}
        </button>
      </div>
      <p className="fw-formula">
        <Notation text={`W_${tLabel} = W_${tLabel - 1} + v_${tLabel} φ(k_${tLabel})ᵀ`} /> · <Notation text={`out_${tLabel} = W_${tLabel} φ(q_${tLabel}) / (z_${tLabel}·φ(q_${tLabel}))`} />
      </p>
      <div className="fw-matrices">
        <Matrix values={r.W} d={r.dk} max={wMax} label={`W_${tLabel}`} />
        <Matrix values={r.write} d={r.dk} max={wMax} label={`v_${tLabel} φ(k_${tLabel})ᵀ`} />
      </div>
      <dl className="fw-vectors">
        <dt>
          <Notation text={`φ(q_${tLabel})`} />
        </dt>
        <dd>
          <VectorStrip values={r.phiQ} max={outMax} label={`φ(q_${tLabel})`} />
        </dd>
        <dt>{t('fw.recurrent')}</dt>
        <dd>
          <VectorStrip values={r.recurrent} max={outMax} label={t('fw.recurrent')} />
        </dd>
        <dt>{t('fw.parallel')}</dt>
        <dd>
          <VectorStrip values={r.parallel} max={outMax} label={t('fw.parallel')} />
        </dd>
      </dl>
      <p className="fw-diff" data-testid="fw-diff">
        {t('fw.diff', { diff: r.diff.toExponential(1), model: r.diffModel.toExponential(1) })} {r.diff <= 1e-5 ? '✓' : '✗'}
      </p>
      <p className="note">{t('fw.work', { t: tLabel, rec: r.work.recurrent.toLocaleString(), par: r.work.parallel.toLocaleString(), dk: r.dk, z: fmt(r.z.reduce((a, b) => a + b, 0), 2) })}</p>
    </PanelSection>
  );
}
