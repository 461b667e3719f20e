import type {
  BulkItemResult,
  Engine,
  EngineInfo,
  IndexDocumentOptions,
  ResolvedIndex,
  ScanHit,
  ScanOptions,
  StoredDocument,
} from '../../src/io/engine/engine.js';

/** Called before each scan page is returned; throw from it to inject a fault. */
export type PageHook = (context: { index: string; page: number; scan: number }) => void;

interface StoredEntry {
  source: Record<string, unknown>;
  seqNo: number;
}

/**
 * A small in-process fake of the {@link Engine} port (not of Elasticsearch): indices are maps
 * of documents, scans return every document of the named indices page by page (the hunt
 * decides matches on the client, so no query is evaluated), `_bulk` honours `create`
 * conflicts and `index`/`delete`. For unit tests of the io layer's fault paths: retries,
 * checkpoint ordering, partial answers. Methods a test does not need throw.
 */
export class FakeEngine implements Engine {
  readonly info: EngineInfo = { flavor: 'opensearch', version: '2.19.1', major: 2, clusterName: 'fake', url: 'http://fake:9200' };
  readonly indices = new Map<string, Map<string, StoredEntry>>();
  /** Every bulk request's items, in order, for assertions. */
  readonly bulkLog: BulkItemResult[][] = [];
  private seq = 0;
  private scans = 0;

  constructor(private readonly onPage?: PageHook) {}

  /** Puts documents into an index (creating it). */
  seed(index: string, docs: Record<string, Record<string, unknown>>): void {
    const map = this.index(index);
    for (const [id, source] of Object.entries(docs)) map.set(id, { source, seqNo: this.seq++ });
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

  async bulk(ndjson: string): Promise<BulkItemResult[]> {
    const lines = ndjson.split('\n').filter((l) => l !== '');
    const items: BulkItemResult[] = [];
    for (let i = 0; i < lines.length; i++) {
      const action = JSON.parse(lines[i]!) as Record<string, { _index: string; _id: string }>;
      const [op, meta] = Object.entries(action)[0]!;
      const map = this.index(meta._index);
      if (op === 'delete') {
        items.push({ status: map.delete(meta._id) ? 200 : 404, id: meta._id, result: 'deleted' });
        continue;
      }
      const source = JSON.parse(lines[++i]!) as Record<string, unknown>;
      if (op === 'create' && map.has(meta._id)) {
        items.push({ status: 409, id: meta._id, errorType: 'version_conflict_engine_exception' });
        continue;
      }
      const existed = map.has(meta._id);
      map.set(meta._id, { source, seqNo: this.seq++ });
      items.push({ status: existed ? 200 : 201, id: meta._id, result: existed ? 'updated' : 'created' });
    }
    this.bulkLog.push(items);
    return items;
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    const id = options.id ?? `auto-${this.seq}`;
    this.index(options.index).set(id, { source: structuredClone(options.document), seqNo: this.seq++ });
    return { id };
  }

  async fetchDocument(index: string, id: string): Promise<Record<string, unknown> | undefined> {
    return this.indices.get(index)?.get(id)?.source;
  }

  async fetchDocuments(index: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    for (const id of ids) {
      const entry = this.indices.get(index)?.get(id);
      if (entry) found.set(id, { id, source: entry.source, seqNo: entry.seqNo, primaryTerm: 1 });
    }
    return found;
  }

  async resolveIndices(patterns: readonly string[]): Promise<ResolvedIndex[]> {
    return patterns.filter((p) => this.indices.has(p)).map((name) => ({ name, closed: false }));
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

  fetchHealth = unsupported('fetchHealth');
  fetchIndexSummaries = unsupported('fetchIndexSummaries');
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
  fetchRefreshInterval = unsupported('fetchRefreshInterval');
  writeRefreshInterval = unsupported('writeRefreshInterval');
  writeFinalPipeline = unsupported('writeFinalPipeline');
  simulatePipeline = unsupported('simulatePipeline');
  writeEnrichPolicy = unsupported('writeEnrichPolicy');
  executeEnrichPolicy = unsupported('executeEnrichPolicy');
  listEnrichPolicies = unsupported('listEnrichPolicies');
  deleteEnrichPolicy = unsupported('deleteEnrichPolicy');
}

function unsupported(name: string): () => Promise<never> {
  return () => Promise.reject(new Error(`FakeEngine.${name} is not part of this fake`));
}
