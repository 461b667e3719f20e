import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleEvents } from '../../../src/core/demo/generate-sample-events.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { ClusterError } from '../../../src/errors.js';
import { writeSampleEvents } from '../../../src/io/demo/write-sample-events.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { runSchedule, type TickRecord } from '../../../src/io/schedule/run-schedule.js';
import { killClusterNode, readLocalCluster, restartClusterNode, startLocalCluster, stopLocalCluster, type LocalCluster } from '../../../src/local-engines/local-cluster.js';
import { fetchAlertIds } from '../../helpers/alert-ids.js';
import { uniqueName } from '../../helpers/engines.js';
import { corpusOptions, syncCorpusFeeds } from '../../helpers/hunt-corpus.js';
import { waitFor } from '../../helpers/wait-for.js';

/**
 * A real 3-node OpenSearch cluster, one JVM per node (src/local-engines/local-cluster.ts):
 * a node is SIGKILLed mid-hunt, or is the only holder of a hunted shard, or the cluster is
 * restarted node by node under a running scheduler. The cluster of `npm run engine -- start
 * opensearch-cluster` is used when IOCHUNT_TEST_OPENSEARCH_CLUSTER_STATE names it; otherwise this
 * file starts its own (about 30 s) and stops it at the end.
 */
const EVENTS = 1500;
const FAST_RETRY = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

let cluster: LocalCluster;
let ownState: string | undefined;
let engine: Engine;
/** Every index pattern a test created, deleted after it (a 0-replica index left behind would turn the next test's cluster red). */
const created: string[] = [];

