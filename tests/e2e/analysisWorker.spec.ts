// The explorer's analysis worker (docs/ARCHITECTURE.md, "From a keystroke to pixels"): typing is
// decoded there once it holds the model, and a worker that cannot start hands the decoding back
// to the page with one notice, the page working as before.

import { expect, test } from './fixtures.ts';

const grid = (page: import('@playwright/test').Page) => page.getByRole('grid').first();

test('typing is decoded in the analysis worker: the worker starts, and the heatmap follows the text', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('/');
  await expect(grid(page).getByRole('columnheader').first()).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => workers.some((u) => /analysis\.worker/.test(u)), { timeout: 10_000 }).toBe(true);
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  // the worker holds the model once it has answered: give it a moment, then type word by word
  await page.waitForTimeout(500);
  await source.fill('');
  await source.pressSequentially('The black cat sleeps.', { delay: 60 });
  await expect(grid(page).getByRole('columnheader', { name: 'black' })).toBeVisible();
  await expect(grid(page).getByRole('columnheader', { name: 'sleeps' })).toBeVisible();
  await expect(page.getByText(/decoded in [\d.]+ ms/)).toBeVisible();
  await expect(page.getByText(/M parameters, [\d.]+ MiB/)).toBeVisible();
});

test('a worker that cannot start: one notice, and the page decodes on its own thread', async ({ page, problems }) => {
  await page.route(/analysis\.worker[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/');
  await expect(grid(page).getByRole('columnheader').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/analysis worker failed/)).toBeVisible({ timeout: 10_000 });
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  await source.fill('I miss my friends.');
  await expect(grid(page).getByRole('columnheader', { name: 'friends' })).toBeVisible();
  await source.fill('I miss my family.');
  await expect(grid(page).getByRole('columnheader', { name: 'family' })).toBeVisible();
  await expect(page.getByText(/analysis worker failed/)).toHaveCount(1);
  // the 404 is the failure provoked on purpose
  problems.take();
});
