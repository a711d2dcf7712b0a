import { describe, expect, it } from 'vitest';
import { dateExample, datesTask, DATE_FORM_COUNT, type CalendarDate } from '../../../src/data/tasks/dates';
import { checkExample, SampleError, type Example } from '../../../src/data/tasks/types';
import { detokenize, SPACE_TOKEN, tokenize } from '../../../src/data/tokenize';
import { Rng } from '../../../src/tensor/random';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

// Zeller's congruence (0 = Saturday), independent of the implementation's use of Date.
function zellerWeekday(year: number, month: number, day: number): number {
  const m = month < 3 ? month + 12 : month;
  const y = month < 3 ? year - 1 : year;
  const h = (day + Math.floor((13 * (m + 1)) / 5) + y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return (h + 6) % 7; // → 0 = Sunday
}

/** An independent reading of a source string: the date it denotes and the weekday it names. */
function readDate(text: string): { date: CalendarDate; weekday?: number } {
  const words = text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0 && w !== 'the' && w !== 'of');
  let weekday: number | undefined;
  let month: number | undefined;
  const numbers: string[] = [];
  for (const w of words) {
    const wd = WEEKDAYS.findIndex((d) => d === w || d.slice(0, 3) === w);
    const mo = MONTHS.findIndex((m) => m === w || m.slice(0, 3) === w);
    if (wd >= 0) weekday = wd;
    else if (mo >= 0) month = mo + 1;
    else numbers.push(w.replace(/(st|nd|rd|th)$/, ''));
  }
  const year = (y: string): number => (y.length === 4 ? Number(y) : Number(y) >= 50 ? 1900 + Number(y) : 2000 + Number(y));
  let date: CalendarDate;
  if (month !== undefined) {
    const yearIndex = numbers.findIndex((n, k) => n.length === 4 || k === numbers.length - 1);
    const dayIndex = yearIndex === 0 ? 1 : 0;
    date = { year: year(numbers[yearIndex] as string), month, day: Number(numbers[dayIndex]) };
  } else if ((numbers[0] as string).length === 4) {
    date = { year: Number(numbers[0]), month: Number(numbers[1]), day: Number(numbers[2]) };
  } else {
    date = { day: Number(numbers[0]), month: Number(numbers[1]), year: year(numbers[2] as string) };
  }
  return weekday === undefined ? { date } : { date, weekday };
}

