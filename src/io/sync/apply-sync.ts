import { buildDeactivatedDocument, buildIocDocument, type FeedLoad, type IocDocument } from '../../core/ioc/build-ioc-document.js';
import { FeedGrouper, idKey, type FeedState } from '../../core/ioc/feed-grouper.js';
import { parseSource } from '../../core/ioc/parse-sources.js';
import { buildSyncTotals, SyncCounts, type SyncReport } from '../../core/ioc/sync-report.js';
import type { ParsedIoc } from '../../core/ioc/types.js';
import { buildResourceNames } from '../../core/resource-names.js';
import { ClusterError, InputError, InterruptedError, IochuntError } from '../../errors.js';
import { BulkWriter, type DroppedDocument } from '../engine/bulk-writer.js';
import type { Engine } from '../engine/engine.js';
import { HeapBudget } from '../heap-budget.js';
import { loadResource } from '../load-resource.js';
import type { SyncRunRecord } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';
import type { PreparedSync } from './prepare-sync.js';
import { RefreshSuspension } from './refresh-suspension.js';
import type { SyncOptions } from './sync-iocs.js';

interface WriteContext {
  engine: Engine;
  writer: BulkWriter;
  index: string;
  counts: SyncCounts;
  /** A fresh index holds nothing to merge with: lookups are skipped. */
  emptyIndex: boolean;
}

/** Looks a batch up, merges each IOC with what is stored, queues what changed. */
async function writeBatch(context: WriteContext, load: FeedLoad, batch: [string, ParsedIoc][]): Promise<void> {
  const { engine, writer, index, counts } = context;
  const stored = context.emptyIndex ? new Map() : await engine.fetchDocuments(index, batch.map(([id]) => id));
  for (const [id, ioc] of batch) {
    const existing = stored.get(id);
    const { document, change } = buildIocDocument(ioc, load, existing?.source as IocDocument | undefined, id);
    counts.add(load.name, ioc.type, change);
    if (change === 'unchanged') continue;
    await writer.add(
      existing
        ? { op: 'index', index, id, ifSeqNo: existing.seqNo, ifPrimaryTerm: existing.primaryTerm }
        : { op: 'create', index, id },
      document as unknown as Record<string, unknown>,
    );
  }
}

/** The ids of the IOCs active for a feed in the index and absent from this load, a page at a time. */
async function* absentIds(engine: Engine, index: string, feed: FeedState): AsyncGenerator<{ active: number; absent: string[] }> {
  const query = { bool: { filter: [{ term: { 'iochunt.active_feeds': feed.name } }] } };
  for await (const page of engine.scanDocuments({ index, query, source: false })) {
    yield { active: page.length, absent: page.map((hit) => hit.id).filter((id) => !feed.ids.has(idKey(id))) };
  }
}

/** `--replace`: every IOC still active for this feed but absent from the load becomes inactive for it. */
async function deactivateAbsent(context: WriteContext, feed: FeedState, stamp: { now: string; setVersion: number }): Promise<void> {
  const { engine, writer, index, counts } = context;
  await writer.flush(); // what this load wrote must be visible before we look for what it lacks
  await engine.refresh(index);
  for await (const { absent } of absentIds(engine, index, feed)) {
    if (absent.length === 0) continue;
    const stored = await engine.fetchDocuments(index, absent);
    for (const [id, doc] of stored) {
      const { document, change } = buildDeactivatedDocument(doc.source as unknown as IocDocument, feed.name, stamp);
      counts.add(feed.name, document.threat.indicator.type, change);
      if (change === 'unchanged') continue;
      await writer.add({ op: 'index', index, id, ifSeqNo: doc.seqNo, ifPrimaryTerm: doc.primaryTerm }, document as unknown as Record<string, unknown>);
    }
  }
}

/** Default of `--max-drop`: a replace may deactivate at most half of a feed's active IOCs at once. */
export const DEFAULT_MAX_DROP_PERCENT = 50;

