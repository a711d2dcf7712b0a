// The beam as a tree, in real Chromium against the production build (the fixture fails a test on
// any console error, page error or CSP violation): beam mode → the tree → a click on a pruned
// node shows that branch in the heatmap → "Force this branch" puts it into the target box, and
// the forced decoding follows it. Both languages and both themes pass axe.

import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const grid = (page: Page) => page.getByRole('grid');
/** The heatmap's target rows, spaces dropped (the coverage row Σᵢα at the foot left out). */
const rowWords = async (page: Page): Promise<string> =>
  (await grid(page).getByRole('rowheader').allInnerTexts())
    .filter((r) => !r.includes('Σ'))
    .join('')
    .replace(/\s/g, '');

test('beam tree: click a pruned node, the heatmap shows that branch, then force it into the target', async ({ page }) => {
  await page.goto('/');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
  await page.getByRole('textbox', { name: 'Source sentence' }).fill('I think my cat is hungry.');
  await page.getByRole('radio', { name: 'Beam search' }).check();
  await page.getByRole('spinbutton', { name: 'Beam width' }).fill('3');
  const tree = page.getByRole('group', { name: /^Beam search tree: \d+ candidates over \d+ steps, beam width 3$/ });
  await expect(tree).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('beam-tree-shown')).toContainText('hypothesis 1, the best');
  const best = await rowWords(page);

  // a pruned candidate two or more steps in (its label starts "Step 3:" or later)
  const pruned = tree.getByRole('button', { name: /^Step ([3-9]|\d\d+): .*, pruned$/ }).first();
  const label = (await pruned.getAttribute('aria-label')) ?? '';
  const step = Number(/^Step (\d+)/.exec(label)?.[1]);
  await pruned.click();
  await expect(pruned).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('beam-tree-shown')).toContainText(`pruned branch that ends at step ${step}`);

  // the heatmap now shows the branch: its rows spell the text the force button would put in
  const help = await page.locator('.bt-force .note').first().innerText();
  const text = /“(.*)”/.exec(help)?.[1] ?? '';
  expect(text.length).toBeGreaterThan(0);
  await expect.poll(() => rowWords(page)).toBe(text.replace(/\s/g, ''));
  expect(await rowWords(page)).not.toBe(best);
  await expectNoAxeViolations(page, 'beam tree, a branch picked', ['light', 'dark']);

  // force it: the target box holds the branch, and the forced decoding follows it, then </s>
  await page.getByRole('button', { name: 'Force this branch' }).click();
  await expect(page.getByRole('textbox', { name: /Target/ })).toHaveValue(text);
  await expect.poll(() => rowWords(page)).toBe(`${text.replace(/\s/g, '')}</s>`);
  // forced mode has no beam: the tree is gone
  await expect(tree).toHaveCount(0);
});

test('beam tree: the keyboard picks a node of another hypothesis; the 中文 interface says so', async ({ page }) => {
  await page.goto('/');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
  await page.getByRole('radio', { name: 'Beam search' }).check();
  const tree = page.getByRole('group', { name: /^Beam search tree:/ });
  await expect(tree).toBeVisible({ timeout: 20_000 });
  // Tab reaches the one tab stop (the best hypothesis' end); ← moves to its parent, Enter picks it
  const stop = tree.locator('[tabindex="0"]');
  await expect(stop).toHaveCount(1);
  await stop.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('beam-tree-shown')).toContainText(/hypothesis 1 at step \d+/);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.getByRole('heading', { name: '束搜索树' })).toBeVisible();
  await expect(page.getByTestId('beam-tree-shown')).toContainText('面板显示假设 1 的第');
  await expectNoAxeViolations(page, 'beam tree, 中文');
});
