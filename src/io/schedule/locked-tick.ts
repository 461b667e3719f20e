import { InterruptedError, IochuntError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { ScheduleLock } from './schedule-lock.js';
import type { TickRecord, TickResult } from './tick-loop.js';

export interface LockedTickOptions {
  engine: Engine;
  /** `<prefix>-state`, which holds the lock. */
  stateIndex: string;
  owner: string;
  ttlMs: number;
  /** The record so far: the tick's number, start and owner (and anything the tick knew before the lock). */
  base: Pick<TickRecord, 'tick' | 'at' | 'owner'> & Partial<TickRecord>;
  /** SIGTERM/SIGINT: stops the work at its next checkpoint and ends the loop. */
  signal?: AbortSignal;
}

/** A tick's work under the lock: what it did, for the record. It must stop (InterruptedError) when `signal` fires. */
export type LockedWork = (signal: AbortSignal) => Promise<Omit<TickRecord, 'tick' | 'at' | 'owner' | 'lockedAt' | 'finishedAt'>>;

/**
 * One tick's work under the cluster-wide lock (one at a time across every `schedule` and
 * `watch` of the prefix): takes the lock (or records `skipped` with its holder), renews it every
 * third of its TTL while the work runs, stops the work when a renewal finds it taken over
 * (expired), and releases it. A failure is a `failed` record carrying the error; a stop by the
 * signal is `interrupted`.
 */
export async function runLockedTick(options: LockedTickOptions, work: LockedWork): Promise<TickResult> {
  const { base } = options;
  const lock = new ScheduleLock(options.engine, options.stateIndex, options.owner, options.ttlMs);
  const taken = await lock.acquire();
  if (!taken.acquired) {
    return { record: { ...base, action: 'skipped', lockHolder: taken.holder.owner, lockExpires: taken.holder.expires_at } };
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
  }, Math.max(1_000, Math.floor(options.ttlMs / 3)));
  try {
    const done = await work(tickStop.signal);
    return { record: { ...base, lockedAt, finishedAt: new Date().toISOString(), ...done } };
  } catch (error) {
    if (error instanceof InterruptedError) {
      // Stopped by SIGTERM: the loop ends. Stopped because the lock was taken over: only this
      // tick, and it is the other holder's work now, not a failure to end a bounded run with.
      if (options.signal?.aborted) return { record: { ...base, action: 'interrupted', error: error.message } };
      return { record: { ...base, action: 'failed', error: `lost the schedule lock (expired and taken over); ${error.message}` } };
    }
    return { record: { ...base, action: 'failed', error: error instanceof IochuntError ? error.message : String(error) }, failure: error };
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    await lock.release().catch(() => undefined);
  }
}
