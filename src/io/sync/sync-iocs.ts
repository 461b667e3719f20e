import { ClusterError, InputError, InterruptedError, IochuntError, UsageError } from '../../errors.js';
import {
  buildDeactivatedDocument,
  buildIocDocument,
  type FeedLoad,
  type IocChange,
  type IocDocument,
} from '../../core/ioc/build-ioc-document.js';
import { DEFAULT_HUNT_FROM } from '../../core/defaults.js';
import { chunkLines } from '../../core/ioc/chunk-lines.js';
import { parseDateOption } from '../../core/time/parse-date-option.js';
import { detectFormat } from '../../core/ioc/detect-format.js';
import { normalizeTlp } from '../../core/ioc/normalize-tlp.js';
import { parseIocs, type ParseIocsOptions } from '../../core/ioc/parse-iocs.js';
import type { IocFormat, IocType, ParseResult, ParsedIoc, RejectedEntry, SkippedCount } from '../../core/ioc/types.js';
import { emptyCounts, idKey, SyncPlanner, type ChangeCounts, type FeedState, type ParsedSource } from '../../core/ioc/feed-grouper.js';
import { buildResourceNames } from '../../core/resource-names.js';
import { BulkWriter, type DroppedDocument } from '../engine/bulk-writer.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';
import { readSources, type ReadSourcesOptions, type SourceText } from './read-sources.js';
import { RefreshSuspension } from './refresh-suspension.js';
import { StateStore } from '../store/state-store.js';

export interface SyncOptions {
  /** Files, MISP feed directories, http(s) URLs, `-`. */
  sources: readonly string[];
  prefix?: string;
  format?: IocFormat | 'auto';
  /** One feed name for every source; default derived per source. */
  feed?: string;
  /** Retro-hunts of the loaded feeds start here; default 2021-01-01. */
  huntFrom?: string;
  /** Defaults for entries without their own. */
  tlp?: string;
  confidence?: number;
  /** IOCs of the loaded feeds absent from this load become inactive (never deleted). */
  replace?: boolean;
  /** Parse, validate and report; no cluster needed, nothing written. */
  dryRun?: boolean;
  /** Any rejected entry aborts before anything is written (exit 2). */
  strict?: boolean;
  /** Accept private/reserved addresses. */
  allowPrivate?: boolean;
  /** IOCs per lookup-and-write batch; default 1000. */
  batchSize?: number;
  /** Lines parsed at a time from a large TXT/CSV source; default 20,000. */
  chunkLines?: number;
  /** Bulk requests in flight; default 2. */
  concurrency?: number;
  /**
   * After this many IOCs, periodic refresh of the IOC index is turned off until the load ends
   * (see RefreshSuspension); default 50,000. `Infinity` never.
   */
  bulkLoadAfter?: number;
  /** Stops the load between batches: the run is recorded as failed (interrupted), exit 130. */
  signal?: AbortSignal;
  source?: ReadSourcesOptions;
  now?: () => Date;
  /** Progress: IOCs written or compared so far. */
  onProgress?: (done: number) => void;
}

export interface FeedSyncReport {
  name: string;
  sources: string[];
  formats: IocFormat[];
  huntFrom: string;
  accepted: number;
  duplicates: number;
  byType: Partial<Record<IocType, ChangeCounts>>;
}

export interface SyncReport {
  runId?: string;
  status: 'completed' | 'dry-run';
  feeds: FeedSyncReport[];
  totals: ChangeCounts & { accepted: number };
  rejected: RejectedEntry[];
  skipped: SkippedCount[];
  /** The IOC-set version after this sync (unchanged when nothing changed). */
  setVersion?: number;
  durationMs: number;
}

/** Sources read and checked, ready to be parsed chunk by chunk and written. */
export interface PreparedSync {
  texts: SourceText[];
  formats: IocFormat[];
  /** JSON sources, parsed once during preparation (they are not chunked). */
  parsed: Map<number, ParseResult>;
  huntFrom: string;
  tlp?: string;
  startedAt: number;
}

