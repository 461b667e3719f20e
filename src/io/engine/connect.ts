import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { ClusterError, ConfigError, redactUrl } from '../../errors.js';
import { safeDecode } from '../../redact.js';
import { headerOf, limitedOpenSearchConnection, responseLimitOf } from './bounded-connections.js';
import { makeClusterCall, type CallContext } from './cluster-call.js';
import { logRequests } from './request-log.js';
import { statusOf } from './cluster-errors.js';
import { parseUrls, readCa, validateAuth, type ConnectionOptions } from './connection-options.js';
import type { Engine, EngineInfo, Flavor } from './engine.js';
import { OpenSearchEngine } from './opensearch-engine.js';

export { DEFAULT_MAX_RESPONSE_BYTES } from './bounded-connections.js';

/** Oldest majors iochunt supports (README "Supported engines"). */
const MINIMUM_MAJOR: Record<Flavor, number> = { elasticsearch: 8, opensearch: 2 };

interface Probe {
  flavor: Flavor | undefined;
  version: string | undefined;
  clusterName: string | undefined;
}

interface RootBody {
  cluster_name?: string;
  version?: { number?: string; distribution?: string };
}


function flavorFrom(headers: Record<string, unknown> | null | undefined, body: RootBody | undefined): Flavor | undefined {
  if (body?.version?.distribution === 'opensearch') return 'opensearch';
  if (headerOf(headers, 'x-elastic-product') === 'Elasticsearch') return 'elasticsearch';
  return body?.version?.number ? 'elasticsearch' : undefined;
}

/**
 * Flavour and version from `GET /`. Elasticsearch builds without the `rest-root` module (the
 * integ-test zip) answer `GET /` with 405; some least-privilege users get 403 there. Then the
 * local node's info gives the version, and the `X-Elastic-Product` header, which Elasticsearch
 * sets on every response, gives the flavour.
 */
async function probe(client: OpenSearchClient, call: ReturnType<typeof makeClusterCall>): Promise<Probe> {
  try {
    const root = await call('reading GET /', () => client.transport.request({ method: 'GET', path: '/' }));
    const body = root.body as RootBody;
    return { flavor: flavorFrom(root.headers, body), version: body.version?.number, clusterName: body.cluster_name };
  } catch (error) {
    const cause = (error as { cause?: { meta?: { headers?: Record<string, unknown> } } }).cause;
    const status = statusOf(cause);
    if (status !== 403 && status !== 404 && status !== 405) throw error;
    const flavor = flavorFrom(cause?.meta?.headers, undefined);
    try {
      const nodes = await call('reading node info', () =>
        client.transport.request({ method: 'GET', path: '/_nodes/_local', querystring: { filter_path: 'cluster_name,nodes.*.version' } }),
      );
      const body = nodes.body as { cluster_name?: string; nodes?: Record<string, { version?: string }> };
      const version = Object.values(body.nodes ?? {})[0]?.version;
      return { flavor: flavor ?? flavorFrom(nodes.headers, undefined) ?? 'opensearch', version, clusterName: body.cluster_name };
    } catch {
      // Both refused to a user without cluster monitor: say what was refused (the engine names the
      // action), not that this is no cluster.
      if (status === 403 && !flavor) throw error;
      return { flavor, version: undefined, clusterName: undefined };
    }
  }
}

/** What must never be printed: the password, the API key, passwords in URLs, and the Basic-auth form a server may echo. */
function connectionSecrets(options: ConnectionOptions, urls: readonly string[]): string[] {
  const fromUrls = urls.flatMap((u) => {
    const { username, password } = new URL(u);
    return password ? [password, safeDecode(password), Buffer.from(`${safeDecode(username)}:${safeDecode(password)}`).toString('base64')] : [];
  });
  const basic = options.user !== undefined && options.password ? [Buffer.from(`${options.user}:${options.password}`).toString('base64')] : [];
  return [options.password, options.apiKey, ...fromUrls, ...basic].filter((secret): secret is string => Boolean(secret));
}

