import { describe, expect, it } from 'vitest';
import { resolveHint } from '../../../src/core/ioc/resolve-hint.js';
import { splitMispValue } from '../../../src/core/ioc/split-misp-value.js';

describe('splitMispValue', () => {
  it('returns a plain type as one pair', () => {
    expect(splitMispValue('ip-dst', '45.153.160.2')).toEqual([['ip-dst', '45.153.160.2']]);
  });

  it('splits domain|ip into a domain and an IP', () => {
    expect(splitMispValue('domain|ip', 'cdn-sync.example|185.220.101.4')).toEqual([
      ['domain', 'cdn-sync.example'],
      ['ip', '185.220.101.4'],
    ]);
  });

  it('drops the port of ip-dst|port and ip-src|port', () => {
    expect(splitMispValue('ip-dst|port', '91.219.236.18|8443')).toEqual([['ip-dst', '91.219.236.18']]);
    expect(splitMispValue('ip-src|port', '2a0e:1c80::1|443')).toEqual([['ip-src', '2a0e:1c80::1']]);
  });

  it('keeps the hash of filename|<hash> types', () => {
    expect(splitMispValue('filename|md5', 'a.exe|0cc175b9c0f1b6a831c399e269772661')).toEqual([
      ['md5', '0cc175b9c0f1b6a831c399e269772661'],
    ]);
    expect(splitMispValue('filename|sha512', 'a.exe|ab')).toEqual([['sha512', 'ab']]);
  });

  it('keeps the host of hostname|port', () => {
    expect(splitMispValue('hostname|port', 'c2.example|8080')).toEqual([['hostname', 'c2.example']]);
  });

  it('returns the pair unchanged when the value has the wrong number of parts', () => {
    expect(splitMispValue('domain|ip', 'cdn-sync.example')).toEqual([['domain|ip', 'cdn-sync.example']]);
  });

  it('returns the pair unchanged when no part can be matched', () => {
    expect(splitMispValue('filename|ssdeep', 'a.exe|3:abc:def')).toEqual([['filename|ssdeep', 'a.exe|3:abc:def']]);
  });
});

describe('resolveHint', () => {
  it.each([
    ['ipv4-addr', { kind: 'ip', family: 4 }],
    ['ipv6-addr', { kind: 'ip', family: 6 }],
    ['ip-dst', { kind: 'ip' }],
    ['IP-SRC', { kind: 'ip' }],
    ['domain', { kind: 'domain' }],
    ['hostname', { kind: 'domain' }],
    ['domain-name', { kind: 'domain' }],
    ['uri', { kind: 'url' }],
    ['email-dst', { kind: 'email' }],
    ['file', { kind: 'hash' }],
    ['sha1', { kind: 'hash', algorithm: 'sha1' }],
  ])('maps %s', (hint, kind) => {
    expect(resolveHint(hint)).toEqual(kind);
  });

  it.each(['text', 'comment', 'AS', 'regkey', 'link', 'ssdeep', 'domain|ip', 'constructor'])('does not support %s', (hint) => {
    expect(resolveHint(hint)).toBeUndefined();
  });
});
