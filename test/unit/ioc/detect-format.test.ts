import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { detectFormat } from '../../../src/core/ioc/detect-format.js';
import { readFixture } from './read-fixture.js';

describe('detectFormat', () => {
  it.each([
    ['CERTFR-2021-IOC-003-IOC.csv', 'anssi-csv'],
    ['generic-semicolon.csv', 'csv'],
    ['defanged.txt', 'txt'],
    ['misp-event.json', 'misp'],
    ['misp-response.json', 'misp'],
    ['stix-bundle.json', 'stix'],
  ])('recognises %s as %s', (name, format) => {
    expect(detectFormat(readFixture(name), name)).toBe(format);
  });

  it('recognises the CERT-FR header with correct spellings too', () => {
    expect(detectFormat('event.uuid;signature.value\n1;45.153.160.2\n')).toBe('anssi-csv');
    expect(detectFormat('signature_component.value\n45.153.160.2\n')).toBe('anssi-csv');
  });

  it('recognises a CSV by any value column name, quoted or not, with a BOM', () => {
    expect(detectFormat('\uFEFF"Observable","Type"\n"45.153.160.2","ip-dst"\n')).toBe('csv');
    expect(detectFormat('type\tioc\nip-dst\t45.153.160.2\n')).toBe('csv');
  });

  it('decides by content, not by the file name', () => {
    expect(detectFormat('45.153.160.2\n91.219.236.18\n', 'iocs.csv')).toBe('txt');
  });

  it('recognises a bare MISP event and a bundle whose type key is not first', () => {
    expect(detectFormat('  {"info": "x", "Attribute": []}')).toBe('misp');
    expect(detectFormat('{"id": "bundle--1", "objects": [], "type": "bundle"}')).toBe('stix');
  });

  it.each([
    ['[2001:db8::1]\n[2a0e:1c80::1]\n', 'txt'],
    ['[::ffff:45.153.160.2]\n', 'txt'],
    ['[.]evil.example\n', 'txt'],
    ['{.}evil.example\n', 'txt'],
    ['[\n  {"Event": {"info": "x"}}\n]', 'misp'],
    ['[{"response": []}]', 'misp'],
    ['  [ "x", {"type": "bundle"} ]', 'stix'],
  ])('claims JSON only for content that starts like JSON: %j is %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it('refuses JSON that is neither MISP nor STIX', () => {
    expect(() => detectFormat('{"hello": "world"}', 'x.json')).toThrow(
      new InputError('JSON source is neither a STIX 2.1 bundle nor a MISP event: set --format', { file: 'x.json' }),
    );
  });
});
