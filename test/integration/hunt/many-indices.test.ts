import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';

/** Daily indices since 2021 with a SOC's long names: 1,200 of them, about 75 KB of names. */
const DAYS = 1_200;
const FIRST_DAY = Date.UTC(2021, 0, 1);
const DAY_MS = 86_400_000;
/** The days whose index holds a hit on an ANSSI relay IP; every other index holds one benign event. */
const HIT_DAYS = [0, 1, 364, 365, 730, 999, 1_100, DAYS - 1];

const dayOf = (n: number): string => new Date(FIRST_DAY + n * DAY_MS).toISOString().slice(0, 10);

/**
 * Thousands of indices (issue 13, item 1): every request whose path named the concrete indices
 * failed past a few hundred (`too_long_http_line_exception: An HTTP line is larger than 4096
 * bytes`), so every hunt failed. One shard each, the shard limit raised for the test.
 */
describe('a hunt over 1,200 daily indices of long names (OpenSearch)', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('many');
  const family = `${prefix}-logs-windows-security-auditing-domain-controllers`;
  const indexOf = (n: number): string => `${family}-${dayOf(n).replaceAll('-', '.')}`;
  const indices = Array.from({ length: DAYS }, (_, n) => indexOf(n));
  const settings = (body: Record<string, unknown>): Promise<Response> =>
    fetch(`${fx.endpoint.url}/_cluster/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    expect((await settings({ persistent: { 'cluster.max_shards_per_node': 5_000 } })).ok).toBe(true);
    await fx.engine.writeIndexTemplate(`${prefix}-logs`, {
      index_patterns: [`${family}-*`],
      priority: 500,
      template: {
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: -1 },
        mappings: { properties: { '@timestamp': { type: 'date' }, source: { properties: { ip: { type: 'ip' } } } } },
      },
    });
    // One _bulk creates every index (one cluster-state update per batch of new names).
    for (let start = 0; start < DAYS; start += 300) {
      const lines = indices.slice(start, start + 300).flatMap((index, i) => {
        const n = start + i;
        const ip = HIT_DAYS.includes(n) ? ANSSI_IPS[HIT_DAYS.indexOf(n) % ANSSI_IPS.length]! : `8.8.${n % 250}.${(n % 200) + 1}`;
        return [JSON.stringify({ create: { _index: index, _id: `e${n}` } }), JSON.stringify({ '@timestamp': `${dayOf(n)}T12:00:00Z`, source: { ip } })];
      });
      const items = await fx.engine.bulk(`${lines.join('\n')}\n`);
      expect(items.every((item) => item.status === 201)).toBe(true);
    }
    await fx.engine.refresh(indices.join(','));
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
  }, 600_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, ...prefixIndices(prefix)]);
    await settings({ persistent: { 'cluster.max_shards_per_node': null } });
  }, 300_000);

  it('scans the 365 indices of a year through one pattern, page after page (the scroll id outgrows an HTTP line)', async () => {
    // One scroll over 365 shards (under the node's 500 open scroll contexts): its id is over
    // 10 KB, past the 4,096-byte URL line limit.
    const ids: string[] = [];
    for await (const page of fx.engine.scanDocuments({ index: `${family}-2021.*`, query: { match_all: {} }, source: false, pageSize: 100 })) ids.push(...page.map((hit) => hit.id));
    expect(ids.sort()).toEqual(Array.from({ length: 365 }, (_, n) => `e${n}`).sort());
    // Every scroll was released: none is left open on the node.
    const stats = (await (await fetch(`${fx.endpoint.url}/_nodes/stats/indices/search`)).json()) as { nodes: Record<string, { indices: { search: { scroll_current: number } } }> };
    expect(Object.values(stats.nodes).map((node) => node.indices.search.scroll_current)).toEqual(Object.values(stats.nodes).map(() => 0));
  }, 300_000);

  it('hunts every index, finds exactly the planted hits, and a rerun writes nothing new', async () => {
    expect(indices.join(',').length).toBeGreaterThan(70_000);
    const summary = await runHunt(fx.engine, { prefix, index: [`${family}-*`], since: '2021-01-01' });
    expect(summary.status).toBe('completed');
    expect(summary.indices.searched).toHaveLength(DAYS);
    const expected = HIT_DAYS.map((n) => buildAlertId(indexOf(n), `e${n}`, buildIocId('ipv4-addr', ANSSI_IPS[HIT_DAYS.indexOf(n) % ANSSI_IPS.length]!))).sort();
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(expected);
    expect(summary.progress.alertsCreated).toBe(HIT_DAYS.length);

    const again = await runHunt(fx.engine, { prefix, index: [`${family}-*`], since: '2021-01-01' });
    expect(again.progress.alertsCreated).toBe(0);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(expected);
    expect(buildResourceNames(prefix).alerts).toContain(prefix);
  }, 600_000);
});
