// The paper's equations in its notation, each beside the current step's numbers: the score e_ij
// of the focused source word, its weight α_ij, a preview of c_i, the state norms s_{i−1} → s_i
// and p(y_i) of the emitted token. Variant-aware: the score line is the variant's own formula.

import type { ReactNode } from 'react';
import { linearAt } from '../../model/config';
import { fmt, fmtProb } from '../format';
import { useAnalysis } from '../hooks';
import { useLang, useT, variantFormula, variantSource, variantTitle } from '../i18n';
import { fmtLog, l2, Notation, panelEmpty, PanelSection, preview, rich, Tok, useFocusedCell } from './common';
import './panels.css';

const ALPHA_FORMULA = 'α_ij = exp(e_ij) / Σ_k exp(e_ik)';

export function Equations() {
  const t = useT();
  const lang = useLang();
  const analysis = useAnalysis();
  const trace = analysis?.trace ?? null;
  const cell = useFocusedCell();
  if (!analysis) return null;
  if (!trace || !cell) return panelEmpty(t('equations.title'));
  const step = trace.steps[cell.i];
  if (!step) return panelEmpty(t('equations.title'));
  const { i, j } = cell;
  const n = i + 1; // the paper counts target positions from 1: s_0 is the initial state
  const variant = trace.variant;
  const formula = variantFormula(lang, variant);
  const srcTok = <Tok token={trace.sourceTokens[j] ?? ''} unknown={trace.sourceUnknown[j] ?? false} />;
  const sub = (s: string): string => s.replaceAll('_ij', `_{${n},${j + 1}}`).replaceAll('_i', `_${n}`);
  const e = step.scores ? step.scores[j] : null;
  const a = step.weights ? step.weights[j] : null;
  const p = Math.exp(step.token.logProb);
  const H = trace.hidden;
  // a Transformer trace: the head the panels show (src/model/transformer/trace.ts), its own formulas
  const tf = trace.family === 'transformer';
  const linearAtt = linearAt(variant, 'cross'); // the heatmap shows the cross-attention
  const scoreFormula = tf ? (linearAtt ? 'e_ij = φ(q_i) · φ(k_j)' : 'e_ij = q_i · k_j / √d_k') : (formula.split(',  c_i')[0] ?? formula);
  const weightFormula = linearAtt ? 'α_ij = e_ij / Σ_k e_ik' : variant === 'diagonal' ? formula : ALPHA_FORMULA;

  const rows: Array<{ key: string; label: string; formula: ReactNode; value: ReactNode }> = [];
  if (variant !== 'none' && variant !== 'diagonal') {
    rows.push({
      key: 'score',
      label: t('eq.score'),
      formula: <Notation text={scoreFormula} />,
      value: (
        <>
          <Notation text={sub('e_ij')} /> = <strong data-testid="eq-score">{e === null ? '–' : fmt(e, 3)}</strong> ({srcTok})
        </>
      ),
    });
  }
  if (variant !== 'none') {
    rows.push({
      key: 'weight',
      label: t('eq.weight'),
      formula: <Notation text={weightFormula} />,
      value: (
        <>
          <Notation text={sub('α_ij')} /> = <strong>{a === null ? '–' : fmt(a, 3)}</strong> ({srcTok}){step.edited ? ` · ${t('eq.edited')}` : ''}
        </>
      ),
    });
  }
  rows.push({
    key: 'context',
    label: t('eq.context'),
    formula: <Notation text={tf ? 'c_i = Σ_j α_ij v_j' : variant === 'none' ? formula : variant === 'scaled-dot' ? 'c_i = Σ_j α_ij W_v h_j' : 'c_i = Σ_j α_ij h_j'} />,
    value: (
      <>
        <Notation text={sub('c_i')} /> = <span className="num">{preview(step.context)}</span>{' '}
        <span className="muted">
          <Notation text={`∈ ℝ^{${2 * H}}`} />
        </span>
      </>
    ),
  });
  rows.push({
    key: 'state',
    label: t('eq.state'),
    formula: <Notation text={tf ? 'z_i = LayerNorm(y_i + FFN(y_i)),  FFN(y) = max(0, yW_1 + b_1)W_2 + b_2' : 's_i = GRU(s_{i−1}, [E_y y_{i−1} ; c_i])'} />,
    value: tf ? (
      <>
        ‖<Notation text={`x_${n}`} />‖ = <span className="num">{fmt(l2(step.prevState), 3)}</span> → ‖<Notation text={`z_${n}`} />‖ = <span className="num">{fmt(l2(step.state), 3)}</span>
      </>
    ) : (
      <>
        ‖<Notation text={`s_{${n - 1}}`} />‖ = <span className="num">{fmt(l2(step.prevState), 3)}</span> → ‖<Notation text={`s_${n}`} />‖ ={' '}
        <span className="num">{fmt(l2(step.state), 3)}</span>
      </>
    ),
  });
  rows.push({
    key: 'output',
    label: t('eq.output'),
    formula: <Notation text={tf ? 'p(y_i | y_{<i}, x) = softmax(W z_i + b)' : 'p(y_i | y_{<i}, x) = softmax(W_o maxout(U_o s_{i−1} + V_o E_y y_{i−1} + C_o c_i))'} />,
    value: (
      <>
        p(<Notation text={`y_${n}`} /> = <Tok token={step.token.token} />) = <strong>{fmtProb(p)}</strong>{' '}
        <span className="muted">
          (log p = {fmtLog(step.token.logProb)}, {t('eq.rank', { rank: step.token.rank })})
        </span>
      </>
    ),
  });

  return (
    <PanelSection title={t('equations.title')} className="eq">
      <p className="note">
        <strong>{variantTitle(lang, variant)}</strong> · {variantSource(lang, variant)} · {rich(t('eq.at'), { i: <Notation text={`i = ${n}`} />, j: <Notation text={`j = ${j + 1}`} />, token: srcTok })}
      </p>
      <dl className="eq-list">
        {rows.map((r) => (
          <div className="eq-row" key={r.key}>
            <dt>
              <span className="eq-label">{r.label}</span>
              <span className="eq-formula">{r.formula}</span>
            </dt>
            <dd>{r.value}</dd>
          </div>
        ))}
      </dl>
      {variant === 'none' && <p className="note">{t('eq.none')}</p>}
    </PanelSection>
  );
}
