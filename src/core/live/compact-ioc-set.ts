import { labelCount } from '../hunt/domain-scope.js';
import type { MatchKind } from '../hunt/match-fields.js';
import { buildIocId } from '../ioc/ioc-id.js';
import type { IocType } from '../ioc/types.js';

/**
 * The active IOC set as the script strategy carries it in its pipeline (README "Live tagging",
 * "The compact IOC set"): what every node holds in its cluster state, so its size per IOC is
 * what sets the strategy's cap.
 *
 * - **Tables** are sorted text, one line per lookup key: `<key> <refs>\n`, `refs` the indexes
 *   (base 36, comma-separated) into `details` of the IOCs under that key. tag-lookup.painless
 *   binary-searches the text itself (`seek` in tag-lookup.painless, {@link seekTable} here),
 *   so a table needs no parsing, no index and no per-entry object on the nodes: an IPv4
 *   address costs its text and about four bytes.
 * - **Details** are deduplicated: an IOC's indicator without its value (`name` and the type's
 *   value field), its feeds, `hunt_from` and `valid_until`, shared by every IOC of a feed that
 *   gives its entries the same description. The script puts the value back from the key it
 *   found and recomputes the id (`sha256` of `<type>|<value>`, as `buildIocId` does):
 *   {@link expandDetail} is that rebuild, and an IOC the rebuild would not give back exactly
 *   (a stored value not in canonical form, an id made otherwise) keeps its whole document as
 *   its detail instead, so nothing is ever guessed.
 * - Keys that cannot be a line (a space or a newline in them: a hand-written URL) go to `odd`,
 *   plain maps of key to refs.
 */
export interface CompactIocSet {
  /** kind -> table of canonical values (IPs: single addresses). */
  exact: Partial<Record<MatchKind, string>>;
  /** prefix length -> table of IPv4 network addresses (dotted text of the masked address). */
  nets: Record<string, string>;
  /** prefix length -> table of IPv6 network addresses (RFC 5952 text, as `normalizeIp` writes it). */
  nets6: Record<string, string>;
  /** The domain IOCs that tag their subdomains, as a table, and the most labels one has. Absent when none. */
  parents?: string;
  parentLabels?: number;
  /** Keys with a space or a newline: kind (or `parents`) -> key -> refs. Absent when none. */
  odd?: Partial<Record<MatchKind | 'parents', Record<string, number[]>>>;
  details: CompactDetail[];
}

/** An IOC's details without its value (rebuilt by {@link expandDetail}), or, when that would not give it back, its whole document. */
type Indicator = Record<string, unknown> & { type: IocType };

export type CompactDetail =
  | { i: Indicator; f: string[]; h: string; u?: string; a?: string }
  | { doc: ExpandedIoc };

/** The IOC document fields tag-reshape.painless reads, as the script strategy hands them over. */
export interface ExpandedIoc {
  iochunt: { id: string; value: string; cidr?: string; hunt_from: string; valid_until?: string; active_feeds: string[] };
  threat: { indicator: Indicator };
}

/** One IOC to add: its document, the table it goes in and its key there; `net` when the key is a network (the value is then `<key>/<bits>`). */
export interface CompactEntry {
  ioc: ExpandedIoc;
  table: CompactTable;
  key: string;
  /** Also a parent of subdomains (a domain IOC that tags them). */
  parent?: boolean;
}

export type CompactTable = { exact: MatchKind } | { nets: string } | { nets6: string };

function child(node: Record<string, unknown>, key: string): Record<string, unknown> {
  const next = node[key];
  if (next && typeof next === 'object' && !Array.isArray(next)) return next as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  node[key] = fresh;
  return fresh;
}

/**
 * The document tag-lookup.painless rebuilds from a detail and the value it found (`liveDoc` in
 * tag-lookup.painless: the same steps). Pure.
 */
