import { Client, type estypes } from '@elastic/elasticsearch';
import { commonProcessors } from '../../core/live/common-processors.js';
import { isNotFound } from './cluster-errors.js';
import { chunkIndexList, describeIndices } from './index-lists.js';
import { checkComplete, checkDocumentsComplete, lostContextError } from './check-complete.js';
import { RestEngineBase } from './rest-engine-base.js';
import type { ClusterCall } from './cluster-call.js';
import { BULK_FILTER, flattenBulkItems } from './bulk-items.js';
import type {
  BulkItemResult,
  ScanHit,
  ScanOptions,
  StoredDocument,
  Engine,
  EngineInfo,
  IndexDocumentOptions,
  IngestPipeline,
} from './engine.js';

/** {@link Engine} on the official Elasticsearch client (8.x and 9.x servers). */
export class ElasticsearchEngine extends RestEngineBase implements Engine {
  constructor(
    readonly client: Client,
    readonly info: EngineInfo,
    protected readonly call: ClusterCall,
  ) {
    super();
  }

  async fetchIngestProcessors(): Promise<string[]> {
    const nodes = await this.call('listing ingest processors', () =>
      this.client.nodes.info({ node_id: 'ingest:true', metric: 'ingest' }),
    );
    return commonProcessors(Object.values(nodes.nodes).map((node) => node.ingest?.processors?.map((p) => p.type) ?? []));
  }

