import { DEFAULT_DEMO_OUT_DIR, DEMO_PREFIX } from '../../core/defaults.js';
import { join } from 'node:path';
import { generateSampleEvents, plantedEvents, type Plant } from '../../core/demo/generate-sample-events.js';
import { parseIocs } from '../../core/ioc/parse-iocs.js';
import { buildResourceNames } from '../../core/resource-names.js';
import { readFileSync } from 'node:fs';
import { attachTagPipeline } from '../live/attach-tag-pipeline.js';
import { connect } from '../engine/connect.js';
import type { ConnectionOptions } from '../engine/connection-options.js';
import type { Engine } from '../engine/engine.js';
import { installTagPipeline, type InstallTagReport } from '../live/install-tag-pipeline.js';
import { readLocalEngine, startLocalEngine, stopLocalEngine, type LocalEngine } from '../../local-engines/local-engine.js';
import { loadResource } from '../load-resource.js';
import { packageInfo } from '../package-info.js';
import { runHunt, type HuntSummary } from '../hunt/run-hunt.js';
import { syncIocs, type SyncReport } from '../sync/sync-iocs.js';
import { writeDemoOutputs, type DemoOutputs } from './write-demo-outputs.js';
import { writeSampleEvents } from './write-sample-events.js';

export interface DemoOptions {
  /** A cluster to use; without it a local OpenSearch is started from Maven Central. */
  connection?: ConnectionOptions;
  prefix?: string;
  /** Sample events to generate (2020 -> now). Default 20,000. */
  events?: number;
  /** Leave the local engine running afterwards. */
  keep?: boolean;
  /** Where the report and the saved objects go; default `./iochunt-demo`. */
  outDir?: string;
  onStep?: (line: string) => void;
}

export interface DemoResult {
  url: string;
  engine: string;
  sync: SyncReport;
  tagging?: InstallTagReport;
  /** Live events indexed after the pipeline was attached, and how many came out tagged. */
  live?: { indexed: number; tagged: number };
  hunt: HuntSummary;
  /** Planted historical hits the hunt must report (on or after 2021-01-01) and those before it. */
  planted: { reportable: number; beforeHuntFrom: number };
  /** The report (HTML, CSV, JSON) and saved objects (Kibana, OpenSearch Dashboards) it wrote. */
  outputs: DemoOutputs;
  /** The bulletin it loaded: the path for a `sync` on a real cluster. */
  bulletin: string;
  /** The local engine: started by the demo (and stopped unless kept), or one already running. */
  localEngine?: { url: string; startedByDemo: boolean; running: boolean };
}

const DEMO_BULLETIN = 'CERTFR-2021-IOC-003-IOC.csv';

