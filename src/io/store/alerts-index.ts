import { createHash } from 'node:crypto';
import type { ResourceNames } from '../../core/resource-names.js';
import { ClusterError, redactUrl } from '../../errors.js';
import { errorTypeOfTranslated } from '../engine/cluster-errors.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';

/**
 * The alerts index: an index template for `<prefix>-alerts-*` and a first index
 * `<prefix>-alerts-000001` behind the write alias `<prefix>-alerts`, so the alias can be
 * rolled over (ILM/ISM or `_rollover`) without iochunt noticing. Idempotent; safe to race. Reading
 * the template needs what writing it needs (`manage_index_templates`, README "Privileges").
 */
export async function ensureAlertsIndex(engine: Engine, names: ResourceNames): Promise<void> {
  const template = { index_patterns: [`${names.alerts}-*`], priority: 200, ...loadResource('mappings', 'alerts') };
  // Written only when it differs from what iochunt last wrote (its hash in `_meta`): a template
  // write is a cluster-state update, and `iochunt watch` hunts every few seconds.
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 16);
  const stored = await engine.fetchIndexTemplate(names.alerts);
  if ((stored?._meta as { template_hash?: unknown } | undefined)?.template_hash !== hash) {
    await engine.writeIndexTemplate(names.alerts, { ...template, _meta: { managed_by: 'iochunt', template_hash: hash } });
  }
  const [alias] = await engine.fetchIndexSummaries([names.alerts]);
  if (alias?.exists) return;
  try {
    await engine.createIndex(`${names.alerts}-000001`, { aliases: { [names.alerts]: { is_write_index: true } } });
  } catch (error) {
    if (errorTypeOfTranslated(error) !== 'resource_already_exists_exception') throw error;
  }
}

/** The id of the probe document below, which the alerts mapping never lets be written. */
export const ALERT_WRITE_PROBE_ID = 'iochunt-privilege-probe';

/** What the engines answer a document whose `@timestamp` is no date (Elasticsearch 8.8+ says `document_parsing_exception`). */
const REFUSED_BY_MAPPING = new Set(['mapper_parsing_exception', 'document_parsing_exception']);

/**
 * Whether this user may create alert documents, asked once before the first unit, so a role
 * without that privilege fails with no unit checkpointed (README "Privileges"). OpenSearch has no
 * has-privileges API (opensearch-project/security#566), so the question is a `create` that the
 * alerts mapping must refuse (a `@timestamp` that is not a date): an allowed user writes nothing,
 * a refused one gets the engine's 403, which names the missing action.
 */
export async function probeAlertWrite(engine: Engine, names: ResourceNames): Promise<void> {
  const action = JSON.stringify({ create: { _index: names.alerts, _id: ALERT_WRITE_PROBE_ID } });
  const [item] = await engine.bulk(`${action}\n${JSON.stringify({ '@timestamp': 'iochunt privilege probe, not a date' })}\n`);
  if (item?.errorType && REFUSED_BY_MAPPING.has(item.errorType)) return;
  const url = redactUrl(engine.info.url);
  if (item?.status === 403) {
    throw new ClusterError('forbidden', `permission denied writing alerts to ${names.alerts} at ${url}: ${item.errorReason ?? item.errorType ?? 'no reason given'}`, { statusCode: 403 });
  }
  throw new ClusterError('server', `writing alerts to ${names.alerts} at ${url}: a document the alerts mapping must refuse got ${item ? `HTTP ${item.status} ${item.errorType ?? item.result ?? ''}`.trim() : 'no answer'}; check the index template ${names.alerts}`);
}
