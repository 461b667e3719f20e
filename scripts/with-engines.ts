/**
 * Runs a command with both local engines up and their URLs (and Elasticsearch's credentials)
 * in IOCHUNT_TEST_* variables, then stops the engines it started, even when the command fails
 * or is interrupted. Engines already running (npm run engine -- start ...) are reused and left
 * running.
 *
 *   tsx scripts/with-engines.ts -- npm test
 */
import { spawn } from 'node:child_process';
import { readLocalEngine, startLocalEngine, stopLocalEngine, type LocalFlavor } from '../src/io/local-engine.js';
import { testEnv } from './engine.js';

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
if (command.length === 0) {
  console.error('usage: with-engines -- COMMAND [ARGS...]');
  process.exit(2);
}

const flavors: LocalFlavor[] = ['opensearch', 'elasticsearch'];
const started: LocalFlavor[] = [];

async function stopStarted(): Promise<void> {
  await Promise.all(started.splice(0).map((flavor) => stopLocalEngine(flavor).catch(() => false)));
}

async function main(): Promise<number> {
  const env: Record<string, string> = {};
  const t0 = Date.now();
  const engines = await Promise.all(
    flavors.map(async (flavor) => {
      const running = await readLocalEngine(flavor);
      if (running) return running;
      const engine = await startLocalEngine({ flavor, onProgress: (line) => console.error(`[${flavor}] ${line}`) });
      started.push(flavor);
      return engine;
    }),
  );
  for (const engine of engines) {
    Object.assign(env, testEnv(engine));
    console.error(`[${engine.flavor}] ${engine.flavor} ${engine.version} up at ${engine.url}`);
  }
  console.error(`engines ready in ${((Date.now() - t0) / 1000).toFixed(1)}s; running: ${command.join(' ')}`);
  const [program = '', ...args] = command;
  const child = spawn(program, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`cannot run ${program}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
} finally {
  await stopStarted();
}
process.exit(exitCode);
