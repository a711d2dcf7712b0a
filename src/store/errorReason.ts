// Why something failed, as words the page translates (issue 11): the errors the page shows (a
// checkpoint that does not check out, a file that could not be fetched, a link or an SVG that
// cannot be made, a training worker that is gone, did not reply or failed an export, a sentence
// that cannot be decoded, browser storage that refuses, the analysis worker given up, a memory
// network's training stopped or its input refused) become a message of src/ui/i18n.ts's tables,
// keyed by the error's code, with the checker's (or the browser's) exact English message kept as
// a secondary detail. Any other error stays its own (English) text, or, where only a bug can
// throw one, an internal error with that text as its detail (`internalReason`).

import { CheckpointError, type CheckpointErrorCode } from '../model/checkpoint';
import { MAX_SOURCE_TOKENS, MAX_TARGET_TOKENS } from '../model/config';
import type { DecodeErrorCode } from '../model/decoding';
import { ShareStateError } from '../export/permalink';
// a type only: the SVG export stays in the chunks that draw one
import type { HeatmapExportError } from '../export/heatmapSvg';
// types only: the training worker's client stays out of the page's first chunk
import type { TrainWorkerError, WorkerGoneError, WorkerReplyError } from '../worker/client';
import type { AnalysisFailure } from '../worker/analysisClient';
import type { MemoryErrorCode } from '../worker/memoryProtocol';
import type { MemoryInputError } from '../model/memnn/model';
import { CatalogError, FetchError, type FetchTarget } from './catalog';
import { MessageError, type NoticeMessage, type NoticeVar } from './notices';
import { workerErrorMessage } from './trainReason';

/** The keys errorReason uses (src/ui/i18n.ts checks that both its tables have them). */
export type ErrorReasonKey =
  | 'err.detail'
  | 'err.internal'
  | `err.checkpoint.${CheckpointErrorCode}`
  | 'err.fetch.http'
  | 'err.fetch.network'
  | 'err.fetch.noAnswer'
  | `err.fetch.${Exclude<FetchTarget['file'], 'tokenizer'>}`
  | 'err.fetch.tokenizer.source'
  | 'err.fetch.tokenizer.target'
  | `err.share.${ShareStateError['kind']}`
  | `err.heatmap.${HeatmapExportError['kind']}`
  | `err.catalog.${CatalogError['kind']}`
  | `err.worker.${WorkerGoneError['kind']}`
  | 'err.worker.startDetail'
  | 'err.worker.crashedDetail'
  | `err.reply.${WorkerReplyError['kind']}`
  | `err.decode.${Exclude<DecodeErrorCode, 'empty-source'> | 'internal'}`
  | `err.storage.${StorageFailure}`
  | `err.analysis.${AnalysisFailure['kind']}`
  | 'err.analysis.unknown'
  | `err.memory.${MemoryErrorCode}`
  | `mem.err.${MemoryInputError['code']}`;

function reasonMsg(key: ErrorReasonKey, vars?: Readonly<Record<string, NoticeVar>>): NoticeMessage {
  return vars ? { key, vars } : { key };
}

/** The file a fetch was for, as a message. */
function targetMsg(t: FetchTarget): NoticeMessage {
  if (t.file === 'tokenizer') return reasonMsg(`err.fetch.tokenizer.${t.side}`, { id: t.id });
  if (t.file === 'manifest' || t.file === 'weights') return reasonMsg(`err.fetch.${t.file}`, { id: t.id });
  return reasonMsg(`err.fetch.${t.file}`);
}

/**
 * An error as the reason a notice gives: a message in the reader's language where the error has a
 * code the tables know, else its own message (English, from code the page does not translate).
 */
