import { describe, expect, it } from 'vitest';
import { MAX_VALUE_LENGTH, REJECTED_VALUE_PREVIEW } from '../../../src/core/ioc/limits.js';
import { parseIocs } from '../../../src/core/ioc/parse-iocs.js';
import { parseTxt } from '../../../src/core/ioc/parse-txt.js';
import { readFixture } from './read-fixture.js';

describe('parseTxt', () => {
  it('reads a defanged list with comments into IOCs, rejections and duplicates with line numbers', () => {
    const at = (line: number) => ({ file: 'defanged.txt', line });
    expect(parseTxt(readFixture('defanged.txt'), { file: 'defanged.txt' })).toEqual({
      format: 'txt',
      iocs: [
        { type: 'ipv4-addr', value: '45.153.160.2', original: '45[.]153[.]160[.]2', location: at(4) },
        { type: 'url', value: 'http://cdn-sync.example/gate.php', original: 'hxxp://cdn-sync[.]example/gate.php', location: at(5) },
        {
          type: 'url',
          value: 'https://files.xn--bcher-rechnung-gsb.example/a/#frag',
          original: 'hXXps[:]//files(.)bücher-rechnung[.]example/a/#frag',
          location: at(6),
        },
        {
          type: 'email-addr',
          value: 'billing@invoice-notice.example',
          original: 'billing[@]invoice-notice[dot]example',
          location: at(7),
        },
        {
          type: 'file',
          value: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
          hashAlgorithm: 'sha256',
          original: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
          location: at(8),
        },
        { type: 'ipv6-addr', value: '2a0e:1c80:1:1:45:15:156:1', original: '2A0E:1C80:1:1:45:15:156:1', location: at(9) },
        { type: 'domain-name', value: 'update.tin-lantern.example', original: 'update{.}tin-lantern{.}example.', location: at(10) },
        { type: 'ipv4-addr', value: '45.155.205.0/24', cidr: '45.155.205.0/24', original: '45.155.205.0/24', location: at(11) },
      ],
      rejected: [
        { location: at(12), value: '010.8.8.8', reason: 'IPv4 number with a leading zero (ambiguous: octal or decimal)' },
        { location: at(13), value: '127.0.0.1', reason: 'loopback address, not public Internet space' },
        {
          location: at(14),
          value: 'not an indicator',
          reason: 'not an IP address, network, domain, URL, email address or hash',
        },
      ],
      skipped: [],
      duplicates: [{ type: 'ipv4-addr', value: '45.153.160.2', location: at(15), keptAt: at(4) }],
    });
  });

  it('counts lines the same with CRLF, CR and a BOM', () => {
    const result = parseTxt('\uFEFF# header\r\n\r\n45.153.160.2\r91.219.236.18\n');
    expect(result.iocs.map((ioc) => [ioc.value, ioc.location.line])).toEqual([
      ['45.153.160.2', 3],
      ['91.219.236.18', 4],
    ]);
  });

  it('only treats # after whitespace as a trailing comment', () => {
    const result = parseTxt('http://evil.example/#anchor\nhttp://evil.example/x\t# tab comment\n');
    expect(result.iocs.map((ioc) => ioc.value)).toEqual(['http://evil.example/#anchor', 'http://evil.example/x']);
  });

  it('omits the file from locations when none is given and names no feed', () => {
    expect(parseTxt('45.153.160.2')).toEqual({
      format: 'txt',
      iocs: [{ type: 'ipv4-addr', value: '45.153.160.2', original: '45.153.160.2', location: { line: 1 } }],
      rejected: [],
      skipped: [],
      duplicates: [],
    });
  });

  it('rejects an 8 MB hex line with one reason and keeps only the start of it', () => {
    const line = 'a'.repeat(8 * 1024 * 1024);
    const result = parseTxt(`45.153.160.2\n${line}\n`);
    expect(result.iocs.map((ioc) => ioc.value)).toEqual(['45.153.160.2']);
    expect(result.rejected).toEqual([
      { location: { line: 2 }, value: `${'a'.repeat(REJECTED_VALUE_PREVIEW)}…`, reason: `value longer than ${MAX_VALUE_LENGTH} characters` },
    ]);
  });

  it('reads a list whose first line is a bracketed IPv6 address as TXT', () => {
    const result = parseIocs('[2a0e:1c80::1]\n45.153.160.2\n');
    expect(result.format).toBe('txt');
    expect(result.iocs.map((ioc) => ioc.value)).toEqual(['2a0e:1c80::1', '45.153.160.2']);
  });

  it('accepts private addresses with allowPrivate', () => {
    expect(parseTxt('10.1.2.3', { allowPrivate: true }).iocs.map((ioc) => ioc.value)).toEqual(['10.1.2.3']);
  });
});