const iso = (d: CalendarDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const text = (ex: Example): string => detokenize(ex.source, datesTask.tokenizer);

describe('dates task', () => {
  it('writes 21 November 2026 in (at least) the ten forms of the brief', () => {
    const forms = new Set<string>();
    for (let f = 0; f < DATE_FORM_COUNT; f++) for (const pad of [false, true]) forms.add(text(dateExample({ year: 2026, month: 11, day: 21 }, f, pad)));
    for (const wanted of [
      'Saturday, 21 November 2026',
      '21 November 2026',
      '21 Nov 2026',
      'Nov 21st 2026',
      'November 21, 2026',
      '21/11/26',
      '21.11.2026',
      '2026/11/21',
      'sat 21 nov 26',
      '21st of November, 2026',
    ]) {
      expect(forms).toContain(wanted);
    }
    expect(DATE_FORM_COUNT).toBeGreaterThanOrEqual(10);
    expect(new Set(forms).size).toBeGreaterThanOrEqual(12);
  });

  it('maps every sampled source to the ISO date it denotes, with the real weekday', () => {
    const rng = new Rng(11);
    const years = new Set<number>();
    for (let k = 0; k < 4000; k++) {
      const ex = datesTask.sample(rng, { minLength: 1, maxLength: 100 });
      const read = readDate(text(ex));
      expect(ex.target.join('')).toBe(iso(read.date));
      if (read.weekday !== undefined) expect(read.weekday).toBe(zellerWeekday(read.date.year, read.date.month, read.date.day));
      expect(read.date.year).toBeGreaterThanOrEqual(1950);
      expect(read.date.year).toBeLessThanOrEqual(2049);
      years.add(read.date.year);
    }
    expect(years.size).toBeGreaterThan(90); // spread over the century
  });

  it('reads two-digit years as 1950–1999 and 2000–2049', () => {
    const t = (year: number): string => dateExample({ year, month: 3, day: 4 }, 5).target.join('');
    expect(text(dateExample({ year: 1950, month: 3, day: 4 }, 5))).toBe('4/3/50');
    expect(t(1950)).toBe('1950-03-04');
    expect(t(1999)).toBe('1999-03-04');
    expect(text(dateExample({ year: 2000, month: 3, day: 4 }, 5))).toBe('4/3/00');
    expect(t(2049)).toBe('2049-03-04');
  });

  it('uses character tokens whose round trip through the tokenizer is exact', () => {
    const rng = new Rng(5);
    for (let k = 0; k < 3000; k++) {
      const ex = datesTask.sample(rng, { minLength: 1, maxLength: 100 });
      expect(tokenize(text(ex), datesTask.tokenizer)).toEqual(ex.source);
      expect(tokenize(ex.target.join(''), datesTask.tokenizer)).toEqual(ex.target);
      expect(checkExample(ex)).toEqual([]);
    }
  });

  it('aligns year, month and day as the brief says; dashes have no links', () => {
    const rng = new Rng(9);
    for (let k = 0; k < 2000; k++) {
      const ex = datesTask.sample(rng, { minLength: 1, maxLength: 100 });
      const sureOf = (i: number): number[] => ex.sure.filter(([t]) => t === i).map(([, j]) => j);
      const possibleOf = (i: number): number[] => ex.possible.filter(([t]) => t === i).map(([, j]) => j);
      expect(possibleOf(4)).toEqual([]);
      expect(possibleOf(7)).toEqual([]);
      // Year: sure links point at equal digits; with a two-digit year the century is possible only.
      const yearSure = [0, 1, 2, 3].map(sureOf);
      const twoDigit = yearSure[0]?.length === 0;
      for (let i = twoDigit ? 2 : 0; i < 4; i++) {
        expect(yearSure[i]).toHaveLength(1);
        expect(ex.source[yearSure[i]?.[0] as number]).toBe(ex.target[i]);
      }
      if (twoDigit) {
        expect(yearSure[1]).toEqual([]);
        expect(possibleOf(0)).toEqual(yearSure.slice(2).flat());
        expect(possibleOf(1)).toEqual(yearSure.slice(2).flat());
      }
      // Month: one sure link each, to the same source character (the field's first), plus possibles.
      expect(sureOf(5)).toHaveLength(1);
      expect(sureOf(6)).toEqual(sureOf(5));
      expect(possibleOf(5)).toEqual(possibleOf(6));
      const monthStart = sureOf(5)[0] as number;
      expect(Math.min(...possibleOf(5))).toBe(monthStart);
      // Day: digits to equal digits; a one-digit day makes the leading 0 possible only.
      const daySure = [8, 9].map(sureOf);
      expect(daySure[1]).toHaveLength(1);
      expect(ex.source[daySure[1]?.[0] as number]).toBe(ex.target[9]);
      if (daySure[0]?.length === 0) {
        expect(ex.target[8]).toBe('0');
        expect(possibleOf(8)).toEqual(daySure[1]);
      } else {
        expect(ex.source[daySure[0]?.[0] as number]).toBe(ex.target[8]);
      }
    }
  });

  it('aligns the brief example "sat 21 nov 26" link by link', () => {
    const ex = dateExample({ year: 2026, month: 11, day: 21 }, 8);
    expect(ex.source.join('')).toBe(`sat${SPACE_TOKEN}21${SPACE_TOKEN}nov${SPACE_TOKEN}26`);
    const key = (links: Array<[number, number]>): string[] => links.map(([i, j]) => `${ex.target[i]}${i}-${ex.source[j]}${j}`).sort();
    // source: s0 a1 t2 ▁3 2₄ 1₅ ▁6 n7 o8 v9 ▁10 2₁₁ 6₁₂; target 2026-11-21.
    // "26" sure to 11, 12 and "20" possible to both; month digits sure to "n" (7), possible to
    // "o", "v"; day "21" sure to 4, 5.
    expect(key(ex.sure)).toEqual(['22-211', '63-612', '15-n7', '16-n7', '28-24', '19-15'].sort());
    expect(key(ex.possible.filter(([i, j]) => !ex.sure.some(([a, b]) => a === i && b === j)))).toEqual(
      ['20-211', '20-612', '01-211', '01-612', '15-o8', '15-v9', '16-o8', '16-v9'].sort(),
    );
  });

  it('has the length limits it declares, and honours a requested range', () => {
    let min = Infinity;
    let max = 0;
    // Seven years cover every weekday/month/day-length combination.
    for (let day = Date.UTC(2020, 0, 1) / 86_400_000; day <= Date.UTC(2026, 11, 31) / 86_400_000; day++) {
      const d = new Date(day * 86_400_000);
      const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      for (let f = 0; f < DATE_FORM_COUNT; f++) {
        for (const pad of [false, true]) {
          const n = dateExample(date, f, pad).source.length;
          min = Math.min(min, n);
          max = Math.max(max, n);
        }
      }
    }
    expect(datesTask.lengthLimits).toEqual({ min, max });
    const rng = new Rng(2);
    for (let k = 0; k < 500; k++) {
      const n = datesTask.sample(rng, { minLength: 12, maxLength: 14 }).source.length;
      expect(n).toBeGreaterThanOrEqual(12);
      expect(n).toBeLessThanOrEqual(14);
    }
    expect(() => datesTask.sample(rng, { minLength: 1, maxLength: 5 })).toThrow(SampleError);
    expect(() => datesTask.sample(rng, { minLength: 40, maxLength: 50 })).toThrow(SampleError);
  });

  it('offers curated examples whose targets are the ISO dates of their sources', () => {
    const examples = datesTask.examples();
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const e of examples) expect(e.target).toBe(iso(readDate(e.source).date));
    expect(new Set(examples.map((e) => e.label)).size).toBe(examples.length);
  });
});
