// ESLint flat config. Syntax-only (no type-aware rules) so `npm run lint` stays fast;
// `npm run typecheck` does the type work.
//
// Two kinds of rule live here beyond the presets:
// - safety: no HTML sinks (dangerouslySetInnerHTML, d3 .html(), innerHTML/outerHTML
//   assignment, insertAdjacentHTML, document.write) and no eval / new Function
//   (docs/RELIABILITY.md: React text children and d3 .text() only; the CSP blocks eval anyway);
// - layering: imports point down only, ui → store → model/data/train → tensor (docs/ARCHITECTURE.md, "Layers").
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const CODE = '**/*.{ts,tsx,js,mjs,cjs}';

// ---- safety -------------------------------------------------------------------------------

const HTML_SINK_MESSAGE =
  'HTML sinks are banned (XSS): render text with React children or d3 .text(); see docs/RELIABILITY.md.';

const noHtmlSinks = [
  { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: HTML_SINK_MESSAGE },
  // createElement(…, { dangerouslySetInnerHTML }) and spread props objects
  { selector: "Property[key.name='dangerouslySetInnerHTML']", message: HTML_SINK_MESSAGE },
  { selector: "Property[key.value='dangerouslySetInnerHTML']", message: HTML_SINK_MESSAGE },
  // d3 selection.html(…) (any `.html(` call: nothing else in this code base should have one)
  {
    selector: "CallExpression > MemberExpression.callee[property.name='html']",
    message: HTML_SINK_MESSAGE,
  },
  // el.innerHTML = …, el.outerHTML += …, el['innerHTML'] = …
  {
    selector:
      "AssignmentExpression > MemberExpression.left[property.name=/^(innerHTML|outerHTML)$/]",
    message: HTML_SINK_MESSAGE,
  },
  {
    selector:
      "AssignmentExpression > MemberExpression.left[property.value=/^(innerHTML|outerHTML)$/]",
    message: HTML_SINK_MESSAGE,
  },
];

const noHtmlSinkProperties = [
  { property: 'insertAdjacentHTML', message: HTML_SINK_MESSAGE },
  { object: 'document', property: 'write', message: HTML_SINK_MESSAGE },
  { object: 'document', property: 'writeln', message: HTML_SINK_MESSAGE },
];

// ---- layering -----------------------------------------------------------------------------

const LAYERS = ['tensor', 'model', 'data', 'train', 'worker', 'store', 'ui', 'export'];
const UI_PACKAGES = /** @type {const} */ ({
  regex: '^(react|react-dom|zustand|d3|d3-[a-z-]+)(/.*)?$',
  message:
    'tensor/model/data/train run in Node, in a worker and in the page: no React, zustand or d3 here (docs/ARCHITECTURE.md, "Layers").',
});

/**
 * no-restricted-imports configs for one layer. Relative specifiers only reach another layer
 * by climbing exactly back to src/, so we emit one config per directory depth: from
 * src/tensor/a.ts that is `../model/…`, from src/tensor/ops/a.ts `../../model/…`. That keeps
 * a layer free to have its own sub-folder called e.g. `data` without a false alarm.
 * Anything that names `src/<layer>` directly is caught at any depth.
 *
 * @param {string} layer
 * @param {string[]} banned layers this one may not import from
 * @param {boolean} banUiPackages also ban react, react-dom, zustand and d3*
 */
function layerRules(layer, banned, banUiPackages) {
  const names = banned.join('|');
  const message = `src/${layer} may not import from src/{${banned.join(',')}}: imports point down only, ui → store → model/data/train → tensor (docs/ARCHITECTURE.md, "Layers").`;
  const configs = [];
  for (let depth = 1; depth <= 6; depth++) {
    const up = '\\.\\./'.repeat(depth);
    const patterns = [
      { regex: `^(\\./)?${up}(${names})(/.*|\\.tsx?)?$`, message },
      { regex: `(^|/)src/(${names})(/.*|\\.tsx?)?$`, message },
    ];
    if (banUiPackages) patterns.push(UI_PACKAGES);
    configs.push({
      name: `rnnsearch/layering/${layer}/depth-${depth}`,
      files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.{ts,tsx,js,mjs}`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    });
  }
  return configs;
}

const others = (/** @type {string[]} */ allowed) => LAYERS.filter((l) => !allowed.includes(l));

export default defineConfig([
  globalIgnores([
    'dist/',
    'node_modules/',
    'public/',
    'coverage/',
    'test-results/',
    'playwright-report/',
    'bench/results/',
  ]),

  { name: 'rnnsearch/files', files: [CODE] },
  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'rnnsearch/globals',
    files: [CODE],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
  },
  {
    name: 'rnnsearch/globals/node',
    files: ['tests/**', 'bench/**', 'scripts/**', '*.config.{ts,js}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'rnnsearch/globals/worker',
    files: ['src/worker/**'],
    languageOptions: { globals: { ...globals.worker } },
  },

  {
    name: 'rnnsearch/safety',
    files: [CODE],
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
      'no-restricted-syntax': ['error', ...noHtmlSinks],
      'no-restricted-properties': ['error', ...noHtmlSinkProperties],
    },
  },

  {
    name: 'rnnsearch/typescript',
    files: [CODE],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },

  // React rules only where React lives: the compiler-backed rules are the slow part of linting.
  {
    ...reactHooks.configs.flat.recommended,
    name: 'rnnsearch/react-hooks',
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.{ts,tsx}', 'src/*.tsx', 'tests/**/*.tsx'],
  },

  // issue 11: every function of the model layer fits on a screen (the longest today: 78 lines)
  {
    name: 'rnnsearch/model-function-length',
    files: ['src/model/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }] },
  },

  ...layerRules('tensor', others(['tensor']), true),
  ...layerRules('model', ['store', 'ui', 'worker', 'export'], true),
  ...layerRules('data', ['store', 'ui', 'worker', 'export'], true),
  ...layerRules('train', ['store', 'ui', 'worker', 'export'], true),
  ...layerRules('store', ['ui'], false),
  // export and worker sit beside store: below ui, and neither reads the store (a worker has none;
  // export's animation talks to its worker through the worker's checked protocol module)
  ...layerRules('export', ['store', 'ui'], false),
  ...layerRules('worker', ['store', 'ui'], true),
]);
