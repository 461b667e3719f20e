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
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const name of names) {
    const size = encodeURIComponent(name).length + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current.join(','));
      current = [];
      bytes = 0;
    }
    current.push(name);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current.join(','));
  return chunks;
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