/**
 * `--replace` refuses, before anything is written, a load that would deactivate more than
 * `maxDropPercent` of a feed's active IOCs (a maintenance page served with 200, a truncated
 * download, a feed that moved): one InputError (exit 2) saying how many and how to override.
 * With 100 any replace goes through, even one that empties the feed.
 */
async function guardReplace(engine: Engine, index: string, prepared: PreparedSync, maxDropPercent: number): Promise<void> {
  if (maxDropPercent >= 100) return;
  for (const feed of prepared.planned?.values() ?? []) {
    let active = 0;
    let absent = 0;
    for await (const page of absentIds(engine, index, feed)) {
      active += page.active;
      absent += page.absent.length;
    }
    if (active === 0 || absent * 100 <= active * maxDropPercent) continue;
    const rejected = prepared.plannedRejected ? `; ${prepared.plannedRejected} entr${prepared.plannedRejected === 1 ? 'y was' : 'ies were'} rejected` : '';
    throw new InputError(
      `--replace refused for feed "${feed.name}": this load lists ${feed.ids.size} IOC(s) and would deactivate ${absent} of its ${active} active IOC(s) ` +
        `(${Math.round((absent * 100) / active)}%, above --max-drop ${maxDropPercent}%)${rejected}; nothing was changed: check the source, or pass --max-drop 100 to accept`,
    );
  }
}

function droppedError(dropped: DroppedDocument[]): ClusterError {
  const [first] = dropped;
  const detail = first ? `first: ${first.action.id ?? ''} HTTP ${first.status} ${first.errorType ?? ''}${first.reason ? `: ${first.reason}` : ''}` : '';
  return new ClusterError('server', `${dropped.length} IOC document(s) could not be written (${detail.trim()}); run sync again`);
}

/** Everything one load holds while it runs. */
interface SyncRun {
  runId: string;
  now: string;
  setVersion: number;
  sourceNames: string[];
  grouper: FeedGrouper;
  counts: SyncCounts;
  writer: BulkWriter;
  dropped: DroppedDocument[];
  done: number;
}

/** Parses every source chunk by chunk and writes each batch; bulk-load mode after enough IOCs. */
async function loadSources(run: SyncRun, context: WriteContext, prepared: PreparedSync, options: SyncOptions, suspension: RefreshSuspension): Promise<void> {
  const batchSize = options.batchSize ?? 1000;
  const bulkLoadAfter = options.bulkLoadAfter ?? 50_000;
  const loadOf = (feed: string): FeedLoad => ({
    name: feed,
    huntFrom: prepared.huntFrom,
    now: run.now,
    setVersion: run.setVersion,
    ...(prepared.tlp ? { tlp: prepared.tlp } : {}),
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    ...(options.exactDomains ? { exactDomains: true } : {}),
  });
  const heap = new HeapBudget();
  for (let i = 0; i < prepared.texts.length; i++) {
    for (const source of parseSource(prepared, i, options)) {
      const { feed, fresh } = run.grouper.add(source);
      for (let start = 0; start < fresh.length; start += batchSize) {
        const batch = fresh.slice(start, start + batchSize);
        if (options.signal?.aborted) throw new InterruptedError(`sync interrupted after ${run.done} IOC(s); run it again to finish (reloading is idempotent)`);
        await writeBatch(context, loadOf(feed.name), batch);
        heap.check();
        run.done += batch.length;
        options.onProgress?.(run.done);
        if (run.done >= bulkLoadAfter) await suspension.suspend(run.now);
      }
    }
  }
  if (options.replace) {
    for (const feed of run.grouper.feeds.values()) await deactivateAbsent(context, feed, { now: run.now, setVersion: run.setVersion });
  }
}

/** The run record of a failed load: what was processed and written before it stopped. */
function failedRecord(run: SyncRun, prepared: PreparedSync, error: unknown): SyncRunRecord {
  const finished = new Date().toISOString();
  return {
    kind: 'sync-run',
    run_id: run.runId,
    status: 'failed',
    started_at: run.now,
    finished_at: finished,
    updated_at: finished,
    feed: [...run.grouper.feeds.keys()],
    set_version: run.setVersion,
    error: error instanceof IochuntError ? error.message : String(error),
    details: { sources: run.sourceNames, processed: run.done, written: run.writer.totals.written, feeds: run.counts.report(run.grouper.feeds.values(), prepared.huntFrom) },
  };
}

