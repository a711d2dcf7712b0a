// Training in the page, in real Chromium against the production build under the strict CSP (the
// fixture fails a test on any console error, page error or CSP violation): the reversal task
// trains in the worker, the loss falls and the probe heatmap changes; pause; download the model;
// reload; load the files; the explorer shows it; a corrupt file changes nothing; axe in light and
// dark; a TSV's line errors come back from the worker; phone width.

import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, test } from './fixtures.ts';

const controls = (page: Page) => page.getByRole('group', { name: 'Training controls' });
const modelPicker = (page: Page) => page.getByRole('combobox', { name: 'Model' });

async function metric(page: Page, name: string): Promise<number> {
  const v = await page.locator(`[data-metric="${name}"]`).first().getAttribute('data-value');
  return v === null || v === '' ? Number.NaN : Number(v);
}

async function openTrain(page: Page): Promise<void> {
  await page.goto('/#view=train');
  await expect(page.getByRole('heading', { name: 'Train a model in your browser' })).toBeVisible({ timeout: 20_000 });
}

async function cellLabels(page: Page): Promise<string[]> {
  return page.getByRole('grid').first().locator('.hm-cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
}

test('train reverse in the worker, pause, download, reload, load the files, see the model in the explorer', async ({ page }) => {
  test.setTimeout(150_000);
  await openTrain(page);

  // before training: the probe with uniform weights
  await expect(page.getByRole('grid', { name: 'Probe alignment before training (uniform)' })).toBeVisible();
  const before = await cellLabels(page);
  expect(before).toContain('u ↔ b: 0.11');

  await controls(page).getByRole('button', { name: 'Train' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training…' })).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => metric(page, 'dev-loss'), { timeout: 60_000 }).toBeGreaterThan(0);
  const firstDev = await metric(page, 'dev-loss');
  await expect.poll(() => metric(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(110);
  const laterDev = await metric(page, 'dev-loss');
  expect(laterDev).toBeLessThan(firstDev);
  // the probe heatmap follows training
  await expect(page.getByRole('grid', { name: /^Probe alignment at step \d+$/ })).toBeVisible();
  expect(await cellLabels(page)).not.toEqual(before);
  expect(await page.locator('.train-chart path').count()).toBeGreaterThan(0);

  await controls(page).getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Paused.' })).toBeVisible();
  const pausedAt = await metric(page, 'step');
  await page.waitForTimeout(700);
  expect(await metric(page, 'step')).toBe(pausedAt);

  // the replay: back to the untrained snapshot and forward again
  const slider = page.getByRole('slider', { name: 'Replay' });
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page.getByRole('grid', { name: 'Probe alignment at step 0' })).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByRole('grid', { name: /^Probe alignment at step [1-9]\d*$/ })).toBeVisible();

  // download: manifest.json and model.safetensors
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByRole('button', { name: 'Download' }).click();
  await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(2);
  const byName = new Map(downloads.map((d) => [d.suggestedFilename(), d] as const));
  expect([...byName.keys()].sort()).toEqual(['manifest.json', 'model.safetensors']);
  const manifestText = readFileSync((await byName.get('manifest.json')?.path()) as string, 'utf8');
  const weights = readFileSync((await byName.get('model.safetensors')?.path()) as string);
  const manifest = JSON.parse(manifestText) as { format: string; id: string; title: string; task: string; weights: { byteLength: number; file: string }; training: { steps: number } };
  expect(manifest).toMatchObject({ format: 'rnnsearch-checkpoint', task: 'reverse', weights: { file: 'model.safetensors', byteLength: weights.length }, training: { steps: pausedAt } });
  expect(manifest.id).toMatch(/^trained-reverse-additive-/);
  const headerLength = Number(weights.readBigUInt64LE(0));
  expect(JSON.parse(weights.subarray(8, 8 + headerLength).toString('utf8'))).toHaveProperty(['attention.va', 'dtype'], 'F32');

  // keep it in this browser too
  await page.getByRole('button', { name: 'Save in this browser' }).click();
  await expect(page.getByText(/^Saved “.*” in this browser/)).toBeVisible();

  // a new page load: the saved model is in the picker; load the downloaded files
  await page.reload();
  await expect(modelPicker(page)).toBeEnabled({ timeout: 20_000 });
  // the reader's own models are named `user:<id>` (docs/ARCHITECTURE.md, "Model names")
  await expect(modelPicker(page).locator(`option[value="user:${manifest.id}"]`)).toHaveCount(1);
  if (!(await page.getByRole('heading', { name: 'Train a model in your browser' }).isVisible())) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Train' }).click();
  }
  await page.getByLabel('Load a model from files').setInputFiles([
    { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(manifestText) },
    { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: weights },
  ]);
  // the explorer, on the loaded model: heatmap and picker
  const grid = page.getByRole('grid');
  await expect(grid).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveValue('c a t');
  await expect(modelPicker(page)).toHaveValue(`user:${manifest.id}`);
  await expect(modelPicker(page).locator('option:checked')).toHaveText(`${manifest.title} (yours)`);
  await expect(page.locator('.model-line')).toContainText(`Your model “${manifest.title}”`);
  await expect(grid.getByRole('columnheader', { name: 'c', exact: true })).toBeVisible();

  // a corrupt pair: a clear message, and the model stays
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Train' }).click();
  const truncated = weights.subarray(0, weights.length - 100);
  await page.getByLabel('Load a model from files').setInputFiles([
    { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(manifestText) },
    { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: truncated },
  ]);
  await expect(page.getByText(/These files are not a model this page can load: .*truncated or from another checkpoint/)).toBeVisible();
  await expect(modelPicker(page)).toHaveValue(`user:${manifest.id}`);
  await expect(page.getByRole('heading', { name: 'Train a model in your browser' })).toBeVisible();
});

test('the Train view: axe in light and dark, keyboard, a TSV’s line errors from the worker, phone width', async ({ page }) => {
  test.setTimeout(90_000);
  await openTrain(page);
  // one step: a run exists (paused), with its numbers and the first snapshot
  await controls(page).getByRole('button', { name: 'Step' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Paused.' })).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => metric(page, 'step'), { timeout: 20_000 }).toBe(1);
  await expect(page.getByRole('grid', { name: 'Probe alignment at step 0' })).toBeVisible();

  const theme = page.getByRole('combobox', { name: 'Theme' });
  await theme.selectOption('light');
  await expectNoAxeViolations(page);
  await theme.selectOption('dark');
  await expectNoAxeViolations(page);

  // reset, then a TSV with a bad line: the worker parses it and reports the line
  await controls(page).getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Ready to train.' })).toBeVisible();
  await page.getByLabel('Task').selectOption('tsv');
  const lines = ['the cat\tle chat', 'a line without a tab', 'a dog\tun chien'];
  for (let k = 0; k < 30; k++) lines.push(`red ${k}\trouge ${k}`);
  await page.getByLabel('Sentence pairs (TSV file)').setInputFiles({ name: 'pairs.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByText(/“pairs.tsv” \(.* KiB\) is ready/)).toBeVisible();
  await page.getByLabel('Steps').fill('3');
  await controls(page).getByRole('button', { name: 'Train' }).click();
  const problems = page.getByRole('region', { name: '1 line(s) could not be used' });
  await expect(problems).toBeVisible({ timeout: 20_000 });
  await expect(problems).toContainText('line 2: expected 2 or 3 tab-separated columns, found 1');
  await expect(page.getByRole('status').filter({ hasText: 'Finished.' })).toBeVisible({ timeout: 30_000 });
  await expectNoAxeViolations(page);

  // phone width: nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
  await page.screenshot({ path: 'test-results/train-phone.png', fullPage: true });
});
