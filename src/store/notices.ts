// The notices slice: messages the page shows above the views. The store's words are message keys
// and values only; src/ui/i18n.ts holds every sentence (in English and Chinese) and translates.

import type { Slice } from './slice';

/**
 * A notice's words as a key of the UI's message tables with its values, so that the page shows it
 * in the reader's language (and again after a switch). A value may itself be a message, or a list
 * of values (joined the language's way). The store only carries it: src/ui/i18n.ts translates.
 */
export interface NoticeMessage {
  key: string;
  vars?: Readonly<Record<string, NoticeVar>>;
}
export type NoticeVar = string | number | NoticeMessage | readonly NoticeVar[];

/** The keys of the store's own notices and their values (src/ui/i18n.ts checks that its tables have them). */
export type StoreNoticeKey =
  | 'notice.modelLoad'
  | 'notice.modelUnknown'
  | 'notice.userModelMissing'
  | 'notice.userModelShadow'
  | 'notice.storageFull'
  | 'notice.storageUnavailable'
  | 'notice.storage.access'
  | 'notice.storage.read'
  | 'notice.storage.write'
  | 'notice.storage.remove'
  | 'notice.inputCut'
  | 'notice.analysisWorker'
  | 'editor.side.source'
  | 'editor.side.target';

/** The keys of the training store's messages and its form checks (src/store/train.ts, trainDefaults.ts). */
export type TrainMessageKey =
  | 'train.crashNotice'
  | 'train.noExport'
  | 'train.noWorker'
  | 'train.refused'
  | 'train.savedNotice'
  | 'train.err.int'
  | 'train.err.heads'
  | 'train.err.minMax'
  | 'train.err.lr'
  | 'train.err.chars'
  | 'train.err.noTsv'
  | 'train.err.tsvLarge'
  | 'notice.error'
  | 'db.quota'
  | 'db.unavailable'
  | 'db.failed'
  | 'db.failedReason'
  | 'db.busy'
  | 'db.damaged'
  | 'db.step.list'
  | 'db.step.read'
  | 'db.step.save'
  | 'db.step.delete';

/** A message of the training store, typed by its keys. */
export interface TrainMessage extends NoticeMessage {
  key: TrainMessageKey;
}

/** Typed construction of a training-store message. */
export function trainMsg(key: TrainMessageKey, vars?: Readonly<Record<string, NoticeVar>>): TrainMessage {
  return vars ? { key, vars } : { key };
}

let englishOf: (m: NoticeMessage) => string = (m) => m.key;

/**
 * How a message reads in English: the UI's tables know (src/ui/i18n.ts registers this), the store
 * does not; a notice keeps it as its fallback text and an Error as its `message`.
 */
export function setMessageText(english: (m: NoticeMessage) => string): void {
  englishOf = english;
}

/** A message's English text (its key until the UI has registered its tables). */
export function messageText(m: NoticeMessage): string {
  return englishOf(m);
}

/** An error whose words are a message (shown in the reader's language); `message` is English. */
export class MessageError extends Error {
  constructor(readonly msg: NoticeMessage) {
    super(englishOf(msg));
  }
}

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  /** The message's English text (from the UI's tables): shown when its key is unknown. */
  text: string;
  message: NoticeMessage;
}

export interface NoticeSlice {
  notices: Notice[];
  /** Show a notice: a message, which the page shows in the reader's language. */
  notify(kind: Notice['kind'], message: NoticeMessage): void;
  dismiss(id: number): void;
}

let nextNoticeId = 1;

export const createNotices: Slice<NoticeSlice> = (set, get) => ({
  notices: [],
  notify(kind, message) {
    // the same message twice in a row is shown once
    const text = englishOf(message);
    const last = get().notices[get().notices.length - 1];
    if (last && last.text === text) return;
    set({ notices: [...get().notices.slice(-4), { id: nextNoticeId++, kind, text, message }] });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
});
