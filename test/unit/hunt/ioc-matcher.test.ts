import { describe, expect, it } from 'vitest';
import { firstMatchPerIoc } from '../../../src/core/hunt/first-match-per-ioc.js';
import { buildIocMatcher, huntIocFromDocument, type HuntIoc, type Match } from '../../../src/core/hunt/ioc-matcher.js';
import { buildIocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { DEFAULT_MATCH_FIELDS, mergeMatchFields, type MatchKind } from '../../../src/core/hunt/match-fields.js';
import {
  MAIL_GATEWAY,
  MD5,
  SHA1,
  SHA256,
  SHA512,
  SURICATA_HTTP,
  SYSMON_PROCESS,
  ZEEK_CONN,
  ZEEK_DNS,
  deepFreeze,
  makeIoc,
  storedIoc,
} from './hunt-fixtures.js';

const ip = makeIoc('45.83.1.2');
const net24 = makeIoc('185.220.101.0/24');
const net16 = makeIoc('185.220.0.0/16'); // its id sorts before net24's
const v6net = makeIoc('2a0d:5600:24::/48');
const v6 = makeIoc('2001:67c:2e8:22::c100:68b');
const domain = makeIoc('evil-c2.example');
const mailDomain = makeIoc('evil-mail.example');
const idn = makeIoc('bücher-update.example');
const url = makeIoc('hxxp://Malware.EXAMPLE/payload.bin');
const md5 = makeIoc(MD5);
const sha1 = makeIoc(SHA1);
const sha256 = makeIoc(SHA256.toUpperCase());
const sha512 = makeIoc(SHA512);
const email = makeIoc('Phish@Evil-Mail.example');
const idnEmail = makeIoc('bounce@bücher-update.example');

const BULLETIN = deepFreeze([ip, net24, net16, v6net, v6, domain, mailDomain, idn, url, md5, sha1, sha256, sha512, email, idnEmail]);
const matcher = buildIocMatcher(BULLETIN);

const AT = '2022-03-14T09:26:53.123Z';

function matchSource(source: Record<string, unknown>, options: Parameters<typeof matcher.match>[2] = {}, fields = DEFAULT_MATCH_FIELDS): Match[] {
  return matcher.match({ source, timestamp: AT }, fields, options);
}

function matchEvent(source: Record<string, unknown>, options: Parameters<typeof matcher.match>[2] = {}, fields = DEFAULT_MATCH_FIELDS): Match[] {
  return matcher.match({ source, timestamp: source['@timestamp'] as string }, fields, options);
}

/** `{a: {b: {c: value}}}` for `a.b.c`. */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reduceRight<Record<string, unknown>>((inner, segment, index, all) => ({ [segment]: index === all.length - 1 ? value : inner }), {});
}

function m(ioc: HuntIoc, field: string, atomic: string): Match {
  return { ioc, field, atomic };
}

const HASH_IOCS: Record<string, [HuntIoc, string]> = {
  md5: [md5, MD5.toUpperCase()],
  sha1: [sha1, SHA1.toUpperCase()],
  sha256: [sha256, SHA256.toUpperCase()],
  sha512: [sha512, SHA512.toUpperCase()],
  hash: [sha512, SHA512.toUpperCase()],
};

const IP_FORMS = ['45.83.1.2', '::ffff:45.83.1.2', '::FFFF:2D53:102', '0:0:0:0:0:ffff:2d53:0102'];

