import { withoutUndefined } from './assign-defined.js';
import { buildIocId } from './ioc-id.js';
import type { Bulletin, IocType, ParsedIoc } from './types.js';

/** What one feed says about one IOC (`iochunt.feeds[]`). */
export interface FeedEntry {
  name: string;
  active: boolean;
  /** Retro-hunts of this feed start here (ISO). */
  hunt_from: string;
  valid_until?: string;
  source_id?: string;
  description?: string;
  reference?: string;
  provider?: string;
  tlp?: string;
  confidence?: number;
  first_seen?: string;
  last_seen?: string;
  tags?: string[];
  /** The value as this feed wrote it (defanged, upper-case hash...), when it differs from `iochunt.value`. */
  original?: string;
  /** The bulletin, MISP event or STIX report the feed took it from (a report's sources). */
  bulletin?: Bulletin;
  /** Loaded with `sync --exact-domains` (domain IOCs only): this feed wants no subdomain matches. */
  exact_domains?: true;
  added_at: string;
  updated_at: string;
}

/** The stored IOC document in `<prefix>-iocs` (ECS `threat.indicator.*` plus `iochunt.*`). */
export interface IocDocument {
  threat: {
    indicator: Record<string, unknown> & { type: IocType };
    feed: { name: string[] };
  };
  iochunt: {
    /** The document's own `_id`, so copies (enrich indices, script params) can name it. */
    id: string;
    value: string;
    cidr?: string;
    ip_range?: string;
    active: boolean;
    active_feeds: string[];
    hunt_from?: string;
    valid_until?: string;
    /** Every active feed that lists this domain IOC loaded it with `--exact-domains`: hunt and live tagging match its exact name only. */
    exact_domains?: true;
    source_id?: string;
    added_at: string;
    updated_at: string;
    set_version: number;
    feeds: FeedEntry[];
  };
}

/** The load a parsed IOC belongs to. */
export interface FeedLoad {
  name: string;
  huntFrom: string;
  /** Defaults for entries that carry none (`--tlp`, `--confidence`). */
  tlp?: string;
  confidence?: number;
  /** `--exact-domains`: the feed's domain IOCs match their exact name only, not subdomains. */
  exactDomains?: boolean;
  /** This sync's timestamp and IOC-set version, stamped on what changes. */
  now: string;
  setVersion: number;
}

/** What identifies an IOC document: its `_id` and the canonical (type, value) it was built from. */
export type IocIdentity = Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'> & { id: string };

export type IocChange = 'added' | 'updated' | 'reactivated' | 'unchanged' | 'deactivated';

export interface IocDocumentChange {
  document: IocDocument;
  change: IocChange;
}

