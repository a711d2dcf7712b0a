// Worker-thread bootstrap for bench hosts (bench/hosts.ts). Node does not hand tsx's loader on
// to worker threads, so register it here, then load the TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