export function expandDetail(detail: CompactDetail, value: string, net: boolean): ExpandedIoc {
  if ('doc' in detail) return detail.doc;
  const indicator = structuredClone(detail.i);
  const type = indicator.type;
  indicator.name = value;
  if ((type === 'ipv4-addr' || type === 'ipv6-addr') && !net) indicator.ip = value;
  else if (type === 'domain-name') child(indicator, 'url').domain = value;
  else if (type === 'url') child(indicator, 'url').full = value;
  else if (type === 'file' && detail.a !== undefined) child(child(indicator, 'file'), 'hash')[detail.a] = value;
  else if (type === 'email-addr') child(indicator, 'email').address = value;
  return {
    iochunt: {
      id: buildIocId(type, value),
      value,
      ...(net ? { cidr: value } : {}),
      hunt_from: detail.h,
      ...(detail.u === undefined ? {} : { valid_until: detail.u }),
      active_feeds: detail.f,
    },
    threat: { indicator },
  };
}

/** `node` without `path` (copies along the path only; an object the removal empties goes too), and what was there. */
function without(node: Record<string, unknown>, path: readonly string[]): { rest: Record<string, unknown>; removed: unknown } {
  const [head, ...tail] = path;
  if (head === undefined || !Object.hasOwn(node, head)) return { rest: node, removed: undefined };
  const { [head]: next, ...others } = node;
  if (tail.length === 0) return { rest: others, removed: next };
  if (!next || typeof next !== 'object' || Array.isArray(next)) return { rest: node, removed: undefined };
  const inner = without(next as Record<string, unknown>, tail);
  return { rest: Object.keys(inner.rest).length === 0 ? others : { ...others, [head]: inner.rest }, removed: inner.removed };
}

/** Where each type's value sits in `threat.indicator` besides `name` (README `iochunt sync`, "Normalisation"). */
function valuePath(type: IocType, net: boolean, indicator: Record<string, unknown>, value: string): string[] | undefined {
  switch (type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return net ? undefined : ['ip'];
    case 'domain-name':
      return ['url', 'domain'];
    case 'url':
      return ['url', 'full'];
    case 'email-addr':
      return ['email', 'address'];
    case 'file': {
      const hashes = (indicator.file as { hash?: Record<string, unknown> } | undefined)?.hash ?? {};
      const algorithm = Object.keys(hashes).find((name) => hashes[name] === value);
      return algorithm === undefined ? undefined : ['file', 'hash', algorithm];
    }
  }
}

/**
 * The value-free detail of an IOC whose value at lookup is `value`, or its whole document when
 * {@link expandDetail} would not give it back: each place the rebuild writes (the id, the
 * value, the network, `name`, the type's value field) is checked to hold exactly what it
 * would write, and everything else is carried over unchanged.
 */
function detailOf(ioc: ExpandedIoc, value: string, net: boolean): CompactDetail {
  const { indicator } = ioc.threat;
  const { id, cidr, hunt_from, valid_until, active_feeds } = ioc.iochunt;
  const path = valuePath(indicator.type, net, indicator, value);
  const named = without(indicator, ['name']);
  const bare = path ? without(named.rest, path) : { rest: named.rest, removed: value };
  const rebuilds =
    ioc.iochunt.value === value &&
    cidr === (net ? value : undefined) &&
    named.removed === value &&
    bare.removed === value &&
    (indicator.type !== 'file' || path !== undefined) &&
    id === buildIocId(indicator.type, value);
  if (!rebuilds) return { doc: ioc };
  return {
    i: bare.rest as Indicator,
    f: active_feeds,
    h: hunt_from,
    ...(valid_until === undefined ? {} : { u: valid_until }),
    ...(indicator.type === 'file' && path ? { a: path[2] as string } : {}),
  };
}

/** Whether a key can be a table line: not empty, no space (ends the key) and no newline (ends the line). */
function isLineKey(key: string): boolean {
  return key.length > 0 && !key.includes(' ') && !key.includes('\n');
}

/**
 * Builds a {@link CompactIocSet} one IOC at a time (a scan's pages go in as they come, so no
 * list of every document is kept), deterministic whatever the order: details are numbered in
 * the order of their JSON text and table lines sorted by key, as Java's `String.compareTo`
 * orders them (UTF-16 code units, as JavaScript's default sort does).
 */
