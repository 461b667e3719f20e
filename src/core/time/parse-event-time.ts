import { normalizeTimestamp } from '../ioc/normalize-timestamp.js';

/**
 * `2022-03-14T09:26:53.123Z`, the form nearly every `@timestamp` has, on a day that exists
 * in every month, so `Date.parse` alone reads it exactly (it would roll `02-30` over to March).
 */
const PLAIN_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * Epoch milliseconds of an event's `@timestamp` (or of an IOC's `hunt_from`/`valid_until`),
 * or `undefined` when there is none or it cannot be read. Uses the same rules as IOC
 * timestamps (`normalizeTimestamp`): ISO dates and date-times, where a date-time without
 * an offset is UTC as Elasticsearch reads it (never the host's zone), and epoch seconds or
 * milliseconds. The common `...Z` form takes a fast path (this runs once per event).
 *
 * Pitfall: precision is one millisecond, so nanosecond timestamps are truncated; an event
 * a few nanoseconds after `valid_until` can still count as within it.
 */
export function parseEventTime(timestamp: unknown): number | undefined {
  if (typeof timestamp === 'string' && PLAIN_UTC.test(timestamp)) return Date.parse(timestamp);
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return undefined;
  const result = normalizeTimestamp(timestamp, '@timestamp');
  return result.ok && result.value !== undefined ? Date.parse(result.value) : undefined;
}
