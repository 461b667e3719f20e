import type { Client } from '@opensearch-project/opensearch';
import { commonProcessors } from '../core/common-processors.js';
import type { ClusterCall } from './cluster-call.js';
import { isNotFound } from './cluster-errors.js';
import type {
  ClusterHealth,
  Engine,
  EngineInfo,
  IndexDocumentOptions,
  IndexSummary,
  IngestPipeline,
} from './engine.js';

/** {@link Engine} on the OpenSearch client (2.x and 3.x servers). Responses come as `{ body }`. */
export class OpenSearchEngine implements Engine {
  constructor(
    readonly client: Client,
    readonly info: EngineInfo,
    private readonly call: ClusterCall,
  ) {}

  async fetchHealth(): Promise<ClusterHealth> {
    const { body } = await this.call('reading cluster health', () => this.client.cluster.health());
    return { status: body.status.toLowerCase() as ClusterHealth['status'], numberOfNodes: body.number_of_nodes, activeShards: body.active_shards };
  }

  async fetchIndexSummaries(names: readonly string[]): Promise<IndexSummary[]> {
    return Promise.all(
      names.map(async (name) => {
        const { body: exists } = await this.call(`checking index ${name}`, () => this.client.indices.exists({ index: name }));
        if (!exists) return { name, exists: false };
        const { body } = await this.call(`counting ${name}`, () => this.client.count({ index: name }));
        return { name, exists: true, docs: body.count };
      }),
    );
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
    await this.call(`deleting ${names.join(',')}`, () =>
      this.client.indices.delete({ index: [...names], ignore_unavailable: true }),
    );
  }

  async indexDocument(options: IndexDocumentOptions): Promise<{ id: string }> {
    const { body } = await this.call(`indexing into ${options.index}`, () =>
      this.client.index({
        index: options.index,
        ...(options.id === undefined ? {} : { id: options.id }),
        body: options.document,
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
        ...(options.refresh ? { refresh: 'wait_for' as const } : {}),
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

  async close(): Promise<void> {
    await this.client.close();
  }
}
