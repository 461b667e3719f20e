import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { ClusterError, InterruptedError, IochuntError, UsageError } from '../../errors.js';
import type { IocDocument } from '../../core/ioc/build-ioc-document.js';
import { buildAlert } from '../../core/hunt/build-alert.js';
import { firstMatchPerIoc } from '../../core/hunt/first-match-per-ioc.js';
import { huntIocFromDocument, type HuntIoc } from '../../core/hunt/hunt-ioc.js';
import { buildIocMatcher, type IocMatcher } from '../../core/hunt/ioc-matcher.js';
import { DEFAULT_MATCH_FIELDS, MATCH_KINDS, mergeMatchFields, type MatchFields, type MatchKind } from '../../core/hunt/match-fields.js';
import {
  buildUnitQuery,
  planHunt,
  sourceFieldsFor,
  type HuntPlan,
  type HuntUnit,
  type IocBatch,
  type PlanIndex,
  type SkippedIndex,
} from '../../core/hunt/plan-hunt.js';
import { splitBatch } from '../../core/hunt/split-batch.js';
import { parseDateOption } from '../../core/time/parse-date-option.js';
import { buildResourceNames, type ResourceNames } from '../../core/resource-names.js';
import { ensureAlertsIndex } from '../store/alerts-index.js';
import { BulkWriter, type DroppedDocument } from '../engine/bulk-writer.js';
import type { Engine } from '../engine/engine.js';
import { StateStore, type RunRecord } from '../store/state-store.js';

export const DEFAULT_HUNT_INDICES = ['logs-*', 'filebeat-*', 'packetbeat-*', 'winlogbeat-*'];

export interface HuntOptions {
  prefix?: string;
  /** Index patterns, aliases, data streams. */
  index?: readonly string[];
  /** Default: the earliest `hunt_from` of the hunted IOCs. */
  since?: string;
  /** Default: now. */
  until?: string;
  /** Only the IOCs these feeds list as active. */
  feeds?: readonly string[];
  mode?: 'full' | 'incremental';
  /** Units searched at once. Default 2. */
  concurrency?: number;
  /** Finish this run: its parameters are reused and its checkpointed units skipped. */
  resume?: string;
  /** Plan and count candidates per unit; write nothing. */
  dryRun?: boolean;
  slice?: 'month' | 'year' | 'none';
  /** Extra event fields per IOC kind (config file). */
  fields?: Partial<Record<MatchKind, readonly string[]>>;
  validityGraceMs?: number;
  subdomains?: boolean;
  /** Incremental runs look back this far before the last watermark. Default 1 h. */
  overlapMs?: number;
  pageSize?: number;
  /** Clause budget per query (planHunt); lower it for clusters with a small `max_clause_count`. */
  maxClauses?: number;
  signal?: AbortSignal;
  /** Called once the run id is known, before any scanning. */
  onRunId?: (runId: string) => void;
  onProgress?: (progress: HuntProgress) => void;
  onWarning?: (message: string) => void;
  now?: () => Date;
}

export interface HuntProgress {
  unitsTotal: number;
  unitsDone: number;
  eventsMatched: number;
  alertsCreated: number;
  alreadyFound: number;
}

export interface IocHits {
  id: string;
  type: string;
  value: string;
  hits: number;
  firstSeen?: string;
  lastSeen?: string;
  hosts: number;
}

export interface HuntSummary {
  runId?: string;
  status: 'completed' | 'dry-run';
  mode: 'full' | 'incremental';
  since: string;
  until: string;
  iocs: number;
  /** IOCs new or changed since the last run (incremental). */
  newIocs?: number;
  indices: { searched: string[]; skipped: SkippedIndex[] };
  units: { total: number; done: number; resumed: number };
  /** Units per phase: `history` (IOCs over their whole range, by slice), `new-events` (incremental window). */
  phases: { name: 'history' | 'new-events'; units: number; slices: number }[];
  progress: HuntProgress;
  /** Per IOC, every finding in the alerts index for this hunt's scope (not only this run's new ones). */
  perIoc: IocHits[];
  totals: { findings: number; iocsHit: number; hosts: number };
  /** Dry run: candidate events per unit. */
  candidates?: { unit: string; indices: string[]; from: string; until: string; count: number }[];
  warnings: string[];
  durationMs: number;
}

interface RunParams {
  index: string[];
  since?: string;
  until: string;
  feeds: string[];
  mode: 'full' | 'incremental';
  slice: 'month' | 'year' | 'none';
}

