import { randomUUID } from 'node:crypto';
import { DEFAULT_LOCK_TTL_MS } from '../../core/defaults.js';
import { buildResourceNames } from '../../core/resource-names.js';
import type { Engine } from '../engine/engine.js';
import { runHunt, type HuntOptions } from '../hunt/run-hunt.js';
import { StateStore } from '../store/state-store.js';
import { prepareSync } from '../sync/prepare-sync.js';
import { syncAndRefresh } from '../sync/sync-and-refresh.js';
import { runLockedTick } from './locked-tick.js';
import { parseTickTiming, runTickLoop, type TickRecord } from './tick-loop.js';

export { parseDuration, type TickRecord } from './tick-loop.js';

export interface ScheduleOptions {
  prefix?: string;
  /** `30s`, `5m`, `1h`, `1d` (one of `every` or `cron`). */
  every?: string;
  /** A cron expression (5 or 6 fields), evaluated in UTC. */
  cron?: string;
  /** Sources synced at every tick (files, URLs, MISP feed directories). */
  sync?: readonly string[];
  feed?: string;
  /** Options of the incremental hunt each tick runs. */
  hunt?: Omit<HuntOptions, 'prefix' | 'mode' | 'signal' | 'resume'>;
  /** Lock expiry; the holder renews it every third of this. Default 5 min. */
  lockTtlMs?: number;
  /**
   * Stop after this many ticks (a CronJob's one tick, tests). Default: run until the signal. A
   * bounded run fails with its last tick's error when that tick failed, so `--ticks 1` cannot
   * exit 0 on a failure; an unbounded one logs the failure and goes on.
   */
  maxTicks?: number;
  signal?: AbortSignal;
  /** One structured record per tick. */
  onTick?: (record: TickRecord) => void;
}

/**
 * `iochunt schedule`: on each tick, takes the cluster-wide lock (one run at a time across every
 * iochunt process), syncs the given sources, refreshes the live matcher, runs an incremental
 * hunt, releases the lock. The lock is renewed while the tick works; if it is lost (taken over
 * after expiry) the tick's hunt is stopped at its next checkpoint. An abort (SIGTERM/SIGINT)
 * ends the current hunt at a checkpoint, releases the lock and returns; a tick already
 * interrupted makes the call throw InterruptedError (resumable with `hunt --resume`).
 */
export async function runSchedule(engine: Engine, options: ScheduleOptions): Promise<TickRecord[]> {
  const timing = parseTickTiming('schedule', options);
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  await state.ensure();
  const owner = randomUUID();
  const ttlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  const loop = { command: 'schedule', maxTicks: options.maxTicks, signal: options.signal, onTick: options.onTick };
  return runTickLoop(timing, loop, (tick) =>
    runLockedTick(
      { engine, stateIndex: names.state, owner, ttlMs, base: { tick, at: new Date().toISOString(), owner }, signal: options.signal },
      async (signal) => {
        const started = Date.now();
        let synced: TickRecord['synced'];
        if (options.sync && options.sync.length > 0) {
          const syncOptions = { sources: options.sync, prefix: names.prefix, ...(options.feed ? { feed: options.feed } : {}) };
          const { sync: report } = await syncAndRefresh(engine, await prepareSync(syncOptions), syncOptions);
          synced = { added: report.totals.added, updated: report.totals.updated, deactivated: report.totals.deactivated, rejected: report.totals.rejected };
        }
        const summary = await runHunt(engine, { ...options.hunt, prefix: names.prefix, mode: 'incremental', signal });
        return {
          action: 'hunted',
          ...(synced ? { synced } : {}),
          hunt: { ...(summary.runId ? { runId: summary.runId } : {}), ...(summary.newIocs === undefined ? {} : { newIocs: summary.newIocs }), alertsCreated: summary.progress.alertsCreated, findings: summary.totals.findings, durationMs: Date.now() - started },
        };
      },
    ),
  );
}
