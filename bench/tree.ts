// Section `tree` (issue 16): the beam search tree view rendered in the page. The production build
// served by `vite preview` (the page section's helpers) in Debian's Chromium: the explorer, the
// real English→French model, a long sentence decoded by beam search of width 4 (at least 20
// steps, so at least 20 × 16 candidates), then the tree view hidden and shown again with its
// toggle, timed in the page from the click to the frame after the commit (a requestAnimationFrame
// callback, then a task: style, layout and paint of the new SVG are done by then). Every show
// mounts the whole tree from nothing (hidden, the panel renders no SVG), so this is the view's
// full render; the beam search itself is not in it (the analysis is already there).
//
// Writes { "tree": { steps, nodes, elements, ms, p10, p90, samples } }.

import type { Browser } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuild, freePort, startPreview, stopPreview } from './page';
import type { BenchContext, Section, SectionResult } from './section';
import { formatTable } from './table';
import fs from 'node:fs';

/** Target: the tree of beam 4 over 20 steps renders in at most this long (p10 of the samples). */
const TARGET_MS = 100;
const WIDTH = 4;
const MIN_STEPS = 20;
/** Sentences tried in turn until the shipped English→French model's beam runs 20 steps or more. */
const SENTENCES = [
  'Tom told Mary that he would be late for dinner because he had to finish his homework before going home.',
  'My brother and I went to the market yesterday to buy some apples, bread, cheese and milk for our grandmother.',
  'I think that my little sister has not eaten anything since yesterday morning because she was very sick.',
  'When I was a child, I used to play football with my friends every Sunday afternoon in the park near our house.',
];

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))] ?? NaN;
}

/**
 * Hide the tree, then time showing it: from the click to a task after the next frame. Plain
 * source text, not a function: tsx (esbuild keepNames) would wrap nested functions in a helper
 * that does not exist in the page (as bench/page.ts's probes say).
 */
const SHOW_TREE = `(async () => {
  const toggle = document.querySelector('[data-testid=beam-tree-toggle]');
  if (!toggle) throw new Error('no tree toggle');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  toggle.click();
  await frame();
  if (document.querySelector('[data-testid=beam-tree] svg')) throw new Error('the tree did not hide');
  const t0 = performance.now();
  toggle.click();
  await frame();
  const t1 = performance.now();
  if (!document.querySelector('[data-testid=beam-tree] svg')) throw new Error('the tree did not show');
  return t1 - t0;
})()`;

interface TreeRun {
  sentence: string;
  steps: number;
  nodes: number;
  elements: number;
  samples: number[];
}

async function timeTree(browser: Browser, url: string, samples: number): Promise<TreeRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[role="grid"] .hm-cell', { timeout: 30_000 });
    await page.getByRole('radio', { name: 'Beam search' }).check();
    await page.getByRole('spinbutton', { name: 'Beam width' }).fill(String(WIDTH));
    const svg = page.locator('[data-testid=beam-tree] svg');
    let steps = 0;
    let nodes = 0;
    let used = '';
    for (const sentence of SENTENCES) {
      used = sentence;
      await page.getByRole('textbox').first().fill(sentence);
      await svg.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(200);
      const label = (await svg.getAttribute('aria-label')) ?? '';
      const m = /(\d+) candidates over (\d+) steps, beam width (\d+)/.exec(label);
      if (!m || Number(m[3]) !== WIDTH) throw new Error(`tree: unexpected tree label “${label}”`);
      steps = Number(m[2]);
      nodes = Number(m[1]);
      if (steps >= MIN_STEPS) break;
    }
    const elements = await svg.evaluate((el) => el.getElementsByTagName('*').length);
    const times: number[] = [];
    for (let k = 0; k < samples + 2; k++) {
      const ms = (await page.evaluate(SHOW_TREE)) as number;
      if (k >= 2) times.push(ms); // two warm-up rounds
    }
    return { sentence: used, steps, nodes, elements, samples: times };
  } finally {
    await context.close();
  }
}

export const treeSection: Section = {
  name: 'tree',
  title: 'tree (issue 16): the beam search tree view of beam 4 over ≥ 20 steps, rendered in Chromium (production build)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const { log } = ctx;
    if (!fs.existsSync(CHROMIUM)) return { json: {}, targets: [], errors: [`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`] };
    ensureBuild(log);
    const port = await freePort();
    const server = await startPreview(port);
    let browser: Browser | null = null;
    try {
      // loaded only now: Playwright detaches an ArrayBuffer in this isolate (bench/README.md)
      const { chromium } = await import('@playwright/test');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const run = await timeTree(browser, `http://127.0.0.1:${port}/`, ctx.quick ? 5 : 15);
      const med = quantile(run.samples, 0.5);
      const p10 = quantile(run.samples, 0.1);
      const p90 = quantile(run.samples, 0.9);
      log(
        formatTable(
          ['tree', 'steps', 'candidates', 'SVG elements', 'median ms', 'p10', 'p90', 'samples'],
          [[`beam ${WIDTH}`, String(run.steps), String(run.nodes), String(run.elements), med.toFixed(1), p10.toFixed(1), p90.toFixed(1), String(run.samples.length)]],
        ),
      );
      const errors = run.steps < MIN_STEPS ? [`tree: the sentence decoded in ${run.steps} steps, fewer than ${MIN_STEPS}`] : [];
      return {
        json: {
          tree: {
            width: WIDTH,
            sentence: run.sentence,
            steps: run.steps,
            nodes: run.nodes,
            elements: run.elements,
            ms: Math.round(med * 10) / 10,
            p10: Math.round(p10 * 10) / 10,
            p90: Math.round(p90 * 10) / 10,
            samples: run.samples.length,
            chromium: browser.version(),
          },
        },
        targets: [{ name: `tree: beam ${WIDTH} over ≥ ${MIN_STEPS} steps renders in ≤ ${TARGET_MS} ms (p10)`, pass: p10 <= TARGET_MS, detail: `p10 ${p10.toFixed(1)} ms, median ${med.toFixed(1)} ms, ${run.steps} steps, ${run.nodes} candidates` }],
        errors,
      };
    } catch (err) {
      return { json: {}, targets: [], errors: [`tree: ${err instanceof Error ? err.message : String(err)}`] };
    } finally {
      await browser?.close();
      await stopPreview(server);
    }
  },
};
