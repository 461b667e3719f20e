import { buildSavedObjects, type SavedObject, type SavedObjectsTarget } from '../../core/kibana/build-saved-objects.js';
import { buildResourceNames } from '../../core/resource-names.js';
import { ClusterError } from '../../errors.js';
import { connect } from '../engine/connect.js';
import type { ConnectionOptions } from '../engine/connection-options.js';
import type { Engine } from '../engine/engine.js';

/** Feeds beyond this many get no saved search of their own (they stay in "all findings"). */
const MAX_FEEDS = 1000;

export interface ExportSavedObjectsOptions {
  /** The cluster, asked only for what the options leave open. */
  connection: ConnectionOptions;
  prefix: string;
  /** One saved search per feed; default: every feed in `<prefix>-iocs`. */
  feeds?: readonly string[];
  /** Default: from the cluster (OpenSearch: `dashboards`), else `kibana`. */
  target?: SavedObjectsTarget;
  /** Index patterns of the live-tagged events (the events data view). */
  eventsPattern: string;
  onWarning?: (message: string) => void;
}

/**
 * The feed names in `<prefix>-iocs` (a terms aggregation on `threat.feed.name`; an IOC listed by
 * two feeds counts for both). A missing index gives none.
 */
async function fetchFeedNames(engine: Engine, prefix: string, onWarning: (message: string) => void = () => undefined): Promise<string[]> {
  const body = await engine.search(buildResourceNames(prefix).iocs, {
    size: 0,
    track_total_hits: false,
    aggs: { feeds: { terms: { field: 'threat.feed.name', size: MAX_FEEDS, order: { _key: 'asc' } } } },
  });
  const feeds = (body.aggregations as { feeds?: { buckets?: { key: unknown }[]; sum_other_doc_count?: number } } | undefined)?.feeds;
  if ((feeds?.sum_other_doc_count ?? 0) > 0) {
    onWarning(`more than ${MAX_FEEDS} feeds: only the first ${MAX_FEEDS} by name get a saved search; name others with --feed`);
  }
  return (feeds?.buckets ?? []).map((bucket) => String(bucket.key));
}

/** Feeds and target of an export: what the options give, the rest from the cluster. */
async function resolveExport(options: ExportSavedObjectsOptions): Promise<{ feeds: readonly string[]; target: SavedObjectsTarget }> {
  const warn = options.onWarning ?? (() => undefined);
  const givenFeeds = options.feeds && options.feeds.length > 0 ? options.feeds : undefined;
  if (givenFeeds && options.target) return { feeds: givenFeeds, target: options.target };
  let engine: Engine;
  try {
    engine = await connect(options.connection);
  } catch (error) {
    // Only the target is missing and the cluster is unreachable: Kibana, said so.
    if (!givenFeeds || !(error instanceof ClusterError)) throw error;
    warn(`${error.message}; exporting for Kibana (set --target dashboards for OpenSearch Dashboards)`);
    return { feeds: givenFeeds, target: 'kibana' };
  }
  try {
    const target = options.target ?? (engine.info.flavor === 'opensearch' ? 'dashboards' : 'kibana');
    const feeds = givenFeeds ?? (await fetchFeedNames(engine, options.prefix, warn));
    if (feeds.length === 0) {
      warn(`no feeds in ${buildResourceNames(options.prefix).iocs} yet: no per-feed saved searches (run iochunt sync first, or name feeds with --feed)`);
    }
    return { feeds, target };
  } finally {
    await engine.close();
  }
}

/** `iochunt kibana export`: the saved objects ({@link buildSavedObjects}) for the feeds and target resolved above. */
export async function exportSavedObjects(options: ExportSavedObjectsOptions): Promise<{ objects: SavedObject[]; target: SavedObjectsTarget }> {
  const { feeds, target } = await resolveExport(options);
  return { objects: buildSavedObjects({ prefix: options.prefix, feeds: [...feeds], target, eventsPattern: options.eventsPattern }), target };
}
