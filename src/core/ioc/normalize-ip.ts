import ipaddr from 'ipaddr.js';
import { printableExcerpt } from './excerpt.js';
import type { CanonicalResult, NormalizeOptions } from './types.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * ipaddr.js range names that are not public unicast space, with the words we report.
 * `ipv4Mapped` is only ever met inside an IPv6 network (a mapped address or network is read as
 * IPv4 first): one that holds `::ffff:0:0/96` holds all of IPv4, private space included.
 * The other special ranges (6to4, Teredo, NAT64, AS112, AMT, ORCHIDv2...) are globally
 * reachable, so public.
 */
const NON_PUBLIC: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique local (private)',
  deprecatedSiteLocal: 'site-local',
  discard: 'discard-only',
  benchmarking: 'benchmarking',
  segmentRouting: 'segment routing (SRv6)',
  ipv4Mapped: 'IPv4-mapped',
};

/** One special range of ipaddr.js: its name and CIDR. */
interface SpecialRange {
  name: string;
  base: Address;
  bits: number;
}

type RangeTable = Record<string, [Address, number] | [Address, number][]>;

/**
 * ipaddr.js's special ranges per family, flattened in the order `range()` tries them (the
 * first that matches names an address), so this file and ipaddr.js agree on every address.
 */
const SPECIAL_RANGES: Readonly<Record<4 | 6, readonly SpecialRange[]>> = {
  4: flattenRanges((ipaddr.IPv4.prototype as unknown as { SpecialRanges: RangeTable }).SpecialRanges),
  6: flattenRanges((ipaddr.IPv6.prototype as unknown as { SpecialRanges: RangeTable }).SpecialRanges),
};

/** The longest IPv6 text: six groups and an IPv4 (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`). */
const MAX_IPV6_TEXT = 45;

const DEFAULT_MAX_PREFIX = { 4: 8, 6: 32 } as const;

/**
 * Canonicalises an IPv4/IPv6 address or CIDR network: IPv6 compressed lower-case (RFC 5952),
 * IPv4-mapped IPv6 turned into IPv4, a network reduced to its network address
 * (`203.0.113.7/24` -> `203.0.113.0/24`), `/32` and `/128` collapsed to a plain address.
 *
 * Pitfalls handled: `010.1.1.1` is rejected rather than guessed (octal in some parsers,
 * decimal in others); so are hex and short forms (`0x7f.1`, `127.1`) that `inet_aton`
 * accepts. Non-public addresses are rejected unless `allowPrivate`; so is a network holding
 * any non-public address, at its ends (`10.0.0.0/7`) or between them (`172.0.0.0/8` holds
 * `172.16.0.0/12`).
 * `family` restricts the result (a mapped `::ffff:a.b.c.d` satisfies both families).
 */
export function normalizeIp(text: string, options: NormalizeOptions = {}, family?: 4 | 6): CanonicalResult {
  const unbracketed = /^\[[^\]]*\]$/.test(text) ? text.slice(1, -1) : text;
  const [addressText = '', prefixText, ...extra] = unbracketed.split('/');
  if (extra.length > 0) return { ok: false, reason: 'malformed CIDR: more than one "/"' };
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return { ok: false, reason: `malformed CIDR prefix "/${printableExcerpt(prefixText)}"` };
  }
  const parsed = addressText.includes(':') ? parseIpv6(addressText) : parseIpv4(addressText);
  if (!parsed.ok) return parsed;
  const prefix = prefixText === undefined ? undefined : Number(prefixText);
  const mapped = toUnmapped(parsed.address, prefix);
  if (!mapped.ok) return mapped;
  const actual = mapped.address.kind() === 'ipv4' ? 4 : 6;
  if (family !== undefined && family !== actual && !(family === 6 && mapped.wasMapped)) {
    return { ok: false, reason: `expected an IPv${family} address, got an IPv${actual} one` };
  }
  return canonicalNetwork(mapped.address, mapped.prefix, options);
}

function parseIpv4(text: string): { ok: true; address: Address } | { ok: false; reason: string } {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) {
    return { ok: false, reason: 'malformed IPv4 address: expected four decimal numbers a.b.c.d' };
  }
  if (parts.some((part) => part.length > 1 && part.startsWith('0'))) {
    return { ok: false, reason: 'IPv4 number with a leading zero (ambiguous: octal or decimal)' };
  }
  if (parts.some((part) => Number(part) > 255)) return { ok: false, reason: 'IPv4 number greater than 255' };
  return { ok: true, address: ipaddr.IPv4.parse(text) };
}

function parseIpv6(text: string): { ok: true; address: Address } | { ok: false; reason: string } {
  if (text.includes('%')) return { ok: false, reason: 'IPv6 zone index (%...) is not allowed' };
  // Before any pattern: the search for an embedded IPv4 below is quadratic in a run of digits.
  if (text.length > MAX_IPV6_TEXT) return { ok: false, reason: 'malformed IPv6 address' };
  const embedded = /\d+\.\d+\.\d+\.\d+$/.exec(text);
  if (embedded && !parseIpv4(embedded[0]).ok) return { ok: false, reason: 'malformed IPv4 part in an IPv6 address' };
  if (!ipaddr.IPv6.isValid(text)) return { ok: false, reason: 'malformed IPv6 address' };
  return { ok: true, address: ipaddr.IPv6.parse(text) };
}

type Unmapped =
  | { ok: true; address: Address; prefix: number | undefined; wasMapped: boolean }
  | { ok: false; reason: string };

