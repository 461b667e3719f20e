import { checkComplete } from './check-complete.js';
import type { ClusterCall } from './cluster-call.js';
import { errorTypeOfTranslated, isNotFound } from './cluster-errors.js';
import { isRemoteIndex } from '../../core/remote-index.js';
import { ClusterError, redactUrl } from '../../errors.js';
import type { ClusterHealth, EngineInfo, IndexFieldTypes, IndexSummary, PipelineStats, RemoteCluster, ResolvedIndex, TaskState } from './engine.js';
import { chunkIndexList, chunkScanList, DEFAULT_MAX_OPEN_SCROLL_CONTEXTS, describeIndices, everyIndexPath, indexPath, scanShardBudget } from './index-lists.js';
import { parseFieldCaps, parseResolved, type FieldCapsBody, type ResolveBody } from './index-metadata.js';

/**
 * The Engine methods whose REST calls are the same on Elasticsearch and OpenSearch, written
 * once over each adapter's raw `request` (the typed client APIs differ in shape, not these
 * endpoints).
 */
export abstract class RestEngineBase {
  protected abstract readonly call: ClusterCall;
  abstract readonly info: EngineInfo;
  abstract createIndex(name: string, body?: Record<string, unknown>): Promise<void>;
  protected abstract request(method: string, path: string, body?: unknown, querystring?: Record<string, string>): Promise<unknown>;

  /** `_cluster/health`, read warily: an answer without a known status is not a cluster's (a proxy, a login page). */
  async fetchHealth(): Promise<ClusterHealth> {
    const body = (await this.call('reading cluster health', () => this.request('GET', '/_cluster/health'))) as Record<string, unknown> | undefined;
    const status = typeof body?.status === 'string' ? body.status.toLowerCase() : undefined;
    if (status !== 'green' && status !== 'yellow' && status !== 'red') {
      throw new ClusterError('unsupported', `reading cluster health at ${redactUrl(this.info.url)}: the answer has no green/yellow/red status, so it is not from Elasticsearch or OpenSearch: check --url`);
    }
    const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
    return { status, numberOfNodes: count(body?.number_of_nodes), activeShards: count(body?.active_shards) };
  }

  /**
   * Whether each index (or alias) exists, and its document count: one `_count` each, a 404
   * `index_not_found_exception` meaning missing. Not `HEAD /<index>`: that needs
   * `indices:admin/get` besides `read`, and a refused HEAD has no body, so no reason to show.
   */
  async fetchIndexSummaries(names: readonly string[]): Promise<IndexSummary[]> {
    return Promise.all(
      names.map(async (name): Promise<IndexSummary> => {
        try {
          const body = (await this.call(`counting ${name}`, () => this.request('GET', `/${indexPath(name)}/_count`))) as { count?: unknown };
          return { name, exists: true, docs: typeof body.count === 'number' ? body.count : 0 };
        } catch (error) {
          if (errorTypeOfTranslated(error) === 'index_not_found_exception') return { name, exists: false };
          throw error;
        }
      }),
    );
  }

  async ensureIndex(name: string, body: Record<string, unknown>): Promise<boolean> {
    const [summary] = await this.fetchIndexSummaries([name]);
    if (summary?.exists) return false;
    try {
      await this.createIndex(name, body);
      return true;
    } catch (error) {
      if (errorTypeOfTranslated(error) === 'resource_already_exists_exception') return false; // created meanwhile
      throw error;
    }
  }

  async refresh(index: string): Promise<void> {
    for (const part of chunkIndexList(index)) {
      await this.call(`refreshing ${describeIndices(part)}`, () => this.request('POST', `/${indexPath(part)}/_refresh`, undefined, { ignore_unavailable: 'true' }));
    }
  }

  /**
   * A raw `_search`; refused (ClusterError `partial`) unless every shard answered in time. A list
   * of indices too long for a path is searched as every index (hidden ones included: data stream
   * backing indices) filtered on `_index`: one answer, sorted and aggregated as one. Every index
   * of each remote cluster the list names too (`eu:*`): the `_index` filter takes `eu:<index>`.
   */
  async search(index: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const action = `searching ${describeIndices(index)}`;
    const long = chunkIndexList(index).length > 1;
    const request = long ? { ...body, query: { bool: { filter: [{ terms: { _index: index.split(',') } }], ...(body.query ? { must: [body.query] } : {}) } } } : body;
    const answer = (await this.call(action, () =>
      this.request('POST', `/${long ? everyIndexPath(index) : indexPath(index)}/_search`, request, {
        ignore_unavailable: 'true',
        allow_no_indices: 'true',
        allow_partial_search_results: 'false',
        ...(long ? { expand_wildcards: 'open,hidden' } : {}),
      }),
    )) as Record<string, unknown>;
    checkComplete(answer, { action, url: this.info.url });
    return answer;
  }

