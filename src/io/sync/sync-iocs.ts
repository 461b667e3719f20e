import { buildDryRunReport } from '../../core/ioc/build-dry-run-report.js';
import type { SyncReport } from '../../core/ioc/sync-report.js';
import type { IocFormat } from '../../core/ioc/types.js';
import { UsageError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { applySync } from './apply-sync.js';
import { prepareSync, type PreparedSync } from './prepare-sync.js';
import type { ReadSourcesOptions } from './read-sources.js';

export type { FeedSyncReport, SyncReport } from '../../core/ioc/sync-report.js';
export { applySync, prepareSync, type PreparedSync };

export interface SyncOptions {
  /** Files, MISP feed directories, http(s) URLs, `-`. */
  sources: readonly string[];
  prefix?: string;
  format?: IocFormat | 'auto';
  /** One feed name for every source; default derived per source. */
  feed?: string;
  /** Retro-hunts of the loaded feeds start here; default 2021-01-01. */
  huntFrom?: string;
  /** Defaults for entries without their own. */
  tlp?: string;
  confidence?: number;
  /** IOCs of the loaded feeds absent from this load become inactive (never deleted). */
  replace?: boolean;
  /**
   * `replace` refuses (nothing written, exit 2) a load that would deactivate more than this
   * percentage of a feed's active IOCs; default 50, 100 to accept anything.
   */
  maxDropPercent?: number;
  /** Parse, validate and report; no cluster needed, nothing written. */
  dryRun?: boolean;
  /** Any rejected entry aborts before anything is written (exit 2). */
  strict?: boolean;
  /** Accept private/reserved addresses. */
  allowPrivate?: boolean;
  /** `--exact-domains`: the loaded feeds' domain IOCs match their exact name only (recorded per feed on each IOC). */
  exactDomains?: boolean;
  /** IOCs per lookup-and-write batch; default 1000. */
  batchSize?: number;
  /** Lines parsed at a time from a large TXT/CSV source; default 20,000. */
  chunkLines?: number;
  /** Bulk requests in flight; default 2. */
  concurrency?: number;
  /**
   * After this many IOCs, periodic refresh of the IOC index is turned off until the load ends
   * (see RefreshSuspension); default 50,000. `Infinity` never.
   */
  bulkLoadAfter?: number;
  /** Stops the load between batches: the run is recorded as failed (interrupted), exit 130. */
  signal?: AbortSignal;
  source?: ReadSourcesOptions;
  now?: () => Date;
  /** Progress: IOCs written or compared so far. */
  onProgress?: (done: number) => void;
}

/** `iochunt sync --dry-run`: every accepted IOC counted per feed and type; no cluster. */
export function reportDryRun(prepared: PreparedSync, options: SyncOptions): SyncReport {
  return buildDryRunReport(prepared, {
    huntFrom: prepared.huntFrom,
    startedAt: prepared.startedAt,
    ...(options.feed ? { feed: options.feed } : {}),
    ...(options.allowPrivate ? { allowPrivate: true } : {}),
    ...(options.chunkLines ? { chunkLines: options.chunkLines } : {}),
  });
}

/**
 * `iochunt sync`: {@link prepareSync} (read and validate, no cluster), then {@link reportDryRun}
 * or {@link applySync}. With `dryRun` the engine may be undefined.
 */
export async function syncIocs(engine: Engine | undefined, options: SyncOptions): Promise<SyncReport> {
  const prepared = await prepareSync(options);
  if (options.dryRun) return reportDryRun(prepared, options);
  if (!engine) throw new UsageError('sync needs a cluster unless --dry-run');
  return applySync(engine, prepared, options);
}
