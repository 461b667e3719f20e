import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDeactivatedDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { buildAlert, buildAlertId, buildEnrichment } from '../../../src/core/hunt/build-alert.js';
import { huntIocFromDocument, type Match } from '../../../src/core/hunt/ioc-matcher.js';
import { pickEventFields } from '../../../src/core/hunt/pick-event-fields.js';
import { SHA256, SURICATA_HTTP, SYSMON_PROCESS, SYNCED_AT, ZEEK_CONN, deepFreeze, makeIoc, storedIoc } from './hunt-fixtures.js';

const NOW = '2024-05-03T10:15:00.000Z';
const RUN = 'hunt-20240503T101500Z-4f2a';
const IOC_INDEX = 'iochunt-iocs';
const SURICATA_INDEX = '.ds-logs-suricata.eve-default-2023.11.02-000041';
const SURICATA_ID = 'd3Jq0YsBz0c7x9w1Ab2C';

const BULLETIN = {
  description: 'APT31 command and control server',
  provider: 'ANSSI',
  reference: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
  tlp: 'WHITE',
  confidence: 80,
  firstSeen: '2021-03-01T00:00:00.000Z',
  lastSeen: '2021-07-15T00:00:00.000Z',
};

const ip = deepFreeze(makeIoc('45.83.1.2', BULLETIN));
const INDICATOR = {
  type: 'ipv4-addr',
  ip: '45.83.1.2',
  name: '45.83.1.2',
  description: 'APT31 command and control server',
  reference: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
  provider: 'ANSSI',
  confidence: 'High',
  marking: { tlp: 'WHITE' },
  first_seen: '2021-03-01T00:00:00.000Z',
  last_seen: '2021-07-15T00:00:00.000Z',
};

function suricataAlert(match: Match = { ioc: ip, field: 'source.ip', atomic: '::ffff:45.83.1.2' }) {
  return buildAlert({
    event: { index: SURICATA_INDEX, id: SURICATA_ID, source: SURICATA_HTTP },
    match,
    runId: RUN,
    matchedType: 'iochunt_retro_hunt',
    now: NOW,
    iocIndex: IOC_INDEX,
  });
}

describe('buildAlertId', () => {
  it('is the hex SHA-256 of "<event index>|<event _id>|<IOC _id>"', () => {
    expect(ip.id).toBe('8cce2c4098e7fcf8befa0bb1edbfb63706489a8c06f2d5ede20309525e05ecf5');
    const expected = createHash('sha256').update(`${SURICATA_INDEX}|${SURICATA_ID}|${ip.id}`, 'utf8').digest('hex');
    expect(buildAlertId(SURICATA_INDEX, SURICATA_ID, ip.id)).toBe(expected);
    // Computed outside Node: printf '%s' '<index>|<id>|<ioc id>' | sha256sum
    expect(buildAlertId(SURICATA_INDEX, SURICATA_ID, ip.id)).toBe('fb31a155e5a25230b9c93ae6ce1706fe1e986abe5e427fb4b1e208021f424e8f');
  });

  it('differs when any part differs; event ids may contain the separator (index names cannot)', () => {
    const ids = new Set([
      buildAlertId('logs-a', 'b|c', ip.id),
      buildAlertId('logs-a', 'b', ip.id),
      buildAlertId('logs-b', 'b', ip.id),
      buildAlertId('logs-a', 'b', '0'.repeat(64)),
    ]);
    expect(ids.size).toBe(4);
  });
});

