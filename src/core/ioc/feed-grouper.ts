import { basename, extname } from 'node:path';
import { buildIocId } from './ioc-id.js';
import type { IocFormat, ParseResult, ParsedIoc, RejectedEntry, SkippedCount } from './types.js';

/** One parsed source (or one chunk of a large one), with the name it was read under. */
export interface ParsedSource {
  name: string;
  result: ParseResult;
  /** Feed name the container gives (a MISP feed directory's name). */
  feedHint?: string;
}

/** What one feed has loaded so far in this sync. */
export interface FeedState {
  name: string;
  sources: string[];
  formats: IocFormat[];
  /**
   * Every IOC the feed lists in this load, by {@link idKey} of its document id (for dedupe and
   * `--replace`): 64 bits instead of 256 keep a million-IOC load's set small.
   */
  ids: Set<string>;
  /** Occurrences of an IOC already seen in this feed (same or another source). */
  duplicates: number;
}

/**
 * The first 64 bits of a document id, as a 4-character string: a collision among a feed's IOCs
 * has a probability of about n^2 / 2^65 (3e-8 for a million), and would only merge two IOCs'
 * dedupe entries. A flat 4-unit string (about 24 bytes) rather than a slice of the hex id,
 * which would keep the whole 64-character id alive.
 */
export function idKey(id: string): string {
  return String.fromCharCode(
    Number.parseInt(id.slice(0, 4), 16),
    Number.parseInt(id.slice(4, 8), 16),
    Number.parseInt(id.slice(8, 12), 16),
    Number.parseInt(id.slice(12, 16), 16),
  );
}

/** `/feeds/apt31-ips.txt` -> `apt31-ips`; a URL's last path segment likewise. */
export function feedNameFromSource(name: string): string {
  const last = basename(withoutTrailingSlashes(withoutQuery(name))) || name;
  return last.slice(0, last.length - extname(last).length) || last;
}

/** The text before a URL's query or fragment. (`/[?#].*$/` retried at every `?` before a newline: quadratic.) */
function withoutQuery(name: string): string {
  const cut = name.search(/[?#]/);
  return cut < 0 ? name : name.slice(0, cut);
}

/** (`/\/+$/` retried at every slash of a run not at the end: quadratic.) */
function withoutTrailingSlashes(name: string): string {
  let end = name.length;
  while (end > 0 && name.charAt(end - 1) === '/') end -= 1;
  return name.slice(0, end);
}

/**
 * Groups parsed sources into feeds as they arrive, and dedupes IOCs within a feed by their
 * document id. `--feed` names one feed for all sources; otherwise a source's own name
 * (bulletin id, MISP event info, STIX report), else its container's, else its file name.
 * Holds ids, not IOCs, so memory grows by one id per IOC however large the load.
 */
export class FeedGrouper {
  readonly feeds = new Map<string, FeedState>();
  readonly rejected: RejectedEntry[] = [];
  private readonly skipped = new Map<string, number>();

  constructor(private readonly feedOverride?: string) {}

  /** Registers a parsed source or chunk; returns its feed and the IOCs new to that feed. */
  add(source: ParsedSource): { feed: FeedState; fresh: [string, ParsedIoc][] } {
    const name = this.feedOverride ?? source.feedHint ?? source.result.feedName ?? feedNameFromSource(source.name);
    let feed = this.feeds.get(name);
    if (!feed) {
      feed = { name, sources: [], formats: [], ids: new Set(), duplicates: 0 };
      this.feeds.set(name, feed);
    }
    if (!feed.sources.includes(source.name)) feed.sources.push(source.name);
    if (!feed.formats.includes(source.result.format)) feed.formats.push(source.result.format);
    feed.duplicates += source.result.duplicates.length;
    const fresh: [string, ParsedIoc][] = [];
    for (const ioc of source.result.iocs) {
      const id = buildIocId(ioc.type, ioc.value);
      const key = idKey(id);
      if (feed.ids.has(key)) {
        feed.duplicates += 1;
      } else {
        feed.ids.add(key);
        fresh.push([id, ioc]);
      }
    }
    this.rejected.push(...source.result.rejected);
    for (const { reason, count } of source.result.skipped) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
    return { feed, fresh };
  }

  skippedCounts(): SkippedCount[] {
    return [...this.skipped].map(([reason, count]) => ({ reason, count }));
  }
}