/** One plan and the IOCs it hunts (an incremental run has two: new IOCs, and new events). */
interface Phase {
  name: 'history' | 'new-events';
  plan: HuntPlan;
  matcher: IocMatcher;
}

const HUNT_FROM_FALLBACK = '2021-01-01T00:00:00.000Z';

function watermarkId(params: Pick<RunParams, 'index' | 'feeds'>): string {
  const scope = JSON.stringify([[...params.index].sort(), [...params.feeds].sort()]);
  return `hunt-watermark:${createHash('sha256').update(scope).digest('hex').slice(0, 16)}`;
}

interface Watermark {
  kind: 'hunt-watermark';
  set_version: number;
  events_until: string;
  run_id: string;
}

/** Active IOCs of the selected feeds, from `<prefix>-iocs`, with their set versions. */
async function fetchHuntIocs(engine: Engine, names: ResourceNames, feeds: readonly string[]): Promise<{ ioc: HuntIoc; setVersion: number }[]> {
  const filter: Record<string, unknown>[] = [{ term: { 'iochunt.active': true } }];
  if (feeds.length > 0) filter.push({ terms: { 'iochunt.active_feeds': [...feeds] } });
  const iocs: { ioc: HuntIoc; setVersion: number }[] = [];
  for await (const page of engine.scanDocuments({ index: names.iocs, query: { bool: { filter } } })) {
    for (const hit of page) {
      const document = hit.source as unknown as IocDocument;
      iocs.push({ ioc: huntIocFromDocument(hit.id, document), setVersion: Number(document.iochunt.set_version ?? 0) });
    }
  }
  return iocs;
}

async function fetchPlanIndices(engine: Engine, patterns: readonly string[], fields: MatchFields): Promise<PlanIndex[]> {
  const resolved = await engine.resolveIndices(patterns);
  const open = resolved.filter((r) => !r.closed).map((r) => r.name);
  const wanted = ['@timestamp', 'event.ingested', ...MATCH_KINDS.flatMap((kind) => fields[kind])];
  const types = await engine.fetchFieldTypes(open, wanted);
  return resolved.map((r) => ({ name: r.name, closed: r.closed, fieldTypes: types.get(r.name) ?? new Map() }));
}

function isTooManyClauses(error: unknown): boolean {
  if (!(error instanceof ClusterError)) return false;
  const types = [error.details.type, ...(error.details.rootCauses ?? [])];
  return types.some((t) => t === 'too_many_clauses' || t === 'too_many_nested_clauses');
}

/**
 * `iochunt hunt`: plans (pure {@link planHunt}) and runs a retro-hunt. Units (index group x
 * time slice x IOC batch) run with bounded concurrency; each pages its hits from one
 * consistent view, decides every match on the client (pure matcher: CIDR containment,
 * multi-valued fields, the validity window), writes one alert per (event, IOC) with a
 * deterministic id and `op_type: create` (a conflict means "already found"), and checkpoints
 * only after its alerts are acknowledged. So a run killed at any point and resumed with
 * `resume` yields exactly the alerts of an uninterrupted run. An abort (SIGINT/SIGTERM)
 * stops between pages, records the run as interrupted and throws InterruptedError.
 */
