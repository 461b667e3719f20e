import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../ioc/normalize-ip.js';

/**
 * An address as a number: IPv4 as an unsigned 32-bit `number`, IPv6 as a 128-bit `bigint`.
 * `typeof` tells the families apart, and both are primitives, so they work as `Map` keys
 * by value.
 */
export type IpKey = number | bigint;

/**
 * The key of an address as logged in an event, or `undefined` if it is not one (never
 * throws: `_source` holds whatever the shipper sent). IPv4-mapped IPv6 (`::ffff:45.83.1.2`)
 * is the IPv4 address, as in `normalizeIp`; IPv6 is case-insensitive and may be compressed
 * or not. Rejected like `normalizeIp` does: leading zeros (`010.1.1.1`), short forms,
 * zone indexes, CIDRs.
 *
 * Dotted-quad IPv4, by far the most common value, is parsed without allocating.
 */
export function parseIpKey(text: string): IpKey | undefined {
  return text.includes(':') ? parseIpv6Key(text) : parseIpv4Key(text);
}

/** `a.b.c.d` -> uint32, strict decimal; `undefined` for anything else. */
function parseIpv4Key(text: string): number | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero
      octet = octet * 10 + (code - 48);
      digits++;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : undefined;
}

function parseIpv6Key(text: string): IpKey | undefined {
  if (text.includes('%') || text.includes('/')) return undefined;
  const embedded = /\d+\.\d+\.\d+\.\d+$/.exec(text);
  if (embedded && parseIpv4Key(embedded[0]) === undefined) return undefined;
  let address: ipaddr.IPv6;
  try {
    address = ipaddr.IPv6.parse(text);
  } catch {
    return undefined;
  }
  const parts = address.parts;
  if (address.isIPv4MappedAddress()) return (parts[6] ?? 0) * 0x10000 + (parts[7] ?? 0);
  let value = 0n;
  for (let i = 0; i < 8; i += 2) value = (value << 32n) | BigInt((parts[i] ?? 0) * 0x10000 + (parts[i + 1] ?? 0));
  return value;
}

const V4_MASKS: readonly number[] = Array.from({ length: 33 }, (_, length) => (length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0));
const ALL_V6 = (1n << 128n) - 1n;
const V6_MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, length) => (ALL_V6 >> BigInt(128 - length)) << BigInt(128 - length));

/**
 * The network address of `key` with a prefix of `length` bits, in the key's own family.
 * `length` must be 0-32 for IPv4 and 0-128 for IPv6. (Pitfall avoided: `x << 32` is `x`
 * in JavaScript, so the /0 mask is a table entry, not a shift.)
 */
export function maskIpKey(key: IpKey, length: number): IpKey {
  return typeof key === 'number' ? (key & (V4_MASKS[length] ?? 0)) >>> 0 : key & (V6_MASKS[length] ?? 0n);
}

/** A canonical IOC address or network, keyed for lookups. */
export interface IocNetwork {
  /** Canonical text, as `normalizeIp` writes it (`45.83.0.0/16`, `2001:db8::1`). */
  text: string;
  /** The network address. */
  key: IpKey;
  /** 32 or 128 for a single address. */
  length: number;
  cidr: boolean;
}

/**
 * Reads an IOC's stored IP or CIDR value through `normalizeIp`, with every range allowed:
 * the IOC was already accepted (or loaded with `allowPrivate`) when it was synced, so
 * the hunt must not reject it again. `undefined` if the value is not an address at all.
 */
export function parseIocNetwork(value: string): IocNetwork | undefined {
  const result = normalizeIp(value, { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 });
  if (!result.ok) return undefined;
  const text = result.ioc.value;
  const [address = '', prefix] = text.split('/');
  const key = parseIpKey(address);
  if (key === undefined) return undefined;
  const length = prefix === undefined ? (typeof key === 'number' ? 32 : 128) : Number(prefix);
  return { text, key: maskIpKey(key, length), length, cidr: result.ioc.cidr !== undefined };
}