/** For every default field: the IOC it should find and the value as an event would log it. */
const CASES: [MatchKind, string, HuntIoc, string][] = [
  ...DEFAULT_MATCH_FIELDS.ip.map((field, i): [MatchKind, string, HuntIoc, string] => ['ip', field, ip, IP_FORMS[i % IP_FORMS.length] as string]),
  ...DEFAULT_MATCH_FIELDS.domain.map((field): [MatchKind, string, HuntIoc, string] => ['domain', field, domain, 'EVIL-C2.Example.']),
  ...DEFAULT_MATCH_FIELDS.url.map((field): [MatchKind, string, HuntIoc, string] => ['url', field, url, 'HTTP://Malware.EXAMPLE/payload.bin']),
  ...DEFAULT_MATCH_FIELDS.hash.map((field): [MatchKind, string, HuntIoc, string] => {
    const [ioc, value] = HASH_IOCS[field.split('.').at(-1) as string] as [HuntIoc, string];
    return ['hash', field, ioc, value];
  }),
  ...DEFAULT_MATCH_FIELDS.email.map((field): [MatchKind, string, HuntIoc, string] => ['email', field, email, 'Phish@Evil-Mail.EXAMPLE']),
];

describe('IocMatcher.match on every default field', () => {
  it.each(CASES)('%s IOC found in %s (as %s)', (_kind, field, ioc, value) => {
    expect(matchSource(nested(field, value))).toEqual([m(ioc, field, value)]);
    expect(matchSource({ [field]: [value] })).toEqual([m(ioc, field, value)]);
  });

  it('covers all 35 default fields', () => {
    expect(CASES).toHaveLength(35);
  });
});

describe('IocMatcher.match on realistic events', () => {
  it('Zeek conn: the C2 address as destination and in related.ip', () => {
    expect(matchEvent(ZEEK_CONN)).toEqual([m(ip, 'destination.ip', '45.83.1.2'), m(ip, 'related.ip', '45.83.1.2')]);
  });

  it('Zeek dns: an upper-case subdomain with the root dot matches by default, not with exact domains', () => {
    expect(matchEvent(ZEEK_DNS)).toEqual([
      m(domain, 'dns.question.name', 'Update.EVIL-C2.Example.'),
      m(domain, 'related.hosts', 'Update.EVIL-C2.Example.'),
    ]);
    const exact = makeIoc('evil-c2.example', { exactDomains: true });
    expect(buildIocMatcher([exact]).match({ source: ZEEK_DNS, timestamp: ZEEK_DNS['@timestamp'] }, DEFAULT_MATCH_FIELDS)).toEqual([]);
  });

  it('Suricata with dotted keys: mapped IPv6, nested CIDRs by IOC id, upper-case URL host', () => {
    expect(matchEvent(SURICATA_HTTP)).toEqual([
      m(ip, 'source.ip', '::ffff:45.83.1.2'),
      m(ip, 'related.ip', '::ffff:45.83.1.2'),
      m(net16, 'related.ip', '185.220.101.255'),
      m(net24, 'related.ip', '185.220.101.255'),
      m(net16, 'destination.nat.ip', '185.220.101.255'),
      m(net24, 'destination.nat.ip', '185.220.101.255'),
      m(url, 'url.full', 'HTTP://Malware.EXAMPLE/payload.bin'),
    ]);
  });

  it('Sysmon: upper-case hashes on process.hash.* and related.hash', () => {
    expect(matchEvent(SYSMON_PROCESS)).toEqual([
      m(md5, 'process.hash.md5', MD5.toUpperCase()),
      m(sha1, 'process.hash.sha1', SHA1.toUpperCase()),
      m(sha256, 'process.hash.sha256', SHA256.toUpperCase()),
      m(md5, 'related.hash', MD5.toUpperCase()),
      m(sha1, 'related.hash', SHA1.toUpperCase()),
      m(sha256, 'related.hash', SHA256.toUpperCase()),
    ]);
  });

  it('mail gateway: IPv6 network, sender in mixed case, IDN sender domain, the mail host below a domain IOC', () => {
    expect(matchEvent(MAIL_GATEWAY)).toEqual([
      m(v6net, 'source.ip', '2a0d:5600:24:ffff::25'),
      m(mailDomain, 'source.domain', 'mx.Evil-Mail.example'),
      m(mailDomain, 'related.hosts', 'mx.evil-mail.example'),
      m(email, 'email.from.address', 'Phish@Evil-Mail.example'),
      m(idnEmail, 'email.sender.address', 'bounce@BÜCHER-update.example'),
    ]);
  });

  it('firstMatchPerIoc keeps one match per IOC, the earliest field', () => {
    expect(firstMatchPerIoc(matchEvent(SURICATA_HTTP))).toEqual([
      m(ip, 'source.ip', '::ffff:45.83.1.2'),
      m(net16, 'related.ip', '185.220.101.255'),
      m(net24, 'related.ip', '185.220.101.255'),
      m(url, 'url.full', 'HTTP://Malware.EXAMPLE/payload.bin'),
    ]);
  });
});

