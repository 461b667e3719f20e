import { parseEventTime } from '../time/parse-event-time.js';
import { buildFeedSources, type FeedSource } from './build-feed-sources.js';
import { buildIocTlps, buildReportTlp, filterByTlpMax, type ReportTlp } from './build-report-tlp.js';
import type { StoredIoc } from './parse-stored-ioc.js';
import type { TlpLabel } from './tlp-label.js';

/**
 * The incident report of `iochunt report` (README `iochunt report`): its TLP marking, the
 * sources of its IOCs, per IOC its TLP, first/last seen, hit counts, hosts and users involved,
 * a monthly timeline since the hunt start and sample events, built from alert and IOC
 * documents ({@link buildReportData}, pure) and rendered as HTML, CSV or JSON.
 */

/** Sample events kept per IOC, earliest first. */
const SAMPLES_PER_IOC = 5;

/** The part of one alert document (`<prefix>-alerts`) a report needs, flattened. */
export interface AlertRow {
  /** The event's `@timestamp`, ISO 8601 UTC (`2021-03-04T05:06:07.000Z`). */
  timestamp: string;
  iocId: string;
  iocValue: string;
  iocType: string;
  /** `threat.enrichments[0].feed.name`. */
  feeds: string[];
  /** `threat.enrichments[0].matched.field`, e.g. `destination.ip`. */
  matchedField: string;
  /** `threat.enrichments[0].matched.atomic`: the event's value that matched. */
  atomic: string;
  host?: string;
  user?: string;
  sourceIp?: string;
  destinationIp?: string;
  /** `iochunt.event.index` / `iochunt.event.id`: where the original event is. */
  eventIndex: string;
  eventId: string;
  action?: string;
  url?: string;
  /** `threat.enrichments[0].indicator.marking.tlp`: the IOC's marking when the finding was made. */
  tlp?: TlpLabel;
}

/** What the report covers. */
export interface ReportScope {
  /** Feeds asked for; empty means every feed. */
  feeds: string[];
  /** Index patterns hunted (a run's report), or the event indices the findings came from. */
  indices: string[];
  /** ISO start of the period; the timeline starts with its month. */
  since: string;
  /** ISO end of the period; the timeline ends with its month. */
  until: string;
  /** The hunt run the report is about, if any. */
  runId?: string;
  generatedAt: string;
}

/** One event in a report: an {@link AlertRow} without what its IOC entry already says. */
export type ReportSample = Omit<AlertRow, 'iocId' | 'iocValue' | 'iocType' | 'feeds' | 'tlp'>;

export interface ReportIoc {
  id: string;
  value: string;
  type: string;
  /** Its TLP (see `buildIocTlps`); null when unmarked. */
  tlp: TlpLabel | null;
  /** Every feed its findings name, sorted. */
  feeds: string[];
  hits: number;
  /** `@timestamp` of its earliest and latest finding. */
  firstSeen: string;
  lastSeen: string;
  /** Distinct `host.name` / `user.name` of its findings, sorted. */
  hosts: string[];
  users: string[];
  /** Its first {@link SAMPLES_PER_IOC} findings, earliest first. */
  samples: ReportSample[];
}

export interface ReportTotals {
  findings: number;
  iocsHit: number;
  /** Distinct hosts / users over all findings. */
  hosts: number;
  users: number;
}

/** Hits in one calendar month (UTC). */
export interface TimelineMonth {
  /** `YYYY-MM`. */
  month: string;
  hits: number;
}

export interface ReportData {
  scope: ReportScope;
  /** The report's marking, and what `--tlp-max` left out. */
  tlp: ReportTlp;
  /** Per feed of the reported IOCs: the bulletins they came from. */
  sources: FeedSource[];
  totals: ReportTotals;
  /** Most hits first, then by value. */
  iocs: ReportIoc[];
  /** Every month from the month of `since` to the month of `until`, empty months included. */
  timeline: TimelineMonth[];
}

export interface BuildReportInput {
  scope: ReportScope;
  alerts: readonly AlertRow[];
  /** The IOC documents of the alerts' IOCs as stored now, by IOC id; an IOC deleted since has none. */
  storedIocs?: ReadonlyMap<string, StoredIoc>;
  /** `--tlp-max`: IOCs marked above it, and their findings, are left out. */
  tlpMax?: TlpLabel;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Chronological, then by event, so the result does not depend on the order alerts were read. */
function compareAlerts(a: AlertRow, b: AlertRow): number {
  return byText(a.timestamp, b.timestamp) || byText(a.eventIndex, b.eventIndex) || byText(a.eventId, b.eventId) || byText(a.iocId, b.iocId);
}

/** `YYYY-MM` of an ISO date-time (UTC), or undefined when it cannot be read. */
function monthOf(iso: string): string | undefined {
  const ms = parseEventTime(iso);
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 7);
}

