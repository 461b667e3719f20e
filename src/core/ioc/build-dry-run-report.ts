import { FeedGrouper } from './feed-grouper.js';
import { parseSource, type ParseSourceOptions, type PreparedSources } from './parse-sources.js';
import { buildSyncTotals, SyncCounts, type SyncReport } from './sync-report.js';

export interface DryRunOptions extends ParseSourceOptions {
  /** `--feed`: one feed for every source. */
  feed?: string;
  huntFrom: string;
  startedAt: number;
}

/** `iochunt sync --dry-run`: every accepted IOC counted per feed and type, as a first load would add it; no cluster. */
export function buildDryRunReport(prepared: PreparedSources, options: DryRunOptions): SyncReport {
  const grouper = new FeedGrouper(options.feed);
  const counts = new SyncCounts();
  for (let i = 0; i < prepared.texts.length; i++) {
    for (const source of parseSource(prepared, i, options)) {
      const { feed, fresh } = grouper.add(source);
      for (const [, ioc] of fresh) counts.add(feed.name, ioc.type, 'added');
    }
  }
  const feeds = counts.report(grouper.feeds.values(), options.huntFrom);
  return {
    status: 'dry-run',
    feeds,
    totals: { ...buildSyncTotals(feeds, grouper.rejected.length), added: 0 },
    rejected: grouper.rejected,
    skipped: grouper.skippedCounts(),
    durationMs: Date.now() - options.startedAt,
  };
}
