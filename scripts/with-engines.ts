/**
 * Runs a command with local engines up and their URLs (and credentials, and the secured
 * engine's CA) in IOCHUNT_TEST_* variables, then stops the engines it started, even when the
 * command fails or is interrupted. Engines already running (npm run engine -- start ...) are
 * reused and left running.
 *
 *   tsx scripts/with-engines.ts -- npm test          # opensearch, elasticsearch, opensearch-secure, opensearch-remote
 *   tsx scripts/with-engines.ts --engines opensearch-3,elasticsearch-9 -- vitest run ...
 *
 * The version matrix's flavours set the variables of their engine (scripts/engine.ts testKey),
 * so the same test files run on them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LOCAL_ENGINE_ARTIFACTS, LOCAL_FLAVORS, readLocalEngine, startLocalEngine, stopLocalEngine, type LocalFlavor } from '../src/local-engines/local-engine.js';
import { testEnv } from './engine.js';

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
const own = separator >= 0 ? process.argv.slice(2, separator) : process.argv.slice(2);
const enginesFlag = own.indexOf('--engines');
const flavors = (enginesFlag >= 0 ? (own[enginesFlag + 1] ?? '') : 'opensearch,elasticsearch,opensearch-secure,opensearch-remote').split(',').filter(Boolean) as LocalFlavor[];
const unknown = flavors.filter((flavor) => !LOCAL_FLAVORS.includes(flavor));
if (command.length === 0 || flavors.length === 0 || unknown.length > 0) {
  console.error(`usage: with-engines [--engines ${LOCAL_FLAVORS.join(',')}] -- COMMAND [ARGS...]${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  process.exit(2);
}

/**
 * Users for the privilege tests (test/integration/security/privileges.test.ts): docker/iochunt-role.json
 * for the test prefixes `t-priv-*`, and the same without writes on the alerts index.
 */
const TEST_USERS = { hunter: `hunter-${randomBytes(6).toString('hex')}`, readonly: `readonly-${randomBytes(6).toString('hex')}` };
function testFileRealm(): { roles: Record<string, Record<string, unknown>>; users: { name: string; password: string; roles: string[] }[] } {
  const role = JSON.parse(readFileSync(new URL('../docker/iochunt-role.json', import.meta.url), 'utf8')) as {
    cluster: string[];
    indices: { names: string[]; privileges: string[] }[];
  };
  const forTests = (readonlyAlerts: boolean): Record<string, unknown> => ({
    cluster: role.cluster,
    indices: role.indices.map((entry) => ({
      names: entry.names.some((n) => n.startsWith('logs-')) ? ['t-priv-*-logs-*'] : entry.names.map((n) => n.replace(/^iochunt-/, 't-priv-*-')),
      privileges: readonlyAlerts && entry.names.includes('iochunt-alerts') ? ['read', 'view_index_metadata'] : entry.privileges,
    })),
  });
  return {
    roles: { iochunt_test_hunter: forTests(false), iochunt_test_readonly: forTests(true) },
    users: [
      { name: 'iochunt-hunter', password: TEST_USERS.hunter, roles: ['iochunt_test_hunter'] },
      { name: 'iochunt-readonly', password: TEST_USERS.readonly, roles: ['iochunt_test_readonly'] },
    ],
  };
}
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
      const engine = await startLocalEngine({
        flavor,
        onProgress: (line) => console.error(`[${flavor}] ${line}`),
        ...(LOCAL_ENGINE_ARTIFACTS[flavor].kind === 'elasticsearch' ? { fileRealm: testFileRealm() } : {}),
      });
      started.push(flavor);
      return engine;
    }),
  );
  for (const engine of engines) {
    Object.assign(env, testEnv(engine));
    if (LOCAL_ENGINE_ARTIFACTS[engine.flavor].kind === 'elasticsearch' && started.includes(engine.flavor)) {
      Object.assign(env, { IOCHUNT_TEST_ES_HUNTER_PASSWORD: TEST_USERS.hunter, IOCHUNT_TEST_ES_READONLY_PASSWORD: TEST_USERS.readonly });
    }
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