  async fetchIndexTemplate(name: string): Promise<Record<string, unknown> | undefined> {
    try {
      const body = (await this.call(`reading index template ${name}`, () => this.request('GET', `/_index_template/${encodeURIComponent(name)}`))) as {
        index_templates?: { name: string; index_template: Record<string, unknown> }[];
      };
      return body.index_templates?.find((t) => t.name === name)?.index_template;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async fetchPipelineSettings(index: string): Promise<Map<string, { final?: string; default?: string }>> {
    const found = new Map<string, { final?: string; default?: string }>();
    for (const part of chunkIndexList(index)) {
      const body = (await this.call(`reading settings of ${describeIndices(part)}`, () =>
        this.request('GET', `/${indexPath(part)}/_settings/index.final_pipeline,index.default_pipeline`, undefined, { ignore_unavailable: 'true', allow_no_indices: 'true', expand_wildcards: 'open,hidden' }),
      )) as Record<string, { settings?: { index?: { final_pipeline?: string; default_pipeline?: string } } }>;
      for (const [name, value] of Object.entries(body)) {
        const settings = value.settings?.index ?? {};
        found.set(name, { ...(settings.final_pipeline ? { final: settings.final_pipeline } : {}), ...(settings.default_pipeline ? { default: settings.default_pipeline } : {}) });
      }
    }
    return found;
  }

  async fetchRefreshInterval(index: string): Promise<string | undefined> {
    const body = (await this.call(`reading settings of ${index}`, () =>
      this.request('GET', `/${encodeURIComponent(index)}/_settings/index.refresh_interval`),
    )) as Record<string, { settings?: { index?: { refresh_interval?: string } } }>;
    return body[index]?.settings?.index?.refresh_interval;
  }

  /**
   * One index setting of every open index these patterns match, a part of the list at a time:
   * index -> value (the default where `withDefaults` and the index sets none). With
   * `forbiddenAsUnset`, a part the user may not read settings of is left out instead of failing.
   */
  private async readIndexSetting(patterns: readonly string[], name: string, options: { withDefaults?: boolean; forbiddenAsUnset?: boolean } = {}): Promise<Map<string, unknown>> {
    type Settings = Record<string, { settings?: Record<string, unknown>; defaults?: Record<string, unknown> } | undefined>;
    const found = new Map<string, unknown>();
    for (const part of chunkIndexList(patterns)) {
      let body: Settings;
      try {
        body = (await this.call(`reading ${name} of ${describeIndices(part)}`, () =>
          this.request('GET', `/${indexPath(part)}/_settings/${name}`, undefined, {
            ...(options.withDefaults ? { include_defaults: 'true' } : {}),
            flat_settings: 'true',
            ignore_unavailable: 'true',
            allow_no_indices: 'true',
            expand_wildcards: 'open',
          }),
        )) as Settings;
      } catch (error) {
        if (options.forbiddenAsUnset && error instanceof ClusterError && error.kind === 'forbidden') continue;
        throw error;
      }
      for (const [index, value] of Object.entries(body)) {
        const setting = value?.settings?.[name] ?? value?.defaults?.[name];
        if (setting !== undefined) found.set(index, setting);
      }
    }
    return found;
  }

  async fetchRefreshIntervals(patterns: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const [index, value] of await this.readIndexSetting(patterns, 'index.refresh_interval', { withDefaults: true })) if (typeof value === 'string') found.set(index, value);
    return found;
  }

  async fetchNodeTimes(): Promise<number[]> {
    const body = (await this.call(`reading the nodes' clocks`, () =>
      this.request('GET', '/_nodes/stats/process', undefined, { filter_path: 'nodes.*.timestamp' }),
    )) as { nodes?: Record<string, { timestamp?: unknown }> };
    const times = Object.values(body.nodes ?? {}).flatMap((node) => (typeof node.timestamp === 'number' ? [node.timestamp] : []));
    if (times.length === 0) throw new ClusterError('server', `reading the nodes' clocks at ${redactUrl(this.info.url)}: the answer names no node's time`);
    return times;
  }

  async writeRefreshInterval(index: string, interval: string | null): Promise<void> {
    await this.call(`setting the refresh interval of ${index}`, () =>
      this.request('PUT', `/${encodeURIComponent(index)}/_settings`, { index: { refresh_interval: interval } }),
    );
  }

  async writeFinalPipeline(index: string, pipeline: string | null): Promise<void> {
    await this.call(`setting the final pipeline of ${index}`, () =>
      this.request('PUT', `/${encodeURIComponent(index)}/_settings`, { index: { final_pipeline: pipeline } }, { expand_wildcards: 'open,hidden' }),
    );
  }

  async simulatePipeline(id: string, documents: readonly Record<string, unknown>[]): Promise<{ doc?: { _source: Record<string, unknown> }; error?: unknown }[]> {
    const body = (await this.call(`simulating pipeline ${id}`, () =>
      this.request('POST', `/_ingest/pipeline/${encodeURIComponent(id)}/_simulate`, { docs: documents.map((_source) => ({ _source })) }),
    )) as { docs: { doc?: { _source: Record<string, unknown> }; error?: unknown }[] };
    return body.docs;
  }

  async writeEnrichPolicy(name: string, body: Record<string, unknown>): Promise<void> {
    await this.call(`creating enrich policy ${name}`, () => this.request('PUT', `/_enrich/policy/${encodeURIComponent(name)}`, body));
  }

  async startEnrichPolicy(name: string): Promise<string> {
    const action = `executing enrich policy ${name}`;
    try {
      // Not retried: a second execute of a policy that is running is refused (429 "already in progress").
      const body = (await this.call(action, () => this.request('POST', `/_enrich/policy/${encodeURIComponent(name)}/_execute`, undefined, { wait_for_completion: 'false' }), {
        retry: false,
      })) as { task?: string };
      if (typeof body.task === 'string') return body.task;
      throw new ClusterError('server', `${action} at ${redactUrl(this.info.url)}: the answer names no task`);
    } catch (error) {
      if (!(error instanceof ClusterError && error.details.statusCode === 429 && /already in progress/i.test(error.message))) throw error;
      return this.runningEnrichTask(name, error);
    }
  }

  /** The task of a policy that is executing, from `_enrich/_stats`. */
  private async runningEnrichTask(name: string, refusal: ClusterError): Promise<string> {
    const stats = (await this.call('reading enrich stats', () => this.request('GET', '/_enrich/_stats'))) as {
      executing_policies?: { name?: string; task?: { node?: string; id?: number } }[];
    };
    const task = stats.executing_policies?.find((p) => p.name === name)?.task;
    if (task?.node === undefined || task.id === undefined) throw refusal; // it ended meanwhile: the caller runs it again
    return `${task.node}:${task.id}`;
  }

  async fetchPipelineStats(id: string): Promise<PipelineStats | undefined> {
    type Counters = { count?: number; failed?: number };
    type NodePipeline = Counters & { processors?: Record<string, { stats?: Counters }>[] };
    const body = (await this.call(`reading ingest stats of ${id}`, () =>
      this.request('GET', '/_nodes/stats/ingest', undefined, { filter_path: `nodes.*.ingest.pipelines.${id}` }),
    )) as { nodes?: Record<string, { ingest?: { pipelines?: Record<string, NodePipeline> } }> };
    const perNode = Object.values(body.nodes ?? {}).flatMap((node) => node.ingest?.pipelines?.[id] ?? []);
    if (perNode.length === 0) return undefined;
    const processors = new Map<string, { name: string; events: number; failed: number }>();
    for (const pipeline of perNode) {
      for (const entry of pipeline.processors ?? []) {
        for (const [name, { stats }] of Object.entries(entry)) {
          const sum = processors.get(name) ?? { name, events: 0, failed: 0 };
          sum.events += stats?.count ?? 0;
          sum.failed += stats?.failed ?? 0;
          processors.set(name, sum);
        }
      }
    }
    const total = (key: 'count' | 'failed'): number => perNode.reduce((sum, p) => sum + (p[key] ?? 0), 0);
    return { events: total('count'), failed: total('failed'), processors: [...processors.values()] };
  }

  async fetchMaxPipelineBytes(): Promise<number | undefined> {
    const value = await this.readClusterSetting('ingest.pipeline.max_pipeline_size', 'reading the pipeline size limit');
    return typeof value === 'string' ? parseByteSize(value) : undefined;
  }

  /**
   * A cluster setting as in force: transient, else persistent, else the node's default.
   * Read nested: `filter_path` never matches a `flat_settings` key, whose dots are not a path.
   * With `forbiddenAsUnset`, a user who may not read cluster settings gets undefined, as unset.
   */
  private async readClusterSetting(name: string, action: string, options: { forbiddenAsUnset?: boolean } = {}): Promise<unknown> {
    let body: Record<string, unknown> | undefined;
    try {
      body = (await this.call(action, () => this.request('GET', '/_cluster/settings', undefined, { include_defaults: 'true', filter_path: `*.${name}` }))) as Record<string, unknown> | undefined;
    } catch (error) {
      if (options.forbiddenAsUnset && error instanceof ClusterError && error.kind === 'forbidden') return undefined;
      throw error;
    }
    const at = (scope: string): unknown => name.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body?.[scope]);
    return ['transient', 'persistent', 'defaults'].map(at).find((value) => value !== undefined);
  }

