import type { HuntIoc } from '../../core/hunt/hunt-ioc.js';
import { DEFAULT_MAX_TERMS } from '../../core/hunt/plan-hunt.js';
import type { Engine } from '../engine/engine.js';

/** Every finding of one IOC in a hunt's scope. */
export interface IocHits {
  id: string;
  type: string;
  value: string;
  hits: number;
  firstSeen?: string;
  lastSeen?: string;
  hosts: number;
}

/**
 * Per IOC, every finding in the alerts index within the hunt's range: hits, first and last
 * seen, distinct hosts. Read from the index (not counted during the run), so a resumed run
 * reports the same as an uninterrupted one. One search per {@link DEFAULT_MAX_TERMS} IOCs: the
 * alerts index refuses a `terms` query over more (`index.max_terms_count`), and a set above the
 * live-tagging cap is what `iochunt watch` hunts every few seconds.
 */
export async function fetchFindingsSummary(engine: Engine, alertsIndex: string, iocs: readonly HuntIoc[], range: { since: string; until: string }): Promise<IocHits[]> {
  const byId = new Map(iocs.map((ioc) => [ioc.id, ioc]));
  const ids = [...byId.keys()];
  const hits: IocHits[] = [];
  for (let start = 0; start < ids.length; start += DEFAULT_MAX_TERMS) hits.push(...(await fetchPart(engine, alertsIndex, byId, ids.slice(start, start + DEFAULT_MAX_TERMS), range)));
  return hits.sort((a, b) => b.hits - a.hits || a.value.localeCompare(b.value));
}

/** The findings of some of the IOCs (disjoint parts: no IOC is counted twice). */
async function fetchPart(engine: Engine, alertsIndex: string, byId: ReadonlyMap<string, HuntIoc>, ids: readonly string[], range: { since: string; until: string }): Promise<IocHits[]> {
  const response = await engine.search(alertsIndex, {
    size: 0,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { terms: { 'threat.enrichments.matched.id': ids } },
          { range: { '@timestamp': { gte: range.since, lt: range.until, format: 'strict_date_optional_time' } } },
        ],
      },
    },
    aggs: {
      iocs: {
        terms: { field: 'threat.enrichments.matched.id', size: Math.min(ids.length, 10_000) },
        aggs: {
          first: { min: { field: '@timestamp' } },
          last: { max: { field: '@timestamp' } },
          hosts: { cardinality: { field: 'host.name' } },
        },
      },
    },
  });
  type Bucket = { key: string; doc_count: number; first: { value_as_string?: string }; last: { value_as_string?: string }; hosts: { value: number } };
  const buckets = (response.aggregations as { iocs?: { buckets?: Bucket[] } } | undefined)?.iocs?.buckets ?? [];
  return buckets.map((bucket) => {
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
  });
}
