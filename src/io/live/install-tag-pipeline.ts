import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { formatBytes } from '../../core/format-bytes.js';
import { DEFAULT_MATCH_FIELDS, matchKindOf, mergeMatchFields, type MatchKind } from '../../core/hunt/match-fields.js';
import {
  buildEnrichPipeline,
  buildEnrichPolicies,
  buildScriptPipelineFor,
  compactEntryOf,
  buildSubdomainValues,
  isOwnEnrichPolicy,
  LIVE_IOC_FIELDS,
  type LiveIoc,
  type Strategy,
  type TagTemplates,
} from '../../core/live/build-tag-pipeline.js';
import { CompactIocSetBuilder } from '../../core/live/compact-ioc-set.js';
import { buildResourceNames, type ResourceNames } from '../../core/resource-names.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';
import { packageInfo } from '../package-info.js';
import type { TagPipelineRecord } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';
import { runEnrichPolicy, type RunEnrichPolicyOptions } from './run-enrich-policy.js';

/**
 * Largest active IOC set the script strategy accepts. Its set lives in the pipeline, i.e. in the
 * cluster state that every node holds and every sync republishes, in the compact form of
 * `core/live/compact-ioc-set.ts` (README "Live tagging", "The compact IOC set"). Measured with
 * `npm run bench:tag` on OpenSearch 2.19 (one node, 2 cores): about 28 bytes per IOC whatever
 * the size (0.3 MB at 10,000, 6.6 MB at 250,000, 26.8 MB at 1,000,000; about 300 before the
 * compact form), the PUT acknowledged in 0.2 s, 0.8 s and 2.3 s, and ingest throughput does not
 * depend on the set size (a binary search per key). 1,000,000 keeps the cluster state under
 * ~30 MB, far below `http.max_content_length` (100 MB); above it, `iochunt watch`.
 */
export const SCRIPT_STRATEGY_MAX_IOCS = 1_000_000;

export interface InstallTagOptions {
  prefix?: string;
  strategy?: 'auto' | Strategy;
  fields?: Partial<Record<MatchKind, readonly string[]>>;
  graceMs?: number;
  /** Overrides {@link SCRIPT_STRATEGY_MAX_IOCS} (tests, benchmarks). */
  maxScriptIocs?: number;
  /** How enrich policy executions are followed (timeout, progress lines). */
  enrich?: RunEnrichPolicyOptions;
}

export interface InstallTagReport {
  pipeline: string;
  strategy: Strategy;
  setVersion: number;
  iocs: number;
  /** True when the stored pipeline was already this version and content: nothing was written. */
  unchanged: boolean;
  enrichPolicies?: string[];
}

export function loadTagTemplates(): TagTemplates {
  const read = (name: string): string => readFileSync(join(packageInfo().root, 'pipelines', `${name}.painless`), 'utf8');
  const common = read('tag-common');
  const reshape = read('tag-reshape');
  return {
    script: loadResource('pipelines', 'tag-script'),
    enrich: loadResource('pipelines', 'tag-enrich'),
    canon: `${common}\n${read('tag-canon')}`,
    lookup: `${common}\n${read('tag-lookup')}\n${reshape}`,
    reshape: `${common}\n${reshape}`,
  };
}

/**
 * Elasticsearch refuses a pipeline larger than `ingest.pipeline.max_pipeline_size` (1 MiB by
 * default in recent releases); the script strategy carries the IOC set in the pipeline (about
 * 300 bytes per IOC), so a set above roughly 3,000 IOCs is refused here, before anything is
 * written, with the figures and the way out.
 */
async function checkPipelineSize(engine: Engine, pipeline: Record<string, unknown>, iocs: number): Promise<void> {
  const limit = await engine.fetchMaxPipelineBytes();
  const size = Buffer.byteLength(JSON.stringify(pipeline));
  if (limit === undefined || size <= limit) return;
  const fits = Math.floor((iocs * limit) / size);
  throw new ConfigError(
    `the script-strategy pipeline for ${iocs} active IOCs is ${formatBytes(size)}, above this cluster's ingest.pipeline.max_pipeline_size of ${formatBytes(limit)} (about ${fits} IOCs fit): use the enrich strategy (Elasticsearch's default distribution), fewer feeds, or a frequent "iochunt hunt --mode incremental"; nothing was installed`,
  );
}

