/**
 * Near-live detection latency of `iochunt watch`, in one run against the local OpenSearch:
 * - an IOC set above the script strategy's cap (default 30,000: 24,000 IPs, 4,000 domains,
 *   2,000 SHA-256), synced from a generated feed;
 * - one index whose default pipeline stamps `event.ingested` with the ingest node's clock, as
 *   Elastic Agent's and most ECS pipelines do, refreshed every second (the engines' default);
 * - a steady load (default 2,000 events/s for 90 s) in bulks every 100 ms, one event in 1,000
 *   touching an IOC's IP, each carrying its send time;
 * - `watch --every 15s` in-process, on its own connection whose requests are counted.
 * Prints the detection latency (the event's bulk acknowledged -> its alert built, the alert's
 * `event.created`, written in the bulk that follows; and -> the end of the tick that wrote it,
 * when the alert is searchable) p50/p95/max, the busy ticks, and the requests of the idle tick
 * after the load stops. Figures, not a test.
 *
 *   npm run bench:watch -- [events/s] [seconds] [iocs] [interval] [exact-domains]
 *   e.g. npm run bench:watch -- 2000 90 30000 15s                 (domain IOCs match subdomains: the default)
 *        npm run bench:watch -- 2000 90 30000 15s exact-domains   (watch --feed ... of feeds synced with --exact-domains)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { normalizeIndicator } from '../src/core/ioc/normalize-indicator.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import type { Engine } from '../src/io/engine/engine.js';
import { loadResource } from '../src/io/load-resource.js';
import { runWatch } from '../src/io/schedule/run-watch.js';
import { parseDuration, type TickRecord } from '../src/io/schedule/tick-loop.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import { createLogger } from '../src/logger.js';

const RATE = Number(process.argv[2] ?? 2_000);
const SECONDS = Number(process.argv[3] ?? 90);
const IOCS = Number(process.argv[4] ?? 30_000);
const EVERY = process.argv[5] ?? '15s';
/** Domain IOCs match their exact names only: no subdomain `regexp` clauses in the units. */
const EXACT_DOMAINS = process.argv[6] === 'exact-domains';
/** One event in this many touches an IOC. */
const HIT_EVERY = 1_000;
const BULK_EVERY_MS = 100;
/** Bulks in flight at once: a slow answer does not hold the load back. */
const MAX_IN_FLIGHT = 4;

