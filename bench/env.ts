// The machine a bench run measured on, recorded with every result.

import os from 'node:os';

export type LoadAvg = [number, number, number];

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  /** 1-, 5- and 15-minute load averages: [at start, at end]. */
  loadavg: [LoadAvg, LoadAvg?];
  date: string;
  tfjs: string;
  wasmSimd: boolean;
  wasmThreads: number;
}

export function loadAvg(): LoadAvg {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [round2(a), round2(b), round2(c)];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function machineInfo(loadAtStart: LoadAvg, tfjs: { version: string; simd: boolean; threads: number }): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    loadavg: [loadAtStart],
    date: new Date().toISOString(),
    tfjs: tfjs.version,
    wasmSimd: tfjs.simd,
    wasmThreads: tfjs.threads,
  };
}
