import ipaddr from 'ipaddr.js';
import type { CanonicalResult, NormalizeOptions } from './types.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** ipaddr.js range names that are not public unicast space, with the words we report. */
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
};

const DEFAULT_MAX_PREFIX = { 4: 8, 6: 32 } as const;

/**
 * Canonicalises an IPv4/IPv6 address or CIDR network: IPv6 compressed lower-case (RFC 5952),
 * IPv4-mapped IPv6 turned into IPv4, a network reduced to its network address
 * (`203.0.113.7/24` -> `203.0.113.0/24`), `/32` and `/128` collapsed to a plain address.
 *
 * Pitfalls handled: `010.1.1.1` is rejected rather than guessed (octal in some parsers,
 * decimal in others); so are hex and short forms (`0x7f.1`, `127.1`) that `inet_aton`
 * accepts. Non-public addresses are rejected unless `allowPrivate`; a network is checked at
 * both ends so `10.0.0.0/7` cannot slip through on a public first address.
 * `family` restricts the result (a mapped `::ffff:a.b.c.d` satisfies both families).
 */
export function normalizeIp(text: string, options: NormalizeOptions = {}, family?: 4 | 6): CanonicalResult {
  const unbracketed = /^\[[^\]]*\]$/.test(text) ? text.slice(1, -1) : text;
  const [addressText = '', prefixText, ...extra] = unbracketed.split('/');
  if (extra.length > 0) return { ok: false, reason: 'malformed CIDR: more than one "/"' };
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return { ok: false, reason: `malformed CIDR prefix "/${prefixText}"` };
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
    const nonPublic = nonPublicRange(first) ?? (length === bits ? undefined : nonPublicRange(maskAddress(address, length, true)));
    if (nonPublic) return { ok: false, reason: `${nonPublic} ${length === bits ? 'address' : 'network'}, not public Internet space` };
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

function nonPublicRange(address: Address): string | undefined {
  return NON_PUBLIC[address.range()];
}
