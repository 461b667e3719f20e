import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import type { NormalizedIoc } from '../../../src/core/ioc/types.js';

/** The identity of an IOC, without the original text. */
function canonical(ioc: NormalizedIoc): Omit<NormalizedIoc, 'original'> {
  const { original: _original, ...rest } = ioc;
  return rest;
}

/** normalize(normalize(x).value) has the same type and value as normalize(x). */
function expectIdempotent(raw: string, mustAccept: boolean): void {
  const first = normalizeIndicator(raw, undefined, { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 });
  if (mustAccept) expect(first, raw).toMatchObject({ ok: true });
  if (!first.ok) return;
  const second = normalizeIndicator(first.ioc.value, undefined, { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 });
  expect(second.ok, `${raw} -> ${first.ioc.value}`).toBe(true);
  if (second.ok) expect(canonical(second.ioc)).toEqual(canonical(first.ioc));
}

const defangDots = (value: string, marker: string) => value.split('.').join(marker);
const dotMarker = fc.constantFrom('.', '[.]', '(.)', '{.}', '[dot]');
const randomCase = (value: string, seed: number) =>
  [...value].map((char, index) => ((seed >> index % 31) & 1 ? char.toUpperCase() : char.toLowerCase())).join('');

const ipv4 = fc.tuple(fc.ipV4(), dotMarker).map(([ip, marker]) => defangDots(ip, marker));
const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, prefix]) => `${ip}/${prefix}`);
const ipv6 = fc.tuple(fc.ipV6(), fc.integer()).map(([ip, seed]) => randomCase(ip, seed));
const ipv6Cidr = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, prefix]) => `${ip}/${prefix}`);
const mapped = fc.ipV4().map((ip) => `::ffff:${ip}`);
const domain = fc
  .tuple(fc.domain(), dotMarker, fc.integer(), fc.boolean())
  .map(([name, marker, seed, trailingDot]) => `${defangDots(randomCase(name, seed), marker)}${trailingDot ? '.' : ''}`);
const hash = fc
  .tuple(fc.constantFrom(32, 40, 64, 128), fc.integer())
  .chain(([length, seed]) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length }).map((hex) => randomCase(hex, seed)),
  );
const url = fc
  .tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom('', 'hxxp', 'hXXp'), dotMarker)
  .map(([link, scheme, marker]) => {
    const refangable = scheme === '' ? link : link.replace(/^http/, scheme);
    const [head = '', ...rest] = refangable.split('/');
    const authority = rest[1] ?? '';
    return [head, rest[0], defangDots(authority, marker), ...rest.slice(2)].join('/');
  });
// RFC 5322 allows `{`, `(` and `[` in local parts, where `{.}` would be refanged; feeds never do that.
const email = fc
  .tuple(
    fc.emailAddress().filter((address) => !/[[({]/.test(address)),
    fc.constantFrom('@', '[@]', '[at]'),
  )
  .map(([address, at]) => address.replace('@', at));

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });

// Values that are invalid by construction, one generator per rule that refuses them.
const octet = fc.integer({ min: 0, max: 255 }).map(String);
const octets = fc.tuple(octet, octet, octet, octet);
const octetTooLarge = fc
  .tuple(octets, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 256, max: 999 }))
  .map(([parts, index, big]) => parts.map((part, at) => (at === index ? String(big) : part)).join('.'));
const octetLeadingZero = fc
  .tuple(octets, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 99 }))
  .map(([parts, index, small]) => parts.map((part, at) => (at === index ? `0${small}` : part)).join('.'));
const ipv4WrongParts = fc
  .tuple(fc.array(octet, { minLength: 2, maxLength: 3 }), fc.array(octet, { minLength: 5, maxLength: 6 }), fc.boolean())
  .map(([short, long, useShort]) => (useShort ? short : long).join('.'));
