import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildAlert } from '../../../src/core/hunt/build-alert.js';
import { buildAlertRow } from '../../../src/core/report/build-alert-row.js';
import { buildReportData, type AlertRow, type ReportData, type ReportScope } from '../../../src/core/report/build-report-data.js';
import { renderReportCsv } from '../../../src/core/report/render-report-csv.js';
import { escapeHtml, renderReportHtml } from '../../../src/core/report/render-report-html.js';
import { renderReportJson } from '../../../src/core/report/render-report-json.js';
import { SURICATA_HTTP, ZEEK_CONN, deepFreeze, makeIoc } from '../hunt/hunt-fixtures.js';
import { ANSSI, ANSSI_BULLETIN, ANSSI_LOADED, EVIL_URL, IOC_A, IOC_B, IOC_C, MISP, MISP_BULLETIN, MISP_LOADED, storedIocs } from './report-fixtures.js';

const GENERATED_AT = '2021-08-02T09:30:00.000Z';
const ZEEK_INDEX = '.ds-logs-zeek.connection-default-2021.02.01-000003';
const PROXY_INDEX = 'logs-squid.access-2021.04';
/** A host name from a log line an attacker could write to. */
const EVIL_HOST = 'ws-<script>x</script>&co';

const SCOPE: ReportScope = {
  feeds: [ANSSI, MISP],
  indices: ['logs-*', 'filebeat-*'],
  since: '2021-01-01T00:00:00.000Z',
  until: '2021-06-15T00:00:00.000Z',
  runId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  generatedAt: GENERATED_AT,
};

const A1: AlertRow = {
  timestamp: '2021-02-03T08:15:00.000Z',
  ...IOC_A,
  feeds: [ANSSI],
  matchedField: 'destination.ip',
  atomic: '105.154.12.165',
  host: 'WS-FIN-042',
  user: 'j.martin',
  sourceIp: '10.20.31.42',
  destinationIp: '105.154.12.165',
  eventIndex: ZEEK_INDEX,
  eventId: 'CHhAvVGS1DHFjwGM9',
  action: 'connection',
  tlp: 'TLP:CLEAR',
};
const A2: AlertRow = {
  timestamp: '2021-02-20T22:41:09.500Z',
  ...IOC_A,
  feeds: [ANSSI],
  matchedField: 'destination.ip',
  atomic: '105.154.12.165',
  host: 'zeek-sensor-01',
  sourceIp: '10.20.30.40',
  destinationIp: '105.154.12.165',
  eventIndex: ZEEK_INDEX,
  eventId: 'Cw3Kd91nP0aQ7xYt2',
  tlp: 'TLP:CLEAR',
};
const A3: AlertRow = {
  timestamp: '2021-06-01T00:00:00.000Z',
  ...IOC_A,
  feeds: [ANSSI],
  matchedField: 'destination.ip',
  atomic: '105.154.12.165',
  host: 'WS-FIN-042',
  user: 'j.martin',
  sourceIp: '10.20.31.42',
  destinationIp: '105.154.12.165',
  eventIndex: '.ds-logs-zeek.connection-default-2021.06.01-000007',
  eventId: 'C8pQ1rS2tU3vW4xY5',
  action: 'connection',
  tlp: 'TLP:CLEAR',
};
const B1: AlertRow = {
  timestamp: '2021-04-11T03:02:01.000Z',
  ...IOC_B,
  feeds: [ANSSI, MISP],
  matchedField: 'source.ip',
  atomic: '110.36.231.150',
  host: 'SRV-DMZ-01',
  user: 'svc-backup',
  sourceIp: '110.36.231.150',
  destinationIp: '10.20.40.5',
  eventIndex: 'filebeat-7.17.9-2021.04.11',
  eventId: 'k2Jx0YsBz0c7x9w1Ab2C',
  action: 'ssh_login',
  tlp: 'TLP:GREEN',
};
const C1: AlertRow = {
  timestamp: '2021-04-30T16:20:00.000Z',
  ...IOC_C,
  feeds: [MISP],
  matchedField: 'url.full',
  atomic: EVIL_URL,
  host: EVIL_HOST,
  user: 'CORP\\o"neil',
  sourceIp: '10.20.31.77',
  destinationIp: '203.0.113.80',
  eventIndex: PROXY_INDEX,
  eventId: 'sq-20210430-162000-0042',
  action: 'TCP_MISS/200',
  url: EVIL_URL,
};

