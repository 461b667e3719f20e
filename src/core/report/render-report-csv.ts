import type { ReportData } from './build-report-data.js';

/** One RFC 4180 field: quoted when it holds a quote, comma, CR or LF; quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Separator of list values (feeds, hosts, users) inside one CSV field. */
const CSV_LIST_SEPARATOR = '; ';

/**
 * One CSV row per IOC (`value,type,feeds,hits,first_seen,last_seen,hosts,users`), RFC 4180:
 * CRLF line ends, fields quoted when needed. Lists are joined with `"; "`.
 *
 * Pitfall: values are written verbatim, so a value starting with `=`, `+`, `-` or `@` may be
 * read as a formula by a spreadsheet; open the file as text/CSV import, not by double-click.
 */
export function renderReportCsv(data: ReportData): string {
  const header = ['value', 'type', 'feeds', 'hits', 'first_seen', 'last_seen', 'hosts', 'users'];
  const rows = data.iocs.map((ioc) => [
    ioc.value,
    ioc.type,
    ioc.feeds.join(CSV_LIST_SEPARATOR),
    ioc.hits,
    ioc.firstSeen,
    ioc.lastSeen,
    ioc.hosts.join(CSV_LIST_SEPARATOR),
    ioc.users.join(CSV_LIST_SEPARATOR),
  ]);
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