  private scanShards: Promise<number> | undefined;
  private readonly shardCounts = new Map<string, number>();

  /**
   * A scan's index list as the parts it scrolls one after another: each fits a request path and
   * holds at most a quarter of the node's open scroll contexts (`search.max_open_scroll_context`,
   * read once; 500 when this user may not read cluster settings), so 2,000 daily indices of five
   * shards each scan, where one scroll over them all is refused. Shard counts are read once per
   * index (`index.number_of_shards`, a read the user may be refused: then 1).
   */
  protected async scanParts(index: string): Promise<string[]> {
    const names = index.split(',').filter((name) => name !== '');
    if (names.length <= 1) return chunkIndexList(names);
    this.scanShards ??= this.readScrollContextLimit().then(scanShardBudget);
    const budget = await this.scanShards;
    // Settings name local indices only; a pattern's count is not one index's.
    const unknown = names.filter((name) => !this.shardCounts.has(name) && !isRemoteIndex(name) && !name.includes('*'));
    if (unknown.length > 0) {
      const read = await this.readIndexSetting(unknown, 'index.number_of_shards', { forbiddenAsUnset: true });
      for (const name of unknown) this.shardCounts.set(name, Number(read.get(name)) || 1);
    }
    return chunkScanList(index, (name) => this.shardCounts.get(name) ?? 1, budget);
  }

