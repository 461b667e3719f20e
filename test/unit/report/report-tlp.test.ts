import { describe, expect, it } from 'vitest';
import { buildReportData, type AlertRow, type ReportScope } from '../../../src/core/report/build-report-data.js';
import { parseStoredIoc, type StoredIoc } from '../../../src/core/report/parse-stored-ioc.js';
import { parseTlpLabel, strictestTlp, type TlpLabel } from '../../../src/core/report/tlp-label.js';
import { storedDocument, type FeedLoadFixture } from './report-fixtures.js';

const SCOPE: ReportScope = {
  feeds: [],
  indices: [],
  since: '2021-01-01T00:00:00.000Z',
  until: '2021-03-31T00:00:00.000Z',
  generatedAt: '2021-04-01T08:00:00.000Z',
};

/** `count` findings of one IOC in January 2021, on host `<value>-host-<i>`, with the marking the hunt copied (if any). */
function findings(value: string, feed: string, count: number, tlp?: TlpLabel): AlertRow[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: `2021-01-${String(10 + i).padStart(2, '0')}T12:00:00.000Z`,
    iocId: `id-${value}`,
    iocValue: value,
    iocType: 'ipv4-addr',
    feeds: [feed],
    matchedField: 'destination.ip',
    atomic: value,
    host: `${value}-host-${i}`,
    eventIndex: 'logs-2021',
    eventId: `${value}-${i}`,
    ...(tlp ? { tlp } : {}),
  }));
}

/** The stored IOC sync writes for `value` after these loads, read back as a report reads it. */
function stored(value: string, loads: FeedLoadFixture[]): [string, StoredIoc] {
  const id = `id-${value}`;
  return [id, parseStoredIoc(storedDocument(id, { type: 'ipv4-addr', value }, loads) as unknown as Record<string, unknown>)];
}

const NOW = '2021-01-05T00:00:00.000Z';

describe('parseTlpLabel', () => {
  it.each([
    ['white', 'TLP:CLEAR'],
    ['TLP:WHITE', 'TLP:CLEAR'],
    ['clear', 'TLP:CLEAR'],
    ['Green', 'TLP:GREEN'],
    ['tlp:amber', 'TLP:AMBER'],
    ['amber+strict', 'TLP:AMBER+STRICT'],
    ['TLP:AMBER+STRICT', 'TLP:AMBER+STRICT'],
    ['RED', 'TLP:RED'],
  ])('reads %s as %s (TLP 1.0 WHITE is TLP 2.0 CLEAR)', (raw, label) => {
    expect(parseTlpLabel(raw)).toBe(label);
  });

  it.each([['purple'], [''], ['TLP:'], ['amber strict'], [undefined]])('refuses %j: not a TLP level', (raw) => {
    expect(parseTlpLabel(raw)).toBeUndefined();
  });
});

describe('strictestTlp', () => {
  it('picks the most restrictive label and ignores unmarked ones', () => {
    expect(strictestTlp(['TLP:CLEAR', undefined, 'TLP:AMBER', 'TLP:GREEN'])).toBe('TLP:AMBER');
    expect(strictestTlp(['TLP:AMBER+STRICT', 'TLP:AMBER'])).toBe('TLP:AMBER+STRICT');
    expect(strictestTlp(['TLP:RED', 'TLP:AMBER+STRICT'])).toBe('TLP:RED');
    expect(strictestTlp([undefined])).toBeUndefined();
    expect(strictestTlp([])).toBeUndefined();
  });
});