export async function runHunt(engine: Engine, options: HuntOptions = {}): Promise<HuntSummary> {
  const started = Date.now();
  const now = (options.now ?? (() => new Date()))();
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, options.fields);
  const warn = options.onWarning ?? (() => undefined);

  let previous: RunRecord | undefined;
  if (options.resume) {
    previous = await state.fetchRun(options.resume);
    if (!previous || previous.kind !== 'hunt-run') throw new UsageError(`--resume: no hunt run ${options.resume} in ${names.state}`);
  }
  const params: RunParams = previous
    ? (previous.details?.params as RunParams)
    : {
        index: [...(options.index ?? DEFAULT_HUNT_INDICES)],
        ...(options.since ? { since: parseDateOption(options.since, '--since') } : {}),
        until: options.until ? parseDateOption(options.until, '--until') : now.toISOString(),
        feeds: [...(options.feeds ?? [])],
        mode: options.mode ?? 'full',
        slice: options.slice ?? 'month',
      };

  const [all, indices, setVersion] = await Promise.all([
    fetchHuntIocs(engine, names, params.feeds),
    fetchPlanIndices(engine, params.index, fields),
    state.fetchSetVersion().catch(() => ({ version: 0 })),
  ]);
  const watermark = params.mode === 'incremental' ? await state.fetchDocument<Watermark>(watermarkId(params)) : undefined;
  const iocs = all.map((entry) => entry.ioc);
  const earliest = iocs.map((ioc) => ioc.huntFrom).sort()[0] ?? HUNT_FROM_FALLBACK;
  const since = params.since ?? earliest;

  const phases: Phase[] = [];
  let newIocs: HuntIoc[] | undefined;
  if (watermark) {
    newIocs = all.filter((entry) => entry.setVersion > watermark.set_version).map((entry) => entry.ioc);
    if (newIocs.length > 0) {
      const from = params.since ?? newIocs.map((ioc) => ioc.huntFrom).sort()[0] ?? HUNT_FROM_FALLBACK;
      phases.push(phase('history', planHunt({ iocs: newIocs, indices, fields, since: from, until: params.until, slice: params.slice }), newIocs));
    }
    const windowStart = new Date(Date.parse(watermark.events_until) - (options.overlapMs ?? 3_600_000)).toISOString();
    const searchable = indices.filter((i) => !i.closed && i.fieldTypes.has('@timestamp'));
    // Events that arrived late carry an old @timestamp: event.ingested finds them, where every index has it.
    const ingested = searchable.length > 0 && searchable.every((i) => i.fieldTypes.get('event.ingested') === 'date');
    phases.push(
      phase('new-events', planHunt({ iocs, indices, fields, since: windowStart, until: params.until, slice: 'none', timestampField: ingested ? 'event.ingested' : '@timestamp' }), iocs),
    );
  } else {
    phases.push(phase('history', planHunt({ iocs, indices, fields, since, until: params.until, slice: params.slice, ...(options.maxClauses ? { maxClauses: options.maxClauses } : {}) }), iocs));
  }
  for (const p of phases) for (const w of p.plan.warnings) warn(w);
  const units = phases.flatMap((p, i) => p.plan.units.map((unit) => ({ phase: i, unit, key: `${p.name}:${unit.key}` })));
  const first = phases[0]!.plan;
  const summaryBase = {
    mode: params.mode,
    since: phases.map((p) => p.plan.since).sort()[0] ?? since,
    until: params.until,
    iocs: iocs.length,
    ...(newIocs ? { newIocs: newIocs.length } : {}),
    indices: { searched: [...new Set(phases.flatMap((p) => p.plan.groups.flatMap((g) => g.indices)))].sort(), skipped: first.skipped },
    warnings: phases.flatMap((p) => p.plan.warnings),
    phases: phases.map((p) => ({ name: p.name, units: p.plan.units.length, slices: p.plan.slices.length })),
  };

  if (options.dryRun) {
    const candidates = [];
    for (const { phase: i, unit, key } of units) {
      const plan = phases[i]!.plan;
      const group = plan.groups[unit.group]!;
      const count = await engine.countDocuments(group.indices.join(','), buildUnitQuery(plan, unit));
      candidates.push({ unit: key, indices: group.indices, from: plan.slices[unit.slice]!.from, until: plan.slices[unit.slice]!.until, count });
    }
    const progress = { unitsTotal: units.length, unitsDone: 0, eventsMatched: 0, alertsCreated: 0, alreadyFound: 0 };
    return { status: 'dry-run', ...summaryBase, units: { total: units.length, done: 0, resumed: 0 }, progress, perIoc: [], totals: { findings: 0, iocsHit: 0, hosts: 0 }, candidates, warnings: summaryBase.warnings, durationMs: Date.now() - started };
  }

  await state.ensure();
  const runId = previous?.run_id ?? StateStore.newRunId();
  const done = previous ? await state.fetchCheckpoints(runId) : new Set<string>();
  const resumed = done.size;
  const progress: HuntProgress = {
    unitsTotal: units.length,
    unitsDone: done.size,
    eventsMatched: Number((previous?.details?.progress as HuntProgress | undefined)?.eventsMatched ?? 0),
    alertsCreated: Number((previous?.details?.progress as HuntProgress | undefined)?.alertsCreated ?? 0),
    alreadyFound: Number((previous?.details?.progress as HuntProgress | undefined)?.alreadyFound ?? 0),
  };
  const record = (status: RunRecord['status'], extra: Partial<RunRecord> = {}): RunRecord => ({
    kind: 'hunt-run',
    run_id: runId,
    status,
    started_at: previous?.started_at ?? now.toISOString(),
    updated_at: new Date().toISOString(),
    feed: params.feeds,
    set_version: setVersion.version,
    details: { params, progress: { ...progress }, units: units.length, iocs: iocs.length, indices: summaryBase.indices },
    ...extra,
  });
  await state.writeRun(record('running'));
  options.onRunId?.(runId);

  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  let lastWrite = Date.now();
  const runUnit = async (phaseIndex: number, unit: HuntUnit, key: string): Promise<void> => {
    if (options.signal?.aborted || done.has(key)) return;
    const { plan, matcher } = phases[phaseIndex]!;
    const counts = await searchUnit(engine, { plan, unit, matcher, fields, runId, names, options });
    await state.writeDocument(`${runId}:${key}`, { kind: 'hunt-checkpoint', run_id: runId, unit: key, updated_at: new Date().toISOString(), details: counts });
    done.add(key);
    progress.unitsDone += 1;
    progress.eventsMatched += counts.events;
    progress.alertsCreated += counts.created;
    progress.alreadyFound += counts.conflicts;
    options.onProgress?.({ ...progress });
    if (Date.now() - lastWrite > 5_000) {
      lastWrite = Date.now();
      await state.writeRun(record('running')).catch(() => undefined);
    }
  };
  try {
    await ensureAlertsIndex(engine, names);
    await Promise.all(units.map(({ phase: i, unit, key }) => limit(() => runUnit(i, unit, key))));
    if (options.signal?.aborted) throw new InterruptedError(`hunt interrupted: resume with --resume ${runId}`);
  } catch (error) {
    limit.clearQueue();
    const interrupted = options.signal?.aborted === true;
    const message = error instanceof IochuntError ? error.message : String(error);
    await state
      .writeRun(record(interrupted ? 'interrupted' : 'failed', { finished_at: new Date().toISOString(), error: message }))
      .catch(() => undefined); // the cluster may be what failed
    if (interrupted) throw new InterruptedError(`hunt interrupted after ${progress.unitsDone}/${progress.unitsTotal} units: resume with --resume ${runId}`);
    if (error instanceof IochuntError) {
      throw new ClusterError(
        error instanceof ClusterError ? error.kind : 'server',
        `${message} (hunt ${runId} stopped after ${progress.unitsDone}/${progress.unitsTotal} units: resume with --resume ${runId})`,
        error instanceof ClusterError ? error.details : {},
        { cause: error },
      );
    }
    throw error;
  }

  await engine.refresh(names.alerts);
  const perIoc = await summarizeFindings(engine, names, iocs, summaryBase.since, params.until);
  await state.writeRun(record('completed', { finished_at: new Date().toISOString() }));
  await state.writeDocument(watermarkId(params), { kind: 'hunt-watermark', set_version: setVersion.version, events_until: params.until, run_id: runId, updated_at: new Date().toISOString() }, true);
  const hosts = perIoc.reduce((n, i) => n + i.hosts, 0);
  return {
    runId,
    status: 'completed',
    ...summaryBase,
    units: { total: units.length, done: progress.unitsDone, resumed },
    progress,
    perIoc,
    totals: { findings: perIoc.reduce((n, i) => n + i.hits, 0), iocsHit: perIoc.length, hosts },
    durationMs: Date.now() - started,
  };

  function phase(name: Phase['name'], plan: HuntPlan, hunted: readonly HuntIoc[]): Phase {
    const matcher = buildIocMatcher(hunted);
    for (const rejected of matcher.rejected) warn(`IOC ${rejected.ioc.id} (${rejected.ioc.value}) left out: ${rejected.reason}`);
    return { name, plan, matcher };
  }
}

