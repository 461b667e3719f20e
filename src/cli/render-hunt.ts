import type { HuntSummary } from '../io/hunt/run-hunt.js';

/** The human-readable end of `iochunt hunt`: scope, per-IOC findings, totals. */
export function renderHunt(summary: HuntSummary, maxRows = 50): string {
  const lines: string[] = [];
  const scope = `${summary.since.slice(0, 10)} .. ${summary.until.slice(0, 19)}Z`;
  lines.push(
    `hunt ${summary.runId ?? '(dry run)'}: ${summary.mode}, ${summary.iocs} IOC(s)${summary.newIocs === undefined ? '' : ` (${summary.newIocs} new)`}, ${scope}, ${summary.indices.searched.length} index(es)`,
  );
  for (const skipped of summary.indices.skipped) lines.push(`  skipped ${skipped.index}: ${skipped.reason}`);
  for (const warning of summary.warnings) lines.push(`  warning: ${warning}`);
  if (summary.status === 'dry-run') {
    for (const c of summary.candidates ?? []) lines.push(`  ${c.unit.padEnd(36)} ${String(c.count).padStart(8)} candidate event(s)`);
    lines.push(`plan: ${summary.units.total} unit(s), ${(summary.candidates ?? []).reduce((n, c) => n + c.count, 0)} candidate event(s); nothing written`);
    return lines.join('\n');
  }
  if (summary.perIoc.length === 0) {
    lines.push('no findings');
  } else {
    const rows = summary.perIoc.slice(0, maxRows).map((i) => [i.value, i.type, String(i.hits), i.firstSeen?.slice(0, 19) ?? '-', i.lastSeen?.slice(0, 19) ?? '-', String(i.hosts)]);
    const header = ['indicator', 'type', 'hits', 'first seen', 'last seen', 'hosts'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    for (const row of [header, ...rows]) lines.push(`  ${row.map((cell, c) => (c === 2 || c === 5 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')}`);
    if (summary.perIoc.length > maxRows) lines.push(`  ... and ${summary.perIoc.length - maxRows} more IOC(s) (--json lists all)`);
  }
  const p = summary.progress;
  if (summary.retries.length > 0) {
    lines.push(`  ${summary.retries.length} unit attempt(s) failed and were retried; the first: ${summary.retries[0]!.unit}: ${summary.retries[0]!.reason}`);
  }
  lines.push(
    `total: ${summary.totals.findings} finding(s) for ${summary.totals.iocsHit} IOC(s) on ${summary.totals.hosts} host(s); this run: ${p.alertsCreated} new alert(s), ${p.alreadyFound} already found, ${p.eventsMatched} candidate event(s), ${summary.units.done}/${summary.units.total} unit(s)${summary.units.resumed ? ` (${summary.units.resumed} from before the resume)` : ''}; ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}
