// Worker side of a bench host (see bench/hosts.ts): builds cases with the registered builders
// and times them in this thread.

import { parentPort } from 'node:worker_threads';
import type { Builder, BuiltCase } from './cases';
import { GRU_BUILDERS } from './gru';
import type { HostReply, HostRequest } from './hosts';
import { MATMUL_BUILDERS } from './matmul';
import { SENTENCE_BUILDERS } from './sentence';
import { TRAIN_BUILDERS } from './train';
import { calibrateSync, sampleSync, warmupSync } from './timing';

/** Every builder a section can ask a host for, by name. Add yours here. */
const BUILDERS: Record<string, Builder> = { ...MATMUL_BUILDERS, ...GRU_BUILDERS, ...SENTENCE_BUILDERS, ...TRAIN_BUILDERS };

const cases = new Map<number, BuiltCase>();

function get(id: number): BuiltCase {
  const c = cases.get(id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

async function handle(msg: HostRequest): Promise<unknown> {
  switch (msg.op) {
    case 'init':
      if (msg.detach) {
        // Invalidate this isolate's ArrayBuffer-detaching protector on purpose (bench/hosts.ts).
        const ab = new ArrayBuffer(8);
        structuredClone(ab, { transfer: [ab] });
        if (ab.byteLength !== 0) throw new Error('could not detach an ArrayBuffer');
      }
      return undefined;
    case 'tfjsInfo': {
      const { initTf, tfjsVersion } = await import('./tf');
      return { version: tfjsVersion(), ...(await initTf()) };
    }
    case 'build': {
      const builder = BUILDERS[msg.builder];
      if (!builder) throw new Error(`unknown builder ${msg.builder}; known: ${Object.keys(BUILDERS).join(', ')}`);
      const c = await builder(msg.payload as never);
      cases.set(msg.id, c);
      return { result: c.result, info: c.info };
    }
    case 'warmup': {
      const c = get(msg.id);
      await c.before?.();
      warmupSync(c.fn, msg.ms, msg.minCalls);
      return undefined;
    }
    case 'calibrate': {
      const c = get(msg.id);
      await c.before?.();
      return calibrateSync(c.fn, msg.minSampleMs);
    }
    case 'sample': {
      const c = get(msg.id);
      await c.before?.();
      return sampleSync(c.fn, msg.reps);
    }
    case 'dispose':
      cases.get(msg.id)?.dispose?.();
      cases.delete(msg.id);
      return undefined;
  }
}

parentPort?.on('message', ({ seq, msg }: { seq: number; msg: HostRequest }) => {
  handle(msg).then(
    (value) => parentPort?.postMessage({ seq, ok: true, value } satisfies HostReply),
    (e: unknown) => parentPort?.postMessage({ seq, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies HostReply),
  );
});
