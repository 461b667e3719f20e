import type { Bulletin } from '../ioc/types.js';
import type { FeedSource } from './build-feed-sources.js';
import { escapeHtml } from './escape-html.js';
import { formatDate } from './format-report-time.js';
import { renderTlpLabel } from './render-tlp-html.js';

/**
 * One bulletin: its title, its id when that says more, its URL as text (never a link: the
 * URL is the source's, and the report follows nothing), and its dates.
 */
function renderBulletin(bulletin: Bulletin): string {
  const dates = [
    ...(bulletin.published ? [`published ${formatDate(bulletin.published)}`] : []),
    ...(bulletin.modified ? [`updated ${formatDate(bulletin.modified)}`] : []),
  ];
  return [
    '<div class="bulletin">',
    bulletin.title ? `<strong>${escapeHtml(bulletin.title)}</strong>` : '',
    bulletin.id && bulletin.id !== bulletin.title ? ` <code>${escapeHtml(bulletin.id)}</code>` : '',
    bulletin.url ? `<br><code>${escapeHtml(bulletin.url)}</code>` : '',
    dates.length > 0 ? `<br><span class="dates">${escapeHtml(dates.join(', '))}</span>` : '',
    '</div>',
  ].join('');
}

function renderSourceRow(source: FeedSource): string {
  const bulletins = source.bulletins.length === 0 ? '<span class="empty">none recorded</span>' : source.bulletins.map(renderBulletin).join('');
  return [
    '<tr>',
    `<td>${escapeHtml(source.feed)}</td>`,
    `<td class="nowrap">${renderTlpLabel(source.tlp, 'small')}</td>`,
    `<td class="num">${source.iocs}</td>`,
    `<td>${bulletins}</td>`,
    `<td class="nowrap">${source.loadedAt ? escapeHtml(formatDate(source.loadedAt)) : ''}</td>`,
    '</tr>',
  ].join('');
}

/**
 * The "Sources" table of the scope section: per feed of the reported IOCs, its marking of
 * them, how many it lists, the bulletins (CERT-FR bulletin, MISP event, STIX report) they came
 * from with their references and dates, and when iochunt first loaded them.
 */
export function renderSourcesHtml(sources: readonly FeedSource[]): string {
  if (sources.length === 0) return '<h3>Sources</h3><p class="empty">No IOC in this report, so no source.</p>';
  return [
    '<h3>Sources</h3>',
    '<table class="sources"><thead><tr><th>Feed</th><th>TLP</th><th class="num">IOCs</th><th>Bulletins</th><th>Loaded</th></tr></thead>',
    `<tbody>${sources.map(renderSourceRow).join('\n')}</tbody></table>`,
  ].join('\n');
}