describe('IP matching', () => {
  it.each([
    ['185.220.101.0', [net16, net24]],
    ['185.220.101.255', [net16, net24]],
    ['185.220.100.255', [net16]],
    ['185.220.102.0', [net16]],
    ['185.220.0.0', [net16]],
    ['185.220.255.255', [net16]],
    ['185.219.255.255', []],
    ['185.221.0.0', []],
    ['::ffff:185.220.101.9', [net16, net24]],
  ])('%s is inside %#', (value, iocs) => {
    expect(matchSource({ destination: { ip: value } })).toEqual(iocs.map((ioc) => m(ioc, 'destination.ip', value)));
  });

  it('a /8 and an exact address inside it both match, by IOC id', () => {
    const wide = makeIoc('45.0.0.0/8');
    const local = buildIocMatcher([makeIoc('45.83.1.2'), wide]);
    const found = local.match({ source: { source: { ip: '45.83.1.2' } }, timestamp: AT }, DEFAULT_MATCH_FIELDS);
    expect(found.map((match) => match.ioc.value)).toEqual(wide.id < ip.id ? ['45.0.0.0/8', '45.83.1.2'] : ['45.83.1.2', '45.0.0.0/8']);
  });

  it('IPv6 networks: inside, at both ends, outside', () => {
    const inside = ['2a0d:5600:24::', '2A0D:5600:0024:FFFF:FFFF:FFFF:FFFF:FFFF', '2a0d:5600:24:1::53'];
    const outside = ['2a0d:5600:25::', '2a0d:5600:23:ffff:ffff:ffff:ffff:ffff', '::2a0d:5600:24:0:0'];
    expect(matchSource({ related: { ip: [...inside, ...outside] } })).toEqual(inside.map((value) => m(v6net, 'related.ip', value)));
  });

  it('IPv6 addresses match in any spelling', () => {
    const spellings = ['2001:67c:2e8:22::c100:68b', '2001:067C:02E8:0022:0000:0000:C100:068B', '2001:67c:2e8:22:0::c100:68b'];
    expect(matchSource({ 'host.ip': spellings })).toEqual(spellings.map((value) => m(v6, 'host.ip', value)));
  });

  it('ignores values that are not addresses, without throwing', () => {
    const junk = ['', 'not-an-ip', '45.83.1', '45.83.1.2.3', '045.83.1.2', '45.83.1.02', '256.83.1.2', '45.83.1.2/32', '45.83.1.2 ', '45.83.1.-2',
      '::ffff:045.83.1.2', 'fe80::1%eth0', ':::', '2a0d:5600:24::/48', '[2a0d:5600:24::1]', 760414466, 'zz::1'];
    expect(matchSource({ source: { ip: junk } })).toEqual([]);
  });

  it('an IPv4 IOC is not found in IPv6 values outside ::ffff:0:0/96', () => {
    expect(matchSource({ source: { ip: ['64:ff9b::2d53:102', '2002:2d53:102::1'] } })).toEqual([]);
  });
});

