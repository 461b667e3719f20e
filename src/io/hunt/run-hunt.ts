import { DEFAULT_HUNT_INDICES } from '../../core/defaults.js';
import type { HuntIoc } from '../../core/hunt/hunt-ioc.js';
import { buildIocMatcher, type IocMatcher } from '../../core/hunt/ioc-matcher.js';
import { DEFAULT_MATCH_FIELDS, mergeMatchFields, type MatchFields, type MatchKind } from '../../core/hunt/match-fields.js';
import { planHuntPhases, type HuntPhase, type PhaseName } from '../../core/hunt/plan-hunt-phases.js';
import { buildUnitQuery, DEFAULT_MAX_TERMS, type HuntSlicing, type SkippedIndex } from '../../core/hunt/plan-hunt.js';
import { keepOccupiedUnits, sizeSlicesByVolume } from '../../core/hunt/occupied-slices.js';
import { buildResourceNames } from '../../core/resource-names.js';
import { parseDateOption } from '../../core/time/parse-date-option.js';
import { UsageError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { ensureAlertsIndex, probeAlertWrite } from '../store/alerts-index.js';
import { huntWatermarkOf, type HuntProgress, type HuntRunParams, type HuntRunRecord, type HuntWatermarkRecord, type RunStatus, type UnitCounts, type UnitRetry } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';
import { fetchFindingsSummary, type IocHits } from './fetch-findings-summary.js';
import { fetchEventMonths } from './fetch-event-months.js';
import { fetchHuntIocs, fetchPlanIndices } from './fetch-hunt-inputs.js';
import { fetchUntimedEvents, type UntimedEvents } from './fetch-untimed-events.js';
import { DEFAULT_UNIT_RETRY, RECORDED_RETRIES, retryWhileRetryable, runUnits, type PhaseUnit, type UnitRetryPolicy } from './run-units.js';

export type { HuntProgress, IocHits, UnitRetry };

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
  /** Time ranges: `auto` (default) sized by event volume, or calendar `month`, `year`, or `none` (README `iochunt hunt`). */
  slice?: HuntSlicing;
  /** Extra event fields per IOC kind (config file). */
  fields?: Partial<Record<MatchKind, readonly string[]>>;
  validityGraceMs?: number;
  /**
   * `--exact-domains`: domain IOCs match their exact name only. Default off: a domain IOC also
   * matches its subdomains unless it is a public suffix or every feed listing it was loaded
   * with `sync --exact-domains` (README "Matching"). Recorded with the run, so `--resume` keeps it.
   */
  exactDomains?: boolean;
  /** Incremental runs look back this far before the last watermark. Default 1 h. */
  overlapMs?: number;
  /**
   * Near-live incremental runs (`iochunt watch`): the settle delay, after which an ingested event
   * is surely searchable. The run's range ends this long before now (unless `until` is given)
   * and its window starts where the previous run's settled view ended (`settledWindowStart`),
   * instead of `overlapMs` before the watermark.
   */
  settleMs?: number;
  pageSize?: number;
  /** Clause budget per query (planHunt); lower it for clusters with a small `max_clause_count`. */
  maxClauses?: number;
  /** How a failed unit is tried again (default: 4 attempts, 1 s doubling, at most 15 s apart). */
  unitRetry?: Partial<UnitRetryPolicy>;
  signal?: AbortSignal;
  /** Called once the run id is known, before any scanning. */
  onRunId?: (runId: string) => void;
  /** After each unit's checkpoint; a promise it returns is awaited before that unit's slot takes the next unit. */
  onProgress?: (progress: HuntProgress) => void | Promise<void>;
  onWarning?: (message: string) => void;
  now?: () => Date;
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
  phases: { name: PhaseName; units: number; slices: number }[];
  progress: HuntProgress;
  /** Per IOC, every finding in the alerts index for this hunt's scope (not only this run's new ones). */
  perIoc: IocHits[];
  totals: { findings: number; iocsHit: number; hosts: number };
  /** Dry run: candidate events per unit. */
  candidates?: { unit: string; indices: string[]; from: string; until: string; count: number }[];
  /** Unit attempts that failed and were retried, and why (this run's; a resumed run's earlier ones are in its record). */
  retries: UnitRetry[];
  /** Incremental runs with a watermark: the new-events window and the field it is on (`event.ingested` or `@timestamp`). */
  window?: { field: string; from: string; until: string };
  /** Per index, events that touch hunted IOCs but have no readable `@timestamp`: not hunted, never silently. */
  untimed: UntimedEvents[];
  warnings: string[];
  durationMs: number;
}

