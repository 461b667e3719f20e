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

/** A pipeline's counters, summed over the nodes since each started (`_nodes/stats/ingest`). */
export interface PipelineStats {
  /** Documents the pipeline ran on. */
  events: number;
  /** Documents it failed on (its own on_failure ran). */
  failed: number;
  /** Per processor, by `type:tag`: documents and failures, those its own on_failure handled included. */
  processors: { name: string; events: number; failed: number }[];
}

/** What `_tasks/<id>` says of a task. */
export interface TaskState {
  completed: boolean;
  /** The task's status phase, when it reports one (an enrich execution: SCHEDULED, RUNNING, COMPLETE, FAILED). */
  phase?: string;
  /** Why it failed: its `error.reason` or a FAILED phase. */
  error?: string;
}

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
  /** Refresh the shard now, so the document is visible to search (small, rare writes only). */
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

/** A stored document with the sequence numbers needed for optimistic concurrency. */
export interface StoredDocument {
  id: string;
  source: Record<string, unknown>;
  seqNo: number;
  primaryTerm: number;
}

/** One item of a `_bulk` response, flattened. */
export interface BulkItemResult {
  /** HTTP-like status of this item: 200/201 written, 409 conflict, 429 rejected, ... */
  status: number;
  /** `created`, `updated`, `noop`, `deleted`, `not_found`; absent on errors. */
  result?: string;
  id: string;
  /** The error type (e.g. `version_conflict_engine_exception`, `mapper_parsing_exception`). */
  errorType?: string;
  errorReason?: string;
}

export interface ScanOptions {
  /** Index names or patterns. */
  index: string;
  query?: Record<string, unknown>;
  /** Fields of `_source` to fetch; `false` fetches none. */
  source?: string[] | false;
  pageSize?: number;
  signal?: AbortSignal;
  /**
   * Date fields to return as the engine reads them (`docvalue_fields` with this format, e.g.
   * `@timestamp` as `strict_date_optional_time`): in each hit's `fields`, whatever the form of
   * the value in `_source` and whatever `format` the mapping declares.
   */
  dateFields?: { field: string; format: string }[];
  /**
   * Default true: a missing index yields nothing. A hunt unit sets false, so an index deleted
   * mid-hunt is an `index_not_found` error it reports, not a silent gap.
   */
  ignoreUnavailable?: boolean;
}

export interface ScanHit {
  index: string;
  id: string;
  source: Record<string, unknown>;
  /** The `dateFields` asked for, as the engine formatted them. */
  fields?: Record<string, unknown[]>;
}

/** A concrete index behind a pattern, alias or data stream (`_resolve/index`). */
export interface ResolvedIndex {
  name: string;
  closed: boolean;
  /** The data stream it backs, if any. */
  dataStream?: string;
}

/** A remote cluster this cluster may search (`GET _remote/info`), by its alias. */
export interface RemoteCluster {
  alias: string;
  /** Whether the coordinating node holds a connection to it now. */
  connected: boolean;
  /** `skip_unavailable`: a search leaves the cluster out, with no error, when it cannot be reached. */
  skipUnavailable: boolean;
  /** The seeds (sniff mode) or the proxy address it connects through, for messages. */
  addresses: string[];
}

