import { IOC_TYPES } from '../core/ioc/types.js';
import type { SyncReport } from '../core/ioc/sync-report.js';
import { quoteValue } from '../errors.js';

const COLUMNS = ['added', 'updated', 'reactivated', 'unchanged', 'deactivated'] as const;

function locate(location: { file?: string; line?: number; path?: string }): string {
  return [location.file, location.line === undefined ? undefined : String(location.line), location.path].filter(Boolean).join(':');
}

/** The human-readable result of `iochunt sync`: a per-type table per feed, then rejected entries. */
export function renderSync(report: SyncReport, maxRejected = 20): string {
  const lines: string[] = [];
  const dry = report.status === 'dry-run';
  for (const feed of report.feeds) {
    lines.push(
      `feed ${feed.name} (${feed.formats.join(', ')}; ${feed.sources.length} source(s); hunt from ${feed.huntFrom.slice(0, 10)})${dry ? ' — dry run, nothing written' : ''}`,
    );
    const header = dry ? ['type', 'accepted'] : ['type', ...COLUMNS];
    const rows = IOC_TYPES.filter((type) => feed.byType[type]).map((type) => {
      const counts = feed.byType[type]!;
      return dry ? [type, String(counts.added)] : [type, ...COLUMNS.map((c) => String(counts[c]))];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) lines.push(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
    if (feed.duplicates > 0) lines.push(`  ${feed.duplicates} duplicate occurrence(s) merged`);
  }
  const t = report.totals;
  lines.push(
    dry
      ? `total: ${t.accepted} accepted, ${t.rejected} rejected`
      : `total: ${t.added} added, ${t.updated} updated, ${t.reactivated} reactivated, ${t.unchanged} unchanged, ${t.deactivated} deactivated, ${t.rejected} rejected; IOC set version ${report.setVersion ?? 0}; run ${report.runId ?? '-'}`,
  );
  for (const skip of report.skipped) lines.push(`skipped: ${skip.count} ${skip.reason}`);
  if (report.rejected.length > 0) {
    lines.push(`rejected (${report.rejected.length}):`);
    for (const entry of report.rejected.slice(0, maxRejected)) {
      lines.push(`  ${locate(entry.location)}: ${quoteValue(entry.value)}: ${entry.reason}`);
    }
    if (report.rejected.length > maxRejected) lines.push(`  ... and ${report.rejected.length - maxRejected} more (--json lists all)`);
  }
  return lines.join('\n');
}