describe('buildAlert', () => {
  it('writes the documented alert for a Suricata event with dotted keys', () => {
    expect(suricataAlert()).toEqual({
      id: 'fb31a155e5a25230b9c93ae6ce1706fe1e986abe5e427fb4b1e208021f424e8f',
      document: {
        '@timestamp': '2023-11-02T17:45:10.000Z',
        event: { kind: 'alert', category: ['threat'], type: ['indicator'], created: NOW, action: 'http_request' },
        threat: {
          enrichments: [
            {
              indicator: INDICATOR,
              feed: { name: ['CERTFR-2021-IOC-003'] },
              matched: {
                atomic: '::ffff:45.83.1.2',
                field: 'source.ip',
                id: ip.id,
                index: IOC_INDEX,
                occurred: '2023-11-02T17:45:10.000Z',
                type: 'iochunt_retro_hunt',
              },
            },
          ],
        },
        iochunt: {
          run_id: RUN,
          event: { index: SURICATA_INDEX, id: SURICATA_ID },
          ioc: { id: ip.id, value: '45.83.1.2', type: 'ipv4-addr' },
        },
        source: { ip: '::ffff:45.83.1.2', port: 80 },
        destination: { ip: '10.20.30.41', port: 51514, nat: { ip: '185.220.101.255' } },
        url: { full: 'HTTP://Malware.EXAMPLE/payload.bin', original: '/payload.bin', domain: 'Malware.EXAMPLE', path: '/payload.bin' },
        observer: { name: 'suricata-dmz' },
        network: { transport: 'tcp' },
      },
    });
  });

  it('copies nested objects whole and nothing else from a Zeek event', () => {
    const network = makeIoc('185.220.0.0/16');
    const alert = buildAlert({
      event: { index: 'logs-zeek.connection-2022.03.14', id: 'CHhAvVGS1DHFjwGM9', source: ZEEK_CONN },
      match: { ioc: network, field: 'destination.ip', atomic: '45.83.1.2' },
      runId: RUN,
      matchedType: 'iochunt_retro_hunt',
      now: NOW,
      iocIndex: 'iochunt-iocs-000001',
    });
    expect(alert.document).toEqual({
      '@timestamp': '2022-03-14T09:26:53.123Z',
      event: { kind: 'alert', category: ['threat'], type: ['indicator'], created: NOW },
      threat: {
        enrichments: [
          {
            indicator: { type: 'ipv4-addr', name: '185.220.0.0/16' },
            feed: { name: ['CERTFR-2021-IOC-003'] },
            matched: {
              atomic: '45.83.1.2',
              field: 'destination.ip',
              id: network.id,
              index: 'iochunt-iocs-000001',
              occurred: '2022-03-14T09:26:53.123Z',
              type: 'iochunt_retro_hunt',
            },
          },
        ],
      },
      iochunt: {
        run_id: RUN,
        event: { index: 'logs-zeek.connection-2022.03.14', id: 'CHhAvVGS1DHFjwGM9' },
        ioc: { id: network.id, value: '185.220.0.0/16', type: 'ipv4-addr' },
      },
      host: { name: 'zeek-sensor-01' },
      source: { ip: '10.20.30.40', port: 49832, packets: 12, bytes: 1733 },
      destination: { ip: '45.83.1.2', port: 443, packets: 10, bytes: 5123, geo: { country_iso_code: 'NL' } },
      observer: { hostname: 'zeek-sensor-01', type: 'sensor', vendor: 'Zeek' },
      network: { transport: 'tcp', community_id: '1:Lz4GrUBWMHWb1sRE0T2Fh0p6K4A=', direction: 'outbound' },
    });
  });

  it('carries host, user and event.action of a Sysmon event for live tagging', () => {
    const hash = makeIoc(SHA256);
    const alert = buildAlert({
      event: { index: 'winlogbeat-8.11.1-2021.09.27', id: '882131', source: SYSMON_PROCESS },
      match: { ioc: hash, field: 'process.hash.sha256', atomic: SHA256.toUpperCase() },
      runId: RUN,
      matchedType: 'iochunt_live_tag',
      now: NOW,
      iocIndex: IOC_INDEX,
    });
    expect(alert.document).toEqual({
      '@timestamp': '2021-09-27T06:12:44.512Z',
      event: { kind: 'alert', category: ['threat'], type: ['indicator'], created: NOW, action: 'Process Create (rule: ProcessCreate)' },
      threat: {
        enrichments: [
          {
            indicator: { type: 'file', file: { hash: { sha256: SHA256 } }, name: SHA256 },
            feed: { name: ['CERTFR-2021-IOC-003'] },
            matched: {
              atomic: SHA256.toUpperCase(),
              field: 'process.hash.sha256',
              id: hash.id,
              index: IOC_INDEX,
              occurred: '2021-09-27T06:12:44.512Z',
              type: 'iochunt_live_tag',
            },
          },
        ],
      },
      iochunt: {
        run_id: RUN,
        event: { index: 'winlogbeat-8.11.1-2021.09.27', id: '882131' },
        ioc: { id: hash.id, value: SHA256, type: 'file' },
      },
      host: SYSMON_PROCESS.host,
      user: SYSMON_PROCESS.user,
    });
  });

  it('leaves out @timestamp and matched.occurred when the event has none, and writes any other form as ISO, keeping the original', () => {
    const build = (source: Record<string, unknown>) =>
      buildAlert({
        event: { index: 'logs', id: '1', source },
        match: { ioc: ip, field: 'source.ip', atomic: '45.83.1.2' },
        runId: RUN,
        matchedType: 'iochunt_retro_hunt',
        now: NOW,
        iocIndex: IOC_INDEX,
      }).document as { '@timestamp'?: unknown; threat: { enrichments: { matched: Record<string, unknown> }[] }; iochunt: { event: Record<string, unknown> } };
    const none = build({ source: { ip: '45.83.1.2' } });
    expect('@timestamp' in none).toBe(false);
    expect(none.threat.enrichments[0]?.matched).toEqual({ atomic: '45.83.1.2', field: 'source.ip', id: ip.id, index: IOC_INDEX, type: 'iochunt_retro_hunt' });
    const millis = build({ '@timestamp': 1647250013123, source: { ip: '45.83.1.2' } });
    expect(millis['@timestamp']).toBe('2022-03-14T09:26:53.123Z');
    expect(millis.threat.enrichments[0]?.matched.occurred).toBe('2022-03-14T09:26:53.123Z');
    expect(millis.iochunt.event).toEqual({ index: 'logs', id: '1', timestamp: 1647250013123 });
    const noZone = build({ '@timestamp': '2023-05-05T05:05:05', source: { ip: '45.83.1.2' } });
    expect([noZone['@timestamp'], noZone.iochunt.event.timestamp]).toEqual(['2023-05-05T05:05:05.000Z', '2023-05-05T05:05:05']);
    const iso = build({ '@timestamp': '2023-05-05T05:05:05.000Z', source: { ip: '45.83.1.2' } });
    expect(iso.iochunt.event).toEqual({ index: 'logs', id: '1' });
  });

  it('does not modify its inputs and shares no objects with them', () => {
    const source = deepFreeze(structuredClone(SURICATA_HTTP));
    const match = deepFreeze({ ioc: ip, field: 'source.ip', atomic: '::ffff:45.83.1.2' });
    const before = structuredClone({ source, match: { ...match, ioc: { ...ip } } });
    const alert = buildAlert({ event: { index: SURICATA_INDEX, id: SURICATA_ID, source }, match, runId: RUN, matchedType: 'iochunt_retro_hunt', now: NOW, iocIndex: IOC_INDEX });
    expect({ source, match: { ...match, ioc: { ...ip } } }).toEqual(before);
    const document = alert.document as { destination: { nat: { ip: string } }; threat: { enrichments: { indicator: { marking: { tlp: string } }; feed: { name: string[] } }[] } };
    document.destination.nat.ip = 'changed';
    const enrichment = document.threat.enrichments[0];
    if (!enrichment) throw new Error('no enrichment');
    enrichment.indicator.marking.tlp = 'RED';
    enrichment.feed.name.push('other');
    expect(ip.document.threat.indicator).toEqual(INDICATOR);
    expect(ip.document.threat.feed.name).toEqual(['CERTFR-2021-IOC-003']);
  });
});

