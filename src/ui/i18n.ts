// Interface strings. Every visible string of the page goes through `t(key, vars)`; English is the
// reference table and defines the keys, and other languages must give every key (the type says
// so). `{name}` placeholders are filled from `vars`.

import { useStore, type Lang } from '../store/store';

export const en = {
  'app.title': 'RNNsearch',
  'app.tagline': 'Watch additive attention work inside a trained RNN encoder-decoder, live in your browser.',
  'app.paper': 'After Bahdanau, Cho & Bengio, “Neural Machine Translation by Jointly Learning to Align and Translate” (2014).',
  'app.skip': 'Skip to the heatmap',
  'app.loadingModel': 'Loading the model “{id}”…',
  'app.noModel': 'No model is loaded yet.',
  'app.decodedIn': 'decoded in {ms} ms',
  'header.model': 'Model',
  'header.examples': 'Examples',
  'header.examplesPick': 'Pick an example…',
  'header.theme': 'Theme',
  'header.theme.auto': 'Auto',
  'header.theme.light': 'Light',
  'header.theme.dark': 'Dark',
  'header.lang': 'Language',
  'editor.source': 'Source sentence',
  'editor.target': 'Target sentence (optional: type a translation to force-decode it)',
  'editor.targetPlaceholder': 'Leave empty to let the model translate',
  'editor.mode.free': 'Free decoding: the model writes its own translation.',
  'editor.mode.forced': 'Forced decoding: the model reads your translation, one word at a time.',
  'editor.decoding': 'Decoding',
  'editor.greedy': 'Greedy',
  'editor.beam': 'Beam search',
  'editor.beamWidth': 'Beam width',
  'editor.unknown': '{n} unknown word(s), shown as <unk>: the model has never seen them.',
  'editor.truncated': 'The {side} was cut to {kept} tokens (it had {total}).',
  'editor.empty': 'Type a sentence to translate: there is nothing to attend to yet.',
  'editor.tokens': 'Tokens the model sees',
  'heatmap.title': 'Alignment',
  'heatmap.targetAxis': 'target step i · query s_{i−1}',
  'heatmap.sourceAxis': 'source j · annotation h_j',
  'heatmap.weights': 'weights α',
  'heatmap.scores': 'scores e',
  'heatmap.values': 'Show',
  'heatmap.transpose': 'Transpose',
  'heatmap.palette': 'Colours',
  'heatmap.table': 'View as table',
  'heatmap.grid': 'View as heatmap',
  'heatmap.cell': '{target} ↔ {source}: {value}',
  'heatmap.entropy': 'row entropy (nats)',
  'heatmap.coverage': 'coverage Σ_i α_ij',
  'heatmap.noAttention': 'This model has no attention: every step reads the same fixed summary vector c = [→h_Tx ; ←h_1]. That is the bottleneck attention removed.',
  'heatmap.edited': 'edited',
  'heatmap.help': 'Arrow keys move, Home/End jump within a row, Enter puts all weight on the focused cell.',
  'heatmap.large': 'Large input: drawn as an image; use “View as table” for the numbers.',
  'stepper.first': 'First step',
  'stepper.prev': 'Previous step',
  'stepper.next': 'Next step',
  'stepper.last': 'Last step',
  'stepper.play': 'Play',
  'stepper.pause': 'Pause',
  'stepper.position': 'Step {i} of {n}',
  'stepper.scrubber': 'Decoding step',
  'stepper.keys': 'Keys: ← → step, Home/End first/last, Space play/pause (outside text boxes).',
  'step.title': 'Step {i}: writing “{token}”',
  'step.weights': 'Softmax weights α_{i}j over the source, with the scores e they came from',
  'score.title': 'How one score is built',
  'score.focus': 'Focus a heatmap cell (or a source word below) to see how its score is built.',
  'score.sum': 'e = Σ_k v_a,k · tanh(·)_k = {value}',
  'context.title': 'The context vector c_{i}',
  'context.help': 'c_i = Σ_j α_ij h_j. Each source word adds its annotation, scaled by its weight; forward half (→h) left, backward half (←h) right.',
  'context.forward': 'forward half →h',
  'context.backward': 'backward half ←h',
  'predict.title': 'Next-word predictions',
  'predict.forced': 'Forced word “{token}”: p = {p}, rank {rank}',
  'predict.diverge': 'Free and forced decoding first part ways at step {i}: the model would have written “{token}”.',
  'predict.agree': 'The model’s own first choice matches every forced word.',
  'edit.title': 'Attention edit',
  'edit.help': 'Click a cell to put all of step i’s weight on that source word, or drag a bar in the step panel. Later steps are recomputed.',
  'edit.reset': 'Reset edits',
  'edit.changed': 'With your edit the output changes at {n} step(s).',
  'edit.unchanged': 'Your edit changes the probabilities but not the words.',
  'equations.title': 'The equations, with this step’s numbers',
  'share.title': 'Share',
  'share.copyLink': 'Copy link',
  'share.copied': 'Link copied.',
  'share.copyFailed': 'Could not copy; the link is in the address bar.',
  'share.svg': 'Download SVG',
  'share.png2': 'Download PNG 2×',
  'share.png3': 'Download PNG 3×',
  'share.copyPng': 'Copy image',
  'share.csv': 'Weights CSV',
  'share.json': 'Trace JSON',
  'share.dropHint': 'Drop a PNG exported from this page to restore its state.',
  'notice.dismiss': 'Dismiss',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

// Simplified Chinese arrives with the internationalisation issue; until then it falls back to
// English key by key, so the switch never shows a missing string.
const zh: Partial<Messages> = {};

export const MESSAGES: Record<Lang, Partial<Messages>> = { en, zh };

export function translate(lang: Lang, key: MessageKey, vars?: Readonly<Record<string, string | number>>): string {
  const template = MESSAGES[lang][key] ?? en[key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The translate function for the current language. */
export function useT(): (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string {
  const lang = useStore((s) => s.lang);
  return (key, vars) => translate(lang, key, vars);
}
