// Training a memory network in the page's worker (docs/ARCHITECTURE.md, "Memory networks"): the
// same `prepareMemoryTraining` and trainer as the CLI, run in slices so that a cancel from the page
// is handled between them. Messages both ways are plain objects, checked on arrival
// by the schemas of memoryProtocol.ts.

import { saveMemoryModel } from '../model/memnn/checkpoint';
import { DEFAULT_MEMORY_TRAINING, evaluateMemory, prepareMemoryTraining } from '../model/memnn/train';
import { parseMemoryCommand, type MemoryCommand, type MemoryErrorCode, type MemoryEvent } from './memoryProtocol';

export { MAX_PAGE_MEMORY_STEPS, parseMemoryCommand, type MemoryCommand, type MemoryEvent } from './memoryProtocol';

/** The event for a command that could not be deserialised (the worker scope's `messageerror`). */
export const UNREADABLE_COMMAND: MemoryEvent = { type: 'error', code: 'unreadable-command' satisfies MemoryErrorCode, detail: '' };

export interface MemorySessionHost {
  post(event: MemoryEvent): void;
  schedule(fn: () => void): void;
  now(): number;
}

const SLICE_MS = 40;

export class MemoryTrainSession {
  private running = 0;

  constructor(private readonly host: MemorySessionHost) {}

  receive(value: unknown): void {
    const cmd = parseMemoryCommand(value);
    if (typeof cmd === 'string') {
      this.host.post({ type: 'error', code: 'bad-command', detail: cmd });
      return;
    }
    if (cmd.type === 'cancel') {
      this.running++;
      return;
    }
    void this.start(cmd).catch((err: unknown) => this.host.post({ type: 'error', code: 'failed', detail: err instanceof Error ? err.message : String(err) }));
  }

  private async start(cmd: Extract<MemoryCommand, { type: 'start' }>): Promise<void> {
    const run = ++this.running;
    const t0 = this.host.now();
    const { splits, model, trainer } = prepareMemoryTraining({
      ...DEFAULT_MEMORY_TRAINING,
      hops: cmd.hops,
      seed: cmd.seed,
      settings: { ...DEFAULT_MEMORY_TRAINING.settings, maxSteps: cmd.steps },
    });
    this.host.post({ type: 'ready', vocab: model.vocab.size, parameters: model.params.count, train: splits.train.length });
    await new Promise<void>((resolve) => {
      const slice = (): void => {
        if (run !== this.running) return resolve();
        const end = this.host.now() + SLICE_MS;
        let loss = 0;
        let n = 0;
        while (!trainer.done && this.host.now() < end) {
          const r = trainer.trainStep();
          if (r.type === 'step') {
            loss += r.loss;
            n++;
          }
          const every = trainer.settings.evalEvery;
          if (every > 0 && (trainer.step % every === 0 || trainer.done)) {
            const e = trainer.evaluate();
            const dev = evaluateMemory(model, splits.dev);
            this.host.post({ type: 'eval', step: e.step, devLoss: e.devLoss, one: dev.accuracy.one, two: dev.accuracy.two });
          }
        }
        if (n > 0) this.host.post({ type: 'progress', step: trainer.step, steps: cmd.steps, loss: loss / n, ms: this.host.now() - t0 });
        if (trainer.done) resolve();
        else this.host.schedule(slice);
      };
      this.host.schedule(slice);
    });
    if (run !== this.running) return; // cancelled: nothing more to say
    trainer.restoreBest();
    const seconds = (this.host.now() - t0) / 1000;
    const test = evaluateMemory(model, splits.test);
    const metrics = { accuracyOneFact: test.accuracy.one, accuracyTwoFact: test.accuracy.two, hopsOnGold: test.hopsOnGold };
    const { manifestText, weights } = await saveMemoryModel(model, {
      id: `trained-memn2n-${cmd.hops}hop`,
      title: `Trained here · ${cmd.hops} hop${cmd.hops === 1 ? '' : 's'}`,
      task: 'babi',
      dtype: 'F32',
      training: { command: `page worker: hops ${cmd.hops}, ${cmd.steps} steps, seed ${cmd.seed}`, seconds: Math.round(seconds), steps: trainer.step, seed: cmd.seed, data: 'task babi (seed 1)', date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), metrics },
    });
    this.host.post({ type: 'done', manifest: manifestText, weights, seconds, one: test.accuracy.one, two: test.accuracy.two, hopsOnGold: test.hopsOnGold });
  }
}
