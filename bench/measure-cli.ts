/**
 * Runs the built CLI as a user would and samples its peak RSS (VmHWM) from /proc: the
 * benchmarks' way to measure what a command costs in time and memory, end to end.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

export interface CliRun {
  stdout: string;
  seconds: number;
  peakMb: number;
  code: number | null;
}

/** `iochunt <args>`: stdout, wall time, peak RSS; stderr passes through. Throws on a non-zero exit unless `allowFailure`. */
export async function measureCli(args: readonly string[], allowFailure = false): Promise<CliRun> {
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
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0 && !allowFailure) throw new Error(`iochunt ${args[0]} exited with ${code}`);
  return { stdout, seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024, code };
}
