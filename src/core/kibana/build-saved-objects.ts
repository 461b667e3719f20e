import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { DEFAULT_HUNT_INDICES, DEFAULT_PREFIX } from '../defaults.js';
import { buildResourceNames } from '../resource-names.js';

/**
 * Saved objects for triage in Kibana 8.x/9.x or OpenSearch Dashboards 2.x/3.x (README
 * `iochunt kibana export|import`): a data view over `<prefix>-alerts`, one over the tagged events,
 * and saved searches for all findings, each feed and the live-tagged events.
 *
 * Shapes follow real exports:
 * - Kibana (8.8 and later, 9.x): top-level `coreMigrationVersion` + `typeMigrationVersion`,
 *   the form every export has had since 8.8; data view attributes as an 8.13+ export writes
 *   them (the serialised empty `fields`, `fieldAttrs`, ... strings and `allowHidden`); search
 *   attributes from the `search` type's 8.8.0 schema
 *   (`src/plugins/saved_search/server/saved_objects/search.ts`).
 * - OpenSearch Dashboards (a Kibana 7.10 fork): `migrationVersion: { <type>: <version> }`,
 *   `index-pattern` 7.6.0 and `search` 7.9.3, the versions its exports carry.
 *
 * No export-summary line is written: Kibana's import does not need one.
 */

export type SavedObjectsTarget = 'kibana' | 'dashboards';
export type SavedObjectType = 'index-pattern' | 'search';

export interface SavedObjectReference {
  id: string;
  name: string;
  type: 'index-pattern';
}

/**
 * One line of an export file. Kibana objects carry `coreMigrationVersion`,
 * `typeMigrationVersion` and `managed`; OpenSearch Dashboards objects carry `migrationVersion`.
 * Keys are in the alphabetical order Kibana writes them, so exports diff cleanly.
 */
export interface SavedObject {
  attributes: Record<string, unknown>;
  coreMigrationVersion?: string;
  id: string;
  managed?: boolean;
  migrationVersion?: Record<string, string>;
  references: SavedObjectReference[];
  type: SavedObjectType;
  typeMigrationVersion?: string;
}

export interface BuildSavedObjectsOptions {
  /** The `--prefix`: names the alerts alias and goes into every id. */
  prefix: string;
  /** Feed names (`threat.feed.name`); one saved search each. Order and duplicates do not matter. */
  feeds: readonly string[];
  target: SavedObjectsTarget;
  /** Comma-separated index patterns of the events live tagging runs on. */
  eventsPattern?: string;
}

/** The hunt's default event indices (README `iochunt hunt --index`), as one data view title. */
const DEFAULT_EVENTS_PATTERN = DEFAULT_HUNT_INDICES.join(',');

/** The tag live tagging adds to every matching event (README "iochunt pipelines"). */
const LIVE_TAG = 'iochunt-match';

/** Columns of every saved search: who touched which IOC, where. */
const SEARCH_COLUMNS: readonly string[] = [
  '@timestamp',
  'threat.enrichments.matched.atomic',
  'threat.enrichments.matched.field',
  'host.name',
  'source.ip',
  'destination.ip',
  'url.full',
];

/**
 * `coreMigrationVersion` of every Kibana export since 8.8 (it no longer follows the stack
 * version). `typeMigrationVersion` is the oldest version of the 8.x shapes: Kibana refuses an
 * object whose version is newer than it knows, but migrates an older one forward on import
 * (later search model versions, 10.x.0 in 8.10+ exports, included). 8.0.0 is where both types
 * became multi-namespace, so no pre-8.0 conversion (which can regenerate ids) runs.
 */
const KIBANA_CORE_MIGRATION_VERSION = '8.8.0';
const KIBANA_TYPE_MIGRATION_VERSION: Record<SavedObjectType, string> = { 'index-pattern': '8.0.0', search: '8.0.0' };

/** The versions OpenSearch Dashboards 2.x exports carry for these types. */
const DASHBOARDS_MIGRATION_VERSION: Record<SavedObjectType, string> = { 'index-pattern': '7.6.0', search: '7.9.3' };

const INDEX_REF_NAME = 'kibanaSavedObjectMeta.searchSourceJSON.index';

/** A KQL quoted string: only `\` and `"` need escaping inside double quotes. */
function kqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `field : "value"`, the form Kibana's query bar writes. */
function kqlEquals(field: string, value: string): string {
  return `${field} : ${kqlString(value)}`;
}

/**
 * A stable id for a feed's saved search: a readable slug plus a hash of the exact name, so
 * "CERTFR 2021" and "certfr-2021" stay distinct and long MISP event titles stay short.
 */
function feedSlug(feed: string): string {
  const slug = feed
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(feed).digest('hex').slice(0, 12);
  return slug ? `${slug}-${hash}` : hash;
}

function normalizePattern(pattern: string): string {
  const parts = pattern
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError('the events index pattern is empty: give at least one pattern, e.g. logs-*');
  return parts.join(',');
}

interface ObjectSpec {
  id: string;
  type: SavedObjectType;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
}

function finish(spec: ObjectSpec, target: SavedObjectsTarget): SavedObject {
  if (target === 'kibana') {
    return {
      attributes: spec.attributes,
      coreMigrationVersion: KIBANA_CORE_MIGRATION_VERSION,
      id: spec.id,
      managed: false,
      references: spec.references,
      type: spec.type,
      typeMigrationVersion: KIBANA_TYPE_MIGRATION_VERSION[spec.type],
    };
  }
  return {
    attributes: spec.attributes,
    id: spec.id,
    migrationVersion: { [spec.type]: DASHBOARDS_MIGRATION_VERSION[spec.type] },
    references: spec.references,
    type: spec.type,
  };
}