describe('domain matching', () => {
  it('is case-insensitive and ignores the root dot', () => {
    const values = ['evil-c2.example', 'EVIL-C2.EXAMPLE', 'Evil-C2.Example.'];
    expect(matchSource({ 'dns.question.name': values })).toEqual(values.map((value) => m(domain, 'dns.question.name', value)));
  });

  it('converts IDN event values to punycode', () => {
    const values = ['bücher-update.example', 'BÜCHER-UPDATE.EXAMPLE.', 'xn--bcher-update-dlb.example'];
    expect(matchSource({ url: { domain: values } })).toEqual(values.map((value) => m(idn, 'url.domain', value)));
  });

  it('matches any depth below the IOC, on label boundaries only', () => {
    const source = { related: { hosts: ['a.b.EVIL-C2.example', 'notevil-c2.example', 'xevil-c2.example', 'evil-c2.example.attacker.net', '.evil-c2.example', 'evil-c2.example'] } };
    expect(matchSource(source)).toEqual([
      m(domain, 'related.hosts', 'a.b.EVIL-C2.example'),
      m(domain, 'related.hosts', 'evil-c2.example'),
    ]);
  });

  it('a name under two domain IOCs matches both, by IOC id', () => {
    const child = makeIoc('c2.evil-c2.example');
    const local = buildIocMatcher([domain, child]);
    const event = { source: { 'tls.client.server_name': 'x.C2.evil-c2.example' }, timestamp: AT };
    expect(local.match(event, DEFAULT_MATCH_FIELDS)).toEqual(
      [child, domain].sort((a, b) => (a.id < b.id ? -1 : 1)).map((ioc) => m(ioc, 'tls.client.server_name', 'x.C2.evil-c2.example')),
    );
  });

  it('an IOC that is a public suffix, ICANN or private (shared hosting), matches its exact name only', () => {
    const suffixes = ['co.uk', 'github.io', 'blogspot.com', 'herokuapp.com'].map((value) => makeIoc(value, { hint: 'domain-name' }));
    const local = buildIocMatcher(suffixes);
    const source = { dns: { question: { name: ['x.co.uk', 'foo.github.io', 'a.blogspot.com', 'app.herokuapp.com', 'GitHub.io'] } } };
    expect(local.match({ source, timestamp: AT }, DEFAULT_MATCH_FIELDS)).toEqual([m(suffixes[1]!, 'dns.question.name', 'GitHub.io')]);
  });

  it('a domain below a shared-hosting suffix matches its own subdomains, not its siblings', () => {
    const pages = makeIoc('foo.github.io');
    const local = buildIocMatcher([pages]);
    const source = { url: { domain: ['a.foo.github.io', 'bar.github.io', 'xfoo.github.io'] } };
    expect(local.match({ source, timestamp: AT }, DEFAULT_MATCH_FIELDS)).toEqual([m(pages, 'url.domain', 'a.foo.github.io')]);
  });

  it('a domain loaded with --exact-domains by one feed keeps subdomains while another feed lists it without', () => {
    const [id, exactOnly] = storedIoc('evil-c2.example', { exactDomains: true });
    const both = buildIocDocument(
      { type: 'domain-name', value: 'evil-c2.example', original: 'evil-c2.example', location: { file: 'b.txt', line: 1 } },
      { name: 'partner', huntFrom: '2021-01-01T00:00:00.000Z', now: '2024-05-03T00:00:00.000Z', setVersion: 2 },
      exactOnly,
    ).document;
    const event = { source: { dns: { question: { name: 'a.evil-c2.example' } } }, timestamp: AT };
    expect(buildIocMatcher([huntIocFromDocument(id, exactOnly)]).match(event, DEFAULT_MATCH_FIELDS)).toEqual([]);
    expect(buildIocMatcher([huntIocFromDocument(id, both)]).match(event, DEFAULT_MATCH_FIELDS)).toHaveLength(1);
    expect(buildIocMatcher([huntIocFromDocument(id, both, { exactDomains: true })]).match(event, DEFAULT_MATCH_FIELDS)).toEqual([]);
  });
});

