import { createIocCollector } from './ioc-collector.js';
import type { ParseOptions, ParseResult } from './types.js';

/**
 * Parses a plain list: one indicator per line, type inferred from each value.
 *
 * Blank lines and `#` comment lines are skipped; a trailing comment must be preceded by
 * whitespace (`1.2.3.4  # C2`), so a URL fragment (`http://x.example/#a`) is kept. Line
 * numbers count every physical line (CRLF, LF or CR). The result has no `feedName`: a list
 * names no feed, callers fall back to the file name.
 */
export function parseTxt(text: string, options: ParseOptions = {}): ParseResult {
  const collector = createIocCollector('txt', options);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((line, index) => {
    const value = stripComment(line).trim();
    if (value !== '') collector.add({ value, provenance: {}, location: { file: options.file, line: index + 1 } });
  });
  return collector.finish(undefined);
}

function stripComment(line: string): string {
  if (line.trimStart().startsWith('#')) return '';
  const comment = line.search(/\s#/);
  return comment < 0 ? line : line.slice(0, comment);
}
