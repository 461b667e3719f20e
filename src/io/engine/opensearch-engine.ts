import type { Client } from '@opensearch-project/opensearch';
import { commonProcessors } from '../../core/live/common-processors.js';
import type { ClusterCall } from './cluster-call.js';
import { chunkIndexList, describeIndices } from './index-lists.js';
import { checkComplete, checkDocumentsComplete, lostContextError } from './check-complete.js';
import { isNotFound, statusOf } from './cluster-errors.js';
import { RestEngineBase } from './rest-engine-base.js';
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

/** {@link Engine} on the OpenSearch client (2.x and 3.x servers). Responses come as `{ body }`. */
/** A scroll id no node holds (it does not even parse): releasing it is refused (403) or answered 400, never releases anything. */
const NO_SUCH_SCROLL_ID = 'FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFkZ1bGxfZmFrZV9pZF9fX19fX19fXwAAAAAAAAABFmZha2Vfbm9kZV9pZF9fX19fX19fXw==';

export class OpenSearchEngine extends RestEngineBase implements Engine {
  constructor(
    readonly client: Client,
    readonly info: EngineInfo,
    protected readonly call: ClusterCall,
  ) {
    super();
  }

  async fetchIngestProcessors(): Promise<string[]> {
    const { body } = await this.call('listing ingest processors', () =>
      this.client.nodes.info({ node_id: 'ingest:true', metric: ['ingest'] }),
    );
    const nodes = Object.values(body.nodes ?? {}) as { ingest?: { processors?: { type: string }[] } }[];
    return commonProcessors(nodes.map((node) => node.ingest?.processors?.map((p) => p.type) ?? []));
  }

