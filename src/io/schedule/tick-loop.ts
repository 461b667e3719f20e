import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import type { SettleDelay } from '../../core/schedule/build-settle-delay.js';
import { InterruptedError, UsageError } from '../../errors.js';

/** One structured record per tick of `schedule` or `watch` (README "iochunt schedule", "Near-live: iochunt watch"). */
export interface TickRecord {
  tick: number;
  at: string;
  owner: string;
  /** `idle` (watch): nothing new since the last hunt; nothing was written and no lock was taken. */
  action: 'hunted' | 'idle' | 'skipped' | 'failed' | 'interrupted';
  lockHolder?: string;
  lockExpires?: string;
  /** When this tick took the lock, and when its work ended (before the release). */
  lockedAt?: string;
  finishedAt?: string;
  synced?: { added: number; updated: number; deactivated: number; rejected: number };
  hunt?: { runId?: string; newIocs?: number; alertsCreated: number; findings: number; durationMs: number };
  /**
   * Watch: the span looked at (an idle tick's count; a hunt's new-events window, with the field it
   * is on). Absent when the hunt had no window: the first one, a full hunt.
   */
  window?: { from: string; until: string; field?: string };
  /** Watch: the settle delay the tick's window was cut with. */
  settle?: Omit<SettleDelay, 'warnings'>;
  /** Watch: why a tick hunted without counting first (`first hunt`, `new IOCs`), or that its count failed. */
  reason?: string;
  /** Watch: what this tick's window may miss (refresh disabled on an index, a window on `@timestamp`). */
  warnings?: string[];
  error?: string;
}

/** What one tick returns: its record, and for a failed tick the error a bounded run ends with. */
export interface TickResult {
  record: TickRecord;
  failure?: unknown;
}

/** When ticks happen: every `every` (the first at once), or at each time of a cron expression. */
export interface TickTiming {
  every?: number;
  cron?: Cron;
}

export interface TickLoopOptions {
  /** The command, for messages: `schedule` or `watch`. */
  command: string;
  /** Stop after this many ticks; a bounded run fails with its last tick's error when that tick failed. */
  maxTicks?: number;
  signal?: AbortSignal;
  onTick?: (record: TickRecord) => void;
}

/** `90s` / `5m` / `2h` / `1d` -> milliseconds; a UsageError naming `flag` below `minMs` (default: `--every`, 1 s). */
export function parseDuration(text: string, flag = '--every', minMs = 1_000): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30s, 5m, 1h, 1d)`);
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * factor;
  if (ms < minMs) throw new UsageError(`${flag}: ${text} is too short (${minMs % 1_000 === 0 ? `${minMs / 1_000}s` : `${minMs}ms`} at least)`);
  return ms;
}

/** `--every` or `--cron` (exactly one), checked before anything touches the cluster. */
export function parseTickTiming(command: string, options: { every?: string; cron?: string }): TickTiming {
  if (Boolean(options.every) === Boolean(options.cron)) throw new UsageError(`${command} needs exactly one of --every or --cron`);
  if (options.every) return { every: parseDuration(options.every) };
  try {
    return { cron: new Cron(options.cron!, { timezone: 'UTC', paused: true }) };
  } catch (error) {
    throw new UsageError(`--cron: "${options.cron}" is not a cron expression: ${(error as Error).message}`);
  }
}

/** Milliseconds until the next tick. */
function nextDelay(timing: TickTiming): number {
  if (timing.cron) {
    const next = timing.cron.nextRun();
    return next ? Math.max(0, next.getTime() - Date.now()) : Number.POSITIVE_INFINITY;
  }
  return timing.every ?? 0;
}

/**
 * The loop `schedule` and `watch` share: runs `tick` at each time of `timing` (with `every`, the
 * first at once), hands each record to `onTick`, and stops on the signal (while waiting: returns
 * the records; during a tick that ends `interrupted`: throws InterruptedError, its checkpoint
 * kept) or after `maxTicks` (then a failed last tick's error is thrown, so `--ticks 1` cannot
 * exit 0 on a failure; an unbounded loop logs the failure and goes on).
 */
export async function runTickLoop(timing: TickTiming, options: TickLoopOptions, tick: (tick: number) => Promise<TickResult>): Promise<TickRecord[]> {
  const records: TickRecord[] = [];
  let interrupted = false;
  let lastFailure: unknown;
  for (let n = 1; !options.signal?.aborted && (options.maxTicks === undefined || n <= options.maxTicks); n++) {
    if (n > 1 || timing.cron) {
      try {
        await sleep(nextDelay(timing), undefined, options.signal ? { signal: options.signal } : undefined);
      } catch {
        break; // aborted while waiting
      }
    }
    const { record, failure } = await tick(n);
    lastFailure = record.action === 'failed' ? failure : undefined;
    records.push(record);
    options.onTick?.(record);
    if (record.action === 'interrupted') {
      interrupted = true;
      break;
    }
  }
  if (interrupted) throw new InterruptedError(`${options.command} stopped during a hunt: its checkpoint is kept; the next tick resumes from the watermark`);
  if (options.maxTicks !== undefined && lastFailure !== undefined) throw lastFailure;
  return records;
}