/** Most restrictive last: the document shows the strictest marking any active feed gives. */
const TLP_ORDER = ['CLEAR', 'WHITE', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** ECS `threat.indicator.confidence` is a keyword scale; sources give 0-100 (STIX mapping). */
export function confidenceLabel(score: number | undefined): string | undefined {
  if (score === undefined) return undefined;
  if (score === 0) return 'None';
  if (score < 30) return 'Low';
  if (score < 70) return 'Medium';
  return 'High';
}

/** `threat.indicator.*` fields that hold the value itself, per type (README `iochunt sync`, "Normalisation"). */
function valueFields(ioc: IocIdentity): Record<string, unknown> {
  switch (ioc.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return ioc.cidr ? {} : { ip: ioc.value };
    case 'domain-name':
      return { url: { domain: ioc.value } };
    case 'url':
      return { url: { full: ioc.value, ...urlDomain(ioc.value) } };
    case 'file':
      return { file: { hash: { [ioc.hashAlgorithm ?? 'sha256']: ioc.value } } };
    case 'email-addr':
      return { email: { address: ioc.value } };
  }
}

function urlDomain(url: string): { domain?: string } {
  try {
    return { domain: new URL(url).hostname };
  } catch {
    return {};
  }
}

function feedEntryFrom(ioc: ParsedIoc, load: FeedLoad, previous: FeedEntry | undefined): FeedEntry {
  const added_at = previous?.added_at ?? load.now;
  const entry = withoutUndefined({
    name: load.name,
    active: true,
    hunt_from: load.huntFrom,
    valid_until: ioc.validUntil,
    source_id: ioc.sourceId,
    description: ioc.description,
    reference: ioc.reference,
    provider: ioc.provider,
    tlp: ioc.tlp ?? load.tlp,
    confidence: ioc.confidence ?? load.confidence,
    first_seen: ioc.firstSeen,
    last_seen: ioc.lastSeen,
    tags: ioc.tags && ioc.tags.length > 0 ? [...ioc.tags].sort() : undefined,
    original: ioc.original === ioc.value ? undefined : ioc.original,
    bulletin: ioc.bulletin ? { ...ioc.bulletin } : undefined,
    exact_domains: load.exactDomains === true && ioc.type === 'domain-name' ? true : undefined,
    added_at,
    updated_at: previous?.updated_at ?? load.now,
  });
  if (previous !== undefined && !sameEntry(previous, entry)) entry.updated_at = load.now;
  return entry as FeedEntry;
}

/**
 * Entries and documents are built with a fixed key order and stored verbatim in `_source`, so
 * plain JSON compares them; a stored copy in another order only costs one needless rewrite.
 */
function sameEntry(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Aggregates of the feeds a document is derived from (one pass, no intermediate arrays). */
interface FeedSummary {
  tlp?: string;
  confidence?: number;
  huntFrom?: string;
  /** Latest `valid_until`, or undefined as soon as one feed has none (it never expires). */
  validUntil?: string;
  firstSeen?: string;
  lastSeen?: string;
  /** Every feed asked for exact domain matching (one that did not keeps subdomains on). */
  exactDomains?: true;
}

function summarize(feeds: readonly FeedEntry[]): FeedSummary {
  const summary: FeedSummary = {};
  let tlpRank = -1;
  let expires = feeds.length > 0;
  let exact = feeds.length > 0;
  for (const feed of feeds) {
    if (feed.exact_domains !== true) exact = false;
    if (feed.tlp !== undefined && TLP_ORDER.indexOf(feed.tlp) >= tlpRank) {
      tlpRank = TLP_ORDER.indexOf(feed.tlp);
      summary.tlp = feed.tlp;
    }
    if (feed.confidence !== undefined && (summary.confidence === undefined || feed.confidence > summary.confidence)) summary.confidence = feed.confidence;
    if (summary.huntFrom === undefined || feed.hunt_from < summary.huntFrom) summary.huntFrom = feed.hunt_from;
    if (feed.valid_until === undefined) expires = false;
    else if (summary.validUntil === undefined || feed.valid_until > summary.validUntil) summary.validUntil = feed.valid_until;
    if (feed.first_seen !== undefined && (summary.firstSeen === undefined || feed.first_seen < summary.firstSeen)) summary.firstSeen = feed.first_seen;
    if (feed.last_seen !== undefined && (summary.lastSeen === undefined || feed.last_seen > summary.lastSeen)) summary.lastSeen = feed.last_seen;
  }
  if (!expires) delete summary.validUntil;
  if (exact) summary.exactDomains = true;
  return summary;
}

/** Every IP IOC as a range (an address is a /32 or /128): one enrich `range` policy then matches addresses and networks with IP semantics. */
function ipRange(identity: IocIdentity): string | undefined {
  if (identity.cidr) return identity.cidr;
  if (identity.type === 'ipv4-addr') return `${identity.value}/32`;
  if (identity.type === 'ipv6-addr') return `${identity.value}/128`;
  return undefined;
}

/**
 * The whole document, derived only from the IOC's identity and its feed entries, so the same
 * feeds always give the same document: reloading a feed, or loading two feeds in any order,
 * converges. Aggregates over active feeds: earliest `hunt_from`, latest `valid_until` (none if
 * any active feed has none), `exact_domains` only if every one asked for it, strictest TLP, highest confidence, earliest first seen, latest last
 * seen; description, reference and source id from the first feed that added it.
 */
function deriveDocument(identity: IocIdentity, feeds: FeedEntry[], stamp: { added_at: string; updated_at: string; set_version: number }): IocDocument {
  const names: string[] = [];
  const activeNames: string[] = [];
  const active: FeedEntry[] = [];
  for (const feed of feeds) {
    names.push(feed.name);
    if (feed.active) {
      active.push(feed);
      activeNames.push(feed.name);
    }
  }
  const basis = active.length > 0 ? active : feeds;
  const first = basis[0];
  const summary = summarize(basis);
  return {
    threat: {
      indicator: withoutUndefined({
        type: identity.type,
        ...valueFields(identity),
        name: identity.value,
        description: first?.description,
        reference: first?.reference,
        provider: first?.provider,
        confidence: confidenceLabel(summary.confidence),
        marking: summary.tlp ? { tlp: summary.tlp } : undefined,
        first_seen: summary.firstSeen,
        last_seen: summary.lastSeen,
      }) as IocDocument['threat']['indicator'],
      feed: { name: names },
    },
    iochunt: withoutUndefined({
      id: identity.id,
      value: identity.value,
      cidr: identity.cidr,
      ip_range: ipRange(identity),
      active: active.length > 0,
      active_feeds: activeNames,
      hunt_from: summary.huntFrom,
      valid_until: summary.validUntil,
      exact_domains: summary.exactDomains,
      source_id: first?.source_id,
      confidence: summary.confidence,
      added_at: stamp.added_at,
      updated_at: stamp.updated_at,
      set_version: stamp.set_version,
      feeds,
    }) as IocDocument['iochunt'],
  };
}

function finish(identity: IocIdentity, feeds: FeedEntry[], existing: IocDocument | undefined, load: Pick<FeedLoad, 'now' | 'setVersion'>, changedAs: IocChange): IocDocumentChange {
  if (!existing) {
    return { document: deriveDocument(identity, feeds, { added_at: load.now, updated_at: load.now, set_version: load.setVersion }), change: 'added' };
  }
  const kept = deriveDocument(identity, feeds, {
    added_at: existing.iochunt.added_at,
    updated_at: existing.iochunt.updated_at,
    set_version: existing.iochunt.set_version,
  });
  if (sameEntry(kept, existing)) return { document: existing, change: 'unchanged' };
  kept.iochunt.updated_at = load.now;
  kept.iochunt.set_version = load.setVersion;
  return { document: kept, change: changedAs };
}

/**
 * The document for `ioc` after this feed's load, given what is stored (if anything). Pure:
 * returns `unchanged` with the stored document when the load adds nothing, so a reload
 * writes nothing and no document version moves. `id` is the document id when the caller has
 * it already (it is derived from the IOC otherwise).
 */
export function buildIocDocument(ioc: ParsedIoc, load: FeedLoad, existing?: IocDocument, id = buildIocId(ioc.type, ioc.value)): IocDocumentChange {
  const feeds = existing ? existing.iochunt.feeds.map((f) => ({ ...f })) : [];
  let at = -1;
  for (let i = 0; i < feeds.length; i++) if (feeds[i]!.name === load.name) at = i;
  const previous = at >= 0 ? feeds[at] : undefined;
  const entry = feedEntryFrom(ioc, load, previous);
  if (at >= 0) feeds[at] = entry;
  else feeds.push(entry);
  const identity: IocIdentity = { id, type: ioc.type, value: ioc.value, ...(ioc.cidr ? { cidr: ioc.cidr } : {}), ...(ioc.hashAlgorithm ? { hashAlgorithm: ioc.hashAlgorithm } : {}) };
  return finish(identity, feeds, existing, load, previous?.active === false ? 'reactivated' : 'updated');
}

/**
 * `--replace`: the feed no longer lists this IOC, so its entry becomes inactive (never
 * deleted); the IOC stays active while another feed lists it.
 */
export function buildDeactivatedDocument(existing: IocDocument, feedName: string, load: Pick<FeedLoad, 'now' | 'setVersion'>): IocDocumentChange {
  const feeds = existing.iochunt.feeds.map((f) =>
    f.name === feedName && f.active ? { ...f, active: false, updated_at: load.now } : { ...f },
  );
  return finish(identityOf(existing), feeds, existing, load, 'deactivated');
}

/** The identity a stored document was built from. */
function identityOf(document: IocDocument): IocIdentity {
  const hash = (document.threat.indicator.file as { hash?: Record<string, string> } | undefined)?.hash;
  const algorithm = hash ? (Object.keys(hash)[0] as ParsedIoc['hashAlgorithm']) : undefined;
  const { type } = document.threat.indicator;
  const { value } = document.iochunt;
  return withoutUndefined({
    id: document.iochunt.id ?? buildIocId(type, value),
    type,
    value,
    cidr: document.iochunt.cidr,
    hashAlgorithm: algorithm,
  }) as IocIdentity;
}
