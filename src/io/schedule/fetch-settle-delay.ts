import { buildSettleDelay, type SettleDelay } from '../../core/schedule/build-settle-delay.js';
import { clockSkewBound } from '../../core/schedule/clock-skew-bound.js';
import type { Engine } from '../engine/engine.js';

/**
 * The settle delay of the hunted patterns now ({@link buildSettleDelay}): their indices' refresh
 * intervals (one `_settings` read) and this host's clock skew against every node (one
 * `_nodes/stats` read, bounded by its round trip: {@link clockSkewBound}). Two requests.
 */
export async function fetchSettleDelay(engine: Engine, patterns: readonly string[], marginMs?: number): Promise<SettleDelay> {
  // `cluster:pattern` (a `:` is never part of an index name) names a remote cluster's indices, whose settings `_settings` cannot read.
  const remotePatterns = patterns.filter((pattern) => pattern.includes(':'));
  const refreshIntervals = await engine.fetchRefreshIntervals(patterns.filter((pattern) => !pattern.includes(':')));
  const sentAt = Date.now();
  const nodeTimes = await engine.fetchNodeTimes();
  const receivedAt = Date.now();
  return buildSettleDelay({ refreshIntervals, skewMs: clockSkewBound({ sentAt, receivedAt, nodeTimes }), remotePatterns, ...(marginMs === undefined ? {} : { marginMs }) });
}