/** `field -> mapped type` for one concrete index (only fields it maps). */
export type IndexFieldTypes = Map<string, string>;

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

  /** Creates the index with this body unless it exists; true when it was created now. */
  ensureIndex(name: string, body: Record<string, unknown>): Promise<boolean>;
  /** Makes recent writes visible to search. */
  refresh(index: string): Promise<void>;
  /** Documents by id (`_mget`); missing ids are absent from the map. */
  fetchDocuments(index: string, ids: readonly string[], source?: string[]): Promise<Map<string, StoredDocument>>;
  /**
   * Sends one `_bulk` request (NDJSON, ending with a newline; text or its UTF-8 bytes) and returns its items in order.
   * Whole-request failures are retried per the call policy; item failures are the caller's.
   */
  bulk(ndjson: string | Uint8Array, options?: { refresh?: boolean }): Promise<BulkItemResult[]>;
  /** Number of documents matching `query` in `index`. */
  countDocuments(index: string, query?: Record<string, unknown>): Promise<number>;
  /**
   * Every matching document, page by page, from one consistent view of the index. Elasticsearch
   * pages a point in time with `search_after` on `_shard_doc`; OpenSearch has no `_shard_doc`
   * tiebreaker, so it pages a scroll sorted by `_doc`. The view is closed in `finally`.
   */
  scanDocuments(options: ScanOptions): AsyncIterable<ScanHit[]>;

  /** A raw `_search` (size, query, aggs...); returns the response body. For aggregations and counts. */
  search(index: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Creates or replaces a composable index template (`_index_template`). */
  writeIndexTemplate(name: string, body: Record<string, unknown>): Promise<void>;
  /**
   * Concrete indices behind patterns, aliases and data streams; unknown names resolve to nothing.
   * A remote cluster's expression (`eu:logs-*`) resolves through cross-cluster search to
   * `eu:<index>` names; a remote cluster that is not connected resolves to nothing, silently
   * (see {@link Engine.fetchRemoteClusters}).
   */
  resolveIndices(patterns: readonly string[]): Promise<ResolvedIndex[]>;
  /**
   * The remote clusters this cluster may search (`GET _remote/info`, cluster `monitor`). Empty
   * when none is configured, and also when the node answering lacks the `remote_cluster_client`
   * role: it then ignores `cluster.remote.*` settings and reads `eu:logs-*` as a local pattern.
   */
  fetchRemoteClusters(): Promise<RemoteCluster[]>;
  /**
   * Every concrete index the patterns name, open or closed, from the cluster state's metadata,
   * which needs only the cluster `monitor` privilege: indices this user may not read are listed too.
   */
  listIndexNames(patterns: readonly string[]): Promise<string[]>;
  /**
   * Per index this user may not search, the engine's refusal (`_msearch` of one empty search per
   * index, each answered on its own). Readable indices, and errors other than a 403, are absent.
   */
  fetchReadRefusals(indices: readonly string[]): Promise<Map<string, string>>;
  /** The mapped type of each of `fields` in each of `indices` (`_field_caps`, unmapped left out). */
  fetchFieldTypes(indices: readonly string[], fields: readonly string[]): Promise<Map<string, IndexFieldTypes>>;

  /** A composable index template by name, or undefined. */
  fetchIndexTemplate(name: string): Promise<Record<string, unknown> | undefined>;
  /** `index.final_pipeline` (and `index.default_pipeline`) of concrete indices. */
  fetchPipelineSettings(index: string): Promise<Map<string, { final?: string; default?: string }>>;
  /** `index.refresh_interval` as set on the index (undefined: the engine's default). */
  fetchRefreshInterval(index: string): Promise<string | undefined>;
  /**
   * `index.refresh_interval` of every open concrete index behind the patterns (aliases and data
   * streams resolve to their indices), the engine's default where an index sets none: one
   * `_settings` read (`indices:monitor/settings/get`). Missing patterns give nothing.
   */
  fetchRefreshIntervals(patterns: readonly string[]): Promise<Map<string, string>>;
  /**
   * Each node's clock (epoch ms) from `_nodes/stats` (cluster monitor): the `timestamp` every
   * node stamps on its own stats as it answers, so all of them lie within the request's round trip.
   */
  fetchNodeTimes(): Promise<number[]>;
  /** Sets `index.refresh_interval`; `null` resets it to the engine's default. */
  writeRefreshInterval(index: string, interval: string | null): Promise<void>;
  /** Sets (or with `null` removes) `index.final_pipeline` on indices. */
  writeFinalPipeline(index: string, pipeline: string | null): Promise<void>;
  /** Runs a stored pipeline on documents without indexing them (`_ingest/pipeline/<id>/_simulate`). */
  simulatePipeline(id: string, documents: readonly Record<string, unknown>[]): Promise<{ doc?: { _source: Record<string, unknown> }; error?: unknown }[]>;
  /** Enrich policies (Elasticsearch only): create, start executing, list names by prefix, delete. */
  writeEnrichPolicy(name: string, body: Record<string, unknown>): Promise<void>;
  /**
   * Starts executing a policy (`wait_for_completion=false`) and returns its task id; when the
   * same policy is already executing (a 429 "already in progress"), the id of that task.
   */
  startEnrichPolicy(name: string): Promise<string>;
  /** The pipeline's ingest counters over every node; undefined when no node has run it. */
  fetchPipelineStats(id: string): Promise<PipelineStats | undefined>;
  /** `ingest.pipeline.max_pipeline_size` in bytes (recent Elasticsearch; default 1mb), undefined where the cluster has no such limit. */
  fetchMaxPipelineBytes(): Promise<number | undefined>;
  /**
   * The smallest `index.max_terms_count` set on an open index these local patterns match
   * (remote `cluster:pattern` ones are left out), or undefined when none sets it (the default,
   * 65,536, applies): the largest `terms` query the hunt may send them. A part the user may not
   * read settings of counts as unset (no privilege is added for this read).
   */
  fetchMaxTermsCount(patterns: readonly string[]): Promise<number | undefined>;
  /** A task's state (`_tasks/<id>`): done or not, its status phase, its error. */
  fetchTask(id: string): Promise<TaskState>;
  listEnrichPolicies(prefix: string): Promise<string[]>;
  deleteEnrichPolicy(name: string): Promise<void>;

  /** Closes the client's sockets. */
  close(): Promise<void>;
}
