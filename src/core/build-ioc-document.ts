import { buildIocId } from './ioc/ioc-id.js';
import type { IocType, ParsedIoc } from './ioc/types.js';

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
  original?: string;
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
    original: string;
    cidr?: string;
    ip_range?: string;
    active: boolean;
    active_feeds: string[];
    hunt_from?: string;
    valid_until?: string;
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
  /** This sync's timestamp and IOC-set version, stamped on what changes. */
  now: string;
  setVersion: number;
}

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

/** `threat.indicator.*` fields that hold the value itself, per type (SPEC "IOC model"). */
function valueFields(ioc: Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'>): Record<string, unknown> {
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

/** A copy without undefined values (they would differ from a stored document that lacks the key). */
function defined<T extends Record<string, unknown>>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

function feedEntryFrom(ioc: ParsedIoc, load: FeedLoad, previous: FeedEntry | undefined): FeedEntry {
  const tlp = ioc.tlp ?? load.tlp;
  const confidence = ioc.confidence ?? load.confidence;
  const content = defined({
    name: load.name,
    active: true,
    hunt_from: load.huntFrom,
    valid_until: ioc.validUntil,
    source_id: ioc.sourceId,
    description: ioc.description,
    reference: ioc.reference,
    provider: ioc.provider,
    tlp,
    confidence,
    first_seen: ioc.firstSeen,
    last_seen: ioc.lastSeen,
    tags: ioc.tags && ioc.tags.length > 0 ? [...ioc.tags].sort() : undefined,
    original: ioc.original,
  });
  const added_at = previous?.added_at ?? load.now;
  const same = previous !== undefined && sameEntry(previous, { ...content, added_at, updated_at: previous.updated_at });
  return { ...content, added_at, updated_at: same ? previous.updated_at : load.now } as FeedEntry;
}

/**
 * Entries and documents are built with a fixed key order and stored verbatim in `_source`, so
 * plain JSON compares them; a stored copy in another order only costs one needless rewrite.
 */
function sameEntry(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function minIso(values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => v !== undefined).sort()[0];
}

function maxIso(values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => v !== undefined).sort().at(-1);
}

/**
 * The whole document, derived only from the IOC's identity and its feed entries, so the same
 * feeds always give the same document: reloading a feed, or loading two feeds in any order,
 * converges. Aggregates over active feeds: earliest `hunt_from`, latest `valid_until` (none if
 * any active feed has none), strictest TLP, highest confidence, earliest first seen, latest last
 * seen; description, reference and source id from the first feed that added it.
 */
function deriveDocument(
  identity: Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'>,
  feeds: FeedEntry[],
  stamp: { added_at: string; updated_at: string; set_version: number },
): IocDocument {
  const active = feeds.filter((f) => f.active);
  const basis = active.length > 0 ? active : feeds;
  const first = basis[0];
  const tlp = basis
    .map((f) => f.tlp)
    .filter((t): t is string => t !== undefined)
    .sort((a, b) => TLP_ORDER.indexOf(a) - TLP_ORDER.indexOf(b))
    .at(-1);
  const confidences = basis.map((f) => f.confidence).filter((c): c is number => c !== undefined);
  const confidence = confidences.length > 0 ? Math.max(...confidences) : undefined;
  const validUntil = basis.some((f) => f.valid_until === undefined) ? undefined : maxIso(basis.map((f) => f.valid_until));
  return {
    threat: {
      indicator: defined({
        type: identity.type,
        ...valueFields(identity),
        name: identity.value,
        description: first?.description,
        reference: first?.reference,
        provider: first?.provider,
        confidence: confidenceLabel(confidence),
        marking: tlp ? { tlp } : undefined,
        first_seen: minIso(basis.map((f) => f.first_seen)),
        last_seen: maxIso(basis.map((f) => f.last_seen)),
      }) as IocDocument['threat']['indicator'],
      feed: { name: feeds.map((f) => f.name) },
    },
    iochunt: defined({
      id: buildIocId(identity.type, identity.value),
      value: identity.value,
      original: first?.original ?? identity.value,
      cidr: identity.cidr,
      // Every IP IOC as a range (an address is a /32 or /128): one enrich `range` policy then
      // matches addresses and networks with IP semantics.
      ip_range: identity.cidr ?? (identity.type === 'ipv4-addr' ? `${identity.value}/32` : identity.type === 'ipv6-addr' ? `${identity.value}/128` : undefined),
      active: active.length > 0,
      active_feeds: active.map((f) => f.name),
      hunt_from: minIso(basis.map((f) => f.hunt_from)),
      valid_until: validUntil,
      source_id: first?.source_id,
      confidence,
      added_at: stamp.added_at,
      updated_at: stamp.updated_at,
      set_version: stamp.set_version,
      feeds,
    }) as IocDocument['iochunt'],
  };
}

