import { Client, type estypes } from '@elastic/elasticsearch';
import { commonProcessors } from '../core/common-processors.js';
import { isNotFound } from './cluster-errors.js';
import type { ClusterCall } from './cluster-call.js';
import type {
  ClusterHealth,
  Engine,
  EngineInfo,
  IndexDocumentOptions,
  IndexSummary,
  IngestPipeline,
} from './engine.js';

/** {@link Engine} on the official Elasticsearch client (8.x and 9.x servers). */
export class ElasticsearchEngine implements Engine {
  constructor(
    readonly client: Client,
    readonly info: EngineInfo,
    private readonly call: ClusterCall,
  ) {}

  async fetchHealth(): Promise<ClusterHealth> {
    const health = await this.call('reading cluster health', () => this.client.cluster.health());
    return {
      status: health.status.toLowerCase() as ClusterHealth['status'],
      numberOfNodes: health.number_of_nodes,
      activeShards: health.active_shards,
    };
  }

  async fetchIndexSummaries(names: readonly string[]): Promise<IndexSummary[]> {
    return Promise.all(
      names.map(async (name) => {
        const exists = await this.call(`checking index ${name}`, () => this.client.indices.exists({ index: name }));
        if (!exists) return { name, exists };
        const { count } = await this.call(`counting ${name}`, () => this.client.count({ index: name }));
        return { name, exists, docs: count };
      }),
    );
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
    await this.call(`deleting ${names.join(',')}`, () =>
      this.client.indices.delete({ index: [...names], ignore_unavailable: true }),
    );
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    const response = await this.call(`indexing into ${options.index}`, () =>
      this.client.index({
        index: options.index,
        ...(options.id === undefined ? {} : { id: options.id }),
        document: options.document,
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
        ...(options.refresh ? { refresh: 'wait_for' as const } : {}),
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

  async close(): Promise<void> {
    await this.client.close();
  }
}