const LINE_FORMATS: ReadonlySet<IocFormat> = new Set(['txt', 'csv', 'anssi-csv']);

/** `2021-01-01` or any ISO timestamp -> canonical ISO; a UsageError otherwise. */
export function parseHuntFrom(value: string | undefined): string {
  return value === undefined ? DEFAULT_HUNT_FROM : parseDateOption(value, '--hunt-from');
}

function parseOptionsFor(text: SourceText, format: IocFormat, options: SyncOptions): ParseIocsOptions {
  return { format, file: text.name, ...(options.allowPrivate ? { allowPrivate: true } : {}) };
}

/** Parses one source: whole for JSON formats, in line chunks for TXT/CSV. */
function* parseSource(prepared: PreparedSync, index: number, options: SyncOptions): Generator<ParsedSource> {
  const text = prepared.texts[index]!;
  const format = prepared.formats[index]!;
  const feedHint = text.feedHint ? { feedHint: text.feedHint } : {};
  const parseOptions = parseOptionsFor(text, format, options);
  const whole = prepared.parsed.get(index);
  if (whole) {
    yield { name: text.name, result: whole, ...feedHint };
    return;
  }
  const header = format !== 'txt';
  for (const chunk of chunkLines(text.text, { header, quoted: header, maxLines: options.chunkLines ?? 20_000 })) {
    yield { name: text.name, result: parseIocs(chunk.text, { ...parseOptions, lineOffset: chunk.lineOffset }), ...feedHint };
  }
}

/**
 * Step one, no cluster needed: checks the options, reads every source, detects formats and
 * parses JSON sources. Under `--strict` it parses everything once and throws an InputError on
 * the first rejected entry, so nothing is written. Unreadable sources throw a SourceError.
 */
export async function prepareSync(options: SyncOptions): Promise<PreparedSync> {
  const startedAt = Date.now();
  const huntFrom = parseHuntFrom(options.huntFrom);
  const tlp = options.tlp === undefined ? undefined : normalizeTlp(options.tlp);
  if (options.tlp !== undefined && tlp === undefined) {
    throw new UsageError(`--tlp: "${options.tlp}" is not a TLP level (clear, white, green, amber, amber+strict, red)`);
  }
  if (options.confidence !== undefined && !(options.confidence >= 0 && options.confidence <= 100)) {
    throw new UsageError(`--confidence: ${options.confidence} is not within 0-100`);
  }
  const texts = await readSources(options.sources, options.source);
  const formats = texts.map((text) =>
    options.format && options.format !== 'auto' ? options.format : (text.format ?? detectFormat(text.text, text.name)),
  );
  const parsed = new Map<number, ParseResult>();
  formats.forEach((format, i) => {
    if (!LINE_FORMATS.has(format)) {
      const text = texts[i]!;
      parsed.set(i, parseIocs(text.text, parseOptionsFor(text, format, options)));
    }
  });
  const prepared: PreparedSync = { texts, formats, parsed, huntFrom, startedAt, ...(tlp ? { tlp } : {}) };
  if (options.strict) {
    const rejected: RejectedEntry[] = [];
    for (let i = 0; i < texts.length; i++) for (const source of parseSource(prepared, i, options)) rejected.push(...source.result.rejected);
    if (rejected.length > 0) throw strictError(rejected);
  }
  return prepared;
}

function strictError(rejected: RejectedEntry[]): InputError {
  const [first] = rejected;
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : '';
  return new InputError(`--strict: rejected ${first?.reason ?? 'entry'}${more}; nothing was written`, {
    ...(first?.location.file ? { file: first.location.file } : {}),
    ...(first?.location.line ? { line: first.location.line } : {}),
    ...(first?.location.path ? { path: first.location.path } : {}),
    ...(first ? { value: first.value } : {}),
  });
}