function finish(
  identity: Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'>,
  feeds: FeedEntry[],
  existing: IocDocument | undefined,
  load: Pick<FeedLoad, 'now' | 'setVersion'>,
  changedAs: IocChange,
): IocDocumentChange {
  if (!existing) {
    return { document: deriveDocument(identity, feeds, { added_at: load.now, updated_at: load.now, set_version: load.setVersion }), change: 'added' };
  }
  const kept = deriveDocument(identity, feeds, {
    added_at: existing.iochunt.added_at,
    updated_at: existing.iochunt.updated_at,
    set_version: existing.iochunt.set_version,
  });
  if (sameEntry(kept, existing)) return { document: existing, change: 'unchanged' };
  const document = deriveDocument(identity, feeds, {
    added_at: existing.iochunt.added_at,
    updated_at: load.now,
    set_version: load.setVersion,
  });
  return { document, change: changedAs };
}

/**
 * The document for `ioc` after this feed's load, given what is stored (if anything). Pure:
 * returns `unchanged` with the stored document when the load adds nothing, so a reload
 * writes nothing and no document version moves.
 */
export function buildIocDocument(ioc: ParsedIoc, load: FeedLoad, existing?: IocDocument): IocDocumentChange {
  const feeds = existing ? existing.iochunt.feeds.map((f) => ({ ...f })) : [];
  const at = feeds.findIndex((f) => f.name === load.name);
  const previous = at >= 0 ? feeds[at] : undefined;
  const entry = feedEntryFrom(ioc, load, previous);
  if (at >= 0) feeds[at] = entry;
  else feeds.push(entry);
  return finish(ioc, feeds, existing, load, previous?.active === false ? 'reactivated' : 'updated');
}

/**
 * `--replace`: the feed no longer lists this IOC, so its entry becomes inactive (never
 * deleted); the IOC stays active while another feed lists it.
 */
export function buildDeactivatedDocument(existing: IocDocument, feedName: string, load: Pick<FeedLoad, 'now' | 'setVersion'>): IocDocumentChange {
  const feeds = existing.iochunt.feeds.map((f) =>
    f.name === feedName && f.active ? { ...f, active: false, updated_at: load.now } : { ...f },
  );
  const identity = identityOf(existing);
  return finish(identity, feeds, existing, load, 'deactivated');
}

/** The (type, value, cidr, hash algorithm) a stored document was built from. */
export function identityOf(document: IocDocument): Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'> {
  const hash = (document.threat.indicator.file as { hash?: Record<string, string> } | undefined)?.hash;
  const algorithm = hash ? (Object.keys(hash)[0] as ParsedIoc['hashAlgorithm']) : undefined;
  return defined({
    type: document.threat.indicator.type,
    value: document.iochunt.value,
    cidr: document.iochunt.cidr,
    hashAlgorithm: algorithm,
  }) as Pick<ParsedIoc, 'type' | 'value' | 'cidr' | 'hashAlgorithm'>;
}
