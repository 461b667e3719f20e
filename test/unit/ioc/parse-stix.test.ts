import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { MAX_PATTERN_DEPTH } from '../../../src/core/ioc/limits.js';
import { parseStix } from '../../../src/core/ioc/parse-stix.js';
import { readFixture } from './read-fixture.js';

const REPORT = 'Operation Tin Lantern: C2 infrastructure';
const BULLETIN = {
  id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
  title: REPORT,
  published: '2021-07-20T09:00:00.000Z',
  modified: '2021-07-20T09:00:00.000Z',
};
const at = (index: number) => ({ file: 'stix-bundle.json', path: `$.objects[${index}]` });

describe('parseStix on a bundle with a report, markings and indicators', () => {
  const result = parseStix(readFixture('stix-bundle.json'), { file: 'stix-bundle.json' });

  it('names the feed after the report', () => {
    expect(result.format).toBe('stix');
    expect(result.feedName).toBe(REPORT);
  });

  it('turns each OR-ed comparison into an IOC with the indicator provenance', () => {
    const relay = {
      feed: REPORT,
      sourceId: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      description: 'Compromised routers relaying C2 traffic',
      reference: 'https://cert.example/reports/tin-lantern',
      provider: 'Example CERT',
      tlp: 'GREEN',
      confidence: 85,
      validFrom: '2021-07-01T00:00:00.000Z',
      validUntil: '2022-07-01T00:00:00.000Z',
      tags: ['apt', 'relay'],
      bulletin: BULLETIN,
      location: at(4),
    };
    const stager = {
      feed: REPORT,
      sourceId: 'indicator--a932fcc6-e032-476c-826f-cb970a5a1ade',
      description: 'Stager URL',
      tlp: 'AMBER',
      validFrom: '2021-07-01T00:00:00.000Z',
      bulletin: BULLETIN,
      location: at(5),
    };
    const hashes = {
      feed: REPORT,
      sourceId: 'indicator--0f7e5a3c-1b2d-4e6f-8a9b-0c1d2e3f4a5b',
      description: 'Loader hashes',
      tlp: 'RED',
      validFrom: '2021-07-01T00:00:00.000Z',
      bulletin: BULLETIN,
      location: at(6),
    };
    const phishing = {
      feed: REPORT,
      sourceId: 'indicator--4d5e6f7a-8b9c-4d0e-1f2a-3b4c5d6e7f80',
      description: 'Phishing sender and IPv6 relay',
      confidence: 60,
      validFrom: '2021-07-01T00:00:00.000Z',
      validUntil: '2021-12-31T23:59:59.999Z',
      bulletin: BULLETIN,
      location: at(10),
    };
    expect(result.iocs).toEqual([
      { type: 'ipv4-addr', value: '105.154.12.165', original: '105.154.12.165', ...relay },
      { type: 'ipv4-addr', value: '110.36.231.0/24', cidr: '110.36.231.0/24', original: '110.36.231.0/24', ...relay },
      {
        type: 'url',
        value: "http://update.tin-lantern.example/o'neil/get.php",
        original: "http://update.tin-lantern.example/o'neil/get.php",
        ...stager,
      },
      { type: 'domain-name', value: 'update.tin-lantern.example', original: 'Update.Tin-Lantern.example', ...stager },
      {
        type: 'file',
        value: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        hashAlgorithm: 'sha256',
        original: '2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE',
        ...hashes,
      },
      { type: 'file', value: 'acbd18db4cc2f85cedef654fccc4a4d8', hashAlgorithm: 'md5', original: 'acbd18db4cc2f85cedef654fccc4a4d8', ...hashes },
      { type: 'email-addr', value: 'payroll@tin-lantern.example', original: 'Payroll@Tin-Lantern.example', ...phishing },
      { type: 'ipv6-addr', value: '2a0e:1c80:1:1:45:15:156:1', original: '2A0E:1C80:0001:0001:0045:0015:0156:0001', ...phishing },
      {
        type: 'ipv4-addr',
        value: '45.155.205.0/24',
        cidr: '45.155.205.0/24',
        original: '45.155.205.0/24',
        feed: REPORT,
        sourceId: 'indicator--5e6f7a8b-9c0d-4e1f-2a3b-4c5d6e7f8091',
        description: 'Relay subnet',
        validFrom: '2021-07-01T00:00:00.000Z',
        bulletin: BULLETIN,
        location: at(11),
      },
    ]);
  });

  it('rejects AND patterns, non-STIX pattern types and unsupported object paths', () => {
    expect(result.rejected).toEqual([
      {
        location: at(8),
        value: "[network-traffic:dst_ref.value = '91.219.236.18' AND network-traffic:dst_port = 8443]",
        reason: 'unsupported pattern: AND',
      },
      {
        location: at(9),
        value:
          "title: Loader\nlogsource:\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: '\\invoice.exe'\n  condition: selection",
        reason: 'unsupported pattern_type sigma',
      },
      { location: at(10), value: 'invoice.exe', reason: 'unsupported object path process:name' },
    ]);
  });

  it('skips the revoked indicator and lists the repeated address as a duplicate', () => {
    expect(result.skipped).toEqual([{ reason: 'revoked', count: 1 }]);
    expect(result.duplicates).toEqual([{ type: 'ipv4-addr', value: '105.154.12.165', location: at(11), keptAt: at(4) }]);
  });
});