/**
 * Elasticsearch 8.9.0 fails to execute an enrich policy whose enrich fields include an object
 * (`threat.indicator`; elastic/elasticsearch#98019, fixed in later releases).
 */
const BROKEN_ENRICH_VERSIONS: ReadonlySet<string> = new Set(['8.9.0']);

/** `auto`: enrich where every ingest node has it, else script; neither is a clear refusal. */
export async function chooseStrategy(engine: Engine, requested: InstallTagOptions['strategy'] = 'auto'): Promise<Strategy> {
  const processors = await engine.fetchIngestProcessors();
  const has = (type: string): boolean => processors.includes(type);
  const needed: Record<Strategy, string[]> = { enrich: ['enrich', 'script', 'set'], script: ['script', 'set'] };
  const usable = (s: Strategy): boolean => needed[s].every(has);
  if (engine.info.flavor === 'elasticsearch' && BROKEN_ENRICH_VERSIONS.has(engine.info.version) && (requested === 'enrich' || (requested === 'auto' && usable('enrich')))) {
    throw new ConfigError(
      `Elasticsearch ${engine.info.version} cannot execute the enrich policies live tagging needs (an object enrich field fails: elastic/elasticsearch#98019): upgrade (later releases fixed it), or use --strategy script; nothing was installed`,
    );
  }
  if (requested !== 'auto') {
    if (!usable(requested)) {
      throw new ConfigError(
        `--strategy ${requested}: the ingest nodes of ${engine.info.url} lack ${needed[requested].filter((t) => !has(t)).join(', ')} processor(s)`,
      );
    }
    return requested;
  }
  if (usable('enrich')) return 'enrich';
  if (usable('script')) return 'script';
  throw new ConfigError(
    `${engine.info.flavor} ${engine.info.version} at ${engine.info.url} has neither the enrich nor the script ingest processor: live tagging cannot run there (nothing was installed); use "iochunt hunt --mode incremental" on a schedule instead`,
  );
}

/** Each page of the active IOCs, as the live matcher sees them (`LIVE_IOC_FIELDS`); nothing when there is no IOC index. */
async function* scanLiveIocs(engine: Engine, names: ResourceNames): AsyncGenerator<LiveIoc[]> {
  const exists = (await engine.fetchIndexSummaries([names.iocs]))[0]?.exists;
  if (!exists) return;
  for await (const page of engine.scanDocuments({ index: names.iocs, query: { term: { 'iochunt.active': true } }, source: LIVE_IOC_FIELDS })) {
    yield page.map((hit) => hit.source as unknown as LiveIoc);
  }
}

/** What each strategy builds from: the IOC documents (enrich), or the compact set they stream into (script: no list of every document is kept). */
type ActiveSet = { strategy: 'enrich'; iocs: LiveIoc[]; count: number } | { strategy: 'script'; builder: CompactIocSetBuilder; count: number };

async function fetchActiveSet(engine: Engine, names: ResourceNames, strategy: Strategy): Promise<ActiveSet> {
  if (strategy === 'enrich') {
    const iocs: LiveIoc[] = [];
    for await (const page of scanLiveIocs(engine, names)) iocs.push(...page);
    return { strategy, iocs, count: iocs.length };
  }
  const builder = new CompactIocSetBuilder();
  for await (const page of scanLiveIocs(engine, names)) {
    for (const ioc of page) {
      const { entry, kind } = compactEntryOf(ioc);
      builder.add(entry, kind);
    }
  }
  return { strategy, builder, count: builder.count };
}

/**
 * Installs (idempotently) the tagging pipeline `<prefix>-tag` for the current active IOC set.
 * The pipeline `version` is the IOC-set version, so a pipeline already at this version with the
 * same strategy is left alone. Enrich strategy: new policies per set version are created and
 * executed first, the pipeline is switched to them, then older policies are deleted. Script
 * strategy: refuses sets above the cap with a message naming it and the alternative.
 */
