// "Is attention an explanation?" in the explorer (issue 16): nothing is computed until the reader
// asks; then the panel beside the step's attention shows ρ for the step and the sentence and a
// row of numbers per source word, on the real default model (subword, in words) and on a grammar
// model, in English and in 中文, and axe finds nothing.

import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const grid = (page: Page) => page.getByRole('grid');
const RHO = /^−?\d\.\d\d$|^–$/;

async function compute(page: Page, button: string): Promise<void> {
  const panel = page.getByTestId('saliency');
  await expect(panel.getByTestId('saliency-rho')).toHaveCount(0);
  await panel.getByRole('button', { name: button }).click();
  await expect(panel.getByTestId('saliency-rho')).toBeVisible({ timeout: 30_000 });
}

test('opens the panel on the default model, computes on demand and shows numbers per word and ρ', async ({ page }) => {
  await page.goto('/');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
  await compute(page, 'Compute gradient and leave-one-out');
  const panel = page.getByTestId('saliency');
  for (const id of ['rho-grad-step', 'rho-loo-step', 'rho-grad-sentence', 'rho-loo-sentence']) await expect(panel.getByTestId(id)).toHaveText(RHO);
  // the sentence's ρ is a number (several steps with words to rank)
  await expect(panel.getByTestId('rho-grad-sentence')).toHaveText(/^−?\d\.\d\d$/);
  const rows = panel.getByRole('table', { name: /per source word/ }).getByRole('row');
  const n = await rows.count();
  expect(n).toBeGreaterThan(3);
  // every word's row carries its three numbers
  await expect(rows.nth(1)).toHaveAttribute('aria-label', /α \d\.\d{3}, gradient × input −?[\d.e−]+, leave-one-out −?[\d.e−]+/);
  await expect(panel).toContainText('Words: gradient × input is summed over a word’s pieces');
  await expectNoAxeViolations(page);
  await page.getByTestId('saliency').screenshot({ path: 'test-results/saliency-en.png' });

  // a new sentence: the old numbers go, the button comes back
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  await source.fill('The cat sleeps.');
  await expect(panel.getByRole('button', { name: 'Compute again for this sentence' })).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByTestId('saliency-rho')).toHaveCount(0);

  // two threads: once the analysis worker holds the model (after the page has been idle, later on
  // a busy machine) it computes the leave-one-out beside the page's gradients, and the panel says so
  const done = panel.getByTestId('saliency-done');
  const sentences = ['The cat sleeps.', 'The black cat sleeps.', 'The black cat sleeps here.', 'A black cat sleeps here.', 'A black dog sleeps here.', 'A black dog sleeps there.'];
  for (const [k, sentence] of sentences.entries()) {
    if (k > 0) {
      await page.waitForTimeout(1000);
      await source.fill(sentence);
    }
    await panel.getByRole('button', { name: 'Compute again for this sentence' }).click({ timeout: 20_000 });
    await expect(done).toBeVisible({ timeout: 30_000 });
    if ((await done.getAttribute('data-threads')) === '2') break;
  }
  await expect(done).toHaveAttribute('data-threads', '2');
  await expect(done).toContainText('on two threads');
  await expect(panel.getByTestId('rho-loo-sentence')).toHaveText(RHO);
});

test('a grammar model in 中文', async ({ page }) => {
  await page.goto('/');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Model' }).selectOption('en-fr-additive');
  await expect(grid(page).getByRole('columnheader', { name: 'Area' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await compute(page, '计算梯度与留一法');
  const panel = page.getByTestId('saliency');
  await expect(panel).toContainText('与注意力的秩相关');
  await expect(panel.getByTestId('rho-loo-sentence')).toHaveText(/^−?\d\.\d\d$/);
  await expectNoAxeViolations(page);
  await page.getByTestId('saliency').screenshot({ path: 'test-results/saliency-zh.png' });
});
