// explorer — typing in the explorer, in Chromium, with the analysis placed as the page places it
// (the worker, or the main thread for quick decodings: src/store/derived.ts), always in the worker
// and always on the main thread (the same run, so the placements compare on equal terms), for the grammar model, the
// real default model and a paper-sized synthetic checkpoint (issue 18 item 3, issue 15 item 4):
//
//   * keystroke → heatmap: from each `input` event to the next change inside the heatmap grid
//     (other changes, such as the "decoding…" note, do not count); median and p90 per run;
//   * long tasks (PerformanceObserver 'longtask', over 50 ms) on the main thread while typing;
//   * the paper-sized model (RNNsearch-50's sizes, random weights, written once by
//     `npm run checkpoint:synthetic` into bench/.cache and copied into dist/models): the download,
//     from the weights' arrival (Resource Timing responseEnd) to the first heatmap, and typing a
//     20-word sentence.
//
// Writes { "explorer": { … } }.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, PAGE_PROBES, TYPING_PROBES, ensureBuild, freePort, median, startPreview, stopPreview } from './page';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { formatTable } from './table';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SYNTHETIC_ID = 'paper-synthetic';
const SYNTHETIC_CACHE = path.join(ROOT, 'bench', '.cache', SYNTHETIC_ID);

/** 14 words, typed one key at a time. */
const TYPED_14 = 'I think my little cat is very hungry because it is late tonight.';
/** 20 words for the paper-sized model (its vocabulary holds them: scripts/syntheticCheckpoint.ts). */
const TYPED_20 = 'i really miss my family and my friends because the city is very big and i am tired today';


/** Where the page decodes: its default (the worker, with the main-thread fast path for quick decodings), or forced to one side. */
type Placement = 'default' | 'worker' | 'main';
const PLACEMENT_LABEL: Record<Placement, string> = { default: 'as the page does (fast path or worker)', worker: 'always in the worker', main: 'always on the main thread' };

interface TypingRun {
  label: string;
  placement: Placement;
  latencies: number[];
  longTasks: number[];
  keys: number;
  /** Paper-sized model only: weights' responseEnd → first heatmap cell, and navigation → first cell. */
  afterFileMs?: number;
  firstHeatmapMs?: number;
  /** Paper-sized model only: one keystroke after typing stopped → the heatmap's update (ms). */
  singleKeyMs?: number;
}

/**
 * One keystroke after typing has stopped and the page is idle: input → the heatmap's update. While
 * typing, a decoding that outlasts the gap between keys is superseded (no key then "reaches" the
 * grid), so this is the figure of one keystroke's cost for a large model.
 */
async function singleKey(page: Page, box: Locator): Promise<number> {
  const t1 = await page.evaluate(() => performance.now());
  await box.press('End');
  await box.pressSequentially('.');
  await page.waitForFunction((start) => {
    const w = window as unknown as { __inputs: number[]; __updates: number[] };
    const input = w.__inputs.find((t) => t >= start);
    return input !== undefined && w.__updates.some((u) => u >= input);
  }, t1, { timeout: 60_000 });
  return page.evaluate((start) => {
    const w = window as unknown as { __inputs: number[]; __updates: number[] };
    const input = w.__inputs.find((t) => t >= start) as number;
    return (w.__updates.find((u) => u >= input) as number) - input;
  }, t1);
}

function localState(modelId: string, source: string): string {
  return `localStorage.setItem('rnnsearch', ${JSON.stringify(JSON.stringify({ state: { modelId, source, target: '' }, version: 1 }))});`;
}

