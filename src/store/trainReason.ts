// The training worker's coded messages as words the page translates (issue 11): a failure, a TSV's
// line, a warning about the data, a NaN-guard trip and a dropped gradient worker each come from the
// worker as a code with its values (src/worker/protocol.ts), and become a message of
// src/ui/i18n.ts's tables here. The English `message` beside each code is for the CLI and logs;
// the page never shows it.

import type { TsvLineCode } from '../data/tsv';
import type { GradientFailure } from '../train/parallel';
import type { DataWarning, DataWarningCode, GuardTrip, LineError, MessageParams, WorkerErrorCode } from '../worker/protocol';
import type { NoticeMessage, NoticeVar } from './notices';

/** The keys these messages use (src/ui/i18n.ts checks that both its tables have them). */
export type TrainReasonKey =
  | `train.error.${WorkerErrorCode}`
  | `tsv.line.${TsvLineCode}`
  | `train.warn.${DataWarningCode}`
  | `train.guard.${GuardTrip['what']}`
  | 'train.guard.skipped'
  | 'train.guard.restored'
  | `train.dropped.${GradientFailure}`;

function coded(key: TrainReasonKey, vars: MessageParams | Readonly<Record<string, NoticeVar>>): NoticeMessage {
  return { key, vars: vars as Readonly<Record<string, NoticeVar>> };
}

/** A worker's error (its code and values), as the page says it. */
export function workerErrorMessage(e: { code: WorkerErrorCode; params: MessageParams }): NoticeMessage {
  return coded(`train.error.${e.code}`, e.params);
}

/** A TSV's problem with one line. */
export function lineErrorMessage(e: LineError): NoticeMessage {
  return coded(`tsv.line.${e.code}`, { ...e.params, line: e.line });
}

/** What the data left out or changed. */
export function warningMessage(w: DataWarning): NoticeMessage {
  return coded(`train.warn.${w.code}`, w.params);
}

/** Why a gradient worker was dropped. */
export function droppedMessage(f: { code: GradientFailure; params: MessageParams }): NoticeMessage {
  return coded(`train.dropped.${f.code}`, f.params);
}

/** A NaN-guard trip: what was not finite at which step, and whether the last good weights were put back. */
export function guardMessage(g: Pick<GuardTrip, 'step' | 'what' | 'value' | 'restored' | 'restoredStep'>): NoticeMessage {
  const what = coded(`train.guard.${g.what}`, { step: g.step, value: String(g.value) });
  return g.restored ? coded('train.guard.restored', { what, step: g.restoredStep }) : coded('train.guard.skipped', { what });
}
