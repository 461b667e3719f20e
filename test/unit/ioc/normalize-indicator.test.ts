import { describe, expect, it } from 'vitest';
import { MAX_VALUE_LENGTH } from '../../../src/core/ioc/limits.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import type { NormalizedIoc, NormalizeOptions } from '../../../src/core/ioc/types.js';
import { timed } from './timed.js';

function accepted(raw: string, hint?: string, options?: NormalizeOptions): NormalizedIoc {
  const result = normalizeIndicator(raw, hint, options);
  if (!result.ok) throw new Error(`expected ${raw} to be accepted, got: ${result.reason}`);
  return result.ioc;
}

function reason(raw: string, hint?: string, options?: NormalizeOptions): string {
  const result = normalizeIndicator(raw, hint, options);
  if (result.ok) throw new Error(`expected ${raw} to be rejected, got ${result.ioc.type} ${result.ioc.value}`);
  return result.reason;
}

describe('normalizeIndicator: IPv4', () => {
  it('keeps a public address as is, trimmed, with the original', () => {
    expect(accepted('  105.154.12.165 ')).toEqual({ type: 'ipv4-addr', value: '105.154.12.165', original: '105.154.12.165' });
  });

  it('refangs a defanged address and keeps the defanged original', () => {
    expect(accepted('45[.]153[.]160[.]2')).toEqual({ type: 'ipv4-addr', value: '45.153.160.2', original: '45[.]153[.]160[.]2' });
  });

  it('accepts an address ending in .0 (not a network without a prefix)', () => {
    expect(accepted('105.157.234.0')).toEqual({ type: 'ipv4-addr', value: '105.157.234.0', original: '105.157.234.0' });
  });

  it('reduces a CIDR to its network address', () => {
    expect(accepted('203.0.113.7/24', undefined, { allowPrivate: true })).toEqual({
      type: 'ipv4-addr',
      value: '203.0.113.0/24',
      cidr: '203.0.113.0/24',
      original: '203.0.113.7/24',
    });
    expect(accepted('110.36.231.77/24')).toEqual({
      type: 'ipv4-addr',
      value: '110.36.231.0/24',
      cidr: '110.36.231.0/24',
      original: '110.36.231.77/24',
    });
  });

  it('collapses /32 to a plain address', () => {
    expect(accepted('45.153.160.2/32')).toEqual({ type: 'ipv4-addr', value: '45.153.160.2', original: '45.153.160.2/32' });
  });

  it('accepts a /8 by default and rejects a /7', () => {
    expect(accepted('45.1.2.3/8').value).toBe('45.0.0.0/8');
    expect(reason('44.0.0.0/7')).toBe('network /7 is larger than the largest accepted (/8)');
  });

  it('lets maxPrefixV4 change the largest accepted network', () => {
    expect(reason('45.155.0.0/16', undefined, { maxPrefixV4: 20 })).toBe('network /16 is larger than the largest accepted (/20)');
    expect(accepted('44.0.0.0/6', undefined, { maxPrefixV4: 0 }).value).toBe('44.0.0.0/6');
  });

  it.each([
    ['010.1.1.1', 'IPv4 number with a leading zero (ambiguous: octal or decimal)'],
    ['1.2.3.04', 'IPv4 number with a leading zero (ambiguous: octal or decimal)'],
    ['0x7f.0.0.1', 'malformed IPv4 address: expected four decimal numbers a.b.c.d'],
    ['127.1', 'malformed IPv4 address: expected four decimal numbers a.b.c.d'],
    ['1.2.3.4.5', 'malformed IPv4 address: expected four decimal numbers a.b.c.d'],
    ['256.1.1.1', 'IPv4 number greater than 255'],
    ['45.153.160.2/33', 'CIDR prefix /33 is longer than /32'],
    ['45.153.160.2/x', 'malformed CIDR prefix "/x"'],
  ])('rejects malformed %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('rejects a CIDR with two prefixes, and an IP host without a scheme as a URL', () => {
    expect(reason('45.153.160.2/gate/x.php')).toBe('URL without a scheme (http://, https:// or ftp://)');
    expect(reason('45.153.160.2/24/8')).toBe('malformed CIDR: more than one "/"');
  });

  it.each([
    ['10.1.2.3', 'private address, not public Internet space'],
    ['172.16.0.1', 'private address, not public Internet space'],
    ['192.168.1.10', 'private address, not public Internet space'],
    ['127.0.0.1', 'loopback address, not public Internet space'],
    ['169.254.1.1', 'link-local address, not public Internet space'],
    ['224.0.0.251', 'multicast address, not public Internet space'],
    ['0.0.0.0', 'unspecified address, not public Internet space'],
    ['255.255.255.255', 'broadcast address, not public Internet space'],
    ['100.64.0.1', 'carrier-grade NAT address, not public Internet space'],
    ['198.51.100.1', 'reserved address, not public Internet space'],
    ['240.0.0.1', 'reserved address, not public Internet space'],
    ['10.0.0.0/8', 'private network, not public Internet space'],
  ])('rejects the non-public %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('rejects a network whose last address is not public even if its first is', () => {
    expect(reason('96.0.0.0/3', undefined, { maxPrefixV4: 0 })).toBe('loopback network, not public Internet space');
  });

  // Both ends of these networks are public: only a check against every non-public range sees what they contain.
  it.each([
    ['172.0.0.0/8', 'network 172.0.0.0/8 contains private space (172.16.0.0/12), not public Internet space'],
    ['100.0.0.0/8', 'network 100.0.0.0/8 contains carrier-grade NAT space (100.64.0.0/10), not public Internet space'],
    ['169.0.0.0/8', 'network 169.0.0.0/8 contains link-local space (169.254.0.0/16), not public Internet space'],
    ['198.0.0.0/8', 'network 198.0.0.0/8 contains reserved space (198.18.0.0/15), not public Internet space'],
  ])('rejects %s, a network that contains non-public space between its public ends', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('accepts a network that contains non-public space with allowPrivate', () => {
    expect(accepted('172.0.0.0/8', undefined, { allowPrivate: true }).value).toBe('172.0.0.0/8');
  });

  it('accepts non-public addresses with allowPrivate', () => {
    expect(accepted('192.168.1.10', undefined, { allowPrivate: true })).toEqual({
      type: 'ipv4-addr',
      value: '192.168.1.10',
      original: '192.168.1.10',
    });
  });
});

