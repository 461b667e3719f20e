import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSampleEvents } from '../../../src/core/demo/generate-sample-events.js';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { connect } from '../../../src/io/engine/connect.js';
import { startLocalEngine, stopLocalEngine } from '../../../src/local-engines/local-engine.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { writeSampleEvents } from '../../../src/io/demo/write-sample-events.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { waitFor } from '../../helpers/wait-for.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS, PLANTED_FINDINGS, expectedAlertIds, findingsInAlerts, syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';
import { connectionFor } from '../../helpers/engines.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';

const MAIN = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));


/** Starts `iochunt hunt` and resolves with the child once it has printed its run id. */
async function startHunt(args: string[]): Promise<{ child: ReturnType<typeof spawn>; runId: string; output: () => { stdout: string; stderr: string } }> {
  const child = spawn(process.execPath, [MAIN, 'hunt', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const runId = await waitFor(() => /hunt run ([0-9a-f-]{36})/.exec(stderr)?.[1]);
  return { child, runId, output: () => ({ stdout, stderr }) };
}

describe('hunt interruptions', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('interrupt');
  const names = buildResourceNames(prefix);
  let indices: string[] = [];
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('SIGTERM checkpoints, exits 130 with one line, and --resume completes the run', async () => {
    await syncCorpusFeeds(fx.engine, prefix);
    indices = await writeCorpus(fx.engine, prefix, 1500);
    const hunt = await startHunt(['--url', fx.endpoint.url, '--prefix', prefix, '--index', `${prefix}-logs-*`, '--since', '2000-01-01', '--concurrency', '1', '--slice', 'month']);
    await waitFor(async () => ((await fx.engine.countDocuments(names.state, { term: { run_id: hunt.runId } }).catch(() => 0)) >= 20 ? true : undefined));
    hunt.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => hunt.child.on('close', resolve));
    expect(code).toBe(130);
    expect(hunt.output().stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^iochunt: hunt interrupted after \\d+/\\d+ units: resume with --resume ${hunt.runId}$`));
    expect(((await fx.engine.fetchDocument(names.state, hunt.runId)) as { status: string }).status).toBe('interrupted');

    const resumed = await runIochunt(['hunt', '--url', fx.endpoint.url, '--prefix', prefix, '--resume', hunt.runId, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).units.resumed).toBeGreaterThan(0);
    await fx.engine.refresh(names.alerts);
    const ids: string[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.alerts, source: false })) ids.push(...page.map((h) => h.id));
    expect(ids.sort()).toEqual(expectedAlertIds(prefix, 1500));
    expect(await findingsInAlerts(fx.engine, prefix)).toEqual(PLANTED_FINDINGS);
  });

  it('SIGINT (Ctrl-C) does the same: checkpoints, exits 130 with one line, and --resume completes the run', async () => {
    const prefix2 = uniqueName('sigint');
    const names2 = buildResourceNames(prefix2);
    expect(indices.length, 'the corpus the SIGTERM test wrote').toBeGreaterThan(0);
    try {
      await syncCorpusFeeds(fx.engine, prefix2);
      const hunt = await startHunt(['--url', fx.endpoint.url, '--prefix', prefix2, '--index', `${prefix}-logs-*`, '--since', '2000-01-01', '--concurrency', '1', '--slice', 'month']);
      await waitFor(async () => ((await fx.engine.countDocuments(names2.state, { term: { run_id: hunt.runId } }).catch(() => 0)) >= 20 ? true : undefined));
      hunt.child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => hunt.child.on('close', resolve));
      expect(code).toBe(130);
      expect(hunt.output().stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^iochunt: hunt interrupted after \\d+/\\d+ units: resume with --resume ${hunt.runId}$`));
      expect(((await fx.engine.fetchDocument(names2.state, hunt.runId)) as { status: string }).status).toBe('interrupted');
      const checkpoints = await fx.engine.countDocuments(names2.state, { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: hunt.runId } }] } });
      expect(checkpoints).toBeGreaterThan(0);

      const resumed = await runIochunt(['hunt', '--url', fx.endpoint.url, '--prefix', prefix2, '--resume', hunt.runId, '--json']);
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.stdout).units.resumed).toBe(checkpoints);
      // The corpus events live under the first test's prefix; the alerts under this one.
      const expected = expectedAlertIds(prefix, 1500).length;
      await fx.engine.refresh(names2.alerts);
      expect(await fx.engine.countDocuments(names2.alerts)).toBe(expected);
    } finally {
      await fx.engine.deleteIndices([names2.iocs, names2.state, `${names2.alerts}-000001`]);
    }
  });
});