/**
 * `::ffff:a.b.c.d[/p]` is the IPv4 address `a.b.c.d[/p-96]`: logs record it as IPv4.
 * ipaddr.js also parses the deprecated IPv4-compatible form `::a.b.c.d` (RFC 4291 2.5.5.1)
 * as mapped, so it is converted the same way.
 */
function toUnmapped(address: Address, prefix: number | undefined): Unmapped {
  if (!(address instanceof ipaddr.IPv6) || !address.isIPv4MappedAddress()) {
    return { ok: true, address, prefix, wasMapped: false };
  }
  if (prefix !== undefined && prefix < 96) {
    return { ok: false, reason: 'IPv4-mapped IPv6 network shorter than /96' };
  }
  return { ok: true, address: address.toIPv4Address(), prefix: prefix === undefined ? undefined : prefix - 96, wasMapped: true };
}

function canonicalNetwork(address: Address, prefix: number | undefined, options: NormalizeOptions): CanonicalResult {
  const family = address.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const type = family === 4 ? 'ipv4-addr' : 'ipv6-addr';
  const length = prefix ?? bits;
  if (length > bits) return { ok: false, reason: `CIDR prefix /${length} is longer than /${bits}` };
  const maxPrefix = (family === 4 ? options.maxPrefixV4 : options.maxPrefixV6) ?? DEFAULT_MAX_PREFIX[family];
  if (length < maxPrefix) {
    return { ok: false, reason: `network /${length} is larger than the largest accepted (/${maxPrefix})` };
  }
  // A single address is its own first and last address: no masking (the common case, and hot in large loads).
  const first = length === bits ? address : maskAddress(address, length, false);
  if (!options.allowPrivate) {
    const refused = length === bits ? refusedAddress(first) : refusedNetwork(first, length);
    if (refused !== undefined) return { ok: false, reason: refused };
  }
  if (length === bits) return { ok: true, ioc: { type, value: first.toString() } };
  const cidr = `${first.toString()}/${length}`;
  return { ok: true, ioc: { type, value: cidr, cidr } };
}

/** The first (`last` false) or last address of the network `address/length`. */
function maskAddress(address: Address, length: number, last: boolean): Address {
  const bytes = address.toByteArray().map((byte, index) => {
    const keep = Math.max(0, Math.min(8, length - index * 8));
    const hostMask = 0xff >> keep;
    return last ? byte | hostMask : byte & ~hostMask & 0xff;
  });
  return ipaddr.fromByteArray(bytes);
}

function refusedAddress(address: Address): string | undefined {
  const words = NON_PUBLIC[address.range()];
  return words === undefined ? undefined : `${words} address, not public Internet space`;
}

/**
 * Why the network `first/length` is not public space, or `undefined` when every address in
 * it is public. Its ends first (`10.0.0.0/7`: "private network"), then what lies between.
 */
function refusedNetwork(first: Address, length: number): string | undefined {
  const ends = NON_PUBLIC[first.range()] ?? NON_PUBLIC[maskAddress(first, length, true).range()];
  if (ends !== undefined) return `${ends} network, not public Internet space`;
  const inside = nonPublicInside(first, length);
  if (inside === undefined) return undefined;
  const cidr = `${inside.base.toString()}/${inside.bits}`;
  const where = inside.bits >= length ? cidr : `part of ${cidr}`;
  return `network ${first.toString()}/${length} contains ${NON_PUBLIC[inside.name]} space (${where}), not public Internet space`;
}

/**
 * A non-public special range holding some address of the network `first/length` whose ends
 * are public, or `undefined`. `range()` only changes where a special range starts or ends, and
 * inside the network those places are the start of each special range within it and the
 * address just after it: checking these addresses checks every address of the network.
 */
function nonPublicInside(first: Address, length: number): SpecialRange | undefined {
  const family = first.kind() === 'ipv4' ? 4 : 6;
  for (const special of SPECIAL_RANGES[family]) {
    if (special.bits < length || !special.base.match(first, length)) continue;
    const after = nextAddress(maskAddress(special.base, special.bits, true));
    for (const boundary of after !== undefined && after.match(first, length) ? [special.base, after] : [special.base]) {
      const named = specialRangeOf(boundary, family);
      if (named !== undefined && NON_PUBLIC[named.name] !== undefined) return named;
    }
  }
  return undefined;
}

/** The special range ipaddr.js names `address` after (the first that holds it), or `undefined` for plain unicast. */
function specialRangeOf(address: Address, family: 4 | 6): SpecialRange | undefined {
  return SPECIAL_RANGES[family].find((special) => address.match(special.base, special.bits));
}

/** The address after `address`, or `undefined` after the last one (`255.255.255.255`). */
function nextAddress(address: Address): Address | undefined {
  const bytes = address.toByteArray();
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] !== 0xff) {
      bytes[i] = (bytes[i] ?? 0) + 1;
      return ipaddr.fromByteArray(bytes);
    }
    bytes[i] = 0;
  }
  return undefined;
}

function flattenRanges(table: RangeTable): SpecialRange[] {
  return Object.entries(table).flatMap(([name, entry]) => {
    // ipaddr.js writes a range list as one [address, bits] pair or as an array of them.
    const pairs = Array.isArray(entry[0]) ? (entry as [Address, number][]) : [entry as [Address, number]];
    return pairs.map(([base, bits]) => ({ name, base, bits }));
  });
}