/** Per-feed, per-type counts of what a sync did. */
class SyncCounts {
  private readonly byFeed = new Map<string, Partial<Record<IocType, ChangeCounts>>>();

  add(feed: string, type: IocType, change: IocChange): void {
    let types = this.byFeed.get(feed);
    if (!types) this.byFeed.set(feed, (types = {}));
    (types[type] ??= emptyCounts())[change] += 1;
  }

  report(feeds: Iterable<FeedState>, huntFrom: string): FeedSyncReport[] {
    return [...feeds].map((feed) => ({
      name: feed.name,
      sources: feed.sources,
      formats: feed.formats,
      huntFrom,
      accepted: feed.ids.size,
      duplicates: feed.duplicates,
      byType: this.byFeed.get(feed.name) ?? {},
    }));
  }
}

function totalsOf(feeds: FeedSyncReport[], rejected: number): SyncReport['totals'] {
  const totals = { ...emptyCounts(), rejected, accepted: 0 };
  for (const feed of feeds) {
    totals.accepted += feed.accepted;
    for (const counts of Object.values(feed.byType)) {
      for (const key of ['added', 'updated', 'reactivated', 'unchanged', 'deactivated'] as const) totals[key] += counts[key];
    }
  }
  return totals;
}

/** `iochunt sync --dry-run`: every accepted IOC counted per feed and type; no cluster. */
export function reportDryRun(prepared: PreparedSync, options: SyncOptions): SyncReport {
  const planner = new SyncPlanner(options.feed);
  const counts = new SyncCounts();
  for (let i = 0; i < prepared.texts.length; i++) {
    for (const source of parseSource(prepared, i, options)) {
      const { feed, fresh } = planner.add(source);
      for (const [, ioc] of fresh) counts.add(feed.name, ioc.type, 'added');
    }
  }
  const feeds = counts.report(planner.feeds.values(), prepared.huntFrom);
  return {
    status: 'dry-run',
    feeds,
    totals: { ...totalsOf(feeds, planner.rejected.length), added: 0 },
    rejected: planner.rejected,
    skipped: planner.skippedCounts(),
    durationMs: Date.now() - prepared.startedAt,
  };
}

/**
 * `iochunt sync`: {@link prepareSync}, then {@link reportDryRun} or {@link applySync}. With
 * `dryRun` the engine may be undefined.
 */
