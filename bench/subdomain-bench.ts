/**
 * The cost of subdomain matching (issue 13, item 6), against one engine:
 * - one index of N events (default 150,000) over 2024, domain fields only (`dns.question.name`
 *   with a filled `dns.question.registered_domain`, `url.domain` and `related.hosts` without
 *   one), a pool of 20,000 benign names, sparse planted hits on 1,000 domain IOCs (exact names
 *   and subdomains, 1 event in 200);
 * - times a hunt with subdomains (the default: `terms` on the registered-domain field, suffix
 *   `regexp` patterns elsewhere), a hunt with `--exact-domains`, and the engine's own queries
 *   (one count with the exact `terms`, one with the subdomain clauses added);
 * - and, for scale, a plain scan of every event in the range (what a hunt must never become);
 * - prints the times, the ratios and the findings of each hunt.
 *
 *   IOCHUNT_URL=http://127.0.0.1:9201 npx tsx bench/subdomain-bench.ts [events] [iocs]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { huntIocFromDocument } from '../src/core/hunt/hunt-ioc.js';
import { DEFAULT_MATCH_FIELDS } from '../src/core/hunt/match-fields.js';
import { buildUnitQuery, planHunt } from '../src/core/hunt/plan-hunt.js';
import type { IocDocument } from '../src/core/ioc/build-ioc-document.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import type { Engine } from '../src/io/engine/engine.js';
import { fetchPlanIndices } from '../src/io/hunt/fetch-hunt-inputs.js';
import { runHunt } from '../src/io/hunt/run-hunt.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';

const EVENTS = Number(process.argv[2] ?? 150_000);
const IOCS = Number(process.argv[3] ?? 1_000);
const URL_ = process.env.IOCHUNT_URL ?? process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? 'http://localhost:9200';
const SINCE = '2024-01-01T00:00:00.000Z';
const UNTIL = '2025-01-01T00:00:00.000Z';
const run = `subbench-${Date.now().toString(36)}`;
const index = `${run}-logs`;

/** A deterministic pseudo-random sequence (no Math.random: the same corpus every run). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const iocDomains = Array.from({ length: IOCS }, (_, i) => `bad-infra-${i.toString(36)}.com`);
const benign = Array.from({ length: 20_000 }, (_, i) => `host${i % 37}.site-${i.toString(36)}.org`);

function* events(): Generator<Record<string, unknown>> {
  const random = lcg(42);
  const start = Date.parse(SINCE);
  const span = Date.parse(UNTIL) - start;
  for (let i = 0; i < EVENTS; i++) {
    const planted = random() < 0.005;
    const ioc = iocDomains[Math.floor(random() * iocDomains.length)]!;
    const name = planted ? (random() < 0.5 ? ioc : `cdn${i % 5}.${ioc}`) : benign[Math.floor(random() * benign.length)]!;
    const registered = name.split('.').slice(-2).join('.');
    const field = i % 3;
    yield {
      '@timestamp': new Date(start + Math.floor(random() * span)).toISOString(),
      ...(field === 0 ? { dns: { question: { name, registered_domain: registered } } } : field === 1 ? { url: { domain: name } } : { related: { hosts: [name] } }),
    };
  }
}

async function writeEvents(engine: Engine): Promise<void> {
  const keyword = { type: 'keyword' };
  await engine.createIndex(index, {
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        dns: { properties: { question: { properties: { name: keyword, registered_domain: keyword } } } },
        url: { properties: { domain: keyword } },
        related: { properties: { hosts: keyword } },
      },
    },
  });
  let body = '';
  let n = 0;
  for (const event of events()) {
    body += `{"create":{"_index":"${index}"}}\n${JSON.stringify(event)}\n`;
    if (++n % 5000 === 0) {
      await engine.bulk(body);
      body = '';
    }
  }
  if (body) await engine.bulk(body);
  await engine.refresh(index);
}

async function timed<T>(label: string, task: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await task();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(48)} ${seconds.toFixed(2)} s`);
  return { seconds, value };
}

async function main(): Promise<void> {
  const engine = await connect({ url: URL_ });
  const dir = mkdtempSync(join(tmpdir(), 'subbench-'));
  const prefixes = { sub: `${run}-sub`, exact: `${run}-exact` };
  try {
    console.log(`${engine.info.flavor} ${engine.info.version} at ${engine.info.url}: ${EVENTS} events, ${IOCS} domain IOCs`);
    await timed('write events', () => writeEvents(engine));
    const source = join(dir, 'iocs.txt');
    writeFileSync(source, iocDomains.join('\n'));
    for (const prefix of Object.values(prefixes)) await syncIocs(engine, { sources: [source], prefix, feed: 'bench' });

    // The engine's own queries over the whole year, as one unit: exact terms, then with the subdomain clauses.
    const docs: { id: string; source: IocDocument }[] = [];
    for await (const page of engine.scanDocuments({ index: buildResourceNames(prefixes.sub).iocs })) docs.push(...page.map((h) => ({ id: h.id, source: h.source as unknown as IocDocument })));
    const indices = await fetchPlanIndices(engine, [index], DEFAULT_MATCH_FIELDS);
    const planOf = (exactDomains: boolean) =>
      planHunt({ iocs: docs.map((d) => huntIocFromDocument(d.id, d.source, { exactDomains })), indices, fields: DEFAULT_MATCH_FIELDS, since: SINCE, until: UNTIL, slice: 'none' });
    const exactPlan = planOf(true);
    const subPlan = planOf(false);
    const count = async (plan: typeof exactPlan): Promise<number> => {
      let total = 0;
      for (const unit of plan.units) total += await engine.countDocuments(index, buildUnitQuery(plan, unit));
      return total;
    };
    await count(subPlan); // warm the caches once, for both
    const exactCount = await timed(`engine count, exact terms (${exactPlan.units.length} quer${exactPlan.units.length === 1 ? 'y' : 'ies'})`, () => count(exactPlan));
    const subCount = await timed(`engine count, with subdomains (${subPlan.units.length} quer${subPlan.units.length === 1 ? 'y' : 'ies'})`, () => count(subPlan));

    const exact = await timed('hunt --exact-domains (month slices)', () => runHunt(engine, { prefix: prefixes.exact, index: [index], since: SINCE, until: UNTIL, exactDomains: true }));
    const sub = await timed('hunt with subdomains (default, month slices)', () => runHunt(engine, { prefix: prefixes.sub, index: [index], since: SINCE, until: UNTIL }));

    // What a hunt that scanned would pay at least: paging every event of the range out.
    const scan = await timed('baseline: page out every event (a scan)', async () => {
      let n = 0;
      for await (const page of engine.scanDocuments({ index, query: { range: { '@timestamp': { gte: SINCE, lt: UNTIL } } }, pageSize: 5000 })) n += page.length;
      return n;
    });

    console.log('');
    console.log(`scanned events: ${scan.value}; the hunt with subdomains took ${(sub.seconds / scan.seconds).toFixed(2)} of the scan's time`);
    console.log(`candidates: exact ${exactCount.value}, with subdomains ${subCount.value}`);
    console.log(`findings:   exact ${exact.value.totals.findings}, with subdomains ${sub.value.totals.findings}`);
    console.log(`ratio, engine count with/without subdomains: ${(subCount.seconds / exactCount.seconds).toFixed(2)}`);
    console.log(`ratio, hunt with/without subdomains:         ${(sub.seconds / exact.seconds).toFixed(2)}`);
  } finally {
    const leftovers = Object.values(prefixes).flatMap((prefix) => {
      const names = buildResourceNames(prefix);
      return [names.iocs, names.state, `${names.alerts}-000001`];
    });
    await engine.deleteIndices([index, ...leftovers]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await engine.close();
  }
}

await main();
