// page — the page itself in Chromium (issue 6 targets, and the explorer's first heatmap):
//
//   * the production build (`vite build`, rebuilt when dist/ is missing or older than the
//     sources) served by `vite preview` on a free port, started and stopped here;
//   * Debian's Chromium driven by Playwright (CHROMIUM_PATH overrides /usr/bin/chromium);
//   * explorer: time from navigation start to the first heatmap cell (three fresh contexts,
//     median; the issue-5 goal is under 1 s on localhost);
//   * train: open the Train view, press Train with the reversal defaults, and wait until the dev
//     exact match read from the page reaches 95%; the time from the click, the main-thread long
//     tasks meanwhile (PerformanceObserver 'longtask': tasks over 50 ms; the target), a Chromium
//     trace of every task on the page's main thread (the longest by wall clock — `longestTaskMs`
//     — and by CPU time: on a loaded 2-core machine a task waits for a core, and the wall clock
//     counts the wait), and how anti-diagonal the probe's alignment is at that moment (rows whose
//     largest weight is on source position T−1−i).
//
// Writes { "page": { reverseSecondsTo95, longestTaskMs, firstHeatmapMs, … } }.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Types only: loading Playwright detaches an ArrayBuffer in this isolate (see bench/hosts.ts),
// which would slow every later `ours` row of the other sections; it is imported when this
// section runs (it runs last).
import type { Browser, Page } from '@playwright/test';
import type { BenchContext, Section, SectionResult, TargetCheck } from './section';
import { formatTable } from './table';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_INDEX = path.join(ROOT, 'dist', 'index.html');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TRAIN_TIMEOUT_MS = 180_000;

// ---- the build and the server ------------------------------------------------------------------

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Build dist/ when it is missing or older than anything it is built from. */
export function ensureBuild(log: (line?: string) => void): void {
  const built = fs.statSync(DIST_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newestMtime(path.join(ROOT, p))));
  if (built >= sources) {
    log('dist/ is up to date');
    return;
  }
  log(built === 0 ? 'dist/ is missing: building…' : 'dist/ is older than the sources: building…');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPreview(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`vite preview did not answer on port ${port} within 30 s: ${output.slice(-500)}`);
}

export function stopPreview(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---- in-page probes ---------------------------------------------------------------------------

declare global {
  interface Window {
    __firstGridMs?: number;
    __longTasks?: Array<{ start: number; duration: number }>;
    __layoutShift?: number;
  }
}

/**
 * Runs before the page's scripts: records the first heatmap cell and every long task. Plain source
 * text, not a function: tsx (esbuild keepNames) would wrap nested functions in a helper that does
 * not exist in the page.
 */
export const PAGE_PROBES = `
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
window.__layoutShift = 0;
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__layoutShift += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
} catch (e) {}
new MutationObserver(function (records, observer) {
  if (window.__firstGridMs === undefined && document.querySelector('[role="grid"] .hm-cell')) window.__firstGridMs = performance.now();
  if (window.__firstGridMs !== undefined) observer.disconnect();
}).observe(document, { childList: true, subtree: true });
`;

/** Opening the explorer: the first heatmap cell, and (1 s later) what the load cost. */
interface ExplorerLoad {
  firstHeatmapMs: number;
  /** The longest main-thread task from navigation to 1 s after the first heatmap (Long Tasks API; 0 if none over 50 ms). */
  longestTaskMs: number;
  /** Cumulative layout shift over the same time. */
  layoutShift: number;
  domElements: number;
}

async function openExplorer(browser: Browser, url: string, width: number): Promise<ExplorerLoad> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: PAGE_PROBES });
    await page.goto(url);
    await page.waitForFunction(() => window.__firstGridMs !== undefined, undefined, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    return await page.evaluate(() => ({
      firstHeatmapMs: window.__firstGridMs as number,
      longestTaskMs: Math.max(0, ...(window.__longTasks ?? []).map((t) => t.duration)),
      layoutShift: window.__layoutShift ?? 0,
      domElements: document.getElementsByTagName('*').length,
    }));
  } finally {
    await context.close();
  }
}