function dataView(id: string, title: string, name: string, target: SavedObjectsTarget): ObjectSpec {
  // Kibana 8 data views store no field list (fields are read from the cluster when opened);
  // an export still writes the serialised empty values, and so do we.
  const attributes =
    target === 'kibana'
      ? {
          allowHidden: false,
          fieldAttrs: '{}',
          fieldFormatMap: '{}',
          fields: '[]',
          name,
          runtimeFieldMap: '{}',
          sourceFilters: '[]',
          timeFieldName: '@timestamp',
          title,
        }
      : // OpenSearch Dashboards fetches the fields of an index pattern that has none stored.
        { timeFieldName: '@timestamp', title };
  return { id, type: 'index-pattern', attributes, references: [] };
}

function savedSearch(
  spec: { id: string; title: string; description: string; query: string; dataViewId: string },
  target: SavedObjectsTarget,
): ObjectSpec {
  const query = { query: spec.query, language: 'kuery' };
  const searchSource =
    target === 'kibana'
      ? { query, filter: [], indexRefName: INDEX_REF_NAME }
      : { query, highlightAll: true, version: true, filter: [], indexRefName: INDEX_REF_NAME };
  const meta = { searchSourceJSON: JSON.stringify(searchSource) };
  const columns = [...SEARCH_COLUMNS];
  const sort = [['@timestamp', 'desc']];
  const attributes =
    target === 'kibana'
      ? {
          columns,
          description: spec.description,
          grid: {},
          hideChart: false,
          isTextBasedQuery: false,
          kibanaSavedObjectMeta: meta,
          sort,
          timeRestore: false,
          title: spec.title,
        }
      : { columns, description: spec.description, hits: 0, kibanaSavedObjectMeta: meta, sort, title: spec.title, version: 1 };
  return { id: spec.id, type: 'search', attributes, references: [{ id: spec.dataViewId, name: INDEX_REF_NAME, type: 'index-pattern' }] };
}

/**
 * The saved objects of `iochunt kibana export`, in import order (data views before the
 * searches that reference them). Ids are derived from the prefix and the purpose only
 * (`iochunt-<prefix>-alerts-data-view`, ...), so importing again with `overwrite=true`
 * replaces the previous objects instead of adding copies. Feeds are de-duplicated and sorted,
 * so the same feeds give byte-identical output. With a prefix other than `iochunt`, titles end
 * in ` (<prefix>)` so two prefixes in one Kibana stay apart.
 *
 * Pitfalls: the events data view is not filtered by the tag (the live-tagged search is); the
 * Kibana shape is for Kibana 8.8 and later (older releases predate `typeMigrationVersion`).
 * Pure: does not mutate `options.feeds`. Throws a UsageError for an invalid prefix or an
 * empty events pattern.
 */
export function buildSavedObjects(options: BuildSavedObjectsOptions): SavedObject[] {
  const names = buildResourceNames(options.prefix);
  const { prefix } = names;
  const target = options.target;
  const eventsPattern = normalizePattern(options.eventsPattern ?? DEFAULT_EVENTS_PATTERN);
  const feeds = [...new Set(options.feeds.filter((feed) => feed.trim() !== ''))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const suffix = prefix === DEFAULT_PREFIX ? '' : ` (${prefix})`;
  const alertsViewId = `iochunt-${prefix}-alerts-data-view`;
  const eventsViewId = `iochunt-${prefix}-events-data-view`;

  const specs: ObjectSpec[] = [
    dataView(alertsViewId, names.alerts, `iochunt alerts (${prefix})`, target),
    dataView(eventsViewId, eventsPattern, `iochunt tagged events (${prefix})`, target),
    savedSearch(
      {
        id: `iochunt-${prefix}-all-findings`,
        title: `iochunt – all findings${suffix}`,
        description: `Every retro-hunt finding in ${names.alerts}: one document per (event, IOC).`,
        query: '',
        dataViewId: alertsViewId,
      },
      target,
    ),
    ...feeds.map((feed) =>
      savedSearch(
        {
          id: `iochunt-${prefix}-feed-${feedSlug(feed)}`,
          title: `iochunt – ${feed}${suffix}`,
          description: `Findings in ${names.alerts} for the IOCs of feed ${feed}.`,
          query: kqlEquals('threat.enrichments.feed.name', feed),
          dataViewId: alertsViewId,
        },
        target,
      ),
    ),
    savedSearch(
      {
        id: `iochunt-${prefix}-live-tagged-events`,
        title: `iochunt – live-tagged events${suffix}`,
        description: `New events the ${names.tagPipeline} ingest pipeline tagged ${LIVE_TAG} (matched an active IOC at ingest).`,
        query: kqlEquals('tags', LIVE_TAG),
        dataViewId: eventsViewId,
      },
      target,
    ),
  ];
  return specs.map((spec) => finish(spec, target));
}

/**
 * An export file: one JSON object per line, each line ending with `\n`, as Kibana's export
 * API writes it (without its optional trailing summary line, which the import does not need).
 */
export function toNdjson(objects: readonly SavedObject[]): string {
  return objects.map((object) => `${JSON.stringify(object)}\n`).join('');
}
