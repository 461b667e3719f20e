import type { estypes } from '@elastic/elasticsearch';
import { appliesToSubdomains, labelCount } from '../hunt/domain-scope.js';
import { MATCH_KINDS, type MatchFields, type MatchKind, matchKindOf } from '../hunt/match-fields.js';
import type { IocType } from '../ioc/types.js';
import { type CompactEntry, type CompactIocSet, CompactIocSetBuilder, type ExpandedIoc } from './compact-ioc-set.js';

/** One IOC as the live matcher sees it: the fields an enrich policy would return. */
export interface LiveIoc {
  iochunt: { id: string; value: string; cidr?: string; hunt_from: string; valid_until?: string; exact_domains?: boolean; active_feeds: string[] };
  threat: { indicator: Record<string, unknown> & { type: IocType } };
}

/** The IOC document fields both strategies carry (the enrich policies' `enrich_fields`). */
export const LIVE_IOC_FIELDS = ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'];

/**
 * Whether a live IOC also tags the subdomains of its name: the hunt's rule
 * (`huntIocFromDocument`), decided here once for both strategies' tables: a domain IOC that is
 * not a public suffix (ICANN or private section) and that not every feed loaded with
 * `--exact-domains`.
 */
export function matchesSubdomains(ioc: LiveIoc): boolean {
  return appliesToSubdomains(ioc.threat.indicator.type, ioc.iochunt.value, ioc.iochunt.exact_domains === true);
}

/** The canonical values of the IOCs that tag their subdomains, sorted, and the most labels one has (how far up the scripts look). */
export function buildSubdomainValues(iocs: readonly LiveIoc[]): { values: string[]; labels: number } {
  const values = [...new Set(iocs.filter(matchesSubdomains).map((ioc) => canonical('domain', ioc.iochunt.value)))].sort();
  return { values, labels: Math.max(0, ...values.map(labelCount)) };
}

/** One (event field, IOC kind) the pipeline checks; `key` names its temporary match list. */
export interface TagTarget {
  key: string;
  field: string;
  /** `field` split at dots once, here, instead of for every event in the script. */
  parts: string[];
  /** `rest[i]` = `parts[i..]` joined with dots: the flattened-key names to try, precomputed. */
  rest: string[];
  kind: MatchKind;
}

export type Strategy = 'enrich' | 'script';

/**
 * The pipeline templates and Painless sources, as shipped in `pipelines/`, each with
 * tag-common.painless prepended: `canon` and `reshape` (the enrich strategy's scripts), and
 * `lookup`, the script strategy's one script: tag-lookup.painless, then tag-reshape.painless.
 */
export interface TagTemplates {
  script: Record<string, unknown>;
  enrich: Record<string, unknown>;
  canon: string;
  lookup: string;
  reshape: string;
}

/** Every (field, kind) of the field table, in output order: kinds as MATCH_KINDS, then field order. */
export function buildTagTargets(fields: MatchFields, kinds?: ReadonlySet<MatchKind>): TagTarget[] {
  return MATCH_KINDS.filter((kind) => !kinds || kinds.has(kind)).flatMap((kind) =>
    fields[kind].map((field, i) => {
      const parts = field.split('.');
      return { key: `${kind}_${i}`, field, parts, rest: parts.map((_, at) => parts.slice(at).join('.')), kind };
    }),
  );
}

/**
 * The lookup key of an IOC value, as tag-common.painless (`canon`) computes it for event values:
 * lower case, except URLs, where only the scheme and host are (user info, path, query and
 * fragment keep their case, as `normalizeUrl` keeps them). IOC IPs are already in the canonical
 * text the script gives event IPs (IPv4 dotted, IPv6 RFC 5952: `normalizeIp`).
 */
function canonical(kind: MatchKind, value: string): string {
  if (kind !== 'url') return value.toLowerCase();
  const scheme = value.indexOf('://');
  if (scheme < 0) return value;
  const start = scheme + 3;
  let end = value.length;
  for (const c of ['/', '?', '#']) {
    const at = value.indexOf(c, start);
    if (at >= 0 && at < end) end = at;
  }
  const authority = value.slice(start, end);
  const userEnd = authority.lastIndexOf('@') + 1;
  return `${value.slice(0, start).toLowerCase()}${authority.slice(0, userEnd)}${authority.slice(userEnd).toLowerCase()}${value.slice(end)}`;
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    n = n * 256 + Number(part);
  }
  return n;
}

/** Dotted text of an IPv4 address held as a number (as `ip4Text` in tag-common.painless writes it). */
function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The script strategy's IOC set: {@link CompactIocSet}. */
export type LookupParams = CompactIocSet;