function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

function sample(row: AlertRow): ReportSample {
  const { iocId: _id, iocValue: _value, iocType: _type, feeds: _feeds, tlp: _tlp, ...rest } = row;
  return { ...rest };
}

const sortedDistinct = (values: Iterable<string | undefined>): string[] =>
  [...new Set([...values].filter((v): v is string => v !== undefined && v !== ''))].sort(byText);

/** One entry per IOC, most hits first, then by value; `alerts` sorted by {@link compareAlerts}. */
function buildIocEntries(alerts: readonly AlertRow[], tlps: ReadonlyMap<string, TlpLabel | undefined>): ReportIoc[] {
  const perIoc = new Map<string, AlertRow[]>();
  for (const alert of alerts) {
    const rows = perIoc.get(alert.iocId);
    if (rows) rows.push(alert);
    else perIoc.set(alert.iocId, [alert]);
  }
  return [...perIoc.entries()]
    .map(([id, rows]) => {
      const first = rows[0]!;
      return {
        id,
        value: first.iocValue,
        type: first.iocType,
        tlp: tlps.get(id) ?? null,
        feeds: sortedDistinct(rows.flatMap((r) => r.feeds)),
        hits: rows.length,
        firstSeen: first.timestamp,
        lastSeen: rows[rows.length - 1]!.timestamp,
        hosts: sortedDistinct(rows.map((r) => r.host)),
        users: sortedDistinct(rows.map((r) => r.user)),
        samples: rows.slice(0, SAMPLES_PER_IOC).map(sample),
      };
    })
    .sort((a, b) => b.hits - a.hits || byText(a.value, b.value) || byText(a.id, b.id));
}

/** Every month of the period, widened to the months of the findings (see {@link buildReportData}). */
function buildTimeline(scope: ReportScope, alerts: readonly AlertRow[]): TimelineMonth[] {
  const hitsPerMonth = new Map<string, number>();
  for (const alert of alerts) {
    const month = monthOf(alert.timestamp);
    if (month !== undefined) hitsPerMonth.set(month, (hitsPerMonth.get(month) ?? 0) + 1);
  }
  const bounds = [monthOf(scope.since), monthOf(scope.until), ...hitsPerMonth.keys()].filter((m): m is string => m !== undefined).sort(byText);
  const timeline: TimelineMonth[] = [];
  const last = bounds[bounds.length - 1];
  for (let month = bounds[0]; month !== undefined && last !== undefined && month <= last; month = nextMonth(month)) {
    timeline.push({ month, hits: hitsPerMonth.get(month) ?? 0 });
  }
  return timeline;
}

/**
 * The report for a set of alert rows: its TLP marking, the sources of its IOCs, totals, one
 * entry per IOC (TLP, hits, first/last seen, distinct hosts and users, the first
 * {@link SAMPLES_PER_IOC} events) and a monthly timeline. The timeline runs from the month of
 * `scope.since` to the month of `scope.until`, including months without hits, so a quiet
 * period shows as such; it is widened to the months of the earliest and latest finding if any
 * lies outside the period, so the timeline always adds up to the number of findings.
 *
 * With `tlpMax`, IOCs marked above it are left out before anything is counted: totals,
 * timeline, hosts and sources say nothing of them, and `tlp.leftOut` says how many there were.
 * The report's label is the strictest TLP of the IOCs it keeps.
 *
 * Timestamps must be ISO 8601 UTC (as {@link buildAlertRow} makes them): they are compared as
 * strings. Pure: the inputs are not modified and share no objects with the result.
 */
export function buildReportData(input: BuildReportInput): ReportData {
  const { scope } = input;
  const stored = input.storedIocs ?? new Map<string, StoredIoc>();
  const tlps = buildIocTlps(input.alerts, stored);
  const { kept, leftOut } = filterByTlpMax(input.alerts, tlps, input.tlpMax);
  const alerts = kept.sort(compareAlerts);
  const iocs = buildIocEntries(alerts, tlps);
  return {
    scope: { ...scope, feeds: [...scope.feeds], indices: [...scope.indices] },
    tlp: buildReportTlp(iocs.map((ioc) => ioc.tlp), input.tlpMax, leftOut),
    sources: buildFeedSources(iocs, stored),
    totals: {
      findings: alerts.length,
      iocsHit: iocs.length,
      hosts: sortedDistinct(alerts.map((a) => a.host)).length,
      users: sortedDistinct(alerts.map((a) => a.user)).length,
    },
    iocs,
    timeline: buildTimeline(scope, alerts),
  };
}
