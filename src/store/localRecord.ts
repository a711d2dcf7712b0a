// The local-storage record (docs/RELIABILITY.md, "local storage edited by hand or by another
// version"): one valibot schema, from which the record's type is derived. Storage is
// user-editable, so every field is checked on its own and a bad field is dropped, never the whole
// record; a record that is not an object gives nothing back. The fields are the persistence
// table's 'local' ones (src/store/persistence.ts; a test keeps the two in step).
//
// valibot rather than our own checks (docs/ARCHITECTURE.md, "Schemas at the boundaries"): the
// same rules, written once as data, with the type derived from them.

import * as v from 'valibot';
import { MAX_PAGE_BEAM_WIDTH, MIN_BEAM_WIDTH } from '../export/permalink';
import { MAX_INPUT_CHARS } from '../data/limits';
import { sampleProblem, type SampleOptions } from '../model/decoding';
import { isModelRef } from './modelRef';

/** A field that is dropped (undefined) when it is absent or not well formed. */
const field = <S extends v.GenericSchema>(schema: S) => v.fallback(v.optional(schema), undefined);

// the same cap as typing (setSource, setTarget): what was kept is given back whole after a reload
const text = v.pipe(v.string(), v.maxLength(MAX_INPUT_CHARS));

const sample = v.pipe(
  v.object({ temperature: v.number(), topK: v.number(), seed: v.number() }),
  v.check((s: SampleOptions) => sampleProblem(s) === null),
);

export const LocalRecordSchema = v.object({
  modelId: field(v.pipe(v.string(), v.check((s: string) => isModelRef(s)))),
  source: field(text),
  target: field(text),
  decoding: field(v.picklist(['greedy', 'beam', 'sample'])),
  sample: field(sample),
  beamWidth: field(v.pipe(v.number(), v.integer(), v.minValue(MIN_BEAM_WIDTH), v.maxValue(MAX_PAGE_BEAM_WIDTH))),
  values: field(v.picklist(['weights', 'scores'])),
  transpose: field(v.boolean()),
  palette: field(v.picklist(['cividis', 'viridis'])),
  theme: field(v.picklist(['auto', 'light', 'dark'])),
  lang: field(v.picklist(['en', 'zh'])),
  showTable: field(v.boolean()),
  units: field(v.picklist(['pieces', 'words'])),
});

/** What a local record can give back: each field well formed, or absent. */
export type LocalRecord = { [K in keyof v.InferOutput<typeof LocalRecordSchema>]?: Exclude<v.InferOutput<typeof LocalRecordSchema>[K], undefined> };

const record = v.fallback(LocalRecordSchema, {});

/** Keep only the well-formed local fields of whatever storage held. */
export function sanitizeLocal(value: unknown): LocalRecord {
  const parsed = v.parse(record, value);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(parsed)) if (x !== undefined) out[k] = x;
  return out as LocalRecord;
}
