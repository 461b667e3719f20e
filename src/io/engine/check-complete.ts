import { ClusterError, redactUrl } from '../../errors.js';

/** One entry of `_shards.failures` (search, count, scroll), as both engines write it. */
interface ShardFailure {
  index?: string | null;
  shard?: number;
  node?: string | null;
  reason?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

/** The part of a search, scroll or count answer that says whether every shard answered. */
interface ShardedAnswer {
  _shards?: { total?: number; successful?: number; skipped?: number; failed?: number; failures?: ShardFailure[] };
  timed_out?: boolean;
  /** Cross-cluster search: how many clusters answered (Elasticsearch 8.10+ adds `partial` and `failed`). */
  _clusters?: { total?: number; successful?: number; skipped?: number; partial?: number; failed?: number };
}

/** `logs-2021 [0]: node_disconnected_exception: [node-2] disconnected` */
function describeFailure(failure: ShardFailure): string {
  const where = `${failure.index ?? '?'}${failure.shard === undefined ? '' : ` [${failure.shard}]`}`;
  const reason = failure.reason?.caused_by ?? failure.reason;
  return `${where}: ${reason?.type ?? 'unknown'}${reason?.reason ? `: ${reason.reason}` : ''}`.replace(/\s+/g, ' ');
}

/**
 * Refuses an answer that not every shard gave: `_shards.failed > 0` (a node lost mid-search, a
 * shard over a breaker) or `timed_out`. Both engines return such answers with HTTP 200 and the
 * failed shards' hits missing, so taking one as a result loses findings silently. Throws a
 * ClusterError of kind `partial` naming the indices, the shard count and the first reason,
 * which callers retry (a hunt redoes the unit from its start).
 */
export function checkComplete(body: unknown, context: { action: string; url: string }): void {
  const answer = (body ?? {}) as ShardedAnswer;
  const shards = answer._shards;
  const failed = shards?.failed ?? 0;
  if (failed > 0) {
    const failures = shards?.failures ?? [];
    const indices = [...new Set(failures.map((f) => f.index).filter((i): i is string => typeof i === 'string'))].sort();
    const types = [...new Set(failures.map((f) => (f.reason?.caused_by ?? f.reason)?.type).filter((t): t is string => typeof t === 'string'))];
    const total = shards?.total ?? failed;
    const first = failures[0] ? ` (${describeFailure(failures[0])}${failures.length > 1 ? `; and ${failures.length - 1} more` : ''})` : '';
    throw new ClusterError(
      'partial',
      `${context.action} at ${redactUrl(context.url)}: ${failed} of ${total} shard(s) failed${indices.length > 0 ? ` on ${indices.join(', ')}` : ''}${first}; their documents are missing from the answer`,
      { shards: { failed, total }, indices, ...(types[0] ? { type: types[0] } : {}), rootCauses: types },
    );
  }
  if (answer.timed_out === true) {
    throw new ClusterError('partial', `${context.action} at ${redactUrl(context.url)}: the search timed out on some shards; its answer is incomplete`, { type: 'timed_out' });
  }
  // A remote cluster with `skip_unavailable: true` that cannot be reached is left out of the
  // answer with HTTP 200 and no failed shard: only `_clusters` says so.
  const clusters = answer._clusters;
  const missing = (clusters?.skipped ?? 0) + (clusters?.partial ?? 0) + (clusters?.failed ?? 0);
  if (missing > 0) {
    throw new ClusterError(
      'partial',
      `${context.action} at ${redactUrl(context.url)}: ${missing} of ${clusters?.total ?? missing} cluster(s) did not answer (a remote cluster with skip_unavailable left out); their documents are missing from the answer`,
      { type: 'remote_cluster_skipped' },
    );
  }
}

/** The types that say a scroll or point in time expired or was lost with its node. */
const LOST_CONTEXT = new Set(['search_context_missing_exception', 'search_phase_execution_exception']);

/**
 * A scroll or point-in-time page that failed because its context is gone (expired, or held by
 * a node that left): a ClusterError of kind `partial` (the scan cannot go on where it was; the
 * caller starts it again), else the error itself.
 */
export function lostContextError(error: unknown, context: { action: string; url: string }): unknown {
  if (!(error instanceof ClusterError) || error.kind === 'partial') return error;
  const lostInTransit = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET'].includes(error.details.connection ?? '');
  if (error.kind === 'timeout' || lostInTransit || [502, 503, 504].includes(error.details.statusCode ?? 0)) {
    return new ClusterError('partial', `${context.action} at ${redactUrl(context.url)}: a scroll page was lost in transit (${error.message}); the scan must start again`, error.details, { cause: error });
  }
  const types = [error.details.type, ...(error.details.rootCauses ?? [])];
  if (!types.includes('search_context_missing_exception') && !(error.details.statusCode === 404 && types.some((t) => t !== undefined && LOST_CONTEXT.has(t)))) return error;
  return new ClusterError('partial', `${context.action} at ${redactUrl(context.url)}: the scroll or point in time was lost (expired, or its node left); the scan must start again`, { ...error.details, type: 'search_context_missing_exception' }, { cause: error });
}

/** Document reads (`_mget`) that failed for a shard carry an `error` instead of `found`. */
export function checkDocumentsComplete(docs: readonly { _id?: string; error?: { type?: string; reason?: string } }[], context: { action: string; url: string }): void {
  const failed = docs.filter((doc) => doc.error !== undefined);
  if (failed.length === 0) return;
  const first = failed[0]!.error!;
  throw new ClusterError(
    'partial',
    `${context.action} at ${redactUrl(context.url)}: ${failed.length} document(s) could not be read (${first.type ?? 'error'}${first.reason ? `: ${first.reason}` : ''}); a document a failed shard holds is not "absent"`,
    { ...(first.type ? { type: first.type } : {}) },
  );
}
