// 简体中文 end to end, in real Chromium against the production build under the strict CSP (the
// fixture fails the test on any console error, page error or CSP violation): switch to 中文, see
// the page in Chinese with <html lang="zh-Hans">, axe at zero violations on the explorer, the
// story and the train view, the language remembered across a reload and a fresh visit, carried by
// a copied link into a browser that has never seen the page, and back to English.

import { expect, expectFitsPhone, expectNoAxeViolations, test } from './fixtures.ts';

const HAN = /\p{Script=Han}/u;

test('switch to 中文 and back: every view in Chinese, axe clean, remembered, carried by the link', async ({ page, context, browser }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // switch: the whole page follows at once
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(page.getByRole('heading', { level: 2, name: '对齐', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '下一个词的预测' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: '探索' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: '源句子' })).toBeVisible();
  await expect(page.getByRole('grid', { name: '对齐：权重 α' })).toBeVisible();
  await expect(page).toHaveTitle(/注意力机制/);
  const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
  expect(headings.filter((h) => !HAN.test(h)), 'headings left in English').toEqual([]);
  await expectNoAxeViolations(page, 'explorer in Chinese', ['light', 'dark']);
  await expectFitsPhone(page, 'explorer in Chinese');

  // remembered on this device: a reload, and a visit without the link
  await page.reload();
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 2, name: '对齐', exact: true })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(page.getByRole('combobox', { name: '语言' })).toHaveValue('zh');

  // the permalink carries the language: a browser that has never seen the page opens it in 中文
  await page.getByRole('button', { name: '复制链接' }).click();
  await expect(page.getByText('链接已复制。')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/#s=/);
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(other.getByRole('grid')).toBeVisible({ timeout: 20_000 });
    await expect(other.locator('html')).toHaveAttribute('lang', 'zh-Hans');
    await expect(other.getByRole('heading', { level: 2, name: '对齐', exact: true })).toBeVisible();
  } finally {
    await fresh.close();
  }

  // the story in Chinese, its live figure loaded
  await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: '故事' }).click();
  await expect(page.locator('.story-chapter h2')).toHaveText('1. 用一个向量装下整个句子', { timeout: 20_000 });
  await expect(page.locator('.story-none')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: /^下一章：2\. / })).toBeVisible();
  await expectNoAxeViolations(page, 'story in Chinese', ['light', 'dark']);
  await page.getByRole('button', { name: /^下一章：/ }).click();
  await expect(page.locator('.story-chapter h2')).toHaveText(/^2\. 两个光标/);
  await expect(page.locator('.story-figure').getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expectNoAxeViolations(page, 'story chapter 2 in Chinese', ['light', 'dark']);

  // the train view in Chinese
  await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: '训练' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '在浏览器中训练模型' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '准备就绪，可以开始训练。' })).toBeVisible();
  await expect(page.getByRole('grid', { name: '训练之前的探测句对齐（均匀）' })).toBeVisible();
  await expectNoAxeViolations(page, 'train view in Chinese', ['light', 'dark']);
  await expectFitsPhone(page, 'train view in Chinese');

  // and back to English
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Train a model in your browser' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Explore' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Alignment', exact: true })).toBeVisible();
  // the headings' own words, without the tokens they quote (“你的” is the model's text, in any language)
  const back = (await page.getByRole('heading', { level: 2 }).allInnerTexts()).map((h) => h.replace(/“[^”]*”/g, '“…”'));
  expect(back.filter((h) => HAN.test(h)), 'headings left in Chinese').toEqual([]);
  await expect(page).toHaveTitle('RNNsearch — attention, live');
});

test('a first visit from a Chinese browser opens in 中文 on the real English→Chinese model', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
    await expect(page.getByRole('combobox', { name: '模型' })).toHaveValue('tatoeba-en-zh', { timeout: 20_000 });
    await expect(page.getByRole('textbox').first()).toHaveValue('Where is your house?');
    await expect(page.getByRole('grid').getByRole('rowheader').first()).toHaveText(HAN);
    await expect(page.locator('.units-note')).toHaveAttribute('data-units', 'words');
    await expectNoAxeViolations(page, 'English→Chinese in Chinese');
  } finally {
    await context.close();
  }
});
