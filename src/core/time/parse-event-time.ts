/**
 * `2022-03-14T09:26:53.123Z`, the form nearly every `@timestamp` has, on a day that exists
 * in every month, so `Date.parse` alone reads it exactly (it would roll `02-30` over to March).
 */
const PLAIN_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

/**
 * `strict_date_optional_time`: a four-digit year, then optionally `-MM`, `-dd`, `THH`, `:mm`,
 * `:ss`, a fraction of 1-9 digits (`.` or `,`) and, after a time, a zone (`Z`, `+HH`, `+HHmm`,
 * `+HH:mm`).
 */
const STRICT_DATE_OPTIONAL_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

/** `epoch_millis`: milliseconds since 1970 as a (possibly negative, possibly fractional) number. */
const EPOCH_MILLIS = /^-?\d+(?:\.\d+)?$/;

function readIso(text: string): number | undefined {
  const match = STRICT_DATE_OPTIONAL_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined; // 2023-02-29
  if (zone === undefined || zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2) || '0');
  if (offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 18 * 60) return undefined; // java.time's ±18:00
  return utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/**
 * Epoch milliseconds of an event time as the engines read a `date` field with the default
 * format `strict_date_optional_time||epoch_millis`, or `undefined` when they would refuse it:
 * - ISO 8601 with a four-digit year, the rest optional (`2023-05-06`, `2023-05-06T05:05`,
 *   `2023-05-06T05:05:05.123456789+02:00`); no zone means UTC (never the host's zone);
 * - otherwise epoch milliseconds, as a JSON number or a numeric string (`"1683500000000"`).
 *   Epoch seconds are not in the default format: `1683500000` is 20 January 1970, as the
 *   cluster indexes it. A JSON number is read through its decimal text like a string, so a
 *   four-digit integer is a year, as the engines parse it.
 * The same rules are in `pipelines/tag-common.painless` (`millis`), so the retro-hunt and live
 * tagging agree on every event. Precision is one millisecond (nanoseconds are truncated).
 */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'string' && PLAIN_UTC.test(value)) return Date.parse(value);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = Number.isInteger(value) ? value.toFixed(0) : String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return undefined;
  }
  const iso = readIso(text);
  if (iso !== undefined) return iso;
  if (!EPOCH_MILLIS.test(text)) return undefined;
  const millis = Math.trunc(Number(text));
  return Number.isSafeInteger(millis) && Math.abs(millis) <= 8.64e15 ? millis : undefined;
}

/** The ISO form (`...Z`, millisecond precision) of an event time {@link parseEventTime} reads, else undefined. */
export function formatEventTime(value: unknown): string | undefined {
  const millis = parseEventTime(value);
  return millis === undefined ? undefined : new Date(millis).toISOString();
}
