import { UsageError } from '../../errors.js';
import { DEFAULT_HUNT_FROM } from '../../core/defaults.js';
import { parseDateOption } from '../../core/time/parse-date-option.js';
import { buildAlertRow } from '../../core/report/build-alert-row.js';
import { buildReportData, type AlertRow, type ReportData, type ReportScope } from '../../core/report/build-report-data.js';
import { parseStoredIoc, type StoredIoc } from '../../core/report/parse-stored-ioc.js';
import type { TlpLabel } from '../../core/report/tlp-label.js';
import { buildResourceNames, type ResourceNames } from '../../core/resource-names.js';
import type { Engine } from '../engine/engine.js';
import type { HuntRunParams } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';

/** The alert fields a report reads: everything {@link buildAlertRow} uses, nothing more. */
const ALERT_SOURCE = [
  '@timestamp',
  'threat.enrichments.feed.name',
  'threat.enrichments.matched',
  'threat.enrichments.indicator.type',
  'threat.enrichments.indicator.marking.tlp',
  'iochunt.ioc',
  'iochunt.event',
  'host.name',
  'user.name',
  'source.ip',
  'destination.ip',
  'url.full',
  'url.original',
  'url.domain',
  'event.action',
];

/** The IOC document fields a report reads: markings and per-feed provenance ({@link parseStoredIoc}). */
const IOC_SOURCE = ['threat.indicator.marking', 'iochunt.feeds'];

/** IOC documents asked for per `_mget`, so a report on 100,000 IOCs sends bounded requests. */
const IOC_BATCH = 1000;

export interface FetchReportOptions {
  prefix?: string;
  /** Report on this hunt run: its period, feeds and index patterns (from `<prefix>-state`). */
  runId?: string;
  /** Only the findings of this feed (`threat.enrichments.feed.name`). */
  feed?: string;
  /** Only findings at or after / before these dates (not with `runId`). */
  since?: string;
  until?: string;
  /** `--tlp-max`: leave out IOCs marked above this label. */
  tlpMax?: TlpLabel;
  /** For tests: the report's `generatedAt` and the default `until`. */
  now?: () => Date;
  signal?: AbortSignal;
}


/** The earliest `hunt_from` of the IOCs (of one feed), i.e. where a hunt without `--since` starts. */
async function fetchEarliestHuntFrom(engine: Engine, names: ResourceNames, feeds: readonly string[]): Promise<string> {
  const response = await engine.search(names.iocs, {
    size: 0,
    ...(feeds.length > 0 ? { query: { terms: { 'threat.feed.name': [...feeds] } } } : {}),
    aggs: { from: { min: { field: 'iochunt.hunt_from' } } },
  });
  const from = (response.aggregations as { from?: { value?: number | null; value_as_string?: string } } | undefined)?.from;
  return typeof from?.value === 'number' ? new Date(from.value).toISOString() : DEFAULT_HUNT_FROM;
}

/**
 * The alerts of a run's scope: its period and feeds, and events from the indices it hunted,
 * i.e. what the hunt's own summary counts (findings an earlier run made in the same scope
 * included, since `op_type: create` keeps the first run's id on them). The indices are matched
 * three ways because a finding records the concrete index of its event: the run's own
 * findings, the indices the patterns resolve to now (aliases, data streams), and names
 * matching the patterns (indices deleted since).
 */
async function runScopeQuery(engine: Engine, runId: string, params: Pick<HuntRunParams, 'index' | 'feeds' | 'until'> & { since: string }): Promise<Record<string, unknown>> {
  const patterns = params.index.filter((p) => p !== '' && !p.startsWith('-'));
  const resolved = patterns.length > 0 ? await engine.resolveIndices(params.index) : [];
  const should: Record<string, unknown>[] = [
    { term: { 'iochunt.run_id': runId } },
    ...(resolved.length > 0 ? [{ terms: { 'iochunt.event.index': resolved.map((r) => r.name) } }] : []),
    ...patterns.map((pattern) => ({ wildcard: { 'iochunt.event.index': { value: pattern } } })),
  ];
  return {
    bool: {
      filter: [
        { range: { '@timestamp': { gte: params.since, lt: params.until, format: 'strict_date_optional_time' } } },
        ...(params.feeds.length > 0 ? [{ terms: { 'threat.enrichments.feed.name': params.feeds } }] : []),
        { bool: { should, minimum_should_match: 1 } },
      ],
    },
  };
}

/**
 * The IOC documents of the reported IOCs, as stored now: their markings and sources. A missing
 * IOC index or an IOC deleted since its findings gives no entry (its findings' own copy of the
 * marking still counts).
 */