export class CompactIocSetBuilder {
  /** The JSON text of each distinct detail (parsed again at the end: the set shares no object with the IOCs). */
  private readonly details = new Set<string>();
  /** table name ('exact.ip', 'nets.24', 'parents'...) -> key -> detail JSON texts. */
  private readonly tables = new Map<string, Map<string, string[]>>();
  private parentLabels = 0;
  count = 0;
  readonly kinds = new Set<MatchKind>();

  add(entry: CompactEntry, kind: MatchKind): void {
    this.count++;
    this.kinds.add(kind);
    const net = !('exact' in entry.table);
    const value = net ? `${entry.key}/${'nets' in entry.table ? entry.table.nets : (entry.table as { nets6: string }).nets6}` : entry.key;
    const detail = detailOf(entry.ioc, value, net);
    const text = JSON.stringify(detail);
    this.details.add(text);
    const name = 'exact' in entry.table ? `exact.${entry.table.exact}` : 'nets' in entry.table ? `nets.${entry.table.nets}` : `nets6.${entry.table.nets6}`;
    this.put(name, entry.key, text);
    if (!entry.parent) return;
    this.put('parents', entry.key, text);
    this.parentLabels = Math.max(this.parentLabels, labelCount(entry.key));
  }

  private put(table: string, key: string, detail: string): void {
    let keys = this.tables.get(table);
    if (!keys) this.tables.set(table, (keys = new Map()));
    const refs = keys.get(key);
    if (refs) refs.push(detail);
    else keys.set(key, [detail]);
  }

  finish(): CompactIocSet {
    const order = [...this.details].sort();
    const index = new Map(order.map((text, i) => [text, i]));
    const set: CompactIocSet = { exact: {}, nets: {}, nets6: {}, details: order.map((text) => JSON.parse(text) as CompactDetail) };
    for (const name of [...this.tables.keys()].sort()) {
      const keys = this.tables.get(name) as Map<string, string[]>;
      const [family, sub = ''] = name.split('.') as [string, string | undefined];
      const lines: string[] = [];
      for (const key of [...keys.keys()].sort()) {
        const refs = [...new Set((keys.get(key) as string[]).map((text) => index.get(text) as number))].sort((a, b) => a - b);
        if (isLineKey(key)) lines.push(`${key} ${refs.map((r) => r.toString(36)).join(',')}\n`);
        else ((set.odd ??= {})[(family === 'parents' ? 'parents' : sub) as MatchKind | 'parents'] ??= {})[key] = refs;
      }
      const table = lines.join('');
      if (family === 'parents') {
        set.parents = table;
        set.parentLabels = this.parentLabels;
      } else (set[family as 'exact' | 'nets' | 'nets6'] as Record<string, string>)[sub] = table;
    }
    return set;
  }
}

/**
 * The refs of `key` in a table, or undefined: the binary search of `seek` in
 * tag-lookup.painless, step for step (its lower and upper bounds always at line starts, the key
 * compared with a line's key in place, char by char), so the unit tests prove the search the
 * script runs.
 */
export function seekTable(table: string, key: string): number[] | undefined {
  const n = key.length;
  let lo = 0;
  let hi = table.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = table.lastIndexOf('\n', mid - 1) + 1;
    let i = 0;
    let order: number;
    for (;;) {
      const c = table[start + i];
      if (c === ' ') {
        order = i === n ? 0 : 1;
        break;
      }
      if (i === n) {
        order = -1;
        break;
      }
      const k = key[i] as string;
      if (k !== c) {
        order = k < (c as string) ? -1 : 1;
        break;
      }
      i++;
    }
    if (order === 0) return table.slice(start + n + 1, table.indexOf('\n', start + n)).split(',').map((r) => Number.parseInt(r, 36));
    if (order < 0) hi = start;
    else lo = table.indexOf('\n', start + i) + 1;
  }
  return undefined;
}
