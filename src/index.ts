/**
 * iochunt's library API. Everything the CLI does is callable from here.
 *
 * ```ts
 * import { connect, fetchStatus } from 'iochunt';
 * const engine = await connect({ url: 'https://es:9200', apiKey: process.env.KEY });
 * try { console.log(await fetchStatus(engine)); } finally { await engine.close(); }
 * ```
 */
export { connect } from './io/engine/connect.js';
export type { ConnectionOptions } from './io/engine/connection-options.js';
export type {
  ClusterHealth,
  Engine,
  EngineChoice,
  EngineInfo,
  Flavor,
  IndexSummary,
  IngestPipeline,
} from './io/engine/engine.js';
export { fetchStatus, type StatusReport, type PipelineSummary } from './io/status/fetch-status.js';
export { buildResourceNames, type ResourceNames } from './core/resource-names.js';
export {
  syncIocs,
  prepareSync,
  applySync,
  reportDryRun,
  type SyncOptions,
  type SyncReport,
  type FeedSyncReport,
} from './io/sync/sync-iocs.js';
export { parseIocs } from './core/ioc/parse-iocs.js';
export { normalizeIndicator } from './core/ioc/normalize-indicator.js';
export type { IocType, IocFormat, ParsedIoc, ParseResult, RejectedEntry } from './core/ioc/types.js';
export { DEFAULT_HUNT_INDICES, DEFAULT_HUNT_FROM, DEFAULT_PREFIX } from './core/defaults.js';
export { runHunt, type HuntOptions, type HuntSummary, type HuntProgress } from './io/hunt/run-hunt.js';
export { planHunt, buildUnitQuery, type HuntPlan, type PlanHuntInput } from './core/hunt/plan-hunt.js';
export { buildIocMatcher, type IocMatcher, type Match } from './core/hunt/ioc-matcher.js';
export { buildAlert, buildAlertId } from './core/hunt/build-alert.js';
export {
  installTagPipeline,
  refreshTagPipeline,
  chooseStrategy,
  SCRIPT_STRATEGY_MAX_IOCS,
  type InstallTagOptions,
  type InstallTagReport,
} from './io/live/install-tag-pipeline.js';
export { attachTagPipeline, removeTagPipeline, fetchAttachments } from './io/live/attach-tag-pipeline.js';
export type { TagAttachmentRecord as Attachment } from './io/store/state-records.js';
export { generateSampleEvents, plantedEvents, type SampleEventsOptions } from './core/demo/generate-sample-events.js';
export { writeSampleEvents } from './io/demo/write-sample-events.js';
export {
  startLocalEngine,
  stopLocalEngine,
  readLocalEngine,
  LOCAL_ENGINE_ARTIFACTS,
  type LocalEngine,
  type LocalEngineOptions,
  type LocalFlavor,
} from './local-engines/local-engine.js';
export {
  IochuntError,
  UsageError,
  InputError,
  ConfigError,
  ClusterError,
  InterruptedError,
  InternalError,
  SourceError,
  FindingsError,
  ExitCode,
} from './errors.js';
export { runSchedule, parseDuration, type ScheduleOptions, type TickRecord } from './io/schedule/run-schedule.js';
export { runWatch, type WatchOptions } from './io/schedule/run-watch.js';
export { ScheduleLock } from './io/schedule/schedule-lock.js';
export { runDemo, type DemoOptions, type DemoResult } from './io/demo/run-demo.js';
export { buildSavedObjects, toNdjson, type SavedObject } from './core/kibana/build-saved-objects.js';
export { importSavedObjects } from './io/kibana/import-saved-objects.js';
export { buildReportData, type ReportData } from './core/report/build-report-data.js';
export { renderReportHtml } from './core/report/render-report-html.js';
export { renderReportCsv } from './core/report/render-report-csv.js';
export { renderReportJson } from './core/report/render-report-json.js';
export { fetchReportData } from './io/report/fetch-report-data.js';
