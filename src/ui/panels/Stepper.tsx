// Stepping through decoding: first / previous / next / last / play, a scrubber, and keyboard
// shortcuts (← → Home End Space) that work anywhere outside a text box. Playing advances one
// step every ~0.8 s and stops at the end.

import { useEffect } from 'react';
import { useStore } from '../../store/store';
import { useStep, useTrace } from '../hooks';
import { useT } from '../i18n';

function typingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.closest('[role="grid"]') !== null || el.getAttribute('role') === 'slider';
}

export function Stepper() {
  const t = useT();
  const trace = useTrace();
  const step = useStep();
  const playing = useStore((s) => s.playing);
  const setView = useStore((s) => s.setView);
  const setStep = useStore((s) => s.setStep);
  const stepBy = useStore((s) => s.stepBy);
  const n = trace?.steps.length ?? 0;

  // play: advance on a timer, stop at the end
  useEffect(() => {
    if (!playing) return;
    if (step >= n - 1) {
      setView({ playing: false });
      return;
    }
    const timer = setTimeout(() => stepBy(1), 800);
    return () => clearTimeout(timer);
  }, [playing, step, n, stepBy, setView]);

  // global shortcuts
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.altKey || e.metaKey || e.ctrlKey || typingTarget(e.target)) return;
      const s = useStore.getState();
      const total = s.analysis?.trace?.steps.length ?? 0;
      if (total === 0) return;
      switch (e.key) {
        case 'ArrowRight':
          s.stepBy(1);
          break;
        case 'ArrowLeft':
          s.stepBy(-1);
          break;
        case 'Home':
          s.setStep(0);
          break;
        case 'End':
          s.setStep(total - 1);
          break;
        case ' ':
          if (e.target instanceof HTMLButtonElement) return;
          s.setView({ playing: !s.playing });
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (n === 0) return null;
  const token = trace?.steps[step]?.token.token ?? '';
  return (
    <div className="stepper" role="group" aria-label={t('stepper.scrubber')}>
      <div className="stepper-buttons">
        <button type="button" onClick={() => setStep(0)} disabled={step === 0} aria-label={t('stepper.first')} title={t('stepper.first')}>
          ⏮
        </button>
        <button type="button" onClick={() => stepBy(-1)} disabled={step === 0} aria-label={t('stepper.prev')} title={t('stepper.prev')}>
          ◀
        </button>
        <button
          type="button"
          className="play"
          onClick={() => {
            if (!playing && step >= n - 1) setStep(0);
            setView({ playing: !playing });
          }}
          aria-label={playing ? t('stepper.pause') : t('stepper.play')}
          aria-pressed={playing}
          title={playing ? t('stepper.pause') : t('stepper.play')}
        >
          {playing ? '⏸' : '▶'}
        </button>
        <button type="button" onClick={() => stepBy(1)} disabled={step >= n - 1} aria-label={t('stepper.next')} title={t('stepper.next')}>
          ▶▶
        </button>
        <button type="button" onClick={() => setStep(n - 1)} disabled={step >= n - 1} aria-label={t('stepper.last')} title={t('stepper.last')}>
          ⏭
        </button>
      </div>
      <input
        type="range"
        className="scrubber"
        min={0}
        max={Math.max(0, n - 1)}
        value={step}
        aria-label={t('stepper.scrubber')}
        aria-valuetext={t('punct.named', { name: t('stepper.position', { i: step + 1, n }), value: token })}
        onChange={(e) => setStep(Number(e.target.value))}
      />
      <span className="stepper-pos" aria-live="polite">
        {t('stepper.position', { i: step + 1, n })} · <bdi dir="auto">{token}</bdi>
      </span>
    </div>
  );
}
