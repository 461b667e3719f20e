import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { LocalEngineError } from '../errors.js';
import { packageInfo } from '../io/package-info.js';
import { fetchArtifact, unzipArchive } from './maven-artifacts.js';

const run = promisify(execFile);

/**
 * OpenSearch's security plugin on the local runner, set up the way an operator sets up a node
 * (docs.opensearch.org, "Installing OpenSearch" > "Configure TLS", and the plugin's own
 * `config/`): the plugin zip unpacked into the node's `plugins/`, a CA and node certificate made
 * with openssl, TLS on transport and HTTP, the plugin's config files in `config/opensearch-security/`
 * with the `admin` user's bcrypt hash made by the plugin's own `Hasher` (its hash.sh), iochunt's
 * roles (docker/opensearch/iochunt-roles.yml) added to its roles.yml, and the security index
 * initialised from those files at the first start (`allow_default_init_securityindex`).
 *
 * One difference from `opensearch-plugin install`: the runner is an embedded node whose classpath
 * already holds some of the jars the zip bundles (netty, transport-netty4, the REST client, asm,
 * commons-codec...). OpenSearch refuses a plugin whose classes are also on the classpath (jar
 * hell), so the plugin's copy of each such artifact is left out and the runner's is used; every
 * one left out is the same artifact, mostly at the same version.
 */
export const SECURITY_PLUGIN = 'org.opensearch.plugin:opensearch-security:2.19.1.0:zip';

const ADMIN_USER = 'admin';
const CERT_DAYS = 30;

/** The files a secured node and its clients need, in the node's config directory. */
export interface SecurityFiles {
  /** PEM of the CA that signed the node certificate: what a client passes as `--ca`. */
  ca: string;
  /** The `opensearch.yml` settings that turn the plugin on. */
  settings: Record<string, unknown>;
  user: string;
}

/** `name-1.2.3.jar` -> `name`: the artifact a jar file is, whatever its version. */
export function artifactOfJar(file: string): string {
  return basename(file).replace(/-\d[\w.-]*\.jar$/, '').replace(/\.jar$/, '');
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LocalEngineError('openssl not found on PATH: install it (apt-get install openssl) to start opensearch-secure');
    throw new LocalEngineError(`openssl ${args[0]} failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`);
  }
}

/**
 * A CA and a node certificate for 127.0.0.1/localhost signed by it, in `dir`: `ca.pem`,
 * `node.pem`, `node.key` (PKCS#8, which the plugin requires). The CA's key is deleted once used.
 */
export async function makeCertificates(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const days = String(CERT_DAYS);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', days, '-subj', '/CN=iochunt-local-ca'], dir);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.rsa.key', '-out', 'node.csr', '-subj', '/CN=iochunt-node'], dir);
  await writeFile(
    join(dir, 'node.ext'),
    ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth,clientAuth', 'keyUsage=digitalSignature,keyEncipherment', ''].join('\n'),
  );
  await openssl(['x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', days, '-extfile', 'node.ext'], dir);
  await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'node.rsa.key', '-out', 'node.key'], dir);
  for (const file of ['ca.key', 'ca.srl', 'node.csr', 'node.ext', 'node.rsa.key']) await rm(join(dir, file), { force: true });
}

/** The plugin's Hasher (its tools/hash.sh) on `password`, read from the environment, not argv. */
async function bcryptHash(java: string, jars: string[], password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-cp', jars.join(':'), 'org.opensearch.security.tools.Hasher', '-env', 'IOCHUNT_HASH_INPUT'], {
      env: { ...process.env, IOCHUNT_HASH_INPUT: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const hash = out.trim().split('\n').pop() ?? '';
      if (code === 0 && hash.startsWith('$2')) resolve(hash);
      else reject(new LocalEngineError(`the security plugin's Hasher failed (exit ${code}): ${err.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/**
 * Installs the plugin into the runner's node home (`home` = `<dir>/node_1`) and writes its
 * configuration; returns the CA path and the settings to add to opensearch.yml.
 */
export async function installSecurityPlugin(
  home: string,
  options: { cacheDir: string; runnerJars: string[]; java: string; password: string; progress: (line: string) => void },
): Promise<SecurityFiles> {
  const zip = await fetchArtifact(SECURITY_PLUGIN, join(options.cacheDir, 'maven'));
  const pluginDir = join(home, 'plugins', 'opensearch-security');
  await unzipArchive(zip, pluginDir);
  const onClasspath = new Set(options.runnerJars.map(artifactOfJar));
  const left: string[] = [];
  for (const file of await readdir(pluginDir)) {
    if (file.endsWith('.jar') && onClasspath.has(artifactOfJar(file))) {
      await rm(join(pluginDir, file));
      left.push(artifactOfJar(file));
    }
  }
  options.progress(`security plugin: ${left.length} bundled jar(s) already on the runner's classpath left out (jar hell): ${left.join(', ')}`);

  const configDir = join(home, 'config');
  const securityDir = join(configDir, 'opensearch-security');
  await rm(securityDir, { recursive: true, force: true });
  await rename(join(pluginDir, 'config'), securityDir);
  await makeCertificates(configDir);
  const jars = [...(await readdir(pluginDir)).filter((f) => f.endsWith('.jar')).map((f) => join(pluginDir, f)), ...options.runnerJars];
  await writeFile(
    join(securityDir, 'internal_users.yml'),
    stringifyYaml({
      _meta: { type: 'internalusers', config_version: 2 },
      // The plugin's roles_mapping.yml maps the backend role `admin` to all_access.
      [ADMIN_USER]: { hash: await bcryptHash(options.java, jars, options.password), reserved: true, backend_roles: ['admin'], description: 'iochunt local admin' },
    }),
  );
  const roles = await readFile(join(packageInfo().root, 'docker', 'opensearch', 'iochunt-roles.yml'), 'utf8');
  await writeFile(join(securityDir, 'roles.yml'), `${await readFile(join(securityDir, 'roles.yml'), 'utf8')}\n${roles}`);
  return {
    ca: join(configDir, 'ca.pem'),
    user: ADMIN_USER,
    settings: {
      'plugins.security.ssl.transport.pemcert_filepath': 'node.pem',
      'plugins.security.ssl.transport.pemkey_filepath': 'node.key',
      'plugins.security.ssl.transport.pemtrustedcas_filepath': 'ca.pem',
      'plugins.security.ssl.transport.enforce_hostname_verification': false,
      'plugins.security.ssl.http.enabled': true,
      'plugins.security.ssl.http.pemcert_filepath': 'node.pem',
      'plugins.security.ssl.http.pemkey_filepath': 'node.key',
      'plugins.security.ssl.http.pemtrustedcas_filepath': 'ca.pem',
      'plugins.security.allow_default_init_securityindex': true,
      'plugins.security.nodes_dn': ['CN=iochunt-node'],
      // No admin certificate is made: the REST API is open to all_access (the admin user).
      'plugins.security.authcz.admin_dn': ['CN=iochunt-admin'],
      'plugins.security.restapi.roles_enabled': ['all_access'],
      'plugins.security.system_indices.enabled': true,
      'plugins.security.audit.type': 'noop',
    },
  };
}
