// Training in the page (issue 6): settings, play / pause / step / reset, live curves and numbers,
// the probe sentence's alignment with a replay scrubber, the trained model's actions, and the
// models kept in this browser. Training runs in a Web Worker (src/worker); this view only reads
// its throttled messages (≤ 10 Hz) from the train store.

import { useEffect } from 'react';
import { useT } from '../i18n';
import { ModelFiles, TrainedModel } from '../train/ModelPanels';
import { ProbePanel } from '../train/ProbePanel';
import { LossChart, ScoreChart } from '../train/TrainCharts';
import { TrainControls, TrainMetrics, TrainNotices } from '../train/TrainRun';
import { TrainSettings } from '../train/TrainSettings';
import { ensureClient } from '../../store/train';
import '../train/train.css';

export function TrainView() {
  const t = useT();
  // start the worker now, so that Play trains at once (its code loads in the background)
  useEffect(() => {
    ensureClient();
  }, []);
  return (
    <div className="train-view">
      <section className="panel train-intro" aria-labelledby="train-h">
        <h2 id="train-h">{t('train.title')}</h2>
        <p>{t('train.intro')}</p>
      </section>
      <div className="train-layout">
        <div className="train-side">
          <TrainSettings />
        </div>
        <div className="train-main">
          <section className="panel train-run" aria-labelledby="train-run-h">
            <h2 id="train-run-h">{t('train.run')}</h2>
            <TrainControls />
            <TrainNotices />
            <TrainMetrics />
            <div className="train-charts">
              <LossChart />
              <ScoreChart />
            </div>
          </section>
          <ProbePanel />
          <TrainedModel />
        </div>
      </div>
      <ModelFiles />
    </div>
  );
}
