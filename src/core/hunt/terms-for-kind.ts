import { canonicalAtomic } from './canonical-atomic.js';
import type { HuntIoc } from './hunt-ioc.js';
import { matchKindOf, type MatchKind } from './match-fields.js';
import { parseIocNetwork } from './parse-ip-key.js';

/** IP values for queries: single addresses and networks apart. */
export interface IpTerms {
  exact: string[];
  cidrs: string[];
}

/**
 * The values to put in `terms` queries for the IOCs of one kind: canonical, deduplicated,
 * sorted (so batches and dry-run output are stable). IOCs of other kinds are ignored, and
 * IP values that are not addresses are left out (the matcher lists them as rejected).
 *
 * For `ip`, networks come apart from addresses; Elasticsearch and OpenSearch `ip` fields
 * accept CIDR notation in `term`/`terms`, and they store IPv4-mapped IPv6 as IPv4, so the
 * canonical IPv4 value also finds `::ffff:a.b.c.d`.
 *
 * Pitfall: keyword fields (`dns.question.name`, `url.full`, `file.hash.*`...) are
 * case-sensitive. These terms find events that logged the canonical form only; upper-case,
 * trailing-dot or Unicode variants, and subdomains when that option is on, need other
 * clauses (e.g. `case_insensitive` term queries, suffix wildcards). The matcher accepts them
 * all, so the query decides what is found.
 */
export function termsForKind(iocs: readonly HuntIoc[], kind: 'ip'): IpTerms;
export function termsForKind(iocs: readonly HuntIoc[], kind: Exclude<MatchKind, 'ip'>): string[];
export function termsForKind(iocs: readonly HuntIoc[], kind: MatchKind): IpTerms | string[];
export function termsForKind(iocs: readonly HuntIoc[], kind: MatchKind): IpTerms | string[] {
  const ofKind = iocs.filter((ioc) => matchKindOf(ioc.type) === kind);
  if (kind !== 'ip') return sortedUnique(ofKind.map((ioc) => canonicalAtomic(kind, ioc.value)));
  const exact: string[] = [];
  const cidrs: string[] = [];
  for (const ioc of ofKind) {
    const network = parseIocNetwork(ioc.cidr ?? ioc.value);
    if (network) (network.cidr ? cidrs : exact).push(network.text);
  }
  return { exact: sortedUnique(exact), cidrs: sortedUnique(cidrs) };
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
