// How one score is built, for the focused cell (the store's focus on the current step, else the
// current step's most-attended source word; a select picks another word). Additive:
// W_a s_{i−1} (the step's query), U_a h_j (row j of the trace's keys), their sum, tanh of it,
// v_a, and the per-unit terms v_a,k·tanh(·)_k as bars around a zero line that add up to e_ij —
// the sum is shown beside the trace's score, and the two must agree. Dot / general: s_{i−1} ⊙ k_j;
// scaled-dot: q ⊙ k_j / √d. None and diagonal have no score, and say so.
//
// The terms come from the model (InferenceModel.explainScore), with the same tanh it decoded with
// (the fast rational one for float32 models), so that the check is exact to rounding.

import { scaleLinear } from 'd3-scale';
import { useId, useMemo } from 'react';
import { crossVariant, type Variant } from '../../model/config';
import { useStore } from '../../store/store';
import { SCORE_TOLERANCE } from '../../model/explain';
import { fmt } from '../format';
import { useAnalysis, useModel } from '../hooks';
import { useT } from '../i18n';
import { maxAbs, SignLegend, VectorStrip } from './ContextVector';
import { LazyDetails, Notation, panelEmpty, PanelSection, rich, Tok, useFocusedCell } from './common';
import './panels.css';

/** The labels of the pieces, per variant, in the paper's notation. */
function pieceLabels(variant: Variant, transformer: boolean): { query: string; key: string; terms: string } {
  switch (variant) {
    case 'additive':
      return { query: 'W_a s_{i−1}', key: 'U_a h_j', terms: 'v_a ⊙ tanh(W_a s_{i−1} + U_a h_j)' };
    case 'dot':
      return { query: 's_{i−1}', key: 'k_j = →h_j + ←h_j', terms: 's_{i−1} ⊙ k_j' };
    case 'general':
      return { query: 's_{i−1}', key: 'k_j = W_g h_j', terms: 's_{i−1} ⊙ k_j' };
    case 'scaled-dot':
      return transformer ? { query: 'q_i = W_q x_i', key: 'k_j = W_k z_j', terms: 'q_i ⊙ k_j / √d' } : { query: 'q_i = W_q s_{i−1}', key: 'k_j = W_k h_j', terms: 'q_i ⊙ k_j / √d' };
    case 'linear':
      return { query: 'φ(q_i)', key: 'φ(k_j)', terms: 'φ(q_i) ⊙ φ(k_j)' };
    default:
      return { query: '', key: '', terms: '' };
  }
}

const SCORE_FORMULA: Record<'additive' | 'dot' | 'general' | 'scaled-dot' | 'linear', string> = {
  linear: 'e_ij = φ(q_i) · φ(k_j)',
  additive: 'e_ij = v_aᵀ tanh(W_a s_{i−1} + U_a h_j)',
  dot: 'e_ij = s_{i−1} · k_j',
  general: 'e_ij = s_{i−1} · k_j',
  'scaled-dot': 'e_ij = q_i · k_j / √d',
};

/** Replace the generic i, j of a label with this cell's numbers (1-based, as in the paper). */
function at(label: string, i: number, j: number): string {
  return label.replaceAll('s_{i−1}', `s_{${i}}`).replaceAll('q_i', `q_${i + 1}`).replaceAll('h_j', `h_${j + 1}`).replaceAll('k_j', `k_${j + 1}`);
}

/**
 * The bars of the per-unit terms as two SVG paths (positive, negative) of rectangles, unit k at
 * x = k + 0.12, 0.76 wide, from the zero line to y(v) (at least 0.4 tall, so a zero term still
 * shows where it is). Two elements instead of one rect per unit keep the page's layout light.
 */
export function termBarPaths(terms: ArrayLike<number>, y: (v: number) => number): Array<{ sign: 'pos' | 'neg'; d: string; count: number }> {
  const y0 = y(0);
  const out = { pos: { sign: 'pos' as const, d: '', count: 0 }, neg: { sign: 'neg' as const, d: '', count: 0 } };
  for (let k = 0; k < terms.length; k++) {
    const v = terms[k];
    if (!Number.isFinite(v)) continue;
    const top = Math.min(y(v), y0);
    const h = Math.max(Math.abs(y(v) - y0), 0.4);
    const g = v >= 0 ? out.pos : out.neg;
    g.d += `M${r4(k + 0.12)} ${r4(top)}h0.76v${r4(h)}h-0.76z`;
    g.count++;
  }
  return [out.pos, out.neg].filter((g) => g.count > 0);
}

