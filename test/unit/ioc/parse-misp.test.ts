import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { MAX_MISP_NESTING } from '../../../src/core/ioc/limits.js';
import { parseMisp } from '../../../src/core/ioc/parse-misp.js';
import { parseMispManifest } from '../../../src/core/ioc/parse-misp-manifest.js';
import { readFixture } from './read-fixture.js';

const INFO = 'OSINT - Phishing campaign delivering a loader via fake invoices';
const EVENT_TAGS = ['tlp:amber', 'misp-galaxy:threat-actor="TA505"'];
const BULLETIN = { id: '5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47', title: INFO, published: '2021-07-20T00:00:00.000Z', modified: '2021-07-20T10:00:00.000Z' };
const FROM_EVENT = { feed: INFO, provider: 'CIRCL', tlp: 'AMBER', tags: EVENT_TAGS, bulletin: BULLETIN };
const at = (path: string) => ({ file: 'misp-event.json', path });

describe('parseMisp on an event export with objects', () => {
  const result = parseMisp(readFixture('misp-event.json'), { file: 'misp-event.json' });

  it('names the feed after the event info', () => {
    expect(result.feedName).toBe(INFO);
    expect(result.format).toBe('misp');
  });

  it('keeps to_ids attributes of the event and of live objects, split and normalised', () => {
    expect(result.iocs).toEqual([
      {
        type: 'ipv4-addr',
        value: '45.153.160.2',
        original: '45.153.160.2',
        sourceId: 'a1b2c3d4-0001-4a5b-8c9d-000000000001',
        description: 'Loader C2',
        firstSeen: '2021-07-01T08:15:00.000Z',
        lastSeen: '2021-07-19T23:59:59.000Z',
        location: at('$.Event.Attribute[0]'),
        ...FROM_EVENT,
      },
      {
        type: 'domain-name',
        value: 'invoice-portal.example',
        original: 'Invoice-Portal.example.',
        sourceId: 'a1b2c3d4-0002-4a5b-8c9d-000000000002',
        location: at('$.Event.Attribute[1]'),
        ...FROM_EVENT,
      },
      {
        type: 'domain-name',
        value: 'cdn-sync.example',
        original: 'cdn-sync.example',
        sourceId: 'a1b2c3d4-0003-4a5b-8c9d-000000000003',
        description: 'Landing page',
        location: at('$.Event.Attribute[2]'),
        ...FROM_EVENT,
      },
      {
        type: 'ipv4-addr',
        value: '185.220.101.4',
        original: '185.220.101.4',
        sourceId: 'a1b2c3d4-0003-4a5b-8c9d-000000000003',
        description: 'Landing page',
        location: at('$.Event.Attribute[2]'),
        ...FROM_EVENT,
      },
      {
        type: 'url',
        value: 'https://cdn-sync.example/Invoice/Download.php?id=7731',
        original: 'HTTPS://CDN-Sync.example/Invoice/Download.php?id=7731',
        sourceId: 'a1b2c3d4-0004-4a5b-8c9d-000000000004',
        location: at('$.Event.Attribute[3]'),
        ...FROM_EVENT,
      },
      {
        type: 'file',
        value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        hashAlgorithm: 'sha256',
        original: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
        sourceId: 'a1b2c3d4-0007-4a5b-8c9d-000000000007',
        description: 'Loader sample',
        location: at('$.Event.Attribute[6]'),
        ...FROM_EVENT,
        tlp: 'RED',
        tags: [...EVENT_TAGS, 'tlp:red'],
      },
      {
        type: 'ipv4-addr',
        value: '91.219.236.18',
        original: '91.219.236.18',
        sourceId: 'a1b2c3d4-0008-4a5b-8c9d-000000000008',
        description: 'Fallback C2',
        location: at('$.Event.Attribute[7]'),
        ...FROM_EVENT,
      },
      {
        type: 'email-addr',
        value: 'billing@invoice-notice.example',
        original: 'Billing@Invoice-Notice.example',
        sourceId: 'a1b2c3d4-0012-4a5b-8c9d-000000000012',
        description: 'Sender',
        location: at('$.Event.Attribute[11]'),
        ...FROM_EVENT,
      },
      {
        type: 'file',
        value: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
        hashAlgorithm: 'sha1',
        original: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
        sourceId: 'b2c3d4e5-0102-4b5c-9d0e-100000000102',
        description: 'Dropper attached to the e-mail',
        location: at('$.Event.Object[0].Attribute[1]'),
        ...FROM_EVENT,
      },
      {
        type: 'file',
        value: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        hashAlgorithm: 'sha256',
        original: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        sourceId: 'b2c3d4e5-0103-4b5c-9d0e-100000000103',
        description: 'Packed loader',
        location: at('$.Event.Object[0].Attribute[2]'),
        ...FROM_EVENT,
      },
      {
        type: 'domain-name',
        value: 'files.xn--bcher-rechnung-gsb.example',
        original: 'files.bücher-rechnung.example',
        sourceId: 'b2c3d4e5-0301-4b5c-9d0e-100000000301',
        description: 'Payload server',
        location: at('$.Event.Object[2].Attribute[0]'),
        ...FROM_EVENT,
      },
    ]);
  });

  it('rejects unsupported types, private addresses and contradicting types with their JSON path', () => {
    expect(result.rejected).toEqual([
      {
        location: at('$.Event.Attribute[8]'),
        value: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\InvoiceUpdater',
        reason: 'unsupported type regkey',
      },
      { location: at('$.Event.Attribute[9]'), value: '192.168.1.10', reason: 'private address, not public Internet space' },
      {
        location: at('$.Event.Attribute[13]'),
        value: '93.184.216.34',
        reason: 'type hostname does not match the value, which looks like an IP address or network',
      },
    ]);
  });

  it('counts to_ids false and deleted attributes (including those of a deleted object) as skipped', () => {
    expect(result.skipped).toEqual([
      { reason: 'to_ids false', count: 4 },
      { reason: 'deleted', count: 3 },
    ]);
  });

  it('keeps the first of two attributes with the same value and lists the second', () => {
    expect(result.duplicates).toEqual([
      { type: 'ipv4-addr', value: '45.153.160.2', location: at('$.Event.Attribute[10]'), keptAt: at('$.Event.Attribute[0]') },
    ]);
  });
});

