import { randomUUID } from 'node:crypto';
import { ClusterError } from '../../errors.js';
import { bulkOne } from '../engine/bulk-one.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';
import {
  REFRESH_SUSPENSION_ID,
  SET_VERSION_ID,
  stateIds,
  type HuntCheckpointRecord,
  type HuntRunParams,
  type HuntWatermarkRecord,
  type RefreshSuspensionRecord,
  type RunRecord,
  type StateRecord,
  type TagAttachmentRecord,
  type TagPipelineRecord,
  type UnitCounts,
} from './state-records.js';

/**
 * `<prefix>-state`, read and written through typed records ({@link StateRecord}, ids from
 * {@link stateIds}): runs, checkpoints, watermarks, the IOC-set version, the tagging pipeline
 * and its attachments, the bulk-load record. The schedule lock's protocol (create, renew with
 * optimistic concurrency) lives with the scheduler; its record type lives in the schema too.
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

  /** Whether the state index exists (reads of a missing one are empty, not errors). */
  async exists(): Promise<boolean> {
    const [summary] = await this.engine.fetchIndexSummaries([this.index]);
    return summary?.exists === true;
  }

  async writeRun(record: RunRecord): Promise<void> {
    await this.write(stateIds.run(record.run_id), record, true);
  }

  async fetchRun(runId: string): Promise<RunRecord | undefined> {
    return this.read<RunRecord>(stateIds.run(runId));
  }

  /** Runs of a kind, newest first. */
  async fetchRuns(kind: RunRecord['kind'], limit = 20): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    for await (const page of this.engine.scanDocuments({ index: this.index, query: { term: { kind } } })) {
      runs.push(...page.map((hit) => hit.source as unknown as RunRecord));
    }
    return runs.sort((a, b) => (a.started_at < b.started_at ? 1 : -1)).slice(0, limit);
  }

  async writeCheckpoint(record: HuntCheckpointRecord): Promise<void> {
    await this.write(stateIds.checkpoint(record.run_id, record.unit), record);
  }

  /** The units a hunt run has checkpointed, with what each found and wrote. */
  async fetchCheckpoints(runId: string): Promise<Map<string, UnitCounts>> {
    await this.engine.refresh(this.index);
    const done = new Map<string, UnitCounts>();
    const query = { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: runId } }] } };
    for await (const page of this.engine.scanDocuments({ index: this.index, query, source: ['unit', 'details'] })) {
      for (const hit of page) {
        const record = hit.source as Partial<HuntCheckpointRecord>;
        done.set(String(record.unit), { events: 0, matches: 0, created: 0, conflicts: 0, ...record.details });
      }
    }
    return done;
  }

  async fetchWatermark(scope: Pick<HuntRunParams, 'index' | 'feeds'>): Promise<HuntWatermarkRecord | undefined> {
    return this.read<HuntWatermarkRecord>(stateIds.watermark(scope));
  }

  /**
   * The committed IOC-set version and the scope's watermark in one read (`_mget`): what a
   * near-live tick needs to decide it is idle. Version 0 before the first sync.
   */
  async fetchSetVersionAndWatermark(scope: Pick<HuntRunParams, 'index' | 'feeds'>): Promise<{ setVersion: number; watermark?: HuntWatermarkRecord }> {
    const id = stateIds.watermark(scope);
    const found = await this.engine.fetchDocuments(this.index, [SET_VERSION_ID, id]);
    const watermark = found.get(id)?.source as HuntWatermarkRecord | undefined;
    return { setVersion: Number(found.get(SET_VERSION_ID)?.source.set_version ?? 0), ...(watermark ? { watermark } : {}) };
  }

  async writeWatermark(scope: Pick<HuntRunParams, 'index' | 'feeds'>, record: HuntWatermarkRecord): Promise<void> {
    await this.write(stateIds.watermark(scope), record, true);
  }

  async fetchRefreshSuspension(): Promise<RefreshSuspensionRecord | undefined> {
    return this.read<RefreshSuspensionRecord>(REFRESH_SUSPENSION_ID);
  }

  async writeRefreshSuspension(record: RefreshSuspensionRecord): Promise<void> {
    await this.write(REFRESH_SUSPENSION_ID, record, true);
  }

  async deleteRefreshSuspension(): Promise<void> {
    await this.delete(REFRESH_SUSPENSION_ID);
  }

  /** The installed tagging pipeline's record; undefined when none (or no state index yet). */
  async fetchTagPipeline(pipeline: string): Promise<TagPipelineRecord | undefined> {
    if (!(await this.exists())) return undefined;
    return this.read<TagPipelineRecord>(stateIds.tagPipeline(pipeline));
  }

  async writeTagPipeline(record: TagPipelineRecord): Promise<void> {
    await this.write(stateIds.tagPipeline(record.pipeline), record, true);
  }

  async deleteTagPipeline(pipeline: string): Promise<void> {
    await this.delete(stateIds.tagPipeline(pipeline));
  }

  async fetchAttachment(type: TagAttachmentRecord['target_type'], target: string): Promise<TagAttachmentRecord | undefined> {
    return this.read<TagAttachmentRecord>(stateIds.attachment(type, target));
  }

  async writeAttachment(record: TagAttachmentRecord): Promise<void> {
    await this.write(stateIds.attachment(record.target_type, record.target), record, true);
  }

  async deleteAttachment(record: Pick<TagAttachmentRecord, 'target_type' | 'target'>): Promise<void> {
    await this.delete(stateIds.attachment(record.target_type, record.target));
  }

  /** Every recorded attachment, by target name; none when there is no state index. */
  async fetchAttachments(): Promise<TagAttachmentRecord[]> {
    if (!(await this.exists())) return [];
    await this.engine.refresh(this.index);
    const found: TagAttachmentRecord[] = [];
    for await (const page of this.engine.scanDocuments({ index: this.index, query: { term: { kind: 'tag-attachment' } } })) {
      found.push(...page.map((hit) => hit.source as unknown as TagAttachmentRecord));
    }
    return found.sort((a, b) => (a.target < b.target ? -1 : 1));
  }

  /** The current IOC-set version (0 before the first sync) with what is needed to bump it safely. */
  async fetchSetVersion(): Promise<{ version: number; seqNo?: number; primaryTerm?: number }> {
    const found = (await this.engine.fetchDocuments(this.index, [SET_VERSION_ID])).get(SET_VERSION_ID);
    if (!found) return { version: 0 };
    return { version: Number(found.source.set_version ?? 0), seqNo: found.seqNo, primaryTerm: found.primaryTerm };
  }

  /**
   * Whether a sync run other than `runId` that did not complete (failed, or killed while running)
   * stamped IOCs with a set version above `committed`: its writes are in the IOC index, but the
   * set version never moved, so live tagging and incremental hunts would never take them up and
   * a rerun of the same load, finding every IOC unchanged, would not move it either.
   */
  async hasUncommittedSync(committed: number, runId: string): Promise<boolean> {
    await this.engine.refresh(this.index);
    const query = {
      bool: {
        filter: [{ term: { kind: 'sync-run' } }, { range: { set_version: { gt: committed } } }],
        must_not: [{ term: { status: 'completed' } }, { term: { run_id: runId } }],
      },
    };
    return (await this.engine.countDocuments(this.index, query)) > 0;
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
    const record: StateRecord = { kind: 'ioc-set-version', set_version: next, updated_at: now };
    const item = await bulkOne(this.engine, `${JSON.stringify({ [op]: meta })}\n${JSON.stringify(record)}\n`, { refresh: true });
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

  private async write(id: string, record: StateRecord, refresh = false): Promise<void> {
    await this.engine.indexDocument({ index: this.index, id, document: { ...record }, refresh });
  }

  private async read<T extends StateRecord>(id: string): Promise<T | undefined> {
    return (await this.engine.fetchDocument(this.index, id)) as T | undefined;
  }

  private async delete(id: string): Promise<void> {
    await bulkOne(this.engine, `${JSON.stringify({ delete: { _index: this.index, _id: id } })}\n`, { refresh: true });
  }
}
