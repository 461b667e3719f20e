import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { buildIocMatcher, type HuntIoc } from '../../../src/core/hunt/ioc-matcher.js';
import { DEFAULT_MATCH_FIELDS } from '../../../src/core/hunt/match-fields.js';
import { makeIoc } from './hunt-fixtures.js';

const ANY_RANGE = { normalize: { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 } };
const AT = '2022-03-14T09:26:53.123Z';

/** The naive reference: test every IOC network with ipaddr.js. */
function naiveMatches(address: string, iocs: readonly HuntIoc[]): string[] {
  const parsed = ipaddr.process(address);
  const ids = iocs
    .filter((ioc) => {
      const [base = '', prefix] = ioc.value.split('/');
      const network = ipaddr.parse(base);
      if (network.kind() !== parsed.kind()) return false;
      return parsed.match(network, Number(prefix ?? (network.kind() === 'ipv4' ? 32 : 128)));
    })
    .map((ioc) => ioc.id);
  return [...new Set(ids)].sort();
}

function matcherIds(value: string, iocs: readonly HuntIoc[]): string[] {
  return buildIocMatcher(iocs)
    .match({ source: { related: { ip: value } }, timestamp: AT }, DEFAULT_MATCH_FIELDS)
    .map((match) => match.ioc.id);
}

/** Networks around the address (so that many cases hit) and anywhere else. */
const v4Case = fc.ipV4().chain((address) => {
  const near = fc.integer({ min: 0, max: 32 }).map((prefix) => `${address}/${prefix}`);
  const elsewhere = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([base, prefix]) => `${base}/${prefix}`);
  const exact = fc.constant(address);
  return fc.tuple(fc.constant(address), fc.array(fc.oneof(near, elsewhere, exact), { maxLength: 8 }));
});

const notMapped = (address: string) => !ipaddr.IPv6.parse(address).isIPv4MappedAddress();
const v6Case = fc
  .ipV6()
  .filter(notMapped)
  .chain((address) => {
    const near = fc.integer({ min: 0, max: 128 }).map((prefix) => `${address}/${prefix}`);
    const elsewhere = fc.tuple(fc.ipV6().filter(notMapped), fc.integer({ min: 0, max: 128 })).map(([base, prefix]) => `${base}/${prefix}`);
    return fc.tuple(fc.constant(address), fc.array(fc.oneof(near, elsewhere), { maxLength: 6 }));
  });

describe('IocMatcher IP properties', () => {
  it('agrees with ipaddr.js on random IPv4 addresses and networks', () => {
    fc.assert(
      fc.property(v4Case, ([address, networks]) => {
        const iocs = networks.map((network) => makeIoc(network, ANY_RANGE));
        expect(matcherIds(address, iocs)).toEqual(naiveMatches(address, iocs));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same IOCs for an IPv4 address written as IPv4-mapped IPv6', () => {
    fc.assert(
      fc.property(v4Case, ([address, networks]) => {
        const iocs = networks.map((network) => makeIoc(network, ANY_RANGE));
        expect(matcherIds(`::ffff:${address}`, iocs)).toEqual(matcherIds(address, iocs));
      }),
      { numRuns: 100 },
    );
  });

  it('agrees with ipaddr.js on random IPv6 addresses and networks', () => {
    fc.assert(
      fc.property(v6Case, ([address, networks]) => {
        const iocs = networks.map((network) => makeIoc(network, ANY_RANGE));
        expect(matcherIds(address, iocs)).toEqual(naiveMatches(address, iocs));
      }),
      { numRuns: 200 },
    );
  });
});
