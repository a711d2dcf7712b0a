// @vitest-environment jsdom
// The Simplified Chinese table against the English one (same keys, same placeholders, nothing
// left empty or in English except notation), the messages that carry notices across a language
// switch, the model layer's English names that the UI translates, and the explorer rendered in
// 中文 and back.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { act } from 'react';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getTask, TASK_IDS } from '../../src/data/tasks';
import { parseFragment, ShareStateError, type ShareProblem } from '../../src/export/permalink';
import { HeatmapExportError } from '../../src/export/heatmapSvg';
import { CheckpointError, type CheckpointErrorCode } from '../../src/model/checkpoint';
import { CatalogError, FetchError } from '../../src/store/catalog';
import { analysisReason, decodeReason, errorReason } from '../../src/store/errorReason';
import type { AnalysisFailure } from '../../src/worker/analysisClient';
import { parseSentencePairs, TSV_LINE_CODES, type TsvLineCode } from '../../src/data/tsv';
import { errorNotice } from '../../src/store/modelDb';
import { droppedMessage, guardMessage, lineErrorMessage, warningMessage, workerErrorMessage } from '../../src/store/trainReason';
import type { GradientFailure } from '../../src/train/parallel';
import { TrainWorkerError, WorkerGoneError, WorkerReplyError } from '../../src/worker/client';
import { lineError } from '../../src/worker/data';
import { WORKER_ERROR_CODES, type DataWarningCode, type MessageParams, type WorkerErrorCode } from '../../src/worker/protocol';
import type { NoticeMessage } from '../../src/store/notices';
import { VARIANT_INFO, VARIANTS } from '../../src/model/config';
import { useStore } from '../../src/store/store';
import { linkNotice } from '../../src/ui/boot';
import {
  en,
  english,
  exampleLabel,
  MESSAGES,
  msg,
  noticeText,
  taskTitle,
  translate,
  translateMessage,
  variantFormula,
  variantSource,
  variantTitle,
  type MessageKey,
} from '../../src/ui/i18n';
import { Notices, ViewSettings } from '../../src/ui/panels/Header';
import { ExploreView } from '../../src/ui/views/ExploreView';
import { resetStore, setUp } from './panels/helpers';
import { checkpoint } from './train/helpers';
import { axeViolations, CATALOG, fakeFetch } from './views/setup';

const zh = MESSAGES.zh;
const KEYS = Object.keys(en) as MessageKey[];

/**
 * The only keys whose Chinese is the English: notation, names and symbols that Chinese technical
 * writing keeps as they are.
 */
const SAME_IN_BOTH: readonly MessageKey[] = [
  'app.title', // RNNsearch
  'score.sum', // e = Σ_k v_a,k · tanh(·)_k = {value}
  'compare.logp', // log p = {logp}
  'pr.deltaLogp', // Δ log p
  'length.yAxis', // BLEU
  'train.chart.bleu', // BLEU
  'files.quoted', // “{name}”
  'family.transformer', // Transformer (a name)
  'train.model', // d_model
];

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
const HAN = /\p{Script=Han}/u;

