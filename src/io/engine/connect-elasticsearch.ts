import { Client } from '@elastic/elasticsearch';
import { limitedElasticConnection } from './bounded-elastic-connection.js';
import type { ClusterCall } from './cluster-call.js';
import type { ConnectionOptions } from './connection-options.js';
import { ElasticsearchEngine } from './elasticsearch-engine.js';
import type { EngineInfo } from './engine.js';
import { logRequests } from './request-log.js';

/** What `connect` settled before it knew the cluster is Elasticsearch. */
export interface ElasticsearchTarget {
  urls: string[];
  requestTimeout: number;
  maxResponseBytes: number;
  basicAuth?: { username: string; password: string };
  tls?: { ca?: string; rejectUnauthorized?: boolean };
}

/**
 * The Engine of an Elasticsearch cluster `connect` has probed. A module of its own, imported
 * only then, so a command against OpenSearch never loads the Elasticsearch client.
 */
export function connectElasticsearch(target: ElasticsearchTarget, options: ConnectionOptions, info: EngineInfo, call: ClusterCall): ElasticsearchEngine {
  const client = new Client({
    nodes: target.urls,
    maxRetries: 0,
    requestTimeout: target.requestTimeout,
    // The client's own options, for its stock connection's checks; ours reads every body itself
    // with the same limit (limitedElasticConnection says why).
    maxResponseSize: target.maxResponseBytes,
    maxCompressedResponseSize: target.maxResponseBytes,
    Connection: limitedElasticConnection(target.maxResponseBytes),
    ...(options.apiKey ? { auth: { apiKey: options.apiKey } } : target.basicAuth ? { auth: target.basicAuth } : {}),
    ...(target.tls ? { tls: target.tls } : {}),
  });
  if (options.log) logRequests((event, listener) => client.diagnostic.on(event as 'response', listener as never), options.log);
  return new ElasticsearchEngine(client, info, call);
}
