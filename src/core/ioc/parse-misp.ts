import { InputError } from '../../errors.js';
import { buildBulletin, bulletinDate } from './build-bulletin.js';
import { createIocCollector, type IocCollector } from './ioc-collector.js';
import { isJsonObject, jsonArray, jsonFlag, jsonString, type JsonObject } from './json-values.js';
import { MAX_MISP_NESTING } from './limits.js';
import { normalizeTimestamp } from './normalize-timestamp.js';
import { parseJsonDocument } from './parse-json-document.js';
import { splitMispValue } from './split-misp-value.js';
import { tlpFromTags } from './tlp-from-tags.js';
import type { Bulletin, ParseOptions, ParseResult } from './types.js';

/** An event found in the document and the JSON path it was found at. */
interface LocatedEvent {
  event: JsonObject;
  path: string;
}

/** Where the search for events is: the JSON path, how many arrays and `response` wrappers deep, the file for errors. */
interface SearchPoint {
  path: string;
  depth: number;
  file: string | undefined;
}

/** What an event gives every attribute under it. */
interface EventContext {
  info: string | undefined;
  provider: string | undefined;
  tags: string[];
  bulletin: Bulletin | undefined;
}

/** Where attributes go and what they inherit. */
interface AttributeScope {
  collector: IocCollector;
  context: EventContext;
  file: string | undefined;
  /** The enclosing object's comment: the description of attributes without their own. */
  objectComment?: string;
}

/**
 * Parses MISP event JSON: `{"Event": {...}}` (a MISP feed file, the UI's JSON export),
 * a bare event object, or the REST search result `{"response": [{"Event": ...}, ...]}`
 * (also a top-level array of those).
 *
 * Reads `Event.Attribute[]` and `Event.Object[].Attribute[]`. Attributes with `to_ids`
 * false are skipped and counted (they are context, not detection material; an absent
 * `to_ids` counts as true), as are deleted attributes and attributes of deleted objects.
 * Composite types are split (`domain|ip` gives a domain and an IP with the same uuid);
 * unsupported types (`text`, `AS`, `regkey`...) are rejected as `unsupported type <t>`.
 *
 * Provenance: `sourceId` = attribute uuid, `description` = attribute comment (else the
 * object's), `firstSeen`/`lastSeen` from the attribute, `provider` = the event's `Orgc`,
 * tags = event + attribute tag names, TLP from `tlp:*` tags (attribute tags first, most
 * restrictive wins), `feed` = the event's `info`, `bulletin` = the event's uuid, info, `date`
 * and `timestamp` (its last change). Locations are JSON paths such as
 * `$.Event.Object[0].Attribute[2]`. `feedName` is the event info when the document holds
 * one event (or several with the same info), else undefined.
 *
 * Events are searched for at most {@link MAX_MISP_NESTING} arrays and `response` wrappers
 * deep (real documents use two).
 *
 * @throws InputError when the text is not JSON, holds no MISP event, or is nested deeper.
 */
export function parseMisp(text: string, options: ParseOptions = {}): ParseResult {
  const events = locateEvents(parseJsonDocument(text, options.file), options.file);
  const collector = createIocCollector('misp', options);
  const infos = new Set<string | undefined>();
  for (const { event, path } of events) {
    const scope: AttributeScope = { collector, context: eventContext(event), file: options.file };
    infos.add(scope.context.info);
    jsonArray(event.Attribute).forEach((attribute, index) => addAttribute(scope, attribute, `${path}.Attribute[${index}]`));
    jsonArray(event.Object).forEach((object, index) => addObject(scope, object, `${path}.Object[${index}]`));
  }
  const [onlyInfo] = infos;
  return collector.finish(infos.size === 1 ? onlyInfo : undefined);
}

function locateEvents(document: unknown, file: string | undefined): LocatedEvent[] {
  const events = eventsIn(document, { path: '$', depth: 0, file });
  if (events.length === 0) {
    throw new InputError('not a MISP event: expected {"Event": {...}}, {"response": [...]} or an event object', { file });
  }
  return events;
}

