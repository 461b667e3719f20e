import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseAnssiCsv } from '../../../src/core/ioc/parse-anssi-csv.js';
import { timed } from './timed.js';
import { readFixture } from './read-fixture.js';

const FILE = 'CERTFR-2021-IOC-003-IOC.csv';

const BULLETIN_TAGS = [
  'fr-classif:non-classifiees="NON-CLASSIFIEES"',
  'cossi:TLP="white"',
  'cossi:RechercheSourceOuverte="Autorisee"',
  'cossi:fiabilite="Bonne"',
  'cossi:threat_category="APT"',
  'misp-galaxy:threat-actor="APT31"',
  'APT31',
];

describe('parseAnssiCsv on CERTFR-2021-IOC-003 (APT31 relay routers)', () => {
  const result = parseAnssiCsv(readFixture(FILE), { file: `test/fixtures/iocs/${FILE}` });

  it('accepts all 161 addresses as ipv4-addr and rejects nothing', () => {
    expect(result.format).toBe('anssi-csv');
    expect(result.iocs).toHaveLength(161);
    expect(new Set(result.iocs.map((ioc) => ioc.type))).toEqual(new Set(['ipv4-addr']));
    expect(result.rejected).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.duplicates).toEqual([]);
  });

  it('names the feed after the bulletin id taken from the file name', () => {
    expect(result.feedName).toBe('CERTFR-2021-IOC-003');
  });

  it('keeps signature_component.uuid as a distinct source id per IOC', () => {
    const ids = result.iocs.map((ioc) => ioc.sourceId);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(161);
  });

  it('maps the first row completely, at line 2', () => {
    expect(result.iocs[0]).toEqual({
      type: 'ipv4-addr',
      value: '105.154.12.165',
      original: '105.154.12.165',
      feed: 'CERTFR-2021-IOC-003',
      sourceId: 'c1dc1b1d-7ea0-45ad-afea-d5751c3dbd95',
      description: 'Publication maqueurs APT31',
      provider: 'CERT-FR',
      reference: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
      tlp: 'WHITE',
      firstSeen: '2021-07-20T00:00:00.000Z',
      tags: BULLETIN_TAGS,
      bulletin: {
        id: 'CERTFR-2021-IOC-003',
        title: 'Publication maqueurs APT31',
        url: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
        published: '2021-07-20T00:00:00.000Z',
      },
      location: { file: `test/fixtures/iocs/${FILE}`, line: 2 },
    });
  });

  it('gives each row its physical line, the last one at line 162', () => {
    expect(result.iocs.map((ioc) => ioc.location.line)).toEqual(Array.from({ length: 161 }, (_, index) => index + 2));
    expect(result.iocs[160]).toMatchObject({ value: '95.73.249.55', sourceId: '1d4f3c52-3818-49de-9943-e545ce6e52ba' });
  });
});

