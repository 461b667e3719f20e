/**
 * Issue 15, item 1: live tagging at feed scale on OpenSearch (script strategy). 250,000 active
 * IOCs are synced and installed under the default cap, in the compact set
 * (`src/core/live/compact-ioc-set.ts`); then events touching IOCs deep in its sorted tables, a
 * subdomain of one, and an IPv6 address inside a synced IPv6 network are tagged with enrichments
 * whose indicators are exactly the stored IOC documents', and an untouched event is stored as
 * sent. OpenSearch only: the local Elasticsearch build cannot run the pipeline (no
 * ingest-common), and the enrich strategy keeps no set in the pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import type { IocType } from '../../../src/core/ioc/types.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { installTagPipeline, SCRIPT_STRATEGY_MAX_IOCS, type InstallTagReport } from '../../../src/io/live/install-tag-pipeline.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const SIZE = 250_000;

/** SIZE distinct public IOCs, kinds mixed as a real feed mixes them: IPv4 addresses and /24s, IPv6 /48s, domains, SHA-256 hashes. */
function feed(): { values: string[]; v4: string[]; v6Nets: string[]; domains: string[]; hashes: string[] } {
  const v4: string[] = [];
  const v6Nets: string[] = [];
  const domains: string[] = [];
  const hashes: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; seen.size < SIZE; i++) {
    const r = i % 20;
    const value =
      r < 14
        ? `${45 + (i % 100)}.${Math.floor(i / 100) % 256}.${Math.floor(i / 25_600) % 256}.${1 + (i % 250)}`
        : r === 14
          ? `2a0${1 + (i % 9)}:${(Math.floor(i / 20) % 65_536).toString(16)}:${(i % 4_096).toString(16)}::/48`
          : r < 19
            ? `c2-${i.toString(36)}.bad-infra${i % 50}.com`
            : i.toString(16).padStart(16, '0').repeat(4);
    if (seen.has(value) || !normalizeIndicator(value).ok) continue;
    seen.add(value);
    (r < 14 ? v4 : r === 14 ? v6Nets : r < 19 ? domains : hashes).push(value);
  }
  return { values: [...seen], v4, v6Nets, domains, hashes };
}

type Enrichment = { indicator: Record<string, unknown>; matched: { atomic: string; field: string; id: string; type: string } };
type Stored = Record<string, unknown> & { tags?: string[]; threat?: { enrichments: Enrichment[] } };

const { file } = useTempFiles('live-scale');

