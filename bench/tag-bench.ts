/**
 * Live-tagging benchmark (OpenSearch, script strategy), in one run (issue 15, items 1 and 5):
 *
 * - the floors: bulk-ingest the same events with no pipeline, through a pipeline of one `set`
 *   processor (every pipeline re-parses and re-serialises the document: the engine's own cost),
 *   and through a pipeline of one empty Painless script processor (`int a = 1;`: what the engine
 *   charges any script processor, the floor of a tagging pipeline that is a script);
 * - for each IOC-set size: sync the set, install the tagging pipeline (timing the install, and a
 *   second PUT of the same body alone: the PUT is acknowledged once every node has applied the
 *   new cluster state), measure the pipeline's size in the cluster state (bytes per IOC), then
 *   ingest the same events through it and print docs/s and the ratios to the floors.
 *
 *   npm run bench:tag -- [events] [iocCounts...]     default: 200000 10000 100000 250000 1000000
 *
 * Every run indexes the same 1,000-event bulks, two in flight, into a new index whose
 * default_pipeline is the one measured. A warm-up round of every kind comes first and is not
 * counted (a cold JVM ingests at about half its warm rate: the one-`set` floor went from 19k to
 * 35k docs/s within a run); then IOCHUNT_BENCH_ROUNDS rounds (default 5) interleave the kinds so
 * each ratio compares runs made under the same machine state: the median of each kind's docs/s
 * is printed, and the median of the rounds' own ratios. Ingest is measured up to 250,000 IOCs
 * (IOCHUNT_BENCH_INGEST_MAX to change it); larger sets print their install figures only.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleEvents } from '../src/core/demo/generate-sample-events.js';
import { normalizeIndicator } from '../src/core/ioc/normalize-indicator.js';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import type { Engine } from '../src/io/engine/engine.js';
import { installTagPipeline } from '../src/io/live/install-tag-pipeline.js';
import { loadResource } from '../src/io/load-resource.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import { syncIocs } from '../src/io/sync/sync-iocs.js';

const [eventsArg, ...countArgs] = process.argv.slice(2);
const EVENTS = Number(eventsArg ?? 200_000);
const COUNTS = (countArgs.length > 0 ? countArgs : ['10000', '100000', '250000', '1000000']).map(Number);
const INGEST_MAX = Number(process.env.IOCHUNT_BENCH_INGEST_MAX ?? 250_000);
const ROUNDS = Number(process.env.IOCHUNT_BENCH_ROUNDS ?? 5);
const RUN_INDEX = `bench-tag-run-${Date.now()}`;

/** n public IOCs: 60% IPv4 addresses, 10% IPv4 /24 and IPv6 /48 networks, 20% domains, 10% SHA-256 hashes. */
function iocs(n: number): string[] {
  const out = new Set<string>();
  for (let i = 0; out.size < n; i++) {
    const r = i % 10;
    const value =
      r < 6
        ? `${45 + (i % 100)}.${Math.floor(i / 100) % 256}.${Math.floor(i / 25_600) % 256}.${1 + (Math.floor(i / 6_553_600) % 250)}`
        : r === 6
          ? i % 20 === 6
            ? `2a0${1 + (i % 9)}:${(Math.floor(i / 20) % 65_536).toString(16)}:${(Math.floor(i / 1_310_720) % 65_536).toString(16)}::/48`
            : `${193 + (i % 20)}.${Math.floor(i / 20) % 256}.${Math.floor(i / 5120) % 256}.0/24`
          : r < 9
            ? `c2-${i.toString(36)}.bad-infra${i % 50}.com`
            : createHash('sha256').update(String(i)).digest('hex');
    if (normalizeIndicator(value).ok) out.add(value);
  }
  return [...out];
}

