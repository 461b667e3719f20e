/**
 * The IOC model shared by every parser (README `iochunt sync`: formats and normalisation). Parsers turn a source
 * (ANSSI CSV, generic CSV, TXT, MISP, STIX) into a {@link ParseResult}: accepted, normalised
 * IOCs with their provenance, plus every entry that was rejected or skipped and why.
 */

/** ECS `threat.indicator.type` values iochunt can match on. */
export type IocType = 'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'file' | 'email-addr';

/** The IOC types, in a stable order (for reports and iteration). */
export const IOC_TYPES: readonly IocType[] = ['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'file', 'email-addr'];

/** Hash algorithms iochunt matches, as ECS `file.hash.*` names them. */
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

/** Source formats `iochunt sync --format` accepts. */
export type IocFormat = 'anssi-csv' | 'csv' | 'txt' | 'misp' | 'stix';

/** The formats, in the order `--format` documents them. */
export const IOC_FORMATS: readonly IocFormat[] = ['anssi-csv', 'csv', 'txt', 'misp', 'stix'];

/** One indicator after refanging and canonicalisation. `(type, value)` identifies it. */
export interface NormalizedIoc {
  type: IocType;
  /**
   * Canonical form: an IP (`198.51.100.7`, `2001:db8::1`), a CIDR network address
   * (`203.0.113.0/24`), a domain, a URL, a lower-case hex hash or an email address.
   */
  value: string;
  /** The value as written in the source (trimmed), before refanging. */
  original: string;
  /** Set when the IOC is a network (prefix shorter than /32 or /128); equals `value`. */
  cidr?: string;
  /** Set for `file` IOCs: the algorithm implied by the hash length. */
  hashAlgorithm?: HashAlgorithm;
}

/** Where an entry was found: a line for line-oriented formats, a JSON path for JSON ones. */
export interface SourceLocation {
  /** File path, URL or `-`; absent when the caller gave no name. */
  file?: string;
  /** 1-based physical line (CSV: the line where the row starts; the header is line 1). */
  line?: number;
  /** JSON path such as `$.Event.Attribute[3]`. */
  path?: string;
}

/**
 * The publication an indicator came from: a CERT-FR bulletin, a MISP event, a STIX report.
 * Kept per feed on the IOC document so a report can name its sources (README `iochunt report`).
 */
export interface Bulletin {
  /** CERT-FR bulletin id (`CERTFR-2021-IOC-003`), MISP event uuid, STIX report id. */
  id?: string;
  /** CERT-FR event title, MISP event info, STIX report name. */
  title?: string;
  url?: string;
  /** ISO 8601 UTC: when it was published, when it last changed. */
  published?: string;
  modified?: string;
}

/** What a source says about an indicator besides its value. All optional. */
export interface IocProvenance {
  /** Feed name the source gives this IOC (MISP event info, bulletin id, STIX report name). */
  feed?: string;
  /** The source's own stable id: CERT-FR `signature_component.uuid`, MISP uuid, STIX id. */
  sourceId?: string;
  description?: string;
  /** A URL with more information (ECS `threat.indicator.reference`). */
  reference?: string;
  /** Who published the indicator (ECS `threat.indicator.provider`). */
  provider?: string;
  /** Upper-case TLP level: `CLEAR`, `WHITE`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`. */
  tlp?: string;
  /** 0-100. */
  confidence?: number;
  /** ISO 8601 timestamps (UTC, milliseconds). */
  firstSeen?: string;
  lastSeen?: string;
  validFrom?: string;
  validUntil?: string;
  tags?: string[];
  bulletin?: Bulletin;
}

/** An accepted indicator: canonical value plus provenance plus where it was read. */
export interface ParsedIoc extends NormalizedIoc, IocProvenance {
  location: SourceLocation;
}

/** An entry that could not be loaded. `--strict` aborts on any of these. */
export interface RejectedEntry {
  location: SourceLocation;
  /**
   * The value as written (for a STIX pattern that cannot be parsed: the whole pattern); one
   * longer than `MAX_VALUE_LENGTH` (8192) is cut to its first `REJECTED_VALUE_PREVIEW` (256)
   * characters and `…`.
   */
  value: string;
  reason: string;
}

/** Entries left out on purpose (MISP `to_ids: false`, deleted, STIX revoked), counted by reason. */
export interface SkippedCount {
  reason: string;
  count: number;
}

/**
 * A second occurrence of the same `(type, value)` in one source. The first occurrence is
 * kept whole (its location, id and metadata win); each later one is dropped and listed here
 * so a report can say where it was.
 */
export interface DuplicateEntry {
  type: IocType;
  value: string;
  /** Where the dropped occurrence was. */
  location: SourceLocation;
  /** Where the kept (first) occurrence was. */
  keptAt: SourceLocation;
}

/** Everything a parser read from one source. Parsers never throw for a bad entry, only for a bad source. */
export interface ParseResult {
  format: IocFormat;
  /** Derived from the source: bulletin id, MISP event info, STIX report/bundle name. */
  feedName?: string;
  iocs: ParsedIoc[];
  rejected: RejectedEntry[];
  skipped: SkippedCount[];
  duplicates: DuplicateEntry[];
}

/** How strict value normalisation is. Defaults suit public threat intel. */
export interface NormalizeOptions {
  /** Accept private, loopback, link-local, multicast, reserved and unspecified addresses. */
  allowPrivate?: boolean;
  /**
   * Shortest IPv4 prefix length accepted, i.e. the largest network: 8 by default, so
   * `/7` and larger are rejected (one IOC must not match a sixteenth of the Internet).
   */
  maxPrefixV4?: number;
  /** Shortest IPv6 prefix length accepted; 32 by default. */
  maxPrefixV6?: number;
}

/** Options every `parse*` function takes. */
export interface ParseOptions extends NormalizeOptions {
  /** Source name used in locations (file path, URL, `-`). */
  file?: string;
  /** Added to every line number: the text is a chunk of a larger source (see `chunkLines`). */
  lineOffset?: number;
}

/** Result of normalising one value. */
export type NormalizeResult = { ok: true; ioc: NormalizedIoc } | { ok: false; reason: string };

/** A canonical value without its original text: what the per-kind normalisers return. */
export type CanonicalResult = { ok: true; ioc: Omit<NormalizedIoc, 'original'> } | { ok: false; reason: string };
