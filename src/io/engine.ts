/**
 * The one interface product code uses to talk to a cluster. Two implementations:
 * `ElasticsearchEngine` (on `@elastic/elasticsearch`) and `OpenSearchEngine` (on
 * `@opensearch-project/opensearch`); {@link connect} in `connect.ts` picks one.
 *
 * Every method retries 429/502/503/504 and reset connections with backoff, and throws only
 * `IochuntError`s whose messages are one line without credentials.
 */

export type Flavor = 'elasticsearch' | 'opensearch';
export type EngineChoice = Flavor | 'auto';

export interface EngineInfo {
  flavor: Flavor;
  /** e.g. "8.19.9", "2.19.1". */
  version: string;
  major: number;
  clusterName: string;
  /** The URL in use, without credentials. */
  url: string;
}

export type HealthStatus = 'green' | 'yellow' | 'red';

export interface ClusterHealth {
  status: HealthStatus;
  numberOfNodes: number;
  activeShards: number;
}

export interface IndexSummary {
  name: string;
  exists: boolean;
  /** Documents visible to search (after the last refresh); undefined when the index is missing. */
  docs?: number;
}

export interface IndexDocumentOptions {
  index: string;
  id?: string;
  document: Record<string, unknown>;
  pipeline?: string;
  /** Wait until the document is visible to search. */
  refresh?: boolean;
}

/** An ingest pipeline definition, as PUT to `_ingest/pipeline/<id>`. */
export interface IngestPipeline {
  description?: string;
  version?: number;
  processors: Record<string, unknown>[];
  on_failure?: Record<string, unknown>[];
  _meta?: Record<string, unknown>;
}

export interface Engine {
  readonly info: EngineInfo;

  fetchHealth(): Promise<ClusterHealth>;
  /** Existence and document count of each name (index, alias or data stream). */
  fetchIndexSummaries(names: readonly string[]): Promise<IndexSummary[]>;
  /** Ingest processor types every ingest node supports (e.g. `script`, `enrich`). */
  fetchIngestProcessors(): Promise<string[]>;

  fetchPipeline(id: string): Promise<IngestPipeline | undefined>;
  writePipeline(id: string, pipeline: IngestPipeline): Promise<void>;
  /** Returns false when there was no such pipeline. */
  deletePipeline(id: string): Promise<boolean>;

  createIndex(name: string, body?: Record<string, unknown>): Promise<void>;
  /** Deletes indices by exact name; missing ones are ignored. */
  deleteIndices(names: readonly string[]): Promise<void>;
  indexDocument(options: IndexDocumentOptions): Promise<{ id: string }>;
  /** The `_source` of one document, or undefined if absent. */
  fetchDocument(index: string, id: string): Promise<Record<string, unknown> | undefined>;

  /** Closes the client's sockets. */
  close(): Promise<void>;
}