describe('normalizeIndicator: IPv6', () => {
  it('compresses and lower-cases', () => {
    expect(accepted('2A0E:1C80:0001:0001:0045:0015:0156:0001')).toEqual({
      type: 'ipv6-addr',
      value: '2a0e:1c80:1:1:45:15:156:1',
      original: '2A0E:1C80:0001:0001:0045:0015:0156:0001',
    });
    expect(accepted('2a00:1450:4007:0818:0000:0000:0000:200e').value).toBe('2a00:1450:4007:818::200e');
  });

  it('turns an IPv4-mapped address into IPv4', () => {
    expect(accepted('::ffff:45.153.160.2')).toEqual({ type: 'ipv4-addr', value: '45.153.160.2', original: '::ffff:45.153.160.2' });
    expect(accepted('::ffff:2d99:a002').value).toBe('45.153.160.2');
    expect(accepted('::ffff:110.36.231.7/120')).toEqual({
      type: 'ipv4-addr',
      value: '110.36.231.0/24',
      cidr: '110.36.231.0/24',
      original: '::ffff:110.36.231.7/120',
    });
  });

  it('reduces a network, collapses /128, and caps at /32 by default', () => {
    expect(accepted('2a0e:1c80:1:1::7/64')).toEqual({
      type: 'ipv6-addr',
      value: '2a0e:1c80:1:1::/64',
      cidr: '2a0e:1c80:1:1::/64',
      original: '2a0e:1c80:1:1::7/64',
    });
    expect(accepted('2a0e:1c80::1/128').value).toBe('2a0e:1c80::1');
    expect(reason('2a00::/31')).toBe('network /31 is larger than the largest accepted (/32)');
    expect(accepted('2a00::/16', undefined, { maxPrefixV6: 16 }).value).toBe('2a00::/16');
  });

  it('accepts a bracketed address', () => {
    expect(accepted('[2a0e:1c80::1]').value).toBe('2a0e:1c80::1');
  });

  it.each([
    ['::1', 'loopback address, not public Internet space'],
    ['::', 'unspecified address, not public Internet space'],
    ['fe80::1', 'link-local address, not public Internet space'],
    ['fd00::1', 'unique local (private) address, not public Internet space'],
    ['ff02::1', 'multicast address, not public Internet space'],
    ['2001:db8::1', 'reserved address, not public Internet space'],
  ])('rejects the non-public %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it.each([
    ['2000::/4', 'network 2000::/4 contains reserved space (2001::/23), not public Internet space'],
    ['fc00::/6', 'unique local (private) network, not public Internet space'],
    ['2a00::/8', undefined],
  ])('checks %s against every non-public IPv6 range, not only its ends', (raw, why) => {
    const options = { maxPrefixV6: 0 };
    if (why === undefined) expect(accepted(raw, undefined, options).value).toBe(raw);
    else expect(reason(raw, undefined, options)).toBe(why);
  });

  // Such a network ends in ::ffff:ffff:ffff, i.e. 255.255.255.255: it holds all of IPv4, private space included.
  it('rejects an IPv6 network that holds the whole IPv4-mapped range', () => {
    expect(reason('::ff00:0:0/88', undefined, { maxPrefixV6: 0 })).toBe('IPv4-mapped network, not public Internet space');
  });

  it.each([
    ['2a0e:1c80::1::2', 'malformed IPv6 address'],
    ['fe80::1%eth0', 'IPv6 zone index (%...) is not allowed'],
    ['::ffff:010.1.1.1', 'malformed IPv4 part in an IPv6 address'],
    ['::ffff:45.153.160.0/95', 'IPv4-mapped IPv6 network shorter than /96'],
    ['2a0e:1c80::/129', 'CIDR prefix /129 is longer than /128'],
  ])('rejects malformed %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });
});