const ipv4PrefixTooLong = fc.tuple(fc.ipV4(), fc.integer({ min: 33, max: 999 })).map(([ip, prefix]) => `${ip}/${prefix}`);
const ipv6PrefixTooLong = fc.tuple(fc.ipV6(), fc.integer({ min: 129, max: 999 })).map(([ip, prefix]) => `${ip}/${prefix}`);
const mappedShortNetwork = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 95 })).map(([ip, prefix]) => `::ffff:${ip}/${prefix}`);
const hexOfNoHashLength = fc
  .integer({ min: 16, max: 140 })
  .filter((length) => ![32, 40, 64, 128].includes(length))
  .chain((length) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length }));
const singleLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);
const numericTld = fc.tuple(fc.domain(), fc.integer({ min: 0, max: 9999 })).map(([name, tld]) => `${name}.${tld}`);
const domainBadChar = fc
  .tuple(fc.domain(), fc.constantFrom(' ', '!', ',', ';', '=', '<', '>', '"', '*', '$', '~', '^', '|', '`'))
  .map(([name, char]) => `${name.slice(0, 1)}${char}${name.slice(1)}`);
const domainEmptyLabel = fc.domain().map((name) => name.replace('.', '..'));
const blank = whitespace;
const invalid = fc.oneof(
  octetTooLarge,
  octetLeadingZero,
  ipv4WrongParts,
  ipv4PrefixTooLong,
  ipv6PrefixTooLong,
  mappedShortNetwork,
  hexOfNoHashLength,
  singleLabel,
  numericTld,
  domainBadChar,
  domainEmptyLabel,
  blank,
);

describe('normalizeIndicator properties', () => {
  it('is idempotent on IPv4 addresses, defanged or not', () => {
    fc.assert(fc.property(ipv4, (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on IPv4 networks of any prefix', () => {
    fc.assert(fc.property(ipv4Cidr, (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on IPv6 addresses in any case, and on IPv4-mapped ones', () => {
    fc.assert(fc.property(fc.oneof(ipv6, mapped), (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on the IPv6 networks it accepts (mapped ones shorter than /96 are refused)', () => {
    fc.assert(fc.property(ipv6Cidr, (raw) => expectIdempotent(raw, false)));
  });

  it('is idempotent on domains, defanged, in any case, with a trailing dot', () => {
    fc.assert(fc.property(domain, (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on hashes of the four lengths in any case', () => {
    fc.assert(fc.property(hash, (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on URLs, with hxxp schemes and defanged hosts', () => {
    fc.assert(fc.property(url, (raw) => expectIdempotent(raw, true)));
  });

  it('is idempotent on email addresses with defanged @', () => {
    fc.assert(fc.property(email, (raw) => expectIdempotent(raw, true)));
  });

  it('accepts every valid value of any kind, padded with whitespace, and is idempotent on it', () => {
    const valid = fc.oneof(ipv4, ipv4Cidr, ipv6, mapped, domain, hash, url, email);
    fc.assert(
      fc.property(valid, whitespace, whitespace, (raw, before, after) => {
        expectIdempotent(`${before}${raw}${after}`, true);
      }),
    );
  });

  it('rejects every value that is invalid by construction, with a reason', () => {
    fc.assert(
      fc.property(invalid, (raw) => {
        const result = normalizeIndicator(raw, undefined, { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 });
        expect(result, raw).toMatchObject({ ok: false, reason: expect.stringMatching(/\S/) as unknown });
      }),
    );
  });

  it('is idempotent on any string it accepts', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (raw) => expectIdempotent(raw, false)));
  });

  it('never throws, whatever the value and hint', () => {
    const hints = fc.constantFrom(undefined, 'ip-dst', 'domain', 'url', 'md5', 'email-src', 'domain|ip', 'text', 'ipv6-addr');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), hints, (raw, hint) => {
        expect(() => normalizeIndicator(raw, hint)).not.toThrow();
      }),
    );
  });
});
