import { readFileSync } from 'node:fs';
import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { buildIocDocument, type IocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { DEFAULT_MATCH_FIELDS, type MatchFields, type MatchKind, matchKindOf, mergeMatchFields } from '../../../src/core/hunt/match-fields.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import type { ParsedIoc } from '../../../src/core/ioc/types.js';
import {
  buildEnrichPipeline,
  buildEnrichPolicies,
  buildLookupParams,
  buildScriptPipeline,
  buildSubdomainValues,
  buildTagTargets,
  fillTemplate,
  isOwnEnrichPolicy,
  LIVE_IOC_FIELDS,
  matchesSubdomains,
  type LiveIoc,
  type LookupParams,
  type TagTarget,
  type TagTemplates,
} from '../../../src/core/live/build-tag-pipeline.js';
import { type CompactDetail, expandDetail, seekTable } from '../../../src/core/live/compact-ioc-set.js';

// ---------------------------------------------------------------------------------------------
// Fixtures: real templates, real Painless sources, IOCs built the way `sync` builds them.
// ---------------------------------------------------------------------------------------------

function readPipelineFile(name: string): string {
  return readFileSync(new URL(`../../../pipelines/${name}`, import.meta.url), 'utf8');
}

/** As `src/io/load-resource.ts` (loadResource) loads it: parsed, without `_comment` keys. */
function loadTemplate(name: string): Record<string, unknown> {
  return JSON.parse(readPipelineFile(name), (key, value: unknown) => (key === '_comment' ? undefined : value)) as Record<string, unknown>;
}

/** The shared functions are prepended to both scripts, as `loadTagTemplates` (src/io) does. */
const COMMON_SOURCE = readPipelineFile('tag-common.painless');
const LOOKUP_SOURCE = `${COMMON_SOURCE}\n${readPipelineFile('tag-lookup.painless')}\n${readPipelineFile('tag-reshape.painless')}`;
const RESHAPE_SOURCE = `${COMMON_SOURCE}\n${readPipelineFile('tag-reshape.painless')}`;
const CANON_SOURCE = `${COMMON_SOURCE}\n${readPipelineFile('tag-canon.painless')}`;

function loadTemplates(): TagTemplates {
  return { script: loadTemplate('tag-script.json'), enrich: loadTemplate('tag-enrich.json'), canon: CANON_SOURCE, lookup: LOOKUP_SOURCE, reshape: RESHAPE_SOURCE };
}

const HUNT_FROM = '2024-01-01T00:00:00.000Z';
const NOW = '2026-01-15T08:00:00.000Z';
const FEED = 'CERTFR-2024-IOC-001';

/** The value at a dotted path of a document (`iochunt.id`, `threat.indicator`). */
function at(document: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);
}

/** What an enrich policy returns for a document: its `LIVE_IOC_FIELDS`, absent fields left out. */
function pickLiveFields(document: IocDocument): LiveIoc {
  const out: Record<string, unknown> = {};
  for (const path of LIVE_IOC_FIELDS) {
    const value = at(document, path);
    if (value === undefined) continue;
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node = out;
    for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
    node[last] = value;
  }
  return out as unknown as LiveIoc;
}

/** One IOC as `sync` would store it, reduced to what the live matcher sees. */
function liveIoc(raw: string, extra: Partial<ParsedIoc> = {}): LiveIoc {
  const normalized = normalizeIndicator(raw);
  if (!normalized.ok) throw new Error(`fixture ${raw} does not normalise: ${normalized.reason}`);
  const parsed: ParsedIoc = { ...normalized.ioc, location: { file: 'bulletin.csv', line: 2 }, ...extra };
  const { document } = buildIocDocument(parsed, { name: FEED, huntFrom: HUNT_FROM, now: NOW, setVersion: 7 });
  return pickLiveFields(document);
}

const ipAddress = liveIoc('45.155.205[.]233', { validUntil: '2026-12-31T00:00:00.000Z' });
const ipNet24 = liveIoc('45.155.205.7/24');
const ipNet16 = liveIoc('45.155.0.0/16');
const ipv6Address = liveIoc('2A03:2880:F10C:83:FACE:B00C::25DE');
const ipv6Net = liveIoc('2a03:2880::/32');
/** Its key in nets6, written out: prefix length, network address in RFC 5952 text. */
const IPV6_NET_BITS = '32';
const IPV6_NET_ADDRESS = '2a03:2880::';
const domain = liveIoc('EVIL.Example[.]com');
const url = liveIoc('hxxps://EVIL.Example.com/Path/To?Q=A');
const hash = liveIoc('44D88612FEA8A8F36DE82E1278ABB02F');
const email = liveIoc('Phish@Evil.Example');

const ALL: readonly LiveIoc[] = [ipAddress, ipNet24, ipNet16, ipv6Address, ipv6Net, domain, url, hash, email];

/**
 * The expected target for (key, field, kind). The derived `parts` (the field split at dots) and
 * `rest` (`rest[i]` = `parts[i..]` joined, the flattened-key names to try) are spelled out
 * literally in the first buildTagTargets test; elsewhere this helper derives them.
 */
function target(key: string, field: string, kind: MatchKind): TagTarget {
  const rest = [field];
  // Drop the leading segment until one is left: 'a.b.c' -> 'b.c' -> 'c'.
  for (let name = field; name.includes('.'); ) rest.push((name = name.slice(name.indexOf('.') + 1)));
  return { key, field, parts: field.split('.'), rest, kind };
}