describe('normalizeIndicator: domains', () => {
  it('lower-cases and removes the trailing dot', () => {
    expect(accepted('Invoice-Portal.Example.')).toEqual({
      type: 'domain-name',
      value: 'invoice-portal.example',
      original: 'Invoice-Portal.Example.',
    });
  });

  it('converts IDN to punycode', () => {
    expect(accepted('Bücher.example')).toEqual({ type: 'domain-name', value: 'xn--bcher-kva.example', original: 'Bücher.example' });
    expect(accepted('xn--bcher-kva.example').value).toBe('xn--bcher-kva.example');
  });

  it('refangs [.] (.) {.} and [dot]', () => {
    expect(accepted('update{.}tin-lantern(.)example[dot]org').value).toBe('update.tin-lantern.example.org');
  });

  it('accepts underscores, which real DNS names use', () => {
    expect(accepted('_dmarc.evil.example').value).toBe('_dmarc.evil.example');
  });

  it.each([
    ['localhost', 'not an IP address, network, domain, URL, email address or hash'],
    ['evil..example', 'empty label in domain (consecutive dots)'],
    ['-evil.example', 'invalid domain label "-evil"'],
    ['evil-.example', 'invalid domain label "evil-"'],
    [`${'a'.repeat(64)}.example`, 'domain label longer than 63 characters'],
    [`${'abcdefghi.'.repeat(25)}example`, 'domain longer than 253 characters'],
    ['*.evil.example', 'wildcard domains (*.) are not supported: list the domain itself'],
    ['evil.example:8080', 'invalid character ":" in domain'],
    ['ex%41mple.com', 'invalid character "%" in domain'],
    ['xn--zz.example', 'invalid internationalised domain name'],
    ['evil.ex_ample', 'invalid top-level domain'],
    ['A..', 'domain without a dot (a single label is not a public name)'],
    ['0..', 'top-level domain is all-numeric'],
  ])('rejects %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('rejects an all-numeric top-level domain when a domain is expected', () => {
    expect(reason('evil.123', 'domain')).toBe('top-level domain is all-numeric');
  });
});