describe('URL, hash and email matching', () => {
  it('normalises the URL scheme and host but not the path', () => {
    const source = {
      url: {
        full: ['hTTp://MALWARE.example/payload.bin', 'http://malware.example/PAYLOAD.bin', 'https://malware.example/payload.bin'],
        original: 'http://malware.example/payload.bin',
      },
    };
    expect(matchSource(source)).toEqual([
      m(url, 'url.full', 'hTTp://MALWARE.example/payload.bin'),
      m(url, 'url.original', 'http://malware.example/payload.bin'),
    ]);
  });

  it('compares the raw string when the URL cannot be normalised', () => {
    const odd = makeIoc('http://evil-c2.example/gate.php');
    const local = buildIocMatcher([{ ...odd, value: 'gopher://evil-c2.example/1' }]);
    expect(local.match({ source: { 'url.original': ['gopher://evil-c2.example/1', 'GOPHER://evil-c2.example/1'] }, timestamp: AT }, DEFAULT_MATCH_FIELDS)).toEqual([
      { ioc: { ...odd, value: 'gopher://evil-c2.example/1' }, field: 'url.original', atomic: 'gopher://evil-c2.example/1' },
    ]);
  });

  it('lower-cases hashes and emails', () => {
    expect(matchSource({ file: { hash: { sha256: SHA256.toUpperCase() } }, user: { email: 'PHISH@EVIL-MAIL.EXAMPLE' } })).toEqual([
      m(sha256, 'file.hash.sha256', SHA256.toUpperCase()),
      m(email, 'user.email', 'PHISH@EVIL-MAIL.EXAMPLE'),
    ]);
  });
});

describe('type discipline', () => {
  it('looks for each IOC only in its own kind of field', () => {
    const source = {
      url: { domain: '45.83.1.2', full: 'http://45.83.1.2/payload.bin', original: 'evil-c2.example' },
      related: { ip: ['evil-c2.example', MD5], hosts: ['phish@evil-mail.example', '45.83.1.2'], hash: ['45.83.1.2', 'evil-c2.example'] },
      user: { email: SHA256 },
      dns: { question: { name: 'http://malware.example/payload.bin' } },
    };
    expect(matchSource(source)).toEqual([]);
  });
});

describe('multi-valued fields', () => {
  it('match on any value, once per distinct (IOC, field, atomic), in value order', () => {
    const source = { related: { ip: ['10.0.0.5', '185.220.101.7', '45.83.1.2', '45.83.1.2', '::ffff:45.83.1.2', '185.220.101.7'] } };
    expect(matchSource(source)).toEqual([
      m(net16, 'related.ip', '185.220.101.7'),
      m(net24, 'related.ip', '185.220.101.7'),
      m(ip, 'related.ip', '45.83.1.2'),
      m(ip, 'related.ip', '::ffff:45.83.1.2'),
    ]);
  });

  it('deduplicates long arrays too', () => {
    const many = Array.from({ length: 200 }, (_, i) => `10.1.${i % 50}.${i}`);
    const source = { related: { ip: [...many, '45.83.1.2', ...many, '45.83.1.2'] } };
    expect(matchSource(source)).toEqual([m(ip, 'related.ip', '45.83.1.2')]);
  });

  it('a field listed twice is searched once', () => {
    const fields = { ...DEFAULT_MATCH_FIELDS, ip: ['source.ip', 'source.ip'] };
    expect(matchSource({ source: { ip: '45.83.1.2' } }, {}, fields)).toEqual([m(ip, 'source.ip', '45.83.1.2')]);
  });
});

