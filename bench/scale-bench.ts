/**
 * SOC-scale benchmark (issue 13, item 8), against the local OpenSearch, each case in one run
 * against the best the engine itself can do on the same data:
 *
 * - `layout`: 840 weekly indices in 3 log families with 3 different mappings since 2021, 10,000
 *   IOCs. The engine's best: one `terms` query per family on the same fields, scrolled. Prints
 *   both times, iochunt's units and the ratio for `hunt --exact-domains` (exact values, as the
 *   engine's best), with IOCHUNT_BENCH_SUBDOMAINS=1 the default hunt too, domains matching their subdomains.
 * - `dense`: 200,000 events of which 35,000 touch an IOC. iochunt's alerts/s (`hunt
 *   --exact-domains`) against a plain `_bulk` of the same alert documents (read back, bodies
 *   prepared before the clock); iochunt's writing alone (the hunt's BulkWriter given the same
 *   documents, serialised on the clock) against that bulk; and the hunt against the engine's
 *   best at the whole job: its own scan of the hits, then that bulk.
 * - `million`: 1,000,000 active IOCs over 200,000 events in one index: `hunt --dry-run` and the
 *   hunt itself through the built CLI (time, units, peak RSS), and the engine's best: the set in
 *   `terms` queries of 16,384 values, scrolled.
 *
 * The sync of 1,000,000 IOCs and its ratio to a plain bulk: `npm run bench:sync`.
 *
 *   npm run bench:scale -- [layout] [dense] [million]      (default: all three)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleEvents, type Plant } from '../src/core/demo/generate-sample-events.js';
import { DEFAULT_MATCH_FIELDS } from '../src/core/hunt/match-fields.js';
import { normalizeIndicator } from '../src/core/ioc/normalize-indicator.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import { BulkWriter } from '../src/io/engine/bulk-writer.js';
import type { Engine } from '../src/io/engine/engine.js';
import { writeSampleEvents } from '../src/io/demo/write-sample-events.js';
import { loadResource } from '../src/io/load-resource.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import { bulkBodiesOf, measureCli, plainBulkRate } from './measure-cli.js';

const CASES = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['layout', 'dense', 'million'];
const SINCE = '2021-01-01T00:00:00.000Z';

/** What the benchmark reads of `hunt --json` (README `iochunt hunt`). */
interface HuntJson {
  units: { total: number };
  totals: { findings: number };
  progress: { alertsCreated: number };
}

/** n distinct public IOC values: IPv4 (spread over many /8s), domains, SHA-256 hashes, in that proportion. */
function iocValues(n: number, ipShare = 0.7, domainShare = 0.2): string[] {
  const out = new Set<string>();
  for (let i = 0; out.size < n; i++) {
    const r = (i % 100) / 100;
    const value =
      r < ipShare
        ? `${45 + (i % 90)}.${Math.floor(i / 90) % 256}.${Math.floor(i / 23_040) % 256}.${1 + (Math.floor(i / 5_898_240) % 250)}`
        : r < ipShare + domainShare
          ? `c2-${i.toString(36)}.bad-infra${i % 50}.com`
          : createHash('sha256').update(String(i)).digest('hex');
    if (normalizeIndicator(value).ok) out.add(value);
  }
  return [...out];
}

function plantFor(value: string, at?: string): Plant {
  const kind = value.includes('.com') ? 'domain' : /^[0-9a-f]{64}$/.test(value) ? 'hash' : 'ip';
  return { value, kind, field: kind === 'domain' ? 'dns.question.name' : kind === 'hash' ? 'file.hash.sha256' : 'destination.ip', ...(at ? { at } : {}) };
}

/**
 * Values per query of the engine's best: 65,536 (the terms limit) trips the parent circuit
 * breaker of the local 1 GB-heap node on five fields; 16,384 is the largest power of two it runs.
 */
const BEST_CHUNK = 16_384;

/**
 * The engine's best for these IOCs on these indices: per chunk of values, one
 * query with a `terms` clause per match field the indices map, scrolled out 5,000 at a time.
 */