/** Public-looking IOCs (deterministic, none reserved): 80 % IPs, 13 % domains, the rest SHA-256. */
function generateIocs(count: number): { values: string[]; ips: string[] } {
  const ips: string[] = [];
  for (let i = 0; ips.length < Math.round(count * 0.8); i++) {
    const ip = `${160 + (i % 30)}.${Math.floor(i / 7680) % 256}.${Math.floor(i / 30) % 256}.${1 + (i % 250)}`;
    if (normalizeIndicator(ip).ok) ips.push(ip);
  }
  const domains = Array.from({ length: Math.round(count * 0.13) }, (_, i) => `c2-${i.toString(36)}.bad-infra${i % 50}.com`);
  const hashes = Array.from({ length: count - ips.length - domains.length }, (_, i) => i.toString(16).padStart(8, '0').repeat(8));
  return { values: [...new Set([...ips, ...domains, ...hashes])], ips };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The latency figures of a list of milliseconds. */
function figures(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${seconds(percentile(sorted, 50))}, p95 ${seconds(percentile(sorted, 95))}, max ${seconds(sorted.at(-1) ?? Number.NaN)} (${sorted.length} alerts)`;
}

interface Load {
  sent: number;
  failed: number;
  /** Per matching event id, when its bulk was acknowledged (this host's clock). */
  ackedAt: Map<string, number>;
  bulkMs: number[];
}

/** Sends `RATE` events/s for `SECONDS` s in bulks every 100 ms, catching up after a slow answer. */
async function runLoad(engine: Engine, index: string, iocIps: readonly string[]): Promise<Load> {
  const load: Load = { sent: 0, failed: 0, ackedAt: new Map(), bulkMs: [] };
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  let hits = 0;
  while (Date.now() - start < SECONDS * 1_000) {
    const due = Math.floor(((Date.now() - start) * RATE) / 1_000) - load.sent;
    if (due > 0 && inFlight.size < MAX_IN_FLIGHT) {
      const lines: string[] = [];
      const matching: string[] = [];
      const sentAt = Date.now();
      for (let i = 0; i < due; i++) {
        const n = load.sent + i;
        const id = `e-${n}`;
        const hit = n % HIT_EVERY === HIT_EVERY - 1;
        const destination = hit ? iocIps[(hits++ * 7919) % iocIps.length]! : `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
        if (hit) matching.push(id);
        const event = {
          '@timestamp': new Date(sentAt).toISOString(),
          event: { kind: 'event', category: 'network', action: 'connection' },
          host: { name: `host-${n % 50}` },
          source: { ip: `192.168.${(n >> 8) & 255}.${n & 255}`, port: 40_000 + (n % 20_000) },
          destination: { ip: destination, port: 443 },
          dns: { question: { name: `www.site-${n % 5_000}.example.org` } },
          bench: { sent_at: sentAt },
        };
        lines.push(`${JSON.stringify({ create: { _index: index, _id: id } })}\n${JSON.stringify(event)}\n`);
      }
      load.sent += due;
      const request = engine
        .bulk(lines.join(''))
        .then((items) => {
          const ackedAt = Date.now();
          load.bulkMs.push(ackedAt - sentAt);
          load.failed += items.filter((item) => item.status >= 300).length;
          for (const id of matching) load.ackedAt.set(id, ackedAt);
        })
        .catch(() => {
          load.failed += due;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await sleep(BULK_EVERY_MS);
  }
  await Promise.all(inFlight);
  return load;
}

async function main(): Promise<void> {
  const url = process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? (await readLocalEngine('opensearch'))?.url;
  if (!url) throw new Error('no OpenSearch: npm run engine -- start opensearch (or set IOCHUNT_TEST_OPENSEARCH_URL)');
  const prefix = `bench-watch-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const index = `${prefix}-logs-live`;
  const pipeline = `${prefix}-ingested`;
  // The watcher's own connection: every request it sends is one debug line of the request log.
  const requests: { line: string; ms: number }[] = [];
  const log = createLogger('debug', 'json', (line) => {
    const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string; ms?: number };
    // A scroll id is part of OpenSearch's scroll path: not printed.
    if (entry.msg === 'cluster request') requests.push({ line: `${entry.method} ${entry.path?.replace(/\/_search\/scroll\/.*/, '/_search/scroll/<id>')}`, ms: entry.ms ?? 0 });
  });
  const engine = await connect({ url, requestTimeoutMs: 300_000 });
  const watcher = await connect({ url, requestTimeoutMs: 300_000, log });
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-watch-bench-'));
  const stop = new AbortController();
  let watching: Promise<TickRecord[]> | undefined;
  try {
    console.log(`watch benchmark on OpenSearch ${engine.info.version}: ${RATE.toLocaleString('en')} events/s for ${SECONDS} s, one in ${HIT_EVERY} matching, ${IOCS.toLocaleString('en')} IOCs${EXACT_DOMAINS ? ' (exact domains)' : ''}, watch --every ${EVERY}`);
    const iocs = generateIocs(IOCS);
    writeFileSync(join(dir, 'iocs.txt'), iocs.values.join('\n'));
    const syncStarted = Date.now();
    await syncIocs(engine, { sources: [join(dir, 'iocs.txt')], prefix, feed: 'bench', ...(EXACT_DOMAINS ? { exactDomains: true } : {}) });
    console.log(`synced ${iocs.values.length.toLocaleString('en')} IOCs in ${seconds(Date.now() - syncStarted)}`);
    await engine.writePipeline(pipeline, { description: 'event.ingested from the ingest node clock', processors: [{ set: { field: 'event.ingested', value: '{{_ingest.timestamp}}' } }] });
    const body = loadResource('mappings', 'sample-logs') as { settings: Record<string, unknown> };
    delete body.settings.refresh_interval; // the engines' default: every second
    body.settings.default_pipeline = pipeline;
    await engine.createIndex(index, body);

    const ticks: { record: TickRecord; requests: { line: string; ms: number }[] }[] = [];
    let mark = 0;
    let firstTick: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstTick = resolve));
    let idleAfterLoad: (() => void) | undefined;
    watching = runWatch(watcher, {
      prefix,
      every: EVERY,
      hunt: { index: [`${prefix}-logs-*`] },
      signal: stop.signal,
      onTick: (record) => {
        ticks.push({ record, requests: requests.slice(mark) });
        mark = requests.length;
        const r = ticks.at(-1)!.requests.length;
        console.log(`  tick ${record.tick} ${record.action}${record.reason ? ` (${record.reason})` : ''}: ${r} request(s)${record.hunt ? `, ${record.hunt.alertsCreated} alert(s) in ${seconds(record.hunt.durationMs)}` : ''}${record.error ? `: ${record.error}` : ''}`);
        firstTick();
        if (record.action === 'idle') idleAfterLoad?.();
      },
    });
    await first;
    const loadStarted = Date.now();
    const load = await runLoad(engine, index, iocs.ips);
    const loadMs = Date.now() - loadStarted;
    console.log(`load: ${load.sent.toLocaleString('en')} events in ${seconds(loadMs)} (${Math.round((load.sent * 1000) / loadMs).toLocaleString('en')}/s), ${load.failed} failed, bulk answered in p50 ${percentile([...load.bulkMs].sort((a, b) => a - b), 50)} ms / max ${Math.max(...load.bulkMs)} ms; ${load.ackedAt.size} matching events`);
    // The watch catches up with the last events, then goes idle: that tick's requests are the idle
    // cost. A watch that never gets there (its ticks fail) is given up after a few intervals.
    const given = new Promise<void>((resolve) => (idleAfterLoad = resolve));
    const deadline = sleep(4 * parseDuration(EVERY) + 120_000, undefined, { signal: stop.signal }).then(() => console.log('no idle tick in time: giving up'), () => undefined);
    await Promise.race([given, deadline]);
    stop.abort();
    await watching;

    await engine.refresh(names.alerts);
    const created: number[] = [];
    const searchable: number[] = [];
    const finished = new Map(ticks.flatMap((t) => (t.record.hunt?.runId && t.record.finishedAt ? [[t.record.hunt.runId, Date.parse(t.record.finishedAt)] as const] : [])));
    for await (const page of engine.scanDocuments({ index: names.alerts, source: ['event.created', 'iochunt.event.id', 'iochunt.run_id'] })) {
      for (const hit of page) {
        const alert = hit.source as { event: { created: string }; iochunt: { event: { id: string }; run_id: string } };
        const acked = load.ackedAt.get(alert.iochunt.event.id);
        if (acked === undefined) continue;
        created.push(Date.parse(alert.event.created) - acked);
        const end = finished.get(alert.iochunt.run_id);
        if (end !== undefined) searchable.push(end - acked);
      }
    }
    const busy = ticks.filter((t) => t.record.action === 'hunted' && t.record.reason !== 'first hunt');
    const idle = ticks.filter((t) => t.record.action === 'idle').at(-1);
    const settle = busy.at(-1)?.record.settle;
    console.log('');
    console.log(`alerted ${created.length} of ${load.ackedAt.size} matching events`);
    console.log(`detection latency, event acknowledged -> alert built (event.created): ${figures(created)}`);
    console.log(`detection latency, event acknowledged -> end of the tick that wrote it:  ${figures(searchable)}`);
    console.log(`settle delay ${settle ? `${seconds(settle.ms)} (refresh ${seconds(settle.refreshMs)} + skew ${settle.skewMs} ms + margin ${seconds(settle.marginMs)})` : 'n/a'}`);
    const busyMs = busy.map((t) => t.record.hunt!.durationMs).sort((a, b) => a - b);
    console.log(`busy ticks: ${busy.length}, each ${busy.length > 0 ? `${seconds(percentile(busyMs, 50))} p50 / ${seconds(busyMs.at(-1)!)} max` : 'n/a'}, ${busy.length > 0 ? Math.round(busy.reduce((n, t) => n + t.requests.length, 0) / busy.length) : 0} requests each on average`);
    console.log(`idle tick: ${idle ? `${idle.requests.length} request(s): ${idle.requests.map((r) => r.line).join(', ')}` : 'none seen'}`);
    const slowest = busy.sort((a, b) => b.record.hunt!.durationMs - a.record.hunt!.durationMs)[0];
    if (slowest) {
      const total = slowest.requests.reduce((n, r) => n + r.ms, 0);
      const top = [...slowest.requests].sort((a, b) => b.ms - a.ms).slice(0, 6);
      console.log(`slowest busy tick (${seconds(slowest.record.hunt!.durationMs)}): ${seconds(total)} waiting on the cluster; slowest requests: ${top.map((r) => `${r.line} ${r.ms} ms`).join(', ')}`);
    }
  } finally {
    stop.abort();
    await watching?.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await engine.deleteIndices([index, names.iocs, names.state, `${names.alerts}-000001`]);
    await engine.deletePipeline(pipeline);
    await watcher.close();
    await engine.close();
  }
}

await main();