describe('the Simplified Chinese table', () => {
  it('has exactly the keys of the English one', () => {
    expect(Object.keys(zh).sort()).toEqual([...KEYS].sort());
  });

  it('keeps every placeholder of each English string, and adds none', () => {
    const wrong = KEYS.filter((k) => placeholders(en[k]).join() !== placeholders(zh[k]).join());
    expect(wrong).toEqual([]);
  });

  it('leaves nothing empty, and nothing in English except the notation-only strings listed here', () => {
    expect(KEYS.filter((k) => zh[k].trim() === '')).toEqual([]);
    expect(KEYS.filter((k) => zh[k] === en[k]).sort()).toEqual([...SAME_IN_BOTH].sort());
    // everything else says something in Chinese
    // (these differ from the English by their full-width punctuation alone)
    const PUNCTUATION_ONLY: readonly MessageKey[] = ['list.sep', 'punct.named', 'punct.paren', 'heatmap.cell'];
    const noHan = KEYS.filter((k) => !SAME_IN_BOTH.includes(k) && !PUNCTUATION_ONLY.includes(k) && !HAN.test(zh[k]));
    expect(noHan).toEqual([]);
  });

  it('keeps the paper’s notation where the English has it', () => {
    const notation = /[αΣ√]|[a-zA-Z]_(?:\{[^}]*\}|[a-zA-Z0-9]+)|→h|←h/g;
    const lost = KEYS.filter((k) => {
      const symbols = (en[k].match(notation) ?? []).sort().join(' ');
      return symbols !== '' && (zh[k].match(notation) ?? []).sort().join(' ') !== symbols;
    });
    expect(lost).toEqual([]);
  });

  it('writes Chinese sentences with full-width punctuation', () => {
    // a Han character directly followed by ASCII , ; : ? ! or ( is a half-width slip
    const halfWidth = /\p{Script=Han}[,;:?!(]/u;
    expect(KEYS.filter((k) => halfWidth.test(zh[k]))).toEqual([]);
  });

  it('fills placeholders in either language', () => {
    expect(translate('zh', 'stepper.position', { i: 2, n: 9 })).toBe('第 2 步，共 9 步');
    expect(translate('en', 'stepper.position', { i: 2, n: 9 })).toBe('Step 2 of 9');
  });
});

describe('the model layer’s English names', () => {
  it('English keys repeat VARIANT_INFO, the tasks’ titles and their examples’ labels word for word', () => {
    for (const v of VARIANTS) {
      expect(variantTitle('en', v)).toBe(VARIANT_INFO[v].title);
      expect(variantSource('en', v)).toBe(VARIANT_INFO[v].source);
      expect(variantFormula('en', v)).toBe(VARIANT_INFO[v].formula);
      expect(variantTitle('zh', v)).not.toBe(VARIANT_INFO[v].title);
    }
    for (const id of TASK_IDS) {
      const task = getTask(id);
      expect(taskTitle('en', id)).toBe(task.title);
      expect(HAN.test(taskTitle('zh', id))).toBe(true);
      task.examples().forEach((ex, k) => {
        expect(exampleLabel('en', id, k, ex.label)).toBe(ex.label);
        expect(HAN.test(exampleLabel('zh', id, k, ex.label)), `${id} example ${k}`).toBe(true);
      });
    }
  });

  it('an example label the table does not know (reordered, new) stays as the task gives it', () => {
    expect(exampleLabel('zh', 'en-fr', 1, 'Something new')).toBe('Something new');
    expect(exampleLabel('zh', 'en-fr', 99, 'Another')).toBe('Another');
    expect(taskTitle('zh', 'my-pairs')).toBe('my-pairs');
  });
});

