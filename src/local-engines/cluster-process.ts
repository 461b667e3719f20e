import { LocalEngineError } from '../errors.js';
import { nodeRunning, type LocalClusterNode } from './cluster-record.js';

/** Ending a cluster node's JVM: its process group, a grace period, then SIGKILL, bounded. */

const SIGTERM_GRACE_MS = 30_000;
const GONE_TIMEOUT_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `signal` to the node's process group (its JVM leads it), falling back to the pid. */
function signalNode(node: LocalClusterNode, signal: NodeJS.Signals): void {
  try {
    process.kill(-node.pid, signal);
  } catch {
    try {
      process.kill(node.pid, signal);
    } catch {
      // already gone
    }
  }
}

async function waitGone(nodes: LocalClusterNode[], timeoutMs: number): Promise<LocalClusterNode[]> {
  const deadline = Date.now() + timeoutMs;
  let left = nodes.filter(nodeRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(200);
    left = left.filter(nodeRunning);
  }
  return left;
}

/**
 * Ends these nodes' JVMs: `SIGTERM` with a grace period for a clean shutdown, then `SIGKILL`;
 * `SIGKILL` at once. Throws if one outlives it all.
 */
export async function endNodes(nodes: LocalClusterNode[], signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  let left = nodes.filter(nodeRunning);
  if (signal === 'SIGTERM') {
    for (const node of left) signalNode(node, 'SIGTERM');
    left = await waitGone(left, SIGTERM_GRACE_MS);
  }
  for (const node of left) signalNode(node, 'SIGKILL');
  left = await waitGone(left, GONE_TIMEOUT_MS);
  if (left.length > 0) {
    const names = left.map((n) => `${n.name} (pid ${n.pid})`).join(', ');
    throw new LocalEngineError(`${names} still running after SIGKILL: check ps -o pid,stat,cmd -p ${left.map((n) => n.pid).join(',')}`);
  }
}

