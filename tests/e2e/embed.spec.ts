// Embedding from another site (docs/ARCHITECTURE.md, "Embedding"): a host page served from a second
// origin (127.0.0.1 on a port of its own; the page is on localhost) frames the embed entry, which
// renders there under its own policy (frame-ancestors *); the full page refuses to be framed by
// another site (frame-ancestors 'self'), `&embed=1` or not.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

let host: Server;
let hostOrigin = '';

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

test.beforeAll(async () => {
  // another site: one page that frames the address in its `src` parameter
  host = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('src') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Another site</title></head><body><h1>Another site</h1><iframe title="RNNsearch" src="${attribute(src)}" width="900" height="700"></iframe></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

async function frameOnHost(page: Page, src: string): Promise<void> {
  await page.goto(`${hostOrigin}/?src=${encodeURIComponent(src)}`);
  await expect(page.getByRole('heading', { name: 'Another site' })).toBeVisible();
}

/** A link to a state of the page (the grammar model on its first example), from the page itself. */
async function linkFromPage(page: Page): Promise<string> {
  await page.goto('/');
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Model' }).selectOption('reverse-additive');
  await expect(page.getByRole('grid').getByRole('columnheader', { name: 'c', exact: true }).first()).toBeVisible({ timeout: 20_000 });
  await page.waitForFunction(() => /^#s=/.test(location.hash));
  await page.waitForTimeout(600); // the URL sync writes 400 ms after the last change
  return page.evaluate(() => location.hash);
}

test('another site frames the embed entry: the heatmap and the stepper render, and the credit opens the full page', async ({ page, baseURL }) => {
  const hash = await linkFromPage(page);
  const page0 = new URL(baseURL ?? '').origin;
  expect(new URL(hostOrigin).origin).not.toBe(page0);
  await frameOnHost(page, `${page0}/embed.html${hash}`);
  const frame = page.frameLocator('iframe[title="RNNsearch"]');
  await expect(frame.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(frame.getByRole('grid').getByRole('columnheader', { name: 'c', exact: true }).first()).toBeVisible();
  await expect(frame.getByRole('button', { name: 'Next step' })).toBeVisible();
  await expect(frame.getByRole('textbox', { name: 'Source sentence' })).toHaveCount(0);
  await expect(frame.getByRole('navigation', { name: 'Views' })).toHaveCount(0);
  // the frame really is another origin's document
  const inner = page.frames().find((f) => f !== page.mainFrame());
  if (!inner) throw new Error('no frame');
  expect(new URL(inner.url()).origin).toBe(page0);
  // the URL sync keeps the frame's own address (in embed mode: &embed=1)
  await expect.poll(() => inner.evaluate(() => location.hash), { timeout: 5000 }).toMatch(/^#s=[\w-]+&embed=1$/);
  const settled = await inner.evaluate(() => location.hash);
  // the credit link: the full page, on the same state, without embed=1
  const credit = frame.getByRole('link', { name: 'RNNsearch' });
  await expect(credit).toHaveAttribute('href', `${page0}/${settled.replace(/&embed=1$/, '')}`);
  // the stepper works inside the frame, and the credit follows the state
  await frame.getByRole('button', { name: 'First step' }).click();
  await expect(frame.getByRole('button', { name: 'Previous step' })).toBeDisabled();
  await expect.poll(() => inner.evaluate(() => location.hash), { timeout: 5000 }).not.toBe(settled);
  const now = await inner.evaluate(() => location.hash);
  expect(now).toMatch(/&embed=1$/);
  await expect(credit).toHaveAttribute('href', `${page0}/${now.replace(/&embed=1$/, '')}`);
});

test('another site cannot frame the full page, with or without &embed=1', async ({ page, problems, baseURL }) => {
  const page0 = new URL(baseURL ?? '').origin;
  for (const src of [`${page0}/`, `${page0}/#embed=1`]) {
    await frameOnHost(page, src);
    // Chromium refuses the frame and says why in the console
    await expect.poll(() => problems.current.consoleErrors.some((m) => /frame-ancestors 'self'/.test(m)), { timeout: 10_000 }).toBe(true);
    await expect(page.frameLocator('iframe[title="RNNsearch"]').getByRole('grid')).toHaveCount(0);
    const taken = problems.take();
    expect(taken.pageErrors).toEqual([]);
  }
});