/** The part of a summary known once the hunt is planned. */
type PlannedSummary = Pick<HuntSummary, 'mode' | 'since' | 'until' | 'iocs' | 'newIocs' | 'indices' | 'warnings' | 'phases' | 'retries' | 'untimed' | 'window'>;

/** The parameters of a new run from the options, or those a resumed run recorded. */
async function resolveRun(state: StateStore, options: HuntOptions, now: Date): Promise<{ params: HuntRunParams; previous?: HuntRunRecord }> {
  if (options.resume) {
    const previous = await state.fetchRun(options.resume);
    if (previous?.kind !== 'hunt-run') throw new UsageError(`--resume: no hunt run ${options.resume} in ${state.index}`);
    return { params: previous.details.params, previous };
  }
  const params: HuntRunParams = {
    index: [...(options.index ?? DEFAULT_HUNT_INDICES)],
    ...(options.since ? { since: parseDateOption(options.since, '--since') } : {}),
    until: options.until ? parseDateOption(options.until, '--until') : new Date(now.getTime() - (options.settleMs ?? 0)).toISOString(),
    feeds: [...(options.feeds ?? [])],
    mode: options.mode ?? 'full',
    slice: options.slice ?? 'auto',
    ...(options.exactDomains ? { exact_domains: true as const } : {}),
  };
  return { params };
}

/** A planned run: its phases with their matchers, the units in order, what the summary says so far. */
interface PlannedRun {
  phases: (HuntPhase & { matcher: IocMatcher })[];
  units: PhaseUnit[];
  iocs: HuntIoc[];
  setVersion: number;
  summary: PlannedSummary;
}

/** Reads the IOCs, the indices' mappings and the watermark, and plans the phases (pure {@link planHuntPhases}). */
async function planRun(
  engine: Engine,
  context: { state: StateStore; iocIndex: string; params: HuntRunParams; fields: MatchFields; retry: UnitRetryPolicy; options: HuntOptions },
): Promise<PlannedRun> {
  const { state, params, fields, retry, options } = context;
  const warn = options.onWarning ?? (() => undefined);
  // The IOC set must be whole (a failed shard of the IOC index must not shrink it): a partial
  // read is tried again like a unit, then fails the run before anything is written.
  const [iocs, indices, setVersion, maxTerms] = await retryWhileRetryable(
    () =>
      Promise.all([
        fetchHuntIocs(engine, context.iocIndex, params.feeds, { exactDomains: params.exact_domains === true }),
        fetchPlanIndices(engine, params.index, fields),
        state.fetchSetVersion().catch(() => ({ version: 0 })),
        engine.fetchMaxTermsCount(params.index),
      ]),
    retry,
    { ...(options.signal ? { signal: options.signal } : {}), onRetry: (reason, attempt) => warn(`reading the IOCs and mappings, attempt ${attempt} failed, retrying: ${reason}`) },
  );
  const watermark = params.mode === 'incremental' ? await state.fetchWatermark(params) : undefined;
  const planned = planHuntPhases({
    iocs,
    indices,
    fields,
    until: params.until,
    slice: params.slice,
    ...(params.since ? { since: params.since } : {}),
    ...(watermark ? { watermark: huntWatermarkOf(watermark) } : {}),
    ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
    ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
    ...(options.maxClauses ? { maxClauses: options.maxClauses } : {}),
    ...(maxTerms !== undefined && maxTerms < DEFAULT_MAX_TERMS ? { maxTerms } : {}),
  });
  // Units only where the data is: per index group, one histogram of the months holding events.
  const occupied = await retryWhileRetryable(
    () =>
      Promise.all(
        planned.phases.map(async (phase) => {
          const counts = await fetchEventMonths(engine, phase.plan);
          const months = new Map([...counts].map(([group, list]) => [group, list.map((m) => m.month)]));
          // The new-events window is one slice by design: only history ranges are sized by volume.
          const sized = params.slice === 'auto' && phase.name === 'history';
          return { ...phase, plan: sized ? sizeSlicesByVolume(phase.plan, counts) : keepOccupiedUnits(phase.plan, months) };
        }),
      ),
    retry,
    { ...(options.signal ? { signal: options.signal } : {}), onRetry: (reason, attempt) => warn(`reading where the events are, attempt ${attempt} failed, retrying: ${reason}`) },
  );
  const phases = occupied.map((phase) => ({ ...phase, matcher: matcherFor(phase, warn) }));
  for (const phase of phases) for (const warning of phase.plan.warnings) warn(warning);
  const units: PhaseUnit[] = phases.flatMap((p, i) => p.plan.units.map((unit) => ({ phase: i, unit, key: `${p.name}:${unit.key}` })));
  // History phases only: an incremental tick would repeat the same count every few minutes.
  const untimed = await retryWhileRetryable(
    async () => (await Promise.all(phases.filter((p) => p.name === 'history').map((p) => fetchUntimedEvents(engine, p.plan)))).flat(),
    retry,
    { ...(options.signal ? { signal: options.signal } : {}), onRetry: (reason, attempt) => warn(`counting events without a readable @timestamp, attempt ${attempt} failed, retrying: ${reason}`) },
  );
  const untimedWarnings = untimed.map(
    (u) => `${u.index}: ${u.count} event(s) touching hunted IOCs have no readable @timestamp and cannot be hunted (e.g. _id ${u.samples.join(', ')})`,
  );
  for (const warning of untimedWarnings) warn(warning);
  const summary: PlannedSummary = {
    mode: params.mode,
    since: planned.since,
    until: params.until,
    iocs: iocs.length,
    ...(planned.newIocs ? { newIocs: planned.newIocs.length } : {}),
    indices: { searched: [...new Set(phases.flatMap((p) => p.plan.groups.flatMap((g) => g.indices)))].sort(), skipped: phases[0]!.plan.skipped },
    warnings: [...phases.flatMap((p) => p.plan.warnings), ...untimedWarnings],
    phases: phases.map((p) => ({ name: p.name, units: p.plan.units.length, slices: p.plan.slices.length })),
    retries: [],
    untimed,
    ...windowOf(phases),
  };
  return { phases, units, iocs: iocs.map((entry) => entry.ioc), setVersion: setVersion.version, summary };
}

