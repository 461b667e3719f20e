import { chunkLines } from './chunk-lines.js';
import type { ParsedSource } from './feed-grouper.js';
import { checkCsvStructure } from './parse-csv-rows.js';
import { parseIocs, type ParseIocsOptions } from './parse-iocs.js';
import type { IocFormat, ParseResult } from './types.js';

/** One text to parse, named for locations in messages. */
export interface SourceText {
  /** File path, URL (without credentials) or `-`. */
  name: string;
  text: string;
  /** Set when the container tells the format (a MISP feed directory holds MISP events). */
  format?: 'misp';
  /** A feed name the container gives (MISP feed directory name), used when the text gives none. */
  feedHint?: string;
}

/** Sources read and checked, ready to be parsed chunk by chunk. */
export interface PreparedSources {
  texts: SourceText[];
  formats: IocFormat[];
  /** JSON sources, parsed once during preparation (they are not chunked). */
  parsed: Map<number, ParseResult>;
}

export interface ParseSourceOptions {
  allowPrivate?: boolean;
  /** Lines parsed at a time from a large TXT/CSV source; default 20,000. */
  chunkLines?: number;
}

/** Formats read line by line, so they can be parsed in chunks. */
export const LINE_FORMATS: ReadonlySet<IocFormat> = new Set(['txt', 'csv', 'anssi-csv']);

export function parseOptionsFor(text: SourceText, format: IocFormat, options: ParseSourceOptions): ParseIocsOptions {
  return { format, file: text.name, ...(options.allowPrivate ? { allowPrivate: true } : {}) };
}

/**
 * What can make a whole TXT/CSV source unreadable, checked before any of it is written: the
 * CSV header (a value column) and the CSV quoting of every line. After this, parsing the
 * source chunk by chunk only rejects entries, never the source, so a load never stops
 * half-way on a malformed line. TXT has no whole-source error.
 * @throws InputError naming the file and line.
 */
export function checkLineSource(text: SourceText, format: IocFormat): void {
  if (format === 'txt') return;
  const header = /^[^\r\n]*/.exec(text.text.replace(/^[\uFEFF\s]*(?=\S)/, ''))?.[0] ?? '';
  parseIocs(header, { format, file: text.name });
  checkCsvStructure(text.text, text.name);
}

/**
 * Parses source `index`: whole for JSON formats (parsed once, during preparation), in line
 * chunks for TXT/CSV, so a large file never holds all its IOCs at once. Lines and rejected
 * entries are numbered from the start of the file, whatever the chunk.
 */
export function* parseSource(prepared: PreparedSources, index: number, options: ParseSourceOptions): Generator<ParsedSource> {
  const text = prepared.texts[index]!;
  const format = prepared.formats[index]!;
  const feedHint = text.feedHint ? { feedHint: text.feedHint } : {};
  const whole = prepared.parsed.get(index);
  if (whole) {
    yield { name: text.name, result: whole, ...feedHint };
    return;
  }
  const parseOptions = parseOptionsFor(text, format, options);
  const header = format !== 'txt';
  for (const chunk of chunkLines(text.text, { header, quoted: header, maxLines: options.chunkLines ?? 20_000 })) {
    yield { name: text.name, result: parseIocs(chunk.text, { ...parseOptions, lineOffset: chunk.lineOffset }), ...feedHint };
  }
}
