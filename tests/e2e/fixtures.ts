/**
 * Shared end-to-end fixture. Import `test` and `expect` from here instead of @playwright/test:
 * every test then fails if the page logged a console error, threw an uncaught exception, or
 * violated the Content-Security-Policy, at any point and on any document it visited.
 *
 *   import { test, expect } from './fixtures.ts';
 *   test('…', async ({ page, problems }) => { … });
 *
 * A test that provokes a problem on purpose takes it with `problems.take()` and asserts on it;
 * whatever is left at the end fails the test.
 *
 * Under `vite preview` the page has two policies (the header and the <meta> copy), so one
 * blocked action is reported once per policy: expect violations in pairs.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Page } from '@playwright/test';

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
  line: number;
  sample: string;
}

export interface Problems {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: CspViolation[];
}

export interface ProblemLog {
  /** Everything collected so far (live arrays). */
  readonly current: Problems;
  /** Returns everything collected so far and clears it (for tests that provoke problems). */
  take(): Problems;
  /** Violations recorded in the current document's `window.__cspViolations`. */
  inPage(): Promise<CspViolation[]>;
}

declare global {
  interface Window {
    __cspViolations?: CspViolation[];
    __reportCspViolation?: (violation: CspViolation) => Promise<void>;
  }
}

const BINDING = '__reportCspViolation';

/**
 * Runs in every document before its own scripts. Init scripts are injected by the browser
 * itself, so the page's CSP does not block them. The binding reports to the test process at
 * once, so violations from documents the test has since left are not lost.
 */
function listenForCspViolations(): void {
  const seen: CspViolation[] = [];
  window.__cspViolations = seen;
  document.addEventListener('securitypolicyviolation', (event) => {
    const violation: CspViolation = {
      directive: event.effectiveDirective || event.violatedDirective,
      blockedURI: event.blockedURI,
      sourceFile: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
    };
    seen.push(violation);
    void window.__reportCspViolation?.(violation);
  });
}

const CSP_CONSOLE = /content.security.policy/i;

/** Sends everything the page reports to `sink()` (a function, so `take()` can swap the log). */
async function watch(page: Page, sink: () => Problems): Promise<void> {
  await page.exposeBinding(BINDING, (_source, violation: CspViolation) => {
    sink().cspViolations.push(violation);
  });
  await page.addInitScript(listenForCspViolations);
  page.on('console', (message) => {
    const text = message.text();
    const where = message.location();
    const at = where.url ? ` (${where.url}:${where.lineNumber})` : '';
    if (message.type() === 'error') sink().consoleErrors.push(`${text}${at}`);
    // Chromium also reports CSP trouble as warnings (e.g. a directive it ignores).
    else if (CSP_CONSOLE.test(text)) sink().consoleErrors.push(`[${message.type()}] ${text}${at}`);
  });
  page.on('pageerror', (error) => {
    sink().pageErrors.push(error.stack ?? `${error.name}: ${error.message}`);
  });
}

const empty = (): Problems => ({ consoleErrors: [], pageErrors: [], cspViolations: [] });

export const test = base.extend<{ problems: ProblemLog }>({
  problems: [
    async ({ page }, use, testInfo) => {
      let problems = empty();
      await watch(page, () => problems);

      await use({
        get current() {
          return problems;
        },
        take() {
          const taken = problems;
          problems = empty();
          return taken;
        },
        async inPage() {
          return page.evaluate(() => window.__cspViolations ?? []);
        },
      });

      // Violation reports are async events: one more round trip lets late ones arrive.
      if (!page.isClosed()) {
        await page.evaluate(() => new Promise((r) => setTimeout(r, 50))).catch(() => undefined);
      }

      const left = problems;
      const total = left.consoleErrors.length + left.pageErrors.length + left.cspViolations.length;
      if (total > 0) {
        await testInfo.attach('page-problems.json', {
          body: JSON.stringify(left, null, 2),
          contentType: 'application/json',
        });
      }
      expect.soft(left.cspViolations, 'Content-Security-Policy violations').toEqual([]);
      expect.soft(left.pageErrors, 'uncaught exceptions in the page').toEqual([]);
      expect.soft(left.consoleErrors, 'console errors (and CSP console messages)').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The Content-Security-Policy as a map from directive name to its source list. */
export function parseCsp(policy: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values.join(' '));
  }
  return directives;
}

/**
 * axe (wcag2a, wcag2aa, wcag21aa) finds nothing on the page as it is, or, with `schemes`, under
 * each colour scheme in turn (the page's theme 'auto' follows it; light is restored after).
 */
export async function expectNoAxeViolations(page: Page, what = 'page', schemes: ReadonlyArray<'light' | 'dark'> = []): Promise<void> {
  const check = async (label: string): Promise<void> => {
    // a page still filling in (panels arriving after the heatmap) is read once it is whole; and with
    // every panel rendered: axe scrolls to what it checks, a panel off screen (content-visibility:
    // auto) then takes its new size, and the panels below move between axe's reading of an
    // element's box and of what lies under it (a formula "on" a context-vector strip, 1 run in 5)
    await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
    // (through the CSSOM, which the page's CSP allows, where a <style> element would be refused)
    const skipping = '.pnl';
    await page.evaluate(async (sel) => {
      for (const el of document.querySelectorAll<HTMLElement>(sel)) {
        el.dataset.axeUnskipped = '';
        el.style.contentVisibility = 'visible';
      }
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null))));
    }, skipping);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-axe-unskipped]')) {
        el.style.contentVisibility = '';
        delete el.dataset.axeUnskipped;
      }
    });
    expect(
      results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes[0]?.target.join(' ')}; ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').slice(0, 300) ?? ''})`),
      label,
    ).toEqual([]);
  };
  if (schemes.length === 0) return check(what);
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await check(`${what}, ${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Nothing sticks out sideways at phone width (wide heatmaps scroll inside their own box). */
export async function expectFitsPhone(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} at 360 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
}