async function engineBest(engine: Engine, index: string, values: readonly string[], fields: readonly string[]): Promise<{ seconds: number; hits: number }> {
  const t0 = performance.now();
  let hits = 0;
  for (let i = 0; i < values.length; i += BEST_CHUNK) {
    const chunk = values.slice(i, i + BEST_CHUNK);
    const byKind = { ip: [] as string[], domain: [] as string[], hash: [] as string[] };
    for (const v of chunk) byKind[/^[\d.]+$/.test(v) ? 'ip' : /^[0-9a-f]{64}$/.test(v) ? 'hash' : 'domain'].push(v);
    const should = fields.flatMap((field) => {
      const terms = byKind[DEFAULT_MATCH_FIELDS.ip.includes(field) ? 'ip' : DEFAULT_MATCH_FIELDS.hash.includes(field) ? 'hash' : 'domain'];
      return terms.length > 0 ? [{ terms: { [field]: terms } }] : [];
    });
    const query = { bool: { filter: [{ range: { '@timestamp': { gte: SINCE } } }, { bool: { should, minimum_should_match: 1 } }] } };
    for await (const page of engine.scanDocuments({ index, query, pageSize: 5_000, source: ['@timestamp', ...fields] })) hits += page.length;
  }
  return { seconds: (performance.now() - t0) / 1000, hits };
}

async function connectLocal(): Promise<{ engine: Engine; url: string }> {
  const url = process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? (await readLocalEngine('opensearch'))?.url;
  if (!url) throw new Error('no OpenSearch: npm run engine -- start opensearch (or set IOCHUNT_TEST_OPENSEARCH_URL)');
  return { engine: await connect({ url, requestTimeoutMs: 600_000 }), url };
}

/**
 * The fields of the sample mapping the hunt queries for these IOCs (IPs, domains, SHA-256
 * hashes): the engine's best queries the same ones, so both do the same job.
 */
const SAMPLE_FIELDS = ['source.ip', 'destination.ip', 'related.ip', 'dns.question.name', 'url.domain', 'related.hosts', 'file.hash.sha256', 'related.hash'].filter((f) =>
  [...DEFAULT_MATCH_FIELDS.ip, ...DEFAULT_MATCH_FIELDS.domain, ...DEFAULT_MATCH_FIELDS.hash].includes(f),
);

async function million(engine: Engine, url: string, dir: string): Promise<string[]> {
  // IOCHUNT_BENCH_REUSE=<prefix>: the IOCs and events a previous run of this case left (with IOCHUNT_BENCH_KEEP=1).
  const reuse = process.env.IOCHUNT_BENCH_REUSE;
  const prefix = reuse ?? `bench-scale-1m-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const index = `${prefix}-events`;
  const lines: string[] = [];
  try {
    const values = iocValues(1_000_000, 0.8, 0.15);
    const plants = Array.from({ length: 100 }, (_, i) => plantFor(values[(i * 9_973) % values.length]!));
    if (!reuse) {
      writeFileSync(join(dir, 'million.txt'), values.join('\n'));
      const s0 = performance.now();
      await syncIocs(engine, { sources: [join(dir, 'million.txt')], prefix, feed: 'million' });
      lines.push(`  synced ${values.length.toLocaleString('en')} IOCs in ${((performance.now() - s0) / 1000).toFixed(1)} s (in-process; npm run bench:sync measures the CLI)`);
      await writeSampleEvents(engine, generateSampleEvents({ from: SINCE, until: '2026-11-01T00:00:00.000Z', count: 200_000, seed: 7, plants, avoid: values }), { indexFor: () => index, concurrency: 2 });
    }
    await engine.deleteIndices([`${names.alerts}*`]);
    const best = await engineBest(engine, index, values, SAMPLE_FIELDS);
    // --exact-domains: the engine's best matches exact values only, and subdomain suffix
    // patterns over 150,000 domain IOCs are not bounded (README "Subdomains", limits).
    const common = ['--url', url, '--prefix', prefix, '--index', index, '--exact-domains', '--json'];
    const dry = await measureCli(['hunt', '--dry-run', ...common]);
    const hunt = await measureCli(['hunt', ...common]);
    const summary = JSON.parse(hunt.stdout) as HuntJson;
    const dryUnits = (JSON.parse(dry.stdout) as HuntJson).units.total;
    lines.push(`  engine best: ${Math.ceil(values.length / BEST_CHUNK)} terms queries of <= ${BEST_CHUNK.toLocaleString('en')} values, scrolled: ${best.seconds.toFixed(1)} s, ${best.hits} hits`);
    lines.push(`  hunt --dry-run: ${dry.seconds.toFixed(1)} s, ${dryUnits} units, peak RSS ${Math.round(dry.peakMb)} MB`);
    lines.push(`  hunt: ${hunt.seconds.toFixed(1)} s, ${summary.totals.findings} findings, peak RSS ${Math.round(hunt.peakMb)} MB -> ${(hunt.seconds / best.seconds).toFixed(2)}x the engine's best`);
    lines.push(`  target: RSS < 1,536 MB -> ${hunt.peakMb < 1536 && dry.peakMb < 1536 ? 'met' : 'NOT met'}; every planted hit found -> ${summary.totals.findings >= plants.length ? 'yes' : 'NO'}`);
  } finally {
    if (process.env.IOCHUNT_BENCH_KEEP === '1') lines.push(`  kept for IOCHUNT_BENCH_REUSE=${prefix}`);
    else await engine.deleteIndices([index, names.iocs, names.state, `${names.alerts}*`]);
  }
  return lines;
}

