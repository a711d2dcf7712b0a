// One memory network's answer, hop by hop (docs/ARCHITECTURE.md, "Memory networks"): the story's
// sentences as rows and one column of attention p_i per hop (the gold supporting sentences
// outlined), the answer with its probability beside what the story says, a hop slider, and for the
// chosen hop the key·query scores u·m_i and the vectors: the query u, the value read o and u + o.

import { useId, useMemo } from 'react';
import type { MemoryTrace } from '../../model/memnn/model';
import { useStore } from '../../store/store';
import { colourScale, textOn } from '../colour';
import { fmt, fmtPct } from '../format';
import { useT } from '../i18n';
import { maxAbs, SignLegend, VectorStrip } from '../panels/ContextVector';
import './memory.css';

export interface HopViewProps {
  trace: MemoryTrace;
  /** The typed lines behind `trace.sentences` (same length). */
  lines: readonly string[];
  hop: number;
  onHop?: (hop: number) => void;
  /** A short figure (the story's chapters): no vectors. */
  compact?: boolean;
  label: string;
}

export function HopView({ trace, lines, hop, onHop, compact = false, label }: HopViewProps) {
  const t = useT();
  const id = useId();
  const palette = useStore((s) => s.palette);
  const colour = useMemo(() => colourScale(palette, [0, 1]), [palette]);
  const K = trace.hops.length;
  const k = Math.min(Math.max(0, hop), K - 1);
  const best = trace.answers[0];
  const gold = trace.gold;
  const support = new Set(gold?.support ?? []);
  const chosen = trace.hops[k];
  const unknown = [...new Set(trace.sentences.flatMap((s, i) => s.filter((_, w) => trace.unknown[i]?.[w])).concat(trace.question.filter((_, w) => trace.questionUnknown[w])))];
  return (
    <div className="hv" role="group" aria-label={label}>
      <p className="hv-answer">
        {best && <strong>{t('mem.answer', { answer: best.token, p: fmtPct(best.p) })}</strong>}{' '}
        {gold ? (
          <span className={best?.token === gold.answer ? 'hv-ok' : 'hv-bad'}>
            · {t('mem.gold', { answer: gold.answer })} ({best?.token === gold.answer ? `✓ ${t('mem.right')}` : `✗ ${t('mem.wrong')}`})
          </span>
        ) : (
          <span className="note">· {t('mem.goldNone')}</span>
        )}
      </p>
      {unknown.length > 0 && <p className="notice-inline warn">{t('mem.unknown', { words: unknown.join(', ') })}</p>}
      {trace.dropped > 0 && <p className="notice-inline">{t('mem.dropped', { n: trace.sentences.length, d: trace.dropped })}</p>}
      {onHop && K > 1 && (
        <div className="hv-slider">
          <label htmlFor={`${id}-hop`}>{t('mem.hop')}</label>
          <input id={`${id}-hop`} type="range" min={1} max={K} step={1} value={k + 1} onChange={(e) => onHop(Number(e.target.value) - 1)} aria-valuetext={t('mem.hopOf', { k: k + 1, n: K })} />
          <output htmlFor={`${id}-hop`}>{t('mem.hopOf', { k: k + 1, n: K })}</output>
        </div>
      )}
      <div className="hv-scroll" tabIndex={0} role="region" aria-label={t('mem.table')}>
        <table className="hv-table">
          <caption className="sr-only">{t('mem.table')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('mem.sentence')}</th>
              {trace.hops.map((_, h) => (
                <th key={h} scope="col" className={h === k ? 'hv-current' : undefined} aria-current={h === k && K > 1 ? 'step' : undefined}>
                  {t('mem.colHop', { k: h + 1 })}
                </th>
              ))}
              {!compact && <th scope="col">{t('mem.score', { k: k + 1 })}</th>}
            </tr>
          </thead>
          <tbody>
            {trace.sentences.map((s, i) => (
              <tr key={i} className={support.has(i) ? 'hv-gold' : undefined}>
                <td className="num">{i + 1}</td>
                <th scope="row" className="hv-sentence">
                  <bdi dir="auto">{lines[i] ?? s.join(' ')}</bdi>
                  {support.has(i) && <span className="sr-only"> ({t('mem.goldMark')})</span>}
                </th>
                {trace.hops.map((h, hh) => {
                  const p = h.weights[i];
                  const fill = colour(p);
                  return (
                    <td key={hh} className={`hv-cell num${hh === k ? ' hv-current' : ''}`} style={{ background: fill, color: textOn(fill) }} data-weight={p.toFixed(4)}>
                      {fmtPct(p)}
                    </td>
                  );
                })}
                {!compact && <td className="num">{fmt(chosen?.scores[i], 2)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {support.size > 0 && <p className="note hv-legend">{t('mem.goldLegend')}</p>}
      {!compact && chosen && <HopVectors k={k} query={chosen.query} read={chosen.read} />}
    </div>
  );
}

function HopVectors({ k, query, read }: { k: number; query: readonly number[]; read: readonly number[] }) {
  const t = useT();
  const next = query.map((v, i) => v + read[i]);
  const max = maxAbs(query, read, next);
  return (
    <section className="hv-vectors" aria-label={t('mem.vectors', { k: k + 1, d: query.length })}>
      <h3>{t('mem.vectors', { k: k + 1, d: query.length })}</h3>
      <dl>
        <dt>{t('mem.query', { k: k + 1 })}</dt>
        <dd>
          <VectorStrip values={query} max={max} label={t('mem.query', { k: k + 1 })} />
        </dd>
        <dt>{t('mem.read')}</dt>
        <dd>
          <VectorStrip values={read} max={max} label={t('mem.read')} />
        </dd>
        <dt>{t('mem.next')}</dt>
        <dd>
          <VectorStrip values={next} max={max} label={t('mem.next')} />
        </dd>
      </dl>
      <SignLegend />
    </section>
  );
}
