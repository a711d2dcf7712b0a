// The decoding animation in real Chromium, against the production build under the strict CSP (the
// fixture fails a test on any console error, page error or CSP violation): the Share panel's GIF
// button gives a GIF with one frame per decoding step, of the figure's size at 2×, carrying the
// link, whose frames fill in step by step (decoded here pixel by pixel); the video button gives an
// MP4 or a WebM where this Chromium encodes one, and otherwise says it cannot; with the encoder's
// files unreachable (offline), the page says so and keeps everything.

import fs from 'node:fs';
import { readGifInfo } from '../../src/export/gif';
import { decodeGif } from '../export/gifDecode';
import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

/** The paper's figure-3 sentence with en-fr-additive: 15 decoding steps (bench "animation"). */
const SENTENCE = 'the agreement on the European Economic Area was signed in August 1992 .';

async function open(page: Page): Promise<number> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await expect(page.locator('[role="grid"] .hm-cell').first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Model' }).selectOption('en-fr-additive');
  await page.getByRole('textbox', { name: 'Source sentence' }).fill(SENTENCE);
  await expect(page.getByRole('rowheader', { name: /1992/ })).toBeVisible({ timeout: 30_000 });
  // the grid's rows: a header, one per step, the coverage row
  return (await page.locator('[role="grid"] [role="row"]').count()) - 2;
}

async function downloadBytes(page: Page, button: ReturnType<Page['locator']>): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  return { name: download.suggestedFilename(), bytes: new Uint8Array(fs.readFileSync(await download.path())) };
}

