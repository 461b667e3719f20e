import { createHash } from 'node:crypto';
import type { HuntWatermark } from '../../core/hunt/plan-hunt-phases.js';
import type { HuntSlicing } from '../../core/hunt/plan-hunt.js';
import type { Strategy } from '../../core/live/build-tag-pipeline.js';

/**
 * The one schema of `<prefix>-state` (mapping: `mappings/state.json`): every kind of document
 * iochunt keeps there, its type and how its id is built. Nothing else names a state id or a
 * `kind`. Secrets are never part of a record: callers pass counts and parameters, not
 * connection options.
 */

/** The `kind` of every state document. */
export type StateKind =
  | 'sync-run'
  | 'hunt-run'
  | 'hunt-checkpoint'
  | 'hunt-watermark'
  | 'ioc-set-version'
  | 'schedule-lock'
  | 'sync-refresh-suspension'
  | 'tag-pipeline'
  | 'tag-attachment';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';
export type HuntMode = 'full' | 'incremental';
export type { HuntSlicing };

/** What a hunt run is asked to do; recorded so `--resume` and `report --run` reuse it exactly. */
export interface HuntRunParams {
  index: string[];
  since?: string;
  until: string;
  feeds: string[];
  mode: HuntMode;
  slice: HuntSlicing;
  /** `--exact-domains`: kept with the run, so a resumed run plans the same queries and matches the same events. */
  exact_domains?: true;
}

/** Running totals of a hunt run. */
export interface HuntProgress {
  unitsTotal: number;
  unitsDone: number;
  eventsMatched: number;
  alertsCreated: number;
  alreadyFound: number;
  /** Unit attempts that failed and were retried (a failed shard, a lost scroll, a 429 storm...). */
  unitsRetried?: number;
}

/** One retried unit attempt: which unit, which attempt failed, why (one line). */
export interface UnitRetry {
  unit: string;
  attempt: number;
  reason: string;
}

/** What one unit of a hunt found and wrote. */
export interface UnitCounts {
  events: number;
  matches: number;
  created: number;
  conflicts: number;
}

interface RunRecordBase {
  run_id: string;
  status: RunStatus;
  started_at: string;
  finished_at?: string;
  updated_at: string;
  feed?: string[];
  set_version?: number;
  error?: string;
}

/** One `iochunt sync`: counts and sources, or what was written before it failed. */
export interface SyncRunRecord extends RunRecordBase {
  kind: 'sync-run';
  /** Kept, not indexed. */
  details: {
    sources: string[];
    feeds?: unknown[];
    totals?: Record<string, number>;
    skipped?: unknown[];
    durationMs?: number;
    processed?: number;
    written?: number;
  };
}

/** One `iochunt hunt`: its parameters (for `--resume`), progress, units and indices. */
export interface HuntRunRecord extends RunRecordBase {
  kind: 'hunt-run';
  /** Kept, not indexed. */
  details: {
    params: HuntRunParams;
    progress: HuntProgress;
    units: number;
    iocs: number;
    indices: { searched: string[]; skipped: unknown[] };
    /** The first retried attempts (at most 100), for `status --json`. */
    retries?: UnitRetry[];
  };
}

export type RunRecord = SyncRunRecord | HuntRunRecord;

/** A hunt unit whose alerts are acknowledged; written only after them. */
export interface HuntCheckpointRecord {
  kind: 'hunt-checkpoint';
  run_id: string;
  /** `<phase>:<unit key>`. */
  unit: string;
  updated_at: string;
  details: UnitCounts;
}

/** Where the last completed hunt over one scope (index patterns x feeds) left off: incremental runs start here. */
export interface HuntWatermarkRecord {
  kind: 'hunt-watermark';
  set_version: number;
  events_until: string;
  run_id: string;
  /**
   * When that run started: it saw every event ingested a settle delay before this (near-live
   * runs start their next window from it; README "Near-live: iochunt watch"). Absent in older records.
   */
  run_started_at?: string;
  updated_at: string;
}

/** A watermark record as the planners read it. */
export function huntWatermarkOf(record: HuntWatermarkRecord): HuntWatermark {
  return { setVersion: record.set_version, eventsUntil: record.events_until, ...(record.run_started_at ? { runStartedAt: record.run_started_at } : {}) };
}

/** The IOC-set version: one more with every sync that changes IOCs. */
export interface SetVersionRecord {
  kind: 'ioc-set-version';
  set_version: number;
  updated_at: string;
}

/** The cluster-wide lock: one scheduler tick at a time across every iochunt process. */
export interface ScheduleLockRecord {
  kind: 'schedule-lock';
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}

/** A sync turned periodic refresh of the IOC index off (bulk-load mode), and what to put back. */
export interface RefreshSuspensionRecord {
  kind: 'sync-refresh-suspension';
  updated_at: string;
  details: { index: string; previous: string | null };
}

/** The installed tagging pipeline (OpenSearch pipelines have no `_meta`, so it is recorded here). */
export interface TagPipelineRecord {
  kind: 'tag-pipeline';
  pipeline: string;
  strategy: Strategy;
  set_version: number;
  iocs: number;
  updated_at: string;
}

/** What `pipelines install --attach` changed on one target, so `pipelines remove` can undo it exactly. */
export interface TagAttachmentRecord {
  kind: 'tag-attachment';
  target_type: 'template' | 'index';
  target: string;
  /** The final pipeline the target had before (kept running through a wrapper), or null. */
  previous: string | null;
  /** What iochunt set: `<prefix>-tag`, or a wrapper that runs `previous` then it. */
  pipeline: string;
  updated_at: string;
}

export type StateRecord =
  | RunRecord
  | HuntCheckpointRecord
  | HuntWatermarkRecord
  | SetVersionRecord
  | ScheduleLockRecord
  | RefreshSuspensionRecord
  | TagPipelineRecord
  | TagAttachmentRecord;

/** Id of the schedule lock document. */
export const LOCK_ID = 'schedule-lock';
/** Id of the bulk-load (refresh suspension) record. */
export const REFRESH_SUSPENSION_ID = 'sync-refresh-suspension';
/** Id of the IOC-set version document. */
export const SET_VERSION_ID = 'ioc-set-version';

/** Ids of the documents whose id depends on what they describe. */
export const stateIds = {
  /** A run's document is its run id (a UUID). */
  run: (runId: string): string => runId,
  checkpoint: (runId: string, unit: string): string => `${runId}:${unit}`,
  /** One watermark per hunt scope: the sorted index patterns and feeds. */
  watermark: (scope: Pick<HuntRunParams, 'index' | 'feeds'>): string => {
    const key = JSON.stringify([[...scope.index].sort(), [...scope.feeds].sort()]);
    return `hunt-watermark:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  },
  tagPipeline: (pipeline: string): string => `tag-pipeline:${pipeline}`,
  attachment: (type: TagAttachmentRecord['target_type'], target: string): string => `tag-attachment:${type}:${target}`,
};
