// The explorer's analysis worker (docs/ARCHITECTURE.md, "From a keystroke to pixels"): typing is
// decoded there once it holds the model (unless a decoding is quick enough for the main thread:
// the fast path), and a worker that cannot start hands the decoding back to the page with one
// notice, the page working as before.

import { expect, test } from './fixtures.ts';

const grid = (page: import('@playwright/test').Page) => page.getByRole('grid').first();

test('the worker starts with the page, and the heatmap follows the text as the page places each decoding', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  // the entry script prefetches the default model (docs/ARCHITECTURE.md, "Loading a model"): each
  // file is still asked for once, and the weights before the page's own code has run
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto('/');
  await expect(grid(page).getByRole('columnheader').first()).toBeVisible({ timeout: 20_000 });
  for (const file of ['manifest.json', 'model.safetensors', 'tokenizer.source.json', 'tokenizer.target.json']) {
    expect(asked.filter((p) => p === `/models/tatoeba-en-fr/${file}`), file).toHaveLength(1);
  }
  expect(asked.indexOf('/models/tatoeba-en-fr/model.safetensors')).toBeLessThan(asked.indexOf('/models/index.json'));
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

test('with every decoding sent to the worker (the fast path off), typing still updates the heatmap, with no notice', async ({ page }) => {
  await page.addInitScript({ content: "window.__rnnsearchAnalysisPlacement = 'worker';" });
  await page.goto('/');
  await expect(grid(page).getByRole('columnheader').first()).toBeVisible({ timeout: 20_000 });
  // once the worker has answered it holds the model: from then on only it decodes
  await page.waitForTimeout(1000);
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  await source.fill('');
  await source.pressSequentially('My brother reads books.', { delay: 60 });
  await expect(grid(page).getByRole('columnheader', { name: 'brother' })).toBeVisible();
  await expect(grid(page).getByRole('columnheader', { name: 'books' })).toBeVisible();
  await expect(page.getByText(/analysis worker failed/)).toHaveCount(0);
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