  private async readScrollContextLimit(): Promise<number> {
    const value = Number(await this.readClusterSetting('search.max_open_scroll_context', 'reading the open scroll context limit', { forbiddenAsUnset: true }));
    return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_OPEN_SCROLL_CONTEXTS;
  }

  async fetchMaxTermsCount(patterns: readonly string[]): Promise<number | undefined> {
    // A hunter without indices:monitor/settings/get (or refused one index of the pattern)
    // hunts with the default limit: the read is an optimisation, never a new privilege.
    const set = await this.readIndexSetting(
      patterns.filter((pattern) => !pattern.includes(':')),
      'index.max_terms_count',
      { forbiddenAsUnset: true },
    );
    const limits = [...set.values()].map(Number).filter((value) => Number.isSafeInteger(value) && value > 0);
    return limits.length === 0 ? undefined : Math.min(...limits);
  }

  async fetchTask(id: string): Promise<TaskState> {
    const body = (await this.call(`reading task ${id}`, () => this.request('GET', `/_tasks/${encodeURIComponent(id)}`))) as {
      completed?: boolean;
      task?: { status?: { phase?: string } };
      error?: { reason?: string; type?: string };
    };
    const phase = body.task?.status?.phase;
    const error = body.error ? (body.error.reason ?? body.error.type ?? 'failed') : phase === 'FAILED' ? 'the policy execution failed' : undefined;
    return { completed: body.completed === true, ...(phase ? { phase } : {}), ...(error ? { error } : {}) };
  }

  async listEnrichPolicies(prefix: string): Promise<string[]> {
    const body = (await this.call('listing enrich policies', () => this.request('GET', '/_enrich/policy'))) as { policies?: { config: Record<string, { name: string }> }[] };
    return (body.policies ?? []).map((p) => Object.values(p.config)[0]?.name ?? '').filter((name) => name.startsWith(prefix));
  }