describe('parseAnssiCsv on other CERT-FR files', () => {
  const header =
    'event.uuid,event.tlp,event.title.desensitized,event.date,event.apts,event.metadata,' +
    'signature.uuid,signature.type,signature.value,signature_component.uuid,signature_component.type,' +
    'signature_component.metadata,signature_component.value,signature_component.description';

  it('accepts the correctly spelled headers and splits composite types', () => {
    const text = [
      header,
      'e1,green,CERTFR-2022-IOC-001 Infrastructure Nobelium,2022-01-10,"[\'APT29\', \'NOBELIUM\']",tlp:green,' +
        's1,domain|ip,c2.nobelium.example|91.219.236.18,,,,,',
      'e1,green,CERTFR-2022-IOC-001 Infrastructure Nobelium,2022-01-10,[],,' +
        's2,sha256,,c2,sha256,"cossi:fiabilite=""Bonne""",2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE,Chargeur',
    ].join('\n');
    const result = parseAnssiCsv(text, { file: 'iocs.csv' });
    const common = {
      feed: 'CERTFR-2022-IOC-001',
      provider: 'CERT-FR',
      reference: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2022-IOC-001/',
      tlp: 'GREEN',
      firstSeen: '2022-01-10T00:00:00.000Z',
      bulletin: {
        id: 'CERTFR-2022-IOC-001',
        title: 'CERTFR-2022-IOC-001 Infrastructure Nobelium',
        url: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2022-IOC-001/',
        published: '2022-01-10T00:00:00.000Z',
      },
    };
    expect(result).toEqual({
      format: 'anssi-csv',
      feedName: 'CERTFR-2022-IOC-001',
      iocs: [
        {
          type: 'domain-name',
          value: 'c2.nobelium.example',
          original: 'c2.nobelium.example',
          sourceId: 's1',
          description: 'CERTFR-2022-IOC-001 Infrastructure Nobelium',
          tags: ['tlp:green', 'APT29', 'NOBELIUM'],
          location: { file: 'iocs.csv', line: 2 },
          ...common,
        },
        {
          type: 'ipv4-addr',
          value: '91.219.236.18',
          original: '91.219.236.18',
          sourceId: 's1',
          description: 'CERTFR-2022-IOC-001 Infrastructure Nobelium',
          tags: ['tlp:green', 'APT29', 'NOBELIUM'],
          location: { file: 'iocs.csv', line: 2 },
          ...common,
        },
        {
          type: 'file',
          value: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
          hashAlgorithm: 'sha256',
          original: '2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE',
          sourceId: 'c2',
          description: 'Chargeur',
          tags: ['cossi:fiabilite="Bonne"'],
          location: { file: 'iocs.csv', line: 3 },
          ...common,
        },
      ],
      rejected: [],
      skipped: [],
      duplicates: [],
    });
  });

  it('falls back to the event title for the feed name and to a TLP tag for the level', () => {
    const text = [
      'event.title.desensitized,event.metadata,signature_component.uuid,signature_component.type,signature_component.value',
      'Campagne Exemple,"cossi:TLP=""amber""",u1,ip-dst,45.153.160.2',
    ].join('\n');
    const result = parseAnssiCsv(text, { file: 'export.csv' });
    expect(result.feedName).toBe('Campagne Exemple');
    expect(result.iocs[0]).toEqual({
      type: 'ipv4-addr',
      value: '45.153.160.2',
      original: '45.153.160.2',
      feed: 'Campagne Exemple',
      sourceId: 'u1',
      description: 'Campagne Exemple',
      provider: 'CERT-FR',
      tlp: 'AMBER',
      tags: ['cossi:TLP="amber"'],
      bulletin: { title: 'Campagne Exemple' },
      location: { file: 'export.csv', line: 2 },
    });
  });

  it('rejects rows with unsupported types, contradicting values or a bad date, with their lines', () => {
    const text = [
      'event.date,signature_component.uuid,signature_component.type,signature_component.value',
      '2021-07-20,u1,AS,AS4134',
      '2021-07-20,u2,ip-dst,relay.example',
      '2021-13-01,u3,ip-dst,45.153.160.2',
      '2021-07-20,u4,ip-dst,',
    ].join('\n');
    expect(parseAnssiCsv(text, { file: 'CERTFR-2021-IOC-009-IOC.csv' })).toEqual({
      format: 'anssi-csv',
      feedName: 'CERTFR-2021-IOC-009',
      iocs: [],
      rejected: [
        { location: { file: 'CERTFR-2021-IOC-009-IOC.csv', line: 2 }, value: 'AS4134', reason: 'unsupported type AS' },
        {
          location: { file: 'CERTFR-2021-IOC-009-IOC.csv', line: 3 },
          value: 'relay.example',
          reason: 'type ip-dst does not match the value, which looks like a domain',
        },
        { location: { file: 'CERTFR-2021-IOC-009-IOC.csv', line: 4 }, value: '45.153.160.2', reason: 'invalid event.date "2021-13-01"' },
        { location: { file: 'CERTFR-2021-IOC-009-IOC.csv', line: 5 }, value: '', reason: 'empty value' },
      ],
      skipped: [],
      duplicates: [],
    });
  });

  it('refuses a CSV without any value column', () => {
    expect(() => parseAnssiCsv('event.uuid,signature.uuid\n1,2\n', { file: 'x.csv' })).toThrow(InputError);
  });

  // The old APT-list pattern restarted at every quote of an unterminated list: 20,000 characters took 150 ms.
  it('reads an event.apts cell of 200,000 unterminated escaped quotes in linear time', () => {
    const apts = `"${"'\\".repeat(100_000)}"`;
    const { result, ms } = timed(() => parseAnssiCsv(`${header}\ne1,green,t,2022-01-10,${apts},,s1,ip-dst,45.153.160.2,,,,,`));
    expect(result.iocs.map((ioc) => [ioc.value, ioc.tags])).toEqual([['45.153.160.2', undefined]]);
    expect(ms).toBeLessThan(500);
  });

  it('keeps the APT names of a list after an unterminated quote of the other kind', () => {
    const result = parseAnssiCsv(`${header}\ne1,green,t,2022-01-10,"[""x, 'APT31']",,s1,ip-dst,45.153.160.2,,,,,`);
    expect(result.iocs[0]?.tags).toEqual(['APT31']);
  });
});