interface TrainRun {
  seconds: number;
  step: number;
  exactMatch: number;
  workerSeconds: number;
  tokensPerSec: number;
  /** Threads the run computed its gradients on (the Train view's workers metric). */
  workers: number;
  longTasks: number[];
  trace: { count: number; longestWallMs: number; longestCpuMs: number } | null;
  antiDiagonal: number;
  probeStep: number;
}

/**
 * The tasks on the page's main thread in a Chromium trace: the longest by wall-clock time and the
 * most CPU any task used (ms). On a loaded machine a task can take far longer than the CPU it
 * used: the thread waited for a core.
 */
export function traceTasks(trace: Buffer): { count: number; longestWallMs: number; longestCpuMs: number } | null {
  let events: Array<{ name?: string; ph?: string; pid?: number; tid?: number; dur?: number; tdur?: number; args?: { name?: string } }>;
  try {
    const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: typeof events } | typeof events;
    events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  } catch {
    return null;
  }
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  let count = 0;
  let longestWallMs = 0;
  let longestCpuMs = 0;
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number' || !main.has(`${e.pid}:${e.tid}`)) continue;
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    count++;
    longestWallMs = Math.max(longestWallMs, e.dur / 1000);
    if (typeof e.tdur === 'number') longestCpuMs = Math.max(longestCpuMs, e.tdur / 1000);
  }
  return count > 0 ? { count, longestWallMs, longestCpuMs } : null;
}

/** A 12-word everyday sentence typed into the explorer (the real English→French default model). */
const TYPED = 'I think my little cat is hungry because it is very late tonight.';

/** Typing a sentence, one key at a time: keystroke → updated heatmap, and long tasks meanwhile. */
interface Typing {
  /** ms from each input event to the next change of the heatmap grid. */
  latencies: number[];
  longTasks: number[];
  keys: number;
}

/**
 * Input events and changes inside the heatmap grid only: other changes (the sentence box itself,
 * the "decoding…" note while the analysis worker runs) are not the heatmap following the typing.
 */
export const TYPING_PROBES = `
window.__inputs = [];
window.__updates = [];
document.addEventListener('input', function () { window.__inputs.push(performance.now()); }, true);
new MutationObserver(function (records) {
  for (const r of records) {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (el && el.closest && el.closest('[role="grid"]')) { window.__updates.push(performance.now()); return; }
  }
}).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['style', 'aria-label', 'd', 'fill'] });
`;

async function typeSentence(browser: Browser, url: string): Promise<Typing> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: PAGE_PROBES });
    await page.addInitScript({ content: TYPING_PROBES });
    await page.goto(url);
    await page.waitForFunction(() => window.__firstGridMs !== undefined, undefined, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const box = page.getByRole('textbox').first();
    await box.fill('');
    await page.waitForTimeout(300);
    const t0 = await page.evaluate(() => performance.now());
    await box.pressSequentially(TYPED, { delay: 120 });
    await page.waitForTimeout(500);
    return await page.evaluate((start) => {
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
  } finally {
    await context.close();
  }
}

/** The Memory page's Train button (3 hops, its defaults): wall time from the click to the trained network, and its test accuracy. */
async function trainMemoryInPage(browser: Browser, url: string): Promise<{ seconds: number; one: number; two: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}#view=memory`);
    const button = page.getByRole('button', { name: 'Train a network' });
    await button.waitFor({ timeout: 30_000 });
    const t0 = Date.now();
    await button.click();
    const done = page.getByText(/^Trained in \d+ s\./);
    await done.waitFor({ timeout: 300_000 });
    const seconds = (Date.now() - t0) / 1000;
    const text = await done.innerText();
    const m = /one fact ([\d.]+)%, two facts ([\d.]+)%/.exec(text);
    if (!m) throw new Error(`could not read the memory network's accuracy from “${text}”`);
    return { seconds, one: Number(m[1]) / 100, two: Number(m[2]) / 100 };
  } finally {
    await context.close();
  }
}

async function readMetric(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => Number((document.querySelector(`[data-metric="${n}"]`) as HTMLElement | null)?.dataset.value ?? NaN), name);
}

/**
 * `model`: the train form's model choice (e.g. `transformer:scaled-dot`); absent: the page's default
 * (RNNsearch, additive). `workers`: the Train view's Workers choice; absent: its default (one per
 * core: the page is cross-origin isolated under `vite preview`).
 */
