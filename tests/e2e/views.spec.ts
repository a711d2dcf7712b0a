// The compare, length and story views in real Chromium against the production build under the
// strict CSP (the fixture fails a test on any console error, page error or CSP violation), with
// axe in light and dark and a look at phone width.

import { existsSync, readFileSync } from 'node:fs';
import { expect, expectFitsPhone, expectNoAxeViolations, test } from './fixtures.ts';

interface Entry {
  id: string;
  task: string;
  variant: string;
}

/** The shipped models as the build serves them (the index is copied from public/ at build time). */
function shipped(): Entry[] {
  const path = existsSync('dist/models/index.json') ? 'dist/models/index.json' : 'public/models/index.json';
  return (JSON.parse(readFileSync(path, 'utf8')) as { models: Entry[] }).models;
}

/** Two shipped models to compare: en-fr additive and another en-fr variant, else another task's model. */
function twoModels(): [Entry, Entry] {
  const all = shipped();
  const additive = all.find((m) => m.id === 'en-fr-additive') ?? (all[0] as Entry);
  const other = all.find((m) => m.task === additive.task && m.id !== additive.id) ?? (all.find((m) => m.id !== additive.id) as Entry);
  return [additive, other];
}

test('compare: two shipped variants side by side, on one scale, each opening in the explorer', async ({ page }) => {
  const [a, b] = twoModels();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/#view=compare');
  await expect(page.getByRole('heading', { name: 'Compare attention variants' })).toBeVisible({ timeout: 20_000 });
  // exactly the two chosen models
  const boxes = page.locator('.compare-pick input[type="checkbox"]');
  await expect(boxes.first()).toBeVisible();
  for (const box of await boxes.all()) if (await box.isChecked()) await box.uncheck();
  await page.locator(`input[type="checkbox"][value="${a.id}"]`).check();
  await page.locator(`input[type="checkbox"][value="${b.id}"]`).check();
  const cards = page.locator('article.compare-card');
  await expect(cards).toHaveCount(2);
  for (const m of [a, b]) {
    const card = page.locator(`article[data-model="${m.id}"]`);
    await expect(card.getByText('Test BLEU')).toBeVisible();
    if (m.variant === 'none') await expect(card.getByText(/No attention, so no heatmap/)).toBeVisible({ timeout: 20_000 });
    else await expect(card.getByRole('grid')).toBeVisible({ timeout: 20_000 });
    await expect(card.locator('.compare-output')).not.toBeEmpty();
  }
  await expect(page.getByText(/weights α from 0 to 1, the same for every heatmap/)).toBeVisible();
  await expectNoAxeViolations(page, 'compare', ['light', 'dark']);
  await expectFitsPhone(page, 'compare');
  await page.screenshot({ path: 'test-results/compare.png', fullPage: true });

  await page.locator(`article[data-model="${b.id}"]`).getByRole('button', { name: /Open in the explorer/ }).click();
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveValue('the agreement on the European Economic Area was signed in August 1992 .');
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(b.id);
  if (b.variant !== 'none') await expect(page.getByRole('grid')).toBeVisible();
});