async function dense(engine: Engine, url: string, dir: string): Promise<string[]> {
  // IOCHUNT_BENCH_REUSE=<prefix>: the IOCs and events a previous run of this case left (with IOCHUNT_BENCH_KEEP=1).
  const reuse = process.env.IOCHUNT_BENCH_REUSE;
  const prefix = reuse ?? `bench-scale-dense-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const index = `${prefix}-events`;
  const scratch = `${prefix}-plain-bulk`;
  const lines: string[] = [];
  try {
    const values = iocValues(1_000, 0.8, 0.2);
    if (!reuse) {
      writeFileSync(join(dir, 'dense.txt'), values.join('\n'));
      await syncIocs(engine, { sources: [join(dir, 'dense.txt')], prefix, feed: 'dense' });
      const plants = Array.from({ length: 35_000 }, (_, i) => plantFor(values[i % values.length]!));
      await writeSampleEvents(engine, generateSampleEvents({ from: SINCE, until: '2026-11-01T00:00:00.000Z', count: 200_000, seed: 11, plants, avoid: values }), { indexFor: () => index, concurrency: 2 });
    }
    await engine.deleteIndices([`${names.alerts}*`, scratch]);
    // --exact-domains: exact values, as the engine's best reads them.
    const hunt = await measureCli(['hunt', '--url', url, '--prefix', prefix, '--index', index, '--exact-domains', '--json']);
    const summary = JSON.parse(hunt.stdout) as HuntJson;
    const created = summary.progress.alertsCreated;
    // The engine's best at reading the hits: its own terms query over the same fields, scrolled.
    const read = await engineBest(engine, index, values, SAMPLE_FIELDS);
    // The same alert documents, bulk-created into a scratch index with the alerts mapping.
    await engine.createIndex(scratch, (loadResource('mappings', 'alerts') as { template: Record<string, unknown> }).template);
    const bodies = await bulkBodiesOf(engine, names.alerts, scratch, 'create');
    const { rate: bulkRate, written } = await plainBulkRate(engine, bodies);
    // iochunt's alert writing alone: the hunt's BulkWriter given the same alert documents (read before the clock).
    await engine.deleteIndices([scratch]);
    await engine.createIndex(scratch, (loadResource('mappings', 'alerts') as { template: Record<string, unknown> }).template);
    const writerRate = await bulkWriterRate(engine, names.alerts, scratch);
    const huntRate = created / hunt.seconds;
    const bestWhole = read.seconds + written / bulkRate;
    lines.push(`  hunt --exact-domains: ${created.toLocaleString('en')} alerts in ${hunt.seconds.toFixed(1)} s (CLI end to end, reading 200,000 events included) = ${Math.round(huntRate).toLocaleString('en')} alerts/s, peak RSS ${Math.round(hunt.peakMb)} MB`);
    lines.push(`  plain _bulk of the same ${written.toLocaleString('en')} alert documents (5 MB requests, two in flight): ${Math.round(bulkRate).toLocaleString('en')} docs/s -> ratio ${(huntRate / bulkRate).toFixed(2)} (target >= 0.8)`);
    lines.push(`  iochunt's alert writing alone (the hunt's BulkWriter, the same documents as objects, serialised on the clock): ${Math.round(writerRate).toLocaleString('en')} docs/s -> ratio ${(writerRate / bulkRate).toFixed(2)} of the plain bulk (target >= 0.8)`);
    lines.push(`  the engine's best at the whole job: its scan of the ${read.hits.toLocaleString('en')} hits (${read.seconds.toFixed(1)} s), then that bulk (${(written / bulkRate).toFixed(1)} s) = ${bestWhole.toFixed(1)} s -> the hunt takes ${(hunt.seconds / bestWhole).toFixed(2)}x`);
  } finally {
    if (process.env.IOCHUNT_BENCH_KEEP === '1') lines.push(`  kept for IOCHUNT_BENCH_REUSE=${prefix}`);
    else await engine.deleteIndices([index, scratch, names.iocs, names.state, names.alerts]);
  }
  return lines;
}

