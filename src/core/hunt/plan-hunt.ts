import { createHash } from 'node:crypto';
import { describeList } from '../describe-list.js';
import { domainScope } from './domain-scope.js';
import type { HuntIoc } from './hunt-ioc.js';
import { MATCH_KINDS, matchKindOf, type MatchFields, type MatchKind } from './match-fields.js';
import { registeredDomainField } from './registered-domain-field.js';
import { buildSuffixPatterns, MAX_SUFFIX_PATTERNS_PER_QUERY, SuffixPacker } from './suffix-patterns.js';
import { termsForKind } from './terms-for-kind.js';

/**
 * Values per `terms` query by default: the engines' own limit (`index.max_terms_count`,
 * 65,536 on Elasticsearch and OpenSearch), so a million IOCs take 16 batches, not 100.
 */
export const DEFAULT_MAX_TERMS = 65_536;

/**
 * Bytes of values one query may carry across its `terms` clauses (a value is sent once per field
 * of its kind). A node parses and expands every query it gets, per shard: 65,536 IPs on five
 * fields are a 3.7 MB request that tripped the parent circuit breaker of a 1 GB-heap node
 * (`npm run bench:scale -- million`); 1 MiB keeps a batch of a few fields near 10,000-15,000
 * values and one of a single field at the terms limit.
 */
export const DEFAULT_MAX_QUERY_BYTES = 1024 * 1024;

/** How a hunt's range is cut into units: by event volume (`auto`), by calendar month or year, or not at all. */
export type HuntSlicing = 'auto' | 'month' | 'year' | 'none';

/** A concrete index as the planner sees it: its mapped fields, and whether it can be searched. */
export interface PlanIndex {
  name: string;
  closed: boolean;
  /** The engine's refusal when this user may not search the index: it is skipped with that reason. */
  unreadable?: string;
  /** field -> mapped type (`ip`, `keyword`, `wildcard`, `text`, `date`...). */
  fieldTypes: ReadonlyMap<string, string>;
  /**
   * Registered-domain fields (`url.registered_domain`) mapped here that some event holding
   * their domain field (`url.domain`) lacks: the shipper does not fill them, so subdomains
   * are searched with suffix patterns there (see `registeredDomainField`).
   */
  unfilled?: ReadonlySet<string>;
}

export interface PlanHuntInput {
  iocs: readonly HuntIoc[];
  indices: readonly PlanIndex[];
  fields: MatchFields;
  /** Inclusive start, exclusive end (ISO). */
  since: string;
  until: string;
  /**
   * Checkpoint granularity. Default `month`. `none` makes the whole range one slice. `auto`
   * plans monthly slices for `sizeSlicesByVolume` to merge by event volume.
   */
  slice?: HuntSlicing;
  timestampField?: string;
  /** Values per `terms` query; default {@link DEFAULT_MAX_TERMS}. */
  maxTerms?: number;
  /** Bytes of values per query over all its fields; default {@link DEFAULT_MAX_QUERY_BYTES}. */
  maxQueryBytes?: number;
  /**
   * Boolean clauses per query; default 1,000 (OpenSearch's `indices.query.bool.max_clause_count`
   * is 1,024). A `terms` query on an `ip` field that holds a CIDR costs one clause per value.
   */
  maxClauses?: number;
}

/** One candidate field of an index group, with what it can hold. */
export interface PlanField {
  /** The event field, as `_source` holds it (what the matcher reads). */
  field: string;
  /**
   * The field the query names: `field` itself, or its `keyword` subfield when `field` is `text`
   * (a legacy or dynamic mapping: `source.ip` as text with `source.ip.keyword`).
   */
  queryField: string;
  kind: MatchKind;
  /** The mapped type of `queryField`; CIDRs are only sent to `ip` fields. */
  type: string;
  /**
   * Domain fields: the ECS `*.registered_domain` sibling to query for subdomains of registered
   * domains (`url.registered_domain` for `url.domain`), when every index of the group maps and
   * fills it; without it every subdomain is searched by suffix patterns.
   */
  registeredField?: string;
}

/** Indices with the same candidate fields and types: one query serves them all. */
export interface IndexGroup {
  key: string;
  indices: string[];
  fields: PlanField[];
}

export interface TimeSlice {
  key: string;
  from: string;
  until: string;
}

