import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseGenericCsv } from '../../../src/core/ioc/parse-generic-csv.js';
import { readFixture } from './read-fixture.js';

describe('parseGenericCsv', () => {
  it('reads a ;-separated CSV with optional columns, reporting each bad row with its line', () => {
    const at = (line: number) => ({ file: 'generic-semicolon.csv', line });
    expect(parseGenericCsv(readFixture('generic-semicolon.csv'), { file: 'generic-semicolon.csv' })).toEqual({
      format: 'csv',
      iocs: [
        {
          type: 'ipv4-addr',
          value: '185.220.101.4',
          original: '185.220.101.4',
          sourceId: 'row-1',
          description: 'Tor exit used for staging',
          tlp: 'AMBER',
          confidence: 80,
          firstSeen: '2021-07-01T00:00:00.000Z',
          validUntil: '2021-12-31T23:59:59.999Z',
          location: at(2),
        },
        {
          type: 'url',
          value: 'https://login-verify.example/owa/',
          original: 'hxxps://login-verify[.]example/owa/',
          sourceId: 'row-2',
          description: 'Credential phishing; fake OWA',
          tlp: 'GREEN',
          confidence: 70,
          firstSeen: '2021-07-02T10:00:00.000Z',
          location: at(3),
        },
        {
          type: 'domain-name',
          value: 'login-verify.example',
          original: 'login-verify[.]example',
          sourceId: 'row-3',
          description: 'Phishing domain\n(registered 2021-06-28)',
          tlp: 'GREEN',
          location: at(4),
        },
        {
          type: 'file',
          value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          hashAlgorithm: 'sha256',
          original: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
          sourceId: 'row-4',
          description: 'empty-file hash seen as dropper',
          location: at(6),
        },
      ],
      rejected: [
        { location: at(7), value: '91.219.236.18', reason: 'unknown TLP "orange"' },
        { location: at(8), value: '91.219.236.19', reason: 'invalid confidence "high" (expected 0-100)' },
        { location: at(9), value: '10.20.30.40', reason: 'private address, not public Internet space' },
        { location: at(10), value: 'evil-cdn.example', reason: 'type ip-dst does not match the value, which looks like a domain' },
        { location: at(11), value: '', reason: 'empty value' },
      ],
      skipped: [],
      duplicates: [{ type: 'ipv4-addr', value: '185.220.101.4', location: at(13), keptAt: at(2) }],
    });
  });

  it('sniffs tab and comma delimiters and matches column names case-insensitively', () => {
    const tab = parseGenericCsv('IOC\tType\n45.153.160.2\tip-dst\n');
    const comma = parseGenericCsv('Observable,Last Seen,Valid-From\n45.153.160.2,2021-07-19 23:00,2021-07-01\n');
    expect(tab.iocs).toEqual([{ type: 'ipv4-addr', value: '45.153.160.2', original: '45.153.160.2', location: { line: 2 } }]);
    expect(comma.iocs).toEqual([
      {
        type: 'ipv4-addr',
        value: '45.153.160.2',
        original: '45.153.160.2',
        lastSeen: '2021-07-19T23:00:00.000Z',
        validFrom: '2021-07-01T00:00:00.000Z',
        location: { line: 2 },
      },
    ]);
  });

  it('rejects a row whose date does not exist', () => {
    expect(parseGenericCsv('value,valid_until\n45.153.160.2,2021-02-30\n').rejected).toEqual([
      { location: { line: 2 }, value: '45.153.160.2', reason: 'invalid valid_until "2021-02-30"' },
    ]);
  });

  it('refuses a CSV without a value column, naming the accepted names', () => {
    expect(() => parseGenericCsv('ip,comment\n45.153.160.2,c2\n', { file: 'x.csv' })).toThrow(
      new InputError('CSV header has no value column: name one of value, indicator, ioc, observable', { file: 'x.csv', line: 1 }),
    );
  });

  it('refuses an empty file and an unclosed quote', () => {
    expect(() => parseGenericCsv('\n\n')).toThrow('empty CSV: a header row is required');
    expect(() => parseGenericCsv('value,description\n45.153.160.2,"unclosed\n')).toThrow(InputError);
  });
});
