// The two sentence boxes. Everything recomputes as the user types (no button): the source is
// decoded freely (greedy or beam), and text in the target box force-decodes that translation.
// Below the boxes: the tokens the model sees (unknown words marked), truncation notes and the
// empty state.

import { useId, useMemo } from 'react';
import { groupPieces } from '../../data/codec';
import { WORD_MARK } from '../../data/bpe';
import { decodeReason } from '../../store/errorReason';
import { useStore } from '../../store/store';
import { MAX_PAGE_BEAM_WIDTH, MAX_SAMPLE_SEED, MAX_SAMPLE_TOP_K, MAX_TEMPERATURE, MIN_BEAM_WIDTH, MIN_TEMPERATURE } from '../../model/domain';
import { useAnalysis, useFirstLoad, useModel } from '../hooks';
import { useLang, useT } from '../i18n';

export function SentenceEditor() {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const source = useStore((s) => s.source);
  const target = useStore((s) => s.target);
  const decoding = useStore((s) => s.decoding);
  const beamWidth = useStore((s) => s.beamWidth);
  const setSource = useStore((s) => s.setSource);
  const setTarget = useStore((s) => s.setTarget);
  const setDecoding = useStore((s) => s.setDecoding);
  const setBeamWidth = useStore((s) => s.setBeamWidth);
  const sample = useStore((s) => s.sample);
  const setSample = useStore((s) => s.setSample);
  const analysis = useAnalysis();
  const model = useModel();
  const firstLoad = useFirstLoad();
  const unknown = analysis?.trace?.sourceUnknown.filter(Boolean).length ?? 0;
  const forced = analysis?.mode === 'forced';
  const subword = model?.codecs.source.subword === true;
  const pieceTokens = analysis?.pieces?.sourceTokens ?? null;
  const groups = useMemo(() => (subword && pieceTokens ? groupPieces(pieceTokens) : null), [subword, pieceTokens]);

  return (
    <section className="editor" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="sr-only">
        {t('editor.source')}
      </h2>
      <div className="editor-fields">
        <label className="field">
          <span className="field-label">{t('editor.source')}</span>
          <textarea dir="auto" rows={2} value={source} spellCheck={false} onChange={(e) => setSource(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('editor.target')}</span>
          <textarea dir="auto" rows={2} value={target} spellCheck={false} placeholder={t('editor.targetPlaceholder')} onChange={(e) => setTarget(e.target.value)} />
        </label>
      </div>
      <div className="editor-status">
        <p className="mode" aria-live="polite">
          {forced ? t('editor.mode.forced') : t('editor.mode.free')}
        </p>
        {!forced && (
          <fieldset className="decoding">
            <legend>{t('editor.decoding')}</legend>
            <label>
              <input type="radio" name={`${id}-dec`} checked={decoding === 'greedy'} onChange={() => setDecoding('greedy')} /> {t('editor.greedy')}
            </label>
            <label>
              <input type="radio" name={`${id}-dec`} checked={decoding === 'beam'} onChange={() => setDecoding('beam')} /> {t('editor.beam')}
            </label>
            <label>
              <input type="radio" name={`${id}-dec`} checked={decoding === 'sample'} onChange={() => setDecoding('sample')} /> {t('editor.sample')}
            </label>
            {decoding === 'beam' && (
              <label>
                {t('editor.beamWidth')}{' '}
                <input type="number" min={MIN_BEAM_WIDTH} max={MAX_PAGE_BEAM_WIDTH} value={beamWidth} onChange={(e) => setBeamWidth(Number(e.target.value))} />
              </label>
            )}
            {decoding === 'sample' && (
              <span className="sampling">
                <label>
                  {t('editor.temperature')}{' '}
                  <input type="number" min={MIN_TEMPERATURE} max={MAX_TEMPERATURE} step={0.1} value={sample.temperature} onChange={(e) => setSample({ temperature: Number(e.target.value) })} />
                </label>
                <label>
                  {t('editor.sampleTopK')}{' '}
                  <input type="number" min={0} max={MAX_SAMPLE_TOP_K} step={1} value={sample.topK} onChange={(e) => setSample({ topK: Number(e.target.value) })} />
                </label>
                <label>
                  {t('editor.seed')}{' '}
                  <input type="number" min={0} max={MAX_SAMPLE_SEED} step={1} value={sample.seed} onChange={(e) => setSample({ seed: Number(e.target.value) })} />
                </label>
                <button type="button" onClick={() => setSample({ seed: (sample.seed + 1) % (MAX_SAMPLE_SEED + 1) })}>
                  {t('editor.resample')}
                </button>
              </span>
            )}
          </fieldset>
        )}
      </div>
      {analysis?.error && (
        <p className="notice-inline" role="status">
          {analysis.error.code === 'empty-source' ? t('editor.empty') : t('editor.error', { detail: decodeReason(analysis.error) })}
        </p>
      )}
      {analysis?.truncations.map((tr) => {
        const side = t(tr.side === 'source' ? 'editor.side.source' : 'editor.side.target');
        return (
          <p className="notice-inline warn" role="status" key={tr.side}>
            {tr.chars
              ? t('editor.truncatedChars', { side, analysed: tr.chars.analysed.toLocaleString(lang), total: tr.chars.total.toLocaleString(lang), kept: tr.kept })
              : t('editor.truncated', { side, kept: tr.kept, total: tr.originalLength })}
          </p>
        );
      })}
      {firstLoad && <div className="tokens tokens-placeholder" aria-hidden="true" />}
      {analysis?.trace && model && (
        <div className="tokens">
          <span className="field-label">{t('editor.tokens')}</span>
          {groups && pieceTokens ? (
            <>
              <ol className="token-list pieces" aria-label={t('editor.tokens')}>
                {groups.words.map((word, w) => (
                  <li key={w} className={word === '</s>' ? 'special' : undefined} aria-label={word}>
                    {pieceTokens.slice(groups.firstPiece[w], groups.lastPiece[w] + 1).map((p, k) => (
                      <span key={k} className={p.startsWith(WORD_MARK) ? 'piece lead' : 'piece'} aria-hidden="true">
                        <bdi dir="auto">{p.startsWith(WORD_MARK) ? p.slice(1) || WORD_MARK : p}</bdi>
                      </span>
                    ))}
                  </li>
                ))}
              </ol>
              <p className="note">{t('editor.pieces', { pieces: pieceTokens.length, words: groups.words.length })}</p>
            </>
          ) : (
          <ol className="token-list" aria-label={t('editor.tokens')}>
            {analysis.trace.sourceTokens.map((tok, j) => (
              <li key={j} className={analysis.trace?.sourceUnknown[j] ? 'unk' : tok === '</s>' ? 'special' : undefined} title={analysis.trace?.sourceUnknown[j] ? t('pnl.unkTitle') : undefined}>
                <bdi dir="auto">{tok}</bdi>
              </li>
            ))}
          </ol>
          )}
          {unknown > 0 && <p className="note">{t('editor.unknown', { n: unknown })}</p>}
        </div>
      )}
    </section>
  );
}
