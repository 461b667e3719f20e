/**
 * The HTML report as a browser shows it: rendered by headless Chromium (Debian's package,
 * `/usr/bin/chromium`), it must paint (screenshot) with its TLP label visible at the top of the
 * first page, keep one bar per month in its DOM, and log nothing to the console. No engine is
 * needed; a missing Chromium is a failure, not a skip.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, type AlertRow, type ReportData } from '../../../src/core/report/build-report-data.js';
import type { StoredIoc } from '../../../src/core/report/parse-stored-ioc.js';
import { renderReportHtml } from '../../../src/core/report/render-report-html.js';
import { decodePng, type DecodedPng } from './decode-png.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** One Chromium run; it takes 1-3 s on a laptop. */
const CHROMIUM_TIMEOUT_MS = 60_000;
const BULLETIN = fileURLToPath(new URL('../../fixtures/iocs/CERTFR-2021-IOC-003-IOC.csv', import.meta.url));
const FEED = 'CERTFR-2021-IOC-003';
/** A partner's sharing group that lists one of the bulletin's IPs as TLP:AMBER: the report is AMBER. */
const PARTNER = 'partner-sharing-2021-07';
const ANSSI_BULLETIN = {
  id: FEED,
  title: 'Publication maqueurs APT31',
  url: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
  published: '2021-07-20T00:00:00.000Z',
};
/** FIRST's TLP:AMBER text colour and the black it sits on. */
const AMBER = [0xff, 0xc0, 0x00] as const;
const BLACK = [0, 0, 0] as const;

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the report screenshot test needs it. Install Debian's chromium: apt-get install -y chromium`);
  }
}

interface ChromiumRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Kills a process group we started (Chromium forks zygote, GPU and renderer processes); gone already is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs Chromium once with a fresh profile, in its own process group so that everything it
 * forked is killed when it exits, times out, or the test fails.
 */
async function runChromium(args: string[]): Promise<ChromiumRun> {
  requireChromium();
  const profile = await mkdtemp(join(tmpdir(), 'iochunt-chromium-profile-'));
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<ChromiumRun>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      timer = setTimeout(() => reject(new Error(`chromium did not finish within ${CHROMIUM_TIMEOUT_MS} ms: ${args.join(' ')}\n${stderr}`)), CHROMIUM_TIMEOUT_MS);
      child.on('error', reject);
      // Helpers it forked may hold stdout open: end them so that 'close' follows.
      child.on('exit', () => killGroup(child.pid));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  } finally {
    clearTimeout(timer);
    killGroup(child.pid);
    await rm(profile, { recursive: true, force: true });
  }
}

/** Console messages Chromium logged (`--enable-logging=stderr`): `[...:INFO:CONSOLE(1)] "msg", source: ...`. */
const consoleLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.includes('CONSOLE'));
const consoleErrors = (stderr: string): string[] => consoleLines(stderr).filter((line) => /ERROR|Uncaught/.test(line));

/** The first screen of a page, as Chromium paints it at 1200x1600. */
async function screenshot(page: string, png: string): Promise<DecodedPng> {
  const run = await runChromium(['--screenshot=' + png, '--window-size=1200,1600', '--hide-scrollbars', pathToFileURL(page).href]);
  if (run.code !== 0 || !existsSync(png)) throw new Error(`chromium wrote no screenshot of ${page}:\n${run.stderr}`);
  return decodePng(await readFile(png));
}

