import type { InstallTagReport } from '../io/live/install-tag-pipeline.js';
import type { PipelineStats } from '../io/engine/engine.js';
import type { TagStatus } from '../io/live/fetch-tag-status.js';
import type { TagAttachmentRecord } from '../io/store/state-records.js';

export function renderInstall(report: InstallTagReport, attached: readonly TagAttachmentRecord[]): string {
  return [
    `${report.pipeline}: ${report.strategy} strategy, IOC set version ${report.setVersion}, ${report.iocs} active IOC(s)${report.unchanged ? ' (already up to date)' : ''}`,
    ...attached.map((a) => `attached to ${a.target_type} ${a.target} as final pipeline ${a.pipeline}${a.previous ? ` (keeps running ${a.previous})` : ''}`),
  ].join('\n');
}

export function renderTagStatus(status: TagStatus): string {
  if (!status.installed) return `${status.pipeline}: not installed`;
  return [
    `${status.pipeline}: ${status.strategy} strategy, IOC set version ${status.setVersion}, ${status.iocs} active IOC(s)`,
    ...(status.stats ? [renderStats(status.stats)] : []),
    ...status.attachments.map((a) => `attached: ${a.target_type} ${a.target} -> ${a.pipeline}${a.previous ? ` (was ${a.previous})` : ''}`),
  ].join('\n');
}

/** `since the nodes started: 1200 event(s), 0 failed; lookups that failed: enrich:iochunt-enrich-ip_0 3` */
function renderStats(stats: PipelineStats): string {
  const lookups = stats.processors.filter((p) => p.failed > 0).map((p) => `${p.name} ${p.failed}`);
  return `since the nodes started: ${stats.events} event(s), ${stats.failed} failed${lookups.length > 0 ? `; lookups that failed: ${lookups.join(', ')}` : ''}`;
}

export function renderRemove(pipeline: string, restored: readonly TagAttachmentRecord[]): string {
  return [`removed ${pipeline}`, ...restored.map((a) => `restored ${a.target_type} ${a.target} final pipeline: ${a.previous ?? '(none)'}`)].join('\n');
}
