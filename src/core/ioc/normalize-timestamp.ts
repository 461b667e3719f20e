import { quotedExcerpt } from './excerpt.js';

/** A field that may be absent (`value` undefined) or invalid (a reason to reject the entry). */
export type FieldResult<T> = { ok: true; value?: T } | { ok: false; reason: string };

/** `2021-07-20`, `2021-07-20T10:00`, `2021-07-20 10:00:00.123456+02:00`... */
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads an optional timestamp field into ISO 8601 UTC (`2021-07-20T00:00:00.000Z`).
 * Blank, `null` and `undefined` mean "absent". Accepted: ISO dates and date-times (with any
 * number of fraction digits, as MISP writes microseconds) and epoch seconds or milliseconds.
 * Anything else is an error naming the field, because silently dropping a `valid_until`
 * would make an expired IOC match forever.
 *
 * A bare date is midnight UTC, or with `dateOnly: 'end'` the last millisecond of that day:
 * "valid until 2021-12-31" includes the 31st.
 */
export function normalizeTimestamp(raw: unknown, field: string, dateOnly: 'start' | 'end' = 'start'): FieldResult<string> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { ok: true };
  const text = String(raw).trim();
  const millis = /^\d{9,10}$/.test(text)
    ? Number(text) * 1000
    : /^\d{13}$/.test(text)
      ? Number(text)
      : parseIsoUtc(text, dateOnly);
  if (Number.isNaN(millis)) return { ok: false, reason: `invalid ${field} ${quotedExcerpt(text)}` };
  return { ok: true, value: new Date(millis).toISOString() };
}

/** ISO date or date-time; a date-time without an offset is UTC (never the host's zone). */
function parseIsoUtc(text: string, dateOnly: 'start' | 'end'): number {
  const match = ISO.exec(text);
  if (!match) return Number.NaN;
  const [, date = '', time, zone] = match;
  if (!isCalendarDate(date)) return Number.NaN;
  if (time === undefined) return Date.parse(date) + (dateOnly === 'end' ? 86_399_999 : 0);
  const offset = zone === undefined || /^z$/i.test(zone) ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(`${date}T${time}${offset}`);
}

/** `Date.parse` rolls `2021-02-30` over to March 2nd; a bulletin with that date has a typo. */
function isCalendarDate(date: string): boolean {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}
