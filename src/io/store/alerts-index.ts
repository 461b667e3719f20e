import type { ResourceNames } from '../../core/resource-names.js';
import { errorTypeOfTranslated } from '../engine/cluster-errors.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';

/**
 * The alerts index: an index template for `<prefix>-alerts-*` and a first index
 * `<prefix>-alerts-000001` behind the write alias `<prefix>-alerts`, so the alias can be
 * rolled over (ILM/ISM or `_rollover`) without iochunt noticing. Idempotent; safe to race.
 */
export async function ensureAlertsIndex(engine: Engine, names: ResourceNames): Promise<void> {
  await engine.writeIndexTemplate(names.alerts, {
    index_patterns: [`${names.alerts}-*`],
    priority: 200,
    ...loadResource('mappings', 'alerts'),
    _meta: { managed_by: 'iochunt' },
  });
  const [alias] = await engine.fetchIndexSummaries([names.alerts]);
  if (alias?.exists) return;
  try {
    await engine.createIndex(`${names.alerts}-000001`, { aliases: { [names.alerts]: { is_write_index: true } } });
  } catch (error) {
    if (errorTypeOfTranslated(error) !== 'resource_already_exists_exception') throw error;
  }
}
