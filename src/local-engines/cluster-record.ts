import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { isAlive } from './local-engine.js';

/** The record of a local cluster (`<state dir>/opensearch-cluster.json`) and its nodes. */

const STATE_FILE = 'opensearch-cluster.json';

export interface LocalClusterNode {
  /** `node.name`, unique, also listed in `cluster.initial_cluster_manager_nodes`. */
  name: string;
  /** The node's JVM, leader of its own process group (so it can be killed alone). */
  pid: number;
  /** Its HTTP URL, read from its log; may change on restart. */
  url: string;
  /** Fixed for the node's life (the others find it there through `discovery.seed_hosts`). */
  transportPort: number;
  /** The runner's base path for this node (config, data, logs); kept across kill and restart. */
  dir: string;
  /** The JVM's stdout and stderr; rotated to `engine.previous.log` on restart. */
  logFile: string;
  /** Set while the node is down after {@link killClusterNode}; cleared by {@link restartClusterNode}. */
  stoppedAt?: string;
}

export interface LocalCluster {
  clusterName: string;
  version: string;
  nodes: LocalClusterNode[];
  /** HTTP URLs of the nodes that run (a killed node's is left out until it is restarted). */
  urls: string[];
  /** Holds every node's dir; removed by {@link stopLocalCluster}. */
  dir: string;
  /** Where the record lives, so the functions given a cluster update the same record. */
  stateDir: string;
  heapMb: number;
  startedAt: string;
}

export function stateFile(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

/**
 * Whether the node's recorded pid is still its JVM: alive, not a zombie, and (where /proc
 * exists) started on this node's dir — a pid reused by another process is never signalled.
 */
export function nodeRunning(node: LocalClusterNode): boolean {
  if (node.stoppedAt !== undefined || node.pid <= 0 || !isAlive(node.pid)) return false;
  if (!existsSync('/proc/self')) return true;
  try {
    const stat = readFileSync(`/proc/${node.pid}/stat`, 'utf8');
    if (/\)\s+[ZX]\s/.test(stat)) return false;
    return readFileSync(`/proc/${node.pid}/cmdline`, 'utf8').split('\0').includes(node.dir);
  } catch {
    return false; // vanished between the checks
  }
}

export function withUrls(cluster: LocalCluster): LocalCluster {
  return { ...cluster, urls: cluster.nodes.filter((n) => n.stoppedAt === undefined && n.url !== '').map((n) => n.url) };
}

export async function readRecord(stateDir: string): Promise<LocalCluster | undefined> {
  const file = stateFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as LocalCluster;
}

export async function writeRecord(cluster: LocalCluster): Promise<LocalCluster> {
  const updated = withUrls(cluster);
  const file = stateFile(cluster.stateDir);
  await writeFile(`${file}.tmp`, JSON.stringify(updated, null, 2), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return updated;
}

/** The record behind a cluster object the caller holds (it may be stale), checked to be the same cluster. */
export async function currentRecord(cluster: LocalCluster): Promise<LocalCluster> {
  const record = await readRecord(cluster.stateDir);
  if (!record) throw new ConfigError(`no cluster recorded in ${cluster.stateDir}: start one with npm run engine -- start opensearch-cluster`);
  if (record.dir !== cluster.dir) {
    throw new ConfigError(`${stateFile(cluster.stateDir)} records another cluster (${record.dir}, not ${cluster.dir}): use the cluster it returns`);
  }
  return record;
}

export function nodeAt(cluster: LocalCluster, index: number): LocalClusterNode {
  const node = cluster.nodes[index];
  if (!Number.isInteger(index) || !node) {
    throw new ConfigError(`no node at index ${index}: the cluster has ${cluster.nodes.length} nodes, indexed from 0`);
  }
  return node;
}

