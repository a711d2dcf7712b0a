// The memory page's state (docs/ARCHITECTURE.md, "Memory networks"): which network answers, the
// story and question being edited, the hop shown, the shipped networks as they load, and a
// network trained in the page's worker. Its own small store: nothing here touches the explorer's.

import { create } from 'zustand';
import { CURATED_STORIES, tokenizeStoryLine } from '../data/tasks/babi';
import { loadMemoryModel, parseMemoryManifestText } from '../model/memnn/checkpoint';
import { MemoryInputError, type MemoryModel, type MemoryTrace } from '../model/memnn/model';
import { startMemoryTraining, type MemoryRun } from '../worker/memoryClient';
import { fetchChecked, modelsBase } from './catalog';
import { errorReason, memoryTrainReason } from './errorReason';
import type { NoticeVar } from './notices';

/** The shipped memory networks (public/models/<id>), in the picker's order. */
export const MEMORY_MODELS = ['babi-memn2n-3hop', 'babi-memn2n-1hop'] as const;
/** The id of the network trained in this page. */
export const TRAINED_MEMORY_ID = 'trained';

export type MemoryModelState = { state: 'loading' } | { state: 'ready'; model: MemoryModel; metrics: Record<string, number> } | { state: 'error'; message: NoticeVar };

export interface MemoryTraining {
  status: 'idle' | 'running' | 'done' | 'error';
  hops: number;
  step: number;
  steps: number;
  loss: number | null;
  /** Dev accuracy at the last evaluation. */
  dev: { one: number; two: number } | null;
  /** Test accuracy of the finished network. */
  test: { one: number; two: number; hopsOnGold: number } | null;
  seconds: number;
  /** Why the run stopped (status 'error'), as words the page translates. */
  message: NoticeVar | null;
}

/** The longest story the page keeps, in characters (longer text is cut, with a notice). */
export const MAX_STORY_CHARS = 4000;

export interface MemoryState {
  modelId: string;
  models: Record<string, MemoryModelState>;
  story: string;
  question: string;
  /** The hop shown in detail, from 0. */
  hop: number;
  training: MemoryTraining;
  setStory(text: string): void;
  setQuestion(text: string): void;
  setHop(hop: number): void;
  selectModel(id: string): void;
  load(id: string): Promise<void>;
  train(hops: number, steps?: number): void;
  cancelTraining(): void;
}

const IDLE: MemoryTraining = { status: 'idle', hops: 3, step: 0, steps: 0, loss: null, dev: null, test: null, seconds: 0, message: null };
let run: MemoryRun | null = null;

/** Fetch and verify a shipped memory network. */
export async function fetchMemoryModel(id: string, base = modelsBase()): Promise<{ model: MemoryModel; metrics: Record<string, number> }> {
  const folder = new URL(`${id}/`, base);
  const manifest = parseMemoryManifestText(await (await fetchChecked(new URL('manifest.json', folder).href, { file: 'manifest', id })).text());
  const weights = new Uint8Array(await (await fetchChecked(new URL(manifest.weights.file, folder).href, { file: 'weights', id })).arrayBuffer());
  return { model: await loadMemoryModel(manifest, weights), metrics: manifest.training.metrics ?? {} };
}

export const useMemoryStore = create<MemoryState>()((set, get) => ({
  modelId: MEMORY_MODELS[0],
  models: {},
  story: (CURATED_STORIES[1] as (typeof CURATED_STORIES)[number]).story,
  question: (CURATED_STORIES[1] as (typeof CURATED_STORIES)[number]).question,
  hop: 0,
  training: IDLE,
  setStory: (text) => set({ story: text.slice(0, MAX_STORY_CHARS) }),
  setQuestion: (text) => set({ question: text.slice(0, 200) }),
  setHop: (hop) => set({ hop: Math.max(0, Math.floor(hop)) }),
  selectModel: (id) => {
    set({ modelId: id });
    if (id !== TRAINED_MEMORY_ID) void get().load(id);
  },
  load: async (id) => {
    const current = get().models[id];
    if (current && current.state !== 'error') return;
    set((s) => ({ models: { ...s.models, [id]: { state: 'loading' } } }));
    try {
      const { model, metrics } = await fetchMemoryModel(id);
      set((s) => ({ models: { ...s.models, [id]: { state: 'ready', model, metrics } } }));
    } catch (err) {
      set((s) => ({ models: { ...s.models, [id]: { state: 'error', message: errorReason(err) } } }));
    }
  },
  train: (hops, steps = 1000) => {
    run?.cancel();
    const t0 = performance.now();
    set({ training: { ...IDLE, status: 'running', hops, steps } });
    const patch = (p: Partial<MemoryTraining>): void => set((s) => ({ training: { ...s.training, ...p, seconds: (performance.now() - t0) / 1000 } }));
    run = startMemoryTraining({ hops, steps, seed: 1 }, (e) => {
      if (e.type === 'progress') patch({ step: e.step, loss: e.loss });
      else if (e.type === 'eval') patch({ dev: { one: e.one, two: e.two } });
      else if (e.type === 'error') patch({ status: 'error', message: memoryTrainReason(e) });
      else if (e.type === 'done') {
        run = null;
        void loadMemoryModel(parseMemoryManifestText(e.manifest), e.weights).then(
          (model) => {
            const test = { one: e.one, two: e.two, hopsOnGold: e.hopsOnGold };
            patch({ status: 'done', test, step: steps });
            set((s) => ({ models: { ...s.models, [TRAINED_MEMORY_ID]: { state: 'ready', model, metrics: { accuracyOneFact: e.one, accuracyTwoFact: e.two } } }, modelId: TRAINED_MEMORY_ID }));
          },
          (err: unknown) => patch({ status: 'error', message: errorReason(err) }),
        );
      }
    });
  },
  cancelTraining: () => {
    run?.cancel();
    run = null;
    set((s) => ({ training: { ...s.training, status: 'idle' } }));
  },
}));

/** The story as sentences of tokens: one per line (or per full stop on a line), blank ones dropped. */
export function storySentences(text: string): { lines: string[]; tokens: string[][] } {
  const lines = text
    .split(/\r\n|\r|\n|(?<=[.!?])\s+/u)
    .map((l) => l.trim())
    .filter((l) => tokenizeStoryLine(l).length > 0);
  return { lines, tokens: lines.map(tokenizeStoryLine) };
}

/** What the page shows for a story and question under a network: a trace, or why there is none. */
export function answerStory(model: MemoryModel, story: string, question: string): { trace: MemoryTrace; lines: string[] } | { error: MemoryInputError } {
  const { lines, tokens } = storySentences(story);
  try {
    const trace = model.answer(tokens, tokenizeStoryLine(question));
    return { trace, lines: lines.slice(lines.length - trace.sentences.length) };
  } catch (err) {
    if (err instanceof MemoryInputError) return { error: err };
    throw err;
  }
}
