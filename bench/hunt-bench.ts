/**
 * Retro-hunt benchmark, in one run against the local OpenSearch:
 * - a corpus grown in stages (default 0.5M, 1M, 2M events over 2020 -> now, yearly indices,
 *   sparse planted hits);
 * - at each stage, for 161 IOCs (the ANSSI bulletin) and 10,000 IOCs (IPs, domains, hashes):
 *   iochunt's hunt; a naive full scan (every event in range paged out and matched on the
 *   client); a per-IOC loop (one search per IOC);
 * - prints each time, the ratios, and whether every method found the same hits.
 *
 *   npm run bench:hunt -- [stages...]       e.g. npm run bench:hunt -- 500000 1000000 2000000
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleEvents, type Plant } from '../src/core/demo/generate-sample-events.js';
import { buildIocMatcher } from '../src/core/hunt/ioc-matcher.js';
import { huntIocFromDocument, type HuntIoc } from '../src/core/hunt/hunt-ioc.js';
import { DEFAULT_MATCH_FIELDS, matchKindOf } from '../src/core/hunt/match-fields.js';
import type { IocDocument } from '../src/core/ioc/build-ioc-document.js';
import { normalizeIndicator } from '../src/core/ioc/normalize-indicator.js';
import { parseIocs } from '../src/core/ioc/parse-iocs.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import type { Engine } from '../src/io/engine/engine.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import { runHunt } from '../src/io/hunt/run-hunt.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';
import { writeSampleEvents } from '../src/io/demo/write-sample-events.js';

const stages = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['500000', '1000000', '2000000']).map(Number);
const ANSSI = new URL('../test/fixtures/iocs/CERTFR-2021-IOC-003-IOC.csv', import.meta.url).pathname;
const SINCE = '2021-01-01T00:00:00.000Z';

/** 10,000 public-looking IOCs: 7,000 IPs, 2,000 domains, 1,000 SHA-256 (deterministic, none reserved). */
function bulkIocs(): string[] {
  const values: string[] = [];
  for (let i = 0; values.length < 7000; i++) {
    const ip = `${160 + (i % 30)}.${Math.floor(i / 30)}.${(i * 13) % 256}.${1 + (i % 250)}`;
    if (normalizeIndicator(ip).ok) values.push(ip); // skips 172.16/12 and the like, which sync rejects
  }
  for (let i = 0; i < 2000; i++) values.push(`c2-${i.toString(36)}.bad-infra${i % 50}.com`);
  for (let i = 0; i < 1000; i++) values.push(i.toString(16).padStart(8, '0').repeat(8));
  return values;
}

async function fetchIocs(engine: Engine, iocsIndex: string, feed: string): Promise<HuntIoc[]> {
  const out: HuntIoc[] = [];
  const query = { bool: { filter: [{ term: { 'iochunt.active': true } }, { term: { 'iochunt.active_feeds': feed } }] } };
  for await (const page of engine.scanDocuments({ index: iocsIndex, query })) out.push(...page.map((h) => huntIocFromDocument(h.id, h.source as unknown as IocDocument)));
  return out;
}

/** Naive baseline 1: page out every event since 2021 and match each on the client. */
async function fullScan(engine: Engine, index: string, sets: HuntIoc[][]): Promise<{ seconds: number; events: number; hits: number[] }> {
  const matchers = sets.map((set) => buildIocMatcher(set));
  const hits = sets.map(() => 0);
  let events = 0;
  const t0 = performance.now();
  for await (const page of engine.scanDocuments({ index, query: { range: { '@timestamp': { gte: SINCE } } }, pageSize: 5000 })) {
    for (const hit of page) {
      events += 1;
      const timestamp = hit.source['@timestamp'] as string;
      matchers.forEach((m, i) => {
        const found = new Set(m.match({ source: hit.source, timestamp }, DEFAULT_MATCH_FIELDS).map((x) => x.ioc.id));
        hits[i]! += found.size;
      });
    }
  }
  return { seconds: (performance.now() - t0) / 1000, events, hits };
}

/** Naive baseline 2: one search per IOC over every field of its kind. */
async function perIocLoop(engine: Engine, index: string, iocs: HuntIoc[]): Promise<{ seconds: number; hits: number }> {
  const t0 = performance.now();
  let hits = 0;
  for (const ioc of iocs) {
    const fields = DEFAULT_MATCH_FIELDS[matchKindOf(ioc.type)];
    const response = await engine.search(index, {
      size: 1000,
      _source: false,
      query: {
        bool: {
          filter: [{ range: { '@timestamp': { gte: Date.parse(ioc.huntFrom) > Date.parse(SINCE) ? ioc.huntFrom : SINCE } } }],
          should: fields.map((field) => ({ term: { [field]: ioc.cidr ?? ioc.value } })),
          minimum_should_match: 1,
        },
      },
    });
    hits += ((response.hits as { hits: unknown[] }).hits ?? []).length;
  }
  return { seconds: (performance.now() - t0) / 1000, hits };
}