test('GIF: one frame per decoding step, filling in row by row, with the link; video where Chromium encodes one', async ({ page }) => {
  // two encodes, 15 frames decoded here, axe in two themes: on a loaded 2-core machine this is long
  test.setTimeout(150_000);
  const steps = await open(page);
  expect(steps).toBe(15);
  const share = page.locator('section.share');
  const gif = await downloadBytes(page, share.getByRole('button', { name: 'Animation (GIF)' }));
  expect(gif.name).toMatch(/^en-fr-additive-the-agreement-on-the-European-Economic-decoding\.gif$/);
  const info = readGifInfo(gif.bytes);
  expect(info?.complete).toBe(true);
  expect(info?.frames).toHaveLength(steps);
  expect(info?.loop).toBe(0);
  expect(info?.frames.at(-1)?.delayMs).toBeGreaterThan(info?.frames[0]?.delayMs ?? Infinity);
  expect(gif.bytes.length).toBeLessThan(2 * 1024 * 1024);
  // the link in the file reopens this state
  const link = info?.comments[0] ?? '';
  expect(link).toMatch(/^http:\/\/localhost:\d+\/#s=/);
  await expect(page.getByTestId('animation-status')).toHaveText(new RegExp(`^Animation saved: ${steps} frames, \\d+ kB \\(GIF, 2×\\)\\.$`));

  // 2× the still SVG export's size
  const svg = await downloadBytes(page, share.getByRole('button', { name: 'Download SVG' }));
  const m = /width="(\d+)" height="(\d+)"/.exec(new TextDecoder().decode(svg.bytes));
  expect([info?.width, info?.height]).toEqual([2 * Number(m?.[1]), 2 * Number(m?.[2])]);

  // frame k shows rows 0..k: the pixels that differ from the background grow with every frame,
  // and the last frame is the whole figure (as many coloured pixels as a frame can have)
  const frames = decodeGif(gif.bytes);
  const bg = [frames[0]?.rgb[0], frames[0]?.rgb[1], frames[0]?.rgb[2]];
  const inked = frames.map((f) => {
    let n = 0;
    for (let i = 0; i < f.rgb.length; i += 3) if (f.rgb[i] !== bg[0] || f.rgb[i + 1] !== bg[1] || f.rgb[i + 2] !== bg[2]) n++;
    return n;
  });
  for (let k = 1; k < inked.length; k++) expect(inked[k], `frame ${k} has more drawn than frame ${k - 1}`).toBeGreaterThan(inked[k - 1] as number);

  const video = share.locator('button[data-video]');
  await expect(video).not.toHaveAttribute('data-video', 'checking');
  const kind = await video.getAttribute('data-video');
  if (kind === 'mp4' || kind === 'webm') {
    const file = await downloadBytes(page, video);
    expect(file.name.endsWith(`.${kind}`)).toBe(true);
    if (kind === 'mp4') expect(new TextDecoder().decode(file.bytes.subarray(4, 8))).toBe('ftyp');
    else expect(Array.from(file.bytes.subarray(0, 4))).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    // the link is in the file's comment tag
    expect(Buffer.from(file.bytes).includes(Buffer.from(link.slice(0, 40)))).toBe(true);
    await expect(page.getByTestId('animation-status')).toHaveText(new RegExp(`^Animation saved: ${steps} frames, \\d+ kB \\(${kind.toUpperCase()}, 2×\\)\\.$`));
  } else {
    await expect(video).toHaveText('Video: not in this browser');
    await expect(video).toBeDisabled();
  }
  await expectNoAxeViolations(page, 'share panel after an animation', ['light', 'dark']);
  await share.screenshot({ path: 'test-results/animation-share.png' });
});

test('offline: the encoder’s files do not load; the page says so and keeps everything', async ({ page, problems }) => {
  await open(page);
  // the animation's code chunk, then (with the chunk back) the GIF worker's file, are unreachable
  await page.route(/\/assets\/animationRun-[^/]*\.js$/, (route) => route.abort('internetdisconnected'));
  const share = page.locator('section.share');
  const gifButton = share.getByRole('button', { name: 'Animation (GIF)' });
  await page.waitForTimeout(600); // the URL sync writes 400 ms after the last change
  const before = await page.evaluate(() => location.hash);
  await gifButton.click();
  const status = page.getByTestId('animation-status');
  await expect(status).toHaveText('The animation encoder did not load (offline?). Nothing on the page changed; try again when online.');
  await expect(gifButton).toBeEnabled();
  expect(await page.getByRole('textbox', { name: 'Source sentence' }).inputValue()).toBe(SENTENCE);
  expect(await page.evaluate(() => location.hash)).toBe(before);
  // the browser reports the failed fetch itself: that, and nothing else, is in the console
  const taken = problems.take();
  expect(taken.pageErrors).toEqual([]);
  for (const e of taken.consoleErrors) expect(e).toMatch(/ERR_INTERNET_DISCONNECTED|Failed to fetch dynamically imported module|Failed to load resource/);

  await page.unroute(/\/assets\/animationRun-[^/]*\.js$/);
  await page.route(/\/assets\/gif\.worker-[^/]*\.js$/, (route) => route.abort('internetdisconnected'));
  await gifButton.click();
  await expect(status).toHaveText('The animation encoder did not load (offline?). Nothing on the page changed; try again when online.');
  const again = problems.take();
  expect(again.pageErrors).toEqual([]);
  for (const e of again.consoleErrors) expect(e).toMatch(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);

  // back online: the same button works
  await page.unroute(/\/assets\/gif\.worker-[^/]*\.js$/);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), gifButton.click()]);
  expect(download.suggestedFilename()).toMatch(/\.gif$/);
});

test('中文: the buttons and the messages speak Chinese', async ({ page }) => {
  await open(page);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  const share = page.locator('section.share');
  const gifButton = share.getByRole('button', { name: '动画（GIF）' });
  await expect(gifButton).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), gifButton.click()]);
  expect(download.suggestedFilename()).toMatch(/\.gif$/);
  await expect(page.getByTestId('animation-status')).toHaveText(/^动画已保存：15 帧，\d+ kB（GIF，2×）。$/);
  await share.screenshot({ path: 'test-results/animation-share-zh.png' });
});
