import { randomUUID } from 'node:crypto';
import { ClusterError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';

/** The document that holds the IOC-set version: it grows by one with every sync that changes IOCs. */
const SET_VERSION_ID = 'ioc-set-version';

export interface RunRecord {
  kind: 'sync-run' | 'hunt-run';
  run_id: string;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  started_at: string;
  finished_at?: string;
  updated_at: string;
  feed?: string[];
  set_version?: number;
  error?: string;
  /** Counts, parameters, progress: kept, not indexed. */
  details?: Record<string, unknown>;
}

/**
 * `<prefix>-state`: run records, checkpoints and the IOC-set version. Secrets are never
 * written here: callers pass counts and parameters, not connection options.
 */
export class StateStore {
  constructor(
    private readonly engine: Engine,
    readonly index: string,
  ) {}

  static newRunId(): string {
    return randomUUID();
  }

  async ensure(): Promise<void> {
    await this.engine.ensureIndex(this.index, loadResource('mappings', 'state'));
  }

  async writeRun(record: RunRecord): Promise<void> {
    await this.engine.indexDocument({ index: this.index, id: record.run_id, document: { ...record }, refresh: true });
  }

  async fetchRun(runId: string): Promise<RunRecord | undefined> {
    return (await this.engine.fetchDocument(this.index, runId)) as RunRecord | undefined;
  }

  /** Any state document by id (checkpoints, watermarks). */
  async writeDocument(id: string, document: Record<string, unknown>, refresh = false): Promise<void> {
    await this.engine.indexDocument({ index: this.index, id, document, refresh });
  }

  async deleteDocument(id: string): Promise<void> {
    await this.engine.bulk(`${JSON.stringify({ delete: { _index: this.index, _id: id } })}\n`, { refresh: true });
  }

  async fetchDocument<T>(id: string): Promise<T | undefined> {
    return (await this.engine.fetchDocument(this.index, id)) as T | undefined;
  }

  /** Keys of the units a hunt run has checkpointed. */
  async fetchCheckpoints(runId: string): Promise<Set<string>> {
    await this.engine.refresh(this.index);
    const done = new Set<string>();
    const query = { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: runId } }] } };
    for await (const page of this.engine.scanDocuments({ index: this.index, query, source: ['unit'] })) {
      for (const hit of page) done.add(String(hit.source.unit));
    }
    return done;
  }

  /** Runs of a kind, newest first. */
  async fetchRuns(kind: RunRecord['kind'], limit = 20): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    for await (const page of this.engine.scanDocuments({ index: this.index, query: { term: { kind } } })) {
      runs.push(...page.map((hit) => hit.source as unknown as RunRecord));
    }
    return runs.sort((a, b) => (a.started_at < b.started_at ? 1 : -1)).slice(0, limit);
  }

  /** The current IOC-set version (0 before the first sync) with what is needed to bump it safely. */
  async fetchSetVersion(): Promise<{ version: number; seqNo?: number; primaryTerm?: number }> {
    const found = (await this.engine.fetchDocuments(this.index, [SET_VERSION_ID])).get(SET_VERSION_ID);
    if (!found) return { version: 0 };
    return { version: Number(found.source.set_version ?? 0), seqNo: found.seqNo, primaryTerm: found.primaryTerm };
  }

  /**
   * Records `next` as the IOC-set version, only if nobody moved it since `seen` was read
   * (a concurrent sync must not be silently overwritten).
   */
  async commitSetVersion(seen: { seqNo?: number; primaryTerm?: number }, next: number, now: string): Promise<void> {
    const meta = {
      _index: this.index,
      _id: SET_VERSION_ID,
      ...(seen.seqNo === undefined ? {} : { if_seq_no: seen.seqNo, if_primary_term: seen.primaryTerm }),
    };
    const op = seen.seqNo === undefined ? 'create' : 'index';
    const body = `${JSON.stringify({ [op]: meta })}\n${JSON.stringify({ kind: 'ioc-set-version', set_version: next, updated_at: now })}\n`;
    const [item] = await this.engine.bulk(body, { refresh: true });
    if (!item || item.status >= 300) {
      throw new ClusterError(
        'server',
        item?.status === 409
          ? 'another sync changed the IOC set at the same time: run sync again'
          : `could not record the IOC-set version: ${item?.errorType ?? 'no response'}`,
        { ...(item ? { statusCode: item.status } : {}), ...(item?.errorType ? { type: item.errorType } : {}) },
      );
    }
  }
}
