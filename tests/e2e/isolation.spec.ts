// Cross-origin isolation (README, "Cross-origin isolation"; docs/ARCHITECTURE.md, "Training on every
// core"): `vite preview` sends COOP/COEP, so the page is isolated and the Train view trains on
// several workers that share the weights; with the headers stripped (a host that cannot send them)
// the page trains on one worker and says so once; and the embed entry still renders when framed,
// also by a host page that is itself isolated.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const controls = (page: Page) => page.getByRole('group', { name: 'Training controls' });

async function metric(page: Page, name: string): Promise<number> {
  const v = await page.locator(`[data-metric="${name}"]`).first().getAttribute('data-value');
  return v === null || v === '' ? Number.NaN : Number(v);
}

async function openTrain(page: Page): Promise<void> {
  await page.goto('/#view=train');
  await expect(page.getByRole('heading', { name: 'Train a model in your browser' })).toBeVisible({ timeout: 20_000 });
}

/** Train the reversal task for a few steps and pause; the threads the run used. */
async function trainBriefly(page: Page): Promise<number> {
  await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('60');
  await controls(page).getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => metric(page, 'step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
  await expect.poll(() => metric(page, 'loss'), { timeout: 10_000 }).toBeGreaterThan(0);
  const workers = await metric(page, 'workers');
  await controls(page)
    .getByRole('button', { name: 'Pause' })
    .click({ timeout: 2000 })
    .catch(() => undefined); // 60 steps may already be done
  return workers;
}

test('preview sends COOP/COEP: the page is cross-origin isolated and trains on several workers', async ({ page, request }) => {
  test.setTimeout(120_000);
  for (const path of ['/', '/embed.html']) {
    const res = await request.get(path);
    expect(res.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  }
  // only the embed entry lets an isolated site frame it
  expect((await request.get('/embed.html')).headers()['cross-origin-resource-policy']).toBe('cross-origin');
  expect((await request.get('/')).headers()['cross-origin-resource-policy']).toBeUndefined();

  await openTrain(page);
  expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const select = page.getByRole('combobox', { name: 'Workers' });
  await expect(select).toBeEnabled();
  // the default: one per core (this machine's Chromium reports its cores)
  await expect(select).toHaveValue(String(Math.min(8, cores)));
  await expect(select.locator('option')).toHaveCount(Math.min(16, cores));
  await expect(page.getByText(/not served with the cross-origin isolation headers/)).toHaveCount(0);
  test.skip(cores < 2, 'one core: nothing to share');
  await select.selectOption('2');
  expect(await trainBriefly(page)).toBe(2);
  await expect(page.getByText(/A gradient worker stopped/)).toHaveCount(0);
});

test('without the headers (a host that cannot send them) the page trains on one worker and says so once', async ({ page }) => {
  test.setTimeout(120_000);
  // every response of this origin without COOP/COEP, as GitHub Pages serves it
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await openTrain(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const select = page.getByRole('combobox', { name: 'Workers' });
  await expect(select).toBeDisabled();
  await expect(select).toHaveValue('1');
  await expect(page.getByText(/not served with the cross-origin isolation headers/)).toHaveCount(1);
  expect(await trainBriefly(page)).toBe(1);
  await expect(page.getByText(/not served with the cross-origin isolation headers/)).toHaveCount(1);

  // in 中文 too
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.getByText(/没有发送跨源隔离响应头/)).toHaveCount(1);
  // a model file may still be on its way through the route when the page closes
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

let host: Server;
let hostOrigin = '';

test.beforeAll(async () => {
  // another site that is itself cross-origin isolated, framing the address in `src`
  host = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('src') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.end(`<!doctype html><html lang="en"><head><title>An isolated site</title></head><body><h1>An isolated site</h1><iframe title="RNNsearch" src="${src.replace(/"/g, '&quot;')}" width="900" height="700"></iframe></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

test('an isolated site (COEP require-corp) can frame the embed entry, which renders its heatmap', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  await page.goto(`${hostOrigin}/?src=${encodeURIComponent(`${origin}/embed.html`)}`);
  await expect(page.getByRole('heading', { name: 'An isolated site' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const frame = page.frameLocator('iframe[title="RNNsearch"]');
  await expect(frame.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(frame.getByRole('button', { name: 'Next step' })).toBeVisible();
});
