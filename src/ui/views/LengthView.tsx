// The paper's figure 2 on our task: BLEU by source length for RNNencdec (no attention) and
// RNNsearch (additive), from the shipped record of `npm run experiment:length`
// (public/experiments/length.json). Every point opens an example sentence of its length in the
// explorer with the matching shipped model; a table gives the same numbers.

import { useEffect, useId, useState } from 'react';
import type { Variant } from '../../model/config';
import { useStore } from '../../store/store';
import { LengthChart, Marker, seriesStyle, type PointAction } from '../compare/LengthChart';
import { exampleFor, fetchLengthRecord, type LengthLoad, type LengthRecord } from '../compare/lengthRecord';
import { fmt } from '../format';
import { msg, translateMessage, useLang, useT, variantTitle, type Message, type MessageKey } from '../i18n';

const SERIES_NAMES: Partial<Record<Variant, MessageKey>> = { none: 'length.series.none', additive: 'length.series.additive' };

export function LengthView() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const [load, setLoad] = useState<LengthLoad>({ state: 'loading' });
  // a message, not a text, so that a language switch re-translates it
  const [message, setMessage] = useState<Message | null>(null);
  const catalog = useStore((s) => s.catalog);
  const loadDocument = useStore((s) => s.loadDocument);
  const setView = useStore((s) => s.setView);

  useEffect(() => {
    const ac = new AbortController();
    fetchLengthRecord(undefined, ac.signal)
      .then(setLoad)
      .catch(() => {
        // aborted: the view was left
      });
    return () => ac.abort();
  }, []);

  const seriesName = (v: Variant): string => {
    const key = SERIES_NAMES[v];
    return key ? t(key) : variantTitle(lang, v);
  };

  const activate = ({ variant, bucket }: PointAction): void => {
    const modelId = `en-fr-${variant}`;
    const example = exampleFor(bucket);
    if (!example) {
      setMessage(msg('length.noExample', { bucket }));
      return;
    }
    if (catalog && !catalog.some((c) => c.id === modelId)) {
      setMessage(msg('length.notShipped', { id: modelId, source: example.source }));
      return;
    }
    loadDocument({ modelId, source: example.source, target: '' });
    setView({ page: 'explore' });
  };

  return (
    <section className="panel length" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('length.title')}</h2>
      <div className="prose">
        <p>{t('length.intro1')}</p>
        <p>{t('length.intro2')}</p>
      </div>
      {load.state === 'loading' && <p role="status">{t('length.loading')}</p>}
      {load.state === 'missing' && (
        <p className="notice-inline warn" role="status">
          {t('length.missing')}
        </p>
      )}
      {load.state === 'error' && (
        <p className="notice-inline warn" role="alert">
          {t('length.error', { reason: load.message })}
        </p>
      )}
      {load.state === 'ready' && <Results record={load.record} seriesName={seriesName} onActivate={activate} message={message ? translateMessage(lang, message) : ''} />}
    </section>
  );
}

function Results({ record, seriesName, onActivate, message }: { record: LengthRecord; seriesName(v: Variant): string; onActivate(p: PointAction): void; message: string }) {
  const t = useT();
  const id = useId();
  const buckets: string[] = [];
  for (const r of record.results) for (const b of r.byLength) if (b.count > 0 && !buckets.includes(b.bucket)) buckets.push(b.bucket);
  return (
    <>
      <p className="prose">{t('length.reading', { train: record.trainMaxLength ?? '?', test: record.testMaxLength ?? '?' })}</p>
      <ul className="length-legend" aria-label={t('length.legend')}>
        {record.results.map((r, k) => {
          const style = seriesStyle(r.variant, k);
          return (
            <li key={r.variant} className={style.className}>
              <svg width="40" height="14" viewBox="0 0 40 14" aria-hidden="true">
                <line className="lc-line" x1="2" x2="38" y1="7" y2="7" strokeDasharray={style.dash} />
                <Marker kind={style.marker} x={20} y={7} r={4} />
              </svg>
              <span>
                {seriesName(r.variant)}
                {r.bleu !== null && <span className="muted"> · {t('length.overall', { bleu: fmt(r.bleu, 1) })}</span>}
              </span>
            </li>
          );
        })}
      </ul>
      <LengthChart results={record.results} trainMaxLength={record.trainMaxLength} onActivate={onActivate} label={t('length.chartLabel')} nameOf={seriesName} />
      <p className="note">{t('length.pointsHelp')}</p>
      <p className="notice-inline" role="status" hidden={!message}>
        {message}
      </p>
      <div className="hm-scroll">
        <table className="length-table" aria-labelledby={`${id}-cap`}>
          <caption id={`${id}-cap`}>{t('length.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('length.colLength')}</th>
              {record.results.map((r) => (
                <th scope="col" key={r.variant}>
                  {seriesName(r.variant)}
                </th>
              ))}
              <th scope="col">{t('length.colCount')}</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b}>
                <th scope="row">{b}</th>
                {record.results.map((r) => {
                  const row = r.byLength.find((q) => q.bucket === b);
                  return <td key={r.variant}>{row && row.bleu !== null ? fmt(row.bleu, 1) : '–'}</td>;
                })}
                <td>{record.results[0]?.byLength.find((q) => q.bucket === b)?.count ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="note">
        {t('length.provenance', { steps: record.steps ?? '?', date: record.date.slice(0, 10) || '?' })} <code>{record.command}</code>
      </p>
      <p className="note">{t('length.shippedNote')}</p>
    </>
  );
}