describe('normalizeIndicator: URLs', () => {
  it('lower-cases scheme and host and keeps path and query as written', () => {
    expect(accepted('HTTPS://CDN-Sync.Example/Invoice/Download.php?ID=7731#Top')).toEqual({
      type: 'url',
      value: 'https://cdn-sync.example/Invoice/Download.php?ID=7731#Top',
      original: 'HTTPS://CDN-Sync.Example/Invoice/Download.php?ID=7731#Top',
    });
  });

  it('refangs hxxp, [.], [:] and [://]', () => {
    expect(accepted('hxxp[:]//evil[.]example/a').value).toBe('http://evil.example/a');
    expect(accepted('hXXps[://]evil[.]example').value).toBe('https://evil.example');
  });

  it('keeps user info and port and canonicalises IP hosts', () => {
    expect(accepted('ftp://anon:x@45.153.160.2:2121/pub/').value).toBe('ftp://anon:x@45.153.160.2:2121/pub/');
    expect(accepted('http://[2A0E:1C80:0:0::1]:8080/x').value).toBe('http://[2a0e:1c80::1]:8080/x');
    expect(accepted('http://[::ffff:45.153.160.2]/').value).toBe('http://45.153.160.2/');
  });

  it('converts an IDN host to punycode', () => {
    expect(accepted('https://files.bücher-rechnung.example/a').value).toBe('https://files.xn--bcher-rechnung-gsb.example/a');
  });

  it.each([
    ['evil.example/gate.php', 'URL without a scheme (http://, https:// or ftp://)'],
    ['javascript://evil.example/', 'unsupported URL scheme "javascript" (http, https or ftp)'],
    ['http:///path', 'URL without a host'],
    ['http://evil.example:99999/', 'malformed URL port "99999"'],
    ['http://evil example/', 'URL contains whitespace'],
    ['http://192.168.1.1/admin', 'URL host: private address, not public Internet space'],
    ['http://intranet/', 'URL host: domain without a dot (a single label is not a public name)'],
  ])('rejects %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('accepts a private host with allowPrivate', () => {
    expect(accepted('http://192.168.1.1/admin', undefined, { allowPrivate: true }).value).toBe('http://192.168.1.1/admin');
  });
});

describe('normalizeIndicator: hashes', () => {
  it.each([
    ['0CC175B9C0F1B6A831C399E269772661', 'md5'],
    ['a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'sha1'],
    ['2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', 'sha256'],
    ['f7fbba6e0636f890e56fbbf3283e524c6fa3204ae298382d624741d0dc6638326e282c41be5e4254d8820772c5518a2c5a8c0c7f7eda19594a7eb539453e1ed7', 'sha512'],
  ])('types %s by its length as %s, lower-case', (raw, algorithm) => {
    expect(accepted(raw)).toEqual({ type: 'file', value: raw.toLowerCase(), hashAlgorithm: algorithm, original: raw });
  });

  it('rejects hex of an unknown length', () => {
    expect(reason('0cc175b9c0f1b6a831c399e2697726')).toBe(
      'hex string of 30 characters is not an MD5, SHA-1, SHA-256 or SHA-512 hash',
    );
  });

  it('rejects a hash of the wrong length for its hinted algorithm', () => {
    expect(reason('0cc175b9c0f1b6a831c399e269772661', 'sha256')).toBe('expected a SHA-256 hash, got 32 hex characters (MD5)');
  });

  it('rejects a non-hex value hinted as a hash', () => {
    expect(reason('evil.example', 'md5')).toBe('type md5 does not match the value, which looks like a domain');
    expect(reason('not-a-hash', 'md5')).toBe('hash is not hexadecimal');
    expect(reason('zz175b9c0f1b6a831c399e269772661', 'file')).toBe('hash is not hexadecimal');
  });
});

describe('normalizeIndicator: email addresses', () => {
  it('lower-cases the whole address and refangs [@], [at], [dot]', () => {
    expect(accepted('Billing@Invoice-Notice.example')).toEqual({
      type: 'email-addr',
      value: 'billing@invoice-notice.example',
      original: 'Billing@Invoice-Notice.example',
    });
    expect(accepted('billing[at]invoice-notice[dot]example').value).toBe('billing@invoice-notice.example');
    expect(accepted('billing[@]bücher.example').value).toBe('billing@xn--bcher-kva.example');
  });

  it('reads a value with @ as an email even when it starts like an IP', () => {
    expect(accepted('0.0/a.a@evil.example').type).toBe('email-addr');
  });

  it.each([
    ['@evil.example', 'email address with an empty local part'],
    ['a..b@evil.example', 'malformed email local part'],
    [`${'a'.repeat(65)}@evil.example`, 'email local part longer than 64 characters'],
    ['phish@localhost', 'email domain: domain without a dot (a single label is not a public name)'],
    ['phish@[192.0.2.1]', 'email domain: invalid character "[" in domain'],
  ])('rejects %s', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });
});

