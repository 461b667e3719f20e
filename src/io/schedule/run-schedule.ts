import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import { InterruptedError, IochuntError, UsageError } from '../../errors.js';
import { buildResourceNames } from '../../core/resource-names.js';
import type { Engine } from '../engine/engine.js';
import { runHunt, type HuntOptions } from '../hunt/run-hunt.js';
import { ScheduleLock } from './schedule-lock.js';
import { StateStore } from '../store/state-store.js';
import { prepareSync } from '../sync/prepare-sync.js';
import { syncAndRefresh } from '../sync/sync-and-refresh.js';

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

export interface TickRecord {
  tick: number;
  at: string;
  owner: string;
  action: 'hunted' | 'skipped' | 'failed' | 'interrupted';
  lockHolder?: string;
  lockExpires?: string;
  /** When this tick took the lock, and when its work ended (before the release). */
  lockedAt?: string;
  finishedAt?: string;
  synced?: { added: number; updated: number; deactivated: number; rejected: number };
  hunt?: { runId?: string; newIocs?: number; alertsCreated: number; findings: number; durationMs: number };
  error?: string;
}

/** `90s` / `5m` / `2h` / `1d` -> milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`--every: "${text}" is not a duration (e.g. 30s, 5m, 1h, 1d)`);
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * factor;
  if (ms < 1_000) throw new UsageError(`--every: ${text} is too short (1s at least)`);
  return ms;
}

/** Milliseconds until the next tick. */
function nextDelay(options: ScheduleOptions, cron: Cron | undefined, every: number | undefined): number {
  if (cron) {
    const next = cron.nextRun();
    return next ? Math.max(0, next.getTime() - Date.now()) : Number.POSITIVE_INFINITY;
  }
  return every ?? 0;
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
  if (Boolean(options.every) === Boolean(options.cron)) throw new UsageError('schedule needs exactly one of --every or --cron');
  const every = options.every ? parseDuration(options.every) : undefined;
  let cron: Cron | undefined;
  if (options.cron) {
    try {
      cron = new Cron(options.cron, { timezone: 'UTC', paused: true });
    } catch (error) {
      throw new UsageError(`--cron: "${options.cron}" is not a cron expression: ${(error as Error).message}`);
    }
  }
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  await state.ensure();
  const owner = randomUUID();
  const ttl = options.lockTtlMs ?? 300_000;
  const records: TickRecord[] = [];
  let interrupted = false;
  let lastFailure: unknown;
  for (let tick = 1; !options.signal?.aborted && (options.maxTicks === undefined || tick <= options.maxTicks); tick++) {
    if (tick > 1 || cron) {
      try {
        await sleep(nextDelay(options, cron, every), undefined, options.signal ? { signal: options.signal } : undefined);
      } catch {
        break; // aborted while waiting
      }
    }
    const attempt: TickAttempt = { options, names, owner, ttl, tick };
    const record = await runTick(engine, attempt);
    lastFailure = record.action === 'failed' ? attempt.failure : undefined;
    records.push(record);
    options.onTick?.(record);
    if (record.action === 'interrupted') {
      interrupted = true;
      break;
    }
  }
  if (interrupted) throw new InterruptedError(`schedule stopped during a hunt: its checkpoint is kept; the next tick resumes from the watermark`);
  if (options.maxTicks !== undefined && lastFailure !== undefined) throw lastFailure;
  return records;
}

/** One tick's inputs; `failure` is set to the error a failed tick recorded (not a lost lock). */
interface TickAttempt {
  options: ScheduleOptions;
  names: ReturnType<typeof buildResourceNames>;
  owner: string;
  ttl: number;
  tick: number;
  failure?: unknown;
}

async function runTick(engine: Engine, context: TickAttempt): Promise<TickRecord> {
  const { options, names, owner, ttl, tick } = context;
  const base = { tick, at: new Date().toISOString(), owner };
  const lock = new ScheduleLock(engine, names.state, owner, ttl);
  const taken = await lock.acquire();
  if (!taken.acquired) {
    return { ...base, action: 'skipped', lockHolder: taken.holder.owner, lockExpires: taken.holder.expires_at };
  }
  const lockedAt = new Date().toISOString();
  // The tick's own stop signal: SIGTERM, or the lock lost to a takeover.
  const tickStop = new AbortController();
  const onAbort = (): void => tickStop.abort();
  options.signal?.addEventListener('abort', onAbort);
  const heartbeat = setInterval(() => {
    lock.renew().then(
      (kept) => {
        if (!kept) tickStop.abort();
      },
      () => undefined, // a failed renewal is retried at the next beat; expiry covers a dead cluster
    );
  }, Math.max(1_000, Math.floor(ttl / 3)));
  const started = Date.now();
  try {
    let synced: TickRecord['synced'];
    if (options.sync && options.sync.length > 0) {
      const syncOptions = { sources: options.sync, prefix: names.prefix, ...(options.feed ? { feed: options.feed } : {}) };
      const { sync: report } = await syncAndRefresh(engine, await prepareSync(syncOptions), syncOptions);
      synced = { added: report.totals.added, updated: report.totals.updated, deactivated: report.totals.deactivated, rejected: report.totals.rejected };
    }
    const summary = await runHunt(engine, { ...options.hunt, prefix: names.prefix, mode: 'incremental', signal: tickStop.signal });
    return {
      ...base,
      lockedAt,
      finishedAt: new Date().toISOString(),
      action: 'hunted',
      ...(synced ? { synced } : {}),
      hunt: { ...(summary.runId ? { runId: summary.runId } : {}), ...(summary.newIocs === undefined ? {} : { newIocs: summary.newIocs }), alertsCreated: summary.progress.alertsCreated, findings: summary.totals.findings, durationMs: Date.now() - started },
    };
  } catch (error) {
    // A tick stopped because another scheduler took the lock over is that scheduler's work now.
    if (!(error instanceof InterruptedError)) context.failure = error;
    if (error instanceof InterruptedError) {
      // Stopped by SIGTERM: the schedule ends. Stopped because the lock was taken over: only this tick.
      if (options.signal?.aborted) return { ...base, action: 'interrupted', error: error.message };
      return { ...base, action: 'failed', error: `lost the schedule lock (expired and taken over); ${error.message}` };
    }
    return { ...base, action: 'failed', error: error instanceof IochuntError ? error.message : String(error) };
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    await lock.release().catch(() => undefined);
  }
}
