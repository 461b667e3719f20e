import { ClusterError } from '../../errors.js';
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
 * "Privileges"). The cluster state lists every name the patterns match (cluster `monitor`);
 * the names that resolving left out are probed with an empty search each.
 *
 * - Elasticsearch, and OpenSearch with `do_not_fail_on_forbidden`, expand a pattern to the
 *   indices the user may read: the unreadable ones are the listed names resolving left out.
 * - OpenSearch's default refuses the whole pattern when one index in it is not readable: then
 *   every listed name is probed, and the readable ones are resolved by name.
 */
export async function resolveHuntedIndices(engine: Engine, patterns: readonly string[]): Promise<HuntedIndex[]> {
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
  if (readable.length === 0 && unreadable.length > 0) {
    throw new ClusterError('forbidden', `permission denied searching ${patterns.join(',')}: this user may read none of its ${unreadable.length} index(es): ${unreadable[0]?.unreadable ?? ''}`, { statusCode: 403 });
  }
  return [...readable, ...unreadable];
}
