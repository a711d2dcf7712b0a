import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests run in Debian's Chromium (Playwright never downloads a browser here) against the
 * production build served by `vite preview`, so they see the real bundle and the real CSP header.
 * CHROMIUM_PATH overrides the browser binary.
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** E2E_PORT: another port for the preview server (e.g. when another checkout's preview holds 4173). */
const PORT = Number(process.env.E2E_PORT) || 4173;
const CI = !!process.env.CI;

export default defineConfig({
  testDir: './tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  workers: CI ? 1 : 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [
            '--no-sandbox', // we run as root in CI containers
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            // There is no network beyond localhost: stop Chromium phoning home.
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: !CI,
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
