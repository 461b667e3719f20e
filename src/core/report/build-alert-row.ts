import { fieldValues } from '../hunt/field-values.js';
import { parseEventTime } from '../time/parse-event-time.js';
import type { AlertRow } from './build-report-data.js';
import { parseTlpLabel } from './tlp-label.js';

/** The first string at `path` (nested or dotted form; numbers are stringified). */
function firstText(source: Record<string, unknown>, path: string): string | undefined {
  const [value] = fieldValues(source, path);
  return value === undefined ? undefined : String(value);
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/**
 * The {@link AlertRow} of an alert document's `_source` (as `buildAlert` writes it), or
 * undefined when it is not an iochunt alert (no IOC id) or its `@timestamp` (or
 * `matched.occurred`) cannot be read. Multi-valued `host.name`/`user.name` keep their first
 * value. The URL is `url.full`, else `url.original`, else `url.domain`. The TLP is the IOC's
 * marking copied into the finding (`indicator.marking.tlp`), as a TLP 2.0 label.
 */
export function buildAlertRow(source: Record<string, unknown>): AlertRow | undefined {
  const enrichments = (source.threat as { enrichments?: unknown } | undefined)?.enrichments;
  const enrichment = (Array.isArray(enrichments) ? enrichments[0] : enrichments) as Record<string, unknown> | undefined;
  const matched = (enrichment?.matched ?? {}) as Record<string, unknown>;
  const iocId = firstText(source, 'iochunt.ioc.id') ?? (typeof matched.id === 'string' ? matched.id : undefined);
  const ms = parseEventTime(source['@timestamp']) ?? parseEventTime(matched.occurred);
  if (iocId === undefined || ms === undefined) return undefined;
  const feeds = enrichment ? fieldValues(enrichment, 'feed.name').map(String) : [];
  const tlp = enrichment ? parseTlpLabel(firstText(enrichment, 'indicator.marking.tlp')) : undefined;
  return {
    timestamp: new Date(ms).toISOString(),
    iocId,
    iocValue: firstText(source, 'iochunt.ioc.value') ?? (typeof matched.atomic === 'string' ? matched.atomic : iocId),
    iocType: firstText(source, 'iochunt.ioc.type') ?? (enrichment ? firstText(enrichment, 'indicator.type') : undefined) ?? 'unknown',
    feeds,
    matchedField: typeof matched.field === 'string' ? matched.field : '',
    atomic: typeof matched.atomic === 'string' ? matched.atomic : '',
    ...optional('host', firstText(source, 'host.name')),
    ...optional('user', firstText(source, 'user.name')),
    ...optional('sourceIp', firstText(source, 'source.ip')),
    ...optional('destinationIp', firstText(source, 'destination.ip')),
    eventIndex: firstText(source, 'iochunt.event.index') ?? '',
    eventId: firstText(source, 'iochunt.event.id') ?? '',
    ...optional('action', firstText(source, 'event.action')),
    ...optional('url', firstText(source, 'url.full') ?? firstText(source, 'url.original') ?? firstText(source, 'url.domain')),
    ...(tlp === undefined ? {} : { tlp }),
  };
}
