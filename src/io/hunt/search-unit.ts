import { buildAlert } from '../../core/hunt/build-alert.js';
import { firstMatchPerIoc } from '../../core/hunt/first-match-per-ioc.js';
import type { IocMatcher } from '../../core/hunt/ioc-matcher.js';
import type { MatchFields } from '../../core/hunt/match-fields.js';
import { buildUnitQuery, sourceFieldsFor, type HuntPlan, type HuntUnit, type IocBatch } from '../../core/hunt/plan-hunt.js';
import { splitBatch } from '../../core/hunt/split-batch.js';
import { formatEventTime } from '../../core/time/parse-event-time.js';
import type { ResourceNames } from '../../core/resource-names.js';
import { ClusterError } from '../../errors.js';
import { BulkWriter, type DroppedDocument } from '../engine/bulk-writer.js';
import type { Engine } from '../engine/engine.js';
import type { UnitCounts } from '../store/state-records.js';

/** What one unit needs: its plan and matcher, and how to page and match. */
export interface UnitContext {
  plan: HuntPlan;
  unit: HuntUnit;
  matcher: IocMatcher;
  fields: MatchFields;
  runId: string;
  names: ResourceNames;
  pageSize?: number;
  validityGraceMs?: number;
  signal?: AbortSignal;
  /** An index of the unit's group disappeared mid-hunt: said, never skipped silently. */
  onWarning?: (message: string) => void;
  /** Indices found gone during this run (shared by its units): warned about once, then left out. */
  gone?: Set<string>;
  /** Alerts an attempt created before it failed (so a retried unit counts them as created, not "already found"). */
  tally?: { created: number };
}

/** Which part of the unit to search: a half of its batch (after `too_many_clauses`), the indices still there. */
interface UnitScope {
  batch?: IocBatch;
  indices?: readonly string[];
}

function hasType(error: unknown, ...wanted: string[]): boolean {
  if (!(error instanceof ClusterError)) return false;
  const types = [error.details.type, ...(error.details.rootCauses ?? [])];
  return types.some((t) => t !== undefined && wanted.includes(t));
}

function sum(a: UnitCounts, b: UnitCounts): UnitCounts {
  return { events: a.events + b.events, matches: a.matches + b.matches, created: a.created + b.created, conflicts: a.conflicts + b.conflicts };
}

function droppedError(dropped: readonly DroppedDocument[], alerts: string): ClusterError {
  const [first] = dropped;
  const blocked = first?.errorType === 'cluster_block_exception';
  const reason = first?.reason ? `: ${first.reason}` : '';
  const hint = blocked ? ' (the index is blocked: free disk space or lift the write block, then resume)' : '';
  return new ClusterError('server', `${dropped.length} alert(s) could not be written to ${alerts} (first: HTTP ${first?.status} ${first?.errorType ?? ''}${reason})${hint}`, {
    ...(first?.status ? { statusCode: first.status } : {}),
    ...(first?.errorType ? { type: first.errorType } : {}),
  });
}

/**
 * Searches one unit and writes its alerts; resolves once they are acknowledged. Every hit is
 * decided by the pure matcher, and one alert per (event, IOC) is written with a deterministic
 * id and `op_type: create` (a conflict means "already found"). A query the cluster refuses as
 * too large (`too_many_clauses`, by error type) is split in two and each half searched. An
 * index deleted since the plan is warned about and the unit searched again without it.
 * Partial answers (a failed shard, a lost scroll) throw a ClusterError of kind `partial`.
 */
export async function searchUnit(engine: Engine, context: UnitContext, scope: UnitScope = {}): Promise<UnitCounts> {
  const { plan, unit, matcher, fields, runId, names } = context;
  const group = plan.groups[unit.group]!;
  const indices = (scope.indices ?? group.indices).filter((index) => !context.gone?.has(index));
  if (indices.length === 0) return { events: 0, matches: 0, created: 0, conflicts: 0 };
  const dropped: DroppedDocument[] = [];
  const writer = new BulkWriter({ engine, concurrency: 2, onDrop: (d) => dropped.push(d), ...(context.signal ? { signal: context.signal } : {}) });
  const counts: UnitCounts = { events: 0, matches: 0, created: 0, conflicts: 0 };
  const createdAt = new Date().toISOString();
  const matchOptions = context.validityGraceMs === undefined ? {} : { validityGraceMs: context.validityGraceMs };
  try {
    for await (const page of engine.scanDocuments({
      index: indices.join(','),
      query: buildUnitQuery(plan, unit, scope.batch),
      source: sourceFieldsFor(group, plan.timestampField),
      // The engine's own reading of @timestamp, whatever its form or the mapping's `format`.
      dateFields: [{ field: '@timestamp', format: 'strict_date_optional_time' }],
      pageSize: context.pageSize ?? 5000,
      ignoreUnavailable: false,
      ...(context.signal ? { signal: context.signal } : {}),
    })) {
      for (const hit of page) {
        counts.events += 1;
        const read = hit.fields?.['@timestamp']?.[0];
        const timestamp = typeof read === 'string' ? read : hit.source['@timestamp'];
        const matches = firstMatchPerIoc(matcher.match({ source: hit.source, timestamp }, fields, matchOptions));
        for (const match of matches) {
          counts.matches += 1;
          const event = { index: hit.index, id: hit.id, source: hit.source, ...(typeof read === 'string' ? { timestamp: formatEventTime(read) ?? read } : {}) };
          const alert = buildAlert({ event, match, runId, matchedType: 'iochunt_retro_hunt', now: createdAt, iocIndex: names.iocs });
          await writer.add({ op: 'create', index: names.alerts, id: alert.id }, alert.document);
        }
      }
    }
  } catch (error) {
    const written = await writer.close().catch(() => undefined);
    if (context.tally && written) context.tally.created += written.created;
    const halves = hasType(error, 'too_many_clauses', 'too_many_nested_clauses') ? splitBatch(scope.batch ?? plan.batches[unit.batch]!) : undefined;
    if (halves) {
      const left = await searchUnit(engine, context, { ...scope, batch: halves[0] });
      return sum(left, await searchUnit(engine, context, { ...scope, batch: halves[1] }));
    }
    if (hasType(error, 'index_not_found_exception')) return searchRemaining(engine, context, scope, indices);
    throw error;
  }
  const totals = await writer.close();
  if (dropped.length > 0) {
    if (context.tally) context.tally.created += totals.created;
    throw droppedError(dropped, names.alerts);
  }
  counts.created = totals.created;
  counts.conflicts = totals.conflicts;
  return counts;
}

/** The unit again over the indices that still exist, after warning about those that are gone. */
async function searchRemaining(engine: Engine, context: UnitContext, scope: UnitScope, indices: readonly string[]): Promise<UnitCounts> {
  const still = new Set((await engine.resolveIndices(indices)).map((index) => index.name));
  const gone = indices.filter((index) => !still.has(index));
  if (gone.length === 0) throw new ClusterError('server', `${indices.join(',')}: the cluster says an index is missing, yet every one still resolves; run the hunt again`);
  const slice = context.plan.slices[context.unit.slice]!;
  const fresh = gone.filter((index) => !context.gone?.has(index));
  for (const index of fresh) context.gone?.add(index);
  if (fresh.length > 0) context.onWarning?.(`${fresh.join(', ')} disappeared during the hunt: not searched from ${slice.from} (the slice that found it missing) on`);
  const remaining = indices.filter((index) => still.has(index));
  if (remaining.length === 0) return { events: 0, matches: 0, created: 0, conflicts: 0 };
  return searchUnit(engine, context, { ...scope, indices: remaining });
}