describe('messages', () => {
  it('translate their values too, and join lists the language’s way', () => {
    const m = msg('link.partial', { fields: [msg('link.field.beamWidth'), msg('link.field.palette'), 'view.other'] });
    expect(english(m)).toBe('Some settings in this link were not valid and were reset: beam width, palette, view.other.');
    expect(translateMessage('zh', m)).toBe('这个链接中的部分设置无效，已被重置：束宽、配色、view.other。');
  });

  it('a notice shows its message in the current language, and its English text for an unknown key', () => {
    expect(noticeText('zh', { text: 'x', message: msg('notice.notPng', { name: 'a.jpg' }) })).toBe('“a.jpg”不是从 RNNsearch 导出的 PNG。');
    expect(noticeText('zh', { text: 'English fallback', message: { key: 'no.such.key' } })).toBe('English fallback');
  });

  it('every permalink problem has a message in English and in Chinese', async () => {
    const problems: Array<Exclude<ShareProblem, 'partial'>> = ['too-long', 'damaged', 'too-large', 'unsupported', 'newer-version', 'invalid'];
    for (const problem of problems) {
      const m = linkNotice({ problem, reset: [] });
      expect(m && english(m)).toMatch(/^This (link|browser).*\.$/);
      expect(m && HAN.test(translateMessage('zh', m))).toBe(true);
    }
    expect(english(linkNotice({ problem: 'damaged', reset: [] }) ?? { key: '' })).toBe('This link is damaged (it was cut short?); showing the default example.');
    // a link whose beam width, palette and language are not valid: the fields reset are named
    const record = {
      v: 1,
      model: 'en-fr-additive',
      source: 'the cat .',
      target: '',
      decoding: 'greedy',
      beamWidth: 99,
      step: 0,
      edits: [],
      view: { values: 'weights', transpose: false, palette: 'rainbow', lang: 'fr', theme: 'auto' },
    };
    const parsed = await parseFragment(`#s=${deflateRawSync(Buffer.from(JSON.stringify(record))).toString('base64url')}`);
    expect(parsed.problem).toBe('partial');
    expect(parsed.reset).toEqual(['beamWidth', 'view.palette', 'view.lang']);
    const m = linkNotice(parsed);
    expect(m && english(m)).toBe('Some settings in this link were not valid and were reset: beam width, palette, language.');
    const zhText = m ? translateMessage('zh', m) : '';
    expect(zhText).toMatch(/^这个链接中的部分设置无效，已被重置：/);
    for (const field of ['束宽', '配色', '语言']) expect(zhText).toContain(field);
  });
});

describe('the explorer in 中文 and back', () => {
  beforeEach(resetStore);
  afterEach(resetStore);

  function Page() {
    return (
      <>
        <ViewSettings />
        <Notices />
        <main>
          <ExploreView />
        </main>
      </>
    );
  }

  const headings = (): string[] => screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent ?? '');

  it('switches every panel heading live, re-translates a notice already shown, and switches back', async () => {
    await setUp('additive', 'the big red dog ran on the zebra .');
    render(<Page />);
    act(() => useStore.getState().notify('warning', msg('notice.notPng', { name: 'x.jpg' })));
    expect(headings()).toContain('Alignment');
    expect(screen.getByText('“x.jpg” is not a PNG exported from RNNsearch.')).toBeTruthy();

    fireEvent.change(screen.getByRole('combobox', { name: 'Language' }), { target: { value: 'zh' } });
    expect(useStore.getState().lang).toBe('zh');
    const zhHeadings = headings();
    for (const h of ['对齐', '分享', '一个分数是如何构成的', '下一个词的预测', '公式，代入这一步的数值']) expect(zhHeadings).toContain(h);
    expect(zhHeadings.some((h) => h.startsWith('上下文向量'))).toBe(true);
    expect(zhHeadings.some((h) => /^第 \d+ 步：写出/.test(h))).toBe(true);
    // nothing is left in English in the headings
    expect(zhHeadings.filter((h) => !HAN.test(h))).toEqual([]);
    expect(screen.getByText('“x.jpg”不是从 RNNsearch 导出的 PNG。')).toBeTruthy();
    expect(screen.getByRole('button', { name: '复制链接' })).toBeTruthy();
    expect(screen.getByRole('grid').getAttribute('aria-label')).toBe('对齐：权重 α');
    expect(screen.getByText('加性（Bahdanau）', { selector: '.model-line strong' })).toBeTruthy();
    expect(await axeViolations()).toEqual([]);

    fireEvent.change(screen.getByRole('combobox', { name: '语言' }), { target: { value: 'en' } });
    expect(headings()).toContain('Alignment');
    expect(headings().filter((h) => HAN.test(h))).toEqual([]);
    expect(screen.getByText('“x.jpg” is not a PNG exported from RNNsearch.')).toBeTruthy();
  });

  it('a model that fails to load is reported in the language of the moment', async () => {
    await setUp('additive');
    useStore.setState({ catalog: [], lang: 'zh' });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new TypeError('offline'))) as typeof fetch;
    try {
      render(<Notices />);
      await act(async () => {
        await useStore.getState().selectModel('no-such-model');
      });
    } finally {
      globalThis.fetch = realFetch;
    }
    const notice = useStore.getState().notices.at(-1);
    expect(notice?.text).toMatch(/^The model “no-such-model” is not one of the models shipped with this page/);
    const shown = within(document.querySelector('.notices') as HTMLElement).getByText(/no-such-model/);
    expect(shown.textContent).toMatch(/^模型“no-such-model”既不是随本页面提供的模型，也没有保存在这个浏览器中（.*offline.*）。$/);
  });
});

