import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_FIELDS, MATCH_KINDS, matchKindOf, mergeMatchFields } from '../../../src/core/hunt/match-fields.js';
import { IOC_TYPES } from '../../../src/core/ioc/types.js';

describe('DEFAULT_MATCH_FIELDS', () => {
  it('is the field table of the README, hash wildcards spelled out per algorithm', () => {
    expect(DEFAULT_MATCH_FIELDS).toEqual({
      ip: ['source.ip', 'destination.ip', 'client.ip', 'server.ip', 'host.ip', 'related.ip', 'source.nat.ip', 'destination.nat.ip'],
      domain: [
        'dns.question.name',
        'url.domain',
        'destination.domain',
        'source.domain',
        'server.domain',
        'client.domain',
        'related.hosts',
        'tls.client.server_name',
      ],
      url: ['url.full', 'url.original'],
      hash: [
        'file.hash.md5',
        'file.hash.sha1',
        'file.hash.sha256',
        'file.hash.sha512',
        'process.hash.md5',
        'process.hash.sha1',
        'process.hash.sha256',
        'process.hash.sha512',
        'dll.hash.md5',
        'dll.hash.sha1',
        'dll.hash.sha256',
        'dll.hash.sha512',
        'related.hash',
      ],
      email: ['email.from.address', 'email.to.address', 'email.sender.address', 'user.email'],
    });
  });

  it('is frozen, so one hunt cannot change another hunt’s fields', () => {
    expect(Object.isFrozen(DEFAULT_MATCH_FIELDS)).toBe(true);
    for (const kind of MATCH_KINDS) expect(Object.isFrozen(DEFAULT_MATCH_FIELDS[kind])).toBe(true);
  });
});

describe('matchKindOf', () => {
  it('maps every IOC type to the kind of field it is compared with', () => {
    expect(Object.fromEntries(IOC_TYPES.map((type) => [type, matchKindOf(type)]))).toEqual({
      'ipv4-addr': 'ip',
      'ipv6-addr': 'ip',
      'domain-name': 'domain',
      url: 'url',
      file: 'hash',
      'email-addr': 'email',
    });
  });
});

describe('mergeMatchFields', () => {
  it('appends config fields after the defaults, each once, in order', () => {
    const merged = mergeMatchFields(DEFAULT_MATCH_FIELDS, {
      ip: ['zeek.notice.dst', 'source.ip', 'panw.panos.source.nat.ip', 'zeek.notice.dst'],
      domain: ['dns.answers.name'],
    });
    expect(merged).toEqual({
      ...DEFAULT_MATCH_FIELDS,
      ip: [...DEFAULT_MATCH_FIELDS.ip, 'zeek.notice.dst', 'panw.panos.source.nat.ip'],
      domain: [...DEFAULT_MATCH_FIELDS.domain, 'dns.answers.name'],
    });
  });

  it('without extras returns an equal table of fresh, writable arrays', () => {
    const merged = mergeMatchFields(DEFAULT_MATCH_FIELDS);
    expect(merged).toEqual(DEFAULT_MATCH_FIELDS);
    for (const kind of MATCH_KINDS) expect(merged[kind]).not.toBe(DEFAULT_MATCH_FIELDS[kind]);
    merged.url.push('http.request.referrer');
    expect(DEFAULT_MATCH_FIELDS.url).toEqual(['url.full', 'url.original']);
  });

  it('does not change its inputs', () => {
    const defaults = { ip: ['source.ip'], domain: [], url: [], hash: [], email: [] };
    const extra = { ip: ['source.ip', 'client.ip'] };
    mergeMatchFields(defaults, extra);
    expect(defaults).toEqual({ ip: ['source.ip'], domain: [], url: [], hash: [], email: [] });
    expect(extra).toEqual({ ip: ['source.ip', 'client.ip'] });
  });
});