/** The IOCs of one query: per kind, the values to send. */
export interface IocBatch {
  key: string;
  exactIps: string[];
  cidrs: string[];
  values: Partial<Record<Exclude<MatchKind, 'ip'>, string[]>>;
  /**
   * The batch's domain IOCs that match their subdomains (`HuntIoc.subdomains`), also in
   * `values.domain`: `registered` are their own registered domain (found through a
   * `registeredField`, else by suffix pattern), `suffixes` the others (always by suffix pattern).
   * Absent when there are none.
   */
  subdomains?: { registered: string[]; suffixes: string[] };
  iocCount: number;
}

/** The smallest unit of work and of checkpointing: one group, one slice, one batch. */
export interface HuntUnit {
  key: string;
  group: number;
  slice: number;
  batch: number;
}

export interface SkippedIndex {
  index: string;
  reason: string;
}

export interface HuntPlan {
  since: string;
  until: string;
  timestampField: string;
  groups: IndexGroup[];
  slices: TimeSlice[];
  batches: IocBatch[];
  units: HuntUnit[];
  skipped: SkippedIndex[];
  /** CIDR IOCs that cannot be searched on some keyword-mapped IP fields. */
  warnings: string[];
}

function sliceRange(since: string, until: string, unit: HuntSlicing | undefined): TimeSlice[] {
  const start = Date.parse(since);
  const end = Date.parse(until);
  if (!(start < end)) return [];
  if (unit === 'none') return [{ key: `${since}..${until}`, from: since, until }];
  // `auto`: monthly slices, merged by event volume once the data is known.
  const slices: TimeSlice[] = [];
  let cursor = new Date(start);
  while (cursor.getTime() < end) {
    const boundary =
      unit === 'year'
        ? new Date(Date.UTC(cursor.getUTCFullYear() + 1, 0, 1))
        : new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1));
    const sliceEnd = Math.min(boundary.getTime(), end);
    const key = unit === 'year' ? `${cursor.getUTCFullYear()}` : `${cursor.getUTCFullYear()}-${String(cursor.getUTCMonth() + 1).padStart(2, '0')}`;
    slices.push({ key, from: cursor.toISOString(), until: new Date(sliceEnd).toISOString() });
    cursor = new Date(sliceEnd);
  }
  return slices;
}

/** Groups searchable indices by candidate-field signature; lists the ones left out and why. */
function groupIndices(input: PlanHuntInput, timestampField: string): { groups: IndexGroup[]; skipped: SkippedIndex[]; textOnly: Map<string, string[]> } {
  const skipped: SkippedIndex[] = [];
  /** field -> indices where it is only `text` (no keyword subfield): not hunted there. */
  const textOnly = new Map<string, string[]>();
  const bySignature = new Map<string, IndexGroup>();
  const kinds = new Set(input.iocs.map((ioc) => matchKindOf(ioc.type)));
  // Code-point order, not localeCompare: group keys must not depend on the machine's locale (--resume).
  for (const index of [...input.indices].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (index.unreadable !== undefined) {
      skipped.push({ index: index.name, reason: `not readable by this user: ${index.unreadable}` });
      continue;
    }
    if (index.closed) {
      skipped.push({ index: index.name, reason: 'closed' });
      continue;
    }
    const timeType = index.fieldTypes.get(timestampField);
    if (timeType !== 'date' && timeType !== 'date_nanos') {
      skipped.push({ index: index.name, reason: timeType ? `${timestampField} is mapped as ${timeType}, not date` : `no ${timestampField} field` });
      continue;
    }
    const fields: PlanField[] = [];
    for (const kind of MATCH_KINDS) {
      if (!kinds.has(kind)) continue;
      for (const field of input.fields[kind]) {
        const candidate = candidateField(index, field, kind);
        if (candidate) fields.push(candidate);
        else if (index.fieldTypes.get(field) === 'text') textOnly.set(field, [...(textOnly.get(field) ?? []), index.name]);
      }
    }
    if (fields.length === 0) {
      skipped.push({ index: index.name, reason: 'maps none of the fields the IOCs match on' });
      continue;
    }
    const signature = fields.map((f) => `${f.queryField}:${f.type}${f.registeredField ? `>${f.registeredField}` : ''}`).join(',');
    let group = bySignature.get(signature);
    if (!group) bySignature.set(signature, (group = { key: `g${bySignature.size}`, indices: [], fields }));
    group.indices.push(index.name);
  }
  return { groups: [...bySignature.values()], skipped, textOnly };
}

