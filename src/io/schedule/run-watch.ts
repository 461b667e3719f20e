import { randomUUID } from 'node:crypto';
import { DEFAULT_HUNT_INDICES, DEFAULT_LOCK_TTL_MS, DEFAULT_WATCH_INTERVAL } from '../../core/defaults.js';
import { buildResourceNames } from '../../core/resource-names.js';
import type { SettleDelay } from '../../core/schedule/build-settle-delay.js';
import { lateEventsWarning, planWatchTick, type WatchTickPlan } from '../../core/schedule/plan-watch-tick.js';
import { IochuntError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { runHunt, type HuntOptions } from '../hunt/run-hunt.js';
import { huntWatermarkOf } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';
import { fetchSettleDelay } from './fetch-settle-delay.js';
import { runLockedTick } from './locked-tick.js';
import { parseTickTiming, runTickLoop, type TickRecord, type TickResult } from './tick-loop.js';

export interface WatchOptions {
  prefix?: string;
  /** Interval: `15s` (the default), `30s`, `1m`... */
  every?: string;
  /** Options of the near-live hunt each busy tick runs (its range is the watch's own). */
  hunt?: Omit<HuntOptions, 'prefix' | 'mode' | 'signal' | 'resume' | 'since' | 'until' | 'overlapMs' | 'settleMs' | 'dryRun'>;
  /** Added to the refresh interval and the clock skew in the settle delay. Default 2 s. */
  marginMs?: number;
  /** Lock expiry; the holder renews it every third of this. Default 5 min. */
  lockTtlMs?: number;
  /** Stop after this many ticks (tests, benchmarks). Default: run until the signal. */
  maxTicks?: number;
  signal?: AbortSignal;
  /** One structured record per tick. */
  onTick?: (record: TickRecord) => void;
}

/** The figures of a settle delay, for a record. */
function settleFigures(settle: SettleDelay): NonNullable<TickRecord['settle']> {
  const { warnings: _warnings, ...figures } = settle;
  return figures;
}

/**
 * `iochunt watch`: near-live hunting for IOC sets live tagging cannot hold, or clusters that
 * pay no ingest cost (README "Near-live: iochunt watch"). Each tick, without the lock, reads
 * the IOC-set version and the watermark (one `_mget`) and counts the events of the window
 * since the last hunt (one `_count`, {@link planWatchTick}); with none, the tick is `idle` and
 * writes nothing. Otherwise it takes the lock `schedule` uses, re-reads the settle delay and
 * runs an incremental hunt whose range ends the settle delay before now, so every event it
 * passes over was searchable. The settle delay is read at the start (which also asks for its
 * privileges before the first tick) and again by every hunting tick: an idle tick moves no
 * watermark, so a delay that grew since is caught up by the next hunt's window.
 */
export async function runWatch(engine: Engine, options: WatchOptions = {}): Promise<TickRecord[]> {
  const timing = parseTickTiming('watch', { every: options.every ?? DEFAULT_WATCH_INTERVAL });
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  await state.ensure();
  const patterns = [...(options.hunt?.index ?? DEFAULT_HUNT_INDICES)];
  const scope = { index: patterns, feeds: [...(options.hunt?.feeds ?? [])] };
  let settle = await fetchSettleDelay(engine, patterns, options.marginMs);
  const owner = randomUUID();
  const ttlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  const loop = { command: 'watch', maxTicks: options.maxTicks, signal: options.signal, onTick: options.onTick };

  return runTickLoop(timing, loop, async (tick): Promise<TickResult> => {
    const now = Date.now();
    const base = { tick, at: new Date(now).toISOString(), owner };
    let plan: WatchTickPlan;
    try {
      const { setVersion, watermark } = await state.fetchSetVersionAndWatermark(scope);
      plan = planWatchTick({ now, settleMs: settle.ms, setVersion, ...(watermark ? { watermark: huntWatermarkOf(watermark) } : {}) });
    } catch (error) {
      return { record: { ...base, action: 'failed', error: error instanceof IochuntError ? error.message : String(error) }, failure: error };
    }
    if (plan.kind === 'idle') return { record: { ...base, action: 'idle', window: plan.window, settle: settleFigures(settle) } };
    let reason: string | undefined = plan.kind === 'hunt' ? plan.reason : undefined;
    if (plan.kind === 'check') {
      try {
        const events = await engine.countDocuments(patterns.join(','), plan.query);
        if (events === 0) return { record: { ...base, action: 'idle', window: plan.window, settle: settleFigures(settle) } };
        reason = `${events} event(s) in the window`;
      } catch (error) {
        // The count only spares work: a refused one (an unreadable index under a pattern) costs a
        // hunt, which skips such indices with their reason.
        reason = `the count failed, hunting instead: ${error instanceof IochuntError ? error.message : String(error)}`;
      }
    }
    return runLockedTick({ engine, stateIndex: names.state, owner, ttlMs, base: { ...base, ...(reason ? { reason } : {}) }, signal: options.signal }, async (signal) => {
      const started = Date.now();
      settle = await fetchSettleDelay(engine, patterns, options.marginMs);
      const summary = await runHunt(engine, { ...options.hunt, prefix: names.prefix, mode: 'incremental', settleMs: settle.ms, signal });
      const late = summary.window ? lateEventsWarning(summary.window.field) : undefined;
      const warnings = [...settle.warnings, ...(late ? [late] : [])];
      return {
        action: 'hunted',
        hunt: { ...(summary.runId ? { runId: summary.runId } : {}), ...(summary.newIocs === undefined ? {} : { newIocs: summary.newIocs }), alertsCreated: summary.progress.alertsCreated, findings: summary.totals.findings, durationMs: Date.now() - started },
        ...(summary.window ? { window: summary.window } : {}),
        settle: settleFigures(settle),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    });
  });
}
