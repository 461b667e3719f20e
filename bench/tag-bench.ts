/**
 * Live-tagging benchmark (OpenSearch, script strategy), in one run: for IOC sets of 161 (the
 * ANSSI bulletin), 10,000 and larger, install the tagging pipeline (timing the PUT and measuring
 * the pipeline's size in the cluster state), then bulk-ingest the same events without and with
 * the pipeline and print both throughputs and their ratio.
 *
 *   npm run bench:tag -- [events] [iocCounts...]     default: 100000 161 10000 25000 50000
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleEvents } from '../src/core/demo/generate-sample-events.js';
import { normalizeIndicator } from '../src/core/ioc/normalize-indicator.js';
import { parseIocs } from '../src/core/ioc/parse-iocs.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import type { Engine } from '../src/io/engine/engine.js';
import { installTagPipeline } from '../src/io/live/install-tag-pipeline.js';
import { loadResource } from '../src/io/load-resource.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';

const [eventsArg, ...countArgs] = process.argv.slice(2);
const EVENTS = Number(eventsArg ?? 100_000);
const COUNTS = (countArgs.length > 0 ? countArgs : ['161', '10000', '25000', '50000']).map(Number);
const ANSSI = new URL('../test/fixtures/iocs/CERTFR-2021-IOC-003-IOC.csv', import.meta.url).pathname;

/** n public IOCs: 70% IPs (some /24 networks), 20% domains, 10% hashes. */
function iocs(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const r = i % 10;
    const value =
      r < 6
        ? `${160 + (i % 30)}.${Math.floor(i / 30) % 256}.${Math.floor(i / 7680) % 256}.${1 + (i % 250)}`
        : r === 6
          ? `${193 + (i % 20)}.${Math.floor(i / 20) % 256}.${Math.floor(i / 5120) % 256}.0/24`
          : r < 9
            ? `c2-${i.toString(36)}.bad-infra${i % 50}.com`
            : i.toString(16).padStart(8, '0').repeat(8);
    if (normalizeIndicator(value).ok) out.push(value);
  }
  return [...new Set(out)];
}

