// Sentence-pair import in the Tatoeba / Anki ("manythings") layout:
//
//   source<TAB>target[<TAB>attribution]
//
// The parser never throws on content: every problem becomes a per-line error with its line
// number, and good lines are kept. Only a file over the size cap (or bad options) throws a
// TsvError, before anything is decoded. Bytes are decoded as UTF-8, strictly (a line that is not
// valid UTF-8 is reported and skipped); a leading BOM is dropped; CRLF, LF and old-Mac CR line
// ends are accepted, even mixed in one file: each CRLF, LF or lone CR ends a line, so no CR is
// ever left inside a field, and line numbers are the same whether the text decodes at once or
// line by line. A file containing NUL bytes is reported as binary with a single error.

import { TSV_MAX_BYTES, TSV_MAX_ERRORS, TSV_MAX_PAIRS } from './limits';

/** A line end: CRLF, LF or a lone CR (old Mac), in any mix. */
const LINE_END = /\r\n|\n|\r/;
const LF = 0x0a;
const CR = 0x0d;

/** One imported pair; `line` is 1-based. */
export interface SentencePair {
  source: string;
  target: string;
  attribution?: string;
  line: number;
}

/**
 * What is wrong with a line, as a code the page words (src/ui/i18n.ts): too few or many columns
 * (`n`: how many), an empty side, bytes that are not UTF-8; or with the file, reported at a line:
 * UTF-16 text, binary (NUL bytes), too many errors or pairs (`n`: the limit), after which reading stops.
 */
export const TSV_LINE_CODES = ['columns', 'empty-source', 'empty-target', 'empty-both', 'not-utf8', 'utf16', 'binary', 'too-many-errors', 'too-many-pairs'] as const;
export type TsvLineCode = (typeof TSV_LINE_CODES)[number];

/** A problem with one line (or, with a summary message, with the file); `message` is the CLI's English. */
export interface TsvLineError {
  line: number;
  code: TsvLineCode;
  /** The count the message names (columns found, or the limit passed). */
  n?: number;
  message: string;
}

export interface ParsedSentencePairs {
  pairs: SentencePair[];
  errors: TsvLineError[];
  /** Lines that were empty or only whitespace. */
  skippedBlank: number;
}

export interface ParseSentencePairsOptions {
  /** Largest input accepted, in UTF-8 bytes (default 10 MiB). */
  maxBytes?: number;
  /** Most pairs kept; the parser stops with an error at the first line beyond (default 200,000). */
  maxPairs?: number;
  /** Most line errors collected before the parser stops with a summary (default 1,000). */
  maxErrors?: number;
}

/** Thrown for input that is refused as a whole (`too-large`: over the size cap) or for invalid options. */
export class TsvError extends Error {
  override readonly name = 'TsvError';
  constructor(
    readonly code: 'too-large' | 'options',
    message: string,
  ) {
    super(message);
  }
}

function describeBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < text.length) {
      const d = text.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        k++;
      } else {
        n += 3;
      }
    } else n += 3;
  }
  return n;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new TsvError('options', `${name} must be a positive integer, got ${value}`);
}

/** Collects pairs and errors line by line; `add*` return false once parsing must stop. */
class Collector {
  readonly result: ParsedSentencePairs = { pairs: [], errors: [], skippedBlank: 0 };

  constructor(
    private readonly maxPairs: number,
    private readonly maxErrors: number,
  ) {}

  error(line: number, code: TsvLineCode, message: string, n?: number): boolean {
    const errors = this.result.errors;
    if (errors.length >= this.maxErrors) {
      errors.push({ line, code: 'too-many-errors', n: this.maxErrors, message: `line ${line}: too many errors (more than ${this.maxErrors}); stopped reading here` });
      return false;
    }
    errors.push({ line, code, ...(n === undefined ? {} : { n }), message: `line ${line}: ${message}` });
    return true;
  }