interface Region {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The pixels of a colour (each channel within 24 of it: anti-aliased glyph edges are not
 * counted, their cores are) in a region, and the topmost row holding one.
 */
function pixelsOf(png: DecodedPng, colour: readonly [number, number, number], region: Region): { count: number; firstRow?: number } {
  let count = 0;
  let firstRow: number | undefined;
  for (let y = region.top; y < region.bottom; y++) {
    for (let x = region.left; x < region.right; x++) {
      const at = (y * png.width + x) * 4;
      if (colour.every((channel, i) => Math.abs(png.rgba[at + i]! - channel) <= 24)) {
        count += 1;
        firstRow ??= y;
      }
    }
  }
  return { count, ...(firstRow === undefined ? {} : { firstRow }) };
}

/** The right half of the first 160 rows: where the header's label sits. */
const TOP_RIGHT: Region = { top: 0, bottom: 160, left: 600, right: 1200 };

/** A small deterministic PRNG (mulberry32), so the report is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The IOC documents of the seen IPs as sync stores them: the bulletin's TLP:WHITE, and for the
 * first IP a partner's TLP:AMBER as well.
 */
function storedIocs(seen: readonly string[]): Map<string, StoredIoc> {
  const anssi = { name: FEED, tlp: 'TLP:CLEAR', bulletin: ANSSI_BULLETIN, addedAt: '2021-07-21T06:00:00.000Z' } as const;
  const partner = { name: PARTNER, tlp: 'TLP:AMBER', addedAt: '2021-07-23T09:00:00.000Z' } as const;
  return new Map(
    seen.map((ip, i): [string, StoredIoc] => [`ioc-${ip}`, i === 0 ? { tlp: 'TLP:AMBER', feeds: [anssi, partner] } : { tlp: 'TLP:CLEAR', feeds: [anssi] }]),
  );
}

/**
 * Findings of the ANSSI APT31 relay IPs from 2021 to 2024, as a retro-hunt of a mid-sized
 * network would write them: a dozen IPs seen, bursts in some months, whole quiet quarters,
 * plus one attacker-controlled host name and URL that must be shown as text. Marked: the
 * bulletin's IPs TLP:CLEAR, one of them TLP:AMBER by a partner, the URL unmarked; unmarked:
 * the same findings without any marking (the control of the label check).
 */
async function realisticReport(marking: 'marked' | 'unmarked' = 'marked'): Promise<ReportData> {
  const rows = parse(await readFile(BULLETIN, 'utf8'), { columns: true }) as Record<string, string>[];
  const ips = rows.map((row) => row['signature_component.value']!).filter((value) => /^\d+\.\d+\.\d+\.\d+$/.test(value));
  const next = random(20210720);
  const hosts = ['WS-FIN-042', 'WS-HR-007', 'SRV-DMZ-01', 'SRV-VPN-02', 'zeek-sensor-01', 'ws-<script>alert(1)</script>&co'];
  const users = ['j.martin', 'a.dupont', 'svc-backup', undefined];
  const alerts: AlertRow[] = [];
  const seen = ips.slice(0, 12);
  for (let month = 0; month < 48; month += 1) {
    if (month % 12 >= 6 && month % 12 <= 8) continue; // a quiet summer every year
    const count = Math.floor(next() * (month % 7 === 0 ? 40 : 12));
    for (let i = 0; i < count; i += 1) {
      const ip = seen[Math.floor(next() * seen.length)]!;
      const day = 1 + Math.floor(next() * 27);
      const timestamp = new Date(Date.UTC(2021 + Math.floor(month / 12), month % 12, day, Math.floor(next() * 24), Math.floor(next() * 60))).toISOString();
      const host = hosts[Math.floor(next() * hosts.length)]!;
      const user = users[Math.floor(next() * users.length)];
      alerts.push({
        timestamp,
        iocId: `ioc-${ip}`,
        iocValue: ip,
        iocType: 'ipv4-addr',
        feeds: ip === seen[0] ? [FEED, PARTNER] : [FEED],
        ...(marking === 'marked' ? { tlp: ip === seen[0] ? 'TLP:AMBER' : 'TLP:CLEAR' } : {}),
        matchedField: 'destination.ip',
        atomic: ip,
        host,
        ...(user ? { user } : {}),
        sourceIp: `10.20.${30 + Math.floor(next() * 4)}.${1 + Math.floor(next() * 250)}`,
        destinationIp: ip,
        eventIndex: `.ds-logs-zeek.connection-default-${timestamp.slice(0, 7).replace('-', '.')}.01-000001`,
        eventId: `C${Math.floor(next() * 1e12).toString(36)}`,
        action: 'connection',
      });
    }
  }
  alerts.push({
    timestamp: '2023-02-14T11:12:13.000Z',
    iocId: 'ioc-url',
    iocValue: 'http://relay.example/dl?a=1&b=<script>alert(2)</script>',
    iocType: 'url',
    feeds: [FEED],
    matchedField: 'url.full',
    atomic: 'http://relay.example/dl?a=1&b=<script>alert(2)</script>',
    host: 'WS-FIN-042',
    user: 'j.martin',
    eventIndex: 'logs-squid.access-2023.02',
    eventId: 'sq-20230214-111213-0007',
    url: 'http://relay.example/dl?a=1&b=<script>alert(2)</script>',
  });
  return buildReportData({
    scope: {
      feeds: [FEED],
      indices: ['logs-*', 'filebeat-*', 'packetbeat-*', 'winlogbeat-*'],
      since: '2021-01-01T00:00:00.000Z',
      until: '2024-12-31T23:59:59.000Z',
      runId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
      generatedAt: '2025-01-06T08:00:00.000Z',
    },
    alerts,
    storedIocs: marking === 'marked' ? storedIocs(seen) : new Map(),
  });
}

describe('the HTML report in headless Chromium', () => {
  let dir: string;
  let page: string;
  let report: ReportData;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iochunt-report-'));
    report = await realisticReport();
    page = join(dir, 'report.html');
    await writeFile(page, renderReportHtml(report), 'utf8');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders a 48-month report with findings (the fixture itself)', () => {
    expect(report.timeline).toHaveLength(48);
    expect(report.timeline.some((m) => m.hits === 0)).toBe(true);
    expect(report.totals.findings).toBeGreaterThan(100);
  });

