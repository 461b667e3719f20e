import { buildResourceNames } from '../../core/resource-names.js';
import type { Engine, PipelineStats } from '../engine/engine.js';
import type { TagAttachmentRecord } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';

/** What `pipelines status` shows: the pipeline, what its record says, and every attachment. */
export interface TagStatus {
  pipeline: string;
  installed: boolean;
  strategy?: string;
  setVersion?: number;
  iocs?: number;
  attachments: TagAttachmentRecord[];
  /** What the pipeline did since the nodes started: events, failures, lookups that failed per processor. */
  stats?: PipelineStats;
}

/** Reads the tagging pipeline's state: whether it exists, its recorded strategy and set, and where it is attached. */
export async function fetchTagStatus(engine: Engine, prefix?: string): Promise<TagStatus> {
  const names = buildResourceNames(prefix);
  const state = new StateStore(engine, names.state);
  const pipeline = await engine.fetchPipeline(names.tagPipeline);
  const attachments = await state.fetchAttachments();
  const record = await state.fetchTagPipeline(names.tagPipeline);
  const stats = pipeline ? await engine.fetchPipelineStats(names.tagPipeline) : undefined;
  return {
    pipeline: names.tagPipeline,
    installed: pipeline !== undefined,
    strategy: record?.strategy,
    setVersion: record?.set_version,
    iocs: record?.iocs,
    attachments,
    ...(stats ? { stats } : {}),
  };
}