async function fetchStoredIocs(engine: Engine, names: ResourceNames, ids: readonly string[]): Promise<Map<string, StoredIoc>> {
  const stored = new Map<string, StoredIoc>();
  if (ids.length === 0) return stored;
  const [index] = await engine.fetchIndexSummaries([names.iocs]);
  if (index?.exists !== true) return stored;
  for (let at = 0; at < ids.length; at += IOC_BATCH) {
    const found = await engine.fetchDocuments(names.iocs, ids.slice(at, at + IOC_BATCH), IOC_SOURCE);
    for (const [id, document] of found) stored.set(id, parseStoredIoc(document.source));
  }
  return stored;
}

/** The event indices of the reported findings: those of IOCs `--tlp-max` left out are not named. */
function reportedIndices(alerts: readonly AlertRow[], report: ReportData): string[] {
  const reported = new Set(report.iocs.map((ioc) => ioc.id));
  return [...new Set(alerts.filter((a) => reported.has(a.iocId) && a.eventIndex !== '').map((a) => a.eventIndex))].sort();
}

/**
 * Reads what `iochunt report` shows and builds it ({@link buildReportData}):
 * - with `runId`: the findings in that hunt run's scope (period, feeds, index patterns, from
 *   `<prefix>-state`); an unknown run is a UsageError;
 * - with `feed`: every finding of that feed (`threat.enrichments.feed.name`);
 * - otherwise: every finding.
 * `since`/`until` narrow the last two; without them the period runs from the earliest
 * `hunt_from` of the feed's IOCs (2021-01-01 when there are none) to now, widened by the
 * timeline to any finding outside it.
 *
 * Each IOC's marking and sources are read from its document in `<prefix>-iocs` (by id, in
 * batches of {@link IOC_BATCH}); with `tlpMax`, IOCs marked above it are left out
 * (see `buildReportData`).
 *
 * A missing alerts alias (no hunt ever ran) gives an empty report, not an error.
 * Pitfall: every finding in scope is held in memory (a few hundred bytes each).
 */
export async function fetchReportData(engine: Engine, options: FetchReportOptions = {}): Promise<ReportData> {
  const names = buildResourceNames(options.prefix);
  const generatedAt = (options.now ?? (() => new Date()))().toISOString();
  if (options.runId !== undefined && (options.feed !== undefined || options.since !== undefined || options.until !== undefined)) {
    throw new UsageError('--run reports on that run\'s own feeds and period: leave out --feed, --since and --until');
  }

  let scope: ReportScope;
  let query: Record<string, unknown> | undefined;
  const [alias] = await engine.fetchIndexSummaries([names.alerts]);
  const hasAlerts = alias?.exists === true;

  if (options.runId !== undefined) {
    const record = await new StateStore(engine, names.state).fetchRun(options.runId);
    if (record?.kind !== 'hunt-run') {
      throw new UsageError(`--run: no hunt run ${options.runId} in ${names.state} (iochunt status lists the runs)`);
    }
    // Records written before `details.params` was complete may lack some parameters.
    const params: Partial<HuntRunParams> = record.details?.params ?? {};
    const feeds = [...(params.feeds ?? record.feed ?? [])];
    const index = [...(params.index ?? [])];
    const since = params.since ?? (await fetchEarliestHuntFrom(engine, names, feeds));
    const until = params.until ?? record.finished_at ?? record.started_at;
    scope = { feeds, indices: index, since, until, runId: options.runId, generatedAt };
    if (hasAlerts) query = await runScopeQuery(engine, options.runId, { index, feeds, since, until });
  } else {
    const feeds = options.feed === undefined ? [] : [options.feed];
    const since = options.since === undefined ? undefined : parseDateOption(options.since, '--since');
    const until = options.until === undefined ? undefined : parseDateOption(options.until, '--until');
    const filter: Record<string, unknown>[] = [
      ...(options.feed === undefined ? [] : [{ term: { 'threat.enrichments.feed.name': options.feed } }]),
      ...(since || until
        ? [{ range: { '@timestamp': { ...(since ? { gte: since } : {}), ...(until ? { lt: until } : {}), format: 'strict_date_optional_time' } } }]
        : []),
    ];
    query = filter.length > 0 ? { bool: { filter } } : undefined;
    scope = { feeds, indices: [], since: since ?? (await fetchEarliestHuntFrom(engine, names, feeds)), until: until ?? generatedAt, generatedAt };
  }

  const alerts: AlertRow[] = [];
  if (hasAlerts) {
    for await (const page of engine.scanDocuments({
      index: names.alerts,
      ...(query ? { query } : {}),
      source: ALERT_SOURCE,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      for (const hit of page) {
        const row = buildAlertRow(hit.source);
        if (row) alerts.push(row);
      }
    }
  }
  const storedIocs = await fetchStoredIocs(engine, names, [...new Set(alerts.map((a) => a.iocId))]);
  const report = buildReportData({ scope, alerts, storedIocs, ...(options.tlpMax ? { tlpMax: options.tlpMax } : {}) });
  // Without a run, the indices worth naming are those the reported findings came from (not those of IOCs --tlp-max left out).
  if (options.runId === undefined) report.scope.indices = reportedIndices(alerts, report);
  return report;
}