/**
 * `iochunt demo`: on a machine with nothing configured, starts a local OpenSearch (Maven
 * Central, no Docker), writes sample logs 2020 -> now with a few events touching the ANSSI
 * APT31 relay IPs (some before 2021, which must not be reported), loads the real bulletin,
 * installs live tagging and shows it on fresh events, retro-hunts since 2021-01-01, then
 * writes the hunt's report (HTML, CSV, JSON) and the Kibana and OpenSearch Dashboards saved
 * objects into `outDir`.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const step = options.onStep ?? (() => undefined);
  const prefix = options.prefix ?? DEMO_PREFIX;
  const names = buildResourceNames(prefix);
  const bulletin = join(packageInfo().root, 'samples', DEMO_BULLETIN);
  let local: LocalEngine | undefined;
  let startedHere = false;
  let connection = options.connection;
  if (!connection) {
    local = await readLocalEngine('opensearch');
    if (!local) {
      step('starting a local OpenSearch from Maven Central (the first run downloads it)...');
      local = await startLocalEngine({ flavor: 'opensearch', onProgress: (line) => step(`  ${line}`) });
      startedHere = true;
    }
    connection = { url: local.url };
  }
  let engine: Engine | undefined;
  try {
    engine = await connect(connection);
    step(`engine: ${engine.info.flavor} ${engine.info.version} at ${engine.info.url}`);
    const logs = `${prefix}-logs`;
    const old = await engine.resolveIndices([`${logs}-*`]);
    await engine.deleteIndices([...old.map((i) => i.name), names.iocs, names.state, `${names.alerts}-000001`]);

    const ips = parseIocs(readFileSync(bulletin, 'utf8'), { file: bulletin }).iocs.map((i) => i.value);
    const plants: Plant[] = [
      { value: ips[0]!, kind: 'ip', field: 'destination.ip', at: '2020-09-14T08:12:00.000Z' },
      { value: ips[0]!, kind: 'ip', field: 'destination.ip', at: '2021-03-02T09:41:00.000Z' },
      { value: ips[1]!, kind: 'ip', field: 'related.ip', at: '2021-06-18T22:05:00.000Z' },
      { value: ips[2]!, kind: 'ip', field: 'source.ip', at: '2022-01-07T03:30:00.000Z' },
      { value: ips[0]!, kind: 'ip', field: 'destination.ip', at: '2023-11-23T14:00:00.000Z' },
      { value: ips[3]!, kind: 'ip', field: 'destination.ip', at: '2024-05-05T05:05:00.000Z' },
      { value: ips[4]!, kind: 'ip', field: 'related.ip', at: '2025-02-11T17:45:00.000Z' },
    ];
    const sample = { from: '2020-01-01T00:00:00.000Z', until: new Date().toISOString(), count: options.events ?? 20_000, seed: 2021, plants, avoid: ips };
    step(`writing ${sample.count.toLocaleString('en')} sample events (2020 -> now, ${plants.length} touching APT31 relay IPs) into ${logs}-<year>...`);
    await writeSampleEvents(engine, generateSampleEvents(sample), { indexFor: (e) => `${logs}-${e.timestamp.slice(0, 4)}` });
    const truth = plantedEvents(sample);

    step(`loading the ANSSI bulletin ${DEMO_BULLETIN}...`);
    const sync = await syncIocs(engine, { sources: [bulletin], prefix });

    let tagging: InstallTagReport | undefined;
    let live: DemoResult['live'];
    try {
      tagging = await installTagPipeline(engine, { prefix });
      const liveIndex = `${logs}-live`;
      await engine.createIndex(liveIndex, loadResource('mappings', 'sample-logs'));
      await attachTagPipeline(engine, [liveIndex], prefix);
      const now = new Date().toISOString();
      const events = [...generateSampleEvents({ from: now, until: new Date(Date.now() + 1000).toISOString(), count: 5, seed: 7, plants: [{ value: ips[5]!, kind: 'ip', field: 'destination.ip', at: now }], avoid: ips })];
      const items = await engine.bulk(events.map((e) => `${JSON.stringify({ index: { _index: liveIndex, _id: e.id } })}\n${JSON.stringify(e.source)}\n`).join(''), { refresh: true });
      const tagged = await engine.countDocuments(liveIndex, { term: { tags: 'iochunt-match' } });
      live = { indexed: items.filter((i) => i.status < 300).length, tagged };
      step(`live tagging (${tagging.strategy} strategy): ${live.tagged} of ${live.indexed} new events tagged iochunt-match`);
    } catch (error) {
      step(`live tagging skipped: ${(error as Error).message}`);
    }

    step('retro-hunting since 2021-01-01...');
    const hunt = await runHunt(engine, { prefix, index: [`${logs}-*`], slice: 'year' });

    const dir = options.outDir ?? DEFAULT_DEMO_OUT_DIR;
    step(`writing the report and the saved objects into ${dir}...`);
    const outputs = await writeDemoOutputs(engine, {
      dir,
      prefix,
      // A hunt that is not a dry run always records its run.
      runId: hunt.runId!,
      feeds: sync.feeds.map((f) => f.name),
      eventsPattern: `${logs}-*`,
    });
    return {
      url: engine.info.url,
      engine: `${engine.info.flavor} ${engine.info.version}`,
      sync,
      ...(tagging ? { tagging } : {}),
      ...(live ? { live } : {}),
      hunt,
      outputs,
      bulletin,
      planted: { reportable: truth.filter((t) => t.timestamp >= '2021-01-01').length, beforeHuntFrom: truth.filter((t) => t.timestamp < '2021-01-01').length },
      ...(local ? { localEngine: { url: local.url, startedByDemo: startedHere, running: !startedHere || options.keep === true } } : {}),
    };
  } finally {
    await engine?.close();
    // Only an engine this demo started is stopped; one that was running stays.
    if (startedHere && !options.keep) await stopLocalEngine('opensearch');
  }
}
