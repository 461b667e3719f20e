import type {
  BulkItemResult,
  Engine,
  EngineInfo,
  IndexDocumentOptions,
  IndexSummary,
  RemoteCluster,
  ResolvedIndex,
  ScanHit,
  ScanOptions,
  StoredDocument,
} from '../../src/io/engine/engine.js';

/** Called before each scan page is returned; throw from it to inject a fault. */
export type PageHook = (context: { index: string; page: number; scan: number }) => void;

/** One `_bulk` item as the fake is about to apply it (`request` counts bulk requests from 0). */
export interface BulkItemContext {
  request: number;
  /** The item's position in its request, from 0. */
  position: number;
  op: string;
  index: string;
  id: string;
}

/**
 * Decides an item's answer instead of applying it (e.g. `{ status: 429, errorType: 'es_rejected_execution_exception' }`);
 * `undefined` lets the item through. An item given an answer writes nothing.
 */
export type BulkItemFault = (item: BulkItemContext) => Pick<BulkItemResult, 'status' | 'errorType' | 'errorReason'> | undefined;

/** Methods whose next calls {@link FakeEngine.failNext} can make throw. */
export type FaultableMethod = 'bulk' | 'indexDocument' | 'fetchDocuments' | 'fetchRefreshInterval' | 'writeRefreshInterval';

interface StoredEntry {
  source: Record<string, unknown>;
  seqNo: number;
}

/**
 * A small in-process fake of the {@link Engine} port (not of Elasticsearch): indices are maps
 * of documents, scans return every document of the named indices page by page (the hunt
 * decides matches on the client, so no query is evaluated), `_bulk` honours `create`
 * conflicts, `index`/`delete` and `if_seq_no`/`if_primary_term` (a mismatch is a 409), and
 * index settings keep a refresh interval. Faults: {@link FakeEngine.itemFault} answers chosen
 * bulk items (429s, blocks), {@link FakeEngine.failNext} makes a method's next calls throw.
 * {@link FakeEngine.calls} records the writes in order. For unit tests of the io layer's fault
 * paths: retries, retry budgets, ordering, partial answers. Methods a test does not need throw.
 */
export class FakeEngine implements Engine {
  readonly info: EngineInfo = { flavor: 'opensearch', version: '2.19.1', major: 2, clusterName: 'fake', url: 'http://fake:9200' };
  readonly indices = new Map<string, Map<string, StoredEntry>>();
  /** Every bulk request's items, in order, for assertions. */
  readonly bulkLog: BulkItemResult[][] = [];
  /** Every bulk request's NDJSON body, in order. */
  readonly bulkBodies: string[] = [];
  /** Writes and settings calls in order, e.g. `bulk create state/lock`, `indexDocument state/x`, `writeRefreshInterval iocs -1`. */
  readonly calls: string[] = [];
  /** `index.refresh_interval` per index, as set through {@link FakeEngine.writeRefreshInterval}. */
  readonly refreshIntervals = new Map<string, string>();
  /** Answers chosen bulk items instead of applying them; see {@link BulkItemFault}. */
  itemFault: BulkItemFault | undefined;
  private readonly failures = new Map<FaultableMethod, unknown[]>();
  private seq = 0;
  private scans = 0;

  constructor(private readonly onPage?: PageHook) {}

  /** Puts documents into an index (creating it). */
  seed(index: string, docs: Record<string, Record<string, unknown>>): void {
    const map = this.index(index);
    for (const [id, source] of Object.entries(docs)) map.set(id, { source, seqNo: this.seq++ });
  }