  async fetchPipeline(id: string): Promise<IngestPipeline | undefined> {
    try {
      const found = await this.call(`reading pipeline ${id}`, () => this.client.ingest.getPipeline({ id }));
      return found[id] as IngestPipeline | undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async writePipeline(id: string, pipeline: IngestPipeline): Promise<void> {
    const request: estypes.IngestPutPipelineRequest = { id, ...(pipeline as Omit<estypes.IngestPutPipelineRequest, 'id'>) };
    await this.call(`writing pipeline ${id}`, () => this.client.ingest.putPipeline(request));
  }

  async deletePipeline(id: string): Promise<boolean> {
    try {
      await this.call(`deleting pipeline ${id}`, () => this.client.ingest.deletePipeline({ id }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async createIndex(name: string, body: Record<string, unknown> = {}): Promise<void> {
    await this.call(`creating index ${name}`, () =>
      this.client.indices.create({ index: name, ...(body as Omit<estypes.IndicesCreateRequest, 'index'>) }),
    );
  }

  async deleteIndices(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    for (const part of chunkIndexList(names)) {
      await this.call(`deleting ${describeIndices(part)}`, () => this.client.indices.delete({ index: part.split(','), ignore_unavailable: true }));
    }
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    const response = await this.call(`indexing into ${options.index}`, () =>
      this.client.index({
        index: options.index,
        ...(options.id === undefined ? {} : { id: options.id }),
        document: options.document,
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
        ...(options.refresh ? { refresh: true } : {}),
      }),
    );
    return { id: response._id };
  }

  async fetchDocument(index: string, id: string): Promise<Record<string, unknown> | undefined> {
    try {
      const doc = await this.call(`reading ${index}/${id}`, () => this.client.get<Record<string, unknown>>({ index, id }));
      return doc.found ? doc._source : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async fetchDocuments(index: string, ids: readonly string[], source?: string[]): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    if (ids.length === 0) return found;
    const response = await this.call(`reading ${ids.length} documents of ${index}`, () =>
      this.client.mget<Record<string, unknown>>({ index, ids: [...ids], ...(source ? { _source_includes: source } : {}) }),
    );
    checkDocumentsComplete(response.docs as { _id?: string; error?: { type?: string; reason?: string } }[], { action: `reading ${ids.length} documents of ${index}`, url: this.info.url });
    for (const doc of response.docs) {
      if ('found' in doc && doc.found && doc._source !== undefined && doc._seq_no !== undefined && doc._primary_term !== undefined) {
        found.set(doc._id, { id: doc._id, source: doc._source, seqNo: doc._seq_no, primaryTerm: doc._primary_term });
      }
    }
    return found;
  }

  protected async multiSearch(searches: readonly { index: string; body: Record<string, unknown> }[]): Promise<unknown[]> {
    const answer = await this.client.msearch({ searches: searches.flatMap((s) => [{ index: s.index }, s.body]) as estypes.MsearchRequestItem[] });
    return answer.responses;
  }

  async bulk(ndjson: string | Uint8Array, options: { refresh?: boolean } = {}): Promise<BulkItemResult[]> {
    const response = await this.call('writing a bulk request', () =>
      this.client.bulk({ body: ndjson, filter_path: BULK_FILTER, ...(options.refresh ? { refresh: true } : {}) } as estypes.BulkRequest),
    );
    return flattenBulkItems(response.items as never);
  }

  async countDocuments(index: string, query?: Record<string, unknown>): Promise<number> {
    let total = 0;
    for (const part of chunkIndexList(index)) {
      const action = `counting ${describeIndices(part)}`;
      const response = await this.call(action, () => this.client.count({ index: part, ignore_unavailable: true, allow_no_indices: true, ...(query ? { query } : {}) }));
      checkComplete(response, { action, url: this.info.url });
      total += response.count;
    }
    return total;
  }

  /** A list too long for one path, or of more shards than a scan may hold open (`scanParts`), is scanned a part at a time, in order: the same hits. */
  async *scanDocuments(options: ScanOptions): AsyncIterable<ScanHit[]> {
    for (const part of await this.scanParts(options.index)) yield* this.scanPart({ ...options, index: part });
  }

  private async *scanPart(options: ScanOptions): AsyncIterable<ScanHit[]> {
    const pit = await this.call(`opening a point in time on ${describeIndices(options.index)}`, () =>
      this.client.openPointInTime({ index: options.index, keep_alive: '2m', ignore_unavailable: options.ignoreUnavailable ?? true }),
    );
    let pitId = pit.id;
    const context = { action: `scanning ${describeIndices(options.index)}`, url: this.info.url };
    const size = options.pageSize ?? 1000;
    try {
      let after: estypes.SortResults | undefined;
      for (;;) {
        options.signal?.throwIfAborted();
        const page = await this.call(context.action, () =>
          this.client.search<Record<string, unknown>>({
            pit: { id: pitId, keep_alive: '2m' },
            size,
            allow_partial_search_results: false,
            // `_shard_doc` is unique within a PIT, so it is a complete tiebreaker on its own.
            sort: [{ _shard_doc: 'asc' }],
            track_total_hits: false,
            ...(options.query ? { query: options.query } : {}),
            ...(options.source === undefined ? {} : { _source: options.source }),
            ...(options.dateFields ? { docvalue_fields: options.dateFields } : {}),
            ...(after ? { search_after: after } : {}),
          }),
        ).catch((error: unknown) => {
          throw lostContextError(error, context);
        });
        checkComplete(page, context);
        pitId = page.pit_id ?? pitId;
        const hits = page.hits.hits;
        if (hits.length === 0) return;
        yield hits.map((hit) => ({ index: hit._index, id: hit._id ?? '', source: hit._source ?? {}, ...(hit.fields ? { fields: hit.fields as Record<string, unknown[]> } : {}) }));
        // Each shard gave its next `size` hits after the cursor: a short page is the last one,
        // and asking for the empty page after it would run the query again on every shard.
        if (hits.length < size) return;
        after = hits.at(-1)?.sort;
      }
    } finally {
      // Best effort: an expired PIT is already gone; it must not hide the scan's own error.
      await this.client.closePointInTime({ id: pitId }).catch(() => undefined);
    }
  }

  protected async request(method: string, path: string, body?: unknown, querystring?: Record<string, string>): Promise<unknown> {
    return this.client.transport.request({ method, path, ...(body === undefined ? {} : { body: body as Record<string, unknown> }), ...(querystring ? { querystring } : {}) });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