describe('why something failed, in the reader’s language (issue 11)', () => {
  beforeEach(resetStore);
  afterEach(() => {
    vi.unstubAllGlobals();
    resetStore();
  });

  // every code a checkpoint check can fail with (a type error here when one is added)
  const CODES = {
    manifest: true,
    'byte-length': true,
    sha256: true,
    'header-size': true,
    'header-json': true,
    dtype: true,
    offsets: true,
    size: true,
    'non-finite': true,
    'missing-tensor': true,
    'unexpected-tensor': true,
    shape: true,
    'invalid-argument': true,
  } satisfies Record<CheckpointErrorCode, true>;

  it('every checkpoint check, fetched file and link problem has a sentence in English and in Chinese', () => {
    const errors: Error[] = [
      ...Object.keys(CODES).map((code) => new CheckpointError(code as CheckpointErrorCode, 'the checker’s detail')),
      new CatalogError('index', 'x'),
      new CatalogError('id', 'x'),
      new FetchError({ file: 'index' }, 500),
      new FetchError({ file: 'manifest', id: 'm' }, 404),
      new FetchError({ file: 'weights', id: 'm' }, null, 'Failed to fetch'),
      new FetchError({ file: 'tokenizer', id: 'm', side: 'source' }, 404),
      new FetchError({ file: 'tokenizer', id: 'm', side: 'target' }, null),
      new FetchError({ file: 'results' }, 503),
      new ShareStateError('invalid', 'x'),
      new ShareStateError('too-long', 'x'),
      new ShareStateError('unsupported', 'x'),
      ...(['not-running', 'stopped', 'start', 'crashed', 'unreadable'] as const).map((kind) => new WorkerGoneError(kind, 'x')),
      new WorkerGoneError('start', 'x', { detail: 'boom' }),
      new WorkerGoneError('crashed', 'x', { detail: 'boom' }),
      new WorkerGoneError('silent', 'x', { seconds: 12 }),
      ...(['too-large', 'bad-shape', 'empty', 'bad-font'] as const).map((kind) => new HeatmapExportError(kind, 'the exporter’s detail')),
      new WorkerReplyError('timeout', 'x', { seconds: 60 }),
      new WorkerReplyError('invalid', 'x', { detail: 'checkpoint.manifest is not valid' }),
      new TrainWorkerError('no-model', {}, 'there is no trained model to export yet'),
    ];
    for (const err of errors) {
      const reason = errorReason(err);
      expect(typeof reason, err.message).toBe('object');
      const m = reason as NoticeMessage;
      const [enText, zhText] = [english(m), translateMessage('zh', m)];
      // every key (nested ones too) is in both tables: no key is left showing
      expect(enText).not.toMatch(/err\./);
      expect(zhText).not.toMatch(/err\./);
      expect(zhText, err.message).toMatch(HAN);
    }
    // the fetch errors read in English as they always did (the CLI and the tests know these)
    expect(english(errorReason(new FetchError({ file: 'manifest', id: 'm' }, 404)) as NoticeMessage)).toBe(new FetchError({ file: 'manifest', id: 'm' }, 404).message);
    expect(english(errorReason(new FetchError({ file: 'weights', id: 'm' }, null)) as NoticeMessage)).toBe('could not fetch the weights of m (network error)');
    expect(translateMessage('zh', errorReason(new WorkerGoneError('silent', 'x', { seconds: 12 })) as NoticeMessage)).toBe('训练工作线程不再响应（已经 12 秒没有回复）');
    // a sentence that cannot be decoded says why in the reader's language, the limit by number
    for (const code of ['source-too-long', 'target-too-long', 'bad-override', 'bad-option', 'internal'] as const) {
      const m = { key: 'editor.error', vars: { detail: decodeReason({ code, message: 'the decoder’s words' }) } };
      expect(english(m)).not.toMatch(/err\./);
      expect(translateMessage('zh', m)).toMatch(/^无法解码：\p{Script=Han}/u);
    }
    expect(translateMessage('zh', { key: 'editor.error', vars: { detail: decodeReason({ code: 'source-too-long', message: '' }) } })).toMatch(/^无法解码：源句太长（模型最多读取 \d+ 个词元）。$/);
    // an error without a code keeps its own words
    expect(errorReason(new Error('something else'))).toBe('something else');
  });

  /** The notice about this model (the page then falls back to its default model, which says its own). */
  const noticeAbout = (id: string): string | undefined => useStore.getState().notices.find((n) => n.text.includes(`“${id}”`))?.text;

  async function load(routes: Parameters<typeof fakeFetch>[0]): Promise<string> {
    useStore.setState({ catalog: CATALOG, lang: 'zh' });
    vi.stubGlobal('fetch', fakeFetch(routes));
    render(<Notices />);
    await act(async () => {
      expect(await useStore.getState().selectModel('en-fr-additive')).toBe(false);
    });
    return within(document.querySelector('.notices') as HTMLElement).getByText(/en-fr-additive/).textContent ?? '';
  }

  it('a corrupt checkpoint is reported in Chinese, the checker’s English only as a detail', async () => {
    const cp = await checkpoint('en-fr-additive');
    const weights = cp.weights.slice();
    weights[weights.length - 1] = (weights.at(-1) ?? 0) ^ 0xff;
    const shown = await load({
      'en-fr-additive/manifest.json': () => new Response(JSON.stringify(cp.manifest)),
      'en-fr-additive/model.safetensors': () => new Response(weights.slice()),
    });
    expect(shown.startsWith(`无法加载模型“en-fr-additive”：${zh['err.checkpoint.sha256']}；技术细节：`)).toBe(true);
    expect(shown).not.toContain(en['err.checkpoint.sha256']);
    expect(shown).not.toContain('could not be loaded');
    // in English the same notice says it in plain words first
    expect(noticeAbout('en-fr-additive')).toMatch(/^The model “en-fr-additive” could not be loaded: the weights file does not match its manifest \(corrupt, or from another checkpoint\); details: .*SHA-256/);
  });

  it('a file that could not be fetched is reported in Chinese', async () => {
    const shown = await load({});
    expect(shown).toBe('无法加载模型“en-fr-additive”：无法获取模型 en-fr-additive 的清单：HTTP 404');
    expect(shown).not.toContain('could not fetch');
    expect(noticeAbout('en-fr-additive')).toBe('The model “en-fr-additive” could not be loaded: could not fetch the manifest of en-fr-additive: HTTP 404');
  });
});

