import type { ReportData } from './build-report-data.js';
import { describeReportTlp } from './describe-report-tlp.js';

/**
 * Leading characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
 * Injection"): `=`, `+`, `-`, `@`, TAB and CR. Host and user names come from logs an attacker
 * can write to, so `=HYPERLINK(...)` must stay text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field as OWASP advises: a value starting with a formula character gets a leading
 * `'` (spreadsheets show it as text), and every field is quoted with quotes doubled (RFC 4180),
 * so a spreadsheet splitting on `;` (as in French locales) cannot start a cell mid-value.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Separator of list values (feeds, hosts, users) inside one CSV field. */
const CSV_LIST_SEPARATOR = '; ';

/**
 * The report as CSV: a first comment line with its TLP marking (`# TLP:AMBER ...`, see
 * {@link describeReportTlp}), then a header and one row per IOC
 * (`value,type,tlp,feeds,hits,first_seen,last_seen,hosts,users`), RFC 4180 with CRLF line ends.
 * `tlp` is the IOC's label or `unmarked`; lists are joined with `"; "`.
 *
 * Every field is quoted and formula-escaped ({@link csvField}): a value that starts with `=`,
 * `+`, `-` or `@` is written with a leading `'`, so it reads as text, not a formula. Parsers
 * read the file with comments on `#` (csv-parse: `comment: '#'`); no field starts unquoted
 * with `#`, so none is taken for a comment.
 */
export function renderReportCsv(data: ReportData): string {
  const header = ['value', 'type', 'tlp', 'feeds', 'hits', 'first_seen', 'last_seen', 'hosts', 'users'];
  const rows = data.iocs.map((ioc) => [
    ioc.value,
    ioc.type,
    ioc.tlp ?? 'unmarked',
    ioc.feeds.join(CSV_LIST_SEPARATOR),
    ioc.hits,
    ioc.firstSeen,
    ioc.lastSeen,
    ioc.hosts.join(CSV_LIST_SEPARATOR),
    ioc.users.join(CSV_LIST_SEPARATOR),
  ]);
  const comment = `# ${describeReportTlp(data.tlp)}\r\n`;
  return comment + [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
