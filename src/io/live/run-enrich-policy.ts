import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';

export interface RunEnrichPolicyOptions {
  /** How long to follow the execution before giving up; default 30 minutes. */
  timeoutMs?: number;
  /** Between two reads of the task; default 2 s. */
  pollMs?: number;
  /** One line each time the phase changes ("executing enrich policy x: RUNNING (12 s)"). */
  onProgress?: (line: string) => void;
}

export const DEFAULT_ENRICH_TIMEOUT_MS = 30 * 60_000;

/**
 * Executes an enrich policy and waits for its enrich index, however long the IOC set takes to
 * copy: the execution runs as a task (`wait_for_completion=false`), which is followed until it
 * ends, with a line per phase and a bounded wait — not one request held open under the request
 * timeout, whose retry would be refused as "already in progress" (an execution already running,
 * e.g. from an install that was interrupted, is followed the same way).
 * @throws ClusterError when the task fails or is still running after `timeoutMs`.
 */
export async function runEnrichPolicy(engine: Engine, name: string, options: RunEnrichPolicyOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENRICH_TIMEOUT_MS;
  const started = Date.now();
  const task = await engine.startEnrichPolicy(name);
  let phase: string | undefined;
  for (;;) {
    const state = await engine.fetchTask(task);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (state.phase !== undefined && state.phase !== phase) options.onProgress?.(`executing enrich policy ${name}: ${state.phase} (${seconds} s)`);
    phase = state.phase ?? phase;
    if (state.error) throw new ClusterError('server', `enrich policy ${name} failed (task ${task}): ${state.error}; the pipeline was not switched`);
    if (state.completed) return;
    if (Date.now() - started >= timeoutMs) {
      throw new ClusterError(
        'timeout',
        `enrich policy ${name} is still executing after ${seconds} s (task ${task}): the pipeline was not switched; run pipelines install again to follow it`,
      );
    }
    await sleep(options.pollMs ?? 2_000);
  }
}
