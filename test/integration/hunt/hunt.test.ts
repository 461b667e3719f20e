import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleEvents } from '../../../src/core/demo/generate-sample-events.js';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { writeSampleEvents } from '../../../src/io/demo/write-sample-events.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { waitFor } from '../../helpers/wait-for.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS, EXTRA_FEED, PLANTED_FINDINGS, expectedAlertIds, findingsInAlerts, writeCorpus } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const EVENTS = 3000;
const { dir } = useTempFiles('hunt');

describe.each(['opensearch', 'elasticsearch'] as const)('retro-hunt on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('hunt');
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs-*`;
  let indices: string[] = [];
  const auth = (): string[] =>
    fx.endpoint.user ? ['--user', fx.endpoint.user, '--password', fx.endpoint.password ?? ''] : [];

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    const extra = join(dir, `extra-${flavor}.txt`);
    writeFileSync(extra, EXTRA_FEED);
    await syncIocs(fx.engine, { sources: [extra], prefix, feed: 'extra' });
    indices = await writeCorpus(fx.engine, prefix, EVENTS);
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  async function alertIds(): Promise<string[]> {
    await fx.engine.refresh(names.alerts);
    const ids: string[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.alerts, source: false })) ids.push(...page.map((h) => h.id));
    return ids.sort();
  }

  it('finds every planted hit and nothing else, from 2021-01-01, on ip- and keyword-mapped fields', async () => {
    const summary = await runHunt(fx.engine, { prefix, index: [logs] });
    expect(summary.since).toBe('2021-01-01T00:00:00.000Z');
    expect(summary.iocs).toBe(166);
    expect(summary.indices.searched).toEqual(indices);
    expect(await alertIds()).toEqual(expectedAlertIds(prefix, EVENTS));
    expect(await findingsInAlerts(fx.engine, prefix)).toEqual(PLANTED_FINDINGS);
    expect(summary.progress.alertsCreated).toBe(8);
    expect(summary.totals).toEqual({ findings: 8, iocsHit: 8, hosts: expect.any(Number) });
    expect(summary.perIoc.map((i) => i.value).sort()).toEqual(
      [ANSSI_IPS[0], ANSSI_IPS[1], ANSSI_IPS[2], 'evil-update.com', '45.155.205.0/24', 'http://cdn-payload.net/drop/stage2.bin', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'invoice@billing-docs.com'].sort(),
    );
  });

  it('writes alerts in the shape the README documents', async () => {
    const events = [...generateSampleEvents((await import('../../helpers/hunt-corpus.js')).corpusOptions(EVENTS))];
    const planted = events.find((e) => e.plant?.value === '45.155.205.77')!;
    const id = buildAlertId(`${prefix}-logs-2024`, planted.id, buildIocId('ipv4-addr', '45.155.205.0/24'));
    const alert = (await fx.engine.fetchDocument(names.alerts, id)) as {
      '@timestamp': string;
      event: Record<string, unknown>;
      threat: { enrichments: unknown[] };
      iochunt: { event: unknown };
      destination: { ip: string };
      host: { name: string };
    };
    expect(alert['@timestamp']).toBe('2024-04-04T04:04:04.000Z');
    expect(alert.event).toMatchObject({ kind: 'alert', category: ['threat'], type: ['indicator'] });
    expect(alert.threat.enrichments).toEqual([
      expect.objectContaining({
        feed: { name: ['extra'] },
        matched: {
          atomic: '45.155.205.77',
          field: 'destination.ip',
          id: buildIocId('ipv4-addr', '45.155.205.0/24'),
          index: names.iocs,
          occurred: '2024-04-04T04:04:04.000Z',
          type: 'iochunt_retro_hunt',
        },
        indicator: expect.objectContaining({ type: 'ipv4-addr' }),
      }),
    ]);
    expect(alert.iochunt.event).toEqual({ index: `${prefix}-logs-2024`, id: planted.id });
    expect(alert.destination.ip).toBe('45.155.205.77');
    expect(alert.host.name).toBe((planted.source.host as { name: string }).name);
  });

  it('re-running a finished hunt writes no new alerts', async () => {
    const before = await alertIds();
    const summary = await runHunt(fx.engine, { prefix, index: [logs] });
    expect(summary.progress).toMatchObject({ alertsCreated: 0, alreadyFound: 8 });
    expect(await alertIds()).toEqual(before);
  });

  it('a hunt killed with SIGKILL mid-run and resumed gives exactly the uninterrupted alert set', async () => {
    await fx.engine.deleteIndices([`${names.alerts}-000001`]);
    const args = ['hunt', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--index', logs, '--since', '2000-01-01', '--concurrency', '1', '--slice', 'month'];
    const main = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const runId = await waitFor(() => /hunt run ([0-9a-f-]{36})/.exec(stderr)?.[1]);
    await waitFor(async () => ((await fx.engine.countDocuments(names.state, { term: { run_id: runId } }).catch(() => 0)) >= 40 ? true : undefined));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    await fx.engine.refresh(names.state);
    const killed = (await fx.engine.fetchDocument(names.state, runId)) as { status: string; details: { units: number } };
    expect(killed.status).toBe('running');
    const checkpoints = await fx.engine.countDocuments(names.state, { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: runId } }] } });
    expect(checkpoints).toBeLessThan(killed.details.units);

    const resumed = await runIochunt(['hunt', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--resume', runId, '--json']);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.runId).toBe(runId);
    expect(summary.units.resumed).toBe(checkpoints);
    expect(summary.units.done).toBe(killed.details.units);
    expect(await alertIds()).toEqual(expectedAlertIds(prefix, EVENTS));
    expect(await findingsInAlerts(fx.engine, prefix)).toEqual(PLANTED_FINDINGS);
    expect(((await fx.engine.fetchDocument(names.state, runId)) as { status: string }).status).toBe('completed');
  });

  it('--dry-run prints candidate counts per unit and writes nothing', async () => {
    const run = await runIochunt(['hunt', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--index', logs, '--dry-run', '--json', '--slice', 'year']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.status).toBe('dry-run');
    expect(plan.candidates.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(8);
    expect(plan.candidates.map((c: { unit: string }) => c.unit.split(':')[2])).toContain('2024');
  });

  it('--fail-on-findings exits 3 after printing the findings', async () => {
    const run = await runIochunt(['hunt', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--index', logs, '--fail-on-findings']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('evil-update.com');
    expect(stderrLines(run).at(-1)).toBe('iochunt: 8 finding(s) (--fail-on-findings)');
  });

  it('incremental runs hunt a newly synced IOC over old data and new events for old IOCs, and do nothing else', async () => {
    const first = await runHunt(fx.engine, { prefix, index: [logs], mode: 'incremental' });
    expect(first.progress.alertsCreated).toBe(0);

    const idle = await runHunt(fx.engine, { prefix, index: [logs], mode: 'incremental' });
    expect(idle.newIocs).toBe(0);
    expect(idle.phases).toEqual([{ name: 'new-events', units: expect.any(Number), slices: 1 }]);

    // A new IOC that an old (2022) event already contains.
    const events = [...generateSampleEvents((await import('../../helpers/hunt-corpus.js')).corpusOptions(EVENTS))];
    const old = events.find((e) => e.timestamp.startsWith('2022') && (e.source.destination as { ip?: string } | undefined)?.ip)!;
    const oldIp = (old.source.destination as { ip: string }).ip;
    const fresh = join(dir, `fresh-${flavor}.txt`);
    writeFileSync(fresh, `${oldIp}\n`);
    await syncIocs(fx.engine, { sources: [fresh], prefix, feed: 'late-bulletin' });
    // And a new event, now, for an old IOC.
    const now = new Date(Date.now() - 60_000).toISOString();
    await writeSampleEvents(
      fx.engine,
      generateSampleEvents({ from: now, until: new Date(Date.now() - 30_000).toISOString(), count: 1, seed: 99, plants: [{ value: ANSSI_IPS[5]!, kind: 'ip', field: 'source.ip', at: now }] }),
      { indexFor: () => `${prefix}-logs-2026`, ingested: new Date().toISOString() },
    );
    const incremental = await runHunt(fx.engine, { prefix, index: [logs], mode: 'incremental' });
    expect(incremental.newIocs).toBe(1);
    expect(incremental.phases.map((p) => p.name)).toEqual(['history', 'new-events']);
    expect(incremental.progress.alertsCreated).toBe(2);
    const ids = await alertIds();
    expect(ids).toContain(buildAlertId(`${prefix}-logs-2022`, old.id, buildIocId('ipv4-addr', oldIp)));
    expect(ids).toContain(buildAlertId(`${prefix}-logs-2026`, 'ev-99-0', buildIocId('ipv4-addr', ANSSI_IPS[5]!)));
  });

  it('report --feed writes the findings of that feed as JSON, CSV and HTML', async () => {
    const out = join(dir, `report-${flavor}`);
    const json = await runIochunt(['report', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--feed', 'CERTFR-2021-IOC-003', '--format', 'json', '--out', `${out}.json`]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { totals: { findings: number; iocsHit: number }; timeline: { month: string; hits: number }[]; iocs: { value: string; hits: number }[] };
    // Three ANSSI IPs planted since 2021, plus the one the incremental test planted today.
    expect(report.totals).toMatchObject({ findings: 4, iocsHit: 4 });
    expect(report.iocs.map((i) => i.value).sort()).toEqual([ANSSI_IPS[0], ANSSI_IPS[1], ANSSI_IPS[2], ANSSI_IPS[5]].sort());
    expect(report.timeline[0]?.month).toBe('2021-01');
    expect(report.timeline.reduce((n, m) => n + m.hits, 0)).toBe(4);
    const csv = await runIochunt(['report', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--format', 'csv', '--out', `${out}.csv`]);
    expect(csv.code).toBe(0);
    // The TLP line, the header, one row per IOC.
    expect(readFileSync(`${out}.csv`, 'utf8').trim().split(/\r?\n/)).toHaveLength(2 + 10);
    const html = await runIochunt(['report', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix, '--feed', 'extra', '--format', 'html', '--out', `${out}.html`]);
    expect(html.code).toBe(0);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain('evil-update.com');
  });

  it('status --json lists the runs newest first with their progress', async () => {
    const run = await runIochunt(['status', '--json', '--url', fx.endpoint.url, ...auth(), '--prefix', prefix]);
    expect(run.code).toBe(0);
    const { runs } = JSON.parse(run.stdout) as { runs: { id: string; kind: string; status: string; startedAt: string; progress?: { unitsDone?: number } }[] };
    expect(runs.map((r) => r.startedAt)).toEqual([...runs.map((r) => r.startedAt)].sort().reverse());
    expect(runs[0]).toMatchObject({ kind: 'hunt', status: 'completed', progress: { unitsDone: expect.any(Number) } });
    expect(runs.filter((r) => r.kind === 'sync').length).toBeGreaterThanOrEqual(3);
  });
});
