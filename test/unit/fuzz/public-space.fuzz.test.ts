import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import { parseTxt } from '../../../src/core/ioc/parse-txt.js';
import { fuzzRuns } from './fuzz-runs.js';

/**
 * Space that is not globally reachable (IANA special-purpose registries), written here rather
 * than read from ipaddr.js so the check does not trust the table the code uses. Sound, not
 * complete: every address listed must be refused; 2001::/23 is left out because parts of it
 * (Teredo, AMT, ORCHIDv2) are globally reachable.
 */
const NON_PUBLIC_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '255.255.255.255/32',
];
const NON_PUBLIC_V6 = [
  '::/128', '::1/128', '100::/64', '2001:2::/48', '2001:db8::/32', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8',
  // IPv4 non-public space written as IPv4-mapped IPv6.
  ...NON_PUBLIC_V4.map((cidr) => `::ffff:${cidr.split('/')[0]}/${96 + Number(cidr.split('/')[1])}`),
];

/** ipaddr.js names of the globally reachable ranges: plain unicast and the special ranges that route on the Internet. */
const PUBLIC_RANGE_NAMES = new Set(['unicast', 'as112', 'amt', '6to4', 'teredo', 'rfc6052', 'rfc6145', 'as112v6', 'deprecatedOrchid', 'orchid2', 'droneRemoteIdProtocolEntityTags']);

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];
const BLOCKS: readonly Cidr[] = [...NON_PUBLIC_V4, ...NON_PUBLIC_V6].map((cidr) => ipaddr.parseCIDR(cidr));

/** Whether two networks share an address: the shorter prefix's bits agree. */
function overlaps([a, aBits]: Cidr, [b, bBits]: Cidr): boolean {
  return a.kind() === b.kind() && a.match(b, Math.min(aBits, bBits));
}

/** A random address inside `block`: its prefix bits, random host bits. */
function addressIn([base, bits]: Cidr, random: number[]): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = base.toByteArray().map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const hostMask = 0xff >> keep;
    return (byte & ~hostMask & 0xff) | ((random[i] ?? 0) & hostMask);
  });
  return ipaddr.fromByteArray(bytes);
}

/** How feeds write an address: compressed, uncompressed, upper-case, defanged, bracketed. */
function written(address: ipaddr.IPv4 | ipaddr.IPv6, style: number): string {
  if (address.kind() === 'ipv4') return style % 2 === 0 ? address.toString() : address.toString().replaceAll('.', '[.]');
  const v6 = address as ipaddr.IPv6;
  return [v6.toString(), v6.toNormalizedString(), v6.toString().toUpperCase(), `[${v6.toString()}]`, v6.toString().replaceAll(':', '[:]')][style % 5]!;
}

const nonPublicAddress = fc
  .tuple(fc.constantFrom(...BLOCKS), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }))
  .map(([block, random]) => addressIn(block, random));

const WIDE_OPEN = { maxPrefixV4: 0, maxPrefixV6: 0 };

describe('nothing outside public space is accepted without allowPrivate', () => {
  it('refuses every non-public address, however written, as an address, a URL host and a TXT line', () => {
    fc.assert(
      fc.property(nonPublicAddress, fc.nat(), fc.constantFrom(undefined, 'ip-dst', 'url'), (address, style, hint) => {
        const host = address.kind() === 'ipv6' ? `[${address.toString()}]` : address.toString();
        const value = hint === 'url' ? `${style % 2 ? 'hxxp' : 'http'}://${host}${style % 3 ? ':8443' : ''}/gate.php` : written(address, style);
        const result = normalizeIndicator(value, hint, WIDE_OPEN);
        expect(result, value).toEqual({ ok: false, reason: expect.stringContaining('not public Internet space') as unknown });
        expect(parseTxt(value).iocs, value).toEqual([]);
        expect(normalizeIndicator(value, hint, { ...WIDE_OPEN, allowPrivate: true }).ok, `${value} with allowPrivate`).toBe(true);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });

  it('refuses every network that holds a non-public address, whatever its size', () => {
    fc.assert(
      fc.property(nonPublicAddress, fc.integer({ min: 0, max: 128 }), (address, bits) => {
        const prefix = Math.min(bits, address.kind() === 'ipv4' ? 32 : 128);
        const value = `${address.toString()}/${prefix}`;
        const result = normalizeIndicator(value, undefined, WIDE_OPEN);
        // A mapped network shorter than /96 is refused for its shape before its space is looked at.
        const why = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix < 96 ? 'IPv4-mapped IPv6 network shorter than /96' : 'not public Internet space';
        expect(result, value).toEqual({ ok: false, reason: expect.stringContaining(why) as unknown });
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });

  it('accepts an address or network only when all of it is public', () => {
    const anyIp = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `::ffff:${ip}`));
    const anyValue = fc.tuple(anyIp, fc.option(fc.integer({ min: 0, max: 128 }))).map(([ip, prefix]) => (prefix === null ? ip : `${ip}/${prefix}`));
    fc.assert(
      fc.property(anyValue, (value) => {
        const result = normalizeIndicator(value, undefined, WIDE_OPEN);
        if (!result.ok) return;
        const accepted: Cidr = result.ioc.cidr === undefined ? [ipaddr.parse(result.ioc.value), result.ioc.type === 'ipv4-addr' ? 32 : 128] : ipaddr.parseCIDR(result.ioc.cidr);
        const [first, bits] = accepted;
        const last = ipaddr.fromByteArray(first.toByteArray().map((byte, i) => byte | (0xff >> Math.max(0, Math.min(8, bits - i * 8)))));
        expect(BLOCKS.filter((block) => overlaps(accepted, block)).map(([b, n]) => `${b.toString()}/${n}`), value).toEqual([]);
        expect([first, last].map((address) => address.range()).filter((name) => !PUBLIC_RANGE_NAMES.has(name)), value).toEqual([]);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });
});
