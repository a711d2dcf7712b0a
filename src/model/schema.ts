// Small valibot helpers shared by every boundary schema (docs/ARCHITECTURE.md, "Schemas at the
// boundaries"): own properties only, messages that name the field's path, typed arrays checked by
// kind and length (never element by element), and integer ranges.

import * as v from 'valibot';

type Rec = Record<string, unknown>;

export function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const OPTIONAL_TYPES: ReadonlySet<string> = new Set(['optional', 'exact_optional', 'nullish']);

function requiredKeys(entries: v.ObjectEntries): string[] {
  return Object.keys(entries).filter((key) => !OPTIONAL_TYPES.has(entries[key]?.type ?? ''));
}

/** The input's own values of `keys`; a required key that is absent reads as `undefined`. */
function ownFields(o: Rec, keys: readonly string[], required: ReadonlySet<string>): Rec {
  const out: Rec = {};
  for (const key of keys) {
    if (Object.hasOwn(o, key)) out[key] = o[key];
    else if (required.has(key)) out[key] = undefined;
  }
  return out;
}

/**
 * A plain object read through `entries`: only the input's OWN properties are seen (an inherited
 * field, e.g. from a polluted prototype, reads as absent), and the output is a fresh object of the
 * schema's keys, so unknown or hostile keys (`__proto__`) go nowhere. valibot's own `object` reads
 * inherited keys too (`key in input`). A missing required field is checked as `undefined`, so its
 * message is the field's own ("must be an integer…"), not the object's.
 */
export function ownObject<const E extends v.ObjectEntries>(entries: E, message: v.ErrorMessage<v.CustomIssue> = 'must be an object') {
  const keys = Object.keys(entries);
  const required = new Set(requiredKeys(entries));
  return v.pipe(
    v.custom<Rec>(isRecord, message),
    v.transform((o: Rec) => ownFields(o, keys, required)),
    v.object(entries),
  );
}

/**
 * `ownObject` for a union chosen by the field `key` (valibot's `variant`): the fields of every
 * option are read as own properties.
 */
export function ownVariant<const K extends string, const O extends readonly v.ObjectSchema<Record<K, v.GenericSchema> & v.ObjectEntries, undefined>[]>(
  key: K,
  options: O,
  message: v.ErrorMessage<v.VariantIssue>,
  objectMessage: v.ErrorMessage<v.CustomIssue> = 'must be an object',
) {
  const keys = [...new Set(options.flatMap((o) => Object.keys(o.entries)))];
  const required = new Set(options.flatMap((o) => requiredKeys(o.entries)));
  return v.pipe(
    v.custom<Rec>(isRecord, objectMessage),
    v.transform((o: Rec): unknown => ownFields(o, keys, required)),
    v.variant(key, options, message),
  );
}

/** An integer in [min, max]; `message` defaults to "must be an integer in [min, max]". */
export function intIn(min: number, max: number, message = `must be an integer in [${min}, ${max}]`) {
  return v.pipe(v.number(message), v.safeInteger(message), v.minValue(min, message), v.maxValue(max, message));
}

/** A finite number in [min, max]. */
export function finiteIn(min = -Infinity, max = Infinity, message = `must be a finite number in [${min}, ${max}]`) {
  return v.pipe(v.number(message), v.finite(message), v.minValue(min, message), v.maxValue(max, message));
}

/** A string of min–max characters. */
export function text(max: number, min = 0, message = `must be a string of ${min}–${max} characters`) {
  return v.pipe(v.string(message), v.minLength(min, message), v.maxLength(max, message));
}

/** The dotted path of an issue (`a.b[2].c`), '' at the root. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

/** The first issue as "<root><path> <message>". */
export function describeIssue(issues: readonly v.BaseIssue<unknown>[], root: string): string {
  const issue = issues[0];
  if (!issue) return `${root} cannot be read`;
  return `${root}${issuePath(issue)} ${issue.message}`;
}

type TypedTag = 'Float32Array' | 'Uint8Array' | 'Int32Array';
type TypedOf<T extends TypedTag> = T extends 'Float32Array' ? Float32Array : T extends 'Int32Array' ? Int32Array : Uint8Array;
const TYPED = { Float32Array, Uint8Array, Int32Array } as const;

/**
 * A typed array of that kind from any realm (structured clones come from the receiving one), as
 * this realm's class: checked by its tag, never element by element, so a million weights cost one
 * check.
 */
export function typedArray<T extends TypedTag>(tag: T, message = `must be a ${tag}`) {
  return v.pipe(
    v.custom<TypedOf<T>>((x) => ArrayBuffer.isView(x) && Object.prototype.toString.call(x) === `[object ${tag}]`, message),
    v.transform((x: TypedOf<T>): TypedOf<T> => (x instanceof TYPED[tag] ? x : (new TYPED[tag](x as unknown as ArrayLike<number>) as TypedOf<T>))),
  );
}
