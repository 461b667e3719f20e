/**
 * The local OpenSearch with its security plugin (`npm run engine -- start opensearch-secure`,
 * started by `npm run test:all`): where it is, its admin, the security plugin's REST API, and
 * iochunt's documented roles (docker/opensearch/iochunt-roles.yml) rewritten for a test prefix.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse as parseYaml } from 'yaml';

export interface SecureEngine {
  url: string;
  user: string;
  password: string;
  /** PEM file of the CA that signed the node certificate. */
  ca: string;
}

/** The secured engine from IOCHUNT_TEST_OPENSEARCH_SECURE_*, or a failure that says how to start one. */
export function secureEngine(env: NodeJS.ProcessEnv = process.env): SecureEngine {
  const key = 'IOCHUNT_TEST_OPENSEARCH_SECURE';
  const [url, user, password, ca] = ['URL', 'USER', 'PASSWORD', 'CA'].map((name) => env[`${key}_${name}`]);
  if (!url || !user || !password || !ca) {
    throw new Error(
      `No secured OpenSearch for these tests (${key}_URL, _USER, _PASSWORD, _CA). Run everything with "npm run test:all", or start one: npm run engine -- start opensearch-secure && eval "$(npm run -s engine -- env opensearch-secure)"`,
    );
  }
  return { url, user, password, ca };
}

/** The CLI's connection flags for a user of the secured engine. */
export function cliAuth(engine: SecureEngine, user = engine.user, password = engine.password): string[] {
  return ['--url', engine.url, '--ca', engine.ca, '--user', user, '--password', password];
}

/** One call of the engine's REST API as its admin (the security plugin's `_plugins/_security/api/...` among others). */
export async function adminCall(engine: SecureEngine, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const call = request(
      new URL(path, engine.url),
      {
        method,
        ca: readFileSync(engine.ca),
        auth: `${engine.user}:${engine.password}`,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 30_000,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) }));
      },
    );
    call.on('timeout', () => call.destroy(new Error(`${method} ${path}: timed out`)));
    call.on('error', reject);
    call.end(payload);
  });
}

/** A role body of the security plugin's REST API (its roles.yml entries). */
export interface RoleBody {
  description?: string;
  cluster_permissions: string[];
  index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
}

/** iochunt's documented roles by name (`iochunt_hunt`...), index patterns as shipped. */
export function documentedRoles(): Record<string, RoleBody> {
  return parseYaml(readFileSync(new URL('../../docker/opensearch/iochunt-roles.yml', import.meta.url), 'utf8')) as Record<string, RoleBody>;
}

/** A documented role for a test prefix: `iochunt-*` names become `<prefix>-*`, the hunted log patterns `logs`. */
export function roleForPrefix(role: RoleBody, prefix: string, logs = `${prefix}-logs-*`): RoleBody {
  const rename = (pattern: string): string => (pattern.startsWith('iochunt-') ? `${prefix}-${pattern.slice('iochunt-'.length)}` : logs);
  return {
    cluster_permissions: [...role.cluster_permissions],
    index_permissions: role.index_permissions
      // The default hunt patterns (logs-*, filebeat-*...) all become the test's one log pattern.
      .map((entry) => ({ index_patterns: [...new Set(entry.index_patterns.map(rename))], allowed_actions: [...entry.allowed_actions] })),
  };
}

/** The role without one of its permissions: each cluster permission, and each action of each index entry, in turn. */
export function* withoutOne(role: RoleBody): Generator<{ missing: string; role: RoleBody }> {
  for (const [i, permission] of role.cluster_permissions.entries()) {
    yield { missing: `cluster ${permission}`, role: { ...role, cluster_permissions: role.cluster_permissions.filter((_, j) => j !== i) } };
  }
  for (const [e, entry] of role.index_permissions.entries()) {
    for (const [a, action] of entry.allowed_actions.entries()) {
      const reduced = { ...entry, allowed_actions: entry.allowed_actions.filter((_, j) => j !== a) };
      const entries = role.index_permissions.flatMap((other, j) => (j !== e ? [other] : reduced.allowed_actions.length > 0 ? [reduced] : []));
      yield { missing: `${action} on ${entry.index_patterns.join(',')}`, role: { ...role, index_permissions: entries } };
    }
  }
}

/** Creates (or replaces) a role and an internal user holding exactly it. */
export async function createUser(engine: SecureEngine, name: string, password: string, role: RoleBody): Promise<void> {
  const roleAnswer = await adminCall(engine, 'PUT', `/_plugins/_security/api/roles/${name}`, role);
  if (roleAnswer.status >= 300) throw new Error(`PUT role ${name}: HTTP ${roleAnswer.status} ${JSON.stringify(roleAnswer.body)}`);
  const userAnswer = await adminCall(engine, 'PUT', `/_plugins/_security/api/internalusers/${name}`, { password, opendistro_security_roles: [name] });
  if (userAnswer.status >= 300) throw new Error(`PUT user ${name}: HTTP ${userAnswer.status} ${JSON.stringify(userAnswer.body)}`);
}
