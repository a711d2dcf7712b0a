// The local-storage record (docs/RELIABILITY.md, "local storage edited by hand or by another
// version"): one valibot schema, from which the record's type is derived. Storage is
// user-editable, so every field is checked on its own and a bad field is dropped, never the whole
// record; a record that is not an object gives nothing back. The fields are the persistence
// table's 'local' ones (src/store/persistence.ts; a test keeps the two in step).
//
// valibot rather than our own checks (docs/ARCHITECTURE.md, "Schemas at the boundaries"): the
// same rules, written once as data, with the type derived from them.

import * as v from 'valibot';
import { MAX_INPUT_CHARS } from '../data/limits';
import { BeamWidthSchema, DECODING_MODES, LANGS, ModelRefSchema, PALETTES, SampleSchema, THEMES, UNITS, VALUES_KINDS } from '../model/domain';

/** A field that is dropped (undefined) when it is absent or not well formed. */
const field = <S extends v.GenericSchema>(schema: S) => v.fallback(v.optional(schema), undefined);

// the same cap as typing (setSource, setTarget): what was kept is given back whole after a reload
const text = v.pipe(v.string(), v.maxLength(MAX_INPUT_CHARS));

export const LocalRecordSchema = v.object({
  modelId: field(ModelRefSchema),
  source: field(text),
  target: field(text),
  decoding: field(v.picklist(DECODING_MODES)),
  sample: field(SampleSchema),
  beamWidth: field(BeamWidthSchema),
  values: field(v.picklist(VALUES_KINDS)),
  transpose: field(v.boolean()),
  palette: field(v.picklist(PALETTES)),
  theme: field(v.picklist(THEMES)),
  lang: field(v.picklist(LANGS)),
  showTable: field(v.boolean()),
  units: field(v.picklist(UNITS)),
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