export function errorReason(err: unknown): NoticeVar {
  if (err instanceof MessageError) return err.msg;
  if (err instanceof CheckpointError) return reasonMsg('err.detail', { reason: reasonMsg(`err.checkpoint.${err.code}`), detail: err.message });
  if (err instanceof FetchError) {
    const what = targetMsg(err.target);
    if (err.status !== null) return reasonMsg('err.fetch.http', { what, status: err.status });
    return reasonMsg('err.fetch.network', { what, detail: err.networkReason ?? reasonMsg('err.fetch.noAnswer') });
  }
  if (err instanceof CatalogError) return reasonMsg(`err.catalog.${err.kind}`);
  if (err instanceof ShareStateError) return reasonMsg('err.detail', { reason: reasonMsg(`err.share.${err.kind}`), detail: err.message });
  if (err instanceof Error && err.name === 'HeatmapExportError') return reasonMsg('err.detail', { reason: reasonMsg(`err.heatmap.${(err as HeatmapExportError).kind}`), detail: err.message });
  if (err instanceof Error && err.name === 'WorkerGoneError') {
    const { kind, params } = err as WorkerGoneError;
    const { seconds, detail } = params;
    if (detail && (kind === 'start' || kind === 'crashed')) return reasonMsg(`err.worker.${kind}Detail`, { detail });
    return reasonMsg(`err.worker.${kind}`, seconds === undefined ? undefined : { seconds });
  }
  if (err instanceof Error && err.name === 'WorkerReplyError') return reasonMsg(`err.reply.${(err as WorkerReplyError).kind}`, (err as WorkerReplyError).params);
  if (err instanceof Error && err.name === 'TrainWorkerError') return workerErrorMessage(err as TrainWorkerError);
  return err instanceof Error ? err.message : String(err);
}

/** Why the analysis worker was given up, as a sentence (the browser's or the worker's words inside). */
export function analysisReason(failure: AnalysisFailure): NoticeMessage {
  return reasonMsg(`err.analysis.${failure.kind}`, { detail: failure.detail || reasonMsg('err.analysis.unknown') });
}

/** Why a memory network's training stopped, from its error code (the worker's English only inside). */
export function memoryTrainReason(error: { code: MemoryErrorCode; detail: string }): NoticeMessage {
  return reasonMsg(`err.memory.${error.code}`, { detail: error.detail || reasonMsg('err.analysis.unknown') });
}

/** Why a story and question cannot be answered, as the page says it (`max`: the longest sentence). */
export function memoryInputReason(error: MemoryInputError, max: number): NoticeMessage {
  return reasonMsg(`mem.err.${error.code}`, error.code === 'too-long' ? { max } : undefined);
}

/**
 * errorReason where an error of no known kind can only be a bug (a check inside the model layer):
 * the page says so in the reader's language, with the error's own (English) message as a detail.
 */
export function internalReason(err: unknown): NoticeVar {
  const reason = errorReason(err);
  return typeof reason === 'string' ? reasonMsg('err.detail', { reason: reasonMsg('err.internal'), detail: reason }) : reason;
}

/**
 * Why a sentence could not be decoded (an analysis's error), as a sentence in the reader's
 * language: the limits by number, the rest in plain words; an internal failure keeps its message.
 */
export function decodeReason(error: { code: DecodeErrorCode | 'internal'; message: string }): NoticeVar {
  switch (error.code) {
    case 'source-too-long':
      return reasonMsg('err.decode.source-too-long', { max: MAX_SOURCE_TOKENS });
    case 'target-too-long':
      return reasonMsg('err.decode.target-too-long', { max: MAX_TARGET_TOKENS - 1 });
    case 'bad-override':
    case 'bad-option':
      return reasonMsg(`err.decode.${error.code}`);
    default:
      // 'empty-source' has its own sentence (editor.empty); 'internal' is a bug's own words
      return reasonMsg('err.decode.internal', { detail: error.message });
  }
}

/** Why the browser's storage refused, by its DOMException's name (the page words each kind). */
export type StorageFailure = 'quota' | 'blocked' | 'unavailable' | 'other';

const STORAGE_FAILURES: Readonly<Record<string, StorageFailure>> = {
  QuotaExceededError: 'quota',
  SecurityError: 'blocked',
  NotAllowedError: 'blocked',
  InvalidAccessError: 'blocked',
  InvalidStateError: 'unavailable',
  UnknownError: 'unavailable',
  NotReadableError: 'unavailable',
  VersionError: 'unavailable',
};

/** The kind of a storage failure (a full quota also by its legacy code 22). */
export function storageFailure(err: unknown): StorageFailure {
  if (err instanceof DOMException && err.code === 22) return 'quota';
  const name = (err as { name?: unknown } | null)?.name;
  return (typeof name === 'string' && Object.hasOwn(STORAGE_FAILURES, name) && STORAGE_FAILURES[name]) || 'other';
}

/** A storage failure as a reason: the page's sentence for its kind, the browser's own words as a detail. */
export function storageReason(err: unknown): NoticeVar {
  const reason = reasonMsg(`err.storage.${storageFailure(err)}`);
  const detail = err instanceof Error || err instanceof DOMException ? err.message : err == null ? '' : String(err);
  return detail ? reasonMsg('err.detail', { reason, detail: detail.slice(0, 200) }) : reason;
}
