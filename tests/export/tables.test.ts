// CSV (RFC 4180 quoting, formula-injection neutralising, shortest float32 numbers) and the JSON
// alignment document of a trace.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../src/model/trace';
import { CSV_BOM, TableShapeError, csvTextCell, formatNumber, traceRows, traceToAlignment, traceToJson, weightsToCsv, type TraceForExport } from '../../src/export/tables';

/** A strict RFC 4180 reader (CRLF records), written here so the test does not trust the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(text[i])}`);
  }
}

describe('weightsToCsv', () => {
  it('writes a header of source tokens and one row per target token, CRLF-terminated', () => {
    const csv = weightsToCsv({
      sourceTokens: ['the', 'cat', '</s>'],
      targetTokens: ['le', 'chat', '</s>'],
      rows: [
        [0.9, 0.05, 0.05],
        [0.1, 0.8, 0.1],
        [0, 0, 1],
      ],
      kind: 'weights',
    });
    expect(csv).toBe('target \\ source (weights α),the,cat,</s>\r\nle,0.9,0.05,0.05\r\nchat,0.1,0.8,0.1\r\n</s>,0,0,1\r\n');
  });

  it('quotes commas, quotes and newlines per RFC 4180 and reads back exactly', () => {
    const sourceTokens = ['a,b', 'say "hi"', 'two\nlines', 'cr\rx', 'plain'];
    const csv = weightsToCsv({ sourceTokens, targetTokens: ['x,"y"'], rows: [[1, 2, 3, 4, 5]], kind: 'scores' });
    expect(csv).toContain('"a,b","say ""hi""","two\nlines","cr\rx",plain');
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['target \\ source (scores e)', ...sourceTokens]);
    expect(rows[1]).toEqual(['x,"y"', '1', '2', '3', '4', '5']);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1', "'+1"],
    ['-cmd|x', "'-cmd|x"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindent', "'\tindent"],
    ['\rcarriage', `"'\rcarriage"`],
    ['-1.25', '-1.25'],
    ['-0.5e-3', '-0.5e-3'],
    ['-.5', '-.5'],
    ['--1', "'--1"],
    ['-1,5', `"'-1,5"`],
    ['a=b', 'a=b'],
    ['</s>', '</s>'],
    ['<unk>', '<unk>'],
  ])('neutralises formula injection: %j → %j', (token, cell) => {
    expect(csvTextCell(token)).toBe(cell);
  });

  it('keeps value cells numeric, negative ones included', () => {
    const csv = weightsToCsv({ sourceTokens: ['a', 'b'], targetTokens: ['=x'], rows: [[-1.25, -3e-7]], kind: 'scores' });
    expect(parseCsv(csv)[1]).toEqual(["'=x", '-1.25', '-3e-7']);
  });

  it('prints Float32Array rows with their shortest float32 decimals, non-finite values as empty cells', () => {
    const csv = weightsToCsv({ sourceTokens: ['a', 'b', 'c', 'd'], targetTokens: ['t'], rows: [Float32Array.of(0.1, 1 / 3, NaN, -Infinity)], kind: 'scores' });
    expect(parseCsv(csv)[1]).toEqual(['t', '0.1', '0.33333334', '', '']);
    for (const v of Float32Array.of(0.1, 1 / 3, 1e-30, 3.4e38, -7.25)) expect(Math.fround(Number(formatNumber(v, true)))).toBe(v);
    expect(formatNumber(0.1, false)).toBe('0.1');
    expect(formatNumber(Math.fround(0.1), false)).toBe('0.10000000149011612');
  });

  it('adds a UTF-8 BOM only when asked', () => {
    const table = { sourceTokens: ['猫'], targetTokens: ['chat'], rows: [[1]], kind: 'weights' as const };
    expect(weightsToCsv(table).startsWith(CSV_BOM)).toBe(false);
    expect(weightsToCsv(table, { bom: true }).startsWith(`${CSV_BOM}target`)).toBe(true);
  });

  it('throws TableShapeError when rows and tokens disagree', () => {
    expect(() => weightsToCsv({ sourceTokens: ['a'], targetTokens: ['x', 'y'], rows: [[1]], kind: 'weights' })).toThrow(TableShapeError);
    expect(() => weightsToCsv({ sourceTokens: ['a', 'b'], targetTokens: ['x'], rows: [[1]], kind: 'weights' })).toThrow(/row 0 has 1 values for 2/);
  });

  test.prop([fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 12 })])(
    'any tokens read back (a formula-like token with one leading apostrophe added)',
    (sourceTokens, target) => {
      const rows = parseCsv(weightsToCsv({ sourceTokens, targetTokens: [target], rows: [sourceTokens.map((_, j) => j / 7)], kind: 'weights' }));
      const back = (cell: string, token: string): void => {
        const neutralised = /^[=+\-@\t\r]/.test(token) && !/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(token);
        expect(cell).toBe(neutralised ? `'${token}` : token);
        expect(/^[=+\-@\t\r]/.test(cell) && neutralised).toBe(false);
      };
      rows[0]?.slice(1).forEach((cell, j) => back(cell, sourceTokens[j] as string));
      back(rows[1]?.[0] as string, target);
      expect(rows[1]?.slice(1).map(Number)).toEqual(sourceTokens.map((_, j) => j / 7));
    },
  );
});

function step(index: number, weights: number[] | null, scores: number[] | null, edited = false): TraceStep {
  return {
    index,
    prevState: new Float32Array(2),
    query: null,
    scores: scores && Float32Array.from(scores),
    weights: weights && Float32Array.from(weights),
    context: new Float32Array(4),
    state: new Float32Array(2),
    topK: [],
    token: { id: 0, token: 'x', logProb: -0.1, rank: 1 },
    edited,
  };
}

function trace(variant: TraceForExport['variant'], steps: TraceStep[]): TraceForExport {
  return {
    variant,
    mode: 'greedy',
    sourceTokens: ['the', 'cat', '</s>'],
    sourceUnknown: [false, true, false],
    targetTokens: ['le', '</s>'],
    steps,
    logProb: -1.5,
    finished: true,
  };
}

describe('traceToJson', () => {
  it('writes the documented fields, weights and scores as rows = target steps', () => {
    const t = trace('additive', [step(0, [0.7, 0.2, 0.1], [1.5, 0.25, -0.1]), step(1, [0, 0.1, 0.9], [-2, 0, 3], true)]);
    const doc = JSON.parse(traceToJson(t, 'en-fr-additive'));
    expect(doc).toEqual({
      format: 'rnnsearch-alignment',
      version: 1,
      model: 'en-fr-additive',
      variant: 'additive',
      mode: 'greedy',
      source: ['the', 'cat', '</s>'],
      sourceUnknown: [false, true, false],
      target: ['le', '</s>'],
      weights: [
        [0.7, 0.2, 0.1],
        [0, 0.1, 0.9],
      ],
      scores: [
        [1.5, 0.25, -0.1],
        [-2, 0, 3],
      ],
      editedSteps: [1],
      logProb: -1.5,
      finished: true,
    });
    expect(traceToAlignment(t, 'en-fr-additive')).toEqual(doc);
  });

  it('puts each matrix row on one line', () => {
    const text = traceToJson(trace('additive', [step(0, [0.7, 0.2, 0.1], [1, 2, 3]), step(1, [0, 0, 1], [3, 2, 1])]), 'm');
    expect(text).toContain('  "weights": [\n    [0.7,0.2,0.1],\n    [0,0,1]\n  ],\n');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('has null matrices for variants without weights or scores, and null for non-finite numbers', () => {
    const none = JSON.parse(traceToJson(trace('none', [step(0, null, null), step(1, null, null)]), 'm'));
    expect(none.weights).toBeNull();
    expect(none.scores).toBeNull();
    const diagonal = JSON.parse(traceToJson(trace('diagonal', [step(0, [1, 0, 0], null), step(1, [0, 0, 1], null)]), 'm'));
    expect(diagonal.weights).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(diagonal.scores).toBeNull();
    const odd = JSON.parse(traceToJson({ ...trace('additive', [step(0, [1, 0, 0], [NaN, Infinity, 1]), step(1, [1, 0, 0], [0, 0, 0])]), logProb: -Infinity }, 'm'));
    expect(odd.scores[0]).toEqual([null, null, 1]);
    expect(odd.logProb).toBeNull();
  });

  it('traceRows returns the step vectors themselves, or null when any step lacks them', () => {
    const steps = [step(0, [1, 0, 0], [1, 2, 3]), step(1, [0, 1, 0], null)];
    const rows = traceRows({ steps }, 'weights');
    expect(rows?.[1]).toBe(steps[1]?.weights);
    expect(traceRows({ steps }, 'scores')).toBeNull();
  });
});
