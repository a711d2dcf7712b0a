// The reader's own models against the shipped ones (docs/ARCHITECTURE.md, "Model names"), tried as
// a user would: the shipped reversal model's files with the manifest's id changed to
// en-fr-additive and a title full of markup, loaded from files with markup in their names. The
// model is kept apart and named as the reader's own in the picker, the model line, the notices,
// the link, the SVG and the PNG's link; every string stays text; and the link opened where the
// model is not saved says so.

import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const TITLE = 'Letters <img src=x onerror=alert(1)> <script>alert(2)</script>';
const MODEL_DIR = new URL('../../public/models/reverse-additive/', import.meta.url);

/** The record inside a link's fragment (base64url of deflate-raw JSON). */
function linkRecord(link: string): { model: string } {
  const payload = /[#&]s=([\w-]+)/.exec(link)?.[1] ?? '';
  const bytes = Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as { model: string };
}

/** The text of the PNG's iTXt chunk `keyword` (ours: uncompressed, empty language fields). */
function pngText(png: Buffer, keyword: string): string | null {
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'iTXt' && data.subarray(0, keyword.length + 1).equals(Buffer.from(`${keyword}\0`, 'latin1'))) {
      return data.subarray(keyword.length + 5).toString('utf8');
    }
    at += 12 + length;
  }
  return null;
}

async function saved(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await (download as Download).path()) as string);
}

test('a checkpoint with a shipped model’s id and markup in its strings: kept apart, named as yours, inert everywhere', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8')) as { id: string; title: string };
  const weights = readFileSync(new URL('model.safetensors', MODEL_DIR));
  manifest.id = 'en-fr-additive';
  manifest.title = TITLE;

  await page.goto('/#view=train');
  await expect(page.getByRole('heading', { name: 'Train a model in your browser' })).toBeVisible({ timeout: 20_000 });
  // a file name with markup, in a notice
  await page.getByLabel('Load a model from files').setInputFiles([{ name: '<img src=y onerror=alert(3)>.json', mimeType: 'application/json', buffer: Buffer.from('{}') }]);
  await expect(page.locator('.notice').filter({ hasText: '(you chose “<img src=y onerror=alert(3)>.json”)' })).toBeVisible();

  await page.getByLabel('Load a model from files').setInputFiles([
    { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest)) },
    { name: '<b>weights</b>.safetensors', mimeType: 'application/octet-stream', buffer: weights },
  ]);
  const grid = page.getByRole('grid');
  await expect(grid).toBeVisible({ timeout: 20_000 });
  await expect(grid.getByRole('columnheader', { name: 'c', exact: true }).first()).toBeVisible();

  // the picker: the shipped model keeps its name and BLEU; the reader's own is apart, as theirs
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker).toHaveValue('user:en-fr-additive');
  await expect(picker.locator('option:checked')).toHaveText(`${TITLE} (yours)`);
  await expect(picker.locator('option[value="en-fr-additive"]')).toHaveText('Additive (Bahdanau) · BLEU 97.7');
  await expect(picker.locator('optgroup[label="Your models (trained or loaded in this browser)"] option')).toHaveCount(1);
  // the model line and the notices say whose it is, with the title as text
  await expect(page.locator('.model-line')).toContainText(`Your model “${TITLE}”`);
  await expect(page.locator('.notice').filter({ hasText: `Loaded “${TITLE}” from your files.` })).toBeVisible();
  await expect(page.locator('.notice').filter({ hasText: `Your model “${TITLE}” has the id of a model shipped with this page (“en-fr-additive”)` })).toBeVisible();
  expect(await page.locator('img[src="x"], img[src="y"], script:not([src]), b').count(), 'no element made from the markup').toBe(0);

  // the link in the address names the model as the reader's own
  await expect.poll(() => page.evaluate(() => location.hash), { timeout: 5000 }).toMatch(/^#s=/);
  await page.waitForTimeout(600);
  const link = await page.evaluate(() => location.href);
  expect(linkRecord(link).model).toBe('user:en-fr-additive');

  // the SVG: the caption says "your model", with the title escaped
  const svg = (await saved(page, () => page.getByRole('button', { name: 'Download SVG' }).click())).toString('utf8');
  expect(svg).toContain('your model “Letters &lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt;”');
  expect(svg).not.toMatch(/<img|<script/);
  // the PNG carries a link to the reader's own model
  const png = await saved(page, () => page.getByRole('button', { name: 'Download PNG 2×' }).click());
  expect(linkRecord(pngText(png, 'rnnsearch-permalink') ?? '').model).toBe('user:en-fr-additive');

  // the shipped model is still the shipped one
  await picker.selectOption('en-fr-additive');
  await expect(grid.getByRole('columnheader', { name: 'Area' })).toBeVisible({ timeout: 20_000 });

  // the link opened on another machine (a fresh browser profile): it says whose model it names
  const other = await browser.newContext();
  try {
    const elsewhere = await other.newPage();
    await elsewhere.goto(link);
    await expect(elsewhere.locator('.notice.error')).toContainText('This link names a model of someone’s own (trained or loaded in their browser), “en-fr-additive”, and no model of that name is saved in this browser', { timeout: 20_000 });
    await expect(elsewhere.getByRole('combobox', { name: 'Model' })).not.toHaveValue('en-fr-additive');
  } finally {
    await other.close();
  }
});