function tlsOptions(options: ConnectionOptions): { ca?: string; rejectUnauthorized?: boolean } | undefined {
  const ca = readCa(options.ca);
  if (!ca && !options.insecure) return undefined;
  return { ...(ca ? { ca } : {}), ...(options.insecure ? { rejectUnauthorized: false } : {}) };
}

/**
 * Connects to a cluster and returns the {@link Engine} for its flavour. With `engine: 'auto'`
 * (the default) the flavour and version come from the cluster itself; an explicit choice that
 * contradicts the cluster is refused. Unsupported versions (Elasticsearch < 8, OpenSearch < 2)
 * are refused. Throws {@link ClusterError} (unreachable, auth, TLS) or {@link ConfigError}.
 *
 * Pitfall: call `engine.close()` when done, or Node keeps the sockets open and does not exit.
 */
export async function connect(options: ConnectionOptions = {}): Promise<Engine> {
  validateAuth(options);
  const urls = parseUrls(options.url);
  const tls = tlsOptions(options);
  const context: CallContext = {
    url: urls[0] ?? '',
    secrets: connectionSecrets(options, urls),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    nodes: urls.length,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  };
  const call = makeClusterCall(context);
  const maxResponseBytes = responseLimitOf(options);
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  const basicAuth = options.user === undefined ? undefined : { username: options.user, password: options.password ?? '' };

  // The OpenSearch client makes no product check, so it can probe either flavour.
  const openSearchClient = new OpenSearchClient({
    nodes: urls,
    maxRetries: 0,
    requestTimeout,
    Connection: limitedOpenSearchConnection(maxResponseBytes),
    ...(basicAuth ? { auth: basicAuth } : {}),
    ...(options.apiKey ? { headers: { authorization: `ApiKey ${options.apiKey}` } } : {}),
    ...(tls ? { ssl: tls } : {}),
  });
  if (options.log) logRequests((event, listener) => openSearchClient.on(event as 'response', listener as never), options.log);
  let found: Probe;
  try {
    found = await probe(openSearchClient, call);
  } catch (error) {
    await openSearchClient.close();
    throw error;
  }
  const requested = options.engine ?? 'auto';
  const flavor = found.flavor ?? (requested === 'auto' ? undefined : requested);
  if (!flavor) {
    await openSearchClient.close();
    throw new ClusterError('unsupported', `${redactUrl(context.url)} does not look like Elasticsearch or OpenSearch: check --url`);
  }
  if (requested !== 'auto' && requested !== flavor) {
    await openSearchClient.close();
    throw new ConfigError(`--engine ${requested}, but the cluster at ${redactUrl(context.url)} is ${flavor}: use --engine auto or ${flavor}`);
  }
  const version = found.version ?? 'unknown';
  const major = Number.parseInt(version, 10);
  if (Number.isFinite(major) && major < MINIMUM_MAJOR[flavor]) {
    await openSearchClient.close();
    throw new ClusterError(
      'unsupported',
      `${flavor} ${version} is not supported: iochunt needs Elasticsearch 8.x/9.x or OpenSearch 2.x/3.x`,
    );
  }
  const info: EngineInfo = {
    flavor,
    version,
    major: Number.isFinite(major) ? major : 0,
    clusterName: found.clusterName ?? 'unknown',
    url: new URL(urls[0] ?? '').origin,
  };
  options.log?.debug({ flavor, version, cluster: info.clusterName, url: info.url }, 'connected');
  if (flavor === 'opensearch') return new OpenSearchEngine(openSearchClient, info, call);

  await openSearchClient.close();
  // Loaded only now: the Elasticsearch client takes about 0.3 s to load, on every command.
  const { connectElasticsearch } = await import('./connect-elasticsearch.js');
  return connectElasticsearch({ urls, requestTimeout, maxResponseBytes, ...(basicAuth ? { basicAuth } : {}), ...(tls ? { tls } : {}) }, options, info, call);
}