describe('normalizeIndicator: type hints', () => {
  it('accepts a value matching its MISP type', () => {
    expect(accepted('45.153.160.2', 'ip-dst').type).toBe('ipv4-addr');
    expect(accepted('2a0e:1c80::1', 'ip-src').type).toBe('ipv6-addr');
    expect(accepted('c2.example', 'hostname').type).toBe('domain-name');
    expect(accepted('http://c2.example/', 'uri').type).toBe('url');
    expect(accepted('a@c2.example', 'email-dst').type).toBe('email-addr');
    expect(accepted('0cc175b9c0f1b6a831c399e269772661', 'md5').hashAlgorithm).toBe('md5');
  });

  it('treats an empty hint as no hint', () => {
    expect(accepted('c2.example', '').type).toBe('domain-name');
  });

  it.each([
    ['evil.example', 'ip-dst', 'type ip-dst does not match the value, which looks like a domain'],
    ['45.153.160.2', 'domain', 'type domain does not match the value, which looks like an IP address or network'],
    ['10.0.0.1', 'domain', 'type domain does not match the value, which looks like an IP address or network'],
    ['http://evil.example/', 'domain', 'type domain does not match the value, which looks like a URL'],
    ['evil.example', 'url', 'type url does not match the value, which looks like a domain'],
    ['evil.example', 'email-src', 'type email-src does not match the value, which looks like a domain'],
    ['phish@evil.example', 'hostname', 'type hostname does not match the value, which looks like an email address'],
  ])('rejects %s hinted as %s', (raw, hint, why) => {
    expect(reason(raw, hint)).toBe(why);
  });

  it('rejects an IP of the other family than its STIX type', () => {
    expect(reason('2a0e:1c80::1', 'ipv4-addr')).toBe('expected an IPv4 address, got an IPv6 one');
    expect(reason('45.153.160.2', 'ipv6-addr')).toBe('expected an IPv6 address, got an IPv4 one');
  });

  it('accepts an IPv4-mapped address typed ipv6-addr, as IPv4', () => {
    expect(accepted('::ffff:45.153.160.2', 'ipv6-addr')).toEqual({
      type: 'ipv4-addr',
      value: '45.153.160.2',
      original: '::ffff:45.153.160.2',
    });
  });

  it.each(['text', 'comment', 'AS', 'regkey', 'link'])('rejects the unsupported MISP type %s', (hint) => {
    expect(reason('whatever', hint)).toBe(`unsupported type ${hint}`);
  });

  it('asks for a split composite value', () => {
    expect(reason('cdn-sync.example', 'domain|ip')).toBe('composite type domain|ip needs 2 values separated by "|"');
    expect(reason('a|b', 'regkey|value')).toBe('unsupported type regkey|value');
  });
});

describe('normalizeIndicator: values that fit no type', () => {
  it.each([
    ['', 'empty value'],
    ['   ', 'empty value'],
    ['not an indicator', 'not an IP address, network, domain, URL, email address or hash'],
    ['hello', 'not an IP address, network, domain, URL, email address or hash'],
    ['AS4134', 'not an IP address, network, domain, URL, email address or hash'],
    ['C:\\Windows\\evil.dll', 'invalid character ":" in domain'],
  ])('rejects %j', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });
});

