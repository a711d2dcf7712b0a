// User journeys through the explorer, in real Chromium against the production build under the
// strict CSP (the fixture fails a test on any console error, page error or CSP violation).

import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const grid = (page: Page) => page.getByRole('grid');

async function openExplorer(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
}

/** Read a PNG's IHDR size (bytes 16–23). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('opens on a trained model with a labelled alignment heatmap, and axe finds nothing', async ({ page }) => {
  const t0 = Date.now();
  await openExplorer(page);
  const opened = Date.now() - t0;
  await expect(page.getByText('target step i · query s_{i−1}', { exact: false }).first()).toBeAttached();
  await expect(grid(page).getByRole('columnheader', { name: 'Area' })).toBeVisible();
  await expect(grid(page).getByRole('rowheader', { name: 'zone' })).toBeVisible();
  // the paper's figure-3 alignment: zone ↔ Area is the strongest link of its row
  const cell = grid(page).getByRole('gridcell', { name: /^zone ↔ Area: / });
  const value = Number((await cell.getAttribute('aria-label'))?.split(': ')[1]);
  expect(value).toBeGreaterThan(0.5);
  test.info().annotations.push({ type: 'first heatmap', description: `${opened} ms` });
  await expectNoAxeViolations(page);
  await page.screenshot({ path: 'test-results/explorer.png', fullPage: true });
});

test('typing a new source recomputes; a target switches to forced decoding; the keyboard steps', async ({ page }) => {
  await openExplorer(page);
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  await source.fill('the red car was sold in May 2003 .');
  await expect(grid(page).getByRole('columnheader', { name: 'car' })).toBeVisible();
  await expect(page.getByText('Free decoding', { exact: false })).toBeVisible();
  const target = page.getByRole('textbox', { name: /Target sentence/ });
  await target.fill('la voiture rouge a été vendue en mai 2003 .');
  await expect(page.getByText('Forced decoding', { exact: false })).toBeVisible();
  await expect(grid(page).getByRole('rowheader', { name: 'voiture' })).toBeVisible();
  // keyboard stepping from outside the text boxes
  await page.getByRole('heading', { name: 'Alignment' }).click();
  await page.keyboard.press('Home');
  await expect(page.getByText(/Step 1 of \d+/).first()).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByText(/Step 3 of \d+/).first()).toBeVisible();
  // inside the grid: arrows move the focused cell and the step follows
  const active = grid(page).locator('[role="gridcell"][tabindex="0"]');
  await active.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: '↔' }).first()).toBeAttached();
});

test('an attention edit changes later steps and one click resets it', async ({ page }) => {
  await openExplorer(page);
  const cell = grid(page).getByRole('gridcell', { name: /^zone ↔ the: / }).first();
  await cell.dblclick();
  await expect(grid(page).getByRole('gridcell', { name: /^zone ↔ the: 1\.00/ }).first()).toBeVisible();
  const reset = page.getByRole('button', { name: 'Reset edits' });
  await expect(reset.first()).toBeVisible();
  await reset.first().click();
  await expect(page.getByRole('button', { name: 'Reset edits' })).toHaveCount(0);
});

test('exports PNG at 2× (with the permalink inside) and SVG holding the tokens', async ({ page }) => {
  await openExplorer(page);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG 2×' }).click()]);
  const pngBytes = readFileSync((await png.path()) as string);
  const size = pngSize(pngBytes);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download SVG' }).click()]);
  const svgText = readFileSync((await svg.path()) as string, 'utf8');
  const svgSize = /<svg[^>]*width="(\d+(?:\.\d+)?)"[^>]*height="(\d+(?:\.\d+)?)"/.exec(svgText);
  expect(svgSize).not.toBeNull();
  expect(size.width).toBe(2 * Math.round(Number(svgSize?.[1])));
  expect(size.height).toBe(2 * Math.round(Number(svgSize?.[2])));
  expect(pngBytes.includes(Buffer.from('rnnsearch-permalink'))).toBe(true);
  // not blank: decode it in the page and count distinct colours
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let k = 0; k < data.length; k += 4 * 97) seen.add((data[k] << 16) | (data[k + 1] << 8) | (data[k + 2] as number));
    return seen.size;
  }, pngBytes.toString('base64'));
  expect(colours).toBeGreaterThan(10);
  // the SVG is well-formed XML and carries the tokens
  const ok = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return doc.getElementsByTagName('parsererror').length === 0 && doc.documentElement.nodeName === 'svg';
  }, svgText);
  expect(ok).toBe(true);
  for (const token of ['agreement', 'European', 'zone', 'européenne']) expect(svgText).toContain(token);
});

test('a copied link reopens the same state in a new page', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openExplorer(page);
  await page.getByRole('textbox', { name: /Target sentence/ }).fill('l\' accord sur la zone économique européenne a été signé en août 1992 .');
  await page.getByRole('button', { name: 'Transpose' }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/#s=/);
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(other.getByRole('textbox', { name: /Target sentence/ })).toHaveValue(/zone économique européenne/);
  await expect(other.getByRole('button', { name: 'Transpose' })).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByText('Forced decoding', { exact: false })).toBeVisible();
  await other.close();
});

test('a hostile or broken fragment shows a notice and the default state, never a crash', async ({ page }) => {
  for (const hash of ['#s=%%%not-base64', '#s=AAAAAAAAAAAAAAAAAAAA', `#s=${'A'.repeat(20_000)}`, '#s=q1YqUbJSUEpKLEpVqgUA']) {
    await openExplorer(page, hash);
    await expect(page.locator('.notice').first()).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveValue(/agreement on the European Economic Area/);
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
  }
});

test('the embed mode shows only the heatmap and the stepper', async ({ page }) => {
  await page.goto('/');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const hash = await page.evaluate(() => location.hash);
  await openExplorer(page, `${hash}&embed=1`);
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Next step' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('dark theme and a phone-width layout keep working and accessible', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await openExplorer(page);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: 'test-results/explorer-phone-dark.png', fullPage: true });
});
