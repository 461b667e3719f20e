import type { HuntIoc } from '../../core/hunt/hunt-ioc.js';
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
 * reports the same as an uninterrupted one.
 */
export async function fetchFindingsSummary(engine: Engine, alertsIndex: string, iocs: readonly HuntIoc[], range: { since: string; until: string }): Promise<IocHits[]> {
  if (iocs.length === 0) return [];
  const byId = new Map(iocs.map((ioc) => [ioc.id, ioc]));
  const response = await engine.search(alertsIndex, {
    size: 0,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { terms: { 'threat.enrichments.matched.id': [...byId.keys()] } },
          { range: { '@timestamp': { gte: range.since, lt: range.until, format: 'strict_date_optional_time' } } },
        ],
      },
    },
    aggs: {
      iocs: {
        terms: { field: 'threat.enrichments.matched.id', size: Math.min(byId.size, 10_000) },
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
  return buckets
    .map((bucket) => {
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
    })
    .sort((a, b) => b.hits - a.hits || a.value.localeCompare(b.value));
}
