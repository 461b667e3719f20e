import { InternalError } from '../../errors.js';
import type { IocDocument } from '../ioc/build-ioc-document.js';
import type { IocType } from '../ioc/types.js';
import { appliesToSubdomains } from './domain-scope.js';

/**
 * The parts of a stored IOC document the hunt reads: what decides a match (value, network,
 * validity, subdomains), what an alert copies (`threat.indicator`, the feeds) and the set
 * version. The hunt reads only these fields of `<prefix>-iocs` ({@link HUNT_IOC_FIELDS}), so a
 * million IOCs are held without their feed histories.
 */
export interface HuntIocDocument {
  threat: { indicator: IocDocument['threat']['indicator']; feed: { name: string[] } };
  iochunt: Pick<IocDocument['iochunt'], 'value' | 'cidr' | 'hunt_from' | 'valid_until' | 'exact_domains' | 'active_feeds' | 'set_version'> & {
    feeds: Pick<IocDocument['iochunt']['feeds'][number], 'hunt_from'>[];
  };
}

/** The `_source` fields of {@link HuntIocDocument}, for the scan of the IOC index. */
export const HUNT_IOC_FIELDS = [
  'threat.indicator',
  'threat.feed.name',
  'iochunt.value',
  'iochunt.cidr',
  'iochunt.hunt_from',
  'iochunt.valid_until',
  'iochunt.exact_domains',
  'iochunt.active_feeds',
  'iochunt.set_version',
  'iochunt.feeds.hunt_from',
];

/** The parts of an IOC document an alert copies (`buildEnrichment`). */
export interface AlertSource {
  threat: { indicator: IocDocument['threat']['indicator']; feed: { name: string[] } };
  iochunt: { active_feeds: string[] };
}

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
  /** What an alert copies from the stored document: `threat.indicator` and the feeds. Never modified. */
  document: AlertSource;
}

export interface HuntIocOptions {
  /** `hunt --exact-domains`: no IOC of this hunt matches subdomains. */
  exactDomains?: boolean;
}

/**
 * Shares equal strings and feed lists among the IOCs of one read: a million IOCs of a few
 * feeds hold one copy of each `hunt_from`, `valid_until` and feed list, not a million.
 */
export class HuntIocInterner {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();
  private readonly feeds = new Map<string[], { name: string[] }>();
  private readonly actives = new Map<string[], { active_feeds: string[] }>();

  /** One `{ name }` object per distinct feed list. */
  feed(names: readonly string[]): { name: string[] } {
    const list = this.list(names);
    let known = this.feeds.get(list);
    if (!known) this.feeds.set(list, (known = { name: list }));
    return known;
  }

  /** One `{ active_feeds }` object per distinct list. */
  active(names: readonly string[]): { active_feeds: string[] } {
    const list = this.list(names);
    let known = this.actives.get(list);
    if (!known) this.actives.set(list, (known = { active_feeds: list }));
    return known;
  }

  /**
   * The indicator with its strings shared: those equal to the IOC's value (`name`, `ip`,
   * `url.domain`, a hash...) become the value itself, and every other one a copy per distinct
   * text of this read (a feed repeats `type`, `provider`, `description`, the seen times,
   * `marking.tlp`). Same keys, same order, same values: an alert copies it as stored.
   */
  indicator(indicator: AlertSource['threat']['indicator'], value: string): AlertSource['threat']['indicator'] {
    return this.shared(indicator, value) as AlertSource['threat']['indicator'];
  }

  private shared(node: unknown, value: string): unknown {
    if (typeof node === 'string') return node === value ? value : this.string(node);
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) out[key] = this.shared(child, value);
    return out;
  }

  string<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  list(values: readonly string[]): string[] {
    const key = values.join('\u0000');
    const known = this.lists.get(key);
    if (known) return known;
    const fresh = values.map((v) => this.string(v));
    this.lists.set(key, fresh);
    return fresh;
  }
}

/**
 * Reads a stored IOC document (`_id` and `_source` from `<prefix>-iocs`) into a
 * {@link HuntIoc}, keeping of the document only what an alert copies; with an `interner`,
 * equal strings and feed lists are shared (the indicator rebuilt with shared strings), without
 * one the indicator is referenced, not copied.
 *
 * `iochunt.hunt_from` is always written by sync; a document without it falls back to the
 * earliest `hunt_from` of its feeds, and one without any is rejected (hunting it from the
 * beginning of time would flood the alerts index). Whether a domain IOC matches its
 * subdomains is decided here, once, for the planner and the matcher alike.
 */
export function huntIocFromDocument(id: string, document: HuntIocDocument, options: HuntIocOptions = {}, interner?: HuntIocInterner): HuntIoc {
  const huntFrom = document.iochunt.hunt_from ?? earliestFeedHuntFrom(document);
  if (huntFrom === undefined) {
    throw new InternalError(`IOC document ${id} has no iochunt.hunt_from: re-run "iochunt sync" for its feed`);
  }
  const { cidr, valid_until: validUntil } = document.iochunt;
  const { type } = document.threat.indicator;
  const subdomains = appliesToSubdomains(type, document.iochunt.value, options.exactDomains === true || document.iochunt.exact_domains === true);
  const share = <T extends string | undefined>(value: T): T => (interner ? interner.string(value) : value);
  const feeds = document.threat.feed?.name ?? [];
  const active = document.iochunt.active_feeds ?? [];
  return {
    id,
    type,
    value: document.iochunt.value,
    ...(cidr === undefined ? {} : { cidr }),
    huntFrom: share(huntFrom),
    ...(validUntil === undefined ? {} : { validUntil: share(validUntil) }),
    ...(subdomains ? { subdomains: true as const } : {}),
    document: {
      threat: { indicator: interner ? interner.indicator(document.threat.indicator, document.iochunt.value) : document.threat.indicator, feed: interner ? interner.feed(feeds) : { name: [...feeds] } },
      iochunt: interner ? interner.active(active) : { active_feeds: [...active] },
    },
  };
}

function earliestFeedHuntFrom(document: HuntIocDocument): string | undefined {
  return document.iochunt.feeds
    .map((feed) => feed.hunt_from)
    .filter((value): value is string => typeof value === 'string')
    .sort()[0];
}
