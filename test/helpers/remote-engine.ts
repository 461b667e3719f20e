/**
 * The second local OpenSearch that the dev `opensearch` searches as a remote cluster
 * (`npm run engine -- start opensearch-remote`, started by `npm run test:all`): where it is, and
 * how to make a cluster search it (README "Remote clusters").
 */
import type { TestEngineEndpoint } from './engines.js';

export interface RemoteEngine {
  url: string;
  /** `127.0.0.1:<port>`: what `cluster.remote.<alias>.seeds` names. */
  transport: string;
}

const HOW_TO_START =
  'Run everything with "npm run test:all", or start one: npm run engine -- start opensearch-remote && eval "$(npm run -s engine -- env opensearch-remote)"';

/** The remote cluster from IOCHUNT_TEST_OPENSEARCH_REMOTE_URL and _TRANSPORT, or a failure that says how to start one. */
export function remoteEngine(env: NodeJS.ProcessEnv = process.env): RemoteEngine {
  const key = 'IOCHUNT_TEST_OPENSEARCH_REMOTE';
  const url = env[`${key}_URL`];
  const transport = env[`${key}_TRANSPORT`];
  if (!url || !transport) throw new Error(`No remote OpenSearch cluster for these tests (${key}_URL, _TRANSPORT). ${HOW_TO_START}`);
  return { url, transport };
}

/** One REST call with the endpoint's credentials; the parsed answer, or a thrown line with the status. */
export async function restCall(endpoint: Pick<TestEngineEndpoint, 'url' | 'user' | 'password'>, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.user) headers.authorization = `Basic ${Buffer.from(`${endpoint.user}:${endpoint.password ?? ''}`).toString('base64')}`;
  const response = await fetch(new URL(path, endpoint.url), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * Makes the local cluster search `remote` as `alias` (`cluster.remote.<alias>.seeds`, transient)
 * and waits until `_remote/info` says it is connected; returns the undo. Fails, saying how to
 * fix it, when the local node lacks the `remote_cluster_client` role: an OpenSearch started
 * before the launcher gave it that role (scripts/java/OpenSearchLauncher.java) must be restarted.
 */
export async function seedRemoteCluster(local: Pick<TestEngineEndpoint, 'url' | 'user' | 'password'>, alias: string, remote: RemoteEngine): Promise<() => Promise<void>> {
  const nodes = (await restCall(local, 'GET', '/_nodes/_local?filter_path=nodes.*.roles')) as { nodes?: Record<string, { roles?: string[] }> };
  const roles = Object.values(nodes.nodes ?? {})[0]?.roles ?? [];
  if (!roles.includes('remote_cluster_client')) {
    throw new Error(
      `The OpenSearch at ${local.url} has no remote_cluster_client role (roles: ${roles.join(', ')}), so it cannot search a remote cluster: it was started before the launcher gave it that role. Restart it: npm run engine -- stop opensearch && npm run engine -- start opensearch`,
    );
  }
  const setting = `cluster.remote.${alias}.seeds`;
  await restCall(local, 'PUT', '/_cluster/settings', { transient: { [setting]: [remote.transport] } });
  const undo = async (): Promise<void> => {
    await restCall(local, 'PUT', '/_cluster/settings', { transient: { [setting]: null } });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = (await restCall(local, 'GET', '/_remote/info')) as Record<string, { connected?: boolean }>;
    if (info[alias]?.connected === true) return undo;
    if (Date.now() > deadline) {
      await undo();
      throw new Error(`remote cluster ${alias} (${remote.transport}) not connected after 30 s: ${JSON.stringify(info[alias] ?? {})}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
