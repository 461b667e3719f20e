import pLimit from 'p-limit';
import type { IocMatcher } from '../../core/hunt/ioc-matcher.js';
import type { HuntPhase } from '../../core/hunt/plan-hunt-phases.js';
import type { HuntUnit } from '../../core/hunt/plan-hunt.js';
import { ClusterError, InterruptedError, IochuntError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { withRetry } from '../engine/retry.js';
import type { HuntProgress, HuntRunRecord, RunStatus, UnitCounts, UnitRetry } from '../store/state-records.js';
import type { StateStore } from '../store/state-store.js';
import { searchUnit, type UnitContext } from './search-unit.js';

/** A unit of one phase, keyed `<phase>:<unit key>` for checkpoints. */
export interface PhaseUnit {
  phase: number;
  unit: HuntUnit;
  key: string;
}

/** How often and how patiently a failed unit is tried again. */
export interface UnitRetryPolicy {
  /** Attempts in all, the first included. Default 4. */
  attempts: number;
  /** Wait before the second attempt; doubles each time, with full jitter. Default 1 s. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_UNIT_RETRY: UnitRetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000 };

/** Retries recorded in the run document (the summary has them all). */
export const RECORDED_RETRIES = 100;

export interface RunUnitsOptions {
  engine: Engine;
  state: StateStore;
  runId: string;
  phases: readonly (HuntPhase & { matcher: IocMatcher })[];
  units: readonly PhaseUnit[];
  /** Keys already checkpointed (a resumed run): skipped. */
  done: Set<string>;
  progress: HuntProgress;
  /** Every retried attempt, appended as they happen. */
  retries: UnitRetry[];
  /** The run's document in a given status, with the current progress. */
  record: (status: RunStatus, extra?: Partial<HuntRunRecord>) => HuntRunRecord;
  unitContext: Omit<UnitContext, 'plan' | 'unit' | 'matcher' | 'runId' | 'tally'>;
  concurrency: number;
  retry?: UnitRetryPolicy;
  /** Run before the first unit, inside the same failure handling (creating the alerts index). */
  setup?: () => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (progress: HuntProgress) => void | Promise<void>;
  onWarning?: (message: string) => void;
}

/**
 * Whether a unit that failed this way may succeed from its start: an answer not every shard
 * gave (a node lost, a breaker), a lost scroll, a timeout, or an overloaded cluster after the
 * request-level retries. Credentials, permissions, blocks and bad requests will not change.
 */
export function isUnitRetryable(error: unknown): boolean {
  if (!(error instanceof ClusterError)) return false;
  if (error.kind === 'partial' || error.kind === 'timeout') return true;
  const status = error.details.statusCode;
  return error.kind === 'server' && status !== undefined && [429, 502, 503, 504].includes(status);
}

/**
 * Runs `fn` again from its start while it fails in a way {@link isUnitRetryable} accepts, at
 * most `policy.attempts` times in all, waiting with exponential backoff and full jitter.
 * `onRetry` hears each failed attempt (one line) before the wait.
 */
export async function retryWhileRetryable<T>(
  fn: () => Promise<T>,
  policy: UnitRetryPolicy,
  options: { signal?: AbortSignal; onRetry: (reason: string, attempt: number) => void },
): Promise<T> {
  return withRetry(fn, isUnitRetryable, {
    ...policy,
    ...(options.signal ? { signal: options.signal } : {}),
    onRetry: (error, attempt) => options.onRetry(error instanceof IochuntError ? error.message : String(error), attempt),
  });
}

/**
 * One unit, tried again from its start while {@link isUnitRetryable} says so, within the
 * policy. A replay costs nothing in alerts (their ids are deterministic); the alerts an
 * earlier attempt created are counted as created, not as "already found".
 */
async function searchWithRetries(options: RunUnitsOptions, context: Omit<UnitContext, 'tally'>, key: string): Promise<UnitCounts> {
  const policy = options.retry ?? DEFAULT_UNIT_RETRY;
  const tally = { created: 0 };
  return retryWhileRetryable(
    async () => {
      const before = tally.created;
      const counts = await searchUnit(options.engine, { ...context, tally });
      const replayed = Math.min(before, counts.conflicts);
      return { ...counts, created: counts.created + replayed, conflicts: counts.conflicts - replayed };
    },
    policy,
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (reason, attempt) => {
        options.retries.push({ unit: key, attempt, reason });
        options.progress.unitsRetried = (options.progress.unitsRetried ?? 0) + 1;
        options.onWarning?.(`unit ${key} attempt ${attempt}/${policy.attempts} failed, retrying: ${reason}`);
      },
    },
  );
}

/**
 * Runs the units with bounded concurrency. Each unit's checkpoint is written only after its
 * alerts are acknowledged, so a run killed at any point and resumed redoes exactly the units
 * without a checkpoint. A unit that keeps failing ends the run `failed` (its checkpoint never
 * written); on an abort (SIGINT/SIGTERM) the run is `interrupted`. Either way the error names
 * `--resume`. The run record is refreshed every few seconds.
 */
export async function runUnits(options: RunUnitsOptions): Promise<void> {
  const { state, runId, done, progress, signal } = options;
  const limit = pLimit(Math.max(1, options.concurrency));
  let lastWrite = Date.now();
  const runUnit = async ({ phase, unit, key }: PhaseUnit): Promise<void> => {
    if (signal?.aborted || done.has(key)) return;
    const { plan, matcher } = options.phases[phase]!;
    const counts = await searchWithRetries(options, { ...options.unitContext, plan, unit, matcher, runId }, key);
    await state.writeCheckpoint({ kind: 'hunt-checkpoint', run_id: runId, unit: key, updated_at: new Date().toISOString(), details: counts });
    done.add(key);
    progress.unitsDone += 1;
    progress.eventsMatched += counts.events;
    progress.alertsCreated += counts.created;
    progress.alreadyFound += counts.conflicts;
    await options.onProgress?.({ ...progress });
    if (Date.now() - lastWrite > 5_000) {
      lastWrite = Date.now();
      await state.writeRun(options.record('running')).catch(() => undefined);
    }
  };
  try {
    await options.setup?.();
    await Promise.all(options.units.map((unit) => limit(() => runUnit(unit))));
    if (signal?.aborted) throw new InterruptedError(`hunt interrupted: resume with --resume ${runId}`);
  } catch (error) {
    limit.clearQueue();
    throw await recordStop(options, error);
  }
}

/** Records the run as interrupted or failed and returns the error to throw, which names `--resume`. */
async function recordStop(options: RunUnitsOptions, error: unknown): Promise<unknown> {
  const { state, runId, progress } = options;
  const interrupted = options.signal?.aborted === true;
  const message = error instanceof IochuntError ? error.message : String(error);
  await state
    .writeRun(options.record(interrupted ? 'interrupted' : 'failed', { finished_at: new Date().toISOString(), error: message }))
    .catch(() => undefined); // the cluster may be what failed
  if (interrupted) return new InterruptedError(`hunt interrupted after ${progress.unitsDone}/${progress.unitsTotal} units: resume with --resume ${runId}`);
  if (!(error instanceof IochuntError)) return error;
  return new ClusterError(
    error instanceof ClusterError ? error.kind : 'server',
    `${message} (hunt ${runId} stopped after ${progress.unitsDone}/${progress.unitsTotal} units: resume with --resume ${runId})`,
    error instanceof ClusterError ? error.details : {},
    { cause: error },
  );
}