/** 20 events carry an IOC (an IP or domain of the set), the rest are ordinary traffic. */
function bodies(index: string, pipeline: string | undefined, plantValues: readonly string[] = []): string[] {
  const chunks: string[] = [];
  let current = '';
  const plants = plantValues
    .filter((v) => !v.includes('/') && !/^[0-9a-f]{64}$/.test(v))
    .slice(0, 20)
    .map((value) => (/^[\d.]+$/.test(value) ? { value, kind: 'ip' as const, field: 'destination.ip' } : { value, kind: 'domain' as const, field: 'dns.question.name' }));
  for (const event of generateSampleEvents({ from: '2026-01-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z', count: EVENTS, seed: 42, plants })) {
    current += `${JSON.stringify({ index: { _index: index, ...(pipeline ? { pipeline } : {}) } })}\n${JSON.stringify(event.source)}\n`;
    if (current.length > 2_000_000) {
      chunks.push(current);
      current = '';
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Events/s of bulk-indexing the prepared bodies, two requests in flight. */
async function ingest(engine: Engine, chunks: string[]): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const items = await engine.bulk(chunks[next++]!);
      const failed = items.filter((i) => i.status >= 300);
      if (failed.length > 0) throw new Error(`${failed.length} events failed: ${failed[0]?.errorType} ${failed[0]?.errorReason}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return EVENTS / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const url = process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? (await readLocalEngine('opensearch'))?.url;
  if (!url) throw new Error('no OpenSearch: npm run engine -- start opensearch (or set IOCHUNT_TEST_OPENSEARCH_URL)');
  const engine = await connect({ url, requestTimeoutMs: 300_000 });
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-tag-bench-'));
  const cleanup: string[] = [];
  console.log(`live-tagging benchmark on OpenSearch ${engine.info.version}: ${EVENTS.toLocaleString('en')} events per run`);
  const rows: string[] = [];
  try {
    // The ceiling of any script strategy: a pipeline whose only processor is an empty script.
    {
      const noop = `bench-tag-noop-${Date.now()}`;
      await engine.writePipeline(noop, { processors: [{ script: { lang: 'painless', source: 'int unused = 0;' } }] });
      const plain = `${noop}-plain`;
      const piped = `${noop}-piped`;
      cleanup.push(plain, piped);
      for (const index of [plain, piped]) await engine.createIndex(index, loadResource('mappings', 'sample-logs'));
      const base = Math.max(await ingest(engine, bodies(plain, undefined)), await ingest(engine, bodies(plain, undefined)));
      const withNoop = Math.max(await ingest(engine, bodies(piped, noop)), await ingest(engine, bodies(piped, noop)));
      rows.push(['  empty', '        -', '        -', `${Math.round(base).toLocaleString('en')}/s`.padStart(10), `${Math.round(withNoop).toLocaleString('en')}/s`.padStart(10), (withNoop / base).toFixed(2).padStart(6), '     -'].join('  '));
      console.log(`  empty script pipeline: ${Math.round(base)}/s without, ${Math.round(withNoop)}/s with (${(withNoop / base).toFixed(2)})`);
      await engine.deletePipeline(noop);
    }
    for (const count of COUNTS) {
      const prefix = `bench-tag-${count}-${Date.now()}`;
      const names = buildResourceNames(prefix);
      cleanup.push(names.iocs, names.state);
      let values: string[];
      if (count === 161) {
        await syncIocs(engine, { sources: [ANSSI], prefix });
        values = parseIocs(readFileSync(ANSSI, 'utf8')).iocs.map((i) => i.value);
      } else {
        values = iocs(count);
        writeFileSync(join(dir, `${count}.txt`), values.join('\n'));
        await syncIocs(engine, { sources: [join(dir, `${count}.txt`)], prefix, feed: `bench-${count}` });
      }
      const t0 = performance.now();
      const installed = await installTagPipeline(engine, { prefix, strategy: 'script', maxScriptIocs: Number.MAX_SAFE_INTEGER });
      const putSeconds = (performance.now() - t0) / 1000;
      // The pipeline (params included) is what every node holds in its cluster state.
      const pipelineBytes = JSON.stringify(await engine.fetchPipeline(names.tagPipeline)).length;
      const plain = `${prefix}-plain`;
      const tagged = `${prefix}-tagged`;
      cleanup.push(plain, tagged);
      for (const index of [plain, tagged]) await engine.createIndex(index, loadResource('mappings', 'sample-logs'));
      // Alternate runs so both see the same machine state; keep the better of two each.
      const plainBodies = bodies(plain, undefined, values);
      const taggedBodies = bodies(tagged, names.tagPipeline, values);
      const untaggedRate = await ingest(engine, plainBodies);
      const taggedRate = await ingest(engine, taggedBodies);
      const untaggedRate2 = await ingest(engine, plainBodies);
      const taggedRate2 = await ingest(engine, taggedBodies);
      const base = Math.max(untaggedRate, untaggedRate2);
      const withTag = Math.max(taggedRate, taggedRate2);
      await engine.refresh(tagged);
      const tags = await engine.countDocuments(tagged, { term: { tags: 'iochunt-match' } });
      const errors = await engine.countDocuments(tagged, { term: { tags: 'iochunt-error' } });
      if (errors > 0) throw new Error(`${errors} events hit the pipeline's on_failure (iochunt-error): the measurement is void`);
      rows.push(
        [
          String(installed.iocs).padStart(7),
          `${putSeconds.toFixed(2)} s`.padStart(9),
          `${(pipelineBytes / 1024 / 1024).toFixed(2)} MB`.padStart(9),
          `${Math.round(base).toLocaleString('en')}/s`.padStart(10),
          `${Math.round(withTag).toLocaleString('en')}/s`.padStart(10),
          (withTag / base).toFixed(2).padStart(6),
          String(tags).padStart(6),
        ].join('  '),
      );
      console.log(`  ${installed.iocs} IOCs: pipeline PUT ${putSeconds.toFixed(2)} s, ${(pipelineBytes / 1024 / 1024).toFixed(2)} MB; ingest ${Math.round(base)}/s untagged, ${Math.round(withTag)}/s tagged (${(withTag / base).toFixed(2)})`);
      await engine.deletePipeline(names.tagPipeline);
    }
    console.log('\n   IOCs   pipe PUT  pipe size  untagged      tagged   ratio  tagged events');
    for (const row of rows) console.log(row);
    console.log('target: ratio >= 0.85 at 10,000 IOCs');
  } finally {
    await engine.deleteIndices(cleanup);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