export async function syncIocs(engine: Engine | undefined, options: SyncOptions): Promise<SyncReport> {
  const prepared = await prepareSync(options);
  if (options.dryRun) return reportDryRun(prepared, options);
  if (!engine) throw new UsageError('sync needs a cluster unless --dry-run');
  return applySync(engine, prepared, options);
}

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
  const runId = StateStore.newRunId();
  const seen = await state.fetchSetVersion();
  const setVersion = seen.version + 1;
  const sourceNames = prepared.texts.map((t) => t.name);
  await state.writeRun({ kind: 'sync-run', run_id: runId, status: 'running', started_at: now, updated_at: now, set_version: setVersion, details: { sources: sourceNames } });

  const suspension = new RefreshSuspension(engine, names.iocs, state);
  await suspension.recover(); // a sync killed while the index was in bulk-load mode
  const bulkLoadAfter = options.bulkLoadAfter ?? 50_000;
  const planner = new SyncPlanner(options.feed);
  const counts = new SyncCounts();
  const dropped: DroppedDocument[] = [];
  const writer = new BulkWriter({ engine, concurrency: options.concurrency ?? 2, onDrop: (d) => dropped.push(d) });
  const batchSize = options.batchSize ?? 1000;
  let done = 0;
  try {
    const context: WriteContext = {
      engine,
      writer,
      index: names.iocs,
      counts,
      // One source only: a second one may repeat, under another feed, what the first wrote.
      emptyIndex: prepared.texts.length === 1 && (await engine.countDocuments(names.iocs)) === 0,
    };
    const loadOf = (feed: string): FeedLoad => ({
      name: feed,
      huntFrom: prepared.huntFrom,
      now,
      setVersion,
      ...(prepared.tlp ? { tlp: prepared.tlp } : {}),
      ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    });
    for (let i = 0; i < prepared.texts.length; i++) {
      for (const source of parseSource(prepared, i, options)) {
        const { feed, fresh } = planner.add(source);
        for (let start = 0; start < fresh.length; start += batchSize) {
          const batch = fresh.slice(start, start + batchSize);
          if (options.signal?.aborted) throw new InterruptedError(`sync interrupted after ${done} IOC(s); run it again to finish (reloading is idempotent)`);
          await writeBatch(context, loadOf(feed.name), batch);
          done += batch.length;
          options.onProgress?.(done);
          if (done >= bulkLoadAfter) await suspension.suspend(now);
        }
      }
    }
    if (options.replace) {
      for (const feed of planner.feeds.values()) await deactivateAbsent(context, feed, { now, setVersion });
    }
    await writer.close();
    await suspension.restore();
    if (dropped.length > 0) throw droppedError(dropped);
    await engine.refresh(names.iocs);
    const feeds = counts.report(planner.feeds.values(), prepared.huntFrom);
    const totals = totalsOf(feeds, planner.rejected.length);
    const changed = totals.added + totals.updated + totals.reactivated + totals.deactivated > 0;
    if (changed) await state.commitSetVersion(seen, setVersion, now);
    const report: SyncReport = {
      runId,
      status: 'completed',
      feeds,
      totals,
      rejected: planner.rejected,
      skipped: planner.skippedCounts(),
      setVersion: changed ? setVersion : seen.version,
      durationMs: Date.now() - prepared.startedAt,
    };
    const finished = new Date().toISOString();
    await state.writeRun({
      kind: 'sync-run',
      run_id: runId,
      status: 'completed',
      started_at: now,
      finished_at: finished,
      updated_at: finished,
      feed: feeds.map((f) => f.name),
      set_version: report.setVersion ?? 0,
      details: { sources: sourceNames, feeds, totals, skipped: report.skipped, durationMs: report.durationMs },
    });
    return report;
  } catch (error) {
    await writer.close().catch(() => undefined);
    await suspension.restore().catch(() => undefined); // if this fails too, the next sync restores it
    await engine.refresh(names.iocs).catch(() => undefined); // what was written is searchable now
    const finished = new Date().toISOString();
    await state
      .writeRun({
        kind: 'sync-run',
        run_id: runId,
        status: 'failed',
        started_at: now,
        finished_at: finished,
        updated_at: finished,
        feed: [...planner.feeds.keys()],
        set_version: setVersion,
        error: error instanceof IochuntError ? error.message : String(error),
        details: { sources: sourceNames, processed: done, written: writer.totals.written, feeds: counts.report(planner.feeds.values(), prepared.huntFrom) },
      })
      .catch(() => undefined); // the cluster may be what failed; the original error matters more
    throw error;
  }
}

function droppedError(dropped: DroppedDocument[]): ClusterError {
  const [first] = dropped;
  const detail = first ? `first: ${first.action.id ?? ''} HTTP ${first.status} ${first.errorType ?? ''}${first.reason ? `: ${first.reason}` : ''}` : '';
  return new ClusterError('server', `${dropped.length} IOC document(s) could not be written (${detail.trim()}); run sync again`);
}

/** `--replace`: every IOC still active for this feed but absent from the load becomes inactive for it. */
async function deactivateAbsent(context: WriteContext, feed: FeedState, stamp: { now: string; setVersion: number }): Promise<void> {
  const { engine, writer, index, counts } = context;
  await writer.flush(); // what this load wrote must be visible before we look for what it lacks
  await engine.refresh(index);
  const query = { bool: { filter: [{ term: { 'iochunt.active_feeds': feed.name } }] } };
  for await (const page of engine.scanDocuments({ index, query, source: false })) {
    const absent = page.map((hit) => hit.id).filter((id) => !feed.ids.has(idKey(id)));
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
