import { withoutUndefined } from './assign-defined.js';
import type { Bulletin } from './types.js';

/**
 * The {@link Bulletin} of what a source says about its publication, without absent fields;
 * undefined when it says nothing (a TXT list, a bundle without a report), so IOC documents
 * of such feeds carry no empty object.
 */
export function buildBulletin(fields: Bulletin): Bulletin | undefined {
  const bulletin = withoutUndefined(fields);
  return Object.keys(bulletin).length === 0 ? undefined : bulletin;
}
