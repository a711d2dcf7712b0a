import AxeBuilder from '@axe-core/playwright';
import { expect, parseCsp, test } from './fixtures.ts';

/** docs/RELIABILITY.md's policy, stated independently of vite.config.ts so that drift is caught. */
const EXPECTED_CSP: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'font-src': "'self' data:",
  'worker-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`shell page, ${colorScheme} scheme`, () => {
    test.use({ colorScheme });

    test('loads under the strict CSP with no errors and no axe violations', async ({
      page,
    }, testInfo) => {
      const response = await page.goto('/');
      expect(response?.ok(), 'index.html is served').toBe(true);

      // The header: the whole policy plus frame-ancestors.
      const header = response?.headers()['content-security-policy'];
      expect(header, 'vite preview sends a Content-Security-Policy header').toBeTruthy();
      const headerPolicy = Object.fromEntries(parseCsp(header ?? ''));
      expect(headerPolicy).toEqual({ ...EXPECTED_CSP, 'frame-ancestors': "'self'" });

      // The <meta> copy for static hosts: the same policy, without frame-ancestors.
      const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
      await expect(meta).toHaveCount(1);
      const metaPolicy = Object.fromEntries(parseCsp((await meta.getAttribute('content')) ?? ''));
      expect(metaPolicy).toEqual(EXPECTED_CSP);

      await expect(page).toHaveTitle('RNNsearch — attention, live');
      await expect(page.getByRole('heading', { level: 1, name: 'RNNsearch' })).toBeVisible();
      await expect(page.getByRole('main')).toBeVisible();

      // Nothing inline that the policy would have to allow.
      expect(await page.locator('script:not([src])').count(), 'inline <script>').toBe(0);
      expect(await page.locator('style').count(), '<style> elements').toBe(0);
      // (style="" attributes are fine: React sets them through the CSSOM, which the CSP allows;
      // the violation listener would catch a blocked one)

      // The favicon is a real file (a 404 would also show up as a console error).
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      const iconResponse = await page.request.get(new URL(icon ?? '', page.url()).href);
      expect(iconResponse.ok(), `favicon ${icon}`).toBe(true);

      const axe = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
        .analyze();
      expect(
        axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`),
      ).toEqual([]);

      await page.screenshot({ path: testInfo.outputPath(`shell-${colorScheme}.png`), fullPage: true });
    });
  });
}

test('the embed entry: the same policy, except that any site may frame it', async ({ page }) => {
  // docs/ARCHITECTURE.md, "Embedding": frame-ancestors * for embed.html only; the page keeps 'self'
  const response = await page.goto('/embed.html');
  expect(response?.ok(), 'embed.html is served').toBe(true);
  const headerPolicy = Object.fromEntries(parseCsp(response?.headers()['content-security-policy'] ?? ''));
  expect(headerPolicy).toEqual({ ...EXPECTED_CSP, 'frame-ancestors': '*' });
  const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(meta).toHaveCount(1);
  expect(Object.fromEntries(parseCsp((await meta.getAttribute('content')) ?? ''))).toEqual(EXPECTED_CSP);
  // every other path keeps frame-ancestors 'self'
  for (const path of ['/', '/index.html', '/embed', '/embed.html/x']) {
    const other = await page.request.get(path);
    expect(Object.fromEntries(parseCsp(other.headers()['content-security-policy'] ?? ''))['frame-ancestors'], path).toBe("'self'");
  }
  // the embed view: the heatmap and the stepper, no editor and no views
  await expect(page.getByRole('grid')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Next step' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Source sentence' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Views' })).toHaveCount(0);
});

test('the error fixture sees a CSP violation when one happens', async ({ page, problems }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // An inline <style> element is exactly what the policy forbids.
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { outline: 1px solid red; }';
    document.head.append(style);
  });
  await expect
    .poll(() => problems.current.cspViolations.map((v) => v.directive))
    .toContain('style-src-elem');
  expect((await problems.inPage()).map((v) => v.directive)).toContain('style-src-elem');
  await expect
    .poll(() => problems.current.consoleErrors.some((m) => /Content Security Policy/.test(m)))
    .toBe(true);

  // Taken on purpose, so the fixture's end-of-test check passes.
  problems.take();
});
