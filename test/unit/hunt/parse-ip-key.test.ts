import { describe, expect, it } from 'vitest';
import { maskIpKey, parseIocNetwork, parseIpKey } from '../../../src/core/hunt/parse-ip-key.js';

describe('parseIpKey', () => {
  it.each([
    ['45.83.1.2', 760414466],
    ['0.0.0.0', 0],
    ['255.255.255.255', 4294967295],
    ['::ffff:45.83.1.2', 760414466],
    ['::FFFF:2D53:0102', 760414466],
    ['::1', 1n],
    ['2001:DB8::1', 0x20010db8000000000000000000000001n],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 0x20010db8000000000000000000000001n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', (1n << 128n) - 1n],
  ])('reads %s', (text, key) => {
    expect(parseIpKey(text)).toBe(key);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.00', '1.2.3.256', '1..3.4', '.1.2.3', '1.2.3.4.', ' 1.2.3.4', '1.2.3.4/32', '0x7f.0.0.1',
    '::ffff:01.2.3.4', 'fe80::1%eth0', '2001:db8::/32', '2001:db8:::1', 'g::1', '[::1]', 'localhost'])('rejects %j', (text) => {
    expect(parseIpKey(text)).toBeUndefined();
  });
});

describe('maskIpKey', () => {
  it('keeps the network bits of either family', () => {
    expect(maskIpKey(760414466, 16)).toBe(parseIpKey('45.83.0.0'));
    expect(maskIpKey(760414466, 32)).toBe(760414466);
    expect(maskIpKey(4294967295, 0)).toBe(0);
    expect(maskIpKey(4294967295, 1)).toBe(2147483648);
    expect(maskIpKey(parseIpKey('2a0d:5600:24:ffff::25') as bigint, 48)).toBe(parseIpKey('2a0d:5600:24::'));
    expect(maskIpKey((1n << 128n) - 1n, 0)).toBe(0n);
  });
});

describe('parseIocNetwork', () => {
  it('canonicalises stored IOC values through normalizeIp, any range allowed', () => {
    expect(parseIocNetwork('185.220.101.7/24')).toEqual({ text: '185.220.101.0/24', key: parseIpKey('185.220.101.0'), length: 24, cidr: true });
    expect(parseIocNetwork('::ffff:45.83.1.0/120')).toEqual({ text: '45.83.1.0/24', key: parseIpKey('45.83.1.0'), length: 24, cidr: true });
    expect(parseIocNetwork('10.0.0.1')).toEqual({ text: '10.0.0.1', key: parseIpKey('10.0.0.1'), length: 32, cidr: false });
    expect(parseIocNetwork('2A0D:5600:24::/48')).toEqual({ text: '2a0d:5600:24::/48', key: parseIpKey('2a0d:5600:24::'), length: 48, cidr: true });
    expect(parseIocNetwork('0.0.0.0/0')).toEqual({ text: '0.0.0.0/0', key: 0, length: 0, cidr: true });
    expect(parseIocNetwork('evil-c2.example')).toBeUndefined();
  });
});
