import type { Bulletin } from '../ioc/types.js';
import type { StoredFeedEntry, StoredIoc } from './parse-stored-ioc.js';
import { strictestTlp, type TlpLabel } from './tlp-label.js';

/** Where the IOCs of one feed in a report came from (README `iochunt report`, "Sources"). */
export interface FeedSource {
  feed: string;
  /** IOCs in the report this feed lists. */
  iocs: number;
  /** The strictest TLP this feed gives them; null when it marks none. */
  tlp: TlpLabel | null;
  /** The distinct bulletins (CERT-FR bulletin, MISP event, STIX report) they came from, oldest first. */
  bulletins: Bulletin[];
  /** When iochunt first loaded one of them from this feed (ISO). */
  loadedAt?: string;
}

/** A reported IOC: its id and the feeds its findings name. */
interface SourcedIoc {
  id: string;
  feeds: readonly string[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One bulletin is one publication, however many IOCs repeat it: the id names it, else its URL, else its title. */
const bulletinKey = (bulletin: Bulletin): string => bulletin.id ?? bulletin.url ?? bulletin.title ?? JSON.stringify(bulletin);

/** Of two copies of a bulletin, the one changed last: a re-loaded MISP event carries its newer `modified`. */
const newer = (a: Bulletin, b: Bulletin): Bulletin => ((b.modified ?? '') > (a.modified ?? '') ? b : a);

const compareBulletins = (a: Bulletin, b: Bulletin): number =>
  byText(a.published ?? '', b.published ?? '') || byText(a.title ?? '', b.title ?? '') || byText(bulletinKey(a), bulletinKey(b));

function buildFeedSource(feed: string, entries: readonly (StoredFeedEntry | undefined)[]): FeedSource {
  const bulletins = new Map<string, Bulletin>();
  let loadedAt: string | undefined;
  for (const entry of entries) {
    if (entry?.bulletin) {
      const key = bulletinKey(entry.bulletin);
      const seen = bulletins.get(key);
      bulletins.set(key, seen ? newer(seen, entry.bulletin) : entry.bulletin);
    }
    if (entry?.addedAt !== undefined && (loadedAt === undefined || entry.addedAt < loadedAt)) loadedAt = entry.addedAt;
  }
  return {
    feed,
    iocs: entries.length,
    tlp: strictestTlp(entries.map((entry) => entry?.tlp)) ?? null,
    bulletins: [...bulletins.values()].map((bulletin) => ({ ...bulletin })).sort(compareBulletins),
    ...(loadedAt === undefined ? {} : { loadedAt }),
  };
}

/**
 * Per feed named by the reported IOCs, sorted by name: how many of them it lists, its
 * marking of them, and the bulletins they came from, read from each IOC document's entry for
 * that feed (`iochunt.feeds[]`). An IOC deleted since its findings, or a document loaded before
 * bulletins were kept, counts without a bulletin. Pure; the result shares no objects with the inputs.
 */
export function buildFeedSources(iocs: readonly SourcedIoc[], stored: ReadonlyMap<string, StoredIoc>): FeedSource[] {
  const entriesPerFeed = new Map<string, (StoredFeedEntry | undefined)[]>();
  for (const ioc of iocs) {
    const feeds = stored.get(ioc.id)?.feeds ?? [];
    for (const feed of ioc.feeds) {
      const entries = entriesPerFeed.get(feed) ?? [];
      entries.push(feeds.find((entry) => entry.name === feed));
      entriesPerFeed.set(feed, entries);
    }
  }
  return [...entriesPerFeed.entries()].sort(([a], [b]) => byText(a, b)).map(([feed, entries]) => buildFeedSource(feed, entries));
}