describe('validity window', () => {
  const [id, document] = storedIoc('91.219.236.18', { huntFrom: '2021-01-01T00:00:00.000Z', validUntil: '2022-06-30T23:59:59.999Z' });
  const bounded = makeIoc('91.219.236.18', { huntFrom: '2021-01-01T00:00:00.000Z', validUntil: '2022-06-30T23:59:59.999Z' });
  const local = buildIocMatcher([bounded]);
  const at = (timestamp: string | undefined, validityGraceMs?: number) =>
    local.match({ source: { destination: { ip: '91.219.236.18' } }, timestamp }, DEFAULT_MATCH_FIELDS, { validityGraceMs }).length === 1;

  it('reads hunt_from and valid_until from the stored document', () => {
    // Of the document, only what an alert copies: the indicator and the feeds.
    const kept = { threat: { indicator: document.threat.indicator, feed: { name: document.threat.feed.name } }, iochunt: { active_feeds: document.iochunt.active_feeds } };
    expect(bounded).toEqual({ id, type: 'ipv4-addr', value: '91.219.236.18', huntFrom: '2021-01-01T00:00:00.000Z', validUntil: '2022-06-30T23:59:59.999Z', document: kept });
  });

  it('excludes events before hunt_from and includes hunt_from itself', () => {
    expect(at('2020-12-31T23:59:59.999Z')).toBe(false);
    expect(at('2021-01-01T00:00:00.000Z')).toBe(true);
    expect(at('2021-01-01T01:00:00+01:00')).toBe(true);
    expect(at('2021-01-01T00:59:59.999+01:00')).toBe(false);
  });

  it('includes valid_until itself and excludes what follows, without grace', () => {
    expect(at('2022-06-30T23:59:59.999Z')).toBe(true);
    expect(at('2022-07-01T00:00:00.000Z')).toBe(false);
  });

  it('extends valid_until by the grace, inclusive', () => {
    const week = 7 * 24 * 3600 * 1000;
    expect(at('2022-07-01T00:00:00.000Z', 1)).toBe(true);
    expect(at('2022-07-07T23:59:59.999Z', week)).toBe(true);
    expect(at('2022-07-08T00:00:00.000Z', week)).toBe(false);
  });

  it('never ends for an IOC without valid_until', () => {
    expect(matchSource({ source: { ip: '45.83.1.2' } })).toHaveLength(1);
    expect(matcher.match({ source: { source: { ip: '45.83.1.2' } }, timestamp: '2099-01-01T00:00:00Z' }, DEFAULT_MATCH_FIELDS)).toHaveLength(1);
  });

  it('reads timestamps without offset as UTC, and nanosecond timestamps', () => {
    expect(at('2021-01-01T00:00:00')).toBe(true);
    expect(at('2020-12-31 23:59:59.999')).toBe(false);
    expect(at('2022-06-30T23:59:59.999999999Z')).toBe(true);
  });

  it('an event without a readable timestamp matches nothing', () => {
    expect(at(undefined)).toBe(false);
    expect(at('')).toBe(false);
    expect(at('yesterday')).toBe(false);
    expect(at('2022-02-30T10:00:00Z')).toBe(false);
  });
});

describe('config field extension', () => {
  it('finds IOCs in the extra fields, arrays of objects included', () => {
    const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, { ip: ['dns.resolved_ip'], domain: ['dns.answers.name'] });
    expect(matchEvent(ZEEK_DNS, {}, fields)).toEqual([
      m(ip, 'dns.resolved_ip', '45.83.1.2'),
      m(net16, 'dns.resolved_ip', '185.220.101.47'),
      m(net24, 'dns.resolved_ip', '185.220.101.47'),
      m(domain, 'dns.question.name', 'Update.EVIL-C2.Example.'),
      m(domain, 'related.hosts', 'Update.EVIL-C2.Example.'),
      m(domain, 'dns.answers.name', 'update.evil-c2.example'),
    ]);
  });
});

