// Date normalisation, character level: many written forms of a date → ISO 8601 "YYYY-MM-DD".
//
//   "Saturday, 21 November 2026"  "21 November 2026"  "21 Nov 2026"  "Nov 21st 2026"
//   "November 21, 2026"  "21/11/26"  "21.11.2026"  "2026/11/21"  "sat 21 nov 26"
//   "21st of November, 2026"  "21-11-2026"  "Sat Nov 21 2026"  "the 21st of November 2026"
//   "November 21st, 2026"  "21 NOV 2026"  "Saturday 21st November 2026"      → "2026-11-21"
//
// Rules: dates are uniform over 1950-01-01 … 2049-12-31; a weekday, when written, is the real
// weekday of that date; all-numeric forms are day-first (D/M/Y) except the year-first
// "YYYY/MM/DD"; numeric day and month are written with or without a leading zero; two-digit
// years 50–99 mean 19xx and 00–49 mean 20xx. Every source therefore has exactly one ISO target.
//
// Gold alignment (target character ↔ source character):
// - year digits ↔ year digits, sure, when the year has 4 digits; with 2 digits the last two
//   target digits are sure to them and the first two ("19"/"20") possible to both;
// - each month digit: sure to the first character of the month field ("N" of "Nov", "1" of
//   "11"), possible to all of its characters;
// - day digits ↔ day digits, sure; for a one-digit day the target's leading 0 is possible to it;
// - the dashes, the weekday, ordinal suffixes and separators have no links.

import type { Rng } from '../../tensor/random';
import { SPACE_TOKEN, type TokenizerSettings } from '../tokenize';
import { checkSampleOptions, SampleError, type CuratedExample, type Example, type Link, type SampleOptions, type Task } from './types';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FIRST_DAY = Date.UTC(1950, 0, 1) / 86_400_000;
const LAST_DAY = Date.UTC(2049, 11, 31) / 86_400_000;

/** A calendar date (month 1–12, day 1–31). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

type Field = 'year' | 'month' | 'day';
interface Part {
  text: string;
  field?: Field;
}

/** The weekday (0 = Sunday) of a date in the proleptic Gregorian calendar. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function isoOf(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function ordinalSuffix(day: number): string {
  if (day >= 11 && day <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

// Building blocks. `pad` chooses a leading zero for numeric day and month.
const dayNum = (d: CalendarDate, pad: boolean): Part => ({ text: pad ? String(d.day).padStart(2, '0') : String(d.day), field: 'day' });
const monthNum = (d: CalendarDate, pad: boolean): Part => ({ text: pad ? String(d.month).padStart(2, '0') : String(d.month), field: 'month' });
const monthName = (d: CalendarDate): Part => ({ text: MONTHS[d.month - 1] as string, field: 'month' });
const monthAbbr = (d: CalendarDate): Part => ({ text: (MONTHS[d.month - 1] as string).slice(0, 3), field: 'month' });
const year4 = (d: CalendarDate): Part => ({ text: String(d.year), field: 'year' });
const year2 = (d: CalendarDate): Part => ({ text: String(d.year % 100).padStart(2, '0'), field: 'year' });
const weekday = (d: CalendarDate): Part => ({ text: WEEKDAYS[weekdayOf(d)] as string });
const weekdayAbbr = (d: CalendarDate): Part => ({ text: (WEEKDAYS[weekdayOf(d)] as string).slice(0, 3) });
const lit = (text: string): Part => ({ text });
const lower = (p: Part): Part => ({ ...p, text: p.text.toLowerCase() });
const upper = (p: Part): Part => ({ ...p, text: p.text.toUpperCase() });
const ordinal = (d: CalendarDate): Part[] => [dayNum(d, false), lit(ordinalSuffix(d.day))];

/** The written forms; `pad` only matters for the numeric ones. */
const FORMS: ReadonlyArray<(d: CalendarDate, pad: boolean) => Part[]> = [
  (d) => [weekday(d), lit(', '), dayNum(d, false), lit(' '), monthName(d), lit(' '), year4(d)],
  (d) => [dayNum(d, false), lit(' '), monthName(d), lit(' '), year4(d)],
  (d) => [dayNum(d, false), lit(' '), monthAbbr(d), lit(' '), year4(d)],
  (d) => [monthAbbr(d), lit(' '), ...ordinal(d), lit(' '), year4(d)],
  (d) => [monthName(d), lit(' '), dayNum(d, false), lit(', '), year4(d)],
  (d, pad) => [dayNum(d, pad), lit('/'), monthNum(d, pad), lit('/'), year2(d)],
  (d, pad) => [dayNum(d, pad), lit('.'), monthNum(d, pad), lit('.'), year4(d)],
  (d) => [year4(d), lit('/'), monthNum(d, true), lit('/'), dayNum(d, true)],
  (d) => [lower(weekdayAbbr(d)), lit(' '), dayNum(d, false), lit(' '), lower(monthAbbr(d)), lit(' '), year2(d)],
  (d) => [...ordinal(d), lit(' of '), monthName(d), lit(', '), year4(d)],
  (d, pad) => [dayNum(d, pad), lit('-'), monthNum(d, pad), lit('-'), year4(d)],
  (d) => [weekdayAbbr(d), lit(' '), monthAbbr(d), lit(' '), dayNum(d, false), lit(' '), year4(d)],
  (d) => [lit('the '), ...ordinal(d), lit(' of '), monthName(d), lit(' '), year4(d)],
  (d) => [monthName(d), lit(' '), ...ordinal(d), lit(', '), year4(d)],
  (d) => [dayNum(d, false), lit(' '), upper(monthAbbr(d)), lit(' '), year4(d)],
  (d) => [weekday(d), lit(' '), ...ordinal(d), lit(' '), monthName(d), lit(' '), year4(d)],
];