test('story: walk from the first chapter to the last; “Explore this state” opens the explorer there', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/#view=story');
  const chapterHeading = page.locator('.story-chapter h2');
  await expect(chapterHeading).toHaveText(/^1\. /, { timeout: 20_000 });
  await expect.poll(() => page.url()).toMatch(/view=story/);
  await expect.poll(() => page.url()).toMatch(/chapter=1/);
  await expectNoAxeViolations(page, 'story chapter 1', ['light', 'dark']);
  const titles: string[] = [await chapterHeading.innerText()];
  const count = 7;
  for (let k = 2; k <= count; k++) {
    await page.getByRole('button', { name: /^Next: / }).click();
    await expect(chapterHeading).toHaveText(new RegExp(`^${k}\\. `));
    await expect(chapterHeading).toBeVisible();
    await expect(chapterHeading).toBeFocused();
    titles.push(await chapterHeading.innerText());
    await expect.poll(() => page.url()).toMatch(new RegExp(`chapter=${k}`));
  }
  expect(titles).toHaveLength(count);
  await expect(page.getByRole('button', { name: 'Next →' })).toBeDisabled();
  await expectFitsPhone(page, `story chapter ${count}`);

  // a shared link reopens the chapter; chapter 3 is the paper's figure 3 with the additive model
  await page.goto('/#view=story&chapter=3');
  await expect(chapterHeading).toHaveText(/^3\. The soft search/, { timeout: 20_000 });
  const grid = page.locator('.story-figure').getByRole('grid');
  await expect(grid).toBeVisible({ timeout: 20_000 });
  await expect(grid.locator('.hm-cell.marked').first()).toBeVisible();
  await expectNoAxeViolations(page, 'story chapter 3', ['light', 'dark']);
  await page.screenshot({ path: 'test-results/story.png', fullPage: true });
  await page.getByRole('button', { name: 'Explore this state' }).click();
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveValue('the agreement on the European Economic Area was signed in August 1992 .');
  await expect(page.getByRole('grid').getByRole('columnheader', { name: 'Area' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('en-fr-additive');
  // the step of the first word to notice ("zone") is on show
  await expect(page.locator('.hm-row.current .hm-rowhead')).toHaveText('zone');
  await expect.poll(() => page.url()).not.toMatch(/chapter=/);
});

const FIXTURE = readFileSync('tests/fixtures/length.json', 'utf8');

test('length: a clear message without results; with them, points open an example in the explorer', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  // without the results file
  await page.route('**/experiments/length.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/#view=length');
  await expect(page.getByText(/not shipped with this page yet/)).toBeVisible({ timeout: 20_000 });
  // the browser reports the 404 on the console: that one is expected
  const taken = problems.take();
  expect(taken.consoleErrors.every((e) => /404/.test(e)), taken.consoleErrors.join('\n')).toBe(true);
  expect(taken.pageErrors).toEqual([]);
  expect(taken.cspViolations).toEqual([]);

  // with results: the real file when the build has it, else the fixture of the same shape
  await page.unroute('**/experiments/length.json');
  if (!existsSync('dist/experiments/length.json')) {
    await page.route('**/experiments/length.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: FIXTURE }));
  }
  await page.reload();
  const chart = page.getByRole('group', { name: /BLEU by source sentence length/ });
  await expect(chart).toBeVisible({ timeout: 20_000 });
  await expect(chart.getByText('source sentence length (tokens)')).toBeVisible();
  await expect(page.getByRole('table', { name: 'BLEU by source length, as numbers' })).toBeVisible();
  await expectNoAxeViolations(page, 'length', ['light', 'dark']);
  await expectFitsPhone(page, 'length');
  await page.screenshot({ path: 'test-results/length.png', fullPage: true });

  // keyboard: Tab to an additive point, Enter opens its example with en-fr-additive
  const point = chart.getByRole('button', { name: /RNNsearch: additive attention, sources of 10-20 tokens/ });
  await point.focus();
  await expect(point).toBeFocused();
  await page.keyboard.press('Enter');
  const source = page.getByRole('textbox', { name: 'Source sentence' });
  await expect(source).toBeVisible();
  const text = await source.inputValue();
  const n = text.split(' ').length;
  expect(n >= 11 && n <= 20, `${n} tokens: ${text}`).toBe(true);
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('en-fr-additive');
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
});

test('story chapters 5 and 6 are live: the Transformer’s heads (click one, positions off) and the fast weights stepping', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/#view=story&chapter=5');
  const chapterHeading = page.locator('.story-chapter h2');
  await expect(chapterHeading).toHaveText(/^5\. .*Transformer/, { timeout: 20_000 });
  await expect(page.locator('.story-figure').getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Explore this state' }).click();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('en-fr-transformer');
  const heads = page.locator('section.hg');
  await expect(page.getByTestId('head-note')).toHaveText(/mean of the 4 heads of layer 2/);
  await heads.getByRole('button', { name: 'Cross-attention: head 3 of layer 1' }).click();
  await expect(page.getByTestId('head-note')).toHaveText(/head 3 of layer 1/);
  await expect(page.getByRole('button', { name: 'Cross-attention: head 3 of layer 1' })).toHaveAttribute('aria-pressed', 'true');
  // the score breakdown now explains q·k/√d of that head
  await expect(page.locator('.sb-formula')).toContainText('√d');
  await page.getByRole('checkbox', { name: 'Position encodings' }).uncheck();
  await expect(page.getByText(/Positions are off/)).toBeVisible();
  const before = await page.getByRole('textbox', { name: 'Source sentence' }).inputValue();
  await page.getByRole('button', { name: 'Shuffle the source words' }).click();
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).not.toHaveValue(before);
  await expectNoAxeViolations(page, 'explorer with a Transformer', ['light']);
  await page.screenshot({ path: 'test-results/transformer.png', fullPage: true });

  await page.goto('/#view=story&chapter=6');
  await expect(chapterHeading).toHaveText(/^6\. /, { timeout: 20_000 });
  await expect(page.locator('.story-figure').getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Explore this state' }).click();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('en-fr-transformer-linear');
  const fw = page.locator('section.fw');
  await expect(fw.getByTestId('fw-diff')).toHaveText(/✓/);
  const first = await fw.getByTestId('fw-step').innerText();
  await fw.getByRole('button', { name: '◀ Step' }).click();
  await expect(fw.getByTestId('fw-step')).not.toHaveText(first);
  await expect(fw.getByTestId('fw-diff')).toHaveText(/✓/);
  await page.screenshot({ path: 'test-results/fast-weights.png', fullPage: true });
});

test('story chapter 4 runs memory networks: 1 hop against 3; the Memory page moves through hops and answers edits', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/#view=story&chapter=4');
  const chapterHeading = page.locator('.story-chapter h2');
  await expect(chapterHeading).toHaveText(/^4\. Keys, values and hops/, { timeout: 20_000 });
  const figure = page.locator('.story-figure');
  await expect(figure.getByRole('table')).toHaveCount(2, { timeout: 20_000 });
  // one hop answers wrong, three hops right (the shipped networks on the chapter's story)
  await expect(figure.getByRole('group', { name: /1 hop$/ })).toContainText('✗ wrong');
  await expect(figure.getByRole('group', { name: /3 hops$/ })).toContainText('✓ right');
  await expect(figure.locator('tr.hv-gold')).toHaveCount(4);
  await expectNoAxeViolations(page, 'story chapter 4', ['light', 'dark']);
  await page.getByRole('button', { name: 'Explore this state' }).click();

  await expect(page.getByRole('heading', { name: /End-To-End Memory Networks: keys, values and hops/ })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Network' })).toHaveValue('babi-memn2n-3hop');
  const slider = page.getByRole('slider', { name: 'Hop' });
  await expect(slider).toHaveValue('1');
  await expect(page.getByRole('columnheader', { name: 'u·mᵢ (hop 1)' })).toBeVisible();
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveValue('2');
  await expect(page.getByRole('columnheader', { name: 'u·mᵢ (hop 2)' })).toBeVisible();
  await expect(page.getByText('Vectors of hop 2 (32 numbers each)')).toBeVisible();
  // edit the question: the answer and the gold fact follow at once
  await page.getByRole('textbox', { name: 'Question' }).fill('Where is Mary?');
  await expect(page.getByText('The story says: garden')).toBeVisible();
  await expect(page.getByText(/^Answer: garden/)).toBeVisible();
  await expect(page.locator('tr.hv-gold')).toHaveCount(1);
  await page.getByRole('textbox', { name: 'Story (one sentence per line)' }).fill('Mary went to the kitchen.\nMary journeyed to the bathroom.');
  await expect(page.getByText('The story says: bathroom')).toBeVisible();
  await expectNoAxeViolations(page, 'memory page', ['light', 'dark']);
  await expectFitsPhone(page, 'memory page');
  await page.screenshot({ path: 'test-results/memory.png', fullPage: true });
});

test('story chapter 7: attention as a weighted average — pick a pixel, change the temperature, in both languages', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/#view=story&chapter=7');
  await expect(page.locator('.story-chapter h2')).toHaveText(/^7\. Attention as a weighted average/, { timeout: 20_000 });
  const readout = page.getByTestId('nlm-readout');
  await expect(readout).toContainText('Pixel (13, 48)');
  // a click picks the pixel under the pointer (the canvas shows 64 × 64 pixels)
  const noisy = page.getByTestId('nlm-noisy');
  const box = await noisy.boundingBox();
  if (!box) throw new Error('no canvas box');
  await noisy.click({ position: { x: (40.5 / 64) * box.width, y: (20.5 / 64) * box.height } });
  await expect(readout).toContainText('Pixel (40, 20)');
  // the arrow keys move it
  await noisy.press('ArrowDown');
  await expect(readout).toContainText('Pixel (40, 21)');
  const before = await readout.innerText();
  await page.getByRole('slider', { name: 'Temperature h' }).fill('0.4');
  await expect(readout).not.toHaveText(before);
  // the denoised image is drawn (not busy) and the weights canvas is not blank
  await expect(page.locator('canvas[aria-busy="false"]')).toHaveCount(1);
  const lit = await page.getByTestId('nlm-weights').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; d && i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2]) n++;
    return n;
  });
  expect(lit).toBeGreaterThan(100); // coloured (weight) pixels over the grey image
  await expectNoAxeViolations(page, 'story chapter 7', ['light', 'dark']);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.locator('.story-chapter h2')).toHaveText(/^7\. 作为加权平均的注意力/);
  await expect(readout).toContainText('像素 (40, 21)');
  await expectFitsPhone(page, 'story chapter 7');
  await page.screenshot({ path: 'test-results/weighted-average.png', fullPage: true });
});
