import { buildResourceNames } from '../../core/resource-names.js';
import type { SyncReport } from '../../core/ioc/sync-report.js';
import type { Engine } from '../engine/engine.js';
import { reinstallTagPipeline, type InstallTagReport } from '../live/install-tag-pipeline.js';
import { applySync } from './apply-sync.js';
import type { PreparedSync } from './prepare-sync.js';
import type { SyncOptions } from './sync-iocs.js';

export interface SyncAndRefreshResult {
  sync: SyncReport;
  /** The live-tagging pipeline brought up to date; undefined when none is installed or `refresh` is false. */
  tagging?: InstallTagReport;
}

/**
 * The one place that composes "load the IOCs, then bring live tagging up to date" (README:
 * "`iochunt sync` refreshes an installed pipeline after each load"), for `iochunt sync` and
 * every `schedule` tick: a new IOC tags the next event without another command.
 */
export async function syncAndRefresh(engine: Engine, prepared: PreparedSync, options: SyncOptions & { refresh?: boolean }): Promise<SyncAndRefreshResult> {
  // Read before writing: a user who may load IOCs but not read pipelines is refused before any
  // IOC is written, not after the load with live tagging left on the old set.
  const installed = options.refresh !== false && (await engine.fetchPipeline(buildResourceNames(options.prefix).tagPipeline)) !== undefined;
  const sync = await applySync(engine, prepared, options);
  if (!installed) return { sync };
  const tagging = await reinstallTagPipeline(engine, { ...(options.prefix ? { prefix: options.prefix } : {}) });
  return { sync, tagging };
}
