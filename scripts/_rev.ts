import { parseFromWorker, type FromWorker, type TrainConfig } from '../src/worker/protocol';
import { TrainSession } from '../src/worker/session';
const [model, heads, layers, ff, lr, variant, steps] = process.argv.slice(2);
const config: TrainConfig = {
  task: { kind: 'builtin', id: 'reverse' }, family: 'transformer', variant: (variant ?? 'scaled-dot') as 'scaled-dot',
  sizes: { embedding: 32, hidden: 64, alignment: 64, maxout: 64 },
  transformer: { model: Number(model ?? 32), heads: Number(heads ?? 2), layers: Number(layers ?? 1), ff: Number(ff ?? 64) },
  lr: Number(lr ?? 0.005), seed: 1, steps: Number(steps ?? 400), batchSize: 32, minLength: 1, maxLength: 8, trainSize: 10000, devSize: 200, evalEvery: 25, snapshotEvery: 10,
  probe: { source: 'b a h d a n a u', target: 'u a n a d h a b' },
};
const t0 = performance.now();
let done = false;
const session = new TrainSession({
  post: (m: FromWorker) => {
    if (m.type === 'train/progress' && m.eval) {
      const em = m.eval.exactMatch ?? NaN;
      console.log(`step ${m.step} exact ${em} loss ${m.loss.toFixed(3)} t=${((performance.now() - t0) / 1000).toFixed(1)}s`);
      if (em >= 0.95 && !done) { done = true; console.log('REACHED', ((performance.now() - t0) / 1000).toFixed(1)); process.exit(0); }
    }
    if (m.type === 'train/error' || m.type === 'error') console.log(JSON.stringify(m).slice(0, 300));
    if (m.type === 'train/done') { console.log('done'); process.exit(0); }
    void parseFromWorker;
  },
  schedule: (fn) => setTimeout(fn, 0),
  now: () => performance.now(),
});
session.hello();
session.receive({ type: 'train/start', config, paused: false, resume: null });
