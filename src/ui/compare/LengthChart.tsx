// BLEU by source length as an SVG line chart: d3-scale computes the positions, React draws every
// element. Each point is a focusable button (Enter or Space activates it) named with its numbers;
// lines differ by dash and marker shape as well as colour. The band of lengths seen in training
// is shaded.

import { scaleLinear, scalePoint } from 'd3-scale';
import { useMemo, type KeyboardEvent } from 'react';
import type { Variant } from '../../model/config';
import { fmt } from '../format';
import { useWidth } from '../hooks';
import { useT } from '../i18n';
import { bucketRange, type LengthResult } from './lengthRecord';

export interface PointAction {
  variant: Variant;
  bucket: string;
}

interface Props {
  results: LengthResult[];
  trainMaxLength: number | null;
  onActivate(point: PointAction): void;
  /** The chart's accessible name. */
  label: string;
  /** A series' name (legend and point names). */
  nameOf(variant: Variant): string;
}

const HEIGHT = 300;
const M = { top: 14, right: 14, bottom: 46, left: 50 };

/** The series' look: dash and marker as well as colour, so that colour is never the only cue. */
export function seriesStyle(variant: Variant, k: number): { className: string; dash: string | undefined; marker: 'circle' | 'square' | 'diamond' } {
  if (variant === 'none') return { className: 'lc-series lc-none', dash: '6 4', marker: 'square' };
  if (variant === 'additive') return { className: 'lc-series lc-additive', dash: undefined, marker: 'circle' };
  return { className: `lc-series lc-other-${k % 3}`, dash: '2 3', marker: 'diamond' };
}

export function Marker({ kind, x, y, r }: { kind: 'circle' | 'square' | 'diamond'; x: number; y: number; r: number }) {
  if (kind === 'circle') return <circle className="lc-mark" cx={x} cy={y} r={r} />;
  if (kind === 'square') return <rect className="lc-mark" x={x - r} y={y - r} width={2 * r} height={2 * r} />;
  return <path className="lc-mark" d={`M${x} ${y - r * 1.3}L${x + r * 1.3} ${y}L${x} ${y + r * 1.3}L${x - r * 1.3} ${y}Z`} />;
}

export function LengthChart({ results, trainMaxLength, onActivate, label, nameOf }: Props) {
  const t = useT();
  const [ref, measured] = useWidth<HTMLDivElement>();
  const width = Math.max(240, measured || 640);
  const buckets = useMemo(() => {
    const all: string[] = [];
    for (const r of results) for (const b of r.byLength) if (b.count > 0 && !all.includes(b.bucket)) all.push(b.bucket);
    return all.sort((a, b) => (bucketRange(a)?.min ?? 0) - (bucketRange(b)?.min ?? 0));
  }, [results]);
  const innerW = width - M.left - M.right;
  const innerH = HEIGHT - M.top - M.bottom;
  const x = useMemo(() => scalePoint<string>().domain(buckets).range([0, innerW]).padding(0.5), [buckets, innerW]);
  const y = useMemo(() => scaleLinear().domain([0, 100]).range([innerH, 0]), [innerH]);
  const step = x.step();
  // the training band: the buckets whose longest sentence is within the training lengths
  const trainedBuckets = trainMaxLength === null ? [] : buckets.filter((b) => (bucketRange(b)?.max ?? Infinity) <= trainMaxLength);
  const bandEnd = trainedBuckets.length > 0 ? (x(trainedBuckets[trainedBuckets.length - 1] as string) ?? 0) + step / 2 : 0;
  const small = width < 420;

  const onKey = (e: KeyboardEvent<SVGGElement>, point: PointAction): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onActivate(point);
    }
  };

  return (
    <div className="length-chart" ref={ref}>
      <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="group" aria-label={label}>
        <g transform={`translate(${M.left} ${M.top})`}>
          {bandEnd > 0 && (
            <g aria-hidden="true">
              <rect className="lc-band" x={0} y={0} width={bandEnd} height={innerH} />
              <line className="lc-band-edge" x1={bandEnd} x2={bandEnd} y1={0} y2={innerH} />
              <text className="lc-band-label" x={6} y={innerH - 8} textAnchor="start">
                {t('length.trainedBand', { n: trainMaxLength ?? '' })}
              </text>
            </g>
          )}
          <g aria-hidden="true" className="lc-axis">
            {y.ticks(5).map((v) => (
              <g key={v} transform={`translate(0 ${y(v)})`}>
                <line className="lc-grid" x1={0} x2={innerW} />
                <text x={-8} dy="0.32em" textAnchor="end">
                  {v}
                </text>
              </g>
            ))}
            <line className="lc-axis-line" x1={0} x2={innerW} y1={innerH} y2={innerH} />
            {buckets.map((b) => (
              <text key={b} x={x(b) ?? 0} y={innerH + 18} textAnchor="middle">
                {small ? b.replace(/-\d+$/, '') : b}
              </text>
            ))}
            <text className="lc-axis-title" x={innerW / 2} y={innerH + 40} textAnchor="middle">
              {t('length.xAxis')}
            </text>
            <text className="lc-axis-title" transform={`translate(${-38} ${innerH / 2}) rotate(-90)`} textAnchor="middle">
              {t('length.yAxis')}
            </text>
          </g>
          {results.map((r, k) => {
            const style = seriesStyle(r.variant, k);
            // series side by side within a bucket, so that equal scores do not hide each other
            const offset = (k - (results.length - 1) / 2) * Math.min(10, step / 6);
            const pts = buckets.map((b) => {
              const row = r.byLength.find((q) => q.bucket === b);
              return row && row.bleu !== null && row.count > 0 ? { b, bleu: row.bleu, count: row.count, px: (x(b) ?? 0) + offset, py: y(row.bleu) } : null;
            });
            let d = '';
            let pen = false;
            for (const p of pts) {
              if (!p) {
                pen = false;
                continue;
              }
              d += `${pen ? 'L' : 'M'}${p.px.toFixed(1)} ${p.py.toFixed(1)}`;
              pen = true;
            }
            const name = nameOf(r.variant);
            return (
              <g key={r.variant} className={style.className}>
                <path className="lc-line" d={d} strokeDasharray={style.dash} aria-hidden="true" />
                {pts.map((p) =>
                  p ? (
                    <g
                      key={p.b}
                      className="lc-point"
                      role="button"
                      tabIndex={0}
                      aria-label={t('length.point', { model: name, bucket: p.b, bleu: fmt(p.bleu, 1), count: p.count })}
                      onClick={() => onActivate({ variant: r.variant, bucket: p.b })}
                      onKeyDown={(e) => onKey(e, { variant: r.variant, bucket: p.b })}
                    >
                      <title>{t('length.point', { model: name, bucket: p.b, bleu: fmt(p.bleu, 1), count: p.count })}</title>
                      <circle className="lc-hit" cx={p.px} cy={p.py} r={14} />
                      <circle className="lc-ring" cx={p.px} cy={p.py} r={10} />
                      <Marker kind={style.marker} x={p.px} y={p.py} r={5} />
                    </g>
                  ) : null,
                )}
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