describe('hunt scope on OpenSearch', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('scope');
  const names = buildResourceNames(prefix);
  const created: string[] = [];
  afterAll(async () => {
    const client = (fx.engine as unknown as { client: { indices: { deleteDataStream: (p: unknown) => Promise<unknown>; deleteIndexTemplate: (p: unknown) => Promise<unknown> } } }).client;
    await client.indices.deleteDataStream({ name: `${prefix}-logs-stream` }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: `${prefix}-stream` }).catch(() => undefined);
    await fx.engine.deleteIndices([...created, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('hunts data streams, skips closed indices and indices without @timestamp, ignores missing patterns', async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    const client = (fx.engine as unknown as { client: { indices: { putIndexTemplate: (p: unknown) => Promise<unknown>; close: (p: unknown) => Promise<unknown> } } }).client;
    await fx.engine.writeIndexTemplate(`${prefix}-stream`, {
      index_patterns: [`${prefix}-logs-stream*`],
      data_stream: {},
      priority: 300,
      template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { '@timestamp': { type: 'date' }, destination: { properties: { ip: { type: 'ip' } } } } } },
    });
    const when = '2022-08-08T08:08:08.000Z';
    const events = [...generateSampleEvents({ from: '2022-01-01T00:00:00Z', until: '2023-01-01T00:00:00Z', count: 50, seed: 5, avoid: ANSSI_IPS, plants: [{ value: ANSSI_IPS[7]!, kind: 'ip', field: 'destination.ip', at: when }] })];
    const body = events.map((e) => `${JSON.stringify({ create: { _index: `${prefix}-logs-stream`, _id: e.id } })}\n${JSON.stringify(e.source)}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.every((i) => i.status === 201)).toBe(true);
    const backing = (await fx.engine.resolveIndices([`${prefix}-logs-stream`]))[0]!.name;
    created.push(backing);

    await writeSampleEvents(fx.engine, generateSampleEvents({ from: '2022-01-01T00:00:00Z', until: '2022-02-01T00:00:00Z', count: 5, seed: 6, avoid: ANSSI_IPS }), { indexFor: () => `${prefix}-logs-closed` });
    await client.indices.close({ index: `${prefix}-logs-closed` });
    await fx.engine.createIndex(`${prefix}-logs-notime`, { mappings: { properties: { destination: { properties: { ip: { type: 'ip' } } } } } });
    created.push(`${prefix}-logs-closed`, `${prefix}-logs-notime`);

    const warnings: string[] = [];
    const summary = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`, `${prefix}-nothing-*`], onWarning: (w) => warnings.push(w) });
    expect(summary.indices.searched).toEqual([backing]);
    expect(summary.indices.skipped).toEqual([
      { index: `${prefix}-logs-closed`, reason: 'closed' },
      { index: `${prefix}-logs-notime`, reason: 'no @timestamp field' },
    ]);
    const planted = events.find((e) => e.plant)!;
    expect(summary.perIoc.map((i) => [i.value, i.hits, i.firstSeen])).toEqual([[ANSSI_IPS[7], 1, when]]);
    expect(await fx.engine.fetchDocument(names.alerts, buildAlertId(backing, planted.id, buildIocId('ipv4-addr', ANSSI_IPS[7]!)))).toBeDefined();
  });

  it('splits a batch the engine refuses as too_many_clauses (by the error type, not the status) and still finds every hit', async () => {
    const cidrs = Array.from({ length: 1200 }, (_, i) => `${150 + Math.floor(i / 256)}.${i % 256}.0.0/16`); // none in the generator's address pool
    const file = join(mkdtempSync(join(tmpdir(), 'iochunt-cidrs-')), 'cidrs.txt');
    (await import('node:fs')).writeFileSync(file, `${cidrs.join('\n')}\n`);
    await syncIocs(fx.engine, { sources: [file], prefix, feed: 'many-cidrs' });
    const inside = '154.175.3.4'; // in 154.175.0.0/16, the last CIDR
    const index = `${prefix}-logs-cidr`;
    created.push(index);
    await writeSampleEvents(fx.engine, generateSampleEvents({ from: '2023-01-01T00:00:00Z', until: '2023-02-01T00:00:00Z', count: 20, seed: 8, avoid: ANSSI_IPS, plants: [{ value: inside, kind: 'ip', field: 'destination.ip', at: '2023-01-15T00:00:00Z' }] }), { indexFor: () => index });
    // OpenSearch 2.19 answers these 1200 CIDRs without complaint, so the refusal is injected, in
    // the shape OpenSearch gives a query over its clause limit, at a proxy that logs every request.
    const proxy = await startFaultProxy({ target: fx.endpoint.url });
    const viaProxy = await connect(connectionFor(fx.endpoint, { url: proxy.url }));
    // A unit search opens a scroll (OpenSearch); the other searches of the index (untimed events) do not.
    const unitSearch = (r: { method: string; path: string; query: string }): boolean => r.method === 'POST' && r.path === `/${index}/_search` && /(?:^|&)scroll=/.test(r.query);
    proxy.addFault({ match: { method: 'POST', path: new RegExp(`^/${index}/_search\\?(?:.*&)?scroll=`) }, fault: { kind: 'status', status: 500, body: tooManyClauses(index) } });
    try {
      const summary = await runHunt(viaProxy, { prefix, index: [index], feeds: ['many-cidrs'], slice: 'none', maxClauses: 100_000 });
      expect(summary.perIoc.map((i) => [i.value, i.hits])).toEqual([['154.175.0.0/16', 1]]);
      expect(summary.units).toMatchObject({ total: 1, done: 1 });
      expect(summary.retries).toEqual([]); // split, not retried
      // The one unit: its whole batch refused, then its two halves searched and answered.
      const unitSearches = proxy.requests.filter(unitSearch);
      expect(unitSearches.map((r) => [r.status, r.fault ?? 'forwarded'])).toEqual([
        [500, 'status'],
        [200, 'forwarded'],
        [200, 'forwarded'],
      ]);
    } finally {
      await viaProxy.close();
      await proxy.close();
      rmSync(file, { force: true });
    }
  });
});