describe('normalizeIndicator: hostile values', () => {
  it('rejects a value longer than MAX_VALUE_LENGTH before refanging or any pattern', () => {
    expect(reason('a.'.repeat(5000))).toBe(`value longer than ${MAX_VALUE_LENGTH} characters`);
    expect(reason(`http://evil.example/${'a'.repeat(MAX_VALUE_LENGTH)}`, 'url')).toBe('value longer than 8192 characters');
  });

  it('rejects an 8 MB hex value with one reason instead of overflowing the regex stack', () => {
    expect(reason('a'.repeat(8 * 1024 * 1024))).toBe('value longer than 8192 characters');
  });

  it('accepts a URL of exactly MAX_VALUE_LENGTH characters', () => {
    const url = `http://evil.example/${'a'.repeat(MAX_VALUE_LENGTH - 'http://evil.example/'.length)}`;
    expect(accepted(url).value).toBe(url);
  });

  // The old inference took 25 ms on one such value (quadratic); linear code takes well under 1 ms.
  it.each([undefined, 'url', 'domain', 'ip-dst', 'email-src', 'sha256'])(
    'normalises 50 values of repeated "a." just under the cap in linear time (hint %s)',
    (hint) => {
      const value = `${'a.'.repeat(Math.floor((MAX_VALUE_LENGTH - 1) / 2))}a`;
      const { result, ms } = timed(() => Array.from({ length: 50 }, () => normalizeIndicator(value, hint)));
      expect(result.every((r) => !r.ok)).toBe(true);
      expect(ms).toBeLessThan(250);
    },
  );

  // The old embedded-IPv4 search was quadratic in a run of digits (47 ms for one such value).
  it('rejects 50 long digit runs with a colon, hinted as IPs, in linear time', () => {
    const value = `${'1'.repeat(MAX_VALUE_LENGTH - 1)}:`;
    const { result, ms } = timed(() => Array.from({ length: 50 }, () => normalizeIndicator(value, 'ip-dst')));
    expect(result[0]).toEqual({ ok: false, reason: 'malformed IPv6 address' });
    expect(ms).toBeLessThan(250);
  });

  it.each([
    ['http://evil.example/a\u0000b', 'U+0000'],
    ['http://evil.example/\u001b[2J', 'U+001B'],
    ['http://evil.example/a\u007fb', 'U+007F'],
    ['http://evil.example/a\tb', 'U+0009'],
    ['evil\u0007.example', 'U+0007'],
    ['45.153.\u0000160.2', 'U+0000'],
    ['phish\u001f@evil.example', 'U+001F'],
    ['2c26b46b68ffc68ff99b453c1d304134\u0000', 'U+0000'],
    ['http://evil.example/\u009b31m', 'U+009B'],
  ])('rejects %j, which holds the control character %s, whatever its kind', (raw, code) => {
    expect(reason(raw)).toBe(`control character ${code} in value`);
    expect(reason(raw, undefined, { allowPrivate: true })).toBe(`control character ${code} in value`);
  });

  it.each(['evil\u3002example\u3002com', 'evil\uff0eexample\uff0ecom', 'evil\uff61example\uff61com', 'evil[\u3002]example.com'])(
    'refangs the full stops of CJK text in %s',
    (raw) => {
      expect(accepted(raw)).toEqual({ type: 'domain-name', value: 'evil.example.com', original: raw });
    },
  );

  it('refangs CJK full stops in a URL host', () => {
    expect(accepted('hxxps://evil\u3002example/a').value).toBe('https://evil.example/a');
  });

  it('names a long unsupported type in at most 64 characters, on one line', () => {
    expect(reason('x', `${'t'.repeat(100)}\n`)).toBe(`unsupported type ${'t'.repeat(64)}…`);
    expect(reason('x', 'bad\ntype')).toBe('unsupported type bad\\u000atype');
    expect(reason('x', 'bad\u2028type')).toBe('unsupported type bad\\u2028type');
  });

  it('names a line separator in a domain escaped, so the reason stays on one line', () => {
    expect(reason('evil\u2028example.com', 'domain')).toBe('invalid character "\\u2028" in domain');
  });
});

describe('normalizeIndicator: no mutation', () => {
  it('leaves its options object untouched', () => {
    const options = Object.freeze({ allowPrivate: false, maxPrefixV4: 8, maxPrefixV6: 32 });
    expect(accepted('45.153.160.2', 'ip-dst', options).value).toBe('45.153.160.2');
    expect(options).toEqual({ allowPrivate: false, maxPrefixV4: 8, maxPrefixV6: 32 });
  });
});
