import type { IocChange } from './build-ioc-document.js';
import type { FeedState } from './feed-grouper.js';
import type { IocFormat, IocType, RejectedEntry, SkippedCount } from './types.js';

/** Counts per change kind, per IOC type. */
export type ChangeCounts = Record<IocChange | 'rejected', number>;

function emptyCounts(): ChangeCounts {
  return { added: 0, updated: 0, reactivated: 0, unchanged: 0, deactivated: 0, rejected: 0 };
}

/** What one feed's load did. */
export interface FeedSyncReport {
  name: string;
  sources: string[];
  formats: IocFormat[];
  huntFrom: string;
  accepted: number;
  duplicates: number;
  byType: Partial<Record<IocType, ChangeCounts>>;
}

/** What `iochunt sync` did (or, with `--dry-run`, would do). */
export interface SyncReport {
  runId?: string;
  status: 'completed' | 'dry-run';
  feeds: FeedSyncReport[];
  totals: ChangeCounts & { accepted: number };
  rejected: RejectedEntry[];
  skipped: SkippedCount[];
  /** The IOC-set version after this sync (unchanged when nothing changed). */
  setVersion?: number;
  durationMs: number;
}

/** Per-feed, per-type counts of what a sync did, as it goes. */
export class SyncCounts {
  private readonly byFeed = new Map<string, Partial<Record<IocType, ChangeCounts>>>();

  add(feed: string, type: IocType, change: IocChange): void {
    let types = this.byFeed.get(feed);
    if (!types) this.byFeed.set(feed, (types = {}));
    (types[type] ??= emptyCounts())[change] += 1;
  }

  report(feeds: Iterable<FeedState>, huntFrom: string): FeedSyncReport[] {
    return [...feeds].map((feed) => ({
      name: feed.name,
      sources: feed.sources,
      formats: feed.formats,
      huntFrom,
      accepted: feed.ids.size,
      duplicates: feed.duplicates,
      byType: this.byFeed.get(feed.name) ?? {},
    }));
  }
}

/** The totals over every feed: accepted IOCs and each change kind, plus the rejected entries. */
export function buildSyncTotals(feeds: readonly FeedSyncReport[], rejected: number): SyncReport['totals'] {
  const totals = { ...emptyCounts(), rejected, accepted: 0 };
  for (const feed of feeds) {
    totals.accepted += feed.accepted;
    for (const counts of Object.values(feed.byType)) {
      for (const key of ['added', 'updated', 'reactivated', 'unchanged', 'deactivated'] as const) totals[key] += counts[key];
    }
  }
  return totals;
}
