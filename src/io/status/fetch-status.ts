import { buildResourceNames } from '../../core/resource-names.js';
import type { ClusterHealth, Engine, EngineInfo, IndexSummary } from '../engine/engine.js';
import type { HuntRunRecord, RunRecord, SyncRunRecord, UnitRetry } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';

/** A sync or hunt run, as `status --json` lists it (newest first). */
export interface RunSummary {
  id: string;
  kind: 'sync' | 'hunt';
  status: string;
  startedAt: string;
  finishedAt?: string;
  progress?: Record<string, unknown>;
  /** Hunt units that failed and were retried, and why. */
  retries?: UnitRetry[];
}

export interface PipelineSummary {
  name: string;
  exists: boolean;
  version?: number;
}

export interface StatusReport {
  engine: EngineInfo;
  health: ClusterHealth;
  indices: IndexSummary[];
  pipelines: PipelineSummary[];
  /** Whether the ingest nodes can run each live-tagging strategy. */
  ingest: { script: boolean; enrich: boolean };
  /** Last sync and hunt runs, newest first. */
  runs: RunSummary[];
}

/** A hunt's progress, or a sync's totals. */
function progressOf(record: RunRecord): { progress?: Record<string, unknown> } {
  const details = record.details as Partial<HuntRunRecord['details'] & SyncRunRecord['details']> | undefined;
  if (details?.progress) return { progress: { ...details.progress } };
  return details?.totals ? { progress: { ...details.totals } } : {};
}

/** Reads what `iochunt status` shows: engine, health, iochunt's indices and pipelines. */
export async function fetchStatus(engine: Engine, prefix?: string): Promise<StatusReport> {
  const names = buildResourceNames(prefix);
  const [health, indices, pipeline, processors] = await Promise.all([
    engine.fetchHealth(),
    engine.fetchIndexSummaries([names.iocs, names.alerts, names.state]),
    engine.fetchPipeline(names.tagPipeline),
    engine.fetchIngestProcessors(),
  ]);
  const stateExists = indices.find((i) => i.name === names.state)?.exists === true;
  const store = new StateStore(engine, names.state);
  const records = stateExists ? [...(await store.fetchRuns('hunt-run', 10)), ...(await store.fetchRuns('sync-run', 10))] : [];
  const runs: RunSummary[] = records
    .sort((a, b) => (a.started_at < b.started_at ? 1 : -1))
    .map((r) => ({
      id: r.run_id,
      kind: r.kind === 'hunt-run' ? 'hunt' : 'sync',
      status: r.status,
      startedAt: r.started_at,
      ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
      ...progressOf(r),
      ...(r.kind === 'hunt-run' && r.details?.retries?.length ? { retries: r.details.retries } : {}),
    }));
  return {
    engine: engine.info,
    health,
    indices,
    pipelines: [
      {
        name: names.tagPipeline,
        exists: pipeline !== undefined,
        ...(pipeline?.version === undefined ? {} : { version: pipeline.version }),
      },
    ],
    ingest: { script: processors.includes('script'), enrich: processors.includes('enrich') },
    runs,
  };
}
