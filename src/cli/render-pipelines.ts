import type { InstallTagReport } from '../io/live/install-tag-pipeline.js';
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
    ...status.attachments.map((a) => `attached: ${a.target_type} ${a.target} -> ${a.pipeline}${a.previous ? ` (was ${a.previous})` : ''}`),
  ].join('\n');
}

export function renderRemove(pipeline: string, restored: readonly TagAttachmentRecord[]): string {
  return [`removed ${pipeline}`, ...restored.map((a) => `restored ${a.target_type} ${a.target} final pipeline: ${a.previous ?? '(none)'}`)].join('\n');
}
