import { UsageError } from '../../errors.js';

/**
 * A date flag (`--since`, `--until`, `--hunt-from`): `2021-01-01` (UTC midnight) or any ISO
 * timestamp, to canonical ISO. A UsageError naming the flag otherwise.
 */
export function parseDateOption(value: string, flag: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag}: "${value}" is not a date (e.g. 2021-01-01)`);
  return date.toISOString();
}
