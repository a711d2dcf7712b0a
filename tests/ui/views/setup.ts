// Shared set-up for the view tests: the fixture catalog (tests/fixtures/catalog.json), real small
// untrained models put into the store's model cache under shipped ids (so nothing is fetched), and
// an axe run for the WCAG A/AA rules jsdom can judge (colour contrast is checked end to end).

import axe from 'axe-core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Variant } from '../../../src/model/config';
import { parseCatalog } from '../../../src/store/catalog';
import { useStore } from '../../../src/store/store';
import { loadedModel } from '../panels/helpers';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as unknown;
}

export const CATALOG = parseCatalog(fixtureJson('catalog.json'));

/** The fixture catalog in the store. */
export function installCatalog(catalog = CATALOG): void {
  useStore.setState({ catalog, catalogError: null });
}

/** Toy models of the given variants in the store's cache, under these ids (the explorer's model is left alone). */
export async function installModels(ids: Record<string, Variant>): Promise<void> {
  const models = { ...useStore.getState().models };
  for (const [id, variant] of Object.entries(ids)) models[id] = await loadedModel(variant);
  useStore.setState({ models });
}

export async function axeViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A fetch that answers `url`s ending with a key from `routes`, and 404 for anything else. */
export function fakeFetch(routes: Record<string, () => Response | Promise<Response>>): typeof fetch {
  return ((input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    for (const [suffix, respond] of Object.entries(routes)) if (url.endsWith(suffix)) return Promise.resolve(respond());
    return Promise.resolve(new Response('not found', { status: 404 }));
  }) as typeof fetch;
}