/**
 * How an index's field can be searched for exact values: as itself (`ip`, `keyword`,
 * `wildcard`...), or through its `keyword` subfield when it is `text` (what dynamic mapping
 * makes of a string); a field that is only `text` cannot (it matches tokens, not values).
 */
function candidateField(index: PlanIndex, field: string, kind: MatchKind): PlanField | undefined {
  const found = searchableField(index, field, kind);
  if (!found) return undefined;
  const sibling = kind === 'domain' ? registeredDomainField(field) : undefined;
  const registered = sibling && !index.unfilled?.has(sibling) ? searchableField(index, sibling, kind) : undefined;
  return { field, ...found, kind, ...(registered ? { registeredField: registered.queryField } : {}) };
}

function searchableField(index: PlanIndex, field: string, kind: MatchKind): { queryField: string; type: string } | undefined {
  const type = index.fieldTypes.get(field);
  if (type && isSearchable(kind, type)) return { queryField: field, type };
  const subfield = `${field}.keyword`;
  const subType = type === 'text' ? index.fieldTypes.get(subfield) : undefined;
  if (subType && isSearchable(kind, subType)) return { queryField: subfield, type: subType };
  return undefined;
}

/** Only exact-value field types: a `text` field would match tokens, not values. */
function isSearchable(kind: MatchKind, type: string): boolean {
  if (kind === 'ip') return type === 'ip' || type === 'keyword';
  return type === 'keyword' || type === 'constant_keyword' || type === 'wildcard';
}

/**
 * Cuts the IOCs into batches whose queries stay under the engines' limits on every group:
 * at most `maxTerms` values per `terms` query, at most `maxClauses` clauses per query, at most
 * `maxQueryBytes` of values per query over its fields.
 * Networks get batches of their own: once a `terms` query on an `ip` field holds one CIDR,
 * the engines turn every value of it into its own clause, exact addresses included. Domains
 * that match subdomains cost suffix patterns (one clause each, per domain field): a batch
 * closes when one more would exceed the clauses left after the `terms` clauses.
 */
function batchIocs(iocs: readonly HuntIoc[], groups: readonly IndexGroup[], limits: { maxTerms: number; maxClauses: number; maxQueryBytes: number }): IocBatch[] {
  const { maxTerms, maxClauses } = limits;
  // Per kind, the most fields of that kind a group queries: what one value costs in bytes.
  const fieldsOf = (kind: MatchKind): number => Math.max(0, ...groups.map((g) => g.fields.filter((f) => f.kind === kind).length));
  const costs = new Map(MATCH_KINDS.map((kind) => [kind, fieldsOf(kind)]));
  const cost = (ioc: HuntIoc): number => (ioc.value.length + 3) * (costs.get(matchKindOf(ioc.type)) ?? 0);
  const fieldCount = Math.max(1, ...groups.map((g) => g.fields.length));
  const ipFieldCount = Math.max(0, ...groups.map((g) => g.fields.filter((f) => f.kind === 'ip' && f.type === 'ip').length));
  const domainFieldCount = Math.max(0, ...groups.map((g) => g.fields.filter((f) => f.kind === 'domain').length));
  const cidrsPerBatch = Math.min(maxTerms, ipFieldCount === 0 ? maxTerms : Math.max(1, Math.floor((maxClauses - fieldCount) / ipFieldCount)));
  // Each domain field also has a `terms` clause on its registered-domain field; suffix patterns are
  // also held to MAX_SUFFIX_PATTERNS_PER_QUERY, the engine's heap, not only its clause limit.
  const patternsPerField =
    domainFieldCount === 0
      ? Number.POSITIVE_INFINITY
      : Math.max(1, Math.floor(Math.min(maxClauses - fieldCount - domainFieldCount, MAX_SUFFIX_PATTERNS_PER_QUERY) / domainFieldCount));
  const order = (a: HuntIoc, b: HuntIoc): number => (a.type === b.type ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.type < b.type ? -1 : 1);
  const exact = iocs.filter((ioc) => ioc.cidr === undefined).sort(order);
  const networks = iocs.filter((ioc) => ioc.cidr !== undefined).sort(order);
  const chunks: HuntIoc[][] = chunkExact(exact, { maxTerms, maxBytes: limits.maxQueryBytes, cost }, patternsPerField);
  for (let i = 0; i < networks.length; i += cidrsPerBatch) chunks.push(networks.slice(i, i + cidrsPerBatch));
  return chunks.map((batch, i) => buildBatch(batchKey(i, batch), batch));
}