describe('the workers’ failures in the reader’s language (issue 11: all English in i18n.ts)', () => {
  beforeEach(resetStore);
  afterEach(resetStore);

  /** A notice as the page shows it in English, then in Chinese. */
  function shownNotice(m: NoticeMessage): { en: string; zh: string } {
    useStore.setState({ notices: [] });
    useStore.getState().notify('warning', m);
    const shownIn = (lang: 'en' | 'zh'): string => {
      useStore.setState({ lang });
      const { container, unmount } = render(<Notices />);
      const text = container.querySelector('.notice p')?.textContent ?? '';
      unmount();
      return text;
    };
    return { en: shownIn('en'), zh: shownIn('zh') };
  }

  it('the analysis worker given up, by kind, with the browser’s or the worker’s words only inside', () => {
    const kinds: Record<AnalysisFailure['kind'], string> = {
      start: 'The analysis worker could not start (no workers); the page decodes on its own thread.',
      crashed: 'The analysis worker failed (boom); the page decodes on its own thread.',
      send: 'A request could not be sent to the analysis worker (DataCloneError); the page decodes on its own thread.',
      unreadable: 'A message from the analysis worker could not be read; the page decodes on its own thread.',
      'bad-event': 'The analysis worker sent a message the page cannot read; the page decodes on its own thread.',
      load: 'The analysis worker could not load the model (bad weights); the page decodes on its own thread.',
    };
    const details: Partial<Record<AnalysisFailure['kind'], string>> = { start: 'no workers', crashed: 'boom', send: 'DataCloneError', load: 'bad weights' };
    for (const [kind, english] of Object.entries(kinds) as Array<[AnalysisFailure['kind'], string]>) {
      const detail = details[kind];
      const shown = shownNotice({ key: 'notice.analysisWorker', vars: { reason: analysisReason({ kind, ...(detail ? { detail } : {}) }) } });
      expect(shown.en).toBe(english);
      expect(shown.zh).toMatch(/^\p{Script=Han}.*；页面改在主线程上解码。$/u);
      if (detail) expect(shown.zh).toContain(`（${detail}）`);
    }
    // an error event without a message
    expect(shownNotice({ key: 'notice.analysisWorker', vars: { reason: analysisReason({ kind: 'crashed' }) } }).zh).toBe('分析线程出错（未知错误）；页面改在主线程上解码。');
  });
});