describe('buildEnrichment', () => {
  it('is the same element the alert carries', () => {
    const match = { ioc: ip, field: 'source.ip', atomic: '::ffff:45.83.1.2' };
    const enrichment = buildEnrichment({ match, iocIndex: IOC_INDEX, occurred: SURICATA_HTTP['@timestamp'], matchedType: 'iochunt_retro_hunt' });
    expect((suricataAlert(match).document.threat as { enrichments: unknown[] }).enrichments).toEqual([enrichment]);
  });

  it('names only the active feeds, or every feed when none is active', () => {
    const [id, twoFeeds] = storedIoc('45.83.1.2', { feed: 'CERTFR-2021-IOC-003', droppedBy: 'MISP-event-1872' });
    expect(twoFeeds.threat.feed.name).toEqual(['CERTFR-2021-IOC-003', 'MISP-event-1872']);
    const active = huntIocFromDocument(id, twoFeeds);
    const enrichment = (ioc: typeof active) =>
      buildEnrichment({ match: { ioc, field: 'destination.ip', atomic: '45.83.1.2' }, iocIndex: IOC_INDEX, occurred: undefined, matchedType: 'iochunt_live_tag' });
    expect(enrichment(active).feed).toEqual({ name: ['CERTFR-2021-IOC-003'] });
    const retired = buildDeactivatedDocument(twoFeeds, 'CERTFR-2021-IOC-003', { now: SYNCED_AT, setVersion: 3 }).document;
    expect(retired.iochunt.active_feeds).toEqual([]);
    expect(enrichment(huntIocFromDocument(id, retired))).toEqual({
      indicator: { type: 'ipv4-addr', ip: '45.83.1.2', name: '45.83.1.2' },
      feed: { name: ['CERTFR-2021-IOC-003', 'MISP-event-1872'] },
      matched: { atomic: '45.83.1.2', field: 'destination.ip', id, index: IOC_INDEX, type: 'iochunt_live_tag' },
    });
  });
});

