// The Transformer's heads: a layer × head grid of small heatmaps for encoder self-attention,
// decoder (masked) self-attention and cross-attention. A cross-attention head (or a layer's mean)
// opens in the big heatmap and the step panels; a self-attention head opens larger here. The
// position switch and the shuffle button show order blindness live.

import { useMemo, useState } from 'react';
import type { AttentionMaps, Trace } from '../../model/trace';
import { useStore } from '../../store/store';
import { colourScale } from '../colour';
import { useTrace } from '../hooks';
import { useT } from '../i18n';
import { PanelSection, Tok } from './common';
import './panels.css';

type Kind = 'encoder' | 'self' | 'cross';

/** One head's map as rows of weights. */
export function headRows(m: AttentionMaps, layer: number, head: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let r = 0; r < m.rows; r++) {
    const o = ((layer * m.heads + head) * m.rows + r) * m.cols;
    rows.push(Float32Array.from(m.weights.subarray(o, o + m.cols)));
  }
  return rows;
}

/** The mean of a layer's heads, row by row. */
export function meanRows(m: AttentionMaps, layer: number): Float32Array[] {
  const rows = headRows(m, layer, 0);
  for (let h = 1; h < m.heads; h++) {
    headRows(m, layer, h).forEach((row, r) => row.forEach((v, c) => ((rows[r] as Float32Array)[c] = ((rows[r] as Float32Array)[c]) + v)));
  }
  for (const row of rows) for (let c = 0; c < row.length; c++) row[c] = row[c] / m.heads;
  return rows;
}

function MiniMap({ rows, size = 56 }: { rows: Float32Array[]; size?: number }) {
  const palette = useStore((s) => s.palette);
  const colour = useMemo(() => colourScale(palette, [0, 1]), [palette]);
  const nr = rows.length;
  const nc = rows[0]?.length ?? 0;
  const cell = size / Math.max(nr, nc, 1);
  return (
    <svg className="hg-mini" width={nc * cell} height={nr * cell} viewBox={`0 0 ${nc} ${nr}`} aria-hidden="true" preserveAspectRatio="none">
      {rows.map((row, r) => Array.from(row, (v, c) => <rect key={`${r}-${c}`} x={c} y={r} width={1} height={1} fill={colour(v)} />))}
    </svg>
  );
}

/** A self-attention head at a readable size, with its tokens. */
function MapDetail({ rows, rowLabels, colLabels, label }: { rows: Float32Array[]; rowLabels: string[]; colLabels: string[]; label: string }) {
  const palette = useStore((s) => s.palette);
  const colour = useMemo(() => colourScale(palette, [0, 1]), [palette]);
  return (
    <table className="hg-detail" aria-label={label}>
      <thead>
        <tr>
          <th scope="col" />
          {colLabels.map((c, k) => (
            <th key={k} scope="col" className="hg-col">
              <Tok token={c} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            <th scope="row">
              <Tok token={rowLabels[r] ?? ''} />
            </th>
            {Array.from(row, (v, c) => (
              <td key={c} style={{ background: colour(v) }} title={v.toFixed(3)}>
                <span className="sr-only">{v.toFixed(3)}</span>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function labelsFor(trace: Trace, kind: Kind): { rows: string[]; cols: string[] } {
  const inputs = ['<s>', ...trace.targetTokens.slice(0, -1)];
  if (kind === 'encoder') return { rows: trace.sourceTokens, cols: trace.sourceTokens };
  if (kind === 'self') return { rows: inputs, cols: inputs };
  return { rows: inputs, cols: trace.sourceTokens };
}

export function HeadGrid() {
  const t = useT();
  const trace = useTrace();
  const positions = useStore((s) => s.positions);
  const setHeadView = useStore((s) => s.setHeadView);
  const setPositions = useStore((s) => s.setPositions);
  const shuffleSource = useStore((s) => s.shuffleSource);
  const [open, setOpen] = useState<{ kind: Kind; layer: number; head: number } | null>(null);
  const d = trace?.transformer;
  if (!trace || !d) return null;
  const view = d.view;
  const kinds: Array<{ kind: Kind; maps: AttentionMaps }> = [
    { kind: 'encoder', maps: d.encoder },
    { kind: 'self', maps: d.self },
    { kind: 'cross', maps: d.cross },
  ];
  const headName = (layer: number, head: number | 'mean'): string => (head === 'mean' ? t('hg.meanOf', { heads: d.heads, layer: layer + 1 }) : t('hg.headOf', { head: head + 1, layer: layer + 1 }));
  const openRows = open ? headRows(open.kind === 'encoder' ? d.encoder : d.self, open.layer, open.head) : null;
  const openLabels = open ? labelsFor(trace, open.kind) : null;
  return (
    <PanelSection title={t('hg.title')} className="hg">
      <p className="note">{t('hg.intro', { layers: d.layers, heads: d.heads, dk: d.dk })}</p>
      <div className="hg-controls">
        <label>
          <input type="checkbox" checked={positions} onChange={(e) => setPositions(e.target.checked)} /> {t('hg.positions')}
        </label>
        <button type="button" onClick={() => shuffleSource()}>
          {t('hg.shuffle')}
        </button>
      </div>
      {!positions && <p className="note hg-warning">{t('hg.positionsOff')}</p>}
      <p className="hg-showing" data-testid="hg-showing">
        {t('hg.showing', { what: headName(view.layer, view.head) })}
      </p>
      {kinds.map(({ kind, maps }) => (
        <div key={kind} className="hg-block">
          <h3>{t(`hg.kind.${kind}`)}</h3>
          <table className="hg-table">
            <thead>
              <tr>
                <th scope="col" />
                {Array.from({ length: d.heads }, (_, h) => (
                  <th key={h} scope="col">
                    {t('hg.head', { head: h + 1 })}
                  </th>
                ))}
                {kind === 'cross' && <th scope="col">{t('hg.mean')}</th>}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: d.layers }, (_, l) => (
                <tr key={l}>
                  <th scope="row">{t('hg.layer', { layer: l + 1 })}</th>
                  {Array.from({ length: d.heads }, (_, h) => {
                    const selected = kind === 'cross' ? view.layer === l && view.head === h : open?.kind === kind && open.layer === l && open.head === h;
                    const label = `${t(`hg.kind.${kind}`)}: ${headName(l, h)}`;
                    return (
                      <td key={h}>
                        <button
                          type="button"
                          className="hg-cell"
                          aria-pressed={selected}
                          aria-label={label}
                          title={label}
                          onClick={() => (kind === 'cross' ? setHeadView({ layer: l, head: h }) : setOpen(selected ? null : { kind, layer: l, head: h }))}
                        >
                          <MiniMap rows={headRows(maps, l, h)} />
                        </button>
                      </td>
                    );
                  })}
                  {kind === 'cross' && (
                    <td>
                      <button type="button" className="hg-cell" aria-pressed={view.layer === l && view.head === 'mean'} aria-label={`${t('hg.kind.cross')}: ${headName(l, 'mean')}`} onClick={() => setHeadView({ layer: l, head: 'mean' })}>
                        <MiniMap rows={meanRows(maps, l)} />
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {open && openRows && openLabels && open.kind === kind && <MapDetail rows={openRows} rowLabels={openLabels.rows} colLabels={openLabels.cols} label={`${t(`hg.kind.${kind}`)}: ${headName(open.layer, open.head)}`} />}
        </div>
      ))}
    </PanelSection>
  );
}