/** Read back in no particular order, as a scan returns them. */
const ALERTS = [C1, A3, B1, A1, A2];

const { iocId: _a, iocValue: _av, iocType: _at, feeds: _af, tlp: _al, ...A1_SAMPLE } = A1;
const { iocId: _a2, iocValue: _av2, iocType: _at2, feeds: _af2, tlp: _al2, ...A2_SAMPLE } = A2;
const { iocId: _a3, iocValue: _av3, iocType: _at3, feeds: _af3, tlp: _al3, ...A3_SAMPLE } = A3;
const { iocId: _b, iocValue: _bv, iocType: _bt, feeds: _bf, tlp: _bl, ...B1_SAMPLE } = B1;
const { iocId: _c, iocValue: _cv, iocType: _ct, feeds: _cf, ...C1_SAMPLE } = C1;

const STORED = storedIocs();

const EXPECTED: ReportData = {
  scope: SCOPE,
  tlp: { label: 'TLP:GREEN', leftOut: { iocs: 0, findings: 0 }, unmarked: 1 },
  sources: [
    { feed: ANSSI, iocs: 2, tlp: 'TLP:CLEAR', bulletins: [ANSSI_BULLETIN], loadedAt: ANSSI_LOADED },
    { feed: MISP, iocs: 2, tlp: 'TLP:GREEN', bulletins: [MISP_BULLETIN], loadedAt: MISP_LOADED },
  ],
  totals: { findings: 5, iocsHit: 3, hosts: 4, users: 3 },
  iocs: [
    {
      id: IOC_A.iocId,
      value: '105.154.12.165',
      type: 'ipv4-addr',
      tlp: 'TLP:CLEAR',
      feeds: [ANSSI],
      hits: 3,
      firstSeen: '2021-02-03T08:15:00.000Z',
      lastSeen: '2021-06-01T00:00:00.000Z',
      hosts: ['WS-FIN-042', 'zeek-sensor-01'],
      users: ['j.martin'],
      samples: [A1_SAMPLE, A2_SAMPLE, A3_SAMPLE],
    },
    {
      id: IOC_B.iocId,
      value: '110.36.231.150',
      type: 'ipv4-addr',
      tlp: 'TLP:GREEN',
      feeds: [ANSSI, MISP],
      hits: 1,
      firstSeen: '2021-04-11T03:02:01.000Z',
      lastSeen: '2021-04-11T03:02:01.000Z',
      hosts: ['SRV-DMZ-01'],
      users: ['svc-backup'],
      samples: [B1_SAMPLE],
    },
    {
      id: IOC_C.iocId,
      value: EVIL_URL,
      type: 'url',
      tlp: null,
      feeds: [MISP],
      hits: 1,
      firstSeen: '2021-04-30T16:20:00.000Z',
      lastSeen: '2021-04-30T16:20:00.000Z',
      hosts: [EVIL_HOST],
      users: ['CORP\\o"neil'],
      samples: [C1_SAMPLE],
    },
  ],
  timeline: [
    { month: '2021-01', hits: 0 },
    { month: '2021-02', hits: 2 },
    { month: '2021-03', hits: 0 },
    { month: '2021-04', hits: 2 },
    { month: '2021-05', hits: 0 },
    { month: '2021-06', hits: 1 },
  ],
};

