// The memory-network training worker's messages (memorySession.ts runs them, memoryClient.ts sends
// and reads them): valibot schemas for both directions and the types derived from them
// (docs/ARCHITECTURE.md, "Schemas at the boundaries"), in a module of their own so that the page
// checks events without importing the session and its trainer.

import * as v from 'valibot';
import { describeIssue, intIn, isRecord, ownObject } from '../model/schema';

/**
 * Why a run ended in failure, a code the page words (src/ui/i18n.ts, `err.memory.<code>`): the
 * worker could not read a command (its schema's issue as `detail`) or deserialise one, or the
 * training threw (its message as `detail`); and on the page's side (src/worker/memoryClient.ts), an
 * event it cannot read or deserialise, or the worker's `error` event. An unknown code is refused
 * with the event, which then ends the run as 'bad-event'.
 */
export const MEMORY_ERROR_CODES = ['bad-command', 'unreadable-command', 'failed', 'bad-event', 'crashed', 'unreadable-event'] as const;
export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];

/** Training steps the page allows (the CLI allows more). */
export const MAX_PAGE_MEMORY_STEPS = 5000;

/** Page → worker, one schema per command. */
const MEMORY_COMMANDS = {
  start: ownObject({
    type: v.literal('start'),
    hops: intIn(1, 3, 'must be 1, 2 or 3'),
    steps: intIn(1, MAX_PAGE_MEMORY_STEPS),
    seed: intIn(0, 2 ** 31 - 1, 'must be a non-negative integer'),
  }),
  cancel: ownObject({ type: v.literal('cancel') }),
};

const finite = v.pipe(v.number(), v.finite());
const fraction = v.pipe(finite, v.minValue(0), v.maxValue(1));

/** Worker → page, one schema per event. */
const MEMORY_EVENTS = {
  ready: ownObject({ type: v.literal('ready'), vocab: finite, parameters: finite, train: finite }),
  progress: ownObject({ type: v.literal('progress'), step: finite, steps: finite, loss: finite, ms: finite }),
  eval: ownObject({ type: v.literal('eval'), step: finite, devLoss: finite, one: fraction, two: fraction }),
  done: ownObject({ type: v.literal('done'), manifest: v.string(), weights: v.custom<Uint8Array>((x) => x instanceof Uint8Array), seconds: finite, one: fraction, two: fraction, hopsOnGold: finite }),
  /** `detail`: the technical (English) words behind the code, or ''. */
  error: ownObject({ type: v.literal('error'), code: v.picklist(MEMORY_ERROR_CODES), detail: v.pipe(v.string(), v.transform((m) => m.slice(0, 500))) }),
};

export type MemoryCommand = v.InferOutput<(typeof MEMORY_COMMANDS)[keyof typeof MEMORY_COMMANDS]>;
export type MemoryEvent = v.InferOutput<(typeof MEMORY_EVENTS)[keyof typeof MEMORY_EVENTS]>;

/** The schema that a message's own `type` names, or null. */
function schemaOf<S extends Record<string, v.GenericSchema>>(schemas: S, value: unknown): S[keyof S] | null {
  const type = isRecord(value) && Object.hasOwn(value, 'type') ? value.type : undefined;
  return typeof type === 'string' && Object.hasOwn(schemas, type) ? (schemas[type] as S[keyof S]) : null;
}

/** A command as sent, or a message saying what is wrong with it. */
export function parseMemoryCommand(value: unknown): MemoryCommand | string {
  if (!isRecord(value)) return 'a command must be an object';
  const schema = schemaOf(MEMORY_COMMANDS, value);
  if (!schema) return `unknown command ${JSON.stringify(String(value.type)).slice(0, 40)}`;
  const r = v.safeParse(schema, value, { abortEarly: true });
  return r.success ? r.output : describeIssue(r.issues, '').replace(/^\./, '');
}

/** An event as sent, or null when it is not one the page understands. */
export function parseMemoryEvent(value: unknown): MemoryEvent | null {
  const schema = schemaOf(MEMORY_EVENTS, value);
  const r = schema && v.safeParse(schema, value, { abortEarly: true });
  return r?.success ? r.output : null;
}