describe('the TLP of a report and of each IOC', () => {
  it('labels a report over a WHITE bulletin, a GREEN MISP event and unmarked IOCs TLP:GREEN', () => {
    const storedIocs = new Map([
      stored('198.51.100.1', [{ feed: 'anssi', tlp: 'WHITE', now: NOW }]),
      stored('198.51.100.2', [{ feed: 'misp', tlp: 'GREEN', now: NOW }]),
      stored('198.51.100.3', [{ feed: 'list', now: NOW }]),
    ]);
    const alerts = [...findings('198.51.100.1', 'anssi', 2), ...findings('198.51.100.2', 'misp', 1), ...findings('198.51.100.3', 'list', 1)];
    const report = buildReportData({ scope: SCOPE, alerts, storedIocs });
    expect(report.tlp).toEqual({ label: 'TLP:GREEN', leftOut: { iocs: 0, findings: 0 }, unmarked: 1 });
    expect(report.iocs.map((ioc) => [ioc.value, ioc.tlp])).toEqual([
      ['198.51.100.1', 'TLP:CLEAR'],
      ['198.51.100.2', 'TLP:GREEN'],
      ['198.51.100.3', null],
    ]);
  });

  it("gives an IOC its feed's sync --tlp when the source left it unmarked", () => {
    const storedIocs = new Map([stored('198.51.100.4', [{ feed: 'partner', defaultTlp: 'AMBER', now: NOW }])]);
    const report = buildReportData({ scope: SCOPE, alerts: findings('198.51.100.4', 'partner', 1), storedIocs });
    expect(report.iocs[0]!.tlp).toBe('TLP:AMBER');
    expect(report.tlp.label).toBe('TLP:AMBER');
  });

  it('keeps the strictest of the IOC document now and of the copies its findings took', () => {
    const storedIocs = new Map([
      stored('198.51.100.5', [{ feed: 'a', tlp: 'GREEN', now: NOW }]),
      stored('198.51.100.6', [{ feed: 'b', tlp: 'RED', now: NOW }]),
    ]);
    const alerts = [
      ...findings('198.51.100.5', 'a', 1, 'TLP:AMBER'), // lowered to GREEN since the hunt: still AMBER
      ...findings('198.51.100.6', 'b', 1, 'TLP:GREEN'), // raised to RED since the hunt: RED
    ];
    const report = buildReportData({ scope: SCOPE, alerts, storedIocs });
    expect(report.iocs.map((ioc) => [ioc.value, ioc.tlp])).toEqual([
      ['198.51.100.5', 'TLP:AMBER'],
      ['198.51.100.6', 'TLP:RED'],
    ]);
    expect(report.tlp.label).toBe('TLP:RED');
  });

  it('marks an IOC listed by two feeds with the stricter of their markings', () => {
    const storedIocs = new Map([stored('198.51.100.7', [{ feed: 'a', tlp: 'CLEAR', now: NOW }, { feed: 'b', tlp: 'AMBER+STRICT', now: NOW }])]);
    expect(buildReportData({ scope: SCOPE, alerts: findings('198.51.100.7', 'a', 1), storedIocs }).iocs[0]!.tlp).toBe('TLP:AMBER+STRICT');
  });

  it('reads the findings\' copies when the IOC document is gone', () => {
    const report = buildReportData({ scope: SCOPE, alerts: findings('198.51.100.8', 'a', 2, 'TLP:AMBER') });
    expect(report.iocs[0]!.tlp).toBe('TLP:AMBER');
  });

  it('has no label when no IOC is marked', () => {
    const report = buildReportData({ scope: SCOPE, alerts: findings('198.51.100.9', 'list', 2) });
    expect(report.tlp).toEqual({ label: null, leftOut: { iocs: 0, findings: 0 }, unmarked: 1 });
  });
});

describe('--tlp-max', () => {
  const storedIocs = new Map([
    stored('203.0.113.1', [{ feed: 'anssi', tlp: 'WHITE', now: NOW }]),
    stored('203.0.113.2', [{ feed: 'misp', tlp: 'GREEN', now: NOW }]),
    stored('203.0.113.3', [{ feed: 'partner', tlp: 'AMBER', now: NOW }]),
    stored('203.0.113.4', [{ feed: 'partner', tlp: 'RED', now: NOW }]),
    stored('203.0.113.5', [{ feed: 'list', now: NOW }]),
  ]);
  const alerts = [
    ...findings('203.0.113.1', 'anssi', 3),
    ...findings('203.0.113.2', 'misp', 1),
    ...findings('203.0.113.3', 'partner', 2),
    ...findings('203.0.113.4', 'partner', 4),
    ...findings('203.0.113.5', 'list', 1),
  ];

  it('leaves out the IOCs above the cap and their findings, and says how many', () => {
    const report = buildReportData({ scope: SCOPE, alerts, storedIocs, tlpMax: 'TLP:GREEN' });
    expect(report.tlp).toEqual({ label: 'TLP:GREEN', max: 'TLP:GREEN', leftOut: { iocs: 2, findings: 6 }, unmarked: 1 });
    expect(report.iocs.map((ioc) => ioc.value)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.5']);
    expect(report.totals).toEqual({ findings: 5, iocsHit: 3, hosts: 5, users: 0 });
    expect(report.timeline).toEqual([
      { month: '2021-01', hits: 5 },
      { month: '2021-02', hits: 0 },
      { month: '2021-03', hits: 0 },
    ]);
    expect(report.sources.map((source) => source.feed)).toEqual(['anssi', 'list', 'misp']);
  });

  it('never lowers the label: a cap above the data keeps the data\'s label', () => {
    const green = alerts.filter((a) => a.iocValue <= '203.0.113.2');
    expect(buildReportData({ scope: SCOPE, alerts: green, storedIocs, tlpMax: 'TLP:RED' }).tlp.label).toBe('TLP:GREEN');
  });

  it('keeps AMBER under an AMBER cap and leaves AMBER+STRICT out', () => {
    const strict = new Map([...storedIocs, stored('203.0.113.6', [{ feed: 'partner', tlp: 'AMBER+STRICT', now: NOW }])]);
    const report = buildReportData({ scope: SCOPE, alerts: [...alerts, ...findings('203.0.113.6', 'partner', 1)], storedIocs: strict, tlpMax: 'TLP:AMBER' });
    expect(report.iocs.map((ioc) => ioc.tlp)).toEqual(['TLP:CLEAR', 'TLP:AMBER', 'TLP:GREEN', null]);
    expect(report.tlp).toMatchObject({ label: 'TLP:AMBER', leftOut: { iocs: 2, findings: 5 } });
  });

  it('with a cap below every marked IOC, keeps only the unmarked ones and has no label', () => {
    const marked = alerts.filter((a) => a.iocValue >= '203.0.113.3');
    const report = buildReportData({ scope: SCOPE, alerts: marked, storedIocs, tlpMax: 'TLP:CLEAR' });
    expect(report.iocs.map((ioc) => ioc.value)).toEqual(['203.0.113.5']);
    expect(report.tlp).toEqual({ label: null, max: 'TLP:CLEAR', leftOut: { iocs: 2, findings: 6 }, unmarked: 1 });
  });
});