describe('parseMisp on a REST search response with several events', () => {
  const result = parseMisp(readFixture('misp-response.json'), { file: 'misp-response.json' });
  const at = (path: string) => ({ file: 'misp-response.json', path });
  const EMOTET = { id: '7c9e2b14-3a5d-4f6e-8b1c-0d2e3f4a5b61', title: 'Emotet epoch 5 C2 servers', published: '2021-11-16T00:00:00.000Z' };

  it('gives each IOC its own event as feed and leaves the source feed name to the caller', () => {
    expect(result).toEqual({
      format: 'misp',
      iocs: [
        {
          type: 'ipv4-addr',
          value: '81.0.236.93',
          original: '81.0.236.93',
          feed: 'Emotet epoch 5 C2 servers',
          sourceId: 'c3d4e5f6-0001-4c5d-8e9f-200000000001',
          provider: 'abuse.ch',
          tlp: 'WHITE',
          tags: ['tlp:white'],
          bulletin: EMOTET,
          location: at('$.response[0].Event.Attribute[0]'),
        },
        {
          type: 'ipv4-addr',
          value: '94.177.248.64',
          original: '94.177.248.64',
          feed: 'Emotet epoch 5 C2 servers',
          sourceId: 'c3d4e5f6-0002-4c5d-8e9f-200000000002',
          provider: 'abuse.ch',
          tlp: 'WHITE',
          tags: ['tlp:white'],
          bulletin: EMOTET,
          location: at('$.response[0].Event.Attribute[1]'),
        },
        {
          type: 'url',
          value: 'http://94.177.248.64:8080/ab2g',
          original: 'http://94.177.248.64:8080/ab2g',
          feed: 'Cobalt Strike team servers, week 46',
          sourceId: 'd4e5f6a7-0002-4d5e-9f0a-300000000002',
          description: 'stager',
          provider: 'Example CERT',
          tlp: 'GREEN',
          tags: ['tlp:green'],
          bulletin: { id: '8d0f3c25-4b6e-4a7f-9c2d-1e3f4a5b6c72', title: 'Cobalt Strike team servers, week 46', published: '2021-11-19T00:00:00.000Z' },
          location: at('$.response[1].Event.Attribute[1]'),
        },
      ],
      rejected: [],
      skipped: [],
      duplicates: [
        {
          type: 'ipv4-addr',
          value: '94.177.248.64',
          location: at('$.response[1].Event.Attribute[0]'),
          keptAt: at('$.response[0].Event.Attribute[1]'),
        },
      ],
    });
  });
});