describe(`live tagging with ${SIZE.toLocaleString('en')} active IOCs on OpenSearch (script strategy)`, () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('livescale');
  const names = buildResourceNames(prefix);
  const index = `${prefix}-events`;
  const set = feed();
  let report: InstallTagReport;
  let pipelineBytes = 0;
  const stored = new Map<string, Stored>();
  /** Picked deep in the sorted tables (the binary search's far end), not at their start. */
  const deepIp = [...set.v4].sort()[Math.floor(set.v4.length * 0.93)]!;
  const deepDomain = [...set.domains].sort()[set.domains.length - 2]!;
  const deepHash = [...set.hashes].sort()[Math.floor(set.hashes.length / 2)]!;
  /** A /48 whose RFC 5952 text has its three groups written out (no "::" inside them). */
  const v6Net = set.v6Nets.filter((net) => normalizedNetwork(net).split('::')[0]!.split(':').length === 3)[Math.floor(set.v6Nets.length * 0.6)]!;
  /** An address inside that /48: its first three groups, then a host part. */
  const v6Address = `${normalizedNetwork(v6Net).split('::')[0]}:0:0:0:0:beef`;
  const sent: Record<string, Record<string, unknown>> = {
    deep: { '@timestamp': '2026-11-30T10:00:00.000Z', destination: { ip: deepIp }, file: { hash: { sha256: deepHash.toUpperCase() } }, host: { name: 'web-1' } },
    subdomain: { '@timestamp': '2026-11-30T10:00:01.000Z', dns: { question: { name: `cdn.${deepDomain}` } } },
    ipv6: { '@timestamp': '2026-11-30T10:00:02.000Z', source: { ip: v6Address.toUpperCase() }, n: 1.5 },
    untouched: { '@timestamp': '2026-11-30T10:00:03.000Z', source: { ip: '185.220.101.7' }, destination: { ip: '2a0a:ffff::1' }, dns: { question: { name: `x${deepDomain}` } }, tags: ['kept'], n: 2 },
  };

  beforeAll(async () => {
    const sync = await syncIocs(fx.engine, { sources: [file('feed.txt', set.values.join('\n'))], prefix, feed: 'big-feed' });
    expect(sync.totals.added).toBe(SIZE);
    report = await installTagPipeline(fx.engine, { prefix, strategy: 'script' });
    pipelineBytes = Buffer.byteLength(JSON.stringify(await fx.engine.fetchPipeline(names.tagPipeline)));
    await fx.engine.createIndex(index, {
      settings: { number_of_shards: 1, number_of_replicas: 0, 'index.final_pipeline': names.tagPipeline },
      mappings: { properties: { source: { properties: { ip: { type: 'ip' } } }, destination: { properties: { ip: { type: 'ip' } } } } },
    });
    const body = Object.entries(sent)
      .map(([id, doc]) => `${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify(doc)}\n`)
      .join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((i) => i.status)).toEqual([201, 201, 201, 201]);
    for (const [id, doc] of await fx.engine.fetchDocuments(index, Object.keys(sent))) stored.set(id, doc.source as Stored);
  }, 600_000);
  afterAll(async () => {
    await fx.engine.deletePipeline(names.tagPipeline);
    await fx.engine.deleteIndices([index, names.iocs, names.state]);
  });

  /** The stored IOC documents' indicators, by id. */
  async function indicators(ids: string[]): Promise<Map<string, unknown>> {
    const docs = await fx.engine.fetchDocuments(names.iocs, ids);
    return new Map([...docs].map(([id, doc]) => [id, (doc.source as { threat: { indicator: unknown } }).threat.indicator]));
  }

  async function expectEnrichments(doc: Stored | undefined, expected: { type: IocType; value: string; field: string; atomic: string }[]): Promise<void> {
    const ids = expected.map((e) => buildIocId(e.type, e.value));
    const byId = await indicators(ids);
    expect(byId.size).toBe(ids.length);
    expect(doc?.tags).toContain('iochunt-match');
    expect(
      [...(doc?.threat?.enrichments ?? [])].sort((a, b) => a.matched.id.localeCompare(b.matched.id)).map((e) => ({ id: e.matched.id, field: e.matched.field, atomic: e.matched.atomic, indicator: e.indicator })),
    ).toEqual(
      expected
        .map((e, i) => ({ id: ids[i]!, field: e.field, atomic: e.atomic, indicator: byId.get(ids[i]!) }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  }

  it('installs every active IOC under the default cap, in a few bytes each', () => {
    expect(SCRIPT_STRATEGY_MAX_IOCS).toBeGreaterThanOrEqual(SIZE);
    expect(report).toMatchObject({ strategy: 'script', iocs: SIZE, unchanged: false });
    // The former encoding (the IOC documents in params) took about 300 bytes per IOC.
    expect(pipelineBytes / SIZE).toBeLessThan(40);
  });

  it('tags an event touching an IP and a hash deep in the set, the indicators exactly as stored', async () => {
    await expectEnrichments(stored.get('deep'), [
      { type: 'ipv4-addr', value: deepIp, field: 'destination.ip', atomic: deepIp },
      { type: 'file', value: deepHash, field: 'file.hash.sha256', atomic: deepHash.toUpperCase() },
    ]);
  });

  it('tags a subdomain of a domain near the end of its table', async () => {
    await expectEnrichments(stored.get('subdomain'), [{ type: 'domain-name', value: deepDomain, field: 'dns.question.name', atomic: `cdn.${deepDomain}` }]);
  });

  it('tags an IPv6 address inside a synced IPv6 network', async () => {
    await expectEnrichments(stored.get('ipv6'), [{ type: 'ipv6-addr', value: normalizedNetwork(v6Net), field: 'source.ip', atomic: v6Address.toUpperCase() }]);
  });

  it('stores an event that touches none of them as sent (a label-boundary name, addresses outside every network)', () => {
    expect(stored.get('untouched')).toEqual(sent.untouched);
  });
});

/** The network as sync stores it (`iochunt.value`, RFC 5952). */
function normalizedNetwork(value: string): string {
  const normalized = normalizeIndicator(value);
  if (!normalized.ok) throw new Error(normalized.reason);
  return normalized.ioc.value;
}
