import { describe, expect, it } from 'vitest';
import { buildDeactivatedDocument, buildIocDocument, confidenceLabel, type FeedLoad } from '../../../src/core/ioc/build-ioc-document.js';
import type { ParsedIoc } from '../../../src/core/ioc/types.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';
const T2 = '2026-03-01T00:00:00.000Z';

const ip: ParsedIoc = {
  type: 'ipv4-addr',
  value: '45.83.1.2',
  original: '45.83.1[.]2',
  location: { file: 'a.csv', line: 2 },
  sourceId: 'uuid-1',
  description: 'APT31 relay',
  tlp: 'CLEAR',
  confidence: 80,
};

const load = (name: string, now: string, setVersion: number, extra: Partial<FeedLoad> = {}): FeedLoad => ({
  name,
  huntFrom: '2021-01-01T00:00:00.000Z',
  now,
  setVersion,
  ...extra,
});

describe('buildIocDocument', () => {
  it('builds the ECS document of a new IOC', () => {
    const { document, change } = buildIocDocument(ip, load('CERTFR-2021-IOC-003', T0, 1));
    expect(change).toBe('added');
    expect(document).toEqual({
      threat: {
        indicator: {
          type: 'ipv4-addr',
          ip: '45.83.1.2',
          name: '45.83.1.2',
          description: 'APT31 relay',
          confidence: 'High',
          marking: { tlp: 'CLEAR' },
        },
        feed: { name: ['CERTFR-2021-IOC-003'] },
      },
      iochunt: {
        id: buildIocId('ipv4-addr', '45.83.1.2'),
        value: '45.83.1.2',
        ip_range: '45.83.1.2/32',
        active: true,
        active_feeds: ['CERTFR-2021-IOC-003'],
        hunt_from: '2021-01-01T00:00:00.000Z',
        source_id: 'uuid-1',
        confidence: 80,
        added_at: T0,
        updated_at: T0,
        set_version: 1,
        feeds: [
          {
            name: 'CERTFR-2021-IOC-003',
            active: true,
            hunt_from: '2021-01-01T00:00:00.000Z',
            source_id: 'uuid-1',
            description: 'APT31 relay',
            tlp: 'CLEAR',
            confidence: 80,
            original: '45.83.1[.]2',
            added_at: T0,
            updated_at: T0,
          },
        ],
      },
    });
  });

  it('returns the stored document untouched when a reload brings nothing new', () => {
    const first = buildIocDocument(ip, load('f', T0, 1)).document;
    const again = buildIocDocument({ ...ip, location: { file: 'other.csv', line: 9 } }, load('f', T1, 2), first);
    expect(again.change).toBe('unchanged');
    expect(again.document).toBe(first);
  });

  it('merges a second feed, converging on the earliest hunt_from and strictest TLP', () => {
    const first = buildIocDocument(ip, load('a', T0, 1)).document;
    const { document, change } = buildIocDocument({ ...ip, tlp: 'AMBER', confidence: 40 }, load('b', T1, 2, { huntFrom: '2020-06-01T00:00:00.000Z' }), first);
    expect(change).toBe('updated');
    expect(document.threat.feed.name).toEqual(['a', 'b']);
    expect(document.threat.indicator.marking).toEqual({ tlp: 'AMBER' });
    expect(document.iochunt).toMatchObject({ hunt_from: '2020-06-01T00:00:00.000Z', confidence: 80, added_at: T0, updated_at: T1, set_version: 2 });
  });

  it('uses the load defaults for TLP and confidence when the entry has none', () => {
    const bare: ParsedIoc = { type: 'domain-name', value: 'evil.example', original: 'evil[.]example', location: {} };
    const { document } = buildIocDocument(bare, load('f', T0, 1, { tlp: 'GREEN', confidence: 50 }));
    expect(document.threat.indicator).toEqual({
      type: 'domain-name',
      url: { domain: 'evil.example' },
      name: 'evil.example',
      confidence: 'Medium',
      marking: { tlp: 'GREEN' },
    });
  });

  it('keeps CIDRs as ip_range and hashes under their algorithm', () => {
    const net = buildIocDocument({ type: 'ipv4-addr', value: '45.83.0.0/16', cidr: '45.83.0.0/16', original: '45.83.0.0/16', location: {} }, load('f', T0, 1)).document;
    expect(net.threat.indicator.ip).toBeUndefined();
    expect(net.iochunt).toMatchObject({ cidr: '45.83.0.0/16', ip_range: '45.83.0.0/16' });
    const hash = buildIocDocument({ type: 'file', value: 'a'.repeat(64), hashAlgorithm: 'sha256', original: 'A'.repeat(64), location: {} }, load('f', T0, 1)).document;
    expect(hash.threat.indicator.file).toEqual({ hash: { sha256: 'a'.repeat(64) } });
  });

  it('deactivates one feed, stays active through another, and reactivates on reload', () => {
    const a = buildIocDocument(ip, load('a', T0, 1)).document;
    const ab = buildIocDocument(ip, load('b', T0, 1), a).document;
    const offA = buildDeactivatedDocument(ab, 'a', { now: T1, setVersion: 2 });
    expect(offA.change).toBe('deactivated');
    expect(offA.document.iochunt).toMatchObject({ active: true, active_feeds: ['b'] });
    const offB = buildDeactivatedDocument(offA.document, 'b', { now: T1, setVersion: 2 });
    expect(offB.document.iochunt).toMatchObject({ active: false, active_feeds: [] });
    expect(offB.document.threat.feed.name).toEqual(['a', 'b']);
    expect(buildDeactivatedDocument(offB.document, 'b', { now: T2, setVersion: 3 }).change).toBe('unchanged');
    const back = buildIocDocument(ip, load('a', T2, 3), offB.document);
    expect(back.change).toBe('reactivated');
    expect(back.document.iochunt).toMatchObject({ active: true, active_feeds: ['a'], updated_at: T2, set_version: 3 });
  });

  it('does not mutate the stored document or the parsed IOC', () => {
    const stored = buildIocDocument(ip, load('a', T0, 1)).document;
    const storedCopy = structuredClone(stored);
    const ipCopy = structuredClone(ip);
    buildIocDocument({ ...ip, description: 'changed' }, load('a', T1, 2), stored);
    buildDeactivatedDocument(stored, 'a', { now: T1, setVersion: 2 });
    expect(stored).toEqual(storedCopy);
    expect(ip).toEqual(ipCopy);
  });

  it('maps 0-100 confidence to the ECS keyword scale', () => {
    expect([0, 10, 29, 30, 69, 70, 100, undefined].map(confidenceLabel)).toEqual(['None', 'Low', 'Low', 'Medium', 'Medium', 'High', 'High', undefined]);
  });
});