/** A coordinate with at most four decimals (short path data). */
function r4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** The per-unit terms as bars up (positive) or down (negative) from a zero line. */
function TermBars({ terms, label }: { terms: Float64Array; label: string }) {
  const n = terms.length;
  const m = maxAbs(terms) || 1;
  const y = useMemo(() => scaleLinear().domain([-m, m]).range([98, 2]), [m]);
  const y0 = y(0);
  return (
    <svg className="sb-bars" role="img" aria-label={label} viewBox={`0 0 ${Math.max(n, 1)} 100`} preserveAspectRatio="none" width="100%" height={96} data-count={n}>
      {termBarPaths(terms, y).map((p) => (
        <path key={p.sign} className={`sb-bar ${p.sign}`} d={p.d} data-count={p.count} />
      ))}
      <line className="sb-zero" x1={0} x2={n} y1={y0} y2={y0} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

function Piece({ label, values, max, name }: { label: string; values: Float64Array; max: number; name: string }) {
  return (
    <div className="sb-piece">
      <div className="sb-piece-label">
        <Notation text={label} /> <span className="muted num">(±{fmt(max, 2)})</span>
      </div>
      <VectorStrip values={values} max={max} label={name} />
    </div>
  );
}

export function ScoreBreakdown() {
  const t = useT();
  const analysis = useAnalysis();
  const trace = analysis?.trace ?? null;
  const model = useModel();
  const cell = useFocusedCell();
  const setFocus = useStore((s) => s.setFocus);
  const selectId = useId();
  const ci = cell?.i ?? -1;
  const cj = cell?.j ?? -1;
  const parts = useMemo(() => (trace && model && ci >= 0 && trace.units !== 'words' ? model.inference.explainScore(trace, ci, cj) : null), [trace, model, ci, cj]);
  if (!analysis) return null;
  if (!trace || !cell) return panelEmpty(t('score.title'));
  const variant = crossVariant(trace.variant);
  if (trace.units === 'words') {
    return (
      <PanelSection title={t('score.title')} className="sb">
        <p className="note">{t('sb.words')}</p>
      </PanelSection>
    );
  }
  if (variant === 'none' || variant === 'diagonal') {
    return (
      <PanelSection title={t('score.title')} className="sb">
        <p className="note">{variant === 'none' ? t('sb.none') : t('sb.diagonal')}</p>
      </PanelSection>
    );
  }
  // a Transformer's head mean has weights but no single score: one head has
  if (trace.transformer?.view.head === 'mean') {
    return (
      <PanelSection title={t('score.title')} className="sb">
        <p className="note">{t('sb.headMean')}</p>
      </PanelSection>
    );
  }
  const { i, j } = cell;
  const n = i + 1;
  const token = trace.sourceTokens[j] ?? '';
  const tok = <Tok token={token} unknown={trace.sourceUnknown[j] ?? false} />;
  const labels = pieceLabels(variant, trace.family === 'transformer');
  const picker = (
    <div className="sb-pick">
      <label htmlFor={selectId}>{t('sb.pick')}</label>
      <select id={selectId} value={j} aria-describedby={`${selectId}-hint`} onChange={(e) => setFocus({ i, j: Number(e.target.value) })}>
        {trace.sourceTokens.map((w, k) => (
          <option key={k} value={k}>
            {`${k + 1}. ${w}${trace.sourceUnknown[k] ? ` ${t('punct.paren', { text: t('pnl.unkShort') })}` : ''}`}
          </option>
        ))}
      </select>
      <span id={`${selectId}-hint`} className="note sb-hint">
        {t('sb.hint')}
      </span>
    </div>
  );

  if (!parts) {
    return (
      <PanelSection title={t('score.title')} className="sb">
        {picker}
        <p className="note">{t('sb.unavailable')}</p>
      </PanelSection>
    );
  }

  const diff = Math.abs(parts.total - parts.score);
  const agree = diff <= SCORE_TOLERANCE * Math.max(1, Math.abs(parts.score));
  const qkMax = maxAbs(parts.query, parts.key, parts.sum ?? []);
  const pos = Array.from(parts.terms).filter((v) => v > 0);
  const neg = Array.from(parts.terms).filter((v) => v < 0);
  const sumOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const biggest = Array.from(parts.terms, (v, k) => ({ k, v }))
    .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
    .slice(0, 3);
  const termsName = t('sb.termsLabel', { n: parts.terms.length, pos: pos.length, posSum: fmt(sumOf(pos), 3), neg: neg.length, negSum: fmt(sumOf(neg), 3) });
  const eLabel = `e_{${n},${j + 1}}`;

  return (
    <PanelSection title={t('score.title')} className="sb">
      {picker}
      <p className="sb-formula">
        <Notation text={at(SCORE_FORMULA[variant], i, j).replace('e_ij', eLabel)} />{' '}
        <span className="muted">{rich(t('sb.forWord'), { token: tok })}</span>
      </p>
      <div className="sb-pieces">
        <Piece label={at(labels.query, i, j)} values={parts.query} max={qkMax} name={t('sb.stripLabel', { what: t('sb.query'), n: parts.query.length })} />
        <Piece label={at(labels.key, i, j)} values={parts.key} max={qkMax} name={t('sb.stripLabel', { what: t('sb.key'), n: parts.key.length })} />
        {parts.sum && <Piece label={at('W_a s_{i−1} + U_a h_j', i, j)} values={parts.sum} max={qkMax} name={t('sb.stripLabel', { what: t('sb.sum'), n: parts.sum.length })} />}
        {parts.act && <Piece label="tanh(·)" values={parts.act} max={1} name={t('sb.stripLabel', { what: 'tanh', n: parts.act.length })} />}
        {parts.va && <Piece label="v_a" values={parts.va} max={maxAbs(parts.va)} name={t('sb.stripLabel', { what: 'v_a', n: parts.va.length })} />}
      </div>
      <h3 className="pnl-h3">
        <Notation text={at(labels.terms, i, j)} />
      </h3>
      <p className="note">{t('sb.termsHelp', { n: parts.terms.length })}</p>
      <TermBars terms={parts.terms} label={termsName} />
      <SignLegend />
      <p className={`sb-check${agree ? ' ok' : ' bad'}`} data-sum={parts.total} data-score={parts.score} data-testid="score-check">
        <span>
          Σ = <strong className="num">{fmt(parts.total, 5)}</strong>
        </span>{' '}
        <span>
          <Notation text={eLabel} /> ({t('sb.fromTrace')}) = <strong className="num">{fmt(parts.score, 5)}</strong>
        </span>{' '}
        <span className="sb-verdict">
          {agree ? '✓ ' : '⚠ '}
          {agree ? t('sb.agree', { diff: diff.toExponential(1) }) : t('sb.disagree', { diff: diff.toExponential(1) })}
        </span>
      </p>
      <p className="note">
        {t('sb.largest')}{' '}
        {biggest.map((b, idx) => (
          <span key={b.k} className="num">
            {idx > 0 ? ', ' : ''}
            {t('sb.unit', { k: b.k + 1 })} {b.v >= 0 ? '+' : ''}
            {fmt(b.v, 3)}
          </span>
        ))}
      </p>
      <LazyDetails summary={t('sb.numbers', { n: parts.terms.length })}>
        {() => (
          <div className="pnl-table-wrap" role="region" aria-label={t('sb.numbers', { n: parts.terms.length })} tabIndex={0}>
            <table className="pnl-table num">
              <thead>
                <tr>
                  <th scope="col">k</th>
                  <th scope="col">
                    <Notation text={t('sb.colQuery')} />
                  </th>
                  <th scope="col">
                    <Notation text={t('sb.colKey')} />
                  </th>
                  {parts.act && <th scope="col">tanh</th>}
                  {parts.va && (
                    <th scope="col">
                      <Notation text="v_a" />
                    </th>
                  )}
                  <th scope="col">{t('sb.colTerm')}</th>
                </tr>
              </thead>
              <tbody>
                {Array.from(parts.terms, (v, k) => (
                  <tr key={k}>
                    <th scope="row">{k + 1}</th>
                    <td>{fmt(parts.query[k], 3)}</td>
                    <td>{fmt(parts.key[k], 3)}</td>
                    {parts.act && <td>{fmt(parts.act[k], 3)}</td>}
                    {parts.va && <td>{fmt(parts.va[k], 3)}</td>}
                    <td>{fmt(v, 4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LazyDetails>
    </PanelSection>
  );
}
