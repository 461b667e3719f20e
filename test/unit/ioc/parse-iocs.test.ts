import { describe, expect, it } from 'vitest';
import { parseIocs } from '../../../src/core/ioc/parse-iocs.js';
import { readFixture } from './read-fixture.js';

describe('parseIocs', () => {
  it.each([
    ['CERTFR-2021-IOC-003-IOC.csv', 'anssi-csv', 161],
    ['generic-semicolon.csv', 'csv', 4],
    ['defanged.txt', 'txt', 8],
    ['misp-event.json', 'misp', 11],
    ['misp-response.json', 'misp', 3],
    ['stix-bundle.json', 'stix', 9],
  ])('sniffs %s as %s and accepts %i IOCs', (name, format, count) => {
    const result = parseIocs(readFixture(name), { file: name });
    expect(result.format).toBe(format);
    expect(result.iocs).toHaveLength(count);
  });

  it('uses the format it is told', () => {
    const result = parseIocs('value\n45.153.160.2\n', { format: 'txt' });
    expect(result.format).toBe('txt');
    expect(result.rejected).toEqual([
      { location: { line: 1 }, value: 'value', reason: 'not an IP address, network, domain, URL, email address or hash' },
    ]);
  });

  it('passes allowPrivate and the prefix limits to normalisation', () => {
    const text = '10.1.2.3\n45.0.0.0/8\n';
    expect(parseIocs(text).iocs.map((ioc) => ioc.value)).toEqual(['45.0.0.0/8']);
    expect(parseIocs(text, { allowPrivate: true, maxPrefixV4: 16 }).iocs.map((ioc) => ioc.value)).toEqual(['10.1.2.3']);
  });

  it('does not mutate its options and gives the same result twice', () => {
    const options = Object.freeze({ format: 'auto' as const, file: 'misp-event.json', allowPrivate: false });
    const text = readFixture('misp-event.json');
    const first = parseIocs(text, options);
    const second = parseIocs(text, options);
    expect(options).toEqual({ format: 'auto', file: 'misp-event.json', allowPrivate: false });
    expect(second).toEqual(first);
    expect(second.iocs[0]).not.toBe(first.iocs[0]);
  });

  it('returns results whose arrays are not shared between IOCs', () => {
    const result = parseIocs(readFixture('misp-event.json'));
    const [first, second] = result.iocs;
    expect(first?.tags).toEqual(second?.tags);
    expect(first?.tags).not.toBe(second?.tags);
  });
});
