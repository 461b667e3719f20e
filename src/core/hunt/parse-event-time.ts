import { normalizeTimestamp } from '../ioc/normalize-timestamp.js';

/**
 * Epoch milliseconds of an event's `@timestamp` (or of an IOC's `hunt_from`/`valid_until`),
 * or `undefined` when there is none or it cannot be read. Uses the same rules as IOC
 * timestamps (`normalizeTimestamp`): ISO dates and date-times, where a date-time without
 * an offset is UTC as Elasticsearch reads it (never the host's zone), and epoch seconds or
 * milliseconds.
 *
 * Pitfall: precision is one millisecond, so nanosecond timestamps are truncated; an event
 * a few nanoseconds after `valid_until` can still count as within it.
 */
export function parseEventTime(timestamp: unknown): number | undefined {
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return undefined;
  const result = normalizeTimestamp(timestamp, '@timestamp');
  return result.ok && result.value !== undefined ? Date.parse(result.value) : undefined;
}