  /** The next calls of `method` throw these errors, one call each, before doing anything. */
  failNext(method: FaultableMethod, ...errors: unknown[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  private maybeFail(method: FaultableMethod): void {
    const queued = this.failures.get(method);
    if (queued && queued.length > 0) throw queued.shift();
  }

  docs(index: string): Map<string, Record<string, unknown>> {
    return new Map([...(this.indices.get(index) ?? new Map<string, StoredEntry>())].map(([id, e]) => [id, e.source]));
  }

  private index(name: string): Map<string, StoredEntry> {
    let map = this.indices.get(name);
    if (!map) this.indices.set(name, (map = new Map()));
    return map;
  }

  async *scanDocuments(options: ScanOptions): AsyncIterable<ScanHit[]> {
    const scan = ++this.scans;
    const names = options.index.split(',');
    const hits: ScanHit[] = names.flatMap((name) => [...(this.indices.get(name) ?? new Map<string, StoredEntry>())].map(([id, e]) => ({ index: name, id, source: e.source })));
    const size = options.pageSize ?? 1000;
    for (let page = 0; page * size < hits.length; page++) {
      this.onPage?.({ index: options.index, page, scan });
      yield hits.slice(page * size, (page + 1) * size);
    }
  }

  async bulk(body: string | Uint8Array): Promise<BulkItemResult[]> {
    this.maybeFail('bulk');
    const ndjson = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const request = this.bulkBodies.length;
    this.bulkBodies.push(ndjson);
    const lines = ndjson.split('\n').filter((l) => l !== '');
    const items: BulkItemResult[] = [];
    for (let i = 0; i < lines.length; i++) {
      const action = JSON.parse(lines[i]!) as Record<string, { _index: string; _id: string; if_seq_no?: number; if_primary_term?: number }>;
      const [op, meta] = Object.entries(action)[0]!;
      const source = op === 'delete' ? undefined : (JSON.parse(lines[++i]!) as Record<string, unknown>);
      this.calls.push(`bulk ${op} ${meta._index}/${meta._id}`);
      const fault = this.itemFault?.({ request, position: items.length, op, index: meta._index, id: meta._id });
      if (fault) {
        items.push({ id: meta._id, ...fault });
        continue;
      }
      const map = this.index(meta._index);
      const stored = map.get(meta._id);
      if (meta.if_seq_no !== undefined && (stored === undefined || stored.seqNo !== meta.if_seq_no || meta.if_primary_term !== 1)) {
        items.push({ status: 409, id: meta._id, errorType: 'version_conflict_engine_exception' });
        continue;
      }
      if (op === 'delete') {
        items.push({ status: map.delete(meta._id) ? 200 : 404, id: meta._id, result: 'deleted' });
        continue;
      }
      if (op === 'create' && stored) {
        items.push({ status: 409, id: meta._id, errorType: 'version_conflict_engine_exception' });
        continue;
      }
      map.set(meta._id, { source: source!, seqNo: this.seq++ });
      items.push({ status: stored ? 200 : 201, id: meta._id, result: stored ? 'updated' : 'created' });
    }
    this.bulkLog.push(items);
    return items;
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    this.maybeFail('indexDocument');
    const id = options.id ?? `auto-${this.seq}`;
    this.calls.push(`indexDocument ${options.index}/${id}`);
    this.index(options.index).set(id, { source: structuredClone(options.document), seqNo: this.seq++ });
    return { id };
  }

  async fetchDocument(index: string, id: string): Promise<Record<string, unknown> | undefined> {
    return this.indices.get(index)?.get(id)?.source;
  }

  async fetchDocuments(index: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    this.maybeFail('fetchDocuments');
    const found = new Map<string, StoredDocument>();
    for (const id of ids) {
      const entry = this.indices.get(index)?.get(id);
      if (entry) found.set(id, { id, source: entry.source, seqNo: entry.seqNo, primaryTerm: 1 });
    }
    return found;
  }

  /** Indices this fake's user may not read, with the engine's reason: resolving leaves them out, listing names them. */
  readonly unreadable = new Map<string, string>();

  async resolveIndices(patterns: readonly string[]): Promise<ResolvedIndex[]> {
    return patterns.filter((p) => this.indices.has(p) && !this.unreadable.has(p)).map((name) => ({ name, closed: false }));
  }

  async listIndexNames(patterns: readonly string[]): Promise<string[]> {
    return patterns.filter((p) => this.indices.has(p));
  }

  /** What `_remote/info` lists; a remote index is an entry of {@link FakeEngine.indices} named `<cluster>:<index>`. */
  readonly remoteClusters: RemoteCluster[] = [];

  async fetchRemoteClusters(): Promise<RemoteCluster[]> {
    return this.remoteClusters.map((cluster) => ({ ...cluster }));
  }

  async fetchReadRefusals(indices: readonly string[]): Promise<Map<string, string>> {
    return new Map(indices.flatMap((name) => (this.unreadable.has(name) ? [[name, this.unreadable.get(name) ?? '']] : [])));
  }

  async ensureIndex(name: string): Promise<boolean> {
    const created = !this.indices.has(name);
    this.index(name);
    return created;
  }

  async refresh(): Promise<void> {}
  async close(): Promise<void> {}

  async countDocuments(index: string): Promise<number> {
    return index.split(',').reduce((n, name) => n + (this.indices.get(name)?.size ?? 0), 0);
  }

  async fetchIndexSummaries(names: readonly string[]): Promise<IndexSummary[]> {
    return names.map((name) => {
      const map = this.indices.get(name);
      return map ? { name, exists: true, docs: map.size } : { name, exists: false };
    });
  }

  async fetchRefreshInterval(index: string): Promise<string | undefined> {
    this.maybeFail('fetchRefreshInterval');
    return this.refreshIntervals.get(index);
  }

  /** Every index of the fake, each with its refresh interval as set (else the engines' default `1s`); patterns are not expanded. */
  async fetchRefreshIntervals(patterns: readonly string[]): Promise<Map<string, string>> {
    return new Map(patterns.filter((p) => this.indices.has(p)).map((name) => [name, this.refreshIntervals.get(name) ?? '1s']));
  }

  /** One node whose clock is this host's plus {@link FakeEngine.clockOffsetMs}. */
  clockOffsetMs = 0;

  async fetchNodeTimes(): Promise<number[]> {
    return [Date.now() + this.clockOffsetMs];
  }

  async writeRefreshInterval(index: string, interval: string | null): Promise<void> {
    this.maybeFail('writeRefreshInterval');
    this.calls.push(`writeRefreshInterval ${index} ${interval}`);
    if (interval === null) this.refreshIntervals.delete(index);
    else this.refreshIntervals.set(index, interval);
  }

  fetchHealth = unsupported('fetchHealth');
  fetchIngestProcessors = unsupported('fetchIngestProcessors');
  fetchPipeline = unsupported('fetchPipeline');
  writePipeline = unsupported('writePipeline');
  deletePipeline = unsupported('deletePipeline');
  createIndex = unsupported('createIndex');
  deleteIndices = unsupported('deleteIndices');
  search = unsupported('search');
  writeIndexTemplate = unsupported('writeIndexTemplate');
  fetchFieldTypes = unsupported('fetchFieldTypes');
  fetchIndexTemplate = unsupported('fetchIndexTemplate');
  fetchPipelineSettings = unsupported('fetchPipelineSettings');
  writeFinalPipeline = unsupported('writeFinalPipeline');
  simulatePipeline = unsupported('simulatePipeline');
  writeEnrichPolicy = unsupported('writeEnrichPolicy');
  startEnrichPolicy = unsupported('startEnrichPolicy');
  fetchTask = unsupported('fetchTask');
  fetchPipelineStats = unsupported('fetchPipelineStats');
  fetchMaxPipelineBytes = unsupported('fetchMaxPipelineBytes');
  fetchMaxTermsCount = async (): Promise<number | undefined> => undefined;
  listEnrichPolicies = unsupported('listEnrichPolicies');
  deleteEnrichPolicy = unsupported('deleteEnrichPolicy');
}

/** A method of the port this fake does not implement: typed as the port's, so a subclass may. */
function unsupported<K extends keyof Engine>(name: K): Engine[K] {
  return (() => Promise.reject(new Error(`FakeEngine.${name} is not part of this fake`))) as unknown as Engine[K];
}
