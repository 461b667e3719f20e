/**
 * Sync benchmark: generates N mixed IOCs (IPv4, IPv6, CIDR, domains, URLs, hashes, emails) as a
 * CSV with a type column, syncs them into the local OpenSearch, and prints IOCs/s and peak RSS,
 * then a reload (all unchanged) and, in the same run, a naive baseline: one index request per
 * IOC, timed on a sample and extrapolated.
 *
 * Before that, W other IOCs (default 200,000) are synced into a scratch prefix and that rate is
 * printed too: a freshly started engine compiles its indexing code (JIT) during its first large
 * loads, and the measured load should show iochunt's rate, not the engine's start-up. W = 0
 * measures a cold engine.
 *
 *   npm run bench:sync -- [N] [W]    (defaults 1,000,000 and 200,000; needs a local OpenSearch: npm run engine -- start opensearch)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResourceNames } from '../src/core/resource-names.js';
import { connect } from '../src/io/engine/connect.js';
import { readLocalEngine } from '../src/local-engines/local-engine.js';
import type { SyncReport } from '../src/io/sync/sync-iocs.js';
import { loadResource } from '../src/io/load-resource.js';
import { bulkBodiesOf, measureCli, plainBulkRate } from './measure-cli.js';

/** `iochunt sync --json`, with its time and peak RSS. */
async function runSync(args: string[]): Promise<{ report: SyncReport; seconds: number; peakMb: number }> {
  const run = await measureCli(['sync', '--json', ...args]);
  return { report: JSON.parse(run.stdout) as SyncReport, seconds: run.seconds, peakMb: run.peakMb };
}

const total = Number(process.argv[2] ?? 1_000_000);
const warmUp = Number(process.argv[3] ?? 200_000);
const naiveSample = Math.min(5_000, total);

function hex(i: number, length: number): string {
  let out = '';
  for (let k = 0; out.length < length; k++) out += createHash('sha256').update(`${i}:${k}`).digest('hex');
  return out.slice(0, length);
}

/** Public-looking, valid, distinct values: IPv4 in 11.0.0.0/8.., IPv6 in 2a00::/12, etc. */
function indicator(i: number): [string, string] {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return ['ip-dst', `${11 + ((i >>> 24) & 7)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`];
    case 3:
      return ['ip-dst', `2a00:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`];
    case 4: {
      const k = Math.floor(i / 10);
      return ['ip-dst', `${20 + ((k >>> 16) & 7)}.${(k >>> 8) & 255}.${k & 255}.0/24`];
    }
    case 5:
    case 6:
      return ['domain', `h${i.toString(36)}.bad-${i % 97}.example.net`];
    case 7:
      return ['url', `http://c2-${i.toString(36)}.example.org/gate.php?id=${i}`];
    case 8:
      return ['sha256', hex(i, 64)];
    default:
      return ['email', `phish${i}@mail-${i % 89}.example.com`];
  }
}

