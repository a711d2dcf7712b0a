// Worker thread of ParallelGradients: computes the gradient of its share of a batch with the
// shared weights and writes it into its shared gradient buffers.

import { parentPort, workerData } from 'node:worker_threads';
import { makeBatch } from '../../src/model/batch';
import { batchLoss } from '../../src/model/family';
import { Params } from '../../src/model/params';
import { Tensor, backward } from '../../src/tensor';
import type { WorkerInit, WorkerReply, WorkerRequest } from './parallelGrads';

const init = workerData as WorkerInit;
const grads = init.grads.map((g) => new Float32Array(g));
const params = new Params(init.names.map((name, i) => new Tensor(new Float32Array(init.values[i] as SharedArrayBuffer), init.shapes[i] as number[], true, name)));

parentPort?.on('message', (req: WorkerRequest) => {
  try {
    params.list.forEach((p, i) => {
      const g = grads[i] as Float32Array;
      g.fill(0);
      p.grad = g; // backward accumulates straight into shared memory
    });
    const pairs = req.sources.map((source, k) => ({ source, target: req.targets[k] as Int32Array }));
    const batch = makeBatch(pairs);
    const { loss } = batchLoss(params, init.config, batch);
    const value = loss.item();
    if (Number.isFinite(value)) backward(loss);
    const reply: WorkerReply = { type: 'grad', id: req.id, loss: value, tokens: batch.tokens };
    parentPort?.postMessage(reply);
  } catch (err) {
    const reply: WorkerReply = { type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) };
    parentPort?.postMessage(reply);
  }
});