/** How many written forms the task knows. */
export const DATE_FORM_COUNT = FORMS.length;

const DATES_TOKENIZER: TokenizerSettings = { level: 'char', lowercase: false };

/** The example for `date` written in form `form` (0 ≤ form < DATE_FORM_COUNT). */
export function dateExample(date: CalendarDate, form: number, pad = false): Example {
  const render = FORMS[form];
  if (render === undefined) throw new RangeError(`dateExample: form must be in [0, ${FORMS.length}), got ${form}`);
  const parts = render(date, pad);
  // Source characters are ASCII with single spaces, so token k is character k.
  const source: string[] = [];
  const spans = new Map<Field, { start: number; length: number }>();
  for (const part of parts) {
    if (part.field !== undefined) spans.set(part.field, { start: source.length, length: part.text.length });
    for (const ch of part.text) source.push(ch === ' ' ? SPACE_TOKEN : ch);
  }
  const target = isoOf(date).split('');
  const sure: Link[] = [];
  const possible: Link[] = [];
  const year = spans.get('year') as { start: number; length: number };
  if (year.length === 4) {
    for (let k = 0; k < 4; k++) sure.push([k, year.start + k]);
  } else {
    for (let i = 0; i < 2; i++) for (let k = 0; k < 2; k++) possible.push([i, year.start + k]);
    sure.push([2, year.start], [3, year.start + 1]);
  }
  const month = spans.get('month') as { start: number; length: number };
  for (const i of [5, 6]) {
    sure.push([i, month.start]);
    for (let k = 1; k < month.length; k++) possible.push([i, month.start + k]);
  }
  const day = spans.get('day') as { start: number; length: number };
  if (day.length === 2) {
    sure.push([8, day.start], [9, day.start + 1]);
  } else {
    possible.push([8, day.start]);
    sure.push([9, day.start]);
  }
  return { source, target, sure, possible: [...sure, ...possible] };
}

function randomDate(rng: Rng): CalendarDate {
  const dayNumber = FIRST_DAY + rng.int(LAST_DAY - FIRST_DAY + 1);
  const d = new Date(dayNumber * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const EXAMPLE_DATE: CalendarDate = { year: 2026, month: 11, day: 21 };

/** The date-normalisation task. */
export const datesTask: Task = {
  id: 'dates',
  title: 'Dates → ISO 8601',
  description:
    'Dates written in many ways ("Saturday, 21 November 2026", "21/11/26", "Nov 21st 2026") rewritten as 2026-11-21, one character at a time. Day-first for all-numeric forms.',
  tokenizer: DATES_TOKENIZER,
  // Shortest: "1/3/26"; longest: "Wednesday, 21 September 2026" / "Wednesday 21st September 2026".
  lengthLimits: { min: 6, max: 29 },
  sample(rng: Rng, options: SampleOptions): Example {
    checkSampleOptions(datesTask, options);
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const example = dateExample(randomDate(rng), rng.int(FORMS.length), rng.bernoulli(0.5));
      const n = example.source.length;
      if (n >= options.minLength && n <= options.maxLength) return example;
    }
    throw new SampleError(`dates: no date form found with length in [${options.minLength}, ${options.maxLength}]`);
  },
  examples(): CuratedExample[] {
    const show = (ex: Example): { source: string; target: string } => ({
      source: ex.source.map((t) => (t === SPACE_TOKEN ? ' ' : t)).join(''),
      target: ex.target.join(''),
    });
    const labels = [
      'Weekday, day month year',
      'Day month year',
      'Abbreviated month',
      'Month first, ordinal day',
      'American order',
      'All numeric, two-digit year',
      'Dotted, day first',
      'Year first',
      'Lower case, abbreviated',
      'Ordinal day of month',
    ];
    const forms = labels.map((label, form) => ({ label, ...show(dateExample(EXAMPLE_DATE, form)) }));
    return [
      ...forms,
      { label: 'A leap day', ...show(dateExample({ year: 2000, month: 2, day: 29 }, 0)) },
      { label: 'A two-digit year in the 1900s', ...show(dateExample({ year: 1969, month: 7, day: 20 }, 8)) },
    ];
  },
};
