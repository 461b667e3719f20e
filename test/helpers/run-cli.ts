import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm run build` first; `npm test` does) as a user would, with only the
 * given IOCHUNT_* variables set. Its stderr is a pipe, so its log format would be JSON: tests
 * read warnings as people do, in text (IOCHUNT_LOG_FORMAT=text), unless they pass their own
 * value (an empty one leaves the variable unset: the default).
 */
export async function runIochunt(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('IOCHUNT_')));
  const given = Object.fromEntries(Object.entries({ IOCHUNT_LOG_FORMAT: 'text', ...env }).filter(([, value]) => value !== ''));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...clean, ...given }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Lines a user sees on stderr, without trailing blanks. */
export function stderrLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((line) => line.trim() !== '');
}