/** A small, realistic field table: one or two fields per kind keeps the expected bodies readable. */
const FIELDS: MatchFields = {
  ip: ['source.ip', 'destination.ip'],
  domain: ['dns.question.name'],
  url: ['url.full'],
  hash: ['file.hash.md5'],
  email: ['email.from.address'],
};

const FIELD_TARGETS: TagTarget[] = [
  target('ip_0', 'source.ip', 'ip'),
  target('ip_1', 'destination.ip', 'ip'),
  target('domain_0', 'dns.question.name', 'domain'),
  target('url_0', 'url.full', 'url'),
  target('hash_0', 'file.hash.md5', 'hash'),
  target('email_0', 'email.from.address', 'email'),
];

const ALL_KINDS: ReadonlySet<MatchKind> = new Set(['ip', 'domain', 'url', 'hash', 'email']);

const DESCRIPTION_SCRIPT =
  'iochunt live tagging: active IOCs in script params; adds threat.enrichments and the tag iochunt-match to events that touch one';
const DESCRIPTION_ENRICH =
  'iochunt live tagging: enrich policies over the active IOCs; adds threat.enrichments and the tag iochunt-match to events that touch one';
/** Both templates stamp the ingest time and reshape only when the event matched something. */
const SET_NOW = { set: { tag: 'iochunt-now', if: 'ctx._iochunt != null', field: '_iochunt.now', value: '{{{_ingest.timestamp}}}' } };
const ON_FAILURE = [
  { remove: { field: '_iochunt', ignore_missing: true } },
  { append: { field: 'tags', value: ['iochunt-error'] } },
];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The body of a built pipeline's processor, found by its tag. */
function byTag(pipeline: Record<string, unknown>, tag: string): Record<string, unknown> | undefined {
  return (pipeline.processors as Record<string, Record<string, unknown>>[]).flatMap((p) => Object.values(p)).find((body) => body.tag === tag);
}

// ---------------------------------------------------------------------------------------------

describe('live IOC fixtures', () => {
  it('carry exactly the enrich fields of a stored IOC document', () => {
    expect(ipAddress).toEqual({
      iochunt: {
        id: buildIocId('ipv4-addr', '45.155.205.233'),
        value: '45.155.205.233',
        hunt_from: HUNT_FROM,
        valid_until: '2026-12-31T00:00:00.000Z',
        active_feeds: [FEED],
      },
      threat: { indicator: { type: 'ipv4-addr', ip: '45.155.205.233', name: '45.155.205.233' } },
    });
    expect(ipNet24).toEqual({
      iochunt: { id: buildIocId('ipv4-addr', '45.155.205.0/24'), value: '45.155.205.0/24', cidr: '45.155.205.0/24', hunt_from: HUNT_FROM, active_feeds: [FEED] },
      threat: { indicator: { type: 'ipv4-addr', name: '45.155.205.0/24' } },
    });
  });
});

describe('buildTagTargets', () => {
  it('splits each field once for the scripts: parts, and the flattened-key suffixes to try', () => {
    expect(buildTagTargets({ ip: ['source.ip'], domain: ['dns.question.name'], url: [], hash: [], email: ['user.email', 'email'] })).toEqual([
      { key: 'ip_0', field: 'source.ip', parts: ['source', 'ip'], rest: ['source.ip', 'ip'], kind: 'ip' },
      {
        key: 'domain_0',
        field: 'dns.question.name',
        parts: ['dns', 'question', 'name'],
        rest: ['dns.question.name', 'question.name', 'name'],
        kind: 'domain',
      },
      { key: 'email_0', field: 'user.email', parts: ['user', 'email'], rest: ['user.email', 'email'], kind: 'email' },
      { key: 'email_1', field: 'email', parts: ['email'], rest: ['email'], kind: 'email' },
    ]);
  });

  it('numbers the fields of each kind from 0, kinds in MATCH_KINDS order, then field order', () => {
    // Key order of the table is deliberately not MATCH_KINDS order: the output must not follow it.
    const shuffledTable: MatchFields = {
      email: ['email.from.address', 'user.email'],
      hash: ['file.hash.sha256'],
      url: ['url.original', 'url.full'],
      domain: ['dns.question.name'],
      ip: ['source.ip', 'destination.ip', 'related.ip'],
    };
    expect(buildTagTargets(shuffledTable)).toEqual([
      target('ip_0', 'source.ip', 'ip'),
      target('ip_1', 'destination.ip', 'ip'),
      target('ip_2', 'related.ip', 'ip'),
      target('domain_0', 'dns.question.name', 'domain'),
      target('url_0', 'url.original', 'url'),
      target('url_1', 'url.full', 'url'),
      target('hash_0', 'file.hash.sha256', 'hash'),
      target('email_0', 'email.from.address', 'email'),
      target('email_1', 'user.email', 'email'),
    ]);
  });

  it('covers every field of the default table when no kinds are given', () => {
    const targets = buildTagTargets(DEFAULT_MATCH_FIELDS);
    expect(targets).toHaveLength(8 + 8 + 2 + 13 + 4);
    expect(targets.slice(0, 2)).toEqual([
      target('ip_0', 'source.ip', 'ip'),
      target('ip_1', 'destination.ip', 'ip'),
    ]);
    expect(targets.at(-1)).toEqual(target('email_3', 'user.email', 'email'));
  });

  it('keeps only the kinds asked for, with the same keys they would have unfiltered', () => {
    expect(buildTagTargets(DEFAULT_MATCH_FIELDS, new Set<MatchKind>(['email', 'url']))).toEqual([
      target('url_0', 'url.full', 'url'),
      target('url_1', 'url.original', 'url'),
      target('email_0', 'email.from.address', 'email'),
      target('email_1', 'email.to.address', 'email'),
      target('email_2', 'email.sender.address', 'email'),
      target('email_3', 'user.email', 'email'),
    ]);
  });

  it('gives no targets for an empty kind set', () => {
    expect(buildTagTargets(DEFAULT_MATCH_FIELDS, new Set())).toEqual([]);
  });

  it('appends config-extended fields after the defaults of their kind', () => {
    const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, {
      url: ['http.request.referrer'],
      email: ['user.email', 'email.reply_to.address'],
    });
    expect(buildTagTargets(fields, new Set<MatchKind>(['url', 'email']))).toEqual([
      target('url_0', 'url.full', 'url'),
      target('url_1', 'url.original', 'url'),
      target('url_2', 'http.request.referrer', 'url'),
      target('email_0', 'email.from.address', 'email'),
      target('email_1', 'email.to.address', 'email'),
      target('email_2', 'email.sender.address', 'email'),
      target('email_3', 'user.email', 'email'),
      target('email_4', 'email.reply_to.address', 'email'),
    ]);
  });
});

