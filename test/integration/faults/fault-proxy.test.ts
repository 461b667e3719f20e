import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { ClusterError } from '../../../src/errors.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { installTagPipeline } from '../../../src/io/live/install-tag-pipeline.js';
import { runSchedule } from '../../../src/io/schedule/run-schedule.js';
import { fetchStatus } from '../../../src/io/status/fetch-status.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { connectionFor, uniqueName } from '../../helpers/engines.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { ANSSI, syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';

const EVENTS = 1500;
/**
 * Unit searches: every one filters on a time range and holds the IOC clauses; the IOC and state
 * reads have neither, the planner's histogram of event months no IOC clause.
 */
const UNIT_SEARCH = { path: /_search/, bodyIncludes: ['"range"', '"minimum_should_match"'] };
const FAST_RETRY = { attempts: 4, baseDelayMs: 50, maxDelayMs: 200 };
/** The product's request retries (6 attempts), with shorter waits than its defaults. */
const REQUEST_RETRY = { attempts: 6, baseDelayMs: 50, maxDelayMs: 400 };

describe.each(['opensearch', 'elasticsearch'] as const)('faults between iochunt and %s (a fault-injecting proxy in front of the real engine)', (flavor) => {
  const fx = useEngine(flavor);
  const corpus = uniqueName('faults');
  const logs = `${corpus}-logs-*`;
  const prefixes: string[] = [];
  let indices: string[] = [];
  let proxy: FaultProxy;
  let viaProxy: Engine;
  let reference: string[] = [];

  /** A fresh prefix with both corpus feeds synced (directly, without faults). */
  async function freshPrefix(label: string): Promise<string> {
    const prefix = uniqueName(`${label}-${flavor.slice(0, 2)}`);
    prefixes.push(prefix);
    await syncCorpusFeeds(fx.engine, prefix);
    return prefix;
  }

  const alertIds = (prefix: string): Promise<string[]> => fetchAlertIds(fx.engine, prefix);

  async function checkpoints(prefix: string, runId: string): Promise<number> {
    const { state } = buildResourceNames(prefix);
    await fx.engine.refresh(state);
    return fx.engine.countDocuments(state, { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: runId } }] } });
  }

  beforeAll(async () => {
    indices = await writeCorpus(fx.engine, corpus, EVENTS);
    proxy = await startFaultProxy({ target: fx.endpoint.url });
    viaProxy = await connect(connectionFor(fx.endpoint, { url: proxy.url, retry: REQUEST_RETRY }));
    // The undisturbed run every faulty one is compared with.
    const prefix = await freshPrefix('ref');
    await runHunt(fx.engine, { prefix, index: [logs] });
    reference = await alertIds(prefix);
  });
  afterEach(() => {
    proxy.clearFaults();
    proxy.requests.length = 0;
  });
  afterAll(async () => {
    await viaProxy?.close();
    await proxy?.close();
    const all = prefixes.flatMap(prefixIndices);
    await fx.engine.deleteIndices([...indices, ...all]);
  });

  it('the undisturbed run finds the planted hits (the reference is not empty)', () => {
    expect(reference.length).toBe(8);
  });

  it('a search page with a failed shard is never taken as complete: the unit is redone and the alerts equal the undisturbed run', async () => {
    const prefix = await freshPrefix('shard');
    proxy.addFault({ match: UNIT_SEARCH, times: 2, fault: { kind: 'shard-failure' } });
    const summary = await runHunt(viaProxy, { prefix, index: [logs], unitRetry: FAST_RETRY });
    expect(proxy.requests.filter((r) => r.fault === 'shard-failure')).toHaveLength(2);
    expect(summary.retries).toHaveLength(2);
    expect(summary.retries[0]!.reason).toMatch(/1 of \d+ shard\(s\) failed/);
    expect(summary.progress.unitsRetried).toBe(2);
    expect(await alertIds(prefix)).toEqual(reference);
    expect(summary.progress.alertsCreated).toBe(reference.length);
    // status --json lists the run's retried units and why.
    const status = await fetchStatus(fx.engine, prefix);
    const run = status.runs.find((r) => r.id === summary.runId);
    expect(run?.retries?.map((r) => r.reason)).toEqual(summary.retries.map((r) => r.reason));
    expect(run?.progress).toMatchObject({ unitsRetried: 2 });
  });

  it('an index deleted mid-hunt is a warning in the summary, and the hunt finishes over the others', async () => {
    const own = uniqueName(`gone-${flavor.slice(0, 2)}`);
    const ownIndices = await writeCorpus(fx.engine, own, EVENTS);
    const prefix = await freshPrefix('gone');
    const doomed = `${own}-logs-2025`;
    expect(ownIndices).toContain(doomed);
    let deleted: Promise<void> | undefined;
    try {
      const summary = await runHunt(fx.engine, {
        prefix,
        index: [`${own}-logs-*`],
        // Calendar units: the index is deleted after the first.
        slice: 'month',
        concurrency: 1,
        // Awaited by the hunt (concurrency 1): the index is gone before the second unit starts.
        onProgress: async (p) => {
          if (p.unitsDone === 1 && !deleted) {
            deleted = fx.engine.deleteIndices([doomed]);
            await deleted;
          }
        },
      });
      await deleted;
      expect(summary.status).toBe('completed');
      // Said once, however many units of its group came after.
      expect(summary.warnings.filter((w) => w.startsWith(`${doomed} disappeared during the hunt: not searched from `))).toHaveLength(1);
      const { alerts } = buildResourceNames(prefix);
      await fx.engine.refresh(alerts);
      const found: string[] = [];
      for await (const page of fx.engine.scanDocuments({ index: alerts, source: ['iochunt.event.index'] })) {
        found.push(...page.map((h) => String((h.source as { iochunt: { event: { index: string } } }).iochunt.event.index)));
      }
      // Every planted hit outside the deleted index is found; the 2025 ones are the warning's.
      expect(found.filter((i) => i === doomed)).toEqual([]);
      expect(found).toHaveLength(reference.length - 2);
    } finally {
      await fx.engine.deleteIndices(ownIndices);
    }
  });

  it('a stall beyond the request timeout is retried, bounded, and ends in the same alerts', async () => {
    const prefix = await freshPrefix('stall');
    const slow = await connect(connectionFor(fx.endpoint, { url: proxy.url, retry: REQUEST_RETRY, requestTimeoutMs: 1_500 }));
    try {
      proxy.addFault({ match: UNIT_SEARCH, times: 2, fault: { kind: 'stall', ms: 5_000 } });
      const started = Date.now();
      await runHunt(slow, { prefix, index: [logs], unitRetry: FAST_RETRY });
      expect(proxy.requests.filter((r) => r.fault === 'stall')).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(await alertIds(prefix)).toEqual(reference);
    } finally {
      await slow.close();
    }
  });

  it('a timed-out answer, a lost scroll, a truncated body, a reset and a 503 storm end in the same alerts', async () => {
    const prefix = await freshPrefix('mixed');
    proxy.addFault({ match: UNIT_SEARCH, times: 1, fault: { kind: 'timed-out' } });
    proxy.addFault({ match: { path: /_search\/scroll|^\/_search/ }, times: 1, fault: { kind: 'scroll-lost' } });
    proxy.addFault({ match: UNIT_SEARCH, times: 1, fault: { kind: 'truncate' } });
    proxy.addFault({ match: { path: /_bulk/ }, times: 1, fault: { kind: 'reset' } });
    proxy.addFault({ match: { path: /_search/ }, times: 3, fault: { kind: 'status', status: 503 } });
    const summary = await runHunt(viaProxy, { prefix, index: [logs], unitRetry: FAST_RETRY, pageSize: 3 });
    expect(proxy.requests.filter((r) => r.fault).map((r) => r.fault).sort()).toEqual(['reset', 'scroll-lost', 'status', 'status', 'status', 'timed-out', 'truncate']);
    expect(await alertIds(prefix)).toEqual(reference);
    // Elasticsearch pages with search_after (a resend is safe, so the request is retried);
    // an OpenSearch scroll page lost in transit makes the unit start again.
    expect(summary.retries.length).toBeGreaterThanOrEqual(1);
  });

  it('a shard that stays lost ends the run in one line naming the shards and --resume, checkpoints nothing it could not read, and --resume then completes exactly', async () => {
    const prefix = await freshPrefix('lost');
    proxy.addFault({ match: UNIT_SEARCH, times: Number.POSITIVE_INFINITY, fault: { kind: 'shard-failure' } });
    const auth = fx.endpoint.user ? ['--user', fx.endpoint.user, '--password', fx.endpoint.password ?? ''] : [];
    const failed = await runIochunt(['hunt', '--url', proxy.url, ...auth, '--prefix', prefix, '--index', logs, '--concurrency', '1']);
    const lines = stderrLines(failed);
    expect(failed.code, failed.stderr).toBe(1);
    const last = lines.at(-1)!;
    expect(last).toMatch(/^iochunt: scanning .*: 1 of \d+ shard\(s\) failed on .*node_disconnected_exception.*resume with --resume [0-9a-f-]{36}\)$/);
    const runId = /--resume ([0-9a-f-]{36})/.exec(last)![1]!;
    expect(await checkpoints(prefix, runId)).toBe(0);
    expect(await fx.engine.fetchDocument(buildResourceNames(prefix).state, runId)).toMatchObject({ status: 'failed' });

    proxy.clearFaults();
    const resumed = await runIochunt(['hunt', '--url', proxy.url, ...auth, '--prefix', prefix, '--resume', runId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await alertIds(prefix)).toEqual(reference);
  });

  it('the IOC set is read whole: a failed shard of the IOC index is retried, never a smaller set', async () => {
    const prefix = await freshPrefix('iocs');
    proxy.addFault({ match: { path: new RegExp(`${buildResourceNames(prefix).iocs}.*_search|^/_search`), bodyIncludes: 'iochunt.active' }, times: 1, fault: { kind: 'shard-failure' } });
    const warnings: string[] = [];
    const summary = await runHunt(viaProxy, { prefix, index: [logs], unitRetry: FAST_RETRY, onWarning: (w) => warnings.push(w) });
    expect(proxy.requests.filter((r) => r.fault === 'shard-failure')).toHaveLength(1);
    expect(warnings.some((w) => /reading the IOCs and mappings, attempt 1 failed/.test(w))).toBe(true);
    expect(summary.iocs).toBe(166);
    expect(await alertIds(prefix)).toEqual(reference);
  });

  it('sync through 429 items in _bulk, a 503 and a reset writes the same IOC documents as without faults', async () => {
    const clean = uniqueName(`sync-ref-${flavor.slice(0, 2)}`);
    const faulty = uniqueName(`sync-f-${flavor.slice(0, 2)}`);
    prefixes.push(clean, faulty);
    await syncIocs(fx.engine, { sources: [ANSSI], prefix: clean, batchSize: 40 });
    // Every _bulk of the sync: the IOC documents, then the IOC-set version (a one-item bulk).
    proxy.addFault({ match: { path: /_bulk/ }, times: 2, fault: { kind: 'bulk-item-429', items: [0, 3, 7] } });
    proxy.addFault({ match: { path: /_bulk/ }, times: 1, fault: { kind: 'status', status: 503 } });
    proxy.addFault({ match: { path: /_bulk/ }, times: 1, fault: { kind: 'reset' } });
    const report = await syncIocs(viaProxy, { sources: [ANSSI], prefix: faulty, batchSize: 40 });
    expect(report.totals).toMatchObject({ added: 161, rejected: 0 });
    expect(proxy.requests.filter((r) => r.fault).map((r) => r.fault).sort()).toEqual(['bulk-item-429', 'bulk-item-429', 'reset', 'status']);
    const project = async (prefix: string): Promise<string[]> => {
      const out: string[] = [];
      const { iocs } = buildResourceNames(prefix);
      await fx.engine.refresh(iocs);
      for await (const page of fx.engine.scanDocuments({ index: iocs, source: ['iochunt.value', 'iochunt.active', 'threat.feed.name'] })) {
        out.push(...page.map((h) => `${h.id} ${JSON.stringify(h.source)}`));
      }
      return out.sort();
    };
    expect(await project(faulty)).toEqual(await project(clean));
  });

  it('a 429 storm past the retry budget fails the sync in one line, bounded in time, and the run is recorded failed', async () => {
    const prefix = uniqueName(`storm-${flavor.slice(0, 2)}`);
    prefixes.push(prefix);
    proxy.addFault({ match: { path: /_bulk/ }, times: Number.POSITIVE_INFINITY, fault: { kind: 'status', status: 429 } });
    const started = Date.now();
    const error = await syncIocs(viaProxy, { sources: [ANSSI], prefix }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toMatch(/writing a bulk request .* failed with HTTP 429/);
    expect((error as Error).message).not.toMatch(/\n/);
    expect(Date.now() - started).toBeLessThan(30_000);
    const runs = await fx.engine.countDocuments(buildResourceNames(prefix).state, { bool: { filter: [{ term: { kind: 'sync-run' } }, { term: { status: 'failed' } }] } });
    expect(runs).toBe(1);
  });
});