describe('parseStix edge cases', () => {
  function bundle(...objects: unknown[]): string {
    return JSON.stringify({ type: 'bundle', id: 'bundle--0a1b2c3d-0000-4000-8000-000000000000', objects });
  }

  function indicator(fields: Record<string, unknown>): Record<string, unknown> {
    return { type: 'indicator', id: 'indicator--00000000-0000-4000-8000-000000000001', pattern_type: 'stix', ...fields };
  }

  it('names the feed after the bundle id when there is no report', () => {
    expect(parseStix(bundle()).feedName).toBe('bundle--0a1b2c3d-0000-4000-8000-000000000000');
  });

  it('reads TLP 2.0 markings by standard id, by extension and by name', () => {
    const text = bundle(
      { type: 'marking-definition', id: 'marking-definition--aaaaaaaa-0000-4000-8000-000000000001', name: 'TLP:AMBER+STRICT', extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'amber+strict' } } },
      { type: 'marking-definition', id: 'marking-definition--aaaaaaaa-0000-4000-8000-000000000002', name: 'TLP:GREEN' },
      indicator({ pattern: "[domain-name:value = 'a.example']", object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'] }),
      indicator({ pattern: "[domain-name:value = 'b.example']", object_marking_refs: ['marking-definition--aaaaaaaa-0000-4000-8000-000000000001'] }),
      indicator({ pattern: "[domain-name:value = 'c.example']", object_marking_refs: ['marking-definition--aaaaaaaa-0000-4000-8000-000000000002'] }),
      indicator({ pattern: "[domain-name:value = 'd.example']", object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'] }),
      indicator({ pattern: "[domain-name:value = 'e.example']", object_marking_refs: ['marking-definition--unknown'] }),
    );
    expect(parseStix(text).iocs.map((ioc) => [ioc.value, ioc.tlp])).toEqual([
      ['a.example', 'CLEAR'],
      ['b.example', 'AMBER+STRICT'],
      ['c.example', 'GREEN'],
      ['d.example', 'RED'],
      ['e.example', undefined],
    ]);
  });

  it('accepts ISSUBSET on IP paths only, and rejects other operators per comparison', () => {
    const text = bundle(
      indicator({
        pattern:
          "[ipv4-addr:value ISSUBSET '45.155.205.0/24' OR domain-name:value ISSUBSET 'x.example' OR url:value LIKE 'http://%' OR network-traffic:dst_ref.value = 'c2.example']",
      }),
    );
    const result = parseStix(text);
    expect(result.iocs.map((ioc) => [ioc.type, ioc.value])).toEqual([
      ['ipv4-addr', '45.155.205.0/24'],
      ['domain-name', 'c2.example'],
    ]);
    expect(result.rejected).toEqual([
      { location: { path: '$.objects[0]' }, value: 'x.example', reason: 'unsupported operator ISSUBSET on domain-name:value' },
      { location: { path: '$.objects[0]' }, value: 'http://%', reason: 'unsupported operator LIKE on url:value' },
    ]);
  });

  it('rejects an indicator with an invalid date or confidence, or without a pattern', () => {
    const text = bundle(
      indicator({ pattern: "[domain-name:value = 'a.example']", valid_until: 'next year' }),
      indicator({ pattern: "[domain-name:value = 'b.example']", confidence: 101 }),
      indicator({ pattern_type: undefined }),
      indicator({ pattern: "[file:hashes.'SHA-256' = 'acbd18db4cc2f85cedef654fccc4a4d8']" }),
      indicator({ pattern: "[file:hashes.SSDEEP = '3:abc:def']" }),
    );
    expect(parseStix(text).rejected).toEqual([
      { location: { path: '$.objects[0]' }, value: "[domain-name:value = 'a.example']", reason: 'invalid valid_until "next year"' },
      { location: { path: '$.objects[1]' }, value: "[domain-name:value = 'b.example']", reason: 'invalid confidence "101" (expected 0-100)' },
      { location: { path: '$.objects[2]' }, value: '', reason: 'indicator without a pattern' },
      {
        location: { path: '$.objects[3]' },
        value: 'acbd18db4cc2f85cedef654fccc4a4d8',
        reason: 'expected a SHA-256 hash, got 32 hex characters (MD5)',
      },
      { location: { path: '$.objects[4]' }, value: '3:abc:def', reason: "unsupported object path file:hashes.SSDEEP" },
    ]);
  });

  it('rejects only the indicator whose pattern is nested 50,000 deep, and reads the rest of the bundle', () => {
    const deep = `${'('.repeat(50_000)}[domain-name:value = 'a.example']${')'.repeat(50_000)}`;
    const result = parseStix(bundle(indicator({ pattern: deep }), indicator({ pattern: "[domain-name:value = 'b.example']" })));
    expect(result.iocs.map((ioc) => ioc.value)).toEqual(['b.example']);
    expect(result.rejected).toEqual([
      { location: { path: '$.objects[0]' }, value: `${'('.repeat(256)}…`, reason: `pattern nested deeper than ${MAX_PATTERN_DEPTH} levels` },
    ]);
  });

  // JSON.parse is iterative in V8; nothing after it may walk such a value recursively.
  it('reads a bundle holding JSON nested 100,000 deep in a marking and an indicator', () => {
    const marking = { type: 'marking-definition', id: 'marking-definition--aaaaaaaa-0000-4000-8000-000000000001', extensions: 'DEEP' };
    const text = bundle(marking, indicator({ pattern: "[domain-name:value = 'b.example']", labels: 'DEEP', object_marking_refs: 'DEEP' }));
    const result = parseStix(text.replaceAll('"DEEP"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(result.iocs.map((ioc) => ioc.value)).toEqual(['b.example']);
  });

  it('names a long pattern_type in at most 64 characters, on one line', () => {
    expect(parseStix(bundle(indicator({ pattern: 'x', pattern_type: 'y'.repeat(100) }))).rejected[0]?.reason).toBe(
      `unsupported pattern_type ${'y'.repeat(64)}…`,
    );
    expect(parseStix(bundle(indicator({ pattern: 'x', pattern_type: 'a\u2028b' }))).rejected[0]?.reason).toBe('unsupported pattern_type a\\u2028b');
  });

  it('refuses JSON that is not a bundle', () => {
    expect(() => parseStix('{"type": "indicator"}', { file: 'x.json' })).toThrow(
      new InputError('not a STIX 2.1 bundle: expected {"type": "bundle", "objects": [...]}', { file: 'x.json' }),
    );
    expect(() => parseStix('not json')).toThrow(InputError);
  });
});
