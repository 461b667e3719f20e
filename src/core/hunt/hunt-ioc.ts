import { InternalError } from '../../errors.js';
import type { IocDocument } from '../ioc/build-ioc-document.js';
import type { IocType } from '../ioc/types.js';
import { appliesToSubdomains } from './domain-scope.js';

/** One stored IOC, in the shape the hunt matches with. */
export interface HuntIoc {
  /** The IOC document's `_id` (alerts reference it as `threat.enrichments.matched.id`). */
  id: string;
  type: IocType;
  /** Canonical value (`iochunt.value`); for a network, the CIDR. */
  value: string;
  /** Set when the IOC is a network (`iochunt.cidr`). */
  cidr?: string;
  /** Events before this instant (ISO) never match the IOC. */
  huntFrom: string;
  /** Events after this instant (ISO), plus the configured grace, never match the IOC. */
  validUntil?: string;
  /**
   * Set on a domain IOC that also matches its subdomains (label boundary: `a.evil.example`,
   * never `xevil.example`): not a public suffix (`domainScope`), not loaded with
   * `sync --exact-domains` by every feed that lists it, not hunted with `--exact-domains`.
   */
  subdomains?: true;
  /** The stored document, for copying `threat.indicator` into alerts. Never modified. */
  document: IocDocument;
}

export interface HuntIocOptions {
  /** `hunt --exact-domains`: no IOC of this hunt matches subdomains. */
  exactDomains?: boolean;
}

/**
 * Reads a stored IOC document (`_id` and `_source` from `<prefix>-iocs`) into a
 * {@link HuntIoc}. The document is referenced, not copied.
 *
 * `iochunt.hunt_from` is always written by sync; a document without it falls back to the
 * earliest `hunt_from` of its feeds, and one without any is rejected (hunting it from the
 * beginning of time would flood the alerts index). Whether a domain IOC matches its
 * subdomains is decided here, once, for the planner and the matcher alike.
 */
export function huntIocFromDocument(id: string, document: IocDocument, options: HuntIocOptions = {}): HuntIoc {
  const huntFrom = document.iochunt.hunt_from ?? earliestFeedHuntFrom(document);
  if (huntFrom === undefined) {
    throw new InternalError(`IOC document ${id} has no iochunt.hunt_from: re-run "iochunt sync" for its feed`);
  }
  const { cidr, valid_until: validUntil } = document.iochunt;
  const { type } = document.threat.indicator;
  const subdomains = appliesToSubdomains(type, document.iochunt.value, options.exactDomains === true || document.iochunt.exact_domains === true);
  return {
    id,
    type,
    value: document.iochunt.value,
    ...(cidr === undefined ? {} : { cidr }),
    huntFrom,
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(subdomains ? { subdomains: true as const } : {}),
    document,
  };
}

function earliestFeedHuntFrom(document: IocDocument): string | undefined {
  return document.iochunt.feeds
    .map((feed) => feed.hunt_from)
    .filter((value): value is string => typeof value === 'string')
    .sort()[0];
}
