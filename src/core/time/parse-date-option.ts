import { UsageError } from '../../errors.js';

/** An ISO date-time without `Z` or an offset: read as UTC, never in the machine's zone. */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A date flag (`--since`, `--until`, `--hunt-from`): `2021-01-01` (UTC midnight) or any ISO
 * timestamp, to canonical ISO; a time without an offset is UTC, as the engines read one. A
 * UsageError naming the flag otherwise.
 */
export function parseDateOption(value: string, flag: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : NO_OFFSET.test(value) ? `${value}Z` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag}: "${value}" is not a date (e.g. 2021-01-01)`);
  return date.toISOString();
}
