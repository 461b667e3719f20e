import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors.js';
import { printableExcerpt } from './excerpt.js';
import { sniffCsvDelimiter } from './sniff-csv-delimiter.js';

/** One data row of a CSV. */
export interface CsvRow {
  /** 1-based physical line where the row starts (the header is line 1 in a plain file). */
  line: number;
  cells: string[];
}

/** A CSV split into its header and data rows. */
export interface CsvTable {
  /** Header names as written, trimmed. */
  header: string[];
  rows: CsvRow[];
}

/**
 * Splits CSV text into a header and rows with their physical line numbers, for parsers
 * that must report "file:line" for each rejected entry.
 *
 * Pitfalls handled: a UTF-8 BOM; CRLF and lone CR line ends (csv-parse picks one record
 * delimiter, so mixed line ends would leave `\r` in cells); quoted cells spanning lines
 * (csv-parse's `info.lines` is the line where a record ends, so the start is computed back
 * from the newlines inside its cells); blank lines. Rows may have fewer or more cells than
 * the header. The delimiter (`,`, `;`, tab) is sniffed from the header line.
 *
 * @throws InputError when the text is empty or not parseable CSV (an unclosed quote...).
 */
export function parseCsvRows(text: string, file?: string): CsvTable {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = normalized.split('\n').find((line) => line.trim() !== '');
  if (headerLine === undefined) throw new InputError('empty CSV: a header row is required', { file });
  const delimiter = sniffCsvDelimiter(headerLine);
  if (!normalized.includes('"')) return splitUnquoted(normalized, delimiter);
  const records = parseRecords(normalized, delimiter, file);
  const [header, ...rows] = records.map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0),
  }));
  return { header: (header?.cells ?? []).map((name) => name.trim()), rows };
}

/**
 * The common case of large feeds, CSV without a single quote character: every line is a record
 * and every delimiter separates cells, so a split gives what csv-parse would, with line
 * numbers for free and a fraction of the garbage (csv-parse's per-record `info` objects).
 */
function splitUnquoted(text: string, delimiter: string): CsvTable {
  const lines = text.split('\n');
  const table: CsvTable = { header: [], rows: [] };
  let headerSeen = false;
  lines.forEach((line, i) => {
    if (line === '') return; // as csv-parse's skip_empty_lines: a line of spaces is a record
    const cells = line.split(delimiter);
    if (!headerSeen) {
      table.header = cells.map((name) => name.trim());
      headerSeen = true;
    } else {
      table.rows.push({ line: i + 1, cells });
    }
  });
  return table;
}

interface InfoRecord {
  record: string[];
  info: { lines: number };
}

function parseRecords(text: string, delimiter: string, file: string | undefined): InfoRecord[] {
  try {
    return parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as InfoRecord[];
  } catch (error) {
    throw malformedCsv(error, file);
  }
}

/** csv-parse's message quotes the field it stopped in, which a hostile file makes megabytes long: 200 printable characters of it. */
function malformedCsv(error: unknown, file: string | undefined): InputError {
  const line = (error as { lines?: unknown }).lines;
  const reason = `malformed CSV: ${printableExcerpt(error instanceof Error ? error.message : String(error), 200)}`;
  return new InputError(reason, { file, line: typeof line === 'number' ? line : undefined }, { cause: error });
}

/**
 * Checks a whole CSV parses (its quotes close) without keeping a record, so a large source
 * that is parsed a chunk at a time while it is written cannot fail half-way: its structure
 * was proven first. Same errors and line numbers as {@link parseCsvRows}; free for CSV without
 * a quote character, which cannot be malformed.
 */
export function checkCsvStructure(text: string, file?: string): void {
  if (!text.includes('"')) return;
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = normalized.split('\n', 64).find((line) => line.trim() !== '') ?? '';
  try {
    parse(normalized, { delimiter: sniffCsvDelimiter(headerLine), skip_empty_lines: true, relax_column_count: true, on_record: () => null });
  } catch (error) {
    throw malformedCsv(error, file);
  }
}