async function main(): Promise<void> {
  const local = await readLocalEngine('opensearch');
  const url = process.env.IOCHUNT_TEST_OPENSEARCH_URL ?? local?.url;
  if (!url) throw new Error('no OpenSearch: npm run engine -- start opensearch (or set IOCHUNT_TEST_OPENSEARCH_URL)');
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-bench-'));
  const file = join(dir, 'iocs.csv');
  const lines = ['type,value'];
  for (let i = 0; i < total; i++) lines.push(indicator(i).join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
  lines.length = 0;

  // Warm-up IOCs: the same mix, other values (offset past the measured ones).
  const warmFile = join(dir, 'warm-up.csv');
  if (warmUp > 0) writeFileSync(warmFile, `type,value\n${Array.from({ length: warmUp }, (_, i) => indicator(total + i).join(',')).join('\n')}\n`);

  const engine = await connect({ url });
  const prefix = `bench-sync-${Date.now()}`;
  const names = buildResourceNames(prefix);
  const warmNames = buildResourceNames(`${prefix}-warm-up`);
  try {
    let warmLine = '  warm-up    : none (a cold engine: its JIT compiles during the measured load)';
    if (warmUp > 0) {
      const { report, seconds } = await runSync(['--url', url, '--prefix', warmNames.prefix, '--feed', 'warm-up', warmFile]);
      warmLine = `  warm-up    : ${report.totals.added.toLocaleString('en')} other IOCs into a scratch prefix first: ${Math.round(report.totals.accepted / seconds).toLocaleString('en')} IOCs/s (the engine's JIT warms up)`;
      await engine.deleteIndices([warmNames.iocs, warmNames.state]);
    }
    const common = ['--url', url, '--prefix', prefix, '--feed', 'bench', file];
    const { report: first, seconds: firstSeconds, peakMb: firstPeak } = await runSync(common);
    const { report: reload, seconds: reloadSeconds, peakMb: reloadPeak } = await runSync(common);

    // The engine's best: a plain `_bulk` of the same IOC documents (read back from the index,
    // bodies prepared before the clock starts), 5 MB requests, two in flight, into a scratch index
    // with the same mapping and refresh off, as sync's large loads have it.
    const bulkIndex = `${prefix}-plain-bulk`;
    const iocsBody = loadResource('mappings', 'iocs') as { settings?: Record<string, unknown> };
    await engine.createIndex(bulkIndex, { ...iocsBody, settings: { ...iocsBody.settings, refresh_interval: '-1' } });
    const bodies = await bulkBodiesOf(engine, names.iocs, bulkIndex, 'index');
    const b0 = performance.now();
    const { written: documents } = await plainBulkRate(engine, bodies);
    await engine.refresh(bulkIndex);
    const bulkRate = documents / ((performance.now() - b0) / 1000);
    bodies.length = 0;
    await engine.deleteIndices([bulkIndex]);

    // Naive baseline: one index request per IOC, as a script looping over the file would do.
    const naiveIndex = `${prefix}-naive`;
    const t2 = performance.now();
    for (let i = 0; i < naiveSample; i++) {
      const [type, value] = indicator(i);
      await engine.indexDocument({ index: naiveIndex, document: { type, value } });
    }
    const naiveRate = naiveSample / ((performance.now() - t2) / 1000);

    const firstRate = first.totals.accepted / firstSeconds;
    console.log(`sync benchmark: \`iochunt sync\` (the built CLI, end to end) of ${total.toLocaleString('en')} mixed IOCs (CSV) into OpenSearch ${engine.info.version} at ${url}`);
    console.log(warmLine);
    console.log(`  first load : ${first.totals.added.toLocaleString('en')} added, ${first.totals.rejected} rejected in ${firstSeconds.toFixed(1)} s = ${Math.round(firstRate).toLocaleString('en')} IOCs/s, peak RSS ${Math.round(firstPeak)} MB`);
    console.log(`  reload     : ${reload.totals.unchanged.toLocaleString('en')} unchanged in ${reloadSeconds.toFixed(1)} s = ${Math.round(reload.totals.accepted / reloadSeconds).toLocaleString('en')} IOCs/s, peak RSS ${Math.round(reloadPeak)} MB`);
    console.log(`  plain bulk : the same ${documents.toLocaleString('en')} IOC documents in 5 MB _bulk requests, two in flight: ${Math.round(bulkRate).toLocaleString('en')} docs/s -> sync is ${(firstRate / bulkRate).toFixed(2)} of it`);
    console.log(`  naive      : one index request per IOC: ${Math.round(naiveRate).toLocaleString('en')} IOCs/s (sample of ${naiveSample.toLocaleString('en')}) -> iochunt is ${(firstRate / naiveRate).toFixed(1)}x faster`);
    console.log(`  targets    : >= 20,000 IOCs/s end to end or >= 0.8 of the plain bulk -> ${firstRate >= 20_000 || firstRate / bulkRate >= 0.8 ? 'met' : 'NOT met'}; peak RSS < 512 MB -> ${Math.max(firstPeak, reloadPeak) < 512 ? 'met' : 'NOT met'}`);
    await engine.deleteIndices([naiveIndex]);
  } finally {
    await engine.deleteIndices([names.iocs, names.state, warmNames.iocs, warmNames.state]);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