/** OpenSearch's answer to a query over `indices.query.bool.max_clause_count`: a 500 whose causes are `too_many_clauses`. */
function tooManyClauses(index: string): Record<string, unknown> {
  const cause = { type: 'too_many_clauses', reason: 'maxClauseCount is set to 1024' };
  return {
    error: {
      root_cause: [cause],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index, node: 'n1', reason: cause }],
      caused_by: cause,
    },
    status: 500,
  };
}

describe('engine lost mid-hunt', () => {
  it('exits 1 with one line when the engine dies, and --resume completes after a restart', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'iochunt-crash-'));
    let engineUrl = (await startLocalEngine({ flavor: 'opensearch', stateDir, heapMb: 512 })).url;
    const prefix = uniqueName('crash');
    const names = buildResourceNames(prefix);
    try {
      let engine = await connect({ url: engineUrl, retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 100 } });
      await syncCorpusFeeds(engine, prefix);
      await writeCorpus(engine, prefix, 1500);
      await engine.close();

      const hunt = await startHunt(['--url', engineUrl, '--prefix', prefix, '--index', `${prefix}-logs-*`, '--since', '2000-01-01', '--concurrency', '1', '--slice', 'month']);
      engine = await connect({ url: engineUrl });
      await waitFor(async () => ((await engine.countDocuments(names.state, { term: { run_id: hunt.runId } }).catch(() => 0)) >= 20 ? true : undefined));
      await engine.close();
      const { dir } = (await import('../../../src/local-engines/local-engine.js').then((m) => m.readLocalEngine('opensearch', stateDir)))!;
      await stopLocalEngine('opensearch', stateDir, { keepData: true, kill: true });
      const code = await new Promise<number | null>((resolve) => hunt.child.on('close', resolve));
      expect(code).toBe(1);
      const lines = hunt.output().stderr.trim().split('\n');
      expect(lines.at(-1), lines.join('\n')).toMatch(new RegExp(`^iochunt: cannot reach .* \\(ECONN[A-Z]+\\): .*resume with --resume ${hunt.runId}\\)$`));

      engineUrl = (await startLocalEngine({ flavor: 'opensearch', stateDir, heapMb: 512, reuseDir: dir })).url;
      const resumed = await runIochunt(['hunt', '--url', engineUrl, '--prefix', prefix, '--resume', hunt.runId, '--json']);
      expect(stderrLines(resumed).filter((l) => !l.startsWith('iochunt: hunt run') && !l.startsWith('iochunt: warning:'))).toEqual([]);
      expect(resumed.code).toBe(0);
      engine = await connect({ url: engineUrl });
      await engine.refresh(names.alerts);
      const ids: string[] = [];
      for await (const page of engine.scanDocuments({ index: names.alerts, source: false })) ids.push(...page.map((h) => h.id));
      expect(ids.sort()).toEqual(expectedAlertIds(prefix, 1500));
      await engine.close();
    } finally {
      await stopLocalEngine('opensearch', stateDir);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 300_000);
});
