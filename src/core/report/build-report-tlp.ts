import type { AlertRow } from './build-report-data.js';
import type { StoredIoc } from './parse-stored-ioc.js';
import { strictestTlp, tlpRank, type TlpLabel } from './tlp-label.js';

/** The TLP marking of a whole report (README `iochunt report`, "TLP"). */
export interface ReportTlp {
  /** The most restrictive TLP of the IOCs in the report; null when none of them is marked. */
  label: TlpLabel | null;
  /** `--tlp-max`, when given. */
  max?: TlpLabel;
  /** IOCs marked above `max`, and their findings, left out of the report. */
  leftOut: { iocs: number; findings: number };
  /** IOCs in the report without any marking. */
  unmarked: number;
}

/**
 * Each IOC's TLP: the strictest of every marking known for it, i.e. its document's now
 * (`threat.indicator.marking.tlp` and each feed entry's, which holds the feed's `sync --tlp` for
 * entries the source left unmarked) and the copy each finding took when it was made. A marking
 * raised since the hunt counts; one lowered since does not lower the report, because the
 * findings (never rewritten) still name the feeds that marked it higher. Undefined: unmarked.
 */
export function buildIocTlps(alerts: readonly AlertRow[], stored: ReadonlyMap<string, StoredIoc>): Map<string, TlpLabel | undefined> {
  const tlps = new Map<string, TlpLabel | undefined>();
  for (const alert of alerts) {
    if (!tlps.has(alert.iocId)) {
      const document = stored.get(alert.iocId);
      tlps.set(alert.iocId, strictestTlp([document?.tlp, ...(document?.feeds ?? []).map((feed) => feed.tlp)]));
    }
    tlps.set(alert.iocId, strictestTlp([tlps.get(alert.iocId), alert.tlp]));
  }
  return tlps;
}

/** True when `tlp` may be in a report capped at `max`: unmarked IOCs are kept (and counted as unmarked). */
const withinMax = (tlp: TlpLabel | undefined, max: TlpLabel | undefined): boolean =>
  max === undefined || tlp === undefined || tlpRank(tlp) <= tlpRank(max);

/**
 * `--tlp-max`: the alerts of IOCs marked at most `max`, and how many IOCs and findings were
 * left out. A cap can only leave IOCs out: nothing here lowers a marking.
 */
export function filterByTlpMax(
  alerts: readonly AlertRow[],
  tlps: ReadonlyMap<string, TlpLabel | undefined>,
  max: TlpLabel | undefined,
): { kept: AlertRow[]; leftOut: ReportTlp['leftOut'] } {
  const kept: AlertRow[] = [];
  const leftOutIocs = new Set<string>();
  for (const alert of alerts) {
    if (withinMax(tlps.get(alert.iocId), max)) kept.push(alert);
    else leftOutIocs.add(alert.iocId);
  }
  return { kept, leftOut: { iocs: leftOutIocs.size, findings: alerts.length - kept.length } };
}

/** The report's marking from the TLPs of the IOCs it keeps. */
export function buildReportTlp(kept: readonly (TlpLabel | null)[], max: TlpLabel | undefined, leftOut: ReportTlp['leftOut']): ReportTlp {
  return {
    label: strictestTlp(kept.map((tlp) => tlp ?? undefined)) ?? null,
    ...(max === undefined ? {} : { max }),
    leftOut: { ...leftOut },
    unmarked: kept.filter((tlp) => tlp === null).length,
  };
}