describe('the training worker’s codes in the reader’s language (issue 11)', () => {
  const noPlaceholder = /\{\w+\}/;
  const both = (m: NoticeMessage): { en: string; zh: string } => ({ en: english(m), zh: translateMessage('zh', m) });
  const expectWorded = (m: NoticeMessage, what: string): { en: string; zh: string } => {
    const shown = both(m);
    expect(shown.en, what).not.toMatch(noPlaceholder);
    expect(shown.zh, what).not.toMatch(noPlaceholder);
    expect(shown.zh, what).toMatch(HAN);
    return shown;
  };

  it('every error code of the worker has a sentence in both languages, filled with its values', () => {
    // every code (a type error here when one is added), with the values the worker sends with it
    const PARAMS = {
      'tsv-too-large': { name: 'big.tsv', mib: 10 },
      'no-pairs': { name: 'bad.tsv', read: 3, problems: 2 },
      'length-range': { min: 3, max: 12, from: 20, to: 30 },
      split: { detail: 'en-fr: could not produce a sentence of length [40, 50]' },
      'resume-mismatch': {},
      'gradient-spawn': { detail: 'too many workers' },
      stopped: { detail: 'boom' },
      'no-model': {},
      'export-failed': { detail: 'boom' },
      'bad-command': { detail: 'train/start.config.lr must be a finite number' },
      'unreadable-command': {},
      internal: { detail: 'boom' },
    } satisfies Record<WorkerErrorCode, MessageParams>;
    expect(Object.keys(PARAMS).sort()).toEqual([...WORKER_ERROR_CODES].sort());
    for (const [code, params] of Object.entries(PARAMS) as Array<[WorkerErrorCode, MessageParams]>) {
      const shown = expectWorded(workerErrorMessage({ code, params }), code);
      for (const value of Object.values(params)) {
        expect(shown.en).toContain(String(value));
        expect(shown.zh).toContain(String(value));
      }
    }
    expect(both(workerErrorMessage({ code: 'no-pairs', params: PARAMS['no-pairs'] }))).toEqual({
      en: 'bad.tsv: no usable sentence pairs (3 read, 2 problems)',
      zh: 'bad.tsv：没有可用的句对（读到 3 对，有 2 处问题）',
    });
    // an export that failed, as the notice says it (the client rejects with the worker's code)
    const notice = errorNotice(new TrainWorkerError('export-failed', { detail: 'boom' }, 'the model could not be exported: boom'));
    expect(both(notice)).toEqual({ en: 'the model could not be exported (boom)', zh: '出错了：无法导出模型（boom）' });
    for (const err of [new WorkerReplyError('timeout', 'x', { seconds: 60 }), new WorkerReplyError('invalid', 'x', { detail: 'checkpoint.manifest is not valid' })]) {
      expectWorded(errorNotice(err), err.kind);
    }
  });

  it('a TSV’s line problems: the page’s English is the parser’s, and each has its Chinese', () => {
    const text = ['a\tb', 'one column', '\tcible', 'source\t', ' \t \tattribution', 'a\tb\tc\td'].join('\n') + '\n';
    // and a last line that is not UTF-8
    const raw = parseSentencePairs(new Uint8Array([...new TextEncoder().encode(text), 0xc3, 0x28, 0x09, 0x78, 0x0a]));
    const special = [
      ...parseSentencePairs(new Uint8Array([0xff, 0xfe, 0x61, 0x00])).errors,
      ...parseSentencePairs('a\tb\nc\u0000').errors,
      ...parseSentencePairs('x\n'.repeat(3), { maxErrors: 2 }).errors,
      ...parseSentencePairs('a\tb\n'.repeat(3), { maxPairs: 2 }).errors,
    ];
    const seen = new Set<TsvLineCode>();
    for (const e of [...raw.errors, ...special]) {
      seen.add(e.code);
      const shown = expectWorded(lineErrorMessage(lineError(e)), e.code);
      expect(shown.en).toBe(e.message);
      expect(shown.zh).toContain(String(e.line));
    }
    expect([...seen].sort()).toEqual([...TSV_LINE_CODES].sort());
    expect(both(lineErrorMessage({ line: 4, code: 'columns', params: { n: 1 }, message: '' })).zh).toBe('第 4 行：应有 2 或 3 列（以制表符分隔），实际有 1 列');
  });

  it('warnings about the data, guard trips and dropped gradient workers, in both languages', () => {
    const WARNINGS = {
      'out-of-range': { n: 7, min: 3, max: 12 },
      'dev-borrowed': {},
      'train-cut': { n: 2000 },
      'probe-empty': {},
    } satisfies Record<DataWarningCode, MessageParams>;
    for (const [code, params] of Object.entries(WARNINGS) as Array<[DataWarningCode, MessageParams]>) expectWorded(warningMessage({ code, params, message: '' }), code);
    expect(english(warningMessage({ code: 'out-of-range', params: WARNINGS['out-of-range'], message: '' }))).toBe('7 pairs outside the length range 3–12 were left out');
    const DROPPED = {
      failed: { detail: 'Uncaught RangeError' },
      timeout: { seconds: 10 },
      'bad-reply': {},
      gone: {},
      stopped: {},
    } satisfies Record<GradientFailure, MessageParams>;
    for (const [code, params] of Object.entries(DROPPED) as Array<[GradientFailure, MessageParams]>) expectWorded(droppedMessage({ code, params }), code);
    expect(both(droppedMessage({ code: 'timeout', params: { seconds: 0.5 } }))).toEqual({ en: 'It did not answer within 0.5 s.', zh: '它在 0.5 秒内没有回复。' });
    // the guard: the page's English is the Trainer's (the CLI prints that one)
    const trips = [
      { step: 3, what: 'loss', value: NaN, restoredStep: 2, restored: false, message: 'Step 3: the loss became NaN; the update was skipped.' },
      { step: 8, what: 'gradient', value: Infinity, restoredStep: 7, restored: false, message: 'Step 8: the gradient norm became Infinity; the update was skipped.' },
      { step: 50, what: 'weights', value: null, restoredStep: 0, restored: true, message: 'Step 50: a weight became NaN or infinite; the update was skipped and the last good weights (step 0) restored.' },
    ] as const;
    for (const trip of trips) expect(expectWorded(guardMessage(trip), trip.what).en).toBe(trip.message);
  });
});
