import { isRemoteIndex, matchesClusterAlias, parseRemoteIndex } from '../../core/remote-index.js';
import { ClusterError, ConfigError } from '../../errors.js';
import type { Engine, ResolvedIndex } from '../engine/engine.js';

/** A concrete index behind the hunted patterns; `unreadable` is the engine's refusal to let this user search it. */
export interface HuntedIndex extends ResolvedIndex {
  unreadable?: string;
}

function isForbidden(error: unknown): boolean {
  return error instanceof ClusterError && error.kind === 'forbidden';
}

/**
 * The concrete indices behind the hunted patterns, each one this user may not read marked with
 * the engine's reason, so the hunt reports it as skipped: not a crash, not a silent gap (README
 * "Privileges"). Local and remote patterns (`eu:logs-*`, README "Remote clusters") are resolved
 * apart: a local index this user may not read never loses the remote ones.
 */
export async function resolveHuntedIndices(engine: Engine, patterns: readonly string[]): Promise<HuntedIndex[]> {
  const remote = patterns.filter(isRemoteIndex);
  const local = patterns.filter((pattern) => !isRemoteIndex(pattern));
  const remoteIndices = remote.length > 0 ? await resolveRemoteIndices(engine, remote) : [];
  const localIndices = local.length > 0 ? await resolveLocalIndices(engine, local) : [];
  const all: HuntedIndex[] = [...localIndices, ...remoteIndices];
  const unreadable = all.filter((index) => index.unreadable !== undefined);
  if (unreadable.length > 0 && unreadable.length === all.length) {
    throw new ClusterError('forbidden', `permission denied searching ${patterns.join(',')}: this user may read none of its ${unreadable.length} index(es): ${unreadable[0]?.unreadable ?? ''}`, { statusCode: 403 });
  }
  return all;
}

/**
 * The local patterns' indices. The cluster state lists every name the patterns match (cluster
 * `monitor`); the names that resolving left out are probed with an empty search each.
 *
 * - Elasticsearch, and OpenSearch with `do_not_fail_on_forbidden`, expand a pattern to the
 *   indices the user may read: the unreadable ones are the listed names resolving left out.
 * - OpenSearch's default refuses the whole pattern when one index in it is not readable: then
 *   every listed name is probed, and the readable ones are resolved by name.
 */
async function resolveLocalIndices(engine: Engine, patterns: readonly string[]): Promise<HuntedIndex[]> {
  let resolved: ResolvedIndex[] | undefined;
  try {
    resolved = await engine.resolveIndices(patterns);
  } catch (error) {
    if (!isForbidden(error)) throw error;
  }
  const listed = await engine.listIndexNames(patterns);
  const known = new Set((resolved ?? []).map((index) => index.name));
  const unresolved = listed.filter((name) => !known.has(name));
  if (unresolved.length === 0 && resolved) return resolved;
  const refusals = await engine.fetchReadRefusals(unresolved);
  const unreadable: HuntedIndex[] = [...refusals].map(([name, reason]) => ({ name, closed: false, unreadable: reason }));
  const names = unresolved.filter((name) => !refusals.has(name));
  const readable = resolved ?? (names.length > 0 ? await engine.resolveIndices(names) : []);
  return [...readable, ...unreadable];
}

/**
 * The remote patterns' indices, named `<cluster>:<index>`, through cross-cluster `_resolve/index`.
 * A remote cluster's state is not this cluster's to list, so what the remote cluster lets this
 * user see is what is hunted (its own security decides). Refused first, since each would be an
 * empty hunt without a word: a cluster part that names no configured remote cluster (none set
 * up, or the node lacks the `remote_cluster_client` role), and a named remote cluster that is
 * not connected (resolving and field capabilities then answer nothing, whatever
 * `skip_unavailable` says).
 */
async function resolveRemoteIndices(engine: Engine, patterns: readonly string[]): Promise<ResolvedIndex[]> {
  const clusters = await engine.fetchRemoteClusters();
  const configured = clusters.length > 0 ? clusters.map((c) => c.alias).join(', ') : 'none';
  for (const pattern of patterns) {
    const remote = parseRemoteIndex(pattern);
    if (!remote || remote.exclude) continue;
    const named = clusters.filter((cluster) => matchesClusterAlias(remote.cluster, cluster.alias));
    if (named.length === 0) {
      throw new ConfigError(
        `--index ${pattern}: no remote cluster ${remote.cluster} is configured on ${engine.info.url} (GET _remote/info lists ${configured}): set cluster.remote.${remote.cluster.replace(/\*/g, 'ALIAS')}.seeds to its transport address, on nodes with the remote_cluster_client role (README "Remote clusters")`,
      );
    }
    const down = named.find((cluster) => !cluster.connected);
    if (down) {
      throw new ClusterError(
        'unreachable',
        `--index ${pattern}: remote cluster ${down.alias} is not connected (GET _remote/info; seeds ${down.addresses.join(', ') || 'none'}): its indices cannot be resolved; check that it runs and that its seeds reach its transport port`,
      );
    }
  }
  return engine.resolveIndices(patterns);
}