/**
 * A batch's key: its place and a digest of the IOCs in it (`b3.5f1e0c9a2b`). A sync between an
 * interrupted run and its `--resume` can move IOCs between batches; a checkpointed key then
 * names the same IOCs or no batch at all, so a resumed run redoes the batches that changed
 * (alerts are idempotent) and never takes one for done that holds other IOCs.
 */
function batchKey(index: number, iocs: readonly HuntIoc[]): string {
  const digest = createHash('sha256');
  for (const ioc of iocs) digest.update(`${ioc.id}\n`);
  return `b${index}.${digest.digest('hex').slice(0, 10)}`;
}

/**
 * Exact-value IOCs in order, cut at `maxTerms` values, when their bytes on the query's fields
 * would pass `maxBytes`, or when their suffix patterns would pass `patternsPerField`.
 */
function chunkExact(iocs: readonly HuntIoc[], limits: { maxTerms: number; maxBytes: number; cost: (ioc: HuntIoc) => number }, patternsPerField: number): HuntIoc[][] {
  const chunks: HuntIoc[][] = [];
  let current: HuntIoc[] = [];
  let bytes = 0;
  let packer = new SuffixPacker();
  for (const ioc of iocs) {
    const size = limits.cost(ioc);
    const full =
      current.length >= limits.maxTerms ||
      (current.length > 0 && bytes + size > limits.maxBytes) ||
      (ioc.subdomains === true && packer.chunks.length >= patternsPerField && packer.opens(ioc.value));
    if (full) {
      chunks.push(current);
      current = [];
      bytes = 0;
      packer = new SuffixPacker();
    }
    current.push(ioc);
    bytes += size;
    if (ioc.subdomains) packer.add(ioc.value);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The query values of some IOCs (also used to split a batch the cluster refused). */
export function buildBatch(key: string, iocs: readonly HuntIoc[]): IocBatch {
  const ip = termsForKind(iocs, 'ip');
  const values: IocBatch['values'] = {};
  for (const kind of ['domain', 'url', 'hash', 'email'] as const) {
    const terms = termsForKind(iocs, kind);
    if (terms.length > 0) values[kind] = terms;
  }
  const subdomains = subdomainsOf(iocs);
  return { key, exactIps: ip.exact, cidrs: ip.cidrs, values, ...(subdomains ? { subdomains } : {}), iocCount: iocs.length };
}

/** The domains of these IOCs that match subdomains, sorted, split by how they are searched. */
function subdomainsOf(iocs: readonly HuntIoc[]): IocBatch['subdomains'] {
  const domains = termsForKind(iocs.filter((ioc) => ioc.subdomains), 'domain');
  if (domains.length === 0) return undefined;
  const registered: string[] = [];
  const suffixes: string[] = [];
  for (const domain of domains) (domainScope(domain).registered ? registered : suffixes).push(domain);
  return { registered, suffixes };
}

/**
 * The retro-hunt plan: which indices to search with which fields (indices grouped by identical
 * candidate fields, so one query serves a group), time slices, IOC batches within the engines'
 * query limits, and the units (group x slice x batch) that are run and checkpointed. Pure and
 * deterministic: the same input always gives the same unit keys, which is what makes
 * `--resume` exact.
 */
export function planHunt(input: PlanHuntInput): HuntPlan {
  const timestampField = input.timestampField ?? '@timestamp';
  const { groups, skipped, textOnly } = groupIndices(input, timestampField);
  const slices = sliceRange(input.since, input.until, input.slice ?? 'month');
  const batches = input.iocs.length === 0 || groups.length === 0 ? [] : batchIocs(input.iocs, groups, {
          maxTerms: input.maxTerms ?? DEFAULT_MAX_TERMS,
          maxClauses: input.maxClauses ?? 1_000,
          maxQueryBytes: input.maxQueryBytes ?? DEFAULT_MAX_QUERY_BYTES,
        });
  const units: HuntUnit[] = [];
  groups.forEach((group, g) =>
    slices.forEach((slice, s) =>
      batches.forEach((batch, b) => units.push({ key: `${group.key}:${slice.key}:${batch.key}`, group: g, slice: s, batch: b })),
    ),
  );
  const warnings: string[] = [];
  const cidrCount = batches.reduce((n, b) => n + b.cidrs.length, 0);
  for (const group of groups) {
    const keywordIp = group.fields.filter((f) => f.kind === 'ip' && f.type !== 'ip').map((f) => f.queryField);
    if (cidrCount > 0 && keywordIp.length > 0) {
      warnings.push(`${describeList(group.indices)}: ${keywordIp.join(', ')} mapped as keyword: ${cidrCount} CIDR IOC(s) cannot match there`);
    }
  }
  for (const [field, names] of textOnly) warnings.push(`${describeList(names)}: ${field} is mapped as text without a keyword subfield: not hunted there`);
  return { since: input.since, until: input.until, timestampField, groups, slices, batches, units, skipped, warnings };
}

/**
 * The search of one unit: the slice's time range as a filter, and one `terms` clause per
 * candidate field with the batch's values of that field's kind. Networks go only to `ip`
 * fields; a keyword field would compare the CIDR text.
 */
export function buildUnitQuery(plan: HuntPlan, unit: HuntUnit, batchOverride?: IocBatch): Record<string, unknown> {
  const group = plan.groups[unit.group]!;
  const slice = plan.slices[unit.slice]!;
  const should = candidateClauses(group, batchOverride ?? plan.batches[unit.batch]!);
  return {
    bool: {
      filter: [
        { range: { [plan.timestampField]: { gte: slice.from, lt: slice.until, format: 'strict_date_optional_time' } } },
        { bool: { should, minimum_should_match: 1 } },
      ],
    },
  };
}

/**
 * One `terms` clause per candidate field of the group with the batch's values of its kind;
 * for domain fields, the subdomains of the batch's eligible domains too: a `terms` clause on
 * the registered-domain field for those that are registered domains (where the group has
 * one), suffix patterns (`buildSuffixPatterns`) for the rest. The matcher judges every hit.
 */
function candidateClauses(group: IndexGroup, batch: IocBatch): Record<string, unknown>[] {
  const should: Record<string, unknown>[] = [];
  for (const field of group.fields) {
    const { queryField, kind, type } = field;
    const values = kind === 'ip' ? (type === 'ip' ? [...batch.exactIps, ...batch.cidrs] : batch.exactIps) : (batch.values[kind] ?? []);
    if (values.length > 0) should.push({ terms: { [queryField]: values } });
    if (kind === 'domain' && batch.subdomains) should.push(...subdomainClauses(field, batch.subdomains));
  }
  return should;
}

function subdomainClauses(field: PlanField, subdomains: NonNullable<IocBatch['subdomains']>): Record<string, unknown>[] {
  const { registered, suffixes } = subdomains;
  const clauses: Record<string, unknown>[] = [];
  if (field.registeredField && registered.length > 0) clauses.push({ terms: { [field.registeredField]: registered } });
  const patterned = field.registeredField ? suffixes : [...registered, ...suffixes].sort();
  for (const value of buildSuffixPatterns(patterned)) clauses.push({ regexp: { [field.queryField]: { value, flags: 'NONE' } } });
  return clauses;
}

/**
 * The events of a group that touch the batch's IOCs but have no `@timestamp` the engine could
 * read (absent, or malformed under `ignore_malformed`): no time range can hold them, so the
 * hunt counts and names them instead of dropping them silently.
 */
export function buildUntimedQuery(plan: HuntPlan, group: number, batch: number): Record<string, unknown> {
  const should = candidateClauses(plan.groups[group]!, plan.batches[batch]!);
  return { bool: { filter: [{ bool: { should, minimum_should_match: 1 } }], must_not: [{ exists: { field: '@timestamp' } }] } };
}

/** The fields a unit's search must return: candidate fields, `@timestamp` (matching and alerts use it whatever the range field), the alert context. */
export function sourceFieldsFor(group: IndexGroup, timestampField: string): string[] {
  return [
    ...new Set(['@timestamp', timestampField, ...group.fields.map((f) => f.field)]),
    'host',
    'source',
    'destination',
    'user',
    'url',
    'dns',
    'observer',
    'network',
    'event.action',
  ];
}