  async fetchPipeline(id: string): Promise<IngestPipeline | undefined> {
    try {
      const { body } = await this.call(`reading pipeline ${id}`, () => this.client.ingest.getPipeline({ id }));
      return (body as Record<string, IngestPipeline>)[id];
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async writePipeline(id: string, pipeline: IngestPipeline): Promise<void> {
    await this.call(`writing pipeline ${id}`, () => this.client.ingest.putPipeline({ id, body: pipeline as never }));
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
    await this.call(`creating index ${name}`, () => this.client.indices.create({ index: name, body: body as never }));
  }

  async deleteIndices(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    for (const part of chunkIndexList(names)) {
      await this.call(`deleting ${describeIndices(part)}`, () => this.client.indices.delete({ index: part.split(','), ignore_unavailable: true }));
    }
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    const { body } = await this.call(`indexing into ${options.index}`, () =>
      this.client.index({
        index: options.index,
        ...(options.id === undefined ? {} : { id: options.id }),
        body: options.document,
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
        ...(options.refresh ? { refresh: true } : {}),
      }),
    );
    return { id: body._id };
  }

  async fetchDocument(index: string, id: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { body } = await this.call(`reading ${index}/${id}`, () => this.client.get({ index, id }));
      return body.found ? (body._source as Record<string, unknown>) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async fetchDocuments(index: string, ids: readonly string[], source?: string[]): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    if (ids.length === 0) return found;
    const { body } = await this.call(`reading ${ids.length} documents of ${index}`, () =>
      this.client.mget({ index, body: { ids: [...ids] }, ...(source ? { _source_includes: source } : {}) }),
    );
    const docs = body.docs as { _id: string; found?: boolean; _source?: Record<string, unknown>; _seq_no?: number; _primary_term?: number; error?: { type?: string; reason?: string } }[];
    checkDocumentsComplete(docs, { action: `reading ${ids.length} documents of ${index}`, url: this.info.url });
    for (const doc of docs) {
      if (doc.found && doc._source !== undefined && doc._seq_no !== undefined && doc._primary_term !== undefined) {
        found.set(doc._id, { id: doc._id, source: doc._source, seqNo: doc._seq_no, primaryTerm: doc._primary_term });
      }
    }
    return found;
  }

  protected async multiSearch(searches: readonly { index: string; body: Record<string, unknown> }[]): Promise<unknown[]> {
    const { body } = await this.client.msearch({ body: searches.flatMap((s) => [{ index: s.index }, s.body]) as never });
    return (body as { responses?: unknown[] }).responses ?? [];
  }

  async bulk(ndjson: string | Uint8Array, options: { refresh?: boolean } = {}): Promise<BulkItemResult[]> {
    const { body } = await this.call('writing a bulk request', () =>
      this.client.bulk({ body: ndjson as never, filter_path: BULK_FILTER, ...(options.refresh ? { refresh: true } : {}) }),
    );
    return flattenBulkItems(body.items as never);
  }

  async countDocuments(index: string, query?: Record<string, unknown>): Promise<number> {
    let total = 0;
    for (const part of chunkIndexList(index)) {
      const action = `counting ${describeIndices(part)}`;
      const { body } = await this.call(action, () =>
        this.client.count({ index: part, ignore_unavailable: true, allow_no_indices: true, ...(query ? { body: { query } as never } : {}) }),
      );
      checkComplete(body, { action, url: this.info.url });
      total += body.count;
    }
    return total;
  }

  /** A list too long for one path, or of more shards than a scan may hold open (`scanParts`), is scanned a part at a time, in order: the same hits. */
  async *scanDocuments(options: ScanOptions): AsyncIterable<ScanHit[]> {
    await this.checkScrollRelease();
    for (const part of await this.scanParts(options.index)) yield* this.scanPart({ ...options, index: part });
  }

  private scrollRelease: Promise<void> | undefined;

  /**
   * Once per connection, before the first scroll: whether this user may release scrolls. With
   * the security plugin that is a cluster permission of its own (`indices:data/read/scroll/clear`);
   * a user who may open scrolls but not close them leaks one per scan, until the node refuses
   * every search (HTTP 429, 500 open contexts). Asked by releasing an id no node holds: allowed
   * gives 400, refused gives the 403 that names the action, before anything is written.
   */
  private checkScrollRelease(): Promise<void> {
    this.scrollRelease ??= this.call('releasing scrolls (checked before the first scan)', async () => {
      try {
        await this.client.clearScroll({ body: { scroll_id: [NO_SUCH_SCROLL_ID] } });
      } catch (error) {
        if (statusOf(error) === 403) throw error;
      }
    });
    return this.scrollRelease;
  }

  private async *scanPart(options: ScanOptions): AsyncIterable<ScanHit[]> {
    // OpenSearch has no `_shard_doc`: `search_after` on `_doc` under a PIT would skip or repeat
    // hits across shards. A scroll sorted by `_doc` is consistent and as cheap.
    let scrollId: string | undefined;
    const context = { action: `scanning ${describeIndices(options.index)}`, url: this.info.url };
    try {
      let { body } = await this.call(context.action, () =>
        this.client.search({
          index: options.index,
          scroll: '2m',
          size: options.pageSize ?? 1000,
          ignore_unavailable: options.ignoreUnavailable ?? true,
          allow_no_indices: true,
          allow_partial_search_results: false,
          body: {
            sort: ['_doc'],
            ...(options.query ? { query: options.query } : {}),
            ...(options.source === undefined ? {} : { _source: options.source }),
            ...(options.dateFields ? { docvalue_fields: options.dateFields } : {}),
          } as never,
        }),
      );
      // A scroll counts its hits exactly: once they are all read, asking for the empty page that
      // says so would run the query again on every shard (a second search per part, for nothing).
      const total = exactTotal(body.hits.total);
      let read = 0;
      for (;;) {
        scrollId = body._scroll_id ?? scrollId;
        checkComplete(body, context);
        const hits = body.hits.hits;
        if (hits.length === 0) return;
        read += hits.length;
        yield hits.map((hit) => ({
          index: hit._index ?? '',
          id: hit._id ?? '',
          source: (hit._source ?? {}) as Record<string, unknown>,
          ...(hit.fields ? { fields: hit.fields as Record<string, unknown[]> } : {}),
        }));
        options.signal?.throwIfAborted();
        if (total !== undefined && read >= total) return;
        const id = scrollId;
        if (!id) return;
        try {
          // Not retried here: a page lost in transit may have moved the cursor (a resend would skip it).
          // The id goes in the body: it grows with the shards searched (about 40 bytes each), and
          // in the URL it passed the HTTP line limit (4,096 bytes) past about 100 shards.
          ({ body } = await this.call(context.action, () => this.client.scroll({ body: { scroll_id: id, scroll: '2m' } }), { retry: false }));
        } catch (error) {
          throw lostContextError(error, context);
        }
      }
    } finally {
      const id = scrollId;
      if (id) await this.client.clearScroll({ body: { scroll_id: [id] } }).catch(() => undefined);
    }
  }

  protected async request(method: string, path: string, body?: unknown, querystring?: Record<string, string>): Promise<unknown> {
    const response = await this.client.transport.request({ method, path, ...(body === undefined ? {} : { body: body as Record<string, unknown> }), ...(querystring ? { querystring } : {}) });
    return response.body;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A search's hit count when the engine says it is exact (`relation: eq`, or the plain number of `rest_total_hits_as_int`). */
function exactTotal(total: unknown): number | undefined {
  if (typeof total === 'number') return total;
  const counted = total as { value?: unknown; relation?: unknown } | undefined;
  return counted?.relation === 'eq' && typeof counted.value === 'number' ? counted.value : undefined;
}
