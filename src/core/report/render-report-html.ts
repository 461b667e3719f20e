import type { ReportData, ReportIoc, TimelineMonth } from './build-report-data.js';
import { escapeHtml } from './escape-html.js';
import type { ReportTlp } from './build-report-tlp.js';
import { formatDate, formatTime } from './format-report-time.js';
import { renderSourcesHtml } from './render-sources-html.js';
import { renderTlpLabel, renderTlpPageRules, TLP_STYLE } from './render-tlp-html.js';

export { escapeHtml } from './escape-html.js';


const feedLabel = (feeds: readonly string[]): string => (feeds.length === 0 ? 'all feeds' : feeds.join(', '));

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6577; --line: #d9dee7; --accent: #b42318; --band: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 32px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; }
.period { color: var(--muted); margin: 0; font-size: 15px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: var(--band); font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
td.nowrap { white-space: nowrap; overflow-wrap: normal; }
table.scope { width: auto; min-width: 50%; }
table.scope th { width: 11em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.totals { display: flex; gap: 16px; flex-wrap: wrap; }
.total { border: 1px solid var(--line); border-radius: 6px; padding: 10px 18px; min-width: 140px; }
.total .n { display: block; font-size: 26px; font-weight: 700; color: var(--accent); }
.total .label { color: var(--muted); }
svg.timeline { width: 100%; height: auto; display: block; }
svg .bar { fill: var(--accent); }
svg .axis { stroke: #8a94a6; stroke-width: 1; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg text { font-size: 11px; fill: var(--muted); }
svg text.year { font-size: 12px; font-weight: 600; fill: var(--ink); }
.empty { color: var(--muted); font-style: italic; }
header.top, footer { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; align-items: center; }
.bulletin + .bulletin { margin-top: 6px; }
.dates { color: var(--muted); }
@media print { body { padding: 0; font-size: 11px; } td.nowrap { white-space: normal; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
`;

function renderTimeline(timeline: readonly TimelineMonth[]): string {
  const width = 1100;
  const height = 280;
  const left = 52;
  const right = 12;
  const top = 16;
  const bottom = 56;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const max = Math.max(0, ...timeline.map((m) => m.hits));
  const slot = timeline.length > 0 ? plotWidth / timeline.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.78);
  const round = (n: number): string => String(Math.round(n * 100) / 100);
  const baseline = top + plotHeight;
  const parts: string[] = [];

  // Grid lines and y labels: 0, and for a non-empty chart the maximum and (when distinct) its half.
  const ticks = max === 0 ? [0] : [...new Set([0, Math.round(max / 2), max])];
  for (const tick of ticks) {
    const y = baseline - (max === 0 ? 0 : (tick / max) * plotHeight);
    parts.push(`<line class="grid" x1="${left}" y1="${round(y)}" x2="${width - right}" y2="${round(y)}"/>`);
    parts.push(`<text x="${left - 6}" y="${round(y + 4)}" text-anchor="end">${tick}</text>`);
  }

  const labelEveryMonth = timeline.length <= 24;
  const labelQuarters = !labelEveryMonth && timeline.length <= 72;
  timeline.forEach((entry, i) => {
    const barHeight = max === 0 ? 0 : (entry.hits / max) * plotHeight;
    const x = left + i * slot + (slot - barWidth) / 2;
    const center = left + i * slot + slot / 2;
    const label = `${entry.month}: ${entry.hits}`;
    parts.push(
      `<rect class="bar" x="${round(x)}" y="${round(baseline - barHeight)}" width="${round(barWidth)}" height="${round(barHeight)}"><title>${escapeHtml(label)}</title></rect>`,
    );
    const monthIndex = Number(entry.month.slice(5, 7)) - 1;
    if (labelEveryMonth || (labelQuarters && monthIndex % 3 === 0)) {
      parts.push(`<text x="${round(center)}" y="${baseline + 15}" text-anchor="middle">${MONTH_NAMES[monthIndex] ?? ''}</text>`);
    }
  });
  // Years: a tick where each starts and its label centred under its months, shortened to ’YY when they are too narrow
  // for four digits (and left out below 14 px: only a one-month year on a timeline of more than six years).
  timeline.forEach((entry, i) => {
    if (i > 0 && !entry.month.endsWith('-01')) return;
    const year = entry.month.slice(0, 4);
    const months = timeline.slice(i).findIndex((m, k) => k > 0 && m.month.endsWith('-01'));
    const span = (months === -1 ? timeline.length - i : months) * slot;
    const x = left + i * slot;
    parts.push(`<line class="axis" x1="${round(x)}" y1="${baseline}" x2="${round(x)}" y2="${baseline + 36}"/>`);
    const text = span >= 32 ? year : span >= 14 ? `’${year.slice(2)}` : '';
    if (text !== '') parts.push(`<text class="year" x="${round(x + span / 2)}" y="${baseline + 34}" text-anchor="middle">${escapeHtml(text)}</text>`);
  });
  parts.push(`<line class="axis" x1="${left}" y1="${baseline}" x2="${width - right}" y2="${baseline}"/>`);

  const title = timeline.length > 0 ? `Hits per month, ${timeline[0]!.month} to ${timeline[timeline.length - 1]!.month}` : 'Hits per month';
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`,
    ...parts,
    '</svg>',
  ].join('\n');
}

const cell = (text: string | undefined, className?: string): string =>
  `<td${className ? ` class="${className}"` : ''}>${text === undefined || text === '' ? '' : escapeHtml(text)}</td>`;

const list = (values: readonly string[]): string => values.join(', ');

function renderSamples(ioc: ReportIoc): string {
  const rows = ioc.samples.map((s) =>
    [
      '<tr>',
      cell(formatTime(s.timestamp), 'nowrap'),
      cell(s.host),
      cell(s.user),
      cell(s.sourceIp, 'mono'),
      cell(s.destinationIp, 'mono'),
      `<td><code>${escapeHtml(s.matchedField)}</code> = <code>${escapeHtml(s.atomic)}</code></td>`,
      cell(s.action),
      cell(s.url, 'mono'),
      `<td class="mono">${escapeHtml(s.eventIndex)}<br>${escapeHtml(s.eventId)}</td>`,
      '</tr>',
    ].join(''),
  );
  const more = ioc.hits > ioc.samples.length ? ` (first ${ioc.samples.length} of ${ioc.hits})` : '';
  return [
    `<h3><code>${escapeHtml(ioc.value)}</code> ${renderTlpLabel(ioc.tlp, 'small')} <span class="period">${escapeHtml(ioc.type)}${escapeHtml(more)}</span></h3>`,
    '<table class="samples"><thead><tr><th>Time</th><th>Host</th><th>User</th><th>Source</th><th>Destination</th><th>Matched</th><th>Action</th><th>URL</th><th>Event</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

const iocCount = (n: number): string => `${n} IOC${n === 1 ? '' : 's'}`;

/** What `--tlp-max` did, when it was given. */
function tlpMaxSentence(tlp: ReportTlp): string[] {
  if (tlp.max === undefined) return [];
  if (tlp.leftOut.iocs === 0) return [`Limited to ${tlp.max}: no IOC above it was found.`];
  const findings = `${tlp.leftOut.findings} finding${tlp.leftOut.findings === 1 ? '' : 's'}`;
  return [`${iocCount(tlp.leftOut.iocs)} above ${tlp.max} (${findings}) left out.`];
}

/** The scope's TLP line: what the label means, what `--tlp-max` left out, what is unmarked. */
function describeTlpHtml(tlp: ReportTlp): string {
  return [
    tlp.label === null ? 'None of the IOCs in this report carries a TLP marking.' : `${tlp.label}: the most restrictive TLP of the IOCs in this report.`,
    ...tlpMaxSentence(tlp),
    ...(tlp.unmarked > 0 && tlp.label !== null ? [`${iocCount(tlp.unmarked)} without a marking: check ${tlp.unmarked === 1 ? 'its source' : 'their sources'} before sharing.`] : []),
  ].join(' ');
}

/**
 * The report as one self-contained HTML5 page a CERT can receive by mail or print: inline
 * CSS and SVG only, no script, no font or image to fetch (a Content-Security-Policy of
 * `default-src 'none'` enforces it), so it opens offline and leaks nothing when opened.
 * Every value from the cluster is HTML-escaped: IOC values, host names and URLs come from
 * attacker-influenced logs; bulletin URLs are shown as text, never as links. The timeline
 * chart has exactly one `<rect class="bar">` per month, zero-height for empty months, each
 * with a `YYYY-MM: N` tooltip.
 *
 * TLP (FIRST TLP 2.0): the report's label at the top right of the page and in its footer, and
 * in the header and footer of every printed page (`@page` margin boxes, see
 * `renderTlpPageRules`); each IOC's own label in the tables; the sources of the IOCs in the
 * scope section.
 */
export function renderReportHtml(data: ReportData): string {
  const { scope, totals } = data;
  const period = `${formatDate(scope.since)} to ${formatDate(scope.until)}`;
  const title = `IOC retro-hunt report: ${feedLabel(scope.feeds)}, ${period}`;
  const scopeRows: [string, string][] = [
    ['TLP', describeTlpHtml(data.tlp)],
    ['Feeds', feedLabel(scope.feeds)],
    ['Period', `${formatTime(scope.since)} to ${formatTime(scope.until)}`],
    ['Indices', scope.indices.length === 0 ? 'none' : list(scope.indices)],
    ...(scope.runId === undefined ? [] : ([['Hunt run', scope.runId]] as [string, string][])),
    ['Generated', formatTime(scope.generatedAt)],
  ];
  const totalBoxes: [number, string][] = [
    [totals.findings, 'findings'],
    [totals.iocsHit, 'IOCs hit'],
    [totals.hosts, 'hosts'],
    [totals.users, 'users'],
  ];
  const iocRows = data.iocs.map((ioc) =>
    [
      '<tr>',
      `<td><code>${escapeHtml(ioc.value)}</code></td>`,
      cell(ioc.type, 'nowrap'),
      `<td class="nowrap">${renderTlpLabel(ioc.tlp, 'small')}</td>`,
      cell(list(ioc.feeds)),
      `<td class="num">${ioc.hits}</td>`,
      cell(formatTime(ioc.firstSeen), 'nowrap'),
      cell(formatTime(ioc.lastSeen), 'nowrap'),
      cell(list(ioc.hosts)),
      cell(list(ioc.users)),
      '</tr>',
    ].join(''),
  );
  const noFindings = '<p class="empty">No findings in this scope.</p>';

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="iochunt">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}${TLP_STYLE}\n${renderTlpPageRules(data.tlp)}\n</style>`,
    '</head>',
    '<body>',
    '<header class="top">',
    `<div><h1>IOC retro-hunt report: ${escapeHtml(feedLabel(scope.feeds))}</h1>`,
    `<p class="period">${escapeHtml(period)}</p></div>`,
    renderTlpLabel(data.tlp.label),
    '</header>',
    '<section><h2>Scope</h2>',
    `<table class="scope"><tbody>${scopeRows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${cell(v)}</tr>`).join('')}</tbody></table>`,
    renderSourcesHtml(data.sources),
    '</section>',
    '<section><h2>Summary</h2><div class="totals">',
    ...totalBoxes.map(([n, label]) => `<div class="total"><span class="n">${n}</span><span class="label">${escapeHtml(label)}</span></div>`),
    '</div></section>',
    '<section><h2>Hits per month</h2>',
    renderTimeline(data.timeline),
    '</section>',
    '<section><h2>Indicators</h2>',
    data.iocs.length === 0
      ? noFindings
      : [
          '<table class="iocs"><thead><tr><th>IOC</th><th>Type</th><th>TLP</th><th>Feeds</th><th class="num">Hits</th><th>First seen</th><th>Last seen</th><th>Hosts</th><th>Users</th></tr></thead>',
          `<tbody>${iocRows.join('\n')}</tbody></table>`,
        ].join('\n'),
    '</section>',
    `<section><h2>Sample events</h2>`,
    data.iocs.length === 0 ? noFindings : data.iocs.map(renderSamples).join('\n'),
    '</section>',
    `<footer><span>Generated by iochunt on ${escapeHtml(formatTime(scope.generatedAt))}. One finding is one (event, indicator) pair; times are event times (UTC).</span>${renderTlpLabel(data.tlp.label)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
