import { UsageError } from '../../errors.js';
import { isOwnEnrichPolicy } from '../../core/live/build-tag-pipeline.js';
import { templateFinalPipeline, withTemplateFinalPipeline } from '../../core/live/template-final-pipeline.js';
import { buildResourceNames, type ResourceNames } from '../../core/resource-names.js';
import type { Engine } from '../engine/engine.js';
import type { TagAttachmentRecord as Attachment } from '../store/state-records.js';
import { StateStore } from '../store/state-store.js';

function wrapperName(names: ResourceNames, previous: string): string {
  return `${names.tagPipeline}-after-${previous.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

/**
 * The pipeline to set as final: ours, or (when the target already has a final pipeline that is
 * not ours) a wrapper pipeline that calls the existing one, then ours, so both keep running.
 */
async function chooseFinal(engine: Engine, names: ResourceNames, previous: string | undefined): Promise<string> {
  if (!previous || previous === names.tagPipeline || previous.startsWith(`${names.tagPipeline}-after-`)) return names.tagPipeline;
  const wrapper = wrapperName(names, previous);
  await engine.writePipeline(wrapper, {
    description: `iochunt: runs the target's own final pipeline ${previous}, then ${names.tagPipeline}`,
    processors: [{ pipeline: { name: previous } }, { pipeline: { name: names.tagPipeline } }],
  });
  return wrapper;
}

/**
 * Sets `<prefix>-tag` as the final pipeline of index templates (by name), and of the existing
 * indices and data streams' backing indices a name or pattern resolves to. A target's existing
 * final pipeline keeps running (wrapper), and what was there is recorded in `<prefix>-state`.
 * Re-attaching is idempotent. Returns what was attached.
 */
export async function attachTagPipeline(engine: Engine, targets: readonly string[], prefix?: string): Promise<Attachment[]> {
  const names = buildResourceNames(prefix);
  if (!(await engine.fetchPipeline(names.tagPipeline))) throw new UsageError(`${names.tagPipeline} is not installed: run "iochunt pipelines install" first`);
  const state = new StateStore(engine, names.state);
  await state.ensure();
  const now = new Date().toISOString();
  const done: Attachment[] = [];
  const record = async (type: Attachment['target_type'], target: string, current: string | undefined): Promise<string> => {
    const known = await state.fetchAttachment(type, target);
    // Already attached by us: keep what was there originally, not our own pipeline.
    const previous = known ? known.previous : (current ?? null);
    const pipeline = await chooseFinal(engine, names, previous ?? undefined);
    const attachment: Attachment = { kind: 'tag-attachment', target_type: type, target, previous, pipeline, updated_at: now };
    await state.writeAttachment(attachment);
    done.push(attachment);
    return pipeline;
  };
  for (const target of targets) {
    const template = await engine.fetchIndexTemplate(target);
    if (template) {
      const pipeline = await record('template', target, templateFinalPipeline(template));
      await engine.writeIndexTemplate(target, withTemplateFinalPipeline(template, pipeline));
      continue;
    }
    const indices = (await engine.resolveIndices([target])).filter((i) => !i.closed);
    if (indices.length === 0) throw new UsageError(`--attach ${target}: no index template, index, alias or data stream of that name`);
    const settings = await engine.fetchPipelineSettings(indices.map((i) => i.name).join(','));
    for (const index of indices) {
      const pipeline = await record('index', index.name, settings.get(index.name)?.final);
      await engine.writeFinalPipeline(index.name, pipeline);
    }
  }
  return done;
}

/** Every recorded attachment (for `pipelines status` and `remove`). */
export async function fetchAttachments(engine: Engine, prefix?: string): Promise<Attachment[]> {
  return new StateStore(engine, buildResourceNames(prefix).state).fetchAttachments();
}

/**
 * Undoes every attachment exactly (the previous final pipeline back, or none), then deletes
 * the wrappers, `<prefix>-tag` and its enrich policies. Returns the restored attachments.
 */
export async function removeTagPipeline(engine: Engine, prefix?: string): Promise<Attachment[]> {
  const names = buildResourceNames(prefix);
  const attachments = await fetchAttachments(engine, prefix);
  for (const attachment of attachments) {
    if (attachment.target_type === 'template') {
      const template = await engine.fetchIndexTemplate(attachment.target);
      if (template) await engine.writeIndexTemplate(attachment.target, withTemplateFinalPipeline(template, attachment.previous));
    } else if ((await engine.resolveIndices([attachment.target])).length > 0) {
      await engine.writeFinalPipeline(attachment.target, attachment.previous);
    }
  }
  const state = new StateStore(engine, names.state);
  for (const attachment of attachments) {
    if (attachment.pipeline !== names.tagPipeline) await engine.deletePipeline(attachment.pipeline);
    await state.deleteAttachment(attachment);
  }
  await engine.deletePipeline(names.tagPipeline);
  await state.deleteTagPipeline(names.tagPipeline).catch(() => undefined);
  if (engine.info.flavor === 'elasticsearch') {
    const policies = (await engine.listEnrichPolicies(`${names.prefix}-`).catch(() => [] as string[])).filter((name) => isOwnEnrichPolicy(names.prefix, name));
    for (const policy of policies) await engine.deleteEnrichPolicy(policy).catch(() => undefined);
  }
  return attachments;
}