/**
 * Where a live IOC goes in the compact set: IP networks under their prefix length — IPv4 by the
 * masked network address, IPv6 by the network address in RFC 5952 text — (the script masks an
 * address once per prefix length present, so nested networks all match, exactly as the enrich
 * `range` policy does); every other IOC under its kind and canonical value, a domain IOC that
 * tags its subdomains also among the parents.
 */
export function compactEntryOf(ioc: LiveIoc): { entry: CompactEntry; kind: MatchKind } {
  const kind = matchKindOf(ioc.threat.indicator.type);
  // Only what tag-reshape.painless reads (a scan may return more).
  const { id, value, cidr, hunt_from, valid_until, active_feeds } = ioc.iochunt;
  const doc: ExpandedIoc = {
    iochunt: { id, value, ...(cidr === undefined ? {} : { cidr }), hunt_from, ...(valid_until === undefined ? {} : { valid_until }), active_feeds },
    threat: { indicator: ioc.threat.indicator },
  };
  if (ioc.iochunt.cidr) {
    const [network = '', bits = '32'] = ioc.iochunt.cidr.split('/');
    const start = ipv4ToNumber(network);
    if (start === undefined) return { entry: { ioc: doc, table: { nets6: bits }, key: network }, kind };
    const size = 2 ** (32 - Number(bits));
    return { entry: { ioc: doc, table: { nets: bits }, key: ipv4Text(Math.floor(start / size) * size) }, kind };
  }
  return { entry: { ioc: doc, table: { exact: kind }, key: canonical(kind, ioc.iochunt.value), ...(matchesSubdomains(ioc) ? { parent: true } : {}) }, kind };
}

/** The compact IOC set of the script strategy ({@link CompactIocSet}) for these IOCs. Pure; the same set in any order gives the same params. */
export function buildLookupParams(iocs: readonly LiveIoc[]): LookupParams {
  const builder = new CompactIocSetBuilder();
  for (const ioc of iocs) {
    const { entry, kind } = compactEntryOf(ioc);
    builder.add(entry, kind);
  }
  return builder.finish();
}

/** Replaces `"@@name"` placeholders (whole JSON values, or array items spliced in) with values. */
export function fillTemplate(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === 'string' && template.startsWith('@@')) {
    const key = template.slice(2);
    if (!Object.hasOwn(values, key)) throw new Error(`pipeline template placeholder ${template} has no value`);
    return values[key];
  }
  if (Array.isArray(template)) {
    return template.flatMap((item) => {
      const filled = fillTemplate(item, values);
      return typeof item === 'string' && item.startsWith('@@') && Array.isArray(filled) ? filled : [filled];
    });
  }
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return template;
}

export interface TagPipelineOptions {
  templates: TagTemplates;
  iocs: readonly LiveIoc[];
  fields: MatchFields;
  iocIndex: string;
  setVersion: number;
  graceMs?: number;
}

/** The targets as the scripts read them. */
function scriptTargets(targets: readonly TagTarget[]): Record<string, unknown>[] {
  return targets.map(({ key, field, parts, rest, kind }) => ({ key, field, parts, rest, kind }));
}

function reshapeParams(targets: readonly TagTarget[], iocIndex: string, graceMs: number): Record<string, unknown> {
  return { targets: scriptTargets(targets), iocIndex, graceMs };
}

/** The OpenSearch (script strategy) pipeline for the given active IOCs. Pure. */
export function buildScriptPipeline(options: TagPipelineOptions): Record<string, unknown> {
  const { iocs, ...rest } = options;
  return buildScriptPipelineFor(rest, buildLookupParams(iocs), new Set(iocs.map((ioc) => matchKindOf(ioc.threat.indicator.type))));
}

/** The script-strategy pipeline for a compact set already built (an install streams the IOCs into it), holding IOCs of `kinds`. Pure. */
export function buildScriptPipelineFor(options: Omit<TagPipelineOptions, 'iocs'>, set: CompactIocSet, kinds: ReadonlySet<MatchKind>): Record<string, unknown> {
  const targets = buildTagTargets(options.fields, kinds);
  const body = fillTemplate(options.templates.script, {
    'tag-lookup': options.templates.lookup,
    'lookup-params': { ...set, ...reshapeParams(targets, options.iocIndex, options.graceMs ?? 0) },
  }) as Record<string, unknown>;
  // No `_meta`: OpenSearch pipelines refuse it. The version is the IOC-set version.
  return { ...body, version: options.setVersion };
}

/** Enrich policy names of one IOC-set version: policies are immutable, so each version gets new ones. */
function enrichPolicyName(prefix: string, kind: MatchKind | 'subdomain', setVersion: number): string {
  return `${prefix}-${kind}-v${setVersion}`;
}

/**
 * Whether an enrich policy name is one of this prefix's (`<prefix>-<kind>-v<set version>`),
 * and not another prefix's that merely starts the same way (`iochunt-demo-ip-v3` is not
 * `iochunt`'s), so install and remove never touch another prefix's policies.
 */
