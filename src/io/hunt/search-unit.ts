import { buildAlert } from '../../core/hunt/build-alert.js';
import { firstMatchPerIoc } from '../../core/hunt/first-match-per-ioc.js';
import type { IocMatcher } from '../../core/hunt/ioc-matcher.js';
import type { MatchFields } from '../../core/hunt/match-fields.js';
import { buildUnitQuery, sourceFieldsFor, type HuntPlan, type HuntUnit, type IocBatch } from '../../core/hunt/plan-hunt.js';
import { splitBatch } from '../../core/hunt/split-batch.js';
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
  subdomains?: boolean;
  signal?: AbortSignal;
}

/** Whether the cluster refused a query as too large, decided by error type (never by message). */
function isTooManyClauses(error: unknown): boolean {
  if (!(error instanceof ClusterError)) return false;
  const types = [error.details.type, ...(error.details.rootCauses ?? [])];
  return types.some((t) => t === 'too_many_clauses' || t === 'too_many_nested_clauses');
}

/**
 * Searches one unit and writes its alerts; resolves once they are acknowledged. Every hit is
 * decided by the pure matcher, and one alert per (event, IOC) is written with a deterministic
 * id and `op_type: create` (a conflict means "already found"). A query the cluster refuses as
 * too large (`too_many_clauses`) is split in two and each half searched, recursively.
 */
export async function searchUnit(engine: Engine, context: UnitContext, batch?: IocBatch): Promise<UnitCounts> {
  const { plan, unit, matcher, fields, runId, names } = context;
  const group = plan.groups[unit.group]!;
  const dropped: DroppedDocument[] = [];
  const writer = new BulkWriter({ engine, concurrency: 1, onDrop: (d) => dropped.push(d), ...(context.signal ? { signal: context.signal } : {}) });
  const counts: UnitCounts = { events: 0, matches: 0, created: 0, conflicts: 0 };
  const createdAt = new Date().toISOString();
  const matchOptions = {
    ...(context.validityGraceMs === undefined ? {} : { validityGraceMs: context.validityGraceMs }),
    ...(context.subdomains ? { subdomains: true } : {}),
  };
  try {
    for await (const page of engine.scanDocuments({
      index: group.indices.join(','),
      query: buildUnitQuery(plan, unit, batch),
      source: sourceFieldsFor(group, plan.timestampField),
      pageSize: context.pageSize ?? 1000,
      ...(context.signal ? { signal: context.signal } : {}),
    })) {
      for (const hit of page) {
        counts.events += 1;
        const timestamp = hit.source['@timestamp'];
        const matches = firstMatchPerIoc(matcher.match({ source: hit.source, timestamp: typeof timestamp === 'string' ? timestamp : undefined }, fields, matchOptions));
        for (const match of matches) {
          counts.matches += 1;
          const alert = buildAlert({ event: hit, match, runId, matchedType: 'iochunt_retro_hunt', now: createdAt, iocIndex: names.iocs });
          await writer.add({ op: 'create', index: names.alerts, id: alert.id }, alert.document);
        }
      }
    }
  } catch (error) {
    const halves = isTooManyClauses(error) ? splitBatch(batch ?? plan.batches[unit.batch]!) : undefined;
    if (halves) {
      await writer.close().catch(() => undefined);
      const [left, right] = [await searchUnit(engine, context, halves[0]), await searchUnit(engine, context, halves[1])];
      return { events: left.events + right.events, matches: left.matches + right.matches, created: left.created + right.created, conflicts: left.conflicts + right.conflicts };
    }
    await writer.close().catch(() => undefined);
    throw error;
  }
  const totals = await writer.close();
  if (dropped.length > 0) {
    const [first] = dropped;
    throw new ClusterError('server', `${dropped.length} alert(s) could not be written to ${names.alerts} (first: HTTP ${first?.status} ${first?.errorType ?? ''})`.trim());
  }
  counts.created = totals.created;
  counts.conflicts = totals.conflicts;
  return counts;
}