/** Docs/s of iochunt's BulkWriter creating every document of `index` in `target` (documents read into memory first). */
async function bulkWriterRate(engine: Engine, index: string, target: string): Promise<number> {
  const documents: { id: string; source: Record<string, unknown> }[] = [];
  for await (const page of engine.scanDocuments({ index, query: { match_all: {} }, pageSize: 5_000 })) {
    for (const hit of page) documents.push({ id: hit.id, source: hit.source });
  }
  const started = performance.now();
  const writer = new BulkWriter({ engine, concurrency: 2 });
  for (const { id, source } of documents) await writer.add({ op: 'create', index: target, id }, source);
  const totals = await writer.close();
  if (totals.created !== documents.length) throw new Error(`the writer created ${totals.created} of ${documents.length}: the figure is void`);
  return documents.length / ((performance.now() - started) / 1000);
}

/** Weekly index name of an event time: `<family>-YYYY.ww` (week of the year, from Jan 1). */
function weekly(family: string, time: string): string {
  const date = new Date(time);
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.floor((date.getTime() - start) / (7 * 86_400_000));
  return `${family}-${date.getUTCFullYear()}.${String(week).padStart(2, '0')}`;
}

async function layout(engine: Engine, url: string, dir: string): Promise<string[]> {
  // IOCHUNT_BENCH_REUSE=<prefix>: the IOCs and indices a previous run of this case left (with IOCHUNT_BENCH_KEEP=1).
  const reuse = process.env.IOCHUNT_BENCH_REUSE;
  const prefix = reuse ?? `bench-scale-layout-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const families = [`${prefix}-fw`, `${prefix}-dns`, `${prefix}-proxy`];
  const lines: string[] = [];
  const sample = loadResource('mappings', 'sample-logs') as { settings: Record<string, unknown>; mappings: { properties: Record<string, unknown> } };
  // Three mappings: the sample's, one without file hashes, one without DNS (three signatures, three groups).
  const bodyOf = (index: string): Record<string, unknown> => {
    const properties = { ...sample.mappings.properties };
    if (index.startsWith(families[1]!)) delete properties.file;
    if (index.startsWith(families[2]!)) delete properties.dns;
    return { settings: { ...sample.settings, number_of_shards: 1, number_of_replicas: 0 }, mappings: { ...sample.mappings, properties } };
  };
  const settings = async (value: number | null): Promise<void> => {
    const answer = await fetch(`${url}/_cluster/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persistent: { 'cluster.max_shards_per_node': value } }) });
    if (!answer.ok) throw new Error(`cluster settings: HTTP ${answer.status}`);
  };
  await settings(5_000);
  try {
    const values = iocValues(10_000);
    if (!reuse) {
      writeFileSync(join(dir, 'layout.txt'), values.join('\n'));
      await syncIocs(engine, { sources: [join(dir, 'layout.txt')], prefix, feed: 'layout' });
      const plants = Array.from({ length: 60 }, (_, i) => plantFor(values[(i * 157) % values.length]!));
      const until = '2026-05-20T00:00:00.000Z';
      const w0 = performance.now();
      let i = 0;
      const written = await writeSampleEvents(engine, generateSampleEvents({ from: SINCE, until, count: 600_000, seed: 5, plants, avoid: values }), {
        indexFor: (event) => weekly(families[i++ % 3]!, event.timestamp),
        indexBody: bodyOf,
        concurrency: 2,
      });
      lines.push(`  corpus: ${written.count.toLocaleString('en')} events in ${written.indices.length} weekly indices of 3 families (written in ${((performance.now() - w0) / 1000).toFixed(0)} s)`);
    }
    await engine.deleteIndices([`${names.alerts}*`]);
    let best = { seconds: 0, hits: 0 };
    for (const family of families) {
      const one = await engineBest(engine, `${family}-*`, values, SAMPLE_FIELDS);
      best = { seconds: best.seconds + one.seconds, hits: best.hits + one.hits };
    }
    // Exact values, as the engine's best matches them; then the default, domains matching their
    // subdomains too (bounded suffix queries), to show what that costs.
    const common = ['--url', url, '--prefix', prefix, '--index', families.map((f) => `${f}-*`).join(','), '--json'];
    const hunt = await measureCli(['hunt', ...common, '--exact-domains']);
    const summary = JSON.parse(hunt.stdout) as HuntJson;
    lines.push(`  engine best: one terms query per family, scrolled: ${best.seconds.toFixed(1)} s, ${best.hits} hits`);
    lines.push(`  hunt --exact-domains: ${hunt.seconds.toFixed(1)} s (CLI end to end), ${summary.units.total} units, ${summary.totals.findings} findings -> ${(hunt.seconds / best.seconds).toFixed(2)}x the engine's best (target <= 1.3)`);
    // The default hunt's suffix queries over these 2,000 domain IOCs timed out, then exhausted
    // the 1 GB heap of the local node (README "Subdomains", limits): only on request, stopped
    // (SIGTERM: it checkpoints) past 10x the exact hunt.
    if (process.env.IOCHUNT_BENCH_SUBDOMAINS !== '1') return lines;
    await engine.deleteIndices([names.alerts, names.state]);
    const withSubdomains = await measureCli(['hunt', ...common], true, Math.max(60_000, hunt.seconds * 10_000));
    if (withSubdomains.code === 0) {
      const subSummary = JSON.parse(withSubdomains.stdout) as HuntJson;
      lines.push(`  hunt (domains match their subdomains): ${withSubdomains.seconds.toFixed(1)} s, ${subSummary.units.total} units, ${subSummary.totals.findings} findings -> ${(withSubdomains.seconds / best.seconds).toFixed(2)}x`);
    } else {
      lines.push(`  hunt (domains match their subdomains): stopped after ${withSubdomains.seconds.toFixed(0)} s (exit ${withSubdomains.code}), not done: its suffix queries walk every term of each domain field, once per pattern`);
    }
  } finally {
    if (process.env.IOCHUNT_BENCH_KEEP === '1') lines.push(`  kept for IOCHUNT_BENCH_REUSE=${prefix}`);
    else {
      await engine.deleteIndices([...families.map((f) => `${f}-*`), names.iocs, names.state, names.alerts]);
      await settings(null);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const { engine, url } = await connectLocal();
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-scale-bench-'));
  try {
    console.log(`scale benchmark on OpenSearch ${engine.info.version} at ${url}`);
    const run = { layout, dense, million } as const;
    for (const name of CASES) {
      const bench = run[name as keyof typeof run];
      if (!bench) throw new Error(`unknown case ${name}: layout, dense or million`);
      console.log(`${name}:`);
      for (const line of await bench(engine, url, dir)) console.log(line);
    }
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
