import type { HuntIoc } from '../../core/hunt/hunt-ioc.js';
import { HUNT_IOC_FIELDS, huntIocFromDocument, HuntIocInterner, type HuntIocDocument, type HuntIocOptions } from '../../core/hunt/hunt-ioc.js';
import { MATCH_KINDS, type MatchFields } from '../../core/hunt/match-fields.js';
import type { VersionedIoc } from '../../core/hunt/plan-hunt-phases.js';
import type { PlanIndex } from '../../core/hunt/plan-hunt.js';
import { registeredDomainField } from '../../core/hunt/registered-domain-field.js';
import type { Engine, IndexFieldTypes } from '../engine/engine.js';
import { resolveHuntedIndices } from './readable-indices.js';

/** Active IOCs of the selected feeds (all feeds when none), from the IOC index, with their set versions. */
export async function fetchHuntIocs(engine: Engine, iocIndex: string, feeds: readonly string[], options: HuntIocOptions = {}): Promise<VersionedIoc[]> {
  const filter: Record<string, unknown>[] = [{ term: { 'iochunt.active': true } }];
  if (feeds.length > 0) filter.push({ terms: { 'iochunt.active_feeds': [...feeds] } });
  const iocs: VersionedIoc[] = [];
  const interner = new HuntIocInterner();
  for await (const page of engine.scanDocuments({ index: iocIndex, query: { bool: { filter } }, source: HUNT_IOC_FIELDS, pageSize: 5_000 })) {
    for (const hit of page) {
      const document = hit.source as unknown as HuntIocDocument;
      const ioc: HuntIoc = huntIocFromDocument(hit.id, document, options, interner);
      iocs.push({ ioc, setVersion: Number(document.iochunt.set_version ?? 0) });
    }
  }
  return iocs;
}

/**
 * The concrete indices behind the patterns, with the mapped types of `@timestamp`,
 * `event.ingested`, the match fields and the registered-domain fields beside the domain
 * fields, and which of those an index maps but does not fill (see {@link fetchUnfilled}).
 */
export async function fetchPlanIndices(engine: Engine, patterns: readonly string[], fields: MatchFields): Promise<PlanIndex[]> {
  const resolved = await resolveHuntedIndices(engine, patterns);
  const open = resolved.filter((r) => !r.closed && r.unreadable === undefined).map((r) => r.name);
  const siblings = fields.domain.flatMap((field) => registeredDomainField(field) ?? []);
  // Each field and its `keyword` subfield, the exact values of a field mapped as text.
  const wanted = ['@timestamp', 'event.ingested', ...[...MATCH_KINDS.flatMap((kind) => fields[kind]), ...siblings].flatMap((field) => [field, `${field}.keyword`])];
  const types = await engine.fetchFieldTypes(open, wanted);
  const unfilled = await fetchUnfilled(engine, types, fields.domain);
  return resolved.map((r) => {
    const index: PlanIndex = { name: r.name, closed: r.closed, fieldTypes: types.get(r.name) ?? new Map(), ...(r.unreadable === undefined ? {} : { unreadable: r.unreadable }) };
    const missing = unfilled.get(r.name);
    return missing ? { ...index, unfilled: missing } : index;
  });
}

/**
 * Per index, the registered-domain fields it maps that some event holding the domain field
 * beside them lacks (one search per domain field, over the indices mapping both, counted by
 * `_index`). ECS index templates map `url.registered_domain` whether or not the shipper fills
 * it: a subdomain query on an unfilled one would miss events silently, so the planner only
 * uses a registered-domain field where every such event has it.
 */
async function fetchUnfilled(engine: Engine, types: ReadonlyMap<string, IndexFieldTypes>, domainFields: readonly string[]): Promise<Map<string, Set<string>>> {
  const unfilled = new Map<string, Set<string>>();
  for (const field of domainFields) {
    const sibling = registeredDomainField(field);
    if (!sibling) continue;
    const both = [...types].filter(([, mapped]) => mapped.has(sibling) && mapped.has(field)).map(([name]) => name);
    if (both.length === 0) continue;
    const answer = await engine.search(both.join(','), {
      size: 0,
      query: { bool: { filter: [{ exists: { field } }], must_not: [{ exists: { field: sibling } }] } },
      aggs: { indices: { terms: { field: '_index', size: both.length } } },
    });
    const buckets = (answer.aggregations as { indices?: { buckets?: { key: string; doc_count: number }[] } } | undefined)?.indices?.buckets ?? [];
    for (const bucket of buckets) if (bucket.doc_count > 0) unfilled.set(bucket.key, (unfilled.get(bucket.key) ?? new Set()).add(sibling));
  }
  return unfilled;
}
