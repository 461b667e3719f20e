import { DEFAULT_REFRESH_INTERVAL_MS, DEFAULT_SETTLE_MARGIN_MS } from '../defaults.js';
import { parseTimeValue } from '../time/parse-time-value.js';

/**
 * How long after its ingest timestamp an event is surely searchable, by this host's clock
 * (README "Near-live: iochunt watch"): the longest refresh interval of the hunted indices, plus
 * the clock skew between this host and the cluster, plus a margin.
 */
export interface SettleDelay {
  /** refreshMs + skewMs + marginMs. */
  ms: number;
  refreshMs: number;
  /** The index whose refresh interval is `refreshMs`, when an index set it. */
  slowestIndex?: string;
  skewMs: number;
  marginMs: number;
  /** Indices whose delay nothing bounds (refresh disabled, an unreadable setting): not in `refreshMs`, named here. */
  warnings: string[];
}

export interface BuildSettleDelayInput {
  /** `index.refresh_interval` per hunted index, as the engine reports it (its default included); undefined: the engines' default. */
  refreshIntervals: ReadonlyMap<string, string | undefined>;
  /** {@link clockSkewBound} of this host against the cluster. */
  skewMs: number;
  marginMs?: number;
  /** Remote clusters' patterns (`eu:logs-*`): their settings and clocks are another cluster's, not read. */
  remotePatterns?: readonly string[];
}

/** Names in a warning: the first few, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/**
 * The settle delay of a near-live run. An event with `event.ingested` = T (the cluster's clock)
 * is searchable after the next refresh of its shard, by T + refresh interval (+ the margin);
 * this host reads T against its own clock, which may be behind the cluster's by up to the
 * skew. So every event ingested before now − delay is searchable now. An index with refresh
 * disabled (`-1`) bounds nothing: its events show only when something refreshes it, so it is
 * left out of the maximum and named in a warning. Pure.
 */
export function buildSettleDelay(input: BuildSettleDelayInput): SettleDelay {
  const marginMs = input.marginMs ?? DEFAULT_SETTLE_MARGIN_MS;
  let refreshMs = DEFAULT_REFRESH_INTERVAL_MS;
  let slowestIndex: string | undefined;
  const disabled: string[] = [];
  const unreadable: string[] = [];
  for (const [index, setting] of [...input.refreshIntervals].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ms = setting === undefined ? DEFAULT_REFRESH_INTERVAL_MS : parseTimeValue(setting);
    if (ms === undefined) unreadable.push(`${index} ("${setting}")`);
    else if (ms === Number.POSITIVE_INFINITY) disabled.push(index);
    else if (ms > refreshMs) {
      refreshMs = ms;
      slowestIndex = index;
    }
  }
  const warnings: string[] = [];
  if (disabled.length > 0) {
    warnings.push(`refresh is disabled on ${listed(disabled)} (index.refresh_interval -1): their events become searchable only when something refreshes them, so events that show late can be missed there`);
  }
  if (unreadable.length > 0) warnings.push(`cannot read the refresh interval of ${listed(unreadable)}: left out of the settle delay`);
  if (input.remotePatterns && input.remotePatterns.length > 0) {
    warnings.push(`the refresh intervals and clocks behind ${listed(input.remotePatterns)} are a remote cluster's and not read: the settle delay assumes they are no slower than this cluster's`);
  }
  const skewMs = Math.max(0, Math.ceil(input.skewMs));
  return { ms: refreshMs + skewMs + marginMs, refreshMs, ...(slowestIndex ? { slowestIndex } : {}), skewMs, marginMs, warnings };
}
