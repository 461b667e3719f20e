import { buildResourceNames } from '../core/resource-names.js';
import type { ClusterHealth, Engine, EngineInfo, IndexSummary } from './engine.js';

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
  };
}