  it('paints a non-empty 1200x1600 screenshot', async () => {
    const png = join(dir, 'report.png');
    const run = await runChromium(['--screenshot=' + png, '--window-size=1200,1600', '--hide-scrollbars', pathToFileURL(page).href]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(png), `no screenshot written:\n${run.stderr}`).toBe(true);
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(5 * 1024);
    // IHDR: width and height, big-endian, at bytes 16-23.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 1600]);
    // Keep it for a look (CI artifact, or a developer): IOCHUNT_REPORT_SCREENSHOT=/tmp/report.png
    if (process.env.IOCHUNT_REPORT_SCREENSHOT) await copyFile(png, process.env.IOCHUNT_REPORT_SCREENSHOT);
  });

  it('shows the TLP label at the top of the first page: TLP:AMBER text on a black box', async () => {
    expect(report.tlp.label).toBe('TLP:AMBER');
    const png = await screenshot(page, join(dir, 'label.png'));
    const amber = pixelsOf(png, AMBER, TOP_RIGHT);
    const black = pixelsOf(png, BLACK, TOP_RIGHT);
    // The 12 pt label paints a few hundred amber glyph pixels on a box of about 120x30 black ones.
    expect(amber.count).toBeGreaterThan(50);
    expect(black.count).toBeGreaterThan(1000);
    expect(amber.firstRow).toBeLessThan(100);
    expect(black.firstRow!).toBeLessThan(amber.firstRow!);
  });

  it('would see no label on the same report without markings (the check above can fail)', async () => {
    const unmarked = join(dir, 'unmarked.html');
    await writeFile(unmarked, renderReportHtml(await realisticReport('unmarked')), 'utf8');
    const png = await screenshot(unmarked, join(dir, 'unmarked.png'));
    expect(pixelsOf(png, AMBER, TOP_RIGHT).count).toBe(0);
    expect(pixelsOf(png, BLACK, TOP_RIGHT).count).toBeLessThan(50);
  });

  it('keeps one bar per month in the DOM the browser built, and no script element', async () => {
    const run = await runChromium(['--dump-dom', pathToFileURL(page).href]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('<h1>IOC retro-hunt report: CERTFR-2021-IOC-003</h1>');
    expect(run.stdout).toContain('<p class="tlp tlp-amber">TLP:AMBER</p>\n</header>');
    expect(run.stdout.split('rect class="bar"').length - 1).toBe(report.timeline.length);
    expect(run.stdout).not.toMatch(/<script/i);
    expect(run.stdout).toContain('ws-&lt;script&gt;alert(1)&lt;/script&gt;&amp;co');
  });

  it('logs no console message (the page has no script; a CSP violation or load error would show here)', async () => {
    const run = await runChromium(['--enable-logging=stderr', '--v=0', '--dump-dom', pathToFileURL(page).href]);
    expect(run.code, run.stderr).toBe(0);
    expect(consoleErrors(run.stderr)).toEqual([]);
    expect(consoleLines(run.stderr)).toEqual([]);
  });

  it('would see a script error on the console (the check above can fail)', async () => {
    const broken = join(dir, 'broken.html');
    await writeFile(broken, '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body><script>notDefined();</script></body></html>');
    const run = await runChromium(['--enable-logging=stderr', '--v=0', '--dump-dom', pathToFileURL(broken).href]);
    expect(consoleErrors(run.stderr).join('\n')).toContain('Uncaught ReferenceError: notDefined is not defined');
  });
});
