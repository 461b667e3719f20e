import pLimit from 'p-limit';
import type { HuntPhase } from '../../core/hunt/plan-hunt-phases.js';
import type { IocMatcher } from '../../core/hunt/ioc-matcher.js';
import type { HuntUnit } from '../../core/hunt/plan-hunt.js';
import { ClusterError, InterruptedError, IochuntError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import type { HuntProgress, HuntRunRecord, RunStatus } from '../store/state-records.js';
import type { StateStore } from '../store/state-store.js';
import { searchUnit, type UnitContext } from './search-unit.js';

/** A unit of one phase, keyed `<phase>:<unit key>` for checkpoints. */
export interface PhaseUnit {
  phase: number;
  unit: HuntUnit;
  key: string;
}

export interface RunUnitsOptions {
  engine: Engine;
  state: StateStore;
  runId: string;
  phases: readonly (HuntPhase & { matcher: IocMatcher })[];
  units: readonly PhaseUnit[];
  /** Keys already checkpointed (a resumed run): skipped. */
  done: Set<string>;
  progress: HuntProgress;
  /** The run's document in a given status, with the current progress. */
  record: (status: RunStatus, extra?: Partial<HuntRunRecord>) => HuntRunRecord;
  unitContext: Omit<UnitContext, 'plan' | 'unit' | 'matcher' | 'runId'>;
  concurrency: number;
  /** Run before the first unit, inside the same failure handling (creating the alerts index). */
  setup?: () => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (progress: HuntProgress) => void;
}

/**
 * Runs the units with bounded concurrency. Each unit's checkpoint is written only after its
 * alerts are acknowledged, so a run killed at any point and resumed redoes exactly the units
 * without a checkpoint (their alerts' deterministic ids make a replay free). The run record is
 * refreshed every few seconds. On an abort (SIGINT/SIGTERM) or a failure the run is recorded
 * `interrupted` or `failed` and an InterruptedError or a ClusterError naming `--resume` is thrown.
 */
export async function runUnits(options: RunUnitsOptions): Promise<void> {
  const { state, runId, done, progress, signal } = options;
  const limit = pLimit(Math.max(1, options.concurrency));
  let lastWrite = Date.now();
  const runUnit = async ({ phase, unit, key }: PhaseUnit): Promise<void> => {
    if (signal?.aborted || done.has(key)) return;
    const { plan, matcher } = options.phases[phase]!;
    const counts = await searchUnit(options.engine, { ...options.unitContext, plan, unit, matcher, runId });
    await state.writeCheckpoint({ kind: 'hunt-checkpoint', run_id: runId, unit: key, updated_at: new Date().toISOString(), details: counts });
    done.add(key);
    progress.unitsDone += 1;
    progress.eventsMatched += counts.events;
    progress.alertsCreated += counts.created;
    progress.alreadyFound += counts.conflicts;
    options.onProgress?.({ ...progress });
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
