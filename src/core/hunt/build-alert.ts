import { createHash } from 'node:crypto';
import { buildEnrichment, type MatchedType } from './build-enrichment.js';
import type { Match } from './ioc-matcher.js';
import { formatEventTime } from '../time/parse-event-time.js';
import { pickEventFields } from './pick-event-fields.js';

export { buildEnrichment, type BuildEnrichmentOptions, type MatchedType, type ThreatEnrichment } from './build-enrichment.js';

/** The event objects an alert carries over, in the order they are written (README `iochunt hunt`, "Alerts"). */
const COPIED_OBJECTS = ['host', 'source', 'destination', 'user', 'url', 'dns', 'observer', 'network'] as const;

const COPIED_PATHS: readonly string[] = [...COPIED_OBJECTS, 'event.action'];

export interface BuildAlertOptions {
  /**
   * The matched event: its index, `_id` and `_source`, and its time as the engine read it (ISO;
   * default: `@timestamp` of `_source` read with the engines' default date rules).
   */
  event: { index: string; id: string; source: Record<string, unknown>; timestamp?: string };
  match: Match;
  runId: string;
  matchedType: MatchedType;
  /** When the alert is created (ISO): `event.created`. */
  now: string;
  /** The index holding the IOC document: `threat.enrichments.matched.index`. */
  iocIndex: string;
}

/** An alert ready for a bulk `create`. */
export interface Alert {
  id: string;
  document: Record<string, unknown>;
}

/**
 * The `_id` of the alert for one (event, IOC): hex SHA-256 of
 * `<event index>|<event _id>|<IOC _id>`. Deterministic, so writing it with
 * `op_type: create` makes a resumed or repeated hunt a no-op for what it already found.
 * Unambiguous although event ids may contain `|`: index names cannot, and IOC ids are hex.
 * Pass the event's concrete index (from the hit), not an alias or pattern.
 */
export function buildAlertId(eventIndex: string, eventId: string, iocId: string): string {
  return createHash('sha256').update(`${eventIndex}|${eventId}|${iocId}`).digest('hex');
}

/**
 * The alert document for one (event, IOC) match (README `iochunt hunt`, "Alerts"): ECS
 * `event.kind: alert` with one `threat.enrichments[]` element, `iochunt.*` provenance, and
 * copies of the event's `host`, `source`, `destination`, `user`, `url`, `dns`, `observer`,
 * `network` objects and `event.action` (read in nested or dotted-key form, written nested);
 * nothing else from the event is copied. `@timestamp` and `matched.occurred` are the event's
 * time in ISO UTC; an event time in another form (epoch millis, no zone) is kept as it was
 * under `iochunt.event.timestamp`.
 *
 * One alert per (event, IOC): when an IOC matched several fields of the event, pass the
 * first match (see `firstMatchPerIoc`); the others would get the same id. Pure: inputs are
 * not modified and share no objects with the result.
 */
export function buildAlert(options: BuildAlertOptions): Alert {
  const { event, match, runId, matchedType, now, iocIndex } = options;
  const raw = event.source['@timestamp'];
  // Always ISO, whatever the event's form (epoch millis, no zone, a date only): the alerts
  // index maps @timestamp as a date, and the report and Kibana read it as one.
  const occurred = event.timestamp ?? formatEventTime(raw);
  const original = (typeof raw === 'string' || typeof raw === 'number') && raw !== occurred ? raw : undefined;
  const picked = pickEventFields(event.source, COPIED_PATHS);
  const action = (picked.event as { action?: unknown } | undefined)?.action;
  const document: Record<string, unknown> = {
    ...(occurred === undefined ? {} : { '@timestamp': occurred }),
    event: {
      kind: 'alert',
      category: ['threat'],
      type: ['indicator'],
      created: now,
      ...(action === undefined ? {} : { action }),
    },
    threat: { enrichments: [buildEnrichment({ match, iocIndex, occurred, matchedType })] },
    iochunt: {
      run_id: runId,
      event: { index: event.index, id: event.id, ...(original === undefined ? {} : { timestamp: original }) },
      ioc: { id: match.ioc.id, value: match.ioc.value, type: match.ioc.type },
    },
  };
  for (const name of COPIED_OBJECTS) {
    if (picked[name] !== undefined) document[name] = picked[name];
  }
  return { id: buildAlertId(event.index, event.id, match.ioc.id), document };
}
