import type { HuntSlicing } from './plan-hunt.js';
import { DEFAULT_HUNT_FROM, DEFAULT_INCREMENTAL_OVERLAP_MS } from '../defaults.js';
import type { HuntIoc } from './hunt-ioc.js';
import type { MatchFields } from './match-fields.js';
import { planHunt, type HuntPlan, type PlanIndex } from './plan-hunt.js';

/** An active IOC and the IOC-set version that last changed it. */
export interface VersionedIoc {
  ioc: HuntIoc;
  setVersion: number;
}

/** Where the last completed hunt over the same scope left off. */
export interface HuntWatermark {
  /** The IOC-set version it hunted. */
  setVersion: number;
  /** The end of its range (ISO): events that arrived before it were hunted. */
  eventsUntil: string;
  /**
   * When that run started (ISO; absent in records older than near-live runs): what it saw of
   * the window's end was what had become searchable by then.
   */
  runStartedAt?: string;
}

export interface PlanHuntPhasesInput {
  iocs: readonly VersionedIoc[];
  indices: readonly PlanIndex[];
  fields: MatchFields;
  /** `--since`; default: the earliest `hunt_from` of the IOCs hunted over history. */
  since?: string;
  until: string;
  slice: HuntSlicing;
  /** Set for an incremental run that has a previous one; without it the run is a full hunt. */
  watermark?: HuntWatermark;
  /** Incremental window starts this long before the watermark. Default 1 h. */
  overlapMs?: number;
  /**
   * Near-live runs (`iochunt watch`): the settle delay ({@link settledWindowStart}). The window
   * then starts where the previous run's settled view ended instead of `overlapMs` before it.
   */
  settleMs?: number;
  maxClauses?: number;
  /** Values per `terms` query: the hunted indices' smallest `index.max_terms_count`, when one is set below the default. */
  maxTerms?: number;
}

export type PhaseName = 'history' | 'new-events';

/** One plan and the IOCs it hunts. */
export interface HuntPhase {
  name: PhaseName;
  plan: HuntPlan;
  iocs: HuntIoc[];
}

export interface HuntPhases {
  phases: HuntPhase[];
  /** Incremental runs: the IOCs added or changed since the watermark. */
  newIocs?: HuntIoc[];
  /** The start of the whole run (the earliest phase start). */
  since: string;
}

/** The earliest `hunt_from` of these IOCs (feeds differ), else the product default. */
export function earliestHuntFrom(iocs: readonly HuntIoc[]): string {
  let earliest: string | undefined;
  for (const ioc of iocs) if (earliest === undefined || ioc.huntFrom < earliest) earliest = ioc.huntFrom;
  return earliest ?? DEFAULT_HUNT_FROM;
}

/**
 * Where a near-live window starts: at the previous window's end, or `settleMs` before the
 * previous run started when that is earlier. A run saw every event ingested `settleMs` before
 * it started (they were searchable by then); events ingested later than that may have been
 * unsearchable, so the next window goes back to that point. A near-live run ends its window
 * `settleMs` before it starts, so two of them with the same delay leave neither gap nor
 * overlap; after a run that ended its window at its start (`hunt --mode incremental`,
 * `schedule`), or when the delay grew, the window reaches back by the difference. Records
 * without `runStartedAt` go back the whole delay.
 */
export function settledWindowStart(watermark: HuntWatermark, settleMs: number): string {
  const end = Date.parse(watermark.eventsUntil);
  const settled = Date.parse(watermark.runStartedAt ?? watermark.eventsUntil) - settleMs;
  return new Date(Math.min(end, settled)).toISOString();
}

/**
 * What a hunt searches, in phases:
 * - a full run (or an incremental one with no watermark yet): one `history` phase, every IOC
 *   from `since` (default: the earliest `hunt_from` of the IOCs) to `until`;
 * - an incremental run: a `history` phase for the IOCs whose set version is newer than the
 *   watermark's, over their whole range, then a `new-events` phase for every IOC over the
 *   window from the watermark (less the overlap, or {@link settledWindowStart} for a near-live
 *   run) to `until`, in one slice. Events that arrived
 *   late carry an old `@timestamp`: the window is on `event.ingested` where every searchable
 *   index maps it as a date, else on `@timestamp`.
 * Pure and deterministic, like {@link planHunt}: a resumed run plans the same unit keys.
 */
export function planHuntPhases(input: PlanHuntPhasesInput): HuntPhases {
  const all = input.iocs.map((entry) => entry.ioc);
  const common = {
    indices: input.indices,
    fields: input.fields,
    until: input.until,
    ...(input.maxClauses ? { maxClauses: input.maxClauses } : {}),
    ...(input.maxTerms ? { maxTerms: input.maxTerms } : {}),
  };
  const { watermark } = input;
  if (!watermark) {
    const since = input.since ?? earliestHuntFrom(all);
    return { phases: [{ name: 'history', plan: planHunt({ ...common, iocs: all, since, slice: input.slice }), iocs: all }], since };
  }

  const phases: HuntPhase[] = [];
  const newIocs = input.iocs.filter((entry) => entry.setVersion > watermark.setVersion).map((entry) => entry.ioc);
  if (newIocs.length > 0) {
    const since = input.since ?? earliestHuntFrom(newIocs);
    phases.push({ name: 'history', plan: planHunt({ ...common, iocs: newIocs, since, slice: input.slice }), iocs: newIocs });
  }
  const windowStart =
    input.settleMs === undefined
      ? new Date(Date.parse(watermark.eventsUntil) - (input.overlapMs ?? DEFAULT_INCREMENTAL_OVERLAP_MS)).toISOString()
      : settledWindowStart(watermark, input.settleMs);
  const searchable = input.indices.filter((index) => !index.closed && index.fieldTypes.has('@timestamp'));
  const ingested = searchable.length > 0 && searchable.every((index) => index.fieldTypes.get('event.ingested') === 'date');
  const timestampField = ingested ? 'event.ingested' : '@timestamp';
  phases.push({ name: 'new-events', plan: planHunt({ ...common, iocs: all, since: windowStart, slice: 'none', timestampField }), iocs: all });
  const since = phases.map((phase) => phase.plan.since).sort()[0] ?? windowStart;
  return { phases, newIocs, since };
}