/**
 * `iochunt hunt`: plans the run ({@link planRun}: a full run, or an incremental one from the
 * last watermark), then counts candidates (`dryRun`) or runs the units ({@link runUnits}:
 * checkpointed, resumable, idempotent) and reads the findings summary from the alerts index.
 * A completed run moves the scope's watermark, which the next incremental run starts from.
 */
export async function runHunt(engine: Engine, options: HuntOptions = {}): Promise<HuntSummary> {
  const started = Date.now();
  const now = (options.now ?? (() => new Date()))();
  const names = buildResourceNames(options.prefix);
  const state = new StateStore(engine, names.state);
  const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, options.fields);
  const { params, previous } = await resolveRun(state, options, now);
  const retry: UnitRetryPolicy = { ...DEFAULT_UNIT_RETRY, ...options.unitRetry };
  const run = await planRun(engine, { state, iocIndex: names.iocs, params, fields, retry, options });
  if (options.dryRun) return countCandidates(engine, run, started);

  await state.ensure();
  const runId = previous?.run_id ?? StateStore.newRunId();
  const checkpointed = previous ? await state.fetchCheckpoints(runId) : new Map<string, UnitCounts>();
  const done = new Set(checkpointed.keys());
  const resumed = done.size;
  // A resumed run's totals come from its checkpoints, not its run record: a run stopped by a
  // blocked state index could not record its last progress.
  const counted = [...checkpointed.values()];
  const progress: HuntProgress = {
    unitsTotal: run.units.length,
    unitsDone: done.size,
    eventsMatched: counted.reduce((n, c) => n + c.events, 0),
    alertsCreated: counted.reduce((n, c) => n + c.created, 0),
    alreadyFound: counted.reduce((n, c) => n + c.conflicts, 0),
    unitsRetried: Number(previous?.details.progress.unitsRetried ?? 0),
  };
  const { retries } = run.summary;
  const warn = (message: string): void => {
    run.summary.warnings.push(message);
    options.onWarning?.(message);
  };
  const record = (status: RunStatus, extra: Partial<HuntRunRecord> = {}): HuntRunRecord => ({
    kind: 'hunt-run',
    run_id: runId,
    status,
    started_at: previous?.started_at ?? now.toISOString(),
    updated_at: new Date().toISOString(),
    feed: params.feeds,
    set_version: run.setVersion,
    details: { params, progress: { ...progress }, units: run.units.length, iocs: run.iocs.length, indices: run.summary.indices, retries: [...(previous?.details.retries ?? []), ...retries].slice(0, RECORDED_RETRIES) },
    ...extra,
  });
  await state.writeRun(record('running'));
  options.onRunId?.(runId);
  await runUnits({
    engine,
    state,
    runId,
    phases: run.phases,
    units: run.units,
    done,
    progress,
    retries,
    record,
    concurrency: options.concurrency ?? 2,
    retry,
    onWarning: options.onWarning ?? (() => undefined),
    setup: async () => {
      // Every privilege the alerts index needs, asked before the first unit: create it, write
      // to it, and refresh it (the run ends with a refresh before its findings summary).
      await ensureAlertsIndex(engine, names);
      await probeAlertWrite(engine, names);
      await engine.refresh(names.alerts);
    },
    unitContext: {
      fields,
      names,
      onWarning: warn,
      gone: new Set<string>(),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.validityGraceMs === undefined ? {} : { validityGraceMs: options.validityGraceMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  await engine.refresh(names.alerts);
  const perIoc = await fetchFindingsSummary(engine, names.alerts, run.iocs, { since: run.summary.since, until: params.until });
  await state.writeRun(record('completed', { finished_at: new Date().toISOString() }));
  const watermark: HuntWatermarkRecord = {
    kind: 'hunt-watermark',
    set_version: run.setVersion,
    events_until: params.until,
    run_id: runId,
    // A resumed run's first start: its first units saw no more than what was searchable then.
    run_started_at: previous?.started_at ?? now.toISOString(),
    updated_at: new Date().toISOString(),
  };
  await state.writeWatermark(params, watermark);
  return {
    runId,
    status: 'completed',
    ...run.summary,
    units: { total: run.units.length, done: progress.unitsDone, resumed },
    progress,
    perIoc,
    totals: { findings: perIoc.reduce((n, i) => n + i.hits, 0), iocsHit: perIoc.length, hosts: perIoc.reduce((n, i) => n + i.hosts, 0) },
    durationMs: Date.now() - started,
  };
}

/** The new-events phase's window, for the summary. */
function windowOf(phases: readonly HuntPhase[]): Pick<HuntSummary, 'window'> {
  const plan = phases.find((phase) => phase.name === 'new-events')?.plan;
  return plan ? { window: { field: plan.timestampField, from: plan.since, until: plan.until } } : {};
}

/** The matcher of a phase's IOCs; IOCs it cannot match are warned about, not hunted. */
function matcherFor(phase: HuntPhase, warn: (message: string) => void): IocMatcher {
  const matcher = buildIocMatcher(phase.iocs);
  for (const rejected of matcher.rejected) warn(`IOC ${rejected.ioc.id} (${rejected.ioc.value}) left out: ${rejected.reason}`);
  return matcher;
}

/** `--dry-run`: the candidate events of every unit (one count each); nothing is written. */
async function countCandidates(engine: Engine, run: PlannedRun, started: number): Promise<HuntSummary> {
  const { phases, units, summary } = run;
  const candidates = [];
  for (const { phase, unit, key } of units) {
    const plan = phases[phase]!.plan;
    const group = plan.groups[unit.group]!;
    const count = await engine.countDocuments(group.indices.join(','), buildUnitQuery(plan, unit));
    candidates.push({ unit: key, indices: group.indices, from: plan.slices[unit.slice]!.from, until: plan.slices[unit.slice]!.until, count });
  }
  const progress = { unitsTotal: units.length, unitsDone: 0, eventsMatched: 0, alertsCreated: 0, alreadyFound: 0 };
  return { status: 'dry-run', ...summary, units: { total: units.length, done: 0, resumed: 0 }, progress, perIoc: [], totals: { findings: 0, iocsHit: 0, hosts: 0 }, candidates, durationMs: Date.now() - started };
}