describe('buildIocMatcher', () => {
  it('counts compiled IOCs and reports the kinds it holds', () => {
    expect(matcher.size).toBe(15);
    expect(matcher.rejected).toEqual([]);
    const ipsOnly = buildIocMatcher([ip, net24]);
    expect([ipsOnly.has('ip'), ipsOnly.has('domain'), ipsOnly.has('hash')]).toEqual([true, false, false]);
  });

  it('keeps the first of IOCs with the same id and rejects unreadable ones instead of throwing', () => {
    const badDate = { ...makeIoc('91.219.236.19'), huntFrom: 'soon' };
    const badUntil = { ...makeIoc('91.219.236.20'), validUntil: '2022-13-01' };
    const badIp = { ...makeIoc('91.219.236.21'), value: '91.219.236.300' };
    const local = buildIocMatcher([ip, { ...ip, value: '45.83.1.3' }, badDate, badUntil, badIp]);
    expect(local.size).toBe(1);
    expect(local.rejected).toEqual([
      { ioc: badDate, reason: 'unreadable hunt_from "soon"' },
      { ioc: badIp, reason: 'ipv4-addr IOC value "91.219.236.300" is not an IP address or network' },
      { ioc: badUntil, reason: 'unreadable valid_until "2022-13-01"' },
    ].sort((a, b) => (a.ioc.id < b.ioc.id ? -1 : 1)));
    expect(local.match({ source: { source: { ip: ['45.83.1.2', '45.83.1.3'] } }, timestamp: AT }, DEFAULT_MATCH_FIELDS)).toEqual([
      m(ip, 'source.ip', '45.83.1.2'),
    ]);
  });

  it('with no IOCs matches nothing', () => {
    expect(buildIocMatcher([]).match({ source: ZEEK_CONN, timestamp: AT }, DEFAULT_MATCH_FIELDS)).toEqual([]);
  });

  it('does not modify the event, the IOCs or the field table', () => {
    const event = deepFreeze({ source: structuredClone(SURICATA_HTTP), timestamp: '2023-11-02T17:45:10.000Z' });
    const fields = deepFreeze(mergeMatchFields(DEFAULT_MATCH_FIELDS, { ip: ['dns.resolved_ip'] }));
    expect(matcher.match(event, fields)).toHaveLength(7);
    expect(event.source).toEqual(SURICATA_HTTP);
  });
});

describe('a million IOCs held compactly (issue 13, item 3)', () => {
  it('shares the feed lists and their objects among the IOCs of one read, and keeps each its own values', async () => {
    const { HuntIocInterner } = await import('../../../src/core/hunt/hunt-ioc.js');
    const interner = new HuntIocInterner();
    const [idA, docA] = storedIoc('91.219.236.18', { huntFrom: '2021-01-01T00:00:00.000Z' });
    const [idB, docB] = storedIoc('45.83.1.2', { huntFrom: '2021-01-01T00:00:00.000Z' });
    const a = huntIocFromDocument(idA, docA, {}, interner);
    const b = huntIocFromDocument(idB, docB, {}, interner);
    expect(a.document.iochunt).toBe(b.document.iochunt);
    expect(a.document.threat.feed).toBe(b.document.threat.feed);
    expect(a.document.iochunt.active_feeds).toEqual(docA.iochunt.active_feeds);
    // The indicator is rebuilt around shared strings: the same keys in the same order, the same values.
    expect(JSON.stringify(a.document.threat.indicator)).toBe(JSON.stringify(docA.threat.indicator));
    expect(JSON.stringify(b.document.threat.indicator)).toBe(JSON.stringify(docB.threat.indicator));
    expect([a.value, b.value]).toEqual(['91.219.236.18', '45.83.1.2']);
    // Without an interner, nothing is shared (each IOC gets its own lists) and the indicator is the stored one.
    expect(huntIocFromDocument(idA, docA).document.iochunt).not.toBe(huntIocFromDocument(idB, docB).document.iochunt);
    expect(huntIocFromDocument(idA, docA).document.threat.indicator).toBe(docA.threat.indicator);
  });
});