/** `count` findings of IOC A, one per ~3 weeks from `start`, on alternating hosts. */
function spread(count: number, start: string): AlertRow[] {
  return Array.from({ length: count }, (_, i) => ({
    ...A1,
    timestamp: new Date(Date.parse(start) + i * 21 * 86_400_000).toISOString(),
    host: i % 2 === 0 ? 'WS-FIN-042' : 'WS-HR-007',
    eventId: `evt-${String(i).padStart(3, '0')}`,
  }));
}

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

describe('buildReportData', () => {
  it('summarises findings per IOC with totals and a monthly timeline that keeps empty months', () => {
    expect(buildReportData({ scope: SCOPE, alerts: ALERTS, storedIocs: STORED })).toEqual(EXPECTED);
  });

  it('does not depend on the order the alerts were read in', () => {
    const reversed = buildReportData({ scope: SCOPE, alerts: [...ALERTS].reverse(), storedIocs: STORED });
    expect(reversed).toEqual(EXPECTED);
  });

  it('keeps the first five findings of an IOC as samples, earliest first, and counts them all', () => {
    const rows = spread(7, '2021-01-04T10:00:00.000Z');
    const report = buildReportData({ scope: SCOPE, alerts: [...rows].reverse(), storedIocs: STORED });
    expect(report.iocs).toHaveLength(1);
    const [ioc] = report.iocs;
    expect(ioc!.hits).toBe(7);
    expect(ioc!.firstSeen).toBe('2021-01-04T10:00:00.000Z');
    expect(ioc!.lastSeen).toBe('2021-05-10T10:00:00.000Z');
    expect(ioc!.hosts).toEqual(['WS-FIN-042', 'WS-HR-007']);
    expect(ioc!.samples.map((s) => s.eventId)).toEqual(['evt-000', 'evt-001', 'evt-002', 'evt-003', 'evt-004']);
    expect(report.timeline).toEqual([
      { month: '2021-01', hits: 2 },
      { month: '2021-02', hits: 1 },
      { month: '2021-03', hits: 2 },
      { month: '2021-04', hits: 1 },
      { month: '2021-05', hits: 1 },
      { month: '2021-06', hits: 0 },
    ]);
  });

  it('runs the timeline across year ends, month by month', () => {
    const scope = { ...SCOPE, since: '2020-11-15T00:00:00.000Z', until: '2021-02-01T00:00:00.000Z' };
    expect(buildReportData({ scope, alerts: [], storedIocs: STORED }).timeline.map((m) => m.month)).toEqual(['2020-11', '2020-12', '2021-01', '2021-02']);
  });

  it('widens the timeline to findings outside the period, so it adds up to the findings', () => {
    const scope = { ...SCOPE, since: '2021-03-01T00:00:00.000Z', until: '2021-04-30T00:00:00.000Z' };
    const report = buildReportData({ scope, alerts: ALERTS, storedIocs: STORED });
    expect(report.timeline.map((m) => m.month)).toEqual(['2021-02', '2021-03', '2021-04', '2021-05', '2021-06']);
    expect(report.timeline.reduce((n, m) => n + m.hits, 0)).toBe(report.totals.findings);
  });

  it('reports no findings as zero totals over every month of the period', () => {
    expect(buildReportData({ scope: SCOPE, alerts: [], storedIocs: STORED })).toEqual({
      scope: SCOPE,
      tlp: { label: null, leftOut: { iocs: 0, findings: 0 }, unmarked: 0 },
      sources: [],
      totals: { findings: 0, iocsHit: 0, hosts: 0, users: 0 },
      iocs: [],
      timeline: ['01', '02', '03', '04', '05', '06'].map((m) => ({ month: `2021-${m}`, hits: 0 })),
    });
  });

  it('does not modify its inputs and shares no objects with them', () => {
    const scope = deepFreeze(structuredClone(SCOPE));
    const alerts = deepFreeze(structuredClone(ALERTS));
    const stored = deepFreeze(storedIocs());
    const report = buildReportData({ scope, alerts, storedIocs: stored, tlpMax: 'TLP:RED' });
    expect(report).toEqual({ ...EXPECTED, tlp: { ...EXPECTED.tlp, max: 'TLP:RED' } });
    expect(report.scope).not.toBe(scope);
    expect(report.scope.feeds).not.toBe(scope.feeds);
    expect(report.iocs[0]!.samples[0]).not.toBe(alerts.find((a) => a.eventId === A1.eventId));
    expect(report.sources[0]!.bulletins[0]).not.toBe(stored.get(IOC_A.iocId)!.feeds[0]!.bulletin);
  });
});

