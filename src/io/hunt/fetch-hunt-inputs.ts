import type { HuntIoc } from '../../core/hunt/hunt-ioc.js';
import { huntIocFromDocument } from '../../core/hunt/hunt-ioc.js';
import { MATCH_KINDS, type MatchFields } from '../../core/hunt/match-fields.js';
import type { VersionedIoc } from '../../core/hunt/plan-hunt-phases.js';
import type { PlanIndex } from '../../core/hunt/plan-hunt.js';
import type { IocDocument } from '../../core/ioc/build-ioc-document.js';
import type { Engine } from '../engine/engine.js';
import { resolveHuntedIndices } from './readable-indices.js';

/** Active IOCs of the selected feeds (all feeds when none), from the IOC index, with their set versions. */
export async function fetchHuntIocs(engine: Engine, iocIndex: string, feeds: readonly string[]): Promise<VersionedIoc[]> {
  const filter: Record<string, unknown>[] = [{ term: { 'iochunt.active': true } }];
  if (feeds.length > 0) filter.push({ terms: { 'iochunt.active_feeds': [...feeds] } });
  const iocs: VersionedIoc[] = [];
  for await (const page of engine.scanDocuments({ index: iocIndex, query: { bool: { filter } } })) {
    for (const hit of page) {
      const document = hit.source as unknown as IocDocument;
      const ioc: HuntIoc = huntIocFromDocument(hit.id, document);
      iocs.push({ ioc, setVersion: Number(document.iochunt.set_version ?? 0) });
    }
  }
  return iocs;
}

/** The concrete indices behind the patterns, with the mapped types of `@timestamp`, `event.ingested` and the match fields. */
export async function fetchPlanIndices(engine: Engine, patterns: readonly string[], fields: MatchFields): Promise<PlanIndex[]> {
  const resolved = await resolveHuntedIndices(engine, patterns);
  const open = resolved.filter((r) => !r.closed && r.unreadable === undefined).map((r) => r.name);
  // Each match field and its `keyword` subfield, the exact values of a field mapped as text.
  const wanted = ['@timestamp', 'event.ingested', ...MATCH_KINDS.flatMap((kind) => fields[kind].flatMap((field) => [field, `${field}.keyword`]))];
  const types = await engine.fetchFieldTypes(open, wanted);
  return resolved.map((r) => ({ name: r.name, closed: r.closed, fieldTypes: types.get(r.name) ?? new Map(), ...(r.unreadable === undefined ? {} : { unreadable: r.unreadable }) }));
}