  /** One line's text, without its line end (it holds no CR or LF). */
  line(body: string, line: number): boolean {
    if (body.trim().length === 0) {
      this.result.skippedBlank++;
      return true;
    }
    const columns = body.split('\t');
    if (columns.length < 2 || columns.length > 3) {
      return this.error(line, 'columns', `expected 2 or 3 tab-separated columns, found ${columns.length}`, columns.length);
    }
    const source = (columns[0] as string).trim();
    const target = (columns[1] as string).trim();
    if (source.length === 0 || target.length === 0) {
      const which = source.length === 0 && target.length === 0 ? 'both' : source.length === 0 ? 'source' : 'target';
      return this.error(line, `empty-${which}`, `empty ${which === 'both' ? 'source and target' : which}`);
    }
    if (this.result.pairs.length >= this.maxPairs) {
      this.result.errors.push({ line, code: 'too-many-pairs', n: this.maxPairs, message: `line ${line}: more than ${this.maxPairs} sentence pairs; stopped reading here` });
      return false;
    }
    const pair: SentencePair = { source, target, line };
    const attribution = columns[2]?.trim();
    if (attribution !== undefined && attribution.length > 0) pair.attribution = attribution;
    this.result.pairs.push(pair);
    return true;
  }
}

function binaryResult(line: number): ParsedSentencePairs {
  return { pairs: [], errors: [{ line, code: 'binary', message: `the file looks binary (NUL bytes at line ${line})` }], skippedBlank: 0 };
}

function parseText(text: string, collector: Collector): ParsedSentencePairs {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const nul = body.indexOf('\u0000');
  if (nul >= 0) return binaryResult(body.slice(0, nul).split(LINE_END).length);
  const lines = body.split(LINE_END);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the final line break
  for (let k = 0; k < lines.length; k++) {
    if (!collector.line(lines[k] as string, k + 1)) break;
  }
  return collector.result;
}

function parseBytes(bytes: Uint8Array, collector: Collector): ParsedSentencePairs {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { pairs: [], errors: [{ line: 1, code: 'utf16', message: 'line 1: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 and try again' }], skippedBlank: 0 };
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nul = bytes.indexOf(0, start);
  if (nul >= 0) {
    // Count lines the way parseText splits them: at each LF, and at each CR not followed by LF.
    let line = 1;
    for (let k = start; k < nul; k++) if (bytes[k] === LF || (bytes[k] === CR && bytes[k + 1] !== LF)) line++;
    return binaryResult(line);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const content = bytes.subarray(start);
  try {
    return parseText(decoder.decode(content), collector);
  } catch {
    // Some bytes are not UTF-8: decode line by line to find and report them.
  }
  // (The same line ends as parseText: CR and LF are ASCII, never part of a multi-byte sequence.)
  let lineStart = 0;
  let lineNumber = 1;
  while (lineStart <= content.length) {
    let end = lineStart;
    while (end < content.length && content[end] !== LF && content[end] !== CR) end++;
    if (end === content.length && lineStart === end) break; // the final line break
    let text: string | undefined;
    try {
      text = decoder.decode(content.subarray(lineStart, end));
    } catch {
      text = undefined;
    }
    const keepGoing = text === undefined ? collector.error(lineNumber, 'not-utf8', 'not valid UTF-8') : collector.line(text, lineNumber);
    if (!keepGoing) break;
    lineStart = content[end] === CR && content[end + 1] === LF ? end + 2 : end + 1;
    lineNumber++;
  }
  return collector.result;
}

/**
 * Parse sentence pairs from TSV text or bytes (see the file comment). Throws TsvError only when
 * the input is larger than `maxBytes` or the options are invalid.
 */
export function parseSentencePairs(input: string | Uint8Array, options: ParseSentencePairsOptions = {}): ParsedSentencePairs {
  const maxBytes = options.maxBytes ?? TSV_MAX_BYTES;
  const maxPairs = options.maxPairs ?? TSV_MAX_PAIRS;
  const maxErrors = options.maxErrors ?? TSV_MAX_ERRORS;
  checkPositiveInteger('maxBytes', maxBytes);
  checkPositiveInteger('maxPairs', maxPairs);
  checkPositiveInteger('maxErrors', maxErrors);
  const size = typeof input === 'string' ? (input.length > maxBytes ? input.length : utf8Length(input)) : input.length;
  if (size > maxBytes) {
    throw new TsvError('too-large', `the file is ${typeof input === 'string' && input.length > maxBytes ? 'over ' : ''}${describeBytes(size)}; the limit is ${describeBytes(maxBytes)}`);
  }
  const collector = new Collector(maxPairs, maxErrors);
  return typeof input === 'string' ? parseText(input, collector) : parseBytes(input, collector);
}