export async function installTagPipeline(engine: Engine, options: InstallTagOptions = {}): Promise<InstallTagReport> {
  const names = buildResourceNames(options.prefix);
  const strategy = await chooseStrategy(engine, options.strategy);
  const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, options.fields);
  const state = new StateStore(engine, names.state);
  const [active, setVersion] = await Promise.all([fetchActiveSet(engine, names, strategy), state.fetchSetVersion().catch(() => ({ version: 0 }))]);
  const templates = loadTagTemplates();
  const base = { templates, fields, iocIndex: names.iocs, setVersion: setVersion.version, ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }) };
  const cap = options.maxScriptIocs ?? SCRIPT_STRATEGY_MAX_IOCS;
  if (active.strategy === 'script' && active.count > cap) {
    throw new ConfigError(
      `${active.count} active IOCs exceed the script strategy's cap of ${cap} (its IOC set lives in the cluster state): tag with fewer feeds, or hunt new events every few seconds with "iochunt watch --every 15s" instead; nothing was installed`,
    );
  }
  const current = await engine.fetchPipeline(names.tagPipeline);
  const installed = current ? await state.fetchTagPipeline(names.tagPipeline) : undefined;
  const unchanged = current !== undefined && installed?.strategy === strategy && current.version === setVersion.version && installed.iocs === active.count;
  const report: InstallTagReport = {
    pipeline: names.tagPipeline,
    strategy,
    setVersion: setVersion.version,
    iocs: active.count,
    unchanged,
  };
  if (unchanged) return report;
  await state.ensure();
  const record: TagPipelineRecord = { kind: 'tag-pipeline', pipeline: names.tagPipeline, strategy, set_version: setVersion.version, iocs: active.count, updated_at: new Date().toISOString() };

  if (active.strategy === 'script') {
    const pipeline = buildScriptPipelineFor(base, active.builder.finish(), active.builder.kinds);
    if (engine.info.flavor === 'elasticsearch') await checkPipelineSize(engine, pipeline, active.count);
    await engine.writePipeline(names.tagPipeline, pipeline as never);
    await state.writeTagPipeline(record);
    return report;
  }
  const { iocs } = active;
  const kinds = new Set<MatchKind>(iocs.map((ioc) => matchKindOf(ioc.threat.indicator.type)));
  const policies = buildEnrichPolicies(names.prefix, names.iocs, setVersion.version, kinds, buildSubdomainValues(iocs).values);
  const existing = (await engine.listEnrichPolicies(`${names.prefix}-`)).filter((name) => isOwnEnrichPolicy(names.prefix, name));
  for (const policy of policies) {
    const { name, ...body } = policy;
    if (!existing.includes(name)) await engine.writeEnrichPolicy(name, body);
    await runEnrichPolicy(engine, name, options.enrich);
  }
  await engine.writePipeline(names.tagPipeline, buildEnrichPipeline({ ...base, iocs, prefix: names.prefix, kinds }) as never);
  await state.writeTagPipeline(record);
  const current_ = new Set(policies.map((p) => p.name));
  for (const name of existing) {
    // A policy still referenced by a pipeline cannot be deleted; the next install retries.
    if (!current_.has(name)) await engine.deleteEnrichPolicy(name).catch(() => undefined);
  }
  return { ...report, enrichPolicies: [...current_] };
}


/**
 * Brings an installed pipeline up to date after a sync (README "Live tagging": "`iochunt sync` refreshes an installed pipeline after each load").
 * Does nothing when no tagging pipeline was ever installed.
 */
export async function refreshTagPipeline(engine: Engine, options: InstallTagOptions = {}): Promise<InstallTagReport | undefined> {
  if (!(await engine.fetchPipeline(buildResourceNames(options.prefix).tagPipeline))) return undefined;
  return reinstallTagPipeline(engine, options);
}

/** Installs the pipeline again for the current IOC set, with the strategy it was installed with; the caller knows it is installed. */
export async function reinstallTagPipeline(engine: Engine, options: InstallTagOptions = {}): Promise<InstallTagReport> {
  const names = buildResourceNames(options.prefix);
  const strategy = (await new StateStore(engine, names.state).fetchTagPipeline(names.tagPipeline))?.strategy;
  return installTagPipeline(engine, { ...options, ...(strategy ? { strategy } : {}) });
}
