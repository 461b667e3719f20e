/**
 * iochunt's library API. Everything the CLI does is callable from here.
 *
 * ```ts
 * import { connect, fetchStatus } from 'iochunt';
 * const engine = await connect({ url: 'https://es:9200', apiKey: process.env.KEY });
 * try { console.log(await fetchStatus(engine)); } finally { await engine.close(); }
 * ```
 */
export { connect } from './io/connect.js';
export type { ConnectionOptions } from './io/connection-options.js';
export type {
  ClusterHealth,
  Engine,
  EngineChoice,
  EngineInfo,
  Flavor,
  IndexSummary,
  IngestPipeline,
} from './io/engine.js';
export { fetchStatus, type StatusReport, type PipelineSummary } from './io/fetch-status.js';
export { buildResourceNames, type ResourceNames } from './core/resource-names.js';
export {
  startLocalEngine,
  stopLocalEngine,
  readLocalEngine,
  LOCAL_ENGINE_ARTIFACTS,
  type LocalEngine,
  type LocalEngineOptions,
  type LocalFlavor,
} from './io/local-engine.js';
export {
  IochuntError,
  UsageError,
  InputError,
  ConfigError,
  ClusterError,
  InterruptedError,
  InternalError,
  ExitCode,
} from './errors.js';