/** Recursive, but at most MAX_MISP_NESTING deep: JSON.parse reads any depth, the stack does not. */
function eventsIn(node: unknown, at: SearchPoint): LocatedEvent[] {
  if (at.depth > MAX_MISP_NESTING) {
    const reason = `MISP document nested deeper than ${MAX_MISP_NESTING} levels of arrays and "response" objects`;
    throw new InputError(reason, { file: at.file, path: at.path });
  }
  if (Array.isArray(node)) return node.flatMap((item, index) => eventsIn(item, deeper(at, `[${index}]`)));
  if (!isJsonObject(node)) return [];
  if (isJsonObject(node.Event)) return [{ event: node.Event, path: `${at.path}.Event` }];
  if (node.response !== undefined) return eventsIn(node.response, deeper(at, '.response'));
  const looksLikeEvent = Array.isArray(node.Attribute) || Array.isArray(node.Object) || typeof node.info === 'string';
  return looksLikeEvent ? [{ event: node, path: at.path }] : [];
}

function deeper(at: SearchPoint, step: string): SearchPoint {
  return { ...at, path: `${at.path}${step}`, depth: at.depth + 1 };
}

function eventContext(event: JsonObject): EventContext {
  const org = isJsonObject(event.Orgc) ? event.Orgc : isJsonObject(event.Org) ? event.Org : {};
  const info = jsonString(event.info)?.trim();
  return { info, provider: jsonString(org.name), tags: tagNames(event.Tag), bulletin: eventBulletin(event, info) };
}

/** The event as a publication: uuid, info, `date` and `timestamp` (its last change). */
function eventBulletin(event: JsonObject, info: string | undefined): Bulletin | undefined {
  return buildBulletin({
    id: jsonString(event.uuid),
    title: info,
    published: bulletinDate(event.date, 'date'),
    modified: bulletinDate(event.timestamp, 'timestamp'),
  });
}

function tagNames(tags: unknown): string[] {
  return jsonArray(tags)
    .map((tag) => (isJsonObject(tag) ? jsonString(tag.name) : jsonString(tag)))
    .filter((name): name is string => name !== undefined);
}

function addObject(scope: AttributeScope, object: unknown, path: string): void {
  if (!isJsonObject(object)) return scope.collector.reject({ file: scope.file, path }, '', 'MISP object is not a JSON object');
  const attributes = jsonArray(object.Attribute);
  if (jsonFlag(object.deleted) === true) return attributes.forEach(() => scope.collector.skip('deleted'));
  const objectScope = { ...scope, objectComment: jsonString(object.comment) };
  attributes.forEach((attribute, index) => addAttribute(objectScope, attribute, `${path}.Attribute[${index}]`));
}

function addAttribute(scope: AttributeScope, attribute: unknown, path: string): void {
  const { collector, context } = scope;
  const location = { file: scope.file, path };
  if (!isJsonObject(attribute)) return collector.reject(location, '', 'MISP attribute is not a JSON object');
  if (jsonFlag(attribute.deleted) === true) return collector.skip('deleted');
  if (jsonFlag(attribute.to_ids) === false) return collector.skip('to_ids false');
  const type = jsonString(attribute.type);
  const value = jsonString(attribute.value) ?? '';
  if (type === undefined) return collector.reject(location, value, 'attribute without a type');
  const firstSeen = normalizeTimestamp(attribute.first_seen, 'first_seen');
  if (!firstSeen.ok) return collector.reject(location, value, firstSeen.reason);
  const lastSeen = normalizeTimestamp(attribute.last_seen, 'last_seen');
  if (!lastSeen.ok) return collector.reject(location, value, lastSeen.reason);
  const attributeTags = tagNames(attribute.Tag);
  const provenance = {
    feed: context.info,
    sourceId: jsonString(attribute.uuid),
    description: jsonString(attribute.comment) ?? scope.objectComment,
    provider: context.provider,
    tlp: tlpFromTags(attributeTags) ?? tlpFromTags(context.tags),
    firstSeen: firstSeen.value,
    lastSeen: lastSeen.value,
    tags: [...context.tags, ...attributeTags],
    bulletin: context.bulletin,
  };
  for (const [hint, part] of splitMispValue(type, value)) collector.add({ value: part, hint, provenance, location });
}