/** The events as 1,000-event bulks into RUN_INDEX; 20 carry an IOC of the set (an IP or a domain), the rest are ordinary traffic. */
function bodies(plantValues: readonly string[]): string[] {
  const plants = plantValues
    .filter((v) => !v.includes('/') && !/^[0-9a-f]{64}$/.test(v))
    .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 20)) === 0)
    .slice(0, 20)
    .map((value) => (/^[\d.]+$/.test(value) ? { value, kind: 'ip' as const, field: 'destination.ip' } : { value, kind: 'domain' as const, field: 'dns.question.name' }));
  const action = `${JSON.stringify({ index: { _index: RUN_INDEX } })}\n`;
  const chunks: string[] = [];
  let current: string[] = [];
  for (const event of generateSampleEvents({ from: '2026-01-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z', count: EVENTS, seed: 42, plants })) {
    current.push(action, JSON.stringify(event.source), '\n');
    if (current.length === 3_000) {
      chunks.push(current.join(''));
      current = [];
    }
  }
  if (current.length > 0) chunks.push(current.join(''));
  return chunks;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Events/s of bulk-indexing the prepared bodies, two requests in flight. */
async function ingest(engine: Engine, chunks: string[], pipeline: string | undefined): Promise<number> {
  await engine.deleteIndices([RUN_INDEX]);
  const body = loadResource('mappings', 'sample-logs') as { settings: Record<string, unknown> };
  body.settings = { ...body.settings, ...(pipeline ? { 'index.default_pipeline': pipeline } : {}) };
  await engine.createIndex(RUN_INDEX, body);
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
  const engine = await connect({ url, requestTimeoutMs: 600_000 });
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-tag-bench-'));
  const cleanup: string[] = [];
  const nodes = (await engine.fetchHealth()).numberOfNodes;
  console.log(`live-tagging benchmark on OpenSearch ${engine.info.version} (${nodes} node(s)): ${EVENTS.toLocaleString('en')} events per ingest run`);
  const rows: string[] = [];
  const rate = (r: number): string => `${Math.round(r).toLocaleString('en')}/s`.padStart(10);
  try {
    // The floors: one `set` processor (any pipeline), one empty script (any script processor).
    // Measured again in every round, interleaved with iochunt's pipeline.
    const one = `bench-tag-set-${Date.now()}`;
    const empty = `bench-tag-script-${Date.now()}`;
    await engine.writePipeline(one, { processors: [{ set: { field: 'bench', value: 1 } }] });
    await engine.writePipeline(empty, { processors: [{ script: { lang: 'painless', source: 'int a = 1;' } }] });
    cleanup.push(RUN_INDEX);
    for (const count of COUNTS) {
      const prefix = `bench-tag-${count}-${Date.now()}`;
      const names = buildResourceNames(prefix);
      cleanup.push(names.iocs, names.state);
      const values = iocs(count);
      writeFileSync(join(dir, `${count}.txt`), values.join('\n'));
      const s0 = performance.now();
      await syncIocs(engine, { sources: [join(dir, `${count}.txt`)], prefix, feed: `bench-${count}` });
      const syncSeconds = (performance.now() - s0) / 1000;
      const t0 = performance.now();
      const installed = await installTagPipeline(engine, { prefix, strategy: 'script', maxScriptIocs: Number.MAX_SAFE_INTEGER });
      const installSeconds = (performance.now() - t0) / 1000;
      // The pipeline (params included) is what every node holds in its cluster state.
      const body = await engine.fetchPipeline(names.tagPipeline);
      const pipelineBytes = Buffer.byteLength(JSON.stringify(body));
      // The PUT alone, acknowledged when every node has applied it (a changed version: a real update).
      const p0 = performance.now();
      await engine.writePipeline(names.tagPipeline, { ...body, version: (body?.version ?? 0) + 1 } as never);
      const putSeconds = (performance.now() - p0) / 1000;
      const figures = [
        String(installed.iocs).padStart(7),
        `${installSeconds.toFixed(2)} s`.padStart(9),
        `${putSeconds.toFixed(2)} s`.padStart(9),
        `${(pipelineBytes / 1024 / 1024).toFixed(1)} MB`.padStart(8),
        `${(pipelineBytes / installed.iocs).toFixed(1)} B`.padStart(9),
      ];
      console.log(`  ${installed.iocs} IOCs: sync ${syncSeconds.toFixed(1)} s; install ${installSeconds.toFixed(2)} s, PUT ${putSeconds.toFixed(2)} s, ${(pipelineBytes / 1024 / 1024).toFixed(2)} MB (${(pipelineBytes / installed.iocs).toFixed(1)} bytes per IOC)`);
      if (count > INGEST_MAX) {
        rows.push([...figures, '         -', '         -', '         -', '         -', '      -', '      -', '     -'].join('  '));
        await engine.deletePipeline(names.tagPipeline);
        await engine.deleteIndices([names.iocs]);
        continue;
      }
      const prepared = bodies(values);
      const kinds = { none: undefined, set: one, script: empty, tagged: names.tagPipeline } as const;
      const runs = { none: [] as number[], set: [] as number[], script: [] as number[], tagged: [] as number[] };
      for (let round = 0; round <= ROUNDS; round++) {
        for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
          const r = await ingest(engine, prepared, kinds[kind]);
          if (round > 0) runs[kind].push(r);
        }
      }
      // The last run is the tagged one: check that it tagged what was planted and failed nowhere.
      await engine.refresh(RUN_INDEX);
      const tags = await engine.countDocuments(RUN_INDEX, { term: { tags: 'iochunt-match' } });
      const errors = await engine.countDocuments(RUN_INDEX, { term: { tags: 'iochunt-error' } });
      if (errors > 0) throw new Error(`${errors} events hit the pipeline's on_failure (iochunt-error): the measurement is void`);
      if (tags === 0) throw new Error('no event was tagged: the planted IOCs did not match, the measurement is void');
      const [base, floor, scriptFloor, withTag] = [median(runs.none), median(runs.set), median(runs.script), median(runs.tagged)];
      // Each ratio is the median of the rounds' own ratios: a round's runs follow each other, so
      // the machine's drift between rounds (other load, merges, GC) cancels out.
      const paired = (floorRuns: number[]): number => median(runs.tagged.map((r, i) => r / floorRuns[i]!));
      const [ofSet, ofScript] = [paired(runs.set), paired(runs.script)];
      const ratio = (r: number): string => r.toFixed(2).padStart(7);
      rows.push([...figures, rate(base), rate(floor), rate(scriptFloor), rate(withTag), ratio(ofSet), ratio(ofScript), String(tags).padStart(6)].join('  '));
      const spread = (values: number[]): string => values.map((v) => Math.round(v / 100) / 10).join(' ');
      console.log(`  ${installed.iocs} IOCs, runs in thousands of docs/s: none ${spread(runs.none)}; set ${spread(runs.set)}; empty script ${spread(runs.script)}; tagged ${spread(runs.tagged)}`);
      console.log(`  ${installed.iocs} IOCs: median ${Math.round(base)}/s without a pipeline, ${Math.round(floor)}/s one set, ${Math.round(scriptFloor)}/s one empty script, ${Math.round(withTag)}/s tagged; per round, tagged / set ${ofSet.toFixed(2)}, tagged / empty script ${ofScript.toFixed(2)} (medians)`);
      await engine.deletePipeline(names.tagPipeline);
      await engine.deleteIndices([RUN_INDEX, names.iocs]);
    }
    await engine.deleteIndices([RUN_INDEX]);
    await engine.deletePipeline(one);
    await engine.deletePipeline(empty);
    console.log(`\ndocs/s: medians of ${ROUNDS} interleaved rounds after a warm-up, ${EVENTS.toLocaleString('en')} events each; ratios: medians of the rounds' own ratios`);
    console.log('   IOCs    install       PUT      size    per IOC  no pipeline     1 set  1 script    iochunt     /set  /script  tagged');
    for (const row of rows) console.log(row);
    console.log('target: >= 0.95 of the one-processor floor at 250,000 IOCs (the script strategy is a script: its floor is the empty script; set shows what any script costs over it)');
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
