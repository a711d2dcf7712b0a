// The Memory page's state in the URL fragment, beside the view and the explorer's link:
// `#s=<payload>&view=memory&mnet=babi-memn2n-1hop&mstory=…&mq=…&mhop=2`, so that a link or a reload
// opens the same network, story, question and hop. The explorer's URL sync keeps these parameters
// on the Memory page and drops them elsewhere (src/ui/boot.ts, `withOtherParams`). Every value is
// checked on the way in; a bad one is ignored (the page's own default stays).

import { MEMORY_MODELS, MAX_STORY_CHARS } from '../../store/memory';

export const MEMORY_PARAMS = ['mnet', 'mstory', 'mq', 'mhop'] as const;
const MAX_QUESTION_CHARS = 200;

export interface MemoryUrlState {
  modelId?: string;
  story?: string;
  question?: string;
  hop?: number;
}

/** What a fragment says about the Memory page (only fields that are present and valid). */
export function memoryOf(hash: string): MemoryUrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const out: MemoryUrlState = {};
  const net = p.get('mnet');
  if (net !== null && (MEMORY_MODELS as readonly string[]).includes(net)) out.modelId = net;
  const story = p.get('mstory');
  if (story !== null && story.length <= MAX_STORY_CHARS) out.story = story;
  const q = p.get('mq');
  if (q !== null && q.length <= MAX_QUESTION_CHARS) out.question = q;
  const hop = p.get('mhop');
  if (hop !== null && /^[1-3]$/.test(hop)) out.hop = Number(hop) - 1;
  return out;
}

/** `hash` with `view=memory` and the Memory page's parameters set; others kept in order. */
export function withMemory(hash: string, s: Required<MemoryUrlState>): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.set('view', 'memory');
  // a network trained in this page cannot travel in a link: the link names the shipped 3-hop one
  params.set('mnet', (MEMORY_MODELS as readonly string[]).includes(s.modelId) ? s.modelId : MEMORY_MODELS[0]);
  params.set('mstory', s.story);
  params.set('mq', s.question);
  params.set('mhop', String(s.hop + 1));
  return `#${params.toString()}`;
}

/** Write the state into the address bar (replaceState: no history entry) unless it is there already. */
export function writeMemory(s: Required<MemoryUrlState>): void {
  const next = withMemory(location.hash, s);
  if (next !== location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}${next}`);
}