describe('parseMisp on other shapes', () => {
  it('reads a bare event object, with string flags as older MISP versions write them', () => {
    const bare = JSON.stringify({
      info: 'Bare event',
      Attribute: [
        { type: 'ip-dst', value: '45.153.160.2', to_ids: '1', deleted: '0' },
        { type: 'ip-dst', value: '45.153.160.3', to_ids: '0' },
        { type: 'ip-dst', value: '45.153.160.4' },
        { type: 'ip-dst', value: '45.153.160.5', first_seen: 'yesterday' },
        'not an attribute',
        { value: '45.153.160.6' },
      ],
    });
    expect(parseMisp(bare)).toEqual({
      format: 'misp',
      feedName: 'Bare event',
      iocs: [
        { type: 'ipv4-addr', value: '45.153.160.2', original: '45.153.160.2', feed: 'Bare event', bulletin: { title: 'Bare event' }, location: { path: '$.Attribute[0]' } },
        { type: 'ipv4-addr', value: '45.153.160.4', original: '45.153.160.4', feed: 'Bare event', bulletin: { title: 'Bare event' }, location: { path: '$.Attribute[2]' } },
      ],
      rejected: [
        { location: { path: '$.Attribute[3]' }, value: '45.153.160.5', reason: 'invalid first_seen "yesterday"' },
        { location: { path: '$.Attribute[4]' }, value: '', reason: 'MISP attribute is not a JSON object' },
        { location: { path: '$.Attribute[5]' }, value: '45.153.160.6', reason: 'attribute without a type' },
      ],
      skipped: [{ reason: 'to_ids false', count: 1 }],
      duplicates: [],
    });
  });

  it('reads a top-level array of {"Event": ...} and a BOM', () => {
    const text = `\uFEFF${JSON.stringify([{ Event: { info: 'A', Attribute: [{ type: 'domain', value: 'c2.example', to_ids: true }] } }])}`;
    expect(parseMisp(text).iocs).toEqual([
      { type: 'domain-name', value: 'c2.example', original: 'c2.example', feed: 'A', bulletin: { title: 'A' }, location: { path: '$[0].Event.Attribute[0]' } },
    ]);
  });

  it.each([
    ['"response" objects', `${'{"response":'.repeat(100_000)}{}${'}'.repeat(100_000)}`],
    ['arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ])('refuses a document of %s nested 100,000 deep with one InputError line, not a stack overflow', (_shape, text) => {
    const error = (() => {
      try {
        parseMisp(text, { file: 'deep.json' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).reason).toBe(`MISP document nested deeper than ${MAX_MISP_NESTING} levels of arrays and "response" objects`);
    expect((error as InputError).message).not.toContain('\n');
  });

  it(`reads events nested ${MAX_MISP_NESTING} levels deep`, () => {
    const event = { Event: { info: 'A', Attribute: [{ type: 'domain', value: 'c2.example' }] } };
    const text = `${'{"response": ['.repeat(MAX_MISP_NESTING / 2)}${JSON.stringify(event)}${']}'.repeat(MAX_MISP_NESTING / 2)}`;
    expect(parseMisp(text).iocs.map((ioc) => ioc.value)).toEqual(['c2.example']);
  });

  it('refuses text that is not JSON or holds no event', () => {
    expect(() => parseMisp('{"Event": ', { file: 'e.json' })).toThrow(InputError);
    expect(() => parseMisp('{"type": "bundle", "objects": []}', { file: 'e.json' })).toThrow(
      'e.json: not a MISP event: expected {"Event": {...}}, {"response": [...]} or an event object',
    );
  });
});

describe('parseMispManifest', () => {
  it('lists the events of a feed directory with their file names', () => {
    expect(parseMispManifest(readFixture('misp-feed/manifest.json'))).toEqual([
      {
        uuid: '5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47',
        info: INFO,
        date: '2021-07-20',
        timestamp: '1626775200',
        orgc: 'CIRCL',
        tags: ['tlp:amber', 'misp-galaxy:threat-actor="TA505"'],
        file: '5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47.json',
      },
      {
        uuid: '7c9e2b14-3a5d-4f6e-8b1c-0d2e3f4a5b61',
        info: 'Emotet epoch 5 C2 servers',
        date: '2021-11-16',
        timestamp: '1637056800',
        orgc: 'abuse.ch',
        tags: ['tlp:white'],
        file: '7c9e2b14-3a5d-4f6e-8b1c-0d2e3f4a5b61.json',
      },
    ]);
  });

  it('refuses a key that is not an event uuid, so it never becomes a path', () => {
    expect(() => parseMispManifest('{"../../etc/passwd": {}}', 'manifest.json')).toThrow(
      new InputError('MISP manifest key "../../etc/passwd" is not an event uuid', { file: 'manifest.json', path: '$' }),
    );
  });

  it('names a crafted key in at most 64 characters, on one line', () => {
    expect(() => parseMispManifest(JSON.stringify({ [`a\u2028${'b'.repeat(100)}`]: {} }))).toThrow(
      `$: MISP manifest key "a\\u2028${'b'.repeat(62)}…" is not an event uuid`,
    );
  });

  it('refuses a manifest that is not an object', () => {
    expect(() => parseMispManifest('[]')).toThrow('not a MISP feed manifest: expected an object keyed by event uuid');
  });
});
