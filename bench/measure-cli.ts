/**
 * What the benchmarks measure with: the built CLI run as a user would, its time and peak RSS
 * (VmHWM from /proc); and the engine's own best at writing the same documents, a plain `_bulk`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/io/engine/engine.js';

const CLI = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

export interface CliRun {
  stdout: string;
  seconds: number;
  peakMb: number;
  code: number | null;
}

/**
 * `iochunt <args>`: stdout, wall time, peak RSS; stderr passes through. Throws on a non-zero exit
 * unless `allowFailure`. With `stopAfterMs`, the run is sent SIGTERM then (it checkpoints and
 * exits 130): a bounded measure of a case that may take very long.
 */
export async function measureCli(args: readonly string[], allowFailure = false, stopAfterMs?: number): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, IOCHUNT_LOG_FORMAT: 'text' } });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let peakKb = 0;
  const sample = (): void => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm?.[1]) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // the process has exited
    }
  };
  const sampler = setInterval(sample, 100);
  const stopper = stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), stopAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  clearTimeout(stopper);
  if (code !== 0 && !allowFailure) throw new Error(`iochunt ${args[0]} exited with ${code}`);
  return { stdout, seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024, code };
}

/**
 * The engine's best at writing these prepared `_bulk` bodies: two requests in flight, docs/s.
 * Any item refused voids the baseline.
 */
export async function plainBulkRate(engine: Engine, bodies: readonly string[]): Promise<{ rate: number; written: number }> {
  const started = performance.now();
  let next = 0;
  let written = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const items = await engine.bulk(bodies[next++]!);
      if (items.some((i) => i.status >= 300)) throw new Error('the plain bulk was refused in part: the baseline is void');
      written += items.length;
    }
  };
  await Promise.all([worker(), worker()]);
  return { rate: written / ((performance.now() - started) / 1000), written };
}

/** `_bulk` bodies of about 5 MB that write every document of `index` into `target` (`op`: index or create), prepared before any clock starts. */
export async function bulkBodiesOf(engine: Engine, index: string, target: string, op: 'index' | 'create'): Promise<string[]> {
  const bodies: string[] = [];
  let body = '';
  for await (const page of engine.scanDocuments({ index, query: { match_all: {} }, pageSize: 5_000 })) {
    for (const hit of page) {
      body += `${JSON.stringify({ [op]: { _index: target, _id: hit.id } })}\n${JSON.stringify(hit.source)}\n`;
      if (body.length >= 5 * 1024 * 1024) {
        bodies.push(body);
        body = '';
      }
    }
  }
  if (body) bodies.push(body);
  return bodies;
}