async function trainReverse(browser: Browser, url: string, log: (line?: string) => void, model?: string, workers?: number): Promise<TrainRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await page.addInitScript({ content: PAGE_PROBES });
    await page.goto(`${url}#view=train`);
    const play = page.getByRole('group', { name: 'Training controls' }).getByRole('button', { name: 'Train' });
    await play.waitFor({ timeout: 30_000 });
    if (model) await page.getByLabel('Attention', { exact: true }).selectOption(model);
    if (workers !== undefined) await page.getByLabel('Workers', { exact: true }).selectOption(String(workers));
    // let the page and the worker's code settle: page-load tasks are not part of training
    await page.waitForTimeout(1500);
    await browser.startTracing(page, { categories: ['toplevel'] });
    const t0 = await page.evaluate(() => performance.now());
    await play.click();
    const reachedAt = await page.waitForFunction(
      () => {
        const v = Number((document.querySelector('[data-metric="exact-match"]') as HTMLElement | null)?.dataset.value ?? NaN);
        return v >= 0.95 ? performance.now() : false;
      },
      undefined,
      { timeout: TRAIN_TIMEOUT_MS, polling: 100 },
    );
    const t1 = (await reachedAt.jsonValue()) as number;
    const trace = await browser.stopTracing();
    const run: TrainRun = {
      seconds: (t1 - t0) / 1000,
      step: await readMetric(page, 'step'),
      exactMatch: await readMetric(page, 'exact-match'),
      workerSeconds: (await readMetric(page, 'elapsed')) / 1000,
      tokensPerSec: await readMetric(page, 'tokens-per-sec'),
      workers: await readMetric(page, 'workers'),
      longTasks: await page.evaluate((start) => (window.__longTasks ?? []).filter((e) => e.start + e.duration >= start).map((e) => e.duration), t0),
      trace: traceTasks(trace),
      probeStep: await readMetric(page, 'probe-step'),
      // the probe heatmap at that moment: rows of the grid (target steps before </s>)
      antiDiagonal: await page.evaluate(() => {
        const grid = document.querySelector('[role="grid"]');
        if (!grid) return 0;
        const rows = [...grid.querySelectorAll('[role="row"]')].map((r) => [...r.querySelectorAll('.hm-cell')].map((c) => Number((c.getAttribute('aria-label') ?? '').split(': ').at(-1))));
        const body = rows.filter((r) => r.length > 0);
        const T = (body[0]?.length ?? 1) - 1; // source tokens before </s>
        const n = Math.min(body.length - 1, T);
        let hits = 0;
        for (let i = 0; i < n; i++) {
          const row = body[i] as number[];
          let best = 0;
          for (let j = 1; j < row.length; j++) if ((row[j] as number) > (row[best] as number)) best = j;
          if (best === T - 1 - i) hits++;
        }
        return n > 0 ? hits / n : 0;
      }),
    };
    await page
      .getByRole('group', { name: 'Training controls' })
      .getByRole('button', { name: 'Pause' })
      .click({ timeout: 2000 })
      .catch(() => undefined);
    return run;
  } finally {
    await context.close();
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const pageSection: Section = {
  name: 'page',
  title: 'page (issue 6): reverse trained in the page’s worker to 95% dev exact match (RNNsearch, Transformer); a memory network trained in the page; main-thread long tasks; the explorer’s first heatmap',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const { log } = ctx;
    const errors: string[] = [];
    if (!fs.existsSync(CHROMIUM)) return { json: {}, targets: [], errors: [`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`] };
    ensureBuild(log);
    const port = await freePort();
    const server = await startPreview(port);
    const url = `http://127.0.0.1:${port}/`;
    log(`vite preview on ${url}; Chromium ${CHROMIUM}`);
    let browser: Browser | null = null;
    try {
      const { chromium } = await import('@playwright/test');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const opens: ExplorerLoad[] = [];
      for (let k = 0; k < (ctx.quick ? 1 : 3); k++) opens.push(await openExplorer(browser, url, 1280));
      const phone = await openExplorer(browser, url, 412);
      const loads = opens.map((o) => o.firstHeatmapMs);
      const firstHeatmap = median(loads);
      const openTask = median(opens.map((o) => o.longestTaskMs));
      const openShift = Math.max(...opens.map((o) => o.layoutShift));
      log(`explorer first heatmap (from navigation start, fresh context): ${loads.map((v) => `${v.toFixed(0)} ms`).join(', ')}; median ${firstHeatmap.toFixed(0)} ms`);
      log(
        `opening the explorer: longest task ${opens.map((o) => `${o.longestTaskMs.toFixed(0)} ms`).join(', ')}; layout shift ${opens.map((o) => o.layoutShift.toFixed(3)).join(', ')} ` +
          `(phone width: ${phone.layoutShift.toFixed(3)}); ${opens[0]?.domElements ?? 0} elements`,
      );

      const typing = await typeSentence(browser, url);
      const keyMedian = median(typing.latencies);
      const keyP90 = [...typing.latencies].sort((a, b) => a - b)[Math.floor(0.9 * (typing.latencies.length - 1))] ?? NaN;
      log(
        `typing a 12-word sentence (${typing.keys} keys, real English→French model): keystroke → heatmap median ${keyMedian.toFixed(1)} ms, p90 ${keyP90.toFixed(1)} ms ` +
          `(${typing.latencies.length} updates); long tasks meanwhile: ${typing.longTasks.length}${typing.longTasks.length ? ` (${typing.longTasks.map((d) => d.toFixed(0)).join(', ')} ms)` : ''}`,
      );

      log('training reverse in the page (defaults) until the dev exact match reaches 95%…');
      const loadBefore = os.loadavg()[0] ?? 0;
      const run = await trainReverse(browser, url, log);
      // issue 18: the same run on one worker and on two, interleaved (load from other processes
      // hits both alike); tokens/s is the worker's own figure at 95%, compared within this run
      const rounds = ctx.quick ? 1 : 3;
      const perWorkers: Record<1 | 2, TrainRun[]> = { 1: [], 2: [] };
      for (let k = 0; k < rounds; k++) {
        for (const w of [1, 2] as const) {
          const r = await trainReverse(browser, url, log, undefined, w);
          log(`  ${w} worker(s), round ${k + 1}: ${r.seconds.toFixed(1)} s to 95% (step ${r.step}), ${r.tokensPerSec.toFixed(0)} tokens/s, ${r.workers} thread(s) reported`);
          perWorkers[w].push(r);
        }
      }
      const tps1 = perWorkers[1].map((r) => r.tokensPerSec);
      const tps2 = perWorkers[2].map((r) => r.tokensPerSec);
      const ratios = tps2.map((v, k) => v / (tps1[k] as number));
      const ratio = median(tps2) / median(tps1);
      const ratioP10 = [...ratios].sort((a, b) => a - b)[Math.floor(0.1 * (ratios.length - 1))] as number;
      const secs2 = median(perWorkers[2].map((r) => r.seconds));
      const secs1 = median(perWorkers[1].map((r) => r.seconds));
      log(`workers: tokens/s 1 → ${median(tps1).toFixed(0)}, 2 → ${median(tps2).toFixed(0)} (ratio of medians ${ratio.toFixed(2)}×, per round ${ratios.map((x) => x.toFixed(2)).join(', ')}); to 95%: ${secs1.toFixed(1)} s → ${secs2.toFixed(1)} s`);
      log('training reverse in the page with the Transformer (the form’s Transformer defaults) until 95%…');
      const tf = await trainReverse(browser, url, log, 'transformer:scaled-dot');
      log(`Transformer: ${tf.seconds.toFixed(1)} s to ≥ 95% (step ${tf.step}, worker ${tf.workerSeconds.toFixed(1)} s, ${tf.tokensPerSec.toFixed(0)} tokens/s)`);
      log('training a 3-hop memory network in the page (the Memory page’s Train button)…');
      const mem = await trainMemoryInPage(browser, url);
      log(`memory network: ${mem.seconds.toFixed(1)} s from the click to a trained network; test accuracy one fact ${(100 * mem.one).toFixed(1)}%, two facts ${(100 * mem.two).toFixed(1)}%`);
      const longest = run.longTasks.length > 0 ? Math.max(...run.longTasks) : 0;
      log('');
      log(
        formatTable(
          ['measure', 'value'],
          [
            ['seconds from Train to ≥ 95% dev exact match', run.seconds.toFixed(1)],
            ['  at step / dev exact match', `${run.step} / ${(100 * run.exactMatch).toFixed(1)}%`],
            ['  worker training time (s)', run.workerSeconds.toFixed(1)],
            ['  tokens/s (worker)', run.tokensPerSec.toFixed(0)],
            ['main-thread long tasks (> 50 ms) meanwhile', `${run.longTasks.length}${run.longTasks.length ? ` (${run.longTasks.map((d) => d.toFixed(0)).join(', ')} ms)` : ''}`],
            ['longest main-thread task (trace): wall / CPU', run.trace ? `${run.trace.longestWallMs.toFixed(1)} ms / ${run.trace.longestCpuMs.toFixed(1)} ms (of ${run.trace.count} tasks)` : 'n/a'],
            ['load average (1 min) before / after', `${loadBefore.toFixed(2)} / ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} cores`],
            [`probe anti-diagonal rows (snapshot of step ${run.probeStep})`, `${(100 * run.antiDiagonal).toFixed(0)}%`],
            ['explorer first heatmap (median)', `${firstHeatmap.toFixed(0)} ms`],
            ['  longest task while opening (median) / layout shift (worst; phone)', `${openTask.toFixed(0)} ms / ${openShift.toFixed(3)}; ${phone.layoutShift.toFixed(3)}`],
          ],
        ),
      );
      // the issue's measure is the Long Tasks API; the trace adds the longest task of any length
      // (wall clock, which includes waiting for a core on a loaded machine) and its CPU time
      const longestTaskMs = run.trace?.longestWallMs ?? longest;
      const cpu = run.trace?.longestCpuMs ?? null;
      const targets: TargetCheck[] = [
        { name: 'page: reverse to ≥ 95% dev exact match in ≤ 60 s', pass: run.seconds <= 60, detail: `${run.seconds.toFixed(1)} s (step ${run.step})` },
        {
          name: 'page: no main-thread task over 50 ms while training (Long Tasks API)',
          pass: run.longTasks.length === 0,
          detail: `${run.longTasks.length} long task(s)${run.longTasks.length ? ` up to ${longest.toFixed(0)} ms` : ''}; trace: longest ${longestTaskMs.toFixed(1)} ms wall${cpu === null ? '' : `, ${cpu.toFixed(1)} ms CPU`}; load ${loadBefore.toFixed(1)}`,
        },
        {
          name: 'page: training tokens/s with 2 workers ≥ 1.7× one worker (issue 18; same run, interleaved)',
          pass: ratio >= 1.7,
          detail: `${ratio.toFixed(2)}× (median of ${rounds}; lowest round ${ratioP10.toFixed(2)}×): ${median(tps1).toFixed(0)} → ${median(tps2).toFixed(0)} tokens/s; load ${loadBefore.toFixed(1)} on ${os.cpus().length} cores`,
        },
        { name: 'page: reverse to ≥ 95% in ≤ 10 s with 2 workers (issue 18)', pass: secs2 <= 10, detail: `${secs2.toFixed(1)} s median (one worker: ${secs1.toFixed(1)} s)` },
        { name: 'page: reverse with a Transformer to ≥ 95% dev exact match in ≤ 30 s', pass: tf.seconds <= 30, detail: `${tf.seconds.toFixed(1)} s (step ${tf.step})` },
        {
          name: 'page: a 3-hop memory network trained in the page to ≥ 95% two-fact test accuracy in ≤ 60 s',
          pass: mem.seconds <= 60 && mem.two >= 0.95,
          detail: `${mem.seconds.toFixed(1)} s; two facts ${(100 * mem.two).toFixed(1)}%, one fact ${(100 * mem.one).toFixed(1)}%`,
        },
        { name: 'page: probe alignment anti-diagonal (≥ 90% of rows)', pass: run.antiDiagonal >= 0.9, detail: `${(100 * run.antiDiagonal).toFixed(0)}% of rows at step ${run.probeStep}` },
        { name: 'page: explorer first heatmap < 1 s (real English→French default)', pass: firstHeatmap < 1000, detail: `${firstHeatmap.toFixed(0)} ms (median of ${loads.length})` },
        { name: 'page: keystroke → updated heatmap < 50 ms median (typing a 12-word sentence)', pass: keyMedian < 50, detail: `${keyMedian.toFixed(1)} ms median, p90 ${keyP90.toFixed(1)} ms, ${typing.latencies.length} updates` },
        { name: 'page: no main-thread task over 50 ms while typing', pass: typing.longTasks.length === 0, detail: `${typing.longTasks.length} long task(s)${typing.longTasks.length ? ` up to ${Math.max(...typing.longTasks).toFixed(0)} ms` : ''}` },
        // our own bar (Core Web Vitals' "good" is < 0.1): the page must not jump while it loads
        {
          name: 'page: opening the explorer, layout shift < 0.1 (desktop and phone)',
          pass: openShift < 0.1 && phone.layoutShift < 0.1,
          detail: `${openShift.toFixed(3)} / ${phone.layoutShift.toFixed(3)}; longest task ${openTask.toFixed(0)} ms`,
        },
      ];
      return {
        json: {
          page: {
            reverseSecondsTo95: Math.round(run.seconds * 10) / 10,
            reverseTransformerSecondsTo95: Math.round(tf.seconds * 10) / 10,
            reverseTransformerStep: tf.step,
            memoryTrainSeconds: Math.round(mem.seconds * 10) / 10,
            memoryTwoFactAccuracy: mem.two,
            memoryOneFactAccuracy: mem.one,
            longestTaskMs: Math.round(longestTaskMs * 10) / 10,
            firstHeatmapMs: Math.round(firstHeatmap),
            firstHeatmapLoadsMs: loads.map((v) => Math.round(v)),
            keystrokeMedianMs: Math.round(keyMedian * 10) / 10,
            keystrokeP90Ms: Math.round(keyP90 * 10) / 10,
            typingLongTasks: typing.longTasks.map((d) => Math.round(d)),
            openLongestTaskMs: Math.round(openTask),
            openLayoutShift: Math.round(openShift * 1000) / 1000,
            openLayoutShiftPhone: Math.round(phone.layoutShift * 1000) / 1000,
            openDomElements: opens[0]?.domElements ?? 0,
            longestTaskCpuMs: cpu === null ? null : Math.round(cpu * 10) / 10,
            longestLongTaskMs: Math.round(longest * 10) / 10,
            longTasksOver50Ms: run.longTasks.length,
            loadavg1: [Math.round(loadBefore * 100) / 100, Math.round((os.loadavg()[0] ?? 0) * 100) / 100],
            reverseStep: run.step,
            reverseExactMatch: run.exactMatch,
            reverseWorkerSeconds: Math.round(run.workerSeconds * 10) / 10,
            reverseTokensPerSec: Math.round(run.tokensPerSec),
            reverseWorkers: run.workers,
            workersTokensPerSec: { 1: tps1.map((v) => Math.round(v)), 2: tps2.map((v) => Math.round(v)) },
            workersSecondsTo95: { 1: perWorkers[1].map((r) => Math.round(r.seconds * 10) / 10), 2: perWorkers[2].map((r) => Math.round(r.seconds * 10) / 10) },
            workersSpeedup: Math.round(ratio * 100) / 100,
            workersSpeedupLowest: Math.round(ratioP10 * 100) / 100,
            probeAntiDiagonal: Math.round(run.antiDiagonal * 1000) / 1000,
            settings: 'reverse, lengths 1-8, embedding 32 / hidden 64 / alignment 64 / maxout 64, batch 32, lr 0.005, 400 steps, dev 200 checked every 25 steps; the first run on the Train view’s default workers (one per core), then 1 and 2 workers interleaved',
            chromium: browser.version(),
          },
        },
        targets,
        errors,
      };
    } catch (err) {
      errors.push(`page: ${err instanceof Error ? err.message : String(err)}`);
      return { json: {}, targets: [], errors };
    } finally {
      await browser?.close();
      await stopPreview(server);
    }
  },
};