/**
 * Step two: loads the sources into `<prefix>-iocs`, a chunk at a time. Each batch of IOCs is
 * looked up by deterministic id, merged with what is stored (pure {@link buildIocDocument}),
 * and only what changed is written, with optimistic concurrency, so a reload writes nothing
 * and moves no document version. A run record in `<prefix>-state` says `running`, then
 * `completed`, or `failed` with the counts so far: a partial load is never silent.
 */
export async function applySync(engine: Engine, prepared: PreparedSync, options: SyncOptions): Promise<SyncReport> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  await engine.ensureIndex(names.iocs, loadResource('mappings', 'iocs'));
  await state.ensure();
  const seen = await state.fetchSetVersion();
  const dropped: DroppedDocument[] = [];
  const run: SyncRun = {
    runId: StateStore.newRunId(),
    now,
    setVersion: seen.version + 1,
    sourceNames: prepared.texts.map((t) => t.name),
    grouper: new FeedGrouper(options.feed),
    counts: new SyncCounts(),
    writer: new BulkWriter({ engine, concurrency: options.concurrency ?? 2, onDrop: (d) => dropped.push(d) }),
    dropped,
    done: 0,
  };
  await state.writeRun({ kind: 'sync-run', run_id: run.runId, status: 'running', started_at: now, updated_at: now, set_version: run.setVersion, details: { sources: run.sourceNames } });
  const suspension = new RefreshSuspension(engine, names.iocs, state);
  await suspension.recover(); // a sync killed while the index was in bulk-load mode
  try {
    // The refresh a load ends with, once before its first IOC is written: a role without it is
    // refused here, not after the load (the look-up and the first bulk precede any write anyway).
    await engine.refresh(names.iocs);
    if (options.replace) await guardReplace(engine, names.iocs, prepared, options.maxDropPercent ?? DEFAULT_MAX_DROP_PERCENT);
    // One source only: a second one may repeat, under another feed, what the first wrote.
    const emptyIndex = prepared.texts.length === 1 && (await engine.countDocuments(names.iocs)) === 0;
    await loadSources(run, { engine, writer: run.writer, index: names.iocs, counts: run.counts, emptyIndex }, prepared, options, suspension);
    await run.writer.close();
    await suspension.restore();
    if (dropped.length > 0) throw droppedError(dropped);
    await engine.refresh(names.iocs);
    const feeds = run.counts.report(run.grouper.feeds.values(), prepared.huntFrom);
    const totals = buildSyncTotals(feeds, run.grouper.rejected.length);
    // A load that changed nothing still commits the version an earlier, unfinished load stamped.
    const changed = totals.added + totals.updated + totals.reactivated + totals.deactivated > 0 || (await state.hasUncommittedSync(seen.version, run.runId));
    if (changed) await state.commitSetVersion(seen, run.setVersion, now);
    const report: SyncReport = {
      runId: run.runId,
      status: 'completed',
      feeds,
      totals,
      rejected: run.grouper.rejected,
      skipped: run.grouper.skippedCounts(),
      setVersion: changed ? run.setVersion : seen.version,
      durationMs: Date.now() - prepared.startedAt,
    };
    const finished = new Date().toISOString();
    const details = { sources: run.sourceNames, feeds, totals, skipped: report.skipped, durationMs: report.durationMs };
    await state.writeRun({ kind: 'sync-run', run_id: run.runId, status: 'completed', started_at: now, finished_at: finished, updated_at: finished, feed: feeds.map((f) => f.name), set_version: report.setVersion ?? 0, details });
    return report;
  } catch (error) {
    await run.writer.close().catch(() => undefined);
    await suspension.restore().catch(() => undefined); // if this fails too, the next sync restores it
    await engine.refresh(names.iocs).catch(() => undefined); // what was written is searchable now
    await state.writeRun(failedRecord(run, prepared, error)).catch(() => undefined); // the cluster may be what failed; the original error matters more
    throw error;
  }
}
