import { InputError } from '../../errors.js';
import { detectFormat } from './detect-format.js';
import { parseAnssiCsv } from './parse-anssi-csv.js';
import { parseGenericCsv } from './parse-generic-csv.js';
import { parseMisp } from './parse-misp.js';
import { parseStix } from './parse-stix.js';
import { parseTxt } from './parse-txt.js';
import type { IocFormat, ParseOptions, ParseResult } from './types.js';

/** Options of {@link parseIocs}: the parse options plus the format. */
export interface ParseIocsOptions extends ParseOptions {
  /** `auto` (default) sniffs the content with `detectFormat`. */
  format?: IocFormat | 'auto';
}

const PARSERS: Readonly<Record<IocFormat, (text: string, options: ParseOptions) => ParseResult>> = {
  'anssi-csv': parseAnssiCsv,
  csv: parseGenericCsv,
  txt: parseTxt,
  misp: parseMisp,
  stix: parseStix,
};

/**
 * Parses one IOC source of any supported format: the entry point of `iochunt sync` for a
 * file, a URL body or stdin. Pure: the caller reads the source. A MISP feed directory is
 * one call per event file (see `parseMispManifest`).
 *
 * @throws InputError when the whole source is unreadable (bad JSON, no CSV header, a CSV
 * without a value column); individual bad entries are in `rejected` instead. Lines, in both,
 * count from `lineOffset`.
 */
export function parseIocs(text: string, options: ParseIocsOptions = {}): ParseResult {
  const { format = 'auto', ...parseOptions } = options;
  const resolved = format === 'auto' ? detectFormat(text, options.file) : format;
  try {
    return PARSERS[resolved](text, parseOptions);
  } catch (error) {
    // With `lineOffset` the text is a chunk: the error names the line of the whole source.
    const line = error instanceof InputError ? error.location.line : undefined;
    if (!(error instanceof InputError) || line === undefined || !options.lineOffset) throw error;
    throw new InputError(error.reason, { ...error.location, line: line + options.lineOffset }, { cause: error.cause });
  }
}