describe('buildAlertRow', () => {
  const ip = makeIoc('45.83.1.2');

  it('flattens an alert written by the retro-hunt', () => {
    const alert = buildAlert({
      event: { index: 'logs-zeek.connection-2022.03.14', id: 'CHhAvVGS1DHFjwGM9', source: ZEEK_CONN },
      match: { ioc: ip, field: 'destination.ip', atomic: '45.83.1.2' },
      runId: 'run-1',
      matchedType: 'iochunt_retro_hunt',
      now: '2024-05-03T10:15:00.000Z',
      iocIndex: 'iochunt-iocs',
    });
    expect(buildAlertRow(alert.document)).toEqual({
      timestamp: '2022-03-14T09:26:53.123Z',
      iocId: ip.id,
      iocValue: '45.83.1.2',
      iocType: 'ipv4-addr',
      feeds: [ANSSI],
      matchedField: 'destination.ip',
      atomic: '45.83.1.2',
      host: 'zeek-sensor-01',
      sourceIp: '10.20.30.40',
      destinationIp: '45.83.1.2',
      eventIndex: 'logs-zeek.connection-2022.03.14',
      eventId: 'CHhAvVGS1DHFjwGM9',
    });
  });

  it('reads the action and the full URL of an event shipped with dotted keys', () => {
    const alert = buildAlert({
      event: { index: 'logs-suricata-2023.11.02', id: 'd3Jq0YsBz0c7x9w1Ab2C', source: SURICATA_HTTP },
      match: { ioc: ip, field: 'source.ip', atomic: '::ffff:45.83.1.2' },
      runId: 'run-1',
      matchedType: 'iochunt_retro_hunt',
      now: '2024-05-03T10:15:00.000Z',
      iocIndex: 'iochunt-iocs',
    });
    const row = buildAlertRow(alert.document);
    expect(row).toMatchObject({ timestamp: '2023-11-02T17:45:10.000Z', action: 'http_request', url: 'HTTP://Malware.EXAMPLE/payload.bin', sourceIp: '::ffff:45.83.1.2' });
    expect(row).not.toHaveProperty('host');
  });

  it("reads the IOC's marking the finding copied, as a TLP 2.0 label", () => {
    const marked = makeIoc('45.83.1.2', { tlp: 'WHITE' });
    const alert = buildAlert({
      event: { index: 'logs-zeek.connection-2022.03.14', id: 'CHhAvVGS1DHFjwGM9', source: ZEEK_CONN },
      match: { ioc: marked, field: 'destination.ip', atomic: '45.83.1.2' },
      runId: 'run-1',
      matchedType: 'iochunt_retro_hunt',
      now: '2024-05-03T10:15:00.000Z',
      iocIndex: 'iochunt-iocs',
    });
    expect(buildAlertRow(alert.document)?.tlp).toBe('TLP:CLEAR');
  });

  it('skips documents that are not iochunt alerts', () => {
    expect(buildAlertRow({ '@timestamp': '2021-01-01T00:00:00Z', message: 'hello' })).toBeUndefined();
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(EXPECTED);

  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('escapes every value from the cluster', () => {
    expect(html).toContain('<code>http://evil.example/dl?a=1&amp;b=&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    expect(html).toContain('ws-&lt;script&gt;x&lt;/script&gt;&amp;co');
    expect(html).toContain('CORP\\o&quot;neil');
    expect(html).not.toContain('<script>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('titles the report with its feeds and period and lists scope and totals', () => {
    expect(html).toContain(`<title>IOC retro-hunt report: ${ANSSI}, ${MISP}, 2021-01-01 to 2021-06-15</title>`);
    expect(html).toContain('<tr><th>Hunt run</th><td>6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f</td></tr>');
    expect(html).toContain('<tr><th>Indices</th><td>logs-*, filebeat-*</td></tr>');
    expect(html).toContain('<div class="total"><span class="n">5</span><span class="label">findings</span></div>');
    expect(html).toContain('<div class="total"><span class="n">4</span><span class="label">hosts</span></div>');
    expect(html).toContain(
      `<tr><td><code>105.154.12.165</code></td><td class="nowrap">ipv4-addr</td><td class="nowrap"><span class="tlp tlp-clear small">TLP:CLEAR</span></td><td>${ANSSI}</td><td class="num">3</td><td class="nowrap">2021-02-03 08:15:00 UTC</td><td class="nowrap">2021-06-01 00:00:00 UTC</td><td>WS-FIN-042, zeek-sensor-01</td><td>j.martin</td></tr>`,
    );
  });

  it('draws one bar per month, empty months as zero-height bars with a tooltip', () => {
    expect(occurrences(html, '<rect class="bar"')).toBe(6);
    expect(occurrences(html, '<rect')).toBe(6);
    for (const { month, hits } of EXPECTED.timeline) expect(html).toContain(`<title>${month}: ${hits}</title>`);
    expect(html).toMatch(/<rect class="bar" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="0"><title>2021-01: 0<\/title><\/rect>/);
    const heights = [...html.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1]).toBeGreaterThan(heights[5]!);
    expect(heights[1]).toBe(heights[3]);
    expect(heights[5]! * 2).toBeCloseTo(heights[1]!, 1);
  });

  it('labels every year of a multi-year timeline', () => {
    const scope = { ...SCOPE, since: '2020-12-15T00:00:00.000Z', until: '2025-03-01T00:00:00.000Z' };
    const long = renderReportHtml(buildReportData({ scope, alerts: spread(40, '2021-01-04T10:00:00.000Z'), storedIocs: STORED }));
    expect(occurrences(long, '<rect class="bar"')).toBe(52);
    for (const year of ['2021', '2022', '2023', '2024', '2025']) expect(long).toMatch(new RegExp(`<text class="year"[^>]*>${year}</text>`));
    // One month of 2020 is too narrow for "2020": it gets "’20".
    expect(long).toMatch(/<text class="year"[^>]*>’20<\/text>/);
    expect(occurrences(long, '<text class="year"')).toBe(6);
  });

  it('shows up to five sample events per IOC', () => {
    const html7 = renderReportHtml(buildReportData({ scope: SCOPE, alerts: spread(7, '2021-01-04T10:00:00.000Z'), storedIocs: STORED }));
    expect(occurrences(html7, 'evt-00')).toBe(5);
    expect(html7).toContain('(first 5 of 7)');
  });

  it('says so when there are no findings', () => {
    const empty = renderReportHtml(buildReportData({ scope: { ...SCOPE, runId: undefined, feeds: [] }, alerts: [] }));
    expect(empty).toContain('<title>IOC retro-hunt report: all feeds, 2021-01-01 to 2021-06-15</title>');
    expect(occurrences(empty, '<p class="empty">No findings in this scope.</p>')).toBe(2);
    expect(occurrences(empty, '<rect class="bar"')).toBe(6);
    expect(empty).not.toContain('Hunt run');
  });
});

describe('the TLP marking and the sources in the HTML report', () => {
  const html = renderReportHtml(EXPECTED);

  it('shows the label at the top right and in the footer, in the standard colours on black', () => {
    expect(html).toContain('<header class="top">');
    expect(html).toMatch(/<\/div>\n<p class="tlp tlp-green">TLP:GREEN<\/p>\n<\/header>/);
    expect(html).toMatch(/<footer><span>Generated by iochunt[^<]*<\/span><p class="tlp tlp-green">TLP:GREEN<\/p><\/footer>/);
    expect(html).toContain('.tlp-green { color: #33FF00; }');
    expect(html).toContain('.tlp-amber { color: #FFC000; }');
    expect(html).toContain('.tlp-red { color: #FF2B2B; }');
    expect(html).toContain('.tlp-clear { color: #FFFFFF; }');
    expect(html).toMatch(/\.tlp \{[^}]*background: #000;[^}]*print-color-adjust: exact;/);
  });

  it('puts the label in the header and footer of every printed page', () => {
    const box = 'content: "TLP:GREEN"; color: #33FF00; background: #000;';
    expect(html).toMatch(new RegExp(`@page \\{[^@]*@top-right \\{ ${box}[^}]*\\} @bottom-right \\{ ${box}[^}]*\\} \\}`));
  });

  it('explains the label and counts the unmarked IOCs in the scope', () => {
    expect(html).toContain(
      '<tr><th>TLP</th><td>TLP:GREEN: the most restrictive TLP of the IOCs in this report. 1 IOC without a marking: check its source before sharing.</td></tr>',
    );
  });

  it('gives each IOC its own label in the tables, and "unmarked" to the one without', () => {
    expect(occurrences(html, '<span class="tlp tlp-clear small">TLP:CLEAR</span>')).toBe(3); // A's row and samples, ANSSI's source row
    expect(html).toContain(`<tr><td><code>http://evil.example/dl?a=1&amp;b=&lt;script&gt;alert(1)&lt;/script&gt;</code></td><td class="nowrap">url</td><td class="nowrap"><span class="tlp-none">unmarked</span></td>`);
  });

  it('lists per feed its bulletins with reference and dates, the URL as text and not a link', () => {
    expect(html).toContain(
      `<tr><td>${ANSSI}</td><td class="nowrap"><span class="tlp tlp-clear small">TLP:CLEAR</span></td><td class="num">2</td><td><div class="bulletin"><strong>Publication maqueurs APT31</strong> <code>CERTFR-2021-IOC-003</code><br><code>https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/</code><br><span class="dates">published 2021-07-20</span></div></td><td class="nowrap">2021-07-21</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>${MISP}</td><td class="nowrap"><span class="tlp tlp-green small">TLP:GREEN</span></td><td class="num">2</td><td><div class="bulletin"><strong>${MISP}</strong> <code>5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47</code><br><span class="dates">published 2021-04-28, updated 2021-04-29</span></div></td><td class="nowrap">2021-05-03</td></tr>`,
    );
    expect(html).not.toMatch(/\bhref\s*=/i);
  });

  it('says when --tlp-max left IOCs out, and how many', () => {
    const green = renderReportHtml(buildReportData({ scope: SCOPE, alerts: ALERTS, storedIocs: STORED, tlpMax: 'TLP:CLEAR' }));
    expect(green).toContain('<tr><th>TLP</th><td>TLP:CLEAR: the most restrictive TLP of the IOCs in this report. 1 IOC above TLP:CLEAR (1 finding) left out. 1 IOC without a marking: check its source before sharing.</td></tr>');
    expect(green).not.toContain(IOC_B.iocValue);
  });

  it('has no label, and no page label, when no IOC is marked', () => {
    const unmarked = renderReportHtml(buildReportData({ scope: SCOPE, alerts: [C1] }));
    expect(unmarked).toContain('<p class="tlp-none">No TLP marking</p>\n</header>');
    expect(unmarked).toContain('<tr><th>TLP</th><td>None of the IOCs in this report carries a TLP marking.</td></tr>');
    expect(unmarked).toContain('@page { margin: 16mm 14mm; }');
    expect(unmarked).not.toMatch(/@top-right|class="tlp tlp-/);
  });
});

describe('renderReportCsv', () => {
  it('starts with the TLP line, then one quoted RFC 4180 row per IOC with its own TLP', () => {
    expect(renderReportCsv(EXPECTED)).toBe(
      [
        '# TLP:GREEN (1 IOC without a marking)',
        '"value","type","tlp","feeds","hits","first_seen","last_seen","hosts","users"',
        `"105.154.12.165","ipv4-addr","TLP:CLEAR","${ANSSI}","3","2021-02-03T08:15:00.000Z","2021-06-01T00:00:00.000Z","WS-FIN-042; zeek-sensor-01","j.martin"`,
        `"110.36.231.150","ipv4-addr","TLP:GREEN","${ANSSI}; ${MISP}","1","2021-04-11T03:02:01.000Z","2021-04-11T03:02:01.000Z","SRV-DMZ-01","svc-backup"`,
        `"${EVIL_URL}","url","unmarked","${MISP}","1","2021-04-30T16:20:00.000Z","2021-04-30T16:20:00.000Z","${EVIL_HOST}","CORP\\o""neil"`,
        '',
      ].join('\r\n'),
    );
  });

  it('says in its first line what --tlp-max left out, or that nothing is marked', () => {
    const capped = renderReportCsv(buildReportData({ scope: SCOPE, alerts: ALERTS, storedIocs: STORED, tlpMax: 'TLP:CLEAR' }));
    expect(capped.split('\r\n')[0]).toBe('# TLP:CLEAR (1 IOC above TLP:CLEAR left out and 1 IOC without a marking)');
    expect(renderReportCsv(buildReportData({ scope: SCOPE, alerts: [C1] })).split('\r\n')[0]).toBe('# no TLP marking');
  });

  it('escapes cells a spreadsheet would run as formulas (OWASP CSV injection)', () => {
    const data = structuredClone(EXPECTED);
    data.iocs = [
      { ...data.iocs[2]!, hosts: ['=HYPERLINK("http://x/","ok")'], users: ["@SUM(1+1)*cmd|' /C calc'!A0"] },
      { ...data.iocs[2]!, value: '+1', hosts: ['-2+3', '\tTAB'], users: ['\rCR'] },
    ];
    const [, , first, second] = renderReportCsv(data).split('\r\n');
    expect(first).toBe(`"${EVIL_URL}","url","unmarked","${MISP}","1","2021-04-30T16:20:00.000Z","2021-04-30T16:20:00.000Z","'=HYPERLINK(""http://x/"",""ok"")","'@SUM(1+1)*cmd|' /C calc'!A0"`);
    expect(second).toBe(`"'+1","url","unmarked","${MISP}","1","2021-04-30T16:20:00.000Z","2021-04-30T16:20:00.000Z","'-2+3; \tTAB","'\rCR"`);
  });

  it('reads back with a CSV parser: comment skipped, every value as written but for the escape', () => {
    const data = structuredClone(EXPECTED);
    data.iocs = [{ ...data.iocs[2]!, value: '#c2.example,b', hosts: ['=HYPERLINK("http://x/","ok")', 'line\nbreak'], users: ['x#not-a-comment'] }];
    const rows = parse(renderReportCsv(data), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        value: '#c2.example,b',
        type: 'url',
        tlp: 'unmarked',
        feeds: MISP,
        hits: '1',
        first_seen: '2021-04-30T16:20:00.000Z',
        last_seen: '2021-04-30T16:20:00.000Z',
        hosts: `'=HYPERLINK("http://x/","ok"); line\nbreak`,
        users: 'x#not-a-comment',
      },
    ]);
  });
});

describe('renderReportJson', () => {
  it('is the report data, indented, ending with a newline, with its TLP and sources', () => {
    const text = renderReportJson(EXPECTED);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as ReportData;
    expect(parsed).toEqual(EXPECTED);
    expect(parsed.tlp.label).toBe('TLP:GREEN');
    expect(parsed.iocs.map((ioc) => ioc.tlp)).toEqual(['TLP:CLEAR', 'TLP:GREEN', null]);
  });
});
