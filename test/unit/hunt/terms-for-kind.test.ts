import { describe, expect, it } from 'vitest';
import { termsForKind } from '../../../src/core/hunt/ioc-matcher.js';
import { MD5, SHA256, makeIoc } from './hunt-fixtures.js';

const IOCS = [
  makeIoc('45.83.1.2'),
  makeIoc('185.220.101.0/24'),
  makeIoc('2a0d:5600:24::/48'),
  makeIoc('2001:67c:2e8:22::c100:68b'),
  makeIoc('185.220.0.0/16'),
  makeIoc('evil-c2.example'),
  makeIoc('bücher-update.example'),
  makeIoc('hxxp://Malware.EXAMPLE/payload.bin'),
  makeIoc(SHA256.toUpperCase()),
  makeIoc(MD5),
  makeIoc('Phish@Evil-Mail.example'),
];

describe('termsForKind', () => {
  it('splits IP addresses from networks, canonical and sorted', () => {
    expect(termsForKind(IOCS, 'ip')).toEqual({
      exact: ['2001:67c:2e8:22::c100:68b', '45.83.1.2'],
      cidrs: ['185.220.0.0/16', '185.220.101.0/24', '2a0d:5600:24::/48'],
    });
  });

  it('gives canonical values for the other kinds', () => {
    expect(termsForKind(IOCS, 'domain')).toEqual(['evil-c2.example', 'xn--bcher-update-dlb.example']);
    expect(termsForKind(IOCS, 'url')).toEqual(['http://malware.example/payload.bin']);
    expect(termsForKind(IOCS, 'hash')).toEqual([SHA256, MD5]);
    expect(termsForKind(IOCS, 'email')).toEqual(['phish@evil-mail.example']);
  });

  it('canonicalises hand-written values, drops duplicates and unreadable IPs', () => {
    const domain = makeIoc('evil-c2.example');
    const ip = makeIoc('45.83.1.2');
    const iocs = [domain, { ...domain, id: 'x', value: 'EVIL-C2.example.' }, { ...ip, id: 'y', value: '::ffff:45.83.1.2' }, { ...ip, id: 'z', value: 'nonsense' }];
    expect(termsForKind(iocs, 'domain')).toEqual(['evil-c2.example']);
    expect(termsForKind(iocs, 'ip')).toEqual({ exact: ['45.83.1.2'], cidrs: [] });
    expect(termsForKind([], 'hash')).toEqual([]);
  });
});