describe('sync --exact-domains (issue 13, item 6)', () => {
  const domain: ParsedIoc = { type: 'domain-name', value: 'evil-update.com', original: 'evil-update[.]com', location: { file: 'a.txt', line: 1 } };

  it('records the flag on the feed entry and on the document while every active feed asked for it', () => {
    const first = buildIocDocument(domain, load('partner', T0, 1, { exactDomains: true })).document;
    expect(first.iochunt.exact_domains).toBe(true);
    expect(first.iochunt.feeds[0]?.exact_domains).toBe(true);
    // A second feed lists it without the flag: its subdomains match again.
    const second = buildIocDocument(domain, load('cert', T1, 2), first);
    expect(second.change).toBe('updated');
    expect(second.document.iochunt).not.toHaveProperty('exact_domains');
    // The second feed drops it: the remaining active feed wants exact matching again.
    const dropped = buildDeactivatedDocument(second.document, 'cert', { now: T2, setVersion: 3 }).document;
    expect(dropped.iochunt.exact_domains).toBe(true);
  });

  it('reloading without the flag turns it off (a change, so incremental hunts re-hunt the IOC); reloading with it changes nothing', () => {
    const exact = buildIocDocument(domain, load('partner', T0, 1, { exactDomains: true })).document;
    expect(buildIocDocument(domain, load('partner', T1, 2, { exactDomains: true }), exact).change).toBe('unchanged');
    const again = buildIocDocument(domain, load('partner', T1, 2), exact);
    expect(again.change).toBe('updated');
    expect(again.document.iochunt).not.toHaveProperty('exact_domains');
  });

  it('is not recorded for IOCs other than domains', () => {
    const { document } = buildIocDocument(ip, load('partner', T0, 1, { exactDomains: true }));
    expect(document.iochunt).not.toHaveProperty('exact_domains');
    expect(document.iochunt.feeds[0]).not.toHaveProperty('exact_domains');
  });
});
