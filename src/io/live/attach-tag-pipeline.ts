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

/** Whether a pipeline id is this prefix's tagging pipeline or one of its wrappers. */
function isOurs(names: ResourceNames, id: string | undefined): boolean {
  return id !== undefined && (id === names.tagPipeline || id.startsWith(`${names.tagPipeline}-after-`));
}

/**
 * Every index whose final pipeline is ours gets back what it would have had without iochunt:
 * its recorded previous one (an index attached by name), else what the attachment that made it
 * ours had (an index, rollover or data-stream generation created from an attached template,
 * which no record names), else none. Reads every index's settings: those created since the
 * attach are found at remove time.
 */
async function restoreIndices(engine: Engine, names: ResourceNames, attachments: readonly Attachment[]): Promise<void> {
  const previousOfIndex = new Map(attachments.filter((a) => a.target_type === 'index').map((a) => [a.target, a.previous]));
  const previousOfPipeline = new Map(attachments.map((a) => [a.pipeline, a.previous]));
  const settings = await engine.fetchPipelineSettings('*');
  for (const [index, { final }] of settings) {
    if (!isOurs(names, final)) continue;
    const previous = previousOfIndex.has(index) ? previousOfIndex.get(index) : previousOfPipeline.get(final!);
    await engine.writeFinalPipeline(index, previous ?? null);
  }
}

/** Deletes a pipeline; an index created meanwhile that references it (Elasticsearch refuses then) is restored and the delete tried again. */
async function deleteRestoring(engine: Engine, id: string, restore: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.deletePipeline(id);
      return;
    } catch (error) {
      const inUse = error instanceof Error && /pipeline .* cannot be deleted because it is/i.test(error.message);
      if (!inUse || attempt >= 3) throw error;
      await restore();
    }
  }
}

/**
 * Undoes every attachment, then deletes the wrappers, `<prefix>-tag` and its enrich policies.
 * Templates first, so no new index gets the pipeline; then every index that references it,
 * recorded or not; the state records last, so a remove that stops half-way (a lost connection, a
 * block) runs again from the start and ends the same. Idempotent. Returns the restored attachments.
 */
export async function removeTagPipeline(engine: Engine, prefix?: string): Promise<Attachment[]> {
  const names = buildResourceNames(prefix);
  const attachments = await fetchAttachments(engine, prefix);
  for (const attachment of attachments.filter((a) => a.target_type === 'template')) {
    const template = await engine.fetchIndexTemplate(attachment.target);
    if (template) await engine.writeIndexTemplate(attachment.target, withTemplateFinalPipeline(template, attachment.previous));
  }
  const restore = (): Promise<void> => restoreIndices(engine, names, attachments);
  await restore();
  const wrappers = [...new Set(attachments.map((a) => a.pipeline).filter((id) => id !== names.tagPipeline))];
  for (const wrapper of wrappers) await deleteRestoring(engine, wrapper, restore);
  await deleteRestoring(engine, names.tagPipeline, restore);
  if (engine.info.flavor === 'elasticsearch') {
    const policies = (await engine.listEnrichPolicies(`${names.prefix}-`).catch(() => [] as string[])).filter((name) => isOwnEnrichPolicy(names.prefix, name));
    for (const policy of policies) await engine.deleteEnrichPolicy(policy).catch(() => undefined);
  }
  const state = new StateStore(engine, names.state);
  for (const attachment of attachments) await state.deleteAttachment(attachment);
  await state.deleteTagPipeline(names.tagPipeline).catch(() => undefined);
  return attachments;
}
