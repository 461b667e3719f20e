import { isJsonObject, jsonArray, jsonString } from '../ioc/json-values.js';
import type { Bulletin } from '../ioc/types.js';
import { parseTlpLabel, type TlpLabel } from './tlp-label.js';

/** What one feed says about a stored IOC, as far as a report is concerned. */
export interface StoredFeedEntry {
  name: string;
  tlp?: TlpLabel;
  bulletin?: Bulletin;
  /** When this feed first loaded the IOC (ISO). */
  addedAt?: string;
}

/** What a report reads of an IOC document in `<prefix>-iocs`: its markings and its sources. */
export interface StoredIoc {
  /** `threat.indicator.marking.tlp`: the strictest marking of its active feeds. */
  tlp?: TlpLabel;
  /** `iochunt.feeds[]`, active or not. */
  feeds: StoredFeedEntry[];
}

const BULLETIN_FIELDS = ['id', 'title', 'url', 'published', 'modified'] as const;

/** The string fields of a stored bulletin; anything else in it is ignored. */
function parseBulletin(value: unknown): Bulletin | undefined {
  if (!isJsonObject(value)) return undefined;
  const bulletin: Bulletin = {};
  for (const field of BULLETIN_FIELDS) {
    const text = jsonString(value[field]);
    if (text !== undefined) bulletin[field] = text;
  }
  return Object.keys(bulletin).length === 0 ? undefined : bulletin;
}

function parseFeedEntry(value: unknown): StoredFeedEntry | undefined {
  if (!isJsonObject(value)) return undefined;
  const name = jsonString(value.name);
  if (name === undefined) return undefined;
  const tlp = parseTlpLabel(jsonString(value.tlp));
  const bulletin = parseBulletin(value.bulletin);
  const addedAt = jsonString(value.added_at);
  return { name, ...(tlp ? { tlp } : {}), ...(bulletin ? { bulletin } : {}), ...(addedAt ? { addedAt } : {}) };
}

/**
 * The {@link StoredIoc} of an IOC document's `_source` (as `buildIocDocument` writes it). Read
 * defensively: the index is the user's, so a field of the wrong shape is left out, never thrown
 * on. Documents written before bulletins were kept have feed entries without `bulletin`.
 */
export function parseStoredIoc(source: Record<string, unknown>): StoredIoc {
  const threat = isJsonObject(source.threat) ? source.threat : {};
  const indicator = isJsonObject(threat.indicator) ? threat.indicator : {};
  const marking = isJsonObject(indicator.marking) ? indicator.marking : {};
  const iochunt = isJsonObject(source.iochunt) ? source.iochunt : {};
  const tlp = parseTlpLabel(jsonString(marking.tlp));
  const feeds = jsonArray(iochunt.feeds)
    .map(parseFeedEntry)
    .filter((entry): entry is StoredFeedEntry => entry !== undefined);
  return { ...(tlp ? { tlp } : {}), feeds };
}