interface UnitContext {
  plan: HuntPlan;
  unit: HuntUnit;
  matcher: IocMatcher;
  fields: MatchFields;
  runId: string;
  names: ResourceNames;
  options: HuntOptions;
}

interface UnitCounts {
  events: number;
  matches: number;
  created: number;
  conflicts: number;
}

/**
 * Searches one unit and writes its alerts; resolves once they are acknowledged. A query the
 * cluster refuses as too large (`too_many_clauses`, decided by error type) is split in two
 * and each half searched, recursively.
 */
async function searchUnit(engine: Engine, context: UnitContext, batch?: IocBatch): Promise<UnitCounts> {
  const { plan, unit, matcher, fields, runId, names, options } = context;
  const group = plan.groups[unit.group]!;
  const dropped: DroppedDocument[] = [];
  const writer = new BulkWriter({ engine, concurrency: 1, onDrop: (d) => dropped.push(d), ...(options.signal ? { signal: options.signal } : {}) });
  const counts: UnitCounts = { events: 0, matches: 0, created: 0, conflicts: 0 };
  const createdAt = new Date().toISOString();
  try {
    for await (const page of engine.scanDocuments({
      index: group.indices.join(','),
      query: buildUnitQuery(plan, unit, batch),
      source: sourceFieldsFor(group, plan.timestampField),
      pageSize: options.pageSize ?? 1000,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      for (const hit of page) {
        counts.events += 1;
        const timestamp = hit.source['@timestamp'];
        const matches = firstMatchPerIoc(
          matcher.match({ source: hit.source, timestamp: typeof timestamp === 'string' ? timestamp : undefined }, fields, {
            ...(options.validityGraceMs === undefined ? {} : { validityGraceMs: options.validityGraceMs }),
            ...(options.subdomains ? { subdomains: true } : {}),
          }),
        );
        for (const match of matches) {
          counts.matches += 1;
          const alert = buildAlert({ event: hit, match, runId, matchedType: 'iochunt_retro_hunt', now: createdAt, iocIndex: names.iocs });
          await writer.add({ op: 'create', index: names.alerts, id: alert.id }, alert.document);
        }
      }
    }
  } catch (error) {
    if (isTooManyClauses(error)) {
      const halves = splitBatch(batch ?? plan.batches[unit.batch]!);
      if (halves) {
        const [a, b] = halves;
        const left = await searchUnit(engine, context, a);
        const right = await searchUnit(engine, context, b);
        return { events: left.events + right.events, matches: left.matches + right.matches, created: left.created + right.created, conflicts: left.conflicts + right.conflicts };
      }
    }
    await writer.close().catch(() => undefined);
    throw error;
  }
  const totals = await writer.close();
  if (dropped.length > 0) {
    const [firstDrop] = dropped;
    throw new ClusterError('server', `${dropped.length} alert(s) could not be written to ${names.alerts} (first: HTTP ${firstDrop?.status} ${firstDrop?.errorType ?? ''})`.trim());
  }
  counts.created = totals.created;
  counts.conflicts = totals.conflicts;
  return counts;
}

/**
 * Per IOC, every finding in the alerts index within the hunt's range: hits, first and last
 * seen, distinct hosts. Read from the index (not counted during the run), so a resumed run
 * reports the same as an uninterrupted one.
 */
async function summarizeFindings(engine: Engine, names: ResourceNames, iocs: readonly HuntIoc[], since: string, until: string): Promise<IocHits[]> {
  if (iocs.length === 0) return [];
  const byId = new Map(iocs.map((ioc) => [ioc.id, ioc]));
  const response = await engine.search(names.alerts, {
    size: 0,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { terms: { 'threat.enrichments.matched.id': [...byId.keys()] } },
          { range: { '@timestamp': { gte: since, lt: until, format: 'strict_date_optional_time' } } },
        ],
      },
    },
    aggs: {
      iocs: {
        terms: { field: 'threat.enrichments.matched.id', size: Math.min(byId.size, 10_000) },
        aggs: {
          first: { min: { field: '@timestamp' } },
          last: { max: { field: '@timestamp' } },
          hosts: { cardinality: { field: 'host.name' } },
        },
      },
    },
  });
  type Bucket = { key: string; doc_count: number; first: { value_as_string?: string }; last: { value_as_string?: string }; hosts: { value: number } };
  const buckets = ((response.aggregations as { iocs?: { buckets?: Bucket[] } } | undefined)?.iocs?.buckets ?? []);
  return buckets
    .map((bucket) => {
      const ioc = byId.get(bucket.key);
      return {
        id: bucket.key,
        type: ioc?.type ?? 'unknown',
        value: ioc?.value ?? bucket.key,
        hits: bucket.doc_count,
        ...(bucket.first.value_as_string ? { firstSeen: bucket.first.value_as_string } : {}),
        ...(bucket.last.value_as_string ? { lastSeen: bucket.last.value_as_string } : {}),
        hosts: bucket.hosts.value,
      };
    })
    .sort((a, b) => b.hits - a.hits || a.value.localeCompare(b.value));
}