describe('pickEventFields', () => {
  it('merges nested and dotted spellings into nested objects', () => {
    const source = {
      host: { name: 'ws-fin-042', os: { 'family': 'windows' } },
      'host.os.version': '10.0',
      'host.ip': ['10.20.31.42'],
      'event.action': 'logon-failed',
      'event.outcome': 'failure',
      process: { name: 'lsass.exe' },
    };
    expect(pickEventFields(source, ['host', 'event.action'])).toEqual({
      host: { name: 'ws-fin-042', os: { family: 'windows', version: '10.0' }, ip: ['10.20.31.42'] },
      event: { action: 'logon-failed' },
    });
  });

  it('concatenates a leaf given in both spellings, as Elasticsearch indexes it', () => {
    expect(pickEventFields({ host: { name: 'a' }, 'host.name': 'b', 'host.ip': ['10.0.0.1'], user: undefined }, ['host'])).toEqual({ host: { name: ['a', 'b'], ip: ['10.0.0.1'] } });
    expect(pickEventFields({ source: { ip: ['10.0.0.1'] }, 'source.ip': ['10.0.0.2', '10.0.0.3'] }, ['source'])).toEqual({ source: { ip: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] } });
  });

  it('expands dotted keys inside copied objects and arrays, and drops __proto__ keys', () => {
    const source = JSON.parse('{"dns": {"answers": [{"data": "45.83.1.2", "a.b": 1}], "__proto__": {"polluted": true}}, "user": null}') as Record<string, unknown>;
    const picked = pickEventFields(source, ['dns', 'user']);
    expect(picked).toEqual({ dns: { answers: [{ data: '45.83.1.2', a: { b: 1 } }] } });
    expect(Object.getPrototypeOf(picked.dns)).toBe(Object.prototype);
  });
});
