import { describeList } from '../../core/describe-list.js';
import { remoteClustersOf } from '../../core/remote-index.js';

/**
 * Index lists in request paths. The engines refuse an HTTP request line over 4 KiB
 * (`http.max_initial_line_length`): "too_long_http_line_exception" at a few hundred concrete
 * indices, and a SOC with daily indices since 2021 has thousands. Every list that goes into a
 * path is cut to fit (README "Any number of indices"); the rest of the line (method, endpoint,
 * query string) keeps the room it needs.
 */

/** Path bytes a list of index names may take in one request. */
export const MAX_INDEX_PATH_BYTES = 2048;

/** `a,b,c` or `['a','b','c']` -> comma-joined lists whose URL-encoded form fits `maxBytes`, in order. */
export function chunkIndexList(index: string | readonly string[], maxBytes = MAX_INDEX_PATH_BYTES): string[] {
  const names = (typeof index === 'string' ? index.split(',') : [...index]).filter((name) => name !== '');
  return packInOrder(names, (name) => encodeURIComponent(name).length + 1, maxBytes);
}

/** Names -> comma-joined lists, in order, each of total `weight` at most `max` (a name heavier than that alone). */
function packInOrder(names: readonly string[], weight: (name: string) => number, max: number): string[] {
  const lists: string[] = [];
  let current: string[] = [];
  let total = 0;
  for (const name of names) {
    const size = weight(name);
    if (current.length > 0 && total + size > max) {
      lists.push(current.join(','));
      current = [];
      total = 0;
    }
    current.push(name);
    total += size;
  }
  if (current.length > 0) lists.push(current.join(','));
  return lists;
}

/**
 * Open scroll (or point-in-time) contexts a node allows by default
 * (`search.max_open_scroll_context`): a scroll holds one per shard it searches, and past the
 * limit the node refuses the search ("Trying to create too many scroll contexts").
 */
export const DEFAULT_MAX_OPEN_SCROLL_CONTEXTS = 500;

/**
 * Shards one scan may hold open, of a node's `limit`: a quarter, so the hunt's concurrent units
 * and other users' scrolls fit beside it (README "Any number of indices").
 */
export function scanShardBudget(limit: number): number {
  return Math.max(1, Math.floor(limit / 4));
}

/**
 * A list to scan, cut into parts that each fit one path (`maxBytes`, as {@link chunkIndexList})
 * and hold at most `maxShards` shards, in order. `shardsOf` gives an index's primary shard count
 * (1 where unknown: a pattern, an alias, a remote index). An index over the budget alone is a
 * part of its own: an index cannot be cut.
 */
export function chunkScanList(index: string, shardsOf: (name: string) => number, maxShards: number, maxBytes = MAX_INDEX_PATH_BYTES): string[] {
  return chunkIndexList(index, maxBytes).flatMap((chunk) => packInOrder(chunk.split(','), (name) => Math.max(1, shardsOf(name)), maxShards));
}

/** The list as a path segment, each name encoded. */
export function indexPath(index: string): string {
  return index.split(',').map(encodeURIComponent).join(',');
}

/**
 * The path that names every index a list may hold, for a list too long to name (filtered on
 * `_index` in the body): `*`, and `<cluster>:*` for each remote cluster the list names.
 */
export function everyIndexPath(index: string): string {
  return ['*', ...remoteClustersOf(index.split(',')).map((cluster) => `${cluster}:*`)].map(encodeURIComponent).join(',');
}

/** `logs-a,logs-b,logs-c (and 997 more)`: a comma-joined index list in a message stays one short line. */
export function describeIndices(index: string): string {
  return describeList(index.split(','));
}
