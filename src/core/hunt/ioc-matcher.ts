import { canonicalAtomic } from './canonical-atomic.js';
import { labelCount } from './domain-scope.js';
import { collectFieldValues, compileFieldPath, type FieldPath } from './field-values.js';
import type { HuntIoc } from './hunt-ioc.js';
import { buildIpPrefixTable, type IpPrefixEntry, type IpPrefixTable } from './ip-prefix-table.js';
import { MATCH_KINDS, matchKindOf, type MatchFields, type MatchKind } from './match-fields.js';
import { parseEventTime } from '../time/parse-event-time.js';
import { parseIocNetwork, parseIpKey } from './parse-ip-key.js';

export { huntIocFromDocument, type HuntIoc } from './hunt-ioc.js';
export { termsForKind, type IpTerms } from './terms-for-kind.js';

/** What the matcher reads from a hit: its `_source` and its `@timestamp`. */
export interface HuntEvent {
  source: Record<string, unknown>;
  /**
   * The event's time: the engine's own reading of `@timestamp` (ISO, from `docvalue_fields`)
   * or the raw `_source` value (read by `parseEventTime` with the engines' default rules);
   * without a readable one the event matches nothing.
   */
  timestamp: unknown;
}

export interface MatchOptions {
  /** Milliseconds after an IOC's `valid_until` during which events still match it. Default 0. */
  validityGraceMs?: number;
}

/** One IOC found in one field of an event. */
export interface Match {
  ioc: HuntIoc;
  field: string;
  /** The event value that matched, as it appears in the event (`EVIL.Example.`, `::ffff:45.83.1.2`). */
  atomic: string;
}

/** An IOC the matcher could not use, and why (a corrupt document, not an event problem). */
export interface RejectedHuntIoc {
  ioc: HuntIoc;
  reason: string;
}

/** IOCs compiled for matching events; see {@link buildIocMatcher}. */
export interface IocMatcher {
  /**
   * Every (IOC, field, atomic) match in the event, each once, ordered by kind
   * (`MATCH_KINDS`), then field order in `fields`, then value order in the event, then IOC
   * id. Only an IOC's own kind of field is searched (IP IOCs in `fields.ip`...). Events
   * outside an IOC's validity window do not match it. Never throws on event content.
   *
   * Not reentrant: scratch arrays are reused between calls (the call is synchronous, so this
   * only matters if `fields` getters call back into the matcher).
   */
  match(event: HuntEvent, fields: MatchFields, options?: MatchOptions): Match[];
  /** IOCs compiled (rejected ones excluded). */
  readonly size: number;
  readonly rejected: readonly RejectedHuntIoc[];
  /** Whether any IOC of this kind was compiled (no need to query its fields otherwise). */
  has(kind: MatchKind): boolean;
}

interface Entry {
  ioc: HuntIoc;
  /** Epoch ms of `huntFrom`. */
  from: number;
  /** Epoch ms of `validUntil`, `Infinity` when open-ended. */
  until: number;
}

type ValueKind = Exclude<MatchKind, 'ip'>;

interface Compiled {
  ip: IpPrefixTable<Entry>;
  values: Record<ValueKind, Map<string, Entry[]>>;
  /** Domain IOCs that match their subdomains (`HuntIoc.subdomains`), by value. */
  parents: Map<string, Entry[]>;
  /** The most labels of a key of `parents`: no longer parent of an event value is looked up. */
  parentLabels: number;
  present: Set<MatchKind>;
  size: number;
  rejected: RejectedHuntIoc[];
}

/** Above this many values in one field, repeats are found with a Set instead of a scan. */
const SCAN_LIMIT = 64;

/**
 * Compiles IOCs (normally the active ones, as the hunt query selects them) into lookup
 * tables, so that matching one event costs a few map lookups per event value whatever the
 * number of IOCs: exact sets per kind, and IP networks in a per-prefix-length table (see
 * `buildIpPrefixTable`). Both sides are canonicalised by the same functions
 * (`parseIpKey`/`parseIocNetwork`, `canonicalAtomic`), so an event value matches exactly
 * when it denotes the IOC's value. A domain IOC marked `subdomains` (decided once, in
 * `huntIocFromDocument`) also matches every name below it at a label boundary:
 * `a.b.evil.example` matches `evil.example`, `xevil.example` does not; an event value costs one
 * lookup per parent, at most as many as the longest such IOC has labels.
 *
 * IOCs are deduplicated by id (first kept). An IOC whose value or dates cannot be read is
 * left out and listed in `rejected` rather than thrown, so one corrupt document cannot stop
 * a multi-year hunt; callers should log them.
 */
export function buildIocMatcher(iocs: readonly HuntIoc[]): IocMatcher {
  const compiled = compile(iocs);
  const paths = new Map<string, FieldPath>();
  const values: unknown[] = [];
  const hits: Entry[] = [];
  const pathOf = (field: string): FieldPath => {
    let path = paths.get(field);
    if (!path) {
      path = compileFieldPath(field);
      paths.set(field, path);
    }
    return path;
  };
  return {
    size: compiled.size,
    rejected: compiled.rejected,
    has: (kind) => compiled.present.has(kind),
    match(event, fields, options = {}) {
      const at = parseEventTime(event.timestamp);
      if (at === undefined || compiled.size === 0) return [];
      const window = { at, grace: options.validityGraceMs ?? 0 };
      const matches: Match[] = [];
      for (const kind of MATCH_KINDS) {
        if (!compiled.present.has(kind)) continue;
        const list = fields[kind];
        for (let f = 0; f < list.length; f++) {
          const field = list[f] as string;
          if (list.indexOf(field) !== f) continue;
          values.length = 0;
          collectFieldValues(event.source, pathOf(field), values);
          const seen = values.length > SCAN_LIMIT ? new Set<string>() : undefined;
          for (let v = 0; v < values.length; v++) {
            const atomic = String(values[v]);
            values[v] = atomic;
            if (seen ? seen.has(atomic) : seenBefore(values, v)) continue;
            seen?.add(atomic);
            lookup(compiled, kind, atomic, hits);
            emit(hits, field, atomic, window, matches);
          }
        }
      }
      values.length = 0;
      return matches;
    },
  };
}