/** A table's lines as [key, refs], parsed here with a split (not the builder's binary search). */
function lines(table: string | undefined): [string, number[]][] {
  if (table === undefined) return [];
  expect(table.endsWith('\n')).toBe(true);
  return table
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const space = line.indexOf(' ');
      return [line.slice(0, space), line.slice(space + 1).split(',').map((r) => Number.parseInt(r, 36))];
    });
}

/** The IOC as the script hands it to the reshape step: the live fields without `exact_domains` (decided when the set is built). */
function handedOver(ioc: LiveIoc): unknown {
  const { exact_domains: _exact, ...iochunt } = ioc.iochunt;
  return { iochunt, threat: ioc.threat };
}

/** Every IOC a table holds, rebuilt from its detail as tag-lookup.painless rebuilds it: key -> documents. */
function rebuilt(params: LookupParams, table: string | undefined, net?: string): Record<string, unknown[]> {
  return Object.fromEntries(
    lines(table).map(([key, refs]) => [key, refs.map((r) => expandDetail(params.details[r] as CompactDetail, net ? `${key}/${net}` : key, net !== undefined))]),
  );
}

describe('buildLookupParams: the compact IOC set', () => {
  it('tables every kind by its lookup key, networks by prefix length, and rebuilds every IOC exactly from a value-free detail', () => {
    const params = buildLookupParams(ALL);
    expect(Object.keys(params.exact).sort()).toEqual(['domain', 'email', 'hash', 'ip', 'url']);
    expect(lines(params.exact.ip).map(([key]) => key)).toEqual(['2a03:2880:f10c:83:face:b00c:0:25de', '45.155.205.233']);
    expect(rebuilt(params, params.exact.ip)).toEqual({ '2a03:2880:f10c:83:face:b00c:0:25de': [handedOver(ipv6Address)], '45.155.205.233': [handedOver(ipAddress)] });
    expect(rebuilt(params, params.exact.domain)).toEqual({ 'evil.example.com': [handedOver(domain)] });
    expect(rebuilt(params, params.exact.url)).toEqual({ 'https://evil.example.com/Path/To?Q=A': [handedOver(url)] });
    expect(rebuilt(params, params.exact.hash)).toEqual({ '44d88612fea8a8f36de82e1278abb02f': [handedOver(hash)] });
    expect(rebuilt(params, params.exact.email)).toEqual({ 'phish@evil.example': [handedOver(email)] });
    expect(Object.keys(params.nets).sort()).toEqual(['16', '24']);
    expect(rebuilt(params, params.nets['24'], '24')).toEqual({ '45.155.205.0': [handedOver(ipNet24)] });
    expect(rebuilt(params, params.nets['16'], '16')).toEqual({ '45.155.0.0': [handedOver(ipNet16)] });
    expect(Object.keys(params.nets6)).toEqual([IPV6_NET_BITS]);
    expect(rebuilt(params, params.nets6[IPV6_NET_BITS], IPV6_NET_BITS)).toEqual({ [IPV6_NET_ADDRESS]: [handedOver(ipv6Net)] });
    expect(rebuilt(params, params.parents)).toEqual({ 'evil.example.com': [handedOver(domain)] });
    expect(params.parentLabels).toBe(3);
    expect(params).not.toHaveProperty('odd');
    // No detail holds its IOC's value: each is the part IOCs can share, none a whole document.
    const tables = [...Object.values(params.exact), ...Object.values(params.nets), ...Object.values(params.nets6)];
    for (const [key, refs] of tables.flatMap((table) => lines(table))) {
      for (const ref of refs) {
        expect(params.details[ref]).not.toHaveProperty('doc');
        expect(JSON.stringify(params.details[ref])).not.toContain(key);
      }
    }
    // IOCs that differ only in value share their detail: the two IPv4 networks, the IPv6 address and network.
    const refOf = (table: string | undefined): number | undefined => lines(table)[0]?.[1][0];
    expect(refOf(params.nets['24'])).toBe(refOf(params.nets['16']));
    expect(refOf(params.nets6[IPV6_NET_BITS])).toBe(lines(params.exact.ip)[0]?.[1][0]);
    expect(params.details).toHaveLength(ALL.length - 2);
  });

  it('writes each table as sorted lines "<key> <base-36 refs>", in Java String order', () => {
    const iocs = Array.from({ length: 40 }, (_, i) => liveIoc(`45.155.204.${i + 1}`));
    const params = buildLookupParams(iocs);
    const keys = lines(params.exact.ip).map(([key]) => key);
    expect(keys).toEqual(iocs.map((ioc) => ioc.iochunt.value).sort());
    // '45.155.204.10' < '45.155.204.2': code-unit order, as String.compareTo, not numeric.
    expect(keys.indexOf('45.155.204.10')).toBeLessThan(keys.indexOf('45.155.204.2'));
    expect(params.exact.ip).toMatch(/^(?:45\.155\.204\.\d+ [0-9a-z]+\n){40}$/);
  });

  it('shares one detail among the IOCs of a feed that differ only in value: a few bytes per IOC', () => {
    const iocs = Array.from({ length: 1_000 }, (_, i) => liveIoc(`198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    const params = buildLookupParams(iocs);
    expect(params.details).toHaveLength(1);
    expect(lines(params.exact.ip).every(([, refs]) => refs.length === 1 && refs[0] === 0)).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify(params));
    expect(bytes / iocs.length).toBeLessThan(20);
  });

  it('finds every key of a large table by its binary search, and no key it does not hold', () => {
    const iocs = Array.from({ length: 3_000 }, (_, i) => liveIoc(i % 3 === 0 ? `c2-${i}.bad-infra${i % 7}.com` : `10${i % 9}.${i % 256}.${Math.floor(i / 256)}.7`));
    const params = buildLookupParams(iocs);
    for (const [kind, table] of Object.entries(params.exact)) {
      for (const [key, refs] of lines(table)) expect(seekTable(table, key), `${kind} ${key}`).toEqual(refs);
      for (const absent of ['', '0', '100.0.0.6', 'zzz', 'c2-3.bad-infra3.co', 'c2-3.bad-infra3.comm', '~']) expect(seekTable(table, absent)).toBeUndefined();
    }
    expect(seekTable('', 'x')).toBeUndefined();
    expect(seekTable('only 5\n', 'only')).toEqual([5]);
    expect(seekTable('a 0\nb 1,z\nc 2\n', 'b')).toEqual([1, 35]);
  });

  it('keeps nested IPv4 networks both, and two networks of one prefix length under their own masked address', () => {
    const other = liveIoc('185.220.101.0/24');
    const params = buildLookupParams([ipNet16, ipNet24, other]);
    expect(Object.keys(params.nets).sort()).toEqual(['16', '24']);
    expect(lines(params.nets['24']).map(([key]) => key)).toEqual(['185.220.101.0', '45.155.205.0']);
    expect(params.exact).toEqual({});
    expect(params.nets6).toEqual({});
  });

  it('maps an IPv4-mapped IPv6 network to its IPv4 network', () => {
    const mapped = liveIoc('::ffff:45.155.205.0/120');
    const params = buildLookupParams([mapped]);
    expect(Object.keys(params.nets)).toEqual(['24']);
    expect(rebuilt(params, params.nets['24'], '24')).toEqual({ '45.155.205.0': [handedOver(mapped)] });
  });

  it('keys IPv6 networks by prefix length and network address in RFC 5952 text, nested ones both', () => {
    const wide = liveIoc('2a00:1450::/32');
    const narrow = liveIoc('2a00:1450:4001::/48');
    const params = buildLookupParams([ipv6Net, wide, narrow]);
    expect(params.nets).toEqual({});
    expect(lines(params.nets6['32']).map(([key]) => key)).toEqual(['2a00:1450::', IPV6_NET_ADDRESS]);
    expect(rebuilt(params, params.nets6['48'], '48')).toEqual({ '2a00:1450:4001::': [handedOver(narrow)] });
  });

  it('keys values stored in another case by their canonical form, keeping those documents whole', () => {
    // Documents written before normalisation lower-cased everything, or edited by hand: the
    // value cannot be rebuilt from the key, so the detail is the document itself.
    const restyled = (ioc: LiveIoc, value: string): LiveIoc => ({
      ...ioc,
      iochunt: { ...ioc.iochunt, id: buildIocId(ioc.threat.indicator.type, value), value },
    });
    const upperDomain = restyled(domain, 'EVIL.Example.COM');
    const upperHash = restyled(hash, '44D88612FEA8A8F36DE82E1278ABB02F');
    const upperEmail = restyled(email, 'Phish@Evil.Example');
    const upperUrl = restyled(url, 'HTTPS://EVIL.Example.com/Path/To?Q=A');
    const noPathUrl = restyled(url, 'HTTP://EVIL.Example.com');
    const params = buildLookupParams([upperDomain, upperHash, upperEmail, upperUrl, noPathUrl]);
    const docs = (table: string | undefined): Record<string, unknown[]> =>
      Object.fromEntries(lines(table).map(([key, refs]) => [key, refs.map((r) => params.details[r])]));
    expect(docs(params.exact.domain)).toEqual({ 'evil.example.com': [{ doc: handedOver(upperDomain) }] });
    expect(docs(params.exact.hash)).toEqual({ '44d88612fea8a8f36de82e1278abb02f': [{ doc: handedOver(upperHash) }] });
    expect(docs(params.exact.email)).toEqual({ 'phish@evil.example': [{ doc: handedOver(upperEmail) }] });
    expect(docs(params.exact.url)).toEqual({ 'http://evil.example.com': [{ doc: handedOver(noPathUrl) }], 'https://evil.example.com/Path/To?Q=A': [{ doc: handedOver(upperUrl) }] });
  });

  it('keeps a document whole when its id is not the one the script would compute', () => {
    const legacy: LiveIoc = { ...ipAddress, iochunt: { ...ipAddress.iochunt, id: 'legacy-id-1' } };
    const params = buildLookupParams([legacy]);
    expect(params.details).toEqual([{ doc: handedOver(legacy) }]);
  });

  it('lists every IOC that shares one canonical key under that key', () => {
    const restyled: LiveIoc = { ...domain, iochunt: { ...domain.iochunt, id: buildIocId('domain-name', 'EVIL.example.com'), value: 'EVIL.example.com' } };
    const params = buildLookupParams([restyled, domain]);
    const [[key, refs] = ['', []]] = lines(params.exact.domain);
    expect(key).toBe('evil.example.com');
    expect(refs.map((r) => expandDetail(params.details[r] as CompactDetail, key, false))).toEqual(expect.arrayContaining([handedOver(domain), handedOver(restyled)]));
    expect(refs).toHaveLength(2);
  });

  it('puts a key no line can hold (a space in it) in odd, as a plain map', () => {
    const spaced: LiveIoc = { iochunt: { id: 'x', value: 'http://evil.example/a b', hunt_from: HUNT_FROM, active_feeds: [FEED] }, threat: { indicator: { type: 'url' } } };
    const params = buildLookupParams([spaced, url]);
    expect(params.odd).toEqual({ url: { 'http://evil.example/a b': [expect.any(Number)] } });
    expect(lines(params.exact.url).map(([key]) => key)).toEqual(['https://evil.example.com/Path/To?Q=A']);
    const ref = params.odd?.url?.['http://evil.example/a b']?.[0] as number;
    expect(params.details[ref]).toEqual({ doc: handedOver(spaced) });
  });

  it('gives the same params for the same set in any order', () => {
    const expected = buildLookupParams(ALL);
    const rotated = [...ALL.slice(4), ...ALL.slice(0, 4)];
    const interleaved = [...ALL.filter((_, i) => i % 2 === 1), ...ALL.filter((_, i) => i % 2 === 0)];
    expect(buildLookupParams([...ALL].reverse())).toEqual(expected);
    expect(buildLookupParams(rotated)).toEqual(expected);
    expect(JSON.stringify(buildLookupParams(interleaved))).toBe(JSON.stringify(expected));
  });

  it('gives empty params for no IOCs', () => {
    expect(buildLookupParams([])).toEqual({ exact: {}, nets: {}, nets6: {}, details: [] });
  });
});

describe('fillTemplate', () => {
  it('replaces whole-value placeholders anywhere in the tree, values inserted as given', () => {
    const template = { a: '@@x', b: [1, { c: '@@y' }], d: 'plain', e: 5, f: null, g: true, h: 'not @@z' };
    expect(fillTemplate(template, { x: { deep: [1, 2] }, y: 'text' })).toEqual({
      a: { deep: [1, 2] },
      b: [1, { c: 'text' }],
      d: 'plain',
      e: 5,
      f: null,
      g: true,
      h: 'not @@z',
    });
  });

  it('splices an array value into the array holding its placeholder', () => {
    expect(fillTemplate(['first', '@@list', 'last'], { list: [{ n: 1 }, { n: 2 }] })).toEqual(['first', { n: 1 }, { n: 2 }, 'last']);
    expect(fillTemplate(['first', '@@list', 'last'], { list: [] })).toEqual(['first', 'last']);
    expect(fillTemplate(['first', '@@one', 'last'], { one: { n: 1 } })).toEqual(['first', { n: 1 }, 'last']);
  });

  it('does not splice an array placed as an object value', () => {
    expect(fillTemplate({ p: '@@list' }, { list: [1, 2] })).toEqual({ p: [1, 2] });
  });

  it('splices @@enrich-processors in the real enrich template', () => {
    const enrich = loadTemplate('tag-enrich.json');
    const processors = [{ enrich: { policy_name: 'a' } }, { enrich: { policy_name: 'b' } }];
    expect(fillTemplate(enrich, { 'tag-canon': 'CANON', 'canon-params': { c: 1 }, 'enrich-processors': processors, 'tag-reshape': 'SRC', 'reshape-params': { p: 1 } })).toEqual({
      description: DESCRIPTION_ENRICH,
      processors: [
        { script: { tag: 'iochunt-canon', lang: 'painless', source: 'CANON', params: { c: 1 } } },
        { enrich: { policy_name: 'a' } },
        { enrich: { policy_name: 'b' } },
        SET_NOW,
        { script: { tag: 'iochunt-reshape', if: 'ctx._iochunt != null', lang: 'painless', source: 'SRC', params: { p: 1 } } },
      ],
      on_failure: ON_FAILURE,
    });
  });

  it('throws on a placeholder without a value, naming it', () => {
    expect(() => fillTemplate({ a: ['@@missing'] }, {})).toThrow('pipeline template placeholder @@missing has no value');
    expect(() => fillTemplate(loadTemplate('tag-script.json'), { 'tag-lookup': 'L' })).toThrow('pipeline template placeholder @@lookup-params has no value');
  });

  it('does not change the template', () => {
    const template = loadTemplate('tag-enrich.json');
    const before = structuredClone(template);
    deepFreeze(template);
    const filled = fillTemplate(template, { 'tag-canon': 'C', 'canon-params': {}, 'enrich-processors': [{ enrich: {} }], 'tag-reshape': 'SRC', 'reshape-params': {} }) as {
      processors: unknown[];
    };
    filled.processors.push({ extra: true });
    expect(template).toEqual(before);
  });
});

describe('buildScriptPipeline', () => {
  it('is one script, lookup then reshape, with the real sources, the IOC set and the reshape params in params and the set version', () => {
    const pipeline = buildScriptPipeline({ templates: loadTemplates(), iocs: ALL, fields: FIELDS, iocIndex: 'iochunt-iocs', setVersion: 7, graceMs: 60_000 });
    expect(pipeline).toEqual({
      description: DESCRIPTION_SCRIPT,
      processors: [
        {
          script: {
            tag: 'iochunt-lookup',
            lang: 'painless',
            source: LOOKUP_SOURCE,
            params: {
              ...buildLookupParams(ALL),
              targets: FIELD_TARGETS,
              iocIndex: 'iochunt-iocs',
              graceMs: 60_000,
            },
          },
        },
      ],
      on_failure: ON_FAILURE,
      version: 7,
    });
    // OpenSearch refuses `_meta` on pipelines; the shipped `_comment` must not leak either.
    expect(pipeline).not.toHaveProperty('_meta');
    expect(Object.keys(pipeline).sort()).toEqual(['description', 'on_failure', 'processors', 'version']);
  });

  it('ships the shared functions ahead of the lookup, and the reshape after it', () => {
    const pipeline = buildScriptPipeline({ templates: loadTemplates(), iocs: [domain], fields: FIELDS, iocIndex: 'idx', setVersion: 1 });
    const source = byTag(pipeline, 'iochunt-lookup')?.source as string;
    expect(source.startsWith(COMMON_SOURCE)).toBe(true);
    expect(source).toContain('long ip4(def text)');
    expect(source.endsWith(readPipelineFile('tag-reshape.painless'))).toBe(true);
    expect(pipeline.processors).toHaveLength(1);
  });

  it('checks only the kinds present in the IOC set, and defaults graceMs to 0', () => {
    const pipeline = buildScriptPipeline({ templates: loadTemplates(), iocs: [email, ipAddress], fields: FIELDS, iocIndex: 'idx', setVersion: 1 });
    const targets = [
      target('ip_0', 'source.ip', 'ip'),
      target('ip_1', 'destination.ip', 'ip'),
      target('email_0', 'email.from.address', 'email'),
    ];
    expect(byTag(pipeline, 'iochunt-lookup')?.params).toEqual({ ...buildLookupParams([email, ipAddress]), targets, iocIndex: 'idx', graceMs: 0 });
    expect(pipeline.version).toBe(1);
  });

  it('gives the same pipeline for the same set in any order', () => {
    const options = { templates: loadTemplates(), fields: FIELDS, iocIndex: 'idx', setVersion: 3 };
    const expected = buildScriptPipeline({ ...options, iocs: ALL });
    expect(buildScriptPipeline({ ...options, iocs: [...ALL].reverse() })).toEqual(expected);
    expect(JSON.stringify(buildScriptPipeline({ ...options, iocs: [...ALL.slice(3), ...ALL.slice(0, 3)] }))).toBe(JSON.stringify(expected));
  });
});

describe('buildEnrichPolicies', () => {
  it('builds a range policy on ip_range for IPs and a match policy on value for every other kind', () => {
    const expected = [
      {
        name: 'iochunt-ip-v7',
        range: {
          indices: 'iochunt-iocs',
          match_field: 'iochunt.ip_range',
          enrich_fields: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'],
          query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': ['ipv4-addr', 'ipv6-addr'] } }] } },
        },
      },
      {
        name: 'iochunt-domain-v7',
        match: {
          indices: 'iochunt-iocs',
          match_field: 'iochunt.value',
          enrich_fields: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'],
          query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': ['domain-name'] } }] } },
        },
      },
      {
        name: 'iochunt-url-v7',
        match: {
          indices: 'iochunt-iocs',
          match_field: 'iochunt.value',
          enrich_fields: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'],
          query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': ['url'] } }] } },
        },
      },
      {
        name: 'iochunt-hash-v7',
        match: {
          indices: 'iochunt-iocs',
          match_field: 'iochunt.value',
          enrich_fields: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'],
          query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': ['file'] } }] } },
        },
      },
      {
        name: 'iochunt-email-v7',
        match: {
          indices: 'iochunt-iocs',
          match_field: 'iochunt.value',
          enrich_fields: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.exact_domains', 'iochunt.active_feeds', 'threat.indicator'],
          query: { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'threat.indicator.type': ['email-addr'] } }] } },
        },
      },
    ] satisfies estypes.EnrichPutPolicyRequest[];
    const kinds = new Set(ALL.map((ioc) => matchKindOf(ioc.threat.indicator.type)));
    expect(buildEnrichPolicies('iochunt', 'iochunt-iocs', 7, kinds)).toEqual(expected);
  });

  it('builds policies only for the kinds present, in MATCH_KINDS order', () => {
    const policies = buildEnrichPolicies('live', 'live-iocs', 12, new Set<MatchKind>(['email', 'ip']));
    expect(policies.map((p) => [p.name, Object.keys(p).filter((k) => k !== 'name')])).toEqual([
      ['live-ip-v12', ['range']],
      ['live-email-v12', ['match']],
    ]);
    expect(buildEnrichPolicies('live', 'live-iocs', 12, new Set())).toEqual([]);
  });

  it('is typed as the Elasticsearch client request body', () => {
    // Compile-time: `tsc --noEmit` fails if the builder's result stops being a valid request.
    const typed: estypes.EnrichPutPolicyRequest[] = buildEnrichPolicies('iochunt', 'iochunt-iocs', 1, ALL_KINDS);
    const one: estypes.EnrichPutPolicyRequest | undefined = typed[0];
    expect(one?.range?.match_field).toBe('iochunt.ip_range');
  });
});

describe('buildEnrichPipeline', () => {
  const enrich = (key: string, kind: MatchKind, field: string): estypes.IngestProcessorContainer => ({
    enrich: {
      tag: `iochunt-enrich-${key}`,
      policy_name: `iochunt-${kind}-v7`,
      field: `_iochunt.canon.${key}`,
      target_field: `_iochunt.targets.${key}`,
      max_matches: 128,
      ignore_missing: true,
      override: true,
      on_failure: [{ append: { field: '_iochunt.failed', value: [field] } }],
    },
  });

  const canon = (targets: TagTarget[], parentLabels?: number): Record<string, unknown> => ({
    script: { tag: 'iochunt-canon', lang: 'painless', source: CANON_SOURCE, params: { targets, ...(parentLabels ? { parentLabels } : {}) } },
  });
  /** The lookup of a domain field's parents in the subdomain policy. */
  const enrichParents = (key: string, field: string): estypes.IngestProcessorContainer => ({
    enrich: {
      tag: `iochunt-enrich-parents-${key}`,
      policy_name: 'iochunt-subdomain-v7',
      field: `_iochunt.canon_parents.${key}`,
      target_field: `_iochunt.parents.${key}`,
      max_matches: 128,
      ignore_missing: true,
      override: true,
      on_failure: [{ append: { field: '_iochunt.failed', value: [field] } }],
    },
  });

  const reshape = (params: unknown): Record<string, unknown> => ({
    script: { tag: 'iochunt-reshape', if: 'ctx._iochunt != null', lang: 'painless', source: RESHAPE_SOURCE, params },
  });

  it('canonicalises the event values, runs one enrich processor per (field, kind) on them, each failing alone, then stamps the time and runs the shared reshape script', () => {
    const pipeline = buildEnrichPipeline({
      templates: loadTemplates(),
      iocs: ALL,
      fields: FIELDS,
      iocIndex: 'iochunt-iocs',
      setVersion: 7,
      graceMs: 60_000,
      prefix: 'iochunt',
      kinds: ALL_KINDS,
    });
    expect(pipeline).toEqual({
      description: DESCRIPTION_ENRICH,
      processors: [
        canon(FIELD_TARGETS, 3),
        enrich('ip_0', 'ip', 'source.ip'),
        enrich('ip_1', 'ip', 'destination.ip'),
        enrich('domain_0', 'domain', 'dns.question.name'),
        enrichParents('domain_0', 'dns.question.name'),
        enrich('url_0', 'url', 'url.full'),
        enrich('hash_0', 'hash', 'file.hash.md5'),
        enrich('email_0', 'email', 'email.from.address'),
        SET_NOW,
        reshape({ targets: FIELD_TARGETS, iocIndex: 'iochunt-iocs', graceMs: 60_000 }),
      ],
      on_failure: ON_FAILURE,
      version: 7,
    });
    expect(pipeline).not.toHaveProperty('_meta');
  });

  it('names only the policies of the kinds asked for', () => {
    const pipeline = buildEnrichPipeline({
      templates: loadTemplates(),
      iocs: [hash],
      fields: FIELDS,
      iocIndex: 'iochunt-iocs',
      setVersion: 7,
      prefix: 'iochunt',
      kinds: new Set<MatchKind>(['hash']),
    });
    expect(pipeline.processors).toEqual([
      canon([target('hash_0', 'file.hash.md5', 'hash')]),
      enrich('hash_0', 'hash', 'file.hash.md5'),
      SET_NOW,
      reshape({ targets: [target('hash_0', 'file.hash.md5', 'hash')], iocIndex: 'iochunt-iocs', graceMs: 0 }),
    ]);
  });

  it('gives the reshape script the same params as the script pipeline for the same set (identical output)', () => {
    for (const iocs of [ALL, [domain, email], [ipNet24, ipAddress, url]]) {
      const common = { templates: loadTemplates(), iocs, fields: DEFAULT_MATCH_FIELDS, iocIndex: 'iochunt-iocs', setVersion: 9, graceMs: 30_000 };
      const kinds = new Set(iocs.map((ioc) => matchKindOf(ioc.threat.indicator.type)));
      const script = buildScriptPipeline(common);
      const enrichPipeline = buildEnrichPipeline({ ...common, prefix: 'iochunt', kinds });
      // The script strategy's one script carries the reshape's source and params as the enrich pipeline's reshape has them.
      const reshape = byTag(enrichPipeline, 'iochunt-reshape');
      const reshapeParams = reshape?.params as { targets: TagTarget[]; iocIndex: string; graceMs: number };
      const lookup = byTag(script, 'iochunt-lookup');
      expect(reshapeParams).toEqual({ targets: expect.any(Array), iocIndex: 'iochunt-iocs', graceMs: 30_000 });
      expect(lookup?.params).toMatchObject(reshapeParams);
      expect((lookup?.source as string).endsWith((reshape?.source as string).slice(COMMON_SOURCE.length + 1))).toBe(true);
      expect(enrichPipeline.on_failure).toEqual(script.on_failure);
      // The keys the enrich processors write are the keys the lookup script writes and reshape reads.
      const enrichKeys = (enrichPipeline.processors as { enrich?: { target_field: string } }[]).flatMap((p) =>
        p.enrich?.target_field.startsWith('_iochunt.targets.') ? [p.enrich.target_field.replace('_iochunt.targets.', '')] : [],
      );
      expect(reshapeParams.targets.map((t) => t.key)).toEqual(enrichKeys);
    }
  });
});

describe('subdomains in live tagging (issue 13, item 6)', () => {
  const pages = liveIoc('pages-drop.github.io');
  const suffix = liveIoc('github.io', { type: 'domain-name' });
  const exactFeed = (() => {
    const normalized = normalizeIndicator('exact-only.net');
    if (!normalized.ok) throw new Error(normalized.reason);
    const load = { name: FEED, huntFrom: HUNT_FROM, now: NOW, setVersion: 7, exactDomains: true };
    return pickLiveFields(buildIocDocument({ ...normalized.ioc, location: { file: 'b.txt', line: 1 } }, load).document);
  })();

  it('tables only the domain IOCs that are no public suffix and were not loaded with --exact-domains', () => {
    expect([domain, pages, suffix, exactFeed, url].map(matchesSubdomains)).toEqual([true, true, false, false, false]);
    expect(exactFeed.iochunt.exact_domains).toBe(true);
    const iocs = [suffix, exactFeed, pages, domain];
    const params = buildLookupParams(iocs);
    expect(rebuilt(params, params.parents)).toEqual({ 'evil.example.com': [handedOver(domain)], 'pages-drop.github.io': [handedOver(pages)] });
    expect(params.parentLabels).toBe(3);
    expect(lines(params.exact.domain).map(([key]) => key)).toEqual(['evil.example.com', 'exact-only.net', 'github.io', 'pages-drop.github.io']);
    expect(buildLookupParams([suffix, exactFeed])).not.toHaveProperty('parents');
  });

  it('adds a subdomain policy over exactly those IOCs, and no lookup of parents without them', () => {
    const { values, labels } = buildSubdomainValues([suffix, exactFeed, pages, domain]);
    expect({ values, labels }).toEqual({ values: ['evil.example.com', 'pages-drop.github.io'], labels: 3 });
    const policies = buildEnrichPolicies('iochunt', 'iochunt-iocs', 7, new Set<MatchKind>(['domain']), values);
    expect(policies.map((p) => p.name)).toEqual(['iochunt-domain-v7', 'iochunt-subdomain-v7']);
    expect(policies[1]?.match?.query).toEqual({
      bool: { filter: [{ term: { 'iochunt.active': true } }, { term: { 'threat.indicator.type': 'domain-name' } }, { terms: { 'iochunt.value': values } }] },
    });
    expect(isOwnEnrichPolicy('iochunt', 'iochunt-subdomain-v7')).toBe(true);
    const exactOnly = buildEnrichPipeline({ templates: loadTemplates(), iocs: [suffix, exactFeed], fields: FIELDS, iocIndex: 'iochunt-iocs', setVersion: 7, prefix: 'iochunt', kinds: new Set<MatchKind>(['domain']) });
    expect((exactOnly.processors as { enrich?: { tag: string } }[]).flatMap((p) => (p.enrich ? [p.enrich.tag] : []))).toEqual(['iochunt-enrich-domain_0']);
  });
});

describe('purity', () => {
  it('no builder changes the IOC list, the IOCs, the field table or the templates', () => {
    const iocs = [...ALL].reverse();
    const templates = loadTemplates();
    const fields = mergeMatchFields(DEFAULT_MATCH_FIELDS, { url: ['http.request.referrer'] });
    const before = structuredClone({ iocs, templates, fields });
    deepFreeze(iocs);
    deepFreeze(templates);
    deepFreeze(fields);

    buildTagTargets(fields, ALL_KINDS);
    buildLookupParams(iocs);
    const script = buildScriptPipeline({ templates, iocs, fields, iocIndex: 'idx', setVersion: 2 });
    const enrichPipeline = buildEnrichPipeline({ templates, iocs, fields, iocIndex: 'idx', setVersion: 2, prefix: 'p', kinds: ALL_KINDS });
    buildEnrichPolicies('p', 'idx', 2, ALL_KINDS);

    expect({ iocs, templates, fields }).toEqual(before);

    // The pipelines are fresh trees: editing them does not reach back into the templates.
    (script.processors as unknown[]).push({ extra: 1 });
    (script.on_failure as unknown[]).push({ extra: 1 });
    (enrichPipeline.processors as unknown[]).push({ extra: 1 });
    expect({ iocs, templates, fields }).toEqual(before);
  });

  it('shares no object with the IOCs: editing a detail does not reach back into them', () => {
    const iocs = structuredClone([...ALL]);
    const params = buildLookupParams(iocs);
    for (const detail of params.details) if ('i' in detail) detail.i.description = 'edited';
    expect(iocs).toEqual(ALL);
  });
});

describe('lookup keys of URLs (regressions)', () => {
  it('keep the case of user info, query and fragment; lower-case scheme and host only', async () => {
    const { buildLookupParams: build } = await import('../../../src/core/live/build-tag-pipeline.js');
    const doc = (value: string) => ({
      iochunt: { id: value, value, hunt_from: '2021-01-01T00:00:00.000Z', active_feeds: ['f'] },
      threat: { indicator: { type: 'url' as const } },
    });
    const params = build([doc('https://evil.example.com?Q=A'), doc('https://evil.example.com#Frag'), doc('HTTP://User:PW@Evil.Example.com/X')]);
    expect(lines(params.exact.url).map(([key]) => key)).toEqual(['http://User:PW@evil.example.com/X', 'https://evil.example.com#Frag', 'https://evil.example.com?Q=A']);
  });

  it('refuse placeholders named after inherited properties', async () => {
    const { fillTemplate: fill } = await import('../../../src/core/live/build-tag-pipeline.js');
    expect(() => fill('@@toString', {})).toThrow('has no value');
  });
});
