const UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * An Elasticsearch/OpenSearch time setting (`index.refresh_interval`: `1s`, `500ms`, `1.5m`,
 * `30s`) in milliseconds. `-1` (refresh disabled) is `Infinity`: no delay bounds it. `0` is 0.
 * Undefined for anything else, which the caller reports rather than guesses.
 */
export function parseTimeValue(text: string): number | undefined {
  const value = text.trim();
  if (value === '-1') return Number.POSITIVE_INFINITY;
  if (value === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)$/.exec(value);
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}