async function typeIn(browser: Browser, url: string, opts: { label: string; model: string; typed: string; placement: Placement; delay: number; waitMs: number }): Promise<TypingRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: PAGE_PROBES });
    await page.addInitScript({ content: TYPING_PROBES });
    await page.addInitScript({ content: localState(opts.model, 'hello') });
    if (opts.placement !== 'default') await page.addInitScript({ content: `window.__rnnsearchAnalysisPlacement = '${opts.placement}';` });
    await page.goto(url);
    await page.waitForFunction(() => window.__firstGridMs !== undefined, undefined, { timeout: opts.waitMs });
    const timing = await page.evaluate(() => {
      const weights = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.safetensors')) as PerformanceResourceTiming | undefined;
      return { first: window.__firstGridMs ?? NaN, fileEnd: weights ? weights.responseEnd : NaN };
    });
    await page.waitForTimeout(1000);
    const box = page.getByRole('textbox').first();
    await box.fill('');
    await page.waitForTimeout(Math.min(opts.waitMs, 3000));
    const t0 = await page.evaluate(() => performance.now());
    await box.pressSequentially(opts.typed, { delay: opts.delay });
    await page.waitForTimeout(Math.min(opts.waitMs, 5000));
    const r = await page.evaluate((start) => {
      const w = window as unknown as { __inputs: number[]; __updates: number[]; __longTasks?: Array<{ start: number; duration: number }> };
      const inputs = w.__inputs.filter((t) => t >= start);
      const latencies: number[] = [];
      inputs.forEach((t, k) => {
        const next = inputs[k + 1] ?? Infinity;
        const u = w.__updates.find((x) => x >= t && x < next);
        if (u !== undefined) latencies.push(u - t);
      });
      const longTasks = (w.__longTasks ?? []).filter((l) => l.start >= start).map((l) => l.duration);
      return { latencies, longTasks, keys: inputs.length };
    }, t0);
    const run: TypingRun = { label: opts.label, placement: opts.placement, ...r };
    if (opts.model === SYNTHETIC_ID) {
      run.firstHeatmapMs = timing.first;
      run.afterFileMs = timing.first - timing.fileEnd;
      run.singleKeyMs = await singleKey(page, box);
    }
    return run;
  } finally {
    await context.close();
  }
}

/** The paper-sized checkpoint in dist/models (written once into bench/.cache: about 2 minutes). */
function ensureSynthetic(log: (line?: string) => void): void {
  if (!fs.existsSync(path.join(SYNTHETIC_CACHE, 'manifest.json'))) {
    log('writing the paper-sized synthetic checkpoint (npm run checkpoint:synthetic)…');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'scripts', 'syntheticCheckpoint.ts'), '--out', SYNTHETIC_CACHE], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`checkpoint:synthetic failed (exit ${r.status})`);
  }
  const target = path.join(ROOT, 'dist', 'models', SYNTHETIC_ID);
  fs.mkdirSync(target, { recursive: true });
  for (const f of fs.readdirSync(SYNTHETIC_CACHE)) fs.copyFileSync(path.join(SYNTHETIC_CACHE, f), path.join(target, f));
}

const p90 = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(0.9 * (v.length - 1))] ?? NaN;
const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '—');

