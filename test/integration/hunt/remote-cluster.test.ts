/**
 * Remote clusters (issue 13, item 7): `--index <alias>:logs-*` hunts another cluster's indices
 * through cross-cluster search, beside local patterns, from the local IOC set into the local
 * alerts index. The remote cluster is the second local OpenSearch (`npm run engine -- start
 * opensearch-remote`), seeded on the dev `opensearch` as `cluster.remote.<alias>.seeds`. Alerts
 * name the event's index as `<alias>:<index>`, so an event of a remote index and one of a local
 * index of the same name and `_id` are two findings; resumed and re-run hunts stay exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { InterruptedError } from '../../../src/errors.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { connectionFor, uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';
import { remoteEngine, seedRemoteCluster } from '../../helpers/remote-engine.js';

const remote = remoteEngine();
const [IP0, IP1, IP2, IP3] = ANSSI_IPS as [string, string, string, string];

describe('a remote-cluster hunt on opensearch', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('ccs');
  const names = buildResourceNames(prefix);
  // Cluster aliases take the characters of index names; unique, so runs never share a setting.
  const alias = uniqueName('remote');
  const logs = (year: string): string => `${prefix}-logs-${year}`;
  const scope = { prefix, index: [`${alias}:${prefix}-logs-*`, `${prefix}-logs-*`], since: '2021-01-01', until: '2026-12-01T00:00:00Z', slice: 'month' as const };
  /** [cluster, index, _id, event, the IOC it must be found for]. */
  const events: ['remote' | 'local', string, string, Record<string, unknown>, string | undefined][] = [
    ['remote', logs('2022'), 'e1', { '@timestamp': '2022-03-04T10:00:00Z', destination: { ip: IP0 } }, IP0],
    ['remote', logs('2022'), 'e2', { '@timestamp': '2022-03-20T10:00:00Z', destination: { ip: '203.0.113.9' } }, undefined],
    ['remote', logs('2022'), 'e3', { '@timestamp': '2022-11-30T23:59:59Z', source: { ip: IP1 } }, IP1],
    ['remote', logs('2024'), 'e1', { '@timestamp': '2024-07-01T00:00:00Z', related: { ip: [IP2] } }, IP2],
    ['remote', logs('2024'), 'e4', { '@timestamp': '2020-06-01T00:00:00Z', destination: { ip: IP3 } }, undefined], // before hunt_from
    ['remote', `${prefix}-other-2022`, 'e1', { '@timestamp': '2022-05-05T10:00:00Z', destination: { ip: IP0 } }, undefined], // outside the pattern
    // The same index name and _id as a remote event, with the same IOC: a finding of its own.
    ['local', logs('2022'), 'e1', { '@timestamp': '2022-03-04T10:00:00Z', destination: { ip: IP0 } }, IP0],
    ['local', logs('2023'), 'e5', { '@timestamp': '2023-02-02T10:00:00Z', destination: { ip: IP1 } }, IP1],
  ];
  const eventIndex = (cluster: 'remote' | 'local', index: string): string => (cluster === 'remote' ? `${alias}:${index}` : index);
  /** The findings, by hand: [event index as the alert records it, _id, IOC value], sorted. */
  const findings = events
    .filter((e) => e[4] !== undefined)
    .map(([cluster, index, id, , ip]) => [eventIndex(cluster, index), id, ip] as const)
    .sort();
  const expectedIds = findings.map(([index, id, ip]) => buildAlertId(index, id, buildIocId('ipv4-addr', ip!))).sort();
  const remoteIndices = [logs('2022'), logs('2024'), `${prefix}-other-2022`];
  const localIndices = [logs('2022'), logs('2023')];
  let remoteOs: Engine;
  let unseed: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    remoteOs = await connect(connectionFor({ flavor: 'opensearch', url: remote.url, source: 'environment' }));
    unseed = await seedRemoteCluster(fx.endpoint, alias, remote);
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    for (const index of remoteIndices) await remoteOs.createIndex(index, loadResource('mappings', 'sample-logs'));
    for (const index of localIndices) await fx.engine.createIndex(index, loadResource('mappings', 'sample-logs'));
    const bulk = (cluster: 'remote' | 'local'): string =>
      events
        .filter((e) => e[0] === cluster)
        .map(([, index, id, source]) => `${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify(source)}\n`)
        .join('');
    await remoteOs.bulk(bulk('remote'), { refresh: true });
    await fx.engine.bulk(bulk('local'), { refresh: true });
  }, 120_000);
  afterAll(async () => {
    // Each step whatever the others do: the remote setting and the remote indices outlive a failed local delete.
    const steps = [
      () => unseed?.(),
      () => remoteOs?.deleteIndices(remoteIndices),
      () => fx.engine.deleteIndices([...localIndices, ...prefixIndices(prefix)]),
    ];
    const failures = (await Promise.allSettled(steps.map((step) => step()))).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    await remoteOs?.close();
    if (failures.length > 0) throw failures[0]!.reason;
  });

  /** Every alert of the prefix as [event index, _id, IOC value], sorted. */
  async function alertFindings(): Promise<(readonly [string, string, string])[]> {
    await fx.engine.refresh(names.alerts);
    const found: (readonly [string, string, string])[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.alerts, source: ['iochunt.event', 'iochunt.ioc'] })) {
      for (const hit of page) {
        const iochunt = hit.source.iochunt as { event: { index: string; id: string }; ioc: { value: string } };
        found.push([iochunt.event.index, iochunt.event.id, iochunt.ioc.value]);
      }
    }
    return found.sort();
  }

  it('plans remote and local indices of one mapping as one group, units only where either holds events', async () => {
    const plan = await runHunt(fx.engine, { ...scope, dryRun: true });
    expect(plan.indices.searched).toEqual([`${alias}:${logs('2022')}`, `${alias}:${logs('2024')}`, logs('2022'), logs('2023')].sort());
    expect(plan.indices.skipped).toEqual([]);
    // Months with events in range: 2022-03 (both clusters), 2022-11, 2023-02, 2024-07.
    expect(plan.phases).toEqual([{ name: 'history', units: 4, slices: 71 }]);
    expect(plan.candidates?.map((c) => [c.from.slice(0, 7), c.count])).toEqual([
      ['2022-03', 2],
      ['2022-11', 1],
      ['2023-02', 1],
      ['2024-07', 1],
    ]);
  });

  it('an interrupted hunt resumed from the CLI writes exactly the planted findings, each naming <alias>:<index> for a remote event', async () => {
    const stop = new AbortController();
    let runId = '';
    const interrupted = runHunt(fx.engine, {
      ...scope,
      concurrency: 1,
      signal: stop.signal,
      onRunId: (id) => (runId = id),
      onProgress: (progress) => {
        if (progress.unitsDone >= 1) stop.abort();
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(InterruptedError);
    const checkpointed = (await fetchAlertIds(fx.engine, prefix)).length;
    expect(checkpointed).toBeLessThan(expectedIds.length);

    const resumed = await runIochunt(['hunt', '--url', fx.endpoint.url, '--prefix', prefix, '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { units: { total: number; resumed: number }; progress: { alertsCreated: number }; totals: { findings: number } };
    expect(summary.units.total).toBe(4);
    expect(summary.units.resumed).toBeGreaterThan(0);
    expect(summary.totals.findings).toBe(findings.length);
    expect(await alertFindings()).toEqual(findings);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(expectedIds);
  });

  it('re-running it writes no new alert', async () => {
    const again = await runIochunt(['hunt', '--url', fx.endpoint.url, '--prefix', prefix, '--index', scope.index.join(','), '--since', scope.since, '--until', scope.until, '--slice', scope.slice, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { progress: { alertsCreated: number; alreadyFound: number }; totals: { findings: number } };
    expect(summary.progress).toMatchObject({ alertsCreated: 0, alreadyFound: findings.length });
    expect(summary.totals.findings).toBe(findings.length);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(expectedIds);
  });

  it('a list of indices too long for a path still reaches the remote ones (every index of each named cluster, filtered on _index)', async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `${prefix}-logs-absent-${'x'.repeat(20)}-${i}`);
    const answer = await fx.engine.search([`${alias}:${logs('2022')}`, `${alias}:${logs('2024')}`, logs('2023'), ...filler].join(','), {
      size: 0,
      aggs: { indices: { terms: { field: '_index', size: 10 } } },
    });
    const buckets = (answer.aggregations as { indices: { buckets: { key: string; doc_count: number }[] } }).indices.buckets;
    expect(buckets.map((b) => [b.key, b.doc_count]).sort()).toEqual([
      [`${alias}:${logs('2022')}`, 3],
      [`${alias}:${logs('2024')}`, 2],
      [logs('2023'), 1],
    ].sort());
  });

  it('a pattern naming a cluster alias that is not configured fails in one line saying what to set, before anything is written', async () => {
    const run = await runIochunt(['hunt', '--url', fx.endpoint.url, '--prefix', prefix, '--index', `nowhere:${prefix}-logs-*`]);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([
      expect.stringMatching(new RegExp(`^iochunt: --index nowhere:${prefix}-logs-\\*: no remote cluster nowhere is configured on .*: set cluster\\.remote\\.nowhere\\.seeds to its transport address, on nodes with the remote_cluster_client role`)),
    ]);
  });
});