export function isOwnEnrichPolicy(prefix: string, name: string): boolean {
  if (!name.startsWith(`${prefix}-`)) return false;
  return /^(?:ip|domain|subdomain|url|hash|email)-v\d+$/.test(name.slice(prefix.length + 1));
}

/**
 * The enrich policies of one IOC-set version: a `range` policy on `iochunt.ip_range` for every
 * IP IOC (addresses are stored as /32 and /128 ranges, so one policy matches addresses and
 * networks with IP semantics, IPv6 included) and a `match` policy on `iochunt.value` per other
 * kind. Only active IOCs are enriched from. With `subdomainValues` (the canonical values of the
 * IOCs that tag their subdomains, {@link buildSubdomainValues}), a `match` policy
 * `<prefix>-subdomain-v<N>` over those IOCs only, which the parents of event names are looked
 * up in: the public-suffix rule is applied here, once, not by the pipeline. Typed against the
 * Elasticsearch client.
 */
export function buildEnrichPolicies(
  prefix: string,
  iocIndex: string,
  setVersion: number,
  kinds: ReadonlySet<MatchKind>,
  subdomainValues: readonly string[] = [],
): estypes.EnrichPutPolicyRequest[] {
  const policies = MATCH_KINDS.filter((kind) => kinds.has(kind)).map((kind): estypes.EnrichPutPolicyRequest => {
    const types = (['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'file', 'email-addr'] as const).filter((t) => matchKindOf(t) === kind);
    const policy: estypes.EnrichPolicy = {
      indices: iocIndex,
      match_field: kind === 'ip' ? 'iochunt.ip_range' : 'iochunt.value',
      enrich_fields: [...LIVE_IOC_FIELDS],
      query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': [...types] } }] } },
    };
    return { name: enrichPolicyName(prefix, kind, setVersion), ...(kind === 'ip' ? { range: policy } : { match: policy }) };
  });
  if (subdomainValues.length === 0) return policies;
  const subdomains: estypes.EnrichPolicy = {
    indices: iocIndex,
    match_field: 'iochunt.value',
    enrich_fields: [...LIVE_IOC_FIELDS],
    query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { term: { 'threat.indicator.type': 'domain-name' } }, { terms: { 'iochunt.value': [...subdomainValues] } }] } },
  };
  return [...policies, { name: enrichPolicyName(prefix, 'subdomain', setVersion), match: subdomains }];
}

/**
 * The Elasticsearch (enrich strategy) pipeline: the canonicalisation script (tag-canon.painless),
 * then one enrich processor per (field, kind) on the canonical keys — so both strategies match
 * exactly the same events — each with its own `on_failure`, so one failed lookup (a full enrich
 * queue) marks the event and loses no other field's matches. When some IOCs tag their
 * subdomains, the script also writes each domain value's parents (at most as many labels as
 * the longest such IOC) and one more enrich processor per domain field looks them up in the
 * `subdomain` policy, so both strategies tag the same subdomains. Pure.
 */
export function buildEnrichPipeline(options: TagPipelineOptions & { prefix: string; kinds: ReadonlySet<MatchKind> }): Record<string, unknown> {
  const targets = buildTagTargets(options.fields, options.kinds);
  const { labels } = buildSubdomainValues(options.iocs);
  const lookup = (target: TagTarget, policy: MatchKind | 'subdomain', from: string, to: string): estypes.IngestProcessorContainer => ({
    enrich: {
      tag: `iochunt-enrich-${from === 'canon' ? '' : 'parents-'}${target.key}`,
      policy_name: enrichPolicyName(options.prefix, policy, options.setVersion),
      field: `_iochunt.${from}.${target.key}`,
      target_field: `_iochunt.${to}.${target.key}`,
      // Multi-valued fields (related.ip) and nested networks can match several IOCs.
      max_matches: 128,
      ignore_missing: true,
      override: true,
      on_failure: [{ append: { field: '_iochunt.failed', value: [target.field] } }],
    },
  });
  const processors = targets.flatMap((target) => [
    lookup(target, target.kind, 'canon', 'targets'),
    ...(labels > 0 && target.kind === 'domain' ? [lookup(target, 'subdomain', 'canon_parents', 'parents')] : []),
  ]);
  const body = fillTemplate(options.templates.enrich, {
    'tag-canon': options.templates.canon,
    'canon-params': { targets: scriptTargets(targets), ...(labels > 0 ? { parentLabels: labels } : {}) },
    'enrich-processors': processors,
    'tag-reshape': options.templates.reshape,
    'reshape-params': reshapeParams(targets, options.iocIndex, options.graceMs ?? 0),
  }) as Record<string, unknown>;
  return { ...body, version: options.setVersion };
}
