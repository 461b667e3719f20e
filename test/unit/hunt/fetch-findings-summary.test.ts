import { describe, expect, it, vi } from 'vitest';
import type { HuntIoc } from '../../../src/core/hunt/hunt-ioc.js';
import { DEFAULT_MAX_TERMS } from '../../../src/core/hunt/plan-hunt.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { fetchFindingsSummary } from '../../../src/io/hunt/fetch-findings-summary.js';

/** IOCs the summary only reads the id, type and value of. */
const iocs = (count: number): HuntIoc[] => Array.from({ length: count }, (_, i) => ({ id: `ioc-${i}`, type: 'ipv4-addr', value: `10.0.${i >> 8}.${i & 255}` }) as unknown as HuntIoc);

describe('fetchFindingsSummary', () => {
  it('asks for at most max_terms_count IOC ids per search (a set above it is refused whole) and merges the parts, most hits first', async () => {
    const bodies: { ids: string[] }[] = [];
    const search = vi.fn(async (_index: string, body: Record<string, unknown>) => {
      const ids = ((body.query as { bool: { filter: { terms?: Record<string, string[]> }[] } }).bool.filter[0]!.terms!)['threat.enrichments.matched.id']!;
      bodies.push({ ids });
      // One hit for the first id of each part, two for its last.
      const bucket = (key: string, hits: number) => ({ key, doc_count: hits, first: { value_as_string: '2026-01-01T00:00:00.000Z' }, last: { value_as_string: '2026-01-02T00:00:00.000Z' }, hosts: { value: 1 } });
      return { aggregations: { iocs: { buckets: [bucket(ids.at(-1)!, 2), bucket(ids[0]!, 1)] } } };
    });
    const engine = { search } as unknown as Engine;
    const summary = await fetchFindingsSummary(engine, 'alerts', iocs(DEFAULT_MAX_TERMS + 10), { since: '2026-01-01', until: '2026-02-01' });
    expect(bodies.map((b) => b.ids.length)).toEqual([DEFAULT_MAX_TERMS, 10]);
    expect(new Set(bodies.flatMap((b) => b.ids)).size).toBe(DEFAULT_MAX_TERMS + 10);
    // Ties by value: 10.0.255.255 before 10.0.256.9.
    expect(summary.map((s) => [s.id, s.hits])).toEqual([
      [`ioc-${DEFAULT_MAX_TERMS - 1}`, 2],
      [`ioc-${DEFAULT_MAX_TERMS + 9}`, 2],
      ['ioc-0', 1],
      [`ioc-${DEFAULT_MAX_TERMS}`, 1],
    ]);
  });

  it('asks nothing for no IOC', async () => {
    const search = vi.fn();
    expect(await fetchFindingsSummary({ search } as unknown as Engine, 'alerts', [], { since: '2026-01-01', until: '2026-02-01' })).toEqual([]);
    expect(search).not.toHaveBeenCalled();
  });
});
