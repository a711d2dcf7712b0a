// The site's headers in one place each: `vite.config.ts` (what dev and preview send) and
// `public/_headers` (what Netlify and Cloudflare Pages send from dist/). They must agree, or a
// deployed page would lose cross-origin isolation (one worker) or the embed entry's CORP
// (README, "Cross-origin isolation"); and the workers choice follows isolation.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clampWorkers, defaultWorkers, workerChoices } from '../../src/store/trainWorkers';
import { EMBED_RESOURCE_POLICY, headersFor, ISOLATION_HEADERS } from '../../vite.config';

/** `_headers`: a path line, then indented `Name: value` lines (comments start with #). */
function parseHeadersFile(text: string): Map<string, Record<string, string>> {
  const rules = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      current = {};
      rules.set(line.trim(), current);
      continue;
    }
    const m = /^\s+([\w-]+):\s*(.+)$/.exec(line);
    if (!m || !current) throw new Error(`unreadable line: ${line}`);
    current[m[1] as string] = (m[2] as string).trim();
  }
  return rules;
}

describe('site headers', () => {
  const rules = parseHeadersFile(readFileSync(new URL('../../public/_headers', import.meta.url), 'utf8'));

  it('public/_headers sends the isolation headers on every path, as vite dev and preview do', () => {
    expect(rules.get('/*')).toMatchObject(ISOLATION_HEADERS);
    expect(ISOLATION_HEADERS).toEqual({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  });

  it('only the embed entry opts in to being framed by isolated sites (CORP), in both places', () => {
    expect(rules.get('/embed.html')).toEqual({ 'Cross-Origin-Resource-Policy': EMBED_RESOURCE_POLICY });
    expect(headersFor('/embed.html#s=abc')['Cross-Origin-Resource-Policy']).toBe('cross-origin');
    expect(headersFor('/')['Cross-Origin-Resource-Policy']).toBeUndefined();
    expect(headersFor('/index.html')['Content-Security-Policy']).toMatch(/frame-ancestors 'self'$/);
  });

  it('serves checkpoint weights as binary (not gzipped as text on every load)', () => {
    expect(headersFor('/models/tatoeba-en-fr/model.safetensors')['Content-Type']).toBe('application/octet-stream');
    expect(headersFor('/models/tatoeba-en-fr/manifest.json')['Content-Type']).toBeUndefined();
    expect(headersFor('/')['Content-Type']).toBeUndefined();
  });

  it('the Train view offers several workers only when the page is isolated', () => {
    expect(workerChoices(true, 4)).toEqual([1, 2, 3, 4]);
    expect(workerChoices(false, 4)).toEqual([1]);
    expect(defaultWorkers(true, 2)).toBe(2);
    expect(defaultWorkers(true, 64)).toBe(8);
    expect(defaultWorkers(false, 64)).toBe(1);
    expect(workerChoices(true, 64)).toHaveLength(16);
    expect(clampWorkers(3, false, 8)).toBe(1);
    expect(clampWorkers(12, true, 4)).toBe(4);
    expect(clampWorkers(0, true, 4)).toBe(1);
  });
});
