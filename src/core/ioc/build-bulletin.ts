import { withoutUndefined } from './assign-defined.js';
import { normalizeTimestamp } from './normalize-timestamp.js';
import type { Bulletin } from './types.js';

/**
 * The {@link Bulletin} of what a source says about its publication, without absent fields;
 * undefined when it says nothing (a TXT list, a bundle without a report), so IOC documents
 * of such feeds carry no empty object.
 */
/** A publication date as ISO UTC; a date that cannot be read is left out, not a reason to refuse the IOCs. */
export function bulletinDate(raw: unknown, field: string): string | undefined {
  const date = normalizeTimestamp(raw, field);
  return date.ok ? date.value : undefined;
}

export function buildBulletin(fields: Bulletin): Bulletin | undefined {
  const bulletin = withoutUndefined(fields);
  return Object.keys(bulletin).length === 0 ? undefined : bulletin;
}