describe('faults on OpenSearch: live tagging and a schedule tick', () => {
  const fx = useEngine('opensearch');
  let proxy: FaultProxy;
  let viaProxy: Engine;
  const corpus = uniqueName('faults-tick');
  const prefix = uniqueName('tick');
  let indices: string[] = [];

  beforeAll(async () => {
    indices = await writeCorpus(fx.engine, corpus, 600);
    proxy = await startFaultProxy({ target: fx.endpoint.url });
    viaProxy = await connect(connectionFor(fx.endpoint, { url: proxy.url, retry: REQUEST_RETRY }));
  });
  afterEach(() => {
    proxy.clearFaults();
    proxy.requests.length = 0;
  });
  afterAll(async () => {
    await viaProxy?.close();
    await proxy?.close();
    const n = buildResourceNames(prefix);
    await fx.engine.deletePipeline(n.tagPipeline);
    await fx.engine.deleteIndices([...indices, n.iocs, n.state, `${n.alerts}-000001`]);
  });

  it('pipelines install through a 503 and a reset installs the pipeline', async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    proxy.addFault({ match: { method: 'PUT', path: /_ingest\/pipeline/ }, times: 1, fault: { kind: 'status', status: 503 } });
    proxy.addFault({ match: { path: /_nodes/ }, times: 1, fault: { kind: 'reset' } });
    const report = await installTagPipeline(viaProxy, { prefix });
    expect(report).toMatchObject({ strategy: 'script', iocs: 161, unchanged: false });
    expect(proxy.requests.filter((r) => r.fault).map((r) => r.fault).sort()).toEqual(['reset', 'status']);
    expect((await fx.engine.fetchPipeline(buildResourceNames(prefix).tagPipeline))?.version).toBe(report.setVersion);
  });

  it('a schedule tick through a failed shard and a 429 hunts everything the undisturbed hunt finds', async () => {
    const referencePrefix = uniqueName('tick-ref');
    await syncIocs(fx.engine, { sources: [ANSSI], prefix: referencePrefix });
    await runHunt(fx.engine, { prefix: referencePrefix, index: [`${corpus}-logs-*`] });
    proxy.addFault({ match: UNIT_SEARCH, times: 1, fault: { kind: 'shard-failure' } });
    proxy.addFault({ match: { path: /_bulk/ }, times: 1, fault: { kind: 'status', status: 429 } });
    const [tick] = await runSchedule(viaProxy, { prefix, every: '1s', maxTicks: 1, hunt: { index: [`${corpus}-logs-*`], unitRetry: FAST_RETRY } });
    expect(tick).toMatchObject({ action: 'hunted' });
    const expected = await fetchAlertIds(fx.engine, referencePrefix);
    expect(expected.length).toBeGreaterThan(0);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(expected);
    await fx.engine.deleteIndices(prefixIndices(referencePrefix));
  });
});
