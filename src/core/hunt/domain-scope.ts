import { parse } from 'tldts';

/** What a domain IOC matches beyond its own name (README "Matching", subdomains). */
export interface DomainScope {
  /**
   * The IOC matches its subdomains too: it has a registrable part, i.e. it is not itself a
   * public suffix of the Public Suffix List, ICANN section (`co.uk`) or private section
   * (`github.io`, `blogspot.com`, `herokuapp.com`: one parent, many unrelated owners).
   */
  subdomains: boolean;
  /**
   * The IOC is its own registered domain under both sections of the list (`evil-update.com`,
   * not `a.evil-update.com` nor `foo.github.io`), so every subdomain event's ECS
   * `*.registered_domain` equals it whichever section the shipper used: a `terms` query on
   * that field finds them without a suffix query.
   */
  registered: boolean;
}

const NO_SUBDOMAINS: DomainScope = Object.freeze({ subdomains: false, registered: false });

/**
 * The subdomain rule of one canonical domain IOC value (lower case, punycode, no trailing
 * dot, as sync stores it), decided by the Public Suffix List that `tldts` ships. A name whose
 * top label the list does not know (`evil.example`, `evil.local`) follows the list's default
 * rule: the last label is the suffix, so `evil.example` matches `a.evil.example` and `example`
 * matches only itself.
 *
 * Pitfall: the list changes with `tldts` releases; a name that becomes a public suffix stops
 * matching its subdomains at the next hunt or pipeline install, never silently half-way.
 */
export function domainScope(domain: string): DomainScope {
  const withPrivate = parse(domain, { allowPrivateDomains: true, extractHostname: false, validateHostname: false, detectIp: true });
  if (withPrivate.isIp || withPrivate.domain === null || withPrivate.domain === '') return NO_SUBDOMAINS;
  if (withPrivate.domain !== domain) return { subdomains: true, registered: false };
  const icann = parse(domain, { allowPrivateDomains: false, extractHostname: false, validateHostname: false, detectIp: true });
  return { subdomains: true, registered: icann.domain === domain };
}

/** The number of labels of a domain (`a.evil.example`: 3). */
export function labelCount(domain: string): number {
  let count = 1;
  for (let i = domain.indexOf('.'); i >= 0; i = domain.indexOf('.', i + 1)) count += 1;
  return count;
}

/**
 * Whether an IOC matches the subdomains of its value: a domain IOC, not turned off for it
 * (`exactDomains`: `hunt --exact-domains`, or every feed listing it loaded with
 * `sync --exact-domains`), and not a public suffix. The one rule for the hunt and live tagging.
 */
export function appliesToSubdomains(type: string, value: string, exactDomains: boolean): boolean {
  return type === 'domain-name' && !exactDomains && domainScope(value).subdomains;
}