async function main(): Promise<void> {
  const local = await readLocalEngine('opensearch');
  const url = process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? local?.url;
  if (!url) throw new Error('no OpenSearch: npm run engine -- start opensearch (or set IOCHUNT_TEST_OPENSEARCH_URL)');
  const engine = await connect({ url, requestTimeoutMs: 300_000 });
  const prefix = `bench-hunt-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs`;
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-hunt-bench-'));
  const anssiValues = parseIocs(readFileSync(ANSSI, 'utf8'), { file: ANSSI }).iocs.map((i) => i.value);
  const bulk = bulkIocs();
  writeFileSync(join(dir, 'bulk.txt'), bulk.join('\n'));
  await syncIocs(engine, { sources: [ANSSI], prefix, feed: 'anssi' });
  await syncIocs(engine, { sources: [join(dir, 'bulk.txt')], prefix, feed: 'bulk10k' });
  const anssi = await fetchIocs(engine, names.iocs, 'anssi');
  const bulk10k = await fetchIocs(engine, names.iocs, 'bulk10k');
  console.log(`hunt benchmark on OpenSearch ${engine.info.version} at ${url}: IOC sets of ${anssi.length} and ${bulk10k.length}`);

  const rows: string[] = [];
  let total = 0;
  try {
    for (const [stage, target] of stages.entries()) {
      const count = target - total;
      // Sparse hits: 10 per stage for each set, spread over 2020 -> now (some before 2021).
      const plants: Plant[] = [
        ...Array.from({ length: 10 }, (_, i): Plant => ({ value: anssiValues[(stage * 10 + i) % anssiValues.length]!, kind: 'ip', field: i % 2 ? 'destination.ip' : 'related.ip' })),
        ...Array.from({ length: 10 }, (_, i): Plant => {
          const value = bulk[(stage * 997 + i * 731) % bulk.length]!;
          const kind = value.includes('.com') ? 'domain' : /^[0-9a-f]{64}$/.test(value) ? 'hash' : 'ip';
          return { value, kind, field: kind === 'domain' ? 'dns.question.name' : kind === 'hash' ? 'file.hash.sha256' : 'destination.ip' };
        }),
      ];
      const t0 = performance.now();
      await writeSampleEvents(
        engine,
        generateSampleEvents({ from: '2020-01-01T00:00:00.000Z', until: new Date().toISOString(), count, seed: 100 + stage, plants, avoid: [...anssiValues, ...bulk] }),
        { indexFor: (e) => `${logs}-${e.timestamp.slice(0, 4)}`, concurrency: 3 },
      );
      total = target;
      console.log(`  corpus: ${total.toLocaleString('en')} events (${count.toLocaleString('en')} written in ${((performance.now() - t0) / 1000).toFixed(0)} s)`);

      const result: Record<string, number> = {};
      for (const [label, feed] of [['161', 'anssi'], ['10k', 'bulk10k']] as const) {
        const h0 = performance.now();
        const summary = await runHunt(engine, { prefix, index: [`${logs}-*`], feeds: [feed], slice: 'year', concurrency: 2 });
        result[`hunt${label}`] = (performance.now() - h0) / 1000;
        result[`hits${label}`] = summary.totals.findings;
      }
      const scan = await fullScan(engine, `${logs}-*`, [anssi, bulk10k]);
      const loop161 = await perIocLoop(engine, `${logs}-*`, anssi);
      const loop10k = await perIocLoop(engine, `${logs}-*`, bulk10k);
      const same = scan.hits[0] === result.hits161 && scan.hits[1] === result.hits10k && loop161.hits === result.hits161 && loop10k.hits === result.hits10k;
      rows.push(
        [
          total.toLocaleString('en').padStart(9),
          `${result.hunt161!.toFixed(2)} s`.padStart(8),
          `${result.hunt10k!.toFixed(2)} s`.padStart(8),
          `${scan.seconds.toFixed(1)} s`.padStart(8),
          `${loop161.seconds.toFixed(2)} s`.padStart(8),
          `${loop10k.seconds.toFixed(1)} s`.padStart(8),
          `${(scan.seconds / result.hunt10k!).toFixed(0)}x`.padStart(6),
          `${(loop10k.seconds / result.hunt10k!).toFixed(1)}x`.padStart(7),
          `${(scan.seconds / result.hunt161!).toFixed(0)}x`.padStart(6),
          `${(loop161.seconds / result.hunt161!).toFixed(1)}x`.padStart(7),
          `${result.hits161}/${result.hits10k}${same ? '' : ` MISMATCH scan ${scan.hits.join('/')} loop ${loop161.hits}/${loop10k.hits}`}`,
        ].join('  '),
      );
      console.log(`  stage done: hunt 161 ${result.hunt161!.toFixed(2)} s, hunt 10k ${result.hunt10k!.toFixed(2)} s, full scan ${scan.seconds.toFixed(1)} s (${scan.events.toLocaleString('en')} events), per-IOC loop ${loop161.seconds.toFixed(2)} s / ${loop10k.seconds.toFixed(1)} s`);
    }
    console.log('\n   events  hunt161  hunt10k  fullscan  loop161  loop10k  scan/h10k  loop/h10k  scan/h161  loop/h161  hits(161/10k)');
    for (const row of rows) console.log(row);
    console.log('targets at 10,000 IOCs: >= 50x the full scan, >= 10x the per-IOC loop; hunt time flat in corpus size');
  } finally {
    await engine.deleteIndices([names.iocs, names.state, `${names.alerts}-000001`, ...(await engine.resolveIndices([`${logs}-*`])).map((r) => r.name)]);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
