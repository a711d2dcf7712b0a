// Live curves: train loss (each batch, and smoothed) with dev loss on a log scale, and dev exact
// match with BLEU. d3-scale computes the scales and ticks; React draws the SVG. Paths are thinned
// to about one point per pixel, so a long run costs the same to draw as a short one.

import { scaleLinear, scaleLog } from 'd3-scale';
import { useDeferredValue, useId, useMemo } from 'react';
import { fmt } from '../format';
import { useWidth } from '../hooks';
import { useT } from '../i18n';
import { useTrainStore } from '../../store/train';

type Point = [number, number];

interface Series {
  label: string;
  points: Point[];
  className: string;
  dots?: boolean;
}

const HEIGHT = 170;
const MARGIN = { left: 46, right: 12, top: 10, bottom: 26 };

function thinPoints(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out: Point[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.floor(k * stride)] as Point);
  out.push(points[points.length - 1] as Point);
  return out;
}

interface ChartProps {
  title: string;
  summary: string;
  series: Series[];
  xMax: number;
  log: boolean;
  yDomain: [number, number];
  yFormat: (v: number) => string;
  xLabel: string;
}

/** Powers of ten inside the domain (and 3× between them when there are few). */
function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 3]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  const decades = out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return decades.length >= 2 ? decades : out;
}

function LineChart({ title, summary, series, xMax, log, yDomain, yFormat, xLabel }: ChartProps) {
  const captionId = useId();
  const descId = useId();
  const [ref, measured] = useWidth<HTMLDivElement>();
  const width = Math.max(220, measured || 480);
  const x = scaleLinear().domain([0, Math.max(1, xMax)]).range([MARGIN.left, width - MARGIN.right]);
  const y = (log ? scaleLog().domain(yDomain) : scaleLinear().domain(yDomain)).range([HEIGHT - MARGIN.bottom, MARGIN.top]).clamp(true);
  const yTicks = log ? logTicks(yDomain) : y.ticks(4);
  const xTicks = x.ticks(Math.max(2, Math.floor(width / 90)));
  const usable = (p: Point): boolean => Number.isFinite(p[1]) && (!log || p[1] > 0);
  return (
    <figure className="train-chart">
      <figcaption id={captionId}>{title}</figcaption>
      <div ref={ref} className="train-chart-box">
        <svg width={width} height={HEIGHT} role="img" aria-labelledby={captionId} aria-describedby={descId}>
          <g className="axis">
            {yTicks.map((v) => (
              <g key={`y${v}`}>
                <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(v)} y2={y(v)} className="grid" />
                <text x={MARGIN.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
                  {yFormat(v)}
                </text>
              </g>
            ))}
            {xTicks.map((v) => (
              <text key={`x${v}`} x={x(v)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
                {v}
              </text>
            ))}
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={HEIGHT - MARGIN.bottom} y2={HEIGHT - MARGIN.bottom} className="baseline" />
            <text x={width - MARGIN.right} y={HEIGHT - 2} textAnchor="end" className="axis-title">
              {xLabel}
            </text>
          </g>
          {series.map((s) => {
            const pts = thinPoints(s.points.filter(usable), Math.max(50, Math.floor(width)));
            if (pts.length === 0) return null;
            const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
            return (
              <g key={s.label} className={s.className}>
                <path d={d} fill="none" />
                {s.dots && pts.map((p, k) => <circle key={k} cx={x(p[0])} cy={y(p[1])} r={2.5} />)}
              </g>
            );
          })}
        </svg>
      </div>
      <ul className="train-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.label} className={s.className}>
            <span className="swatch" />
            {s.label}
          </li>
        ))}
      </ul>
      <p id={descId} className="sr-only">
        {summary}
      </p>
    </figure>
  );
}

function smooth(points: Point[], alpha = 0.1): Point[] {
  const out: Point[] = [];
  let ema = NaN;
  for (const [s, v] of points) {
    if (!Number.isFinite(v)) continue;
    ema = Number.isNaN(ema) ? v : (1 - alpha) * ema + alpha * v;
    out.push([s, ema]);
  }
  return out;
}

// The curves render from deferred values: React draws them in an interruptible background pass,
// so a progress update never holds the main thread for long.

export function LossChart() {
  const t = useT();
  const losses = useDeferredValue(useTrainStore((s) => s.losses));
  const evals = useDeferredValue(useTrainStore((s) => s.evals));
  const maxSteps = useTrainStore((s) => s.progress?.maxSteps ?? s.runConfig?.steps ?? 1);
  const chart = useMemo(() => {
    const raw: Point[] = losses.map((p) => [p.step, p.loss]);
    const smoothed = smooth(raw);
    const dev: Point[] = evals.map((e) => [e.step, e.devLoss]);
    let lo = Infinity;
    let hi = 0;
    for (const [, v] of [...raw, ...dev]) {
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) {
      lo = 0.01;
      hi = 10;
    }
    const domain: [number, number] = [Math.max(1e-4, lo * 0.8), Math.max(hi * 1.2, lo * 10)];
    const first = smoothed[0]?.[1];
    const last = smoothed.at(-1);
    const lastDev = evals.at(-1);
    const summary =
      first === undefined || !last
        ? t('train.chart.lossEmpty')
        : t('train.chart.lossSummary', { from: fmt(first, 3), to: fmt(last[1], 3), step: last[0] }) +
          (lastDev ? ` ${t('train.chart.devSummary', { loss: fmt(lastDev.devLoss, 3), step: lastDev.step })}` : '');
    return { raw, smoothed, dev, domain, summary };
  }, [losses, evals, t]);
  return (
    <LineChart
      title={t('train.chart.loss')}
      summary={chart.summary}
      xMax={maxSteps}
      log
      yDomain={chart.domain}
      yFormat={(v) => (v >= 1 ? fmt(v, 0) : v >= 0.1 ? fmt(v, 1) : v >= 0.01 ? fmt(v, 2) : v.toExponential(0))}
      xLabel={t('train.chart.steps')}
      series={[
        { label: t('train.chart.batch'), points: chart.raw, className: 'series-raw' },
        { label: t('train.chart.train'), points: chart.smoothed, className: 'series-train' },
        { label: t('train.chart.dev'), points: chart.dev, className: 'series-dev', dots: true },
      ]}
    />
  );
}

export function ScoreChart() {
  const t = useT();
  const evals = useDeferredValue(useTrainStore((s) => s.evals));
  const maxSteps = useTrainStore((s) => s.progress?.maxSteps ?? s.runConfig?.steps ?? 1);
  const chart = useMemo(() => {
    const exact: Point[] = evals.map((e) => [e.step, e.exactMatch]);
    const bleu: Point[] = evals.map((e) => [e.step, e.bleu / 100]);
    const last = evals.at(-1);
    const summary = last ? t('train.chart.scoreSummary', { exact: fmt(100 * last.exactMatch, 1), bleu: fmt(last.bleu, 1), step: last.step }) : t('train.chart.scoreEmpty');
    return { exact, bleu, summary };
  }, [evals, t]);
  return (
    <LineChart
      title={t('train.chart.score')}
      summary={chart.summary}
      xMax={maxSteps}
      log={false}
      yDomain={[0, 1]}
      yFormat={(v) => `${Math.round(v * 100)}%`}
      xLabel={t('train.chart.steps')}
      series={[
        { label: t('train.chart.exact'), points: chart.exact, className: 'series-exact', dots: true },
        { label: t('train.chart.bleu'), points: chart.bleu, className: 'series-bleu', dots: true },
      ]}
    />
  );
}