function seenBefore(values: readonly unknown[], index: number): boolean {
  const value = values[index];
  for (let i = 0; i < index; i++) if (values[i] === value) return true;
  return false;
}

function lookup(compiled: Compiled, kind: MatchKind, atomic: string, hits: Entry[]): void {
  if (kind === 'ip') {
    const key = parseIpKey(atomic);
    if (key !== undefined) compiled.ip.lookup(key, hits);
    return;
  }
  const table = compiled.values[kind];
  const canonical = canonicalAtomic(kind, atomic);
  pushAll(table.get(canonical), hits);
  if (kind === 'domain' && compiled.parents.size > 0) lookupParents(compiled, canonical, hits);
}

/**
 * The parents of a domain at its label boundaries, shortest first (`a.b.evil.example`:
 * `example`, `evil.example`, `b.evil.example`), up to the longest eligible IOC, each looked up
 * among the IOCs that match subdomains. A dot at the start is no boundary (`.evil.example` is
 * not a subdomain); the Painless lookup walks the same way (`parents` in tag-common.painless).
 */
function lookupParents(compiled: Compiled, canonical: string, hits: Entry[]): void {
  let labels = 1;
  for (let dot = canonical.lastIndexOf('.'); dot > 0 && labels <= compiled.parentLabels; dot = canonical.lastIndexOf('.', dot - 1)) {
    pushAll(compiled.parents.get(canonical.slice(dot + 1)), hits);
    labels += 1;
  }
}

function pushAll(entries: readonly Entry[] | undefined, hits: Entry[]): void {
  if (entries) for (const entry of entries) hits.push(entry);
}

/** Moves the hits of one value that are inside their validity window to `matches`, by IOC id. */
function emit(hits: Entry[], field: string, atomic: string, window: { at: number; grace: number }, matches: Match[]): void {
  if (hits.length > 1) hits.sort(byIocId);
  for (const entry of hits) {
    if (window.at >= entry.from && window.at <= entry.until + window.grace) matches.push({ ioc: entry.ioc, field, atomic });
  }
  hits.length = 0;
}

function byIocId(a: Entry, b: Entry): number {
  return a.ioc.id < b.ioc.id ? -1 : a.ioc.id > b.ioc.id ? 1 : 0;
}

function compile(iocs: readonly HuntIoc[]): Compiled {
  const values: Record<ValueKind, Map<string, Entry[]>> = { domain: new Map(), url: new Map(), hash: new Map(), email: new Map() };
  const parents = new Map<string, Entry[]>();
  let parentLabels = 0;
  const networks: IpPrefixEntry<Entry>[] = [];
  const present = new Set<MatchKind>();
  const rejected: RejectedHuntIoc[] = [];
  const ids = new Set<string>();
  // In id order, so each bucket is already sorted the way matches are reported.
  for (const ioc of [...iocs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const entry = entryOf(ioc);
    if (!('ioc' in entry)) {
      rejected.push({ ioc, reason: entry.reason });
      continue;
    }
    if (ids.has(ioc.id)) continue;
    const kind = matchKindOf(ioc.type);
    if (kind === 'ip') {
      const network = parseIocNetwork(ioc.cidr ?? ioc.value);
      if (!network) {
        rejected.push({ ioc, reason: `${ioc.type} IOC value ${JSON.stringify(ioc.cidr ?? ioc.value)} is not an IP address or network` });
        continue;
      }
      networks.push({ key: network.key, length: network.length, item: entry });
    } else {
      const key = canonicalAtomic(kind, ioc.value);
      addTo(values[kind], key, entry);
      if (kind === 'domain' && ioc.subdomains) {
        addTo(parents, key, entry);
        parentLabels = Math.max(parentLabels, labelCount(key));
      }
    }
    ids.add(ioc.id);
    present.add(kind);
  }
  return { ip: buildIpPrefixTable(networks), values, parents, parentLabels, present, size: ids.size, rejected };
}

function addTo(table: Map<string, Entry[]>, key: string, entry: Entry): void {
  const bucket = table.get(key);
  if (bucket) bucket.push(entry);
  else table.set(key, [entry]);
}

function entryOf(ioc: HuntIoc): Entry | { reason: string } {
  const from = parseEventTime(ioc.huntFrom);
  if (from === undefined) return { reason: `unreadable hunt_from ${JSON.stringify(ioc.huntFrom)}` };
  if (ioc.validUntil === undefined) return { ioc, from, until: Number.POSITIVE_INFINITY };
  const until = parseEventTime(ioc.validUntil);
  if (until === undefined) return { reason: `unreadable valid_until ${JSON.stringify(ioc.validUntil)}` };
  return { ioc, from, until };
}