/** Raw requests to any live node (settings, health, shard tables the Engine port has no call for). */
async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown> & unknown[]> {
  let lastError: unknown;
  for (const url of cluster.urls) {
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, unknown> & unknown[];
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function health(status: 'green' | 'yellow', nodes: number): Promise<void> {
  // The server waits at most 50 s, under the request's own 60 s.
  const answer = await rest('GET', `/_cluster/health?wait_for_status=${status}&wait_for_nodes=${nodes}&timeout=50s`);
  if (answer.timed_out === true) throw new Error(`cluster not ${status} with ${nodes} nodes after 50 s: ${JSON.stringify(answer)}`);
}

/** Yearly indices of the corpus, 2 shards each, with the given replica count. */
async function writeEvents(prefix: string, replicas: number): Promise<string[]> {
  const body = loadResource('mappings', 'sample-logs') as { settings: Record<string, unknown> };
  body.settings = { ...body.settings, number_of_shards: 2, number_of_replicas: replicas };
  created.push(`${prefix}-logs-*`);
  const written = await writeSampleEvents(engine, generateSampleEvents(corpusOptions(EVENTS)), {
    indexFor: (event) => `${prefix}-logs-${event.timestamp.slice(0, 4)}`,
    indexBody: () => structuredClone(body),
  });
  await health('green', 3);
  return written.indices;
}

const alertIds = (prefix: string): Promise<string[]> => fetchAlertIds(engine, prefix);

/** A prefix with the corpus feeds synced, and its undisturbed hunt's alert ids. */
async function reference(logs: string): Promise<string[]> {
  const prefix = uniqueName('mn-ref');
  created.push(`${prefix}-*`);
  await syncCorpusFeeds(engine, prefix);
  await runHunt(engine, { prefix, index: [logs] });
  return alertIds(prefix);
}

/** The index of a node (in `cluster.nodes`) holding a primary of `index`. */
async function primaryHolder(index: string): Promise<number> {
  const shards = (await rest('GET', `/_cat/shards/${index}?format=json&h=index,shard,prirep,state,node`)) as unknown as { prirep: string; node: string }[];
  const node = shards.find((s) => s.prirep === 'p')?.node;
  const at = cluster.nodes.findIndex((n) => n.name === node);
  if (at < 0) throw new Error(`no primary of ${index} on a known node: ${JSON.stringify(shards)}`);
  return at;
}

async function reconnect(): Promise<void> {
  await engine?.close();
  engine = await connect({ url: cluster.urls.join(','), retry: { attempts: 6, baseDelayMs: 200, maxDelayMs: 2_000 } });
}

beforeAll(async () => {
  const given = process.env.IOCHUNT_TEST_OPENSEARCH_CLUSTER_STATE;
  if (given) {
    const found = await readLocalCluster(given);
    if (!found) throw new Error(`IOCHUNT_TEST_OPENSEARCH_CLUSTER_STATE=${given} names no running cluster: npm run engine -- start opensearch-cluster`);
    cluster = found;
  } else {
    ownState = mkdtempSync(join(tmpdir(), 'iochunt-cluster-test-'));
    cluster = await startLocalCluster({ stateDir: ownState, onProgress: (line) => console.error(`[opensearch-cluster] ${line}`) });
  }
  await reconnect();
}, 300_000);

afterEach(async () => {
  const patterns = created.splice(0);
  if (patterns.length > 0) await rest('DELETE', `/${patterns.join(',')}?ignore_unavailable=true&allow_no_indices=true`).catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  if (ownState) {
    await stopLocalCluster(ownState);
    rmSync(ownState, { recursive: true, force: true });
  }
}, 120_000);

describe('hunts on a real 3-node OpenSearch cluster', () => {
  it('replicas 1, a node SIGKILLed mid-hunt: the hunt completes by itself with exactly the undisturbed alert set', async () => {
    const corpus = uniqueName('mn-rep');
    const logs = `${corpus}-logs-*`;
    await writeEvents(corpus, 1);
    const expected = await reference(logs);
    expect(expected).toHaveLength(8);

    const prefix = uniqueName('mn-kill');
    created.push(`${prefix}-*`);
    await syncCorpusFeeds(engine, prefix);
    const victim = await primaryHolder(`${corpus}-logs-2023`);
    let killed: Promise<LocalCluster> | undefined;
    const summary = await runHunt(engine, {
      prefix,
      index: [logs],
      // Calendar units: the node is killed after the third.
      slice: 'month',
      concurrency: 1,
      pageSize: 5,
      unitRetry: FAST_RETRY,
      // Awaited by the hunt (concurrency 1): the node is dead before the next unit starts.
      onProgress: async (p) => {
        if (p.unitsDone === 3 && !killed) {
          killed = killClusterNode(cluster, victim, { signal: 'SIGKILL' });
          await killed;
        }
      },
    });
    cluster = await killed!;
    expect(cluster.nodes[victim]!.stoppedAt).toBeDefined();
    expect(summary.status).toBe('completed');
    expect(await alertIds(prefix)).toEqual(expected);

    cluster = await restartClusterNode(cluster, victim);
    await health('green', 3);
    await reconnect();
  }, 240_000);

  it('replicas 0, the node holding a hunted shard SIGKILLed: one line, nothing checkpointed for that shard; restarted, --resume gives the exact set', async () => {
    const corpus = uniqueName('mn-solo');
    const logs = `${corpus}-logs-*`;
    const indices = await writeEvents(corpus, 0);
    const expected = await reference(logs);
    const prefix = uniqueName('mn-lost');
    created.push(`${prefix}-*`);
    await syncCorpusFeeds(engine, prefix);
    const lostIndex = `${corpus}-logs-2023`;
    const victim = await primaryHolder(lostIndex);
    let killed: Promise<LocalCluster> | undefined;
    let runId = '';
    const error = await runHunt(engine, {
      prefix,
      index: [logs],
      concurrency: 1,
      slice: 'year',
      unitRetry: FAST_RETRY,
      onRunId: (id) => (runId = id),
      // Awaited by the hunt (concurrency 1): the node is dead before the next unit starts.
      onProgress: async (p) => {
        if (p.unitsDone === 1 && !killed) {
          killed = killClusterNode(cluster, victim, { signal: 'SIGKILL' });
          await killed;
        }
      },
    }).catch((e: unknown) => e);
    cluster = await killed!;
    expect(error).toBeInstanceOf(ClusterError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(new RegExp(`resume with --resume ${runId}\\)$`));
    // Which indices the failed unit named, and whether their shards were the lost ones, is the cluster's to say; the run must not go on.
    expect(message).toMatch(/shard|unavailable|all shards failed|HTTP 503/i);

    const { state } = buildResourceNames(prefix);
    await engine.refresh(state);
    const units: string[] = [];
    for await (const page of engine.scanDocuments({ index: state, query: { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: runId } }] } }, source: ['unit'] })) {
      units.push(...page.map((h) => String(h.source.unit)));
    }
    // The 2023 slice of the corpus lives only in the lost shards: no checkpoint may claim it.
    expect(units.filter((u) => u.includes(':2023'))).toEqual([]);
    expect(await engine.fetchDocument(state, runId)).toMatchObject({ status: 'failed' });

    cluster = await restartClusterNode(cluster, victim);
    await health('green', 3);
    await reconnect();
    const resumed = await runHunt(engine, { prefix, resume: runId, unitRetry: FAST_RETRY });
    expect(resumed.status).toBe('completed');
    expect(await alertIds(prefix)).toEqual(expected);
    expect(indices).toContain(lostIndex);
  }, 240_000);

  it('a rolling restart under two schedulers: no two ticks hunt at once, and none loses a finding', async () => {
    const corpus = uniqueName('mn-roll');
    const logs = `${corpus}-logs-*`;
    await writeEvents(corpus, 1);
    const expected = await reference(logs);
    const prefix = uniqueName('mn-sched');
    created.push(`${prefix}-*`);
    await syncCorpusFeeds(engine, prefix);

    const stop = new AbortController();
    const ticks: (TickRecord & { scheduler: number })[] = [];
    const schedulers = [0, 1].map(async (scheduler) => {
      const own = await connect({ url: cluster.urls.join(','), retry: { attempts: 6, baseDelayMs: 200, maxDelayMs: 2_000 } });
      try {
        await runSchedule(own, {
          prefix,
          every: '2s',
          lockTtlMs: 20_000,
          signal: stop.signal,
          hunt: { index: [logs], unitRetry: FAST_RETRY, concurrency: 1 },
          onTick: (record) => ticks.push({ ...record, scheduler }),
        }).catch((error: unknown) => {
          if (!stop.signal.aborted) throw error;
        });
      } finally {
        await own.close();
      }
    });
    // A first hunted tick has created every index the schedulers write (state, alerts): an index
    // created while a node stops (its replica still initializing) turns the cluster red, which is
    // the engine's doing, not what this test is about.
    await waitFor(() => (ticks.some((t) => t.action === 'hunted') ? true : undefined), 120_000, 500);
    await health('green', 3);
    // Node by node: stop (SIGTERM), wait for the others to go on, start it again.
    for (let i = 0; i < cluster.nodes.length; i++) {
      cluster = await killClusterNode(cluster, i, { signal: 'SIGTERM' });
      await health('yellow', 2);
      cluster = await restartClusterNode(cluster, i);
      await health('green', 3);
    }
    await waitFor(() => (ticks.filter((t) => t.action === 'hunted').length >= 3 ? true : undefined), 120_000, 500);
    stop.abort();
    await Promise.all(schedulers);

    const hunted = ticks.filter((t) => t.action === 'hunted');
    expect(hunted.length).toBeGreaterThanOrEqual(3);
    // Held under the lock: no two hunted ticks overlap in time, whichever scheduler ran them.
    const spans = hunted.map((t) => [Date.parse(t.lockedAt!), Date.parse(t.finishedAt!)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(new Set(hunted.map((t) => t.hunt?.runId)).size).toBe(hunted.length);
    expect(await alertIds(prefix)).toEqual(expected);
    expect((await engine.fetchDocuments(buildResourceNames(prefix).state, ['schedule-lock'])).size).toBe(0);
    await reconnect();
  }, 420_000);
});
