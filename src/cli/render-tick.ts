import type { TickRecord } from '../io/schedule/tick-loop.js';

/** `2026-11-27T10:00:01.000Z .. 2026-11-27T10:00:14.000Z on event.ingested`. */
function span(window: NonNullable<TickRecord['window']>): string {
  return `${window.from} .. ${window.until}${window.field ? ` on ${window.field}` : ''}`;
}

/** One line per tick of `schedule` or `watch` (the `--log-format json` form is the record itself). */
export function renderTick(record: TickRecord): string {
  const head = `tick ${record.tick} at ${record.at}: ${record.action}`;
  const settle = record.settle ? ` (settle ${(record.settle.ms / 1000).toFixed(1)} s)` : '';
  if (record.action === 'skipped') return `${head} (lock held by ${record.lockHolder} until ${record.lockExpires})`;
  if (record.action === 'idle') return `${head}: no event in ${record.window ? span(record.window) : 'the window'}${settle}`;
  if (record.action === 'hunted') {
    const s = record.synced ? ` synced +${record.synced.added} ~${record.synced.updated} -${record.synced.deactivated};` : '';
    const why = record.reason ? ` (${record.reason})` : '';
    const window = record.window ? `; window ${span(record.window)}${settle}` : '';
    const warnings = (record.warnings ?? []).map((warning) => `; warning: ${warning}`).join('');
    return `${head}${why};${s} hunt ${record.hunt?.runId}: ${record.hunt?.newIocs ?? 0} new IOC(s), ${record.hunt?.alertsCreated} new alert(s), ${record.hunt?.findings} finding(s) in ${record.hunt?.durationMs} ms${window}${warnings}`;
  }
  return `${head}: ${record.error}`;
}