export const explorerSection: Section = {
  name: 'explorer',
  title: 'explorer (issues 18, 15): keystroke → heatmap and main-thread long tasks while typing, analysis in the worker vs on the main thread; a paper-sized checkpoint',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const { log } = ctx;
    if (!fs.existsSync(CHROMIUM)) return { json: {}, targets: [], errors: [`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`] };
    ensureBuild(log);
    ensureSynthetic(log);
    const port = await freePort();
    const server = await startPreview(port);
    const url = `http://127.0.0.1:${port}/`;
    let browser: Browser | null = null;
    const runs: TypingRun[] = [];
    try {
      const { chromium } = await import('@playwright/test');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      for (const [label, model] of [
        ['grammar (en-fr-additive)', 'en-fr-additive'],
        ['real default (tatoeba-en-fr)', 'tatoeba-en-fr'],
      ] as const) {
        for (const placement of ['default', 'worker', 'main'] as const) {
          const run = await typeIn(browser, url, { label, model, typed: TYPED_14, placement, delay: 120, waitMs: 30_000 });
          runs.push(run);
          log(`${label}, analysis ${PLACEMENT_LABEL[placement]}: keystroke → heatmap median ${fmt(median(run.latencies))} ms, p90 ${fmt(p90(run.latencies))} ms (${run.latencies.length}/${run.keys} keys); long tasks ${run.longTasks.length}${run.longTasks.length ? ` (longest ${Math.max(...run.longTasks).toFixed(0)} ms)` : ''}`);
        }
      }
      const big = await typeIn(browser, url, { label: 'paper-sized (80M, float16)', model: SYNTHETIC_ID, typed: TYPED_20, placement: 'default', delay: 150, waitMs: 180_000 });
      runs.push(big);
      log(`paper-sized synthetic: first heatmap ${fmt(big.firstHeatmapMs ?? NaN)} ms from navigation, ${fmt(big.afterFileMs ?? NaN)} ms after the weights arrived; keystroke → heatmap median ${fmt(median(big.latencies))} ms (${big.latencies.length}/${big.keys} keys reached the grid: superseded ones are dropped); one keystroke after typing stopped → heatmap ${fmt(big.singleKeyMs ?? NaN)} ms; long tasks ${big.longTasks.length}${big.longTasks.length ? ` (longest ${Math.max(...big.longTasks).toFixed(0)} ms)` : ''}`);
    } finally {
      await browser?.close();
      await stopPreview(server);
    }
    log('');
    log(formatTable(['model', 'analysis', 'key → heatmap median (ms)', 'p90 (ms)', 'long tasks (longest ms)'], runs.map((r) => [r.label, r.placement, fmt(median(r.latencies)), fmt(p90(r.latencies)), `${r.longTasks.length} (${r.longTasks.length ? Math.max(...r.longTasks).toFixed(0) : 0})`])));
    const find = (label: string, placement: string): TypingRun | undefined => runs.find((r) => r.label.startsWith(label) && r.placement === placement);
    const targets: TargetCheck[] = [];
    for (const label of ['grammar', 'real default']) {
      const r = find(label, 'default');
      if (!r) continue;
      const longest = r.longTasks.length ? Math.max(...r.longTasks) : 0;
      targets.push({ name: `explorer: typing 14 words, ${label} model: keystroke → heatmap median < 30 ms`, pass: median(r.latencies) < 30, detail: `${fmt(median(r.latencies))} ms (always worker: ${fmt(median(find(label, 'worker')?.latencies ?? []))} ms, always main thread: ${fmt(median(find(label, 'main')?.latencies ?? []))} ms)` });
      targets.push({ name: `explorer: typing 14 words, ${label} model: no main-thread task over 50 ms`, pass: r.longTasks.length === 0, detail: `${r.longTasks.length} long tasks, longest ${longest.toFixed(0)} ms (always worker: ${find(label, 'worker')?.longTasks.length ?? '—'}, always main thread: ${find(label, 'main')?.longTasks.length ?? '—'})` });
    }
    const big = runs.find((r) => r.afterFileMs !== undefined);
    if (big) {
      targets.push({ name: 'explorer: paper-sized checkpoint, first heatmap ≤ 5 s after the file is available', pass: (big.afterFileMs ?? Infinity) <= 5000, detail: `${fmt(big.afterFileMs ?? NaN)} ms` });
      targets.push({ name: 'explorer: paper-sized checkpoint, keystroke → heatmap ≤ 300 ms (20 words)', pass: (big.singleKeyMs ?? Infinity) <= 300, detail: `${fmt(big.singleKeyMs ?? NaN)} ms for one keystroke after typing stopped (while typing, ${big.latencies.length} of ${big.keys} keys reached the grid)` });
      targets.push({ name: 'explorer: paper-sized checkpoint, no main-thread task over 50 ms while typing', pass: big.longTasks.length === 0, detail: `${big.longTasks.length} long tasks${big.longTasks.length ? `, longest ${Math.max(...big.longTasks).toFixed(0)} ms` : ''}` });
    }
    const json = {
      explorer: {
        runs: runs.map((r) => ({
          model: r.label,
          placement: r.placement,
          keys: r.keys,
          updates: r.latencies.length,
          keystrokeMedianMs: Math.round(median(r.latencies) * 10) / 10,
          keystrokeP90Ms: Math.round(p90(r.latencies) * 10) / 10,
          longTasks: r.longTasks.length,
          longestTaskMs: r.longTasks.length ? Math.round(Math.max(...r.longTasks)) : 0,
          ...(r.afterFileMs !== undefined ? { firstHeatmapAfterFileMs: Math.round(r.afterFileMs), firstHeatmapMs: Math.round(r.firstHeatmapMs ?? NaN), singleKeyMs: Math.round(r.singleKeyMs ?? NaN) } : {}),
        })),
      },
    };
    return { json, targets, errors: [] };
  },
};