  async deleteEnrichPolicy(name: string): Promise<void> {
    await this.call(`deleting enrich policy ${name}`, () => this.request('DELETE', `/_enrich/policy/${encodeURIComponent(name)}`));
  }

  async writeIndexTemplate(name: string, body: Record<string, unknown>): Promise<void> {
    await this.call(`writing index template ${name}`, () => this.request('PUT', `/_index_template/${encodeURIComponent(name)}`, body));
  }

  async resolveIndices(patterns: readonly string[]): Promise<ResolvedIndex[]> {
    const resolved = new Map<string, ResolvedIndex>();
    for (const part of chunkIndexList(patterns)) {
      const body = (await this.call(`resolving ${describeIndices(part)}`, () =>
        this.request('GET', `/_resolve/index/${indexPath(part)}`, undefined, { expand_wildcards: 'open,closed', ignore_unavailable: 'true' }),
      )) as ResolveBody;
      for (const index of parseResolved(body)) if (!resolved.has(index.name)) resolved.set(index.name, index);
    }
    return [...resolved.values()];
  }

  async fetchRemoteClusters(): Promise<RemoteCluster[]> {
    type Info = { connected?: boolean; skip_unavailable?: boolean; seeds?: string[]; proxy_address?: string };
    const body = (await this.call('listing the remote clusters', () => this.request('GET', '/_remote/info'))) as Record<string, Info> | undefined;
    return Object.entries(body ?? {}).map(([alias, info]) => ({
      alias,
      connected: info.connected === true,
      skipUnavailable: info.skip_unavailable === true,
      addresses: info.seeds ?? (info.proxy_address ? [info.proxy_address] : []),
    }));
  }

  async listIndexNames(patterns: readonly string[]): Promise<string[]> {
    const names = new Set<string>();
    for (const part of chunkIndexList(patterns)) {
      const body = (await this.call(`listing the indices of ${describeIndices(part)}`, () =>
        this.request('GET', `/_cluster/state/metadata/${indexPath(part)}`, undefined, {
          filter_path: 'metadata.indices.*.state',
          expand_wildcards: 'open,closed',
          ignore_unavailable: 'true',
          allow_no_indices: 'true',
        }),
      )) as { metadata?: { indices?: Record<string, unknown> } };
      for (const name of Object.keys(body.metadata?.indices ?? {})) names.add(name);
    }
    return [...names];
  }

  async fetchReadRefusals(indices: readonly string[]): Promise<Map<string, string>> {
    const refusals = new Map<string, string>();
    for (let start = 0; start < indices.length; start += READ_PROBES_PER_REQUEST) {
      const part = indices.slice(start, start + READ_PROBES_PER_REQUEST);
      const answers = await this.call(`probing read access to ${describeIndices(part.join(','))}`, () => this.multiSearch(part.map((index) => ({ index, body: { size: 0, query: { match_none: {} } } }))));
      part.forEach((index, i) => {
        const answer = answers[i] as { status?: number; error?: { reason?: string; type?: string } } | undefined;
        if (answer?.status === 403) refusals.set(index, answer.error?.reason ?? answer.error?.type ?? 'forbidden');
      });
    }
    return refusals;
  }

  /** One `_msearch`: each search's own answer (or error), in order. */
  protected abstract multiSearch(searches: readonly { index: string; body: Record<string, unknown> }[]): Promise<unknown[]>;

  async fetchFieldTypes(indices: readonly string[], fields: readonly string[]): Promise<Map<string, IndexFieldTypes>> {
    const types = new Map<string, IndexFieldTypes>();
    for (const part of chunkIndexList(indices)) {
      const body = (await this.call(`reading field capabilities of ${describeIndices(part)}`, () =>
        this.request('POST', `/${indexPath(part)}/_field_caps`, undefined, {
          fields: fields.join(','),
          include_unmapped: 'true',
          ignore_unavailable: 'true',
          allow_no_indices: 'true',
        }),
      )) as FieldCapsBody;
      for (const [index, fieldTypes] of parseFieldCaps(body, part.split(','))) types.set(index, fieldTypes);
    }
    return types;
  }
}

/** Indices per `_msearch` of read probes: each is one empty search, so a request stays small. */
const READ_PROBES_PER_REQUEST = 200;

/** `1mb`, `512kb`, `1048576b`, `1048576` -> bytes (Elasticsearch byte-size values); undefined if unreadable. */
function parseByteSize(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(match[1]) * unit);
}
