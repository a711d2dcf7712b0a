// CSV and JSON of the attention weights α and scores e of a trace (docs/ARCHITECTURE.md, "Sharing").
//
// CSV: RFC 4180 (CRLF line ends, fields with `"`, `,`, CR or LF quoted, `"` doubled). Token cells
// are neutralised against spreadsheet formula injection (OWASP "CSV injection"): a text cell that
// starts with = + - @ TAB or CR gets a leading apostrophe, unless it is a plain decimal number
// such as -1.25, which a spreadsheet reads as a number anyway. Value cells are always numbers.

import type { Trace, Vec } from '../model/trace';
import type { ValuesKind } from './permalink';

/** Thrown when rows and tokens disagree in shape. */
export class TableShapeError extends RangeError {
  override name = 'TableShapeError';
}

/** A UTF-8 byte order mark: prepend it to a CSV meant for Excel, which otherwise guesses the encoding. */
export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** One CSV text cell: formula-neutralised, then quoted per RFC 4180 when needed. */
export function csvTextCell(text: string): string {
  let t = text;
  if (FORMULA_START.test(t) && !PLAIN_NUMBER.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/**
 * The shortest decimal that reads back as the same float32 (0.1f → "0.1", not
 * "0.10000000149011612"); the ordinary shortest form for a float64.
 */
export function formatNumber(v: number, float32: boolean): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  if (float32) {
    for (let p = 1; p <= 9; p++) {
      const s = Number(v.toPrecision(p));
      if (Math.fround(s) === v) return String(s);
    }
  }
  return String(v);
}

/** What `weightsToCsv` reads. `rows[i][j]` is the value of target step i at source position j. */
export interface MatrixTable {
  sourceTokens: readonly string[];
  targetTokens: readonly string[];
  rows: ReadonlyArray<ArrayLike<number>>;
  kind: ValuesKind;
}

function checkShape(t: MatrixTable): void {
  if (t.rows.length !== t.targetTokens.length) {
    throw new TableShapeError(`${t.rows.length} rows for ${t.targetTokens.length} target tokens`);
  }
  t.rows.forEach((row, i) => {
    if (row.length !== t.sourceTokens.length) {
      throw new TableShapeError(`row ${i} has ${row.length} values for ${t.sourceTokens.length} source tokens`);
    }
  });
}

/**
 * The matrix as CSV: a header row of the source tokens (after a corner cell naming the values), then
 * one row per target token. Float32Array rows print their shortest float32 decimals; a non-finite
 * value prints as an empty cell. Throws TableShapeError when the shapes disagree.
 */
export function weightsToCsv(table: MatrixTable, options: { bom?: boolean } = {}): string {
  checkShape(table);
  const corner = table.kind === 'weights' ? 'target \\ source (weights α)' : 'target \\ source (scores e)';
  const lines = [[corner, ...table.sourceTokens.map(csvTextCell)].join(',')];
  table.rows.forEach((row, i) => {
    const f32 = row instanceof Float32Array;
    const cells = [csvTextCell(table.targetTokens[i] as string)];
    for (let j = 0; j < row.length; j++) cells.push(formatNumber(row[j], f32));
    lines.push(cells.join(','));
  });
  return `${options.bom === true ? CSV_BOM : ''}${lines.join('\r\n')}\r\n`;
}

/** The parts of a Trace that the exports read. */
export type TraceForExport = Pick<Trace, 'variant' | 'mode' | 'sourceTokens' | 'sourceUnknown' | 'targetTokens' | 'steps' | 'logProb' | 'finished'>;

/**
 * One row per target step of the weights α or scores e; null when the trace has none (scores for
 * the `none` and `diagonal` variants, weights for `none`).
 */
export function traceRows(trace: Pick<Trace, 'steps'>, kind: ValuesKind): Vec[] | null {
  const rows: Vec[] = [];
  for (const step of trace.steps) {
    const row = kind === 'weights' ? step.weights : step.scores;
    if (row === null) return null;
    rows.push(row);
  }
  return rows;
}

/**
 * The JSON document `traceToJson` writes (format "rnnsearch-alignment", version 1). Stable: fields
 * are only ever added. Matrices are rows = target steps, columns = source positions (</s> last);
 * non-finite numbers become null.
 */
export interface AlignmentJson {
  format: 'rnnsearch-alignment';
  version: 1;
  /** The model's name as a link gives it: a shipped id, or `user:<manifest id>` for the reader's own. */
  model: string;
  variant: string;
  mode: string;
  /** Source tokens as the model saw them, </s> last. */
  source: string[];
  /** True where the source token was not in the vocabulary (the model read <unk>). */
  sourceUnknown: boolean[];
  /** Target tokens, </s> last when decoding finished. */
  target: string[];
  /** α, or null when the variant has no attention weights. */
  weights: (number | null)[][] | null;
  /** e, or null when the variant has no scores. */
  scores: (number | null)[][] | null;
  /** Steps whose weights were edited by the user. */
  editedSteps: number[];
  /** Σ log p of the target tokens. */
  logProb: number | null;
  finished: boolean;
}

function matrix(rows: Vec[] | null): (number | null)[][] | null {
  if (rows === null) return null;
  return rows.map((row) => {
    const f32 = row instanceof Float32Array;
    return Array.from(row, (v) => (Number.isFinite(v) ? Number(formatNumber(v, f32)) : null));
  });
}

/** The alignment of a trace as an AlignmentJson object (see traceToJson). */
export function traceToAlignment(trace: TraceForExport, modelId: string): AlignmentJson {
  return {
    format: 'rnnsearch-alignment',
    version: 1,
    model: modelId,
    variant: trace.variant,
    mode: trace.mode,
    source: [...trace.sourceTokens],
    sourceUnknown: [...trace.sourceUnknown],
    target: [...trace.targetTokens],
    weights: matrix(traceRows(trace, 'weights')),
    scores: matrix(traceRows(trace, 'scores')),
    editedSteps: trace.steps.filter((s) => s.edited).map((s) => s.index),
    logProb: Number.isFinite(trace.logProb) ? trace.logProb : null,
    finished: trace.finished,
  };
}

/**
 * The alignment of a trace as JSON text (an AlignmentJson): two-space indentation with each matrix
 * row on one line, so that a diff or a reader sees the heatmap's shape.
 */
export function traceToJson(trace: TraceForExport, modelId: string): string {
  const doc = traceToAlignment(trace, modelId);
  const lines = Object.entries(doc).map(([key, value]) => {
    const k = JSON.stringify(key);
    if ((key === 'weights' || key === 'scores') && Array.isArray(value)) {
      const rows = (value as unknown[]).map((row) => `    ${JSON.stringify(row)}`);
      return rows.length === 0 ? `  ${k}: []` : `  ${k}: [\n${rows.join(',\n')}\n  ]`;
    }
    return `  ${k}: ${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}
