import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSavedObjects, toNdjson, type SavedObject } from '../../../src/core/kibana/build-saved-objects.js';
import { UsageError } from '../../../src/errors.js';

const FEEDS = ['MISP event: APT31 "routers"', 'CERTFR-2021-IOC-003'];

const COLUMNS = [
  '@timestamp',
  'threat.enrichments.matched.atomic',
  'threat.enrichments.matched.field',
  'host.name',
  'source.ip',
  'destination.ip',
  'url.full',
];
const SORT = [['@timestamp', 'desc']];
const INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
const ALERTS_VIEW = 'iochunt-soc-alerts-data-view';
const EVENTS_VIEW = 'iochunt-soc-events-data-view';
const CERTFR_ID = 'iochunt-soc-feed-certfr-2021-ioc-003-333e18758aca';
const MISP_ID = 'iochunt-soc-feed-misp-event-apt31-routers-294587166714';
const alertsRef = [{ id: ALERTS_VIEW, name: INDEX_REF, type: 'index-pattern' }];
const eventsRef = [{ id: EVENTS_VIEW, name: INDEX_REF, type: 'index-pattern' }];

/** Kibana 8.8+ top-level version fields (the shape of every export since 8.8). */
const kibanaVersions = (type: 'index-pattern' | 'search') => ({
  coreMigrationVersion: '8.8.0',
  managed: false,
  type,
  typeMigrationVersion: '8.0.0',
});

const KIBANA_OBJECTS = [
  {
    attributes: {
      allowHidden: false,
      fieldAttrs: '{}',
      fieldFormatMap: '{}',
      fields: '[]',
      name: 'iochunt alerts (soc)',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
      timeFieldName: '@timestamp',
      title: 'soc-alerts',
    },
    id: ALERTS_VIEW,
    references: [],
    ...kibanaVersions('index-pattern'),
  },
  {
    attributes: {
      allowHidden: false,
      fieldAttrs: '{}',
      fieldFormatMap: '{}',
      fields: '[]',
      name: 'iochunt tagged events (soc)',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
      timeFieldName: '@timestamp',
      title: 'logs-*,filebeat-*,packetbeat-*,winlogbeat-*',
    },
    id: EVENTS_VIEW,
    references: [],
    ...kibanaVersions('index-pattern'),
  },
  {
    attributes: {
      columns: COLUMNS,
      description: 'Every retro-hunt finding in soc-alerts: one document per (event, IOC).',
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: String.raw`{"query":{"query":"","language":"kuery"},"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
      },
      sort: SORT,
      timeRestore: false,
      title: 'iochunt – all findings (soc)',
    },
    id: 'iochunt-soc-all-findings',
    references: alertsRef,
    ...kibanaVersions('search'),
  },
  {
    attributes: {
      columns: COLUMNS,
      description: 'Findings in soc-alerts for the IOCs of feed CERTFR-2021-IOC-003.',
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: String.raw`{"query":{"query":"threat.enrichments.feed.name : \"CERTFR-2021-IOC-003\"","language":"kuery"},"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
      },
      sort: SORT,
      timeRestore: false,
      title: 'iochunt – CERTFR-2021-IOC-003 (soc)',
    },
    id: CERTFR_ID,
    references: alertsRef,
    ...kibanaVersions('search'),
  },
  {
    attributes: {
      columns: COLUMNS,
      description: 'Findings in soc-alerts for the IOCs of feed MISP event: APT31 "routers".',
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: String.raw`{"query":{"query":"threat.enrichments.feed.name : \"MISP event: APT31 \\\"routers\\\"\"","language":"kuery"},"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
      },
      sort: SORT,
      timeRestore: false,
      title: 'iochunt – MISP event: APT31 "routers" (soc)',
    },
    id: MISP_ID,
    references: alertsRef,
    ...kibanaVersions('search'),
  },
  {
    attributes: {
      columns: COLUMNS,
      description: 'New events the soc-tag ingest pipeline tagged iochunt-match (matched an active IOC at ingest).',
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: String.raw`{"query":{"query":"tags : \"iochunt-match\"","language":"kuery"},"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
      },
      sort: SORT,
      timeRestore: false,
      title: 'iochunt – live-tagged events (soc)',
    },
    id: 'iochunt-soc-live-tagged-events',
    references: eventsRef,
    ...kibanaVersions('search'),
  },
];

const dashboardsSearch = (id: string, title: string, description: string, query: string, references: typeof alertsRef) => ({
  attributes: {
    columns: COLUMNS,
    description,
    hits: 0,
    kibanaSavedObjectMeta: { searchSourceJSON: query },
    sort: SORT,
    title,
    version: 1,
  },
  id,
  migrationVersion: { search: '7.9.3' },
  references,
  type: 'search',
});

const DASHBOARDS_OBJECTS = [
  {
    attributes: { timeFieldName: '@timestamp', title: 'soc-alerts' },
    id: ALERTS_VIEW,
    migrationVersion: { 'index-pattern': '7.6.0' },
    references: [],
    type: 'index-pattern',
  },
  {
    attributes: { timeFieldName: '@timestamp', title: 'logs-*,filebeat-*,packetbeat-*,winlogbeat-*' },
    id: EVENTS_VIEW,
    migrationVersion: { 'index-pattern': '7.6.0' },
    references: [],
    type: 'index-pattern',
  },
  dashboardsSearch(
    'iochunt-soc-all-findings',
    'iochunt – all findings (soc)',
    'Every retro-hunt finding in soc-alerts: one document per (event, IOC).',
    String.raw`{"query":{"query":"","language":"kuery"},"highlightAll":true,"version":true,"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
    alertsRef,
  ),
  dashboardsSearch(
    CERTFR_ID,
    'iochunt – CERTFR-2021-IOC-003 (soc)',
    'Findings in soc-alerts for the IOCs of feed CERTFR-2021-IOC-003.',
    String.raw`{"query":{"query":"threat.enrichments.feed.name : \"CERTFR-2021-IOC-003\"","language":"kuery"},"highlightAll":true,"version":true,"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
    alertsRef,
  ),
  dashboardsSearch(
    MISP_ID,
    'iochunt – MISP event: APT31 "routers" (soc)',
    'Findings in soc-alerts for the IOCs of feed MISP event: APT31 "routers".',
    String.raw`{"query":{"query":"threat.enrichments.feed.name : \"MISP event: APT31 \\\"routers\\\"\"","language":"kuery"},"highlightAll":true,"version":true,"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
    alertsRef,
  ),
  dashboardsSearch(
    'iochunt-soc-live-tagged-events',
    'iochunt – live-tagged events (soc)',
    'New events the soc-tag ingest pipeline tagged iochunt-match (matched an active IOC at ingest).',
    String.raw`{"query":{"query":"tags : \"iochunt-match\"","language":"kuery"},"highlightAll":true,"version":true,"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
    eventsRef,
  ),
];

type RealObject = Record<string, unknown> & { type: string; attributes: Record<string, unknown>; references?: { name: string; type: string }[] };

/** Saved objects of a real export (test/fixtures/kibana/README.md names the repository, path and commit of each). */
function realExport(file: string): RealObject[] {
  return readFileSync(new URL(`../../fixtures/kibana/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RealObject)
    .filter((object) => object.type !== undefined); // the export summary line has no type
}

const REAL_KIBANA = realExport('kibana-managed-content.ndjson');
const REAL_DASHBOARDS = [...realExport('opensearch-dashboards-import.ndjson'), ...realExport('opensearch-dashboards-nginx-search.ndjson')];

/**
 * Written by Kibana on every write, not by an export's author: the import drops `version`
 * (core's create_saved_objects.ts, "filter out the 'version' field") and stamps
 * `created_at`/`updated_at` itself. Our objects leave them out rather than invent values.
 */
const SERVER_BOOKKEEPING = ['created_at', 'updated_at', 'version'];

/**
 * Attribute keys the real objects carry and ours leave out, each optional for its product:
 * Kibana's `usesAdHocDataView` is `schema.maybe(schema.boolean())` in the saved search schema
 * (src/platform/plugins/shared/saved_search/server/saved_objects/schema.ts); Dashboards fills an
 * index pattern's `fields` from the cluster when none are stored.
 */
const OPTIONAL_LEFT_OUT: Record<'kibana' | 'dashboards', Record<string, string[]>> = {
  kibana: { 'index-pattern': [], search: ['usesAdHocDataView'] },
  dashboards: { 'index-pattern': ['fields'], search: [] },
};

const sortedKeys = (object: object): string[] => Object.keys(object).sort();

describe('buildSavedObjects', () => {
  it('builds the Kibana 8 data views and saved searches for a prefix with two feeds', () => {
    expect(buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target: 'kibana' })).toEqual(KIBANA_OBJECTS);
  });

  it('builds the OpenSearch Dashboards shape of the same objects', () => {
    expect(buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target: 'dashboards' })).toEqual(DASHBOARDS_OBJECTS);
  });

  it('gives the same ids and bytes on every call, whatever the feed order and duplicates', () => {
    const first = toNdjson(buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target: 'kibana' }));
    const again = toNdjson(buildSavedObjects({ prefix: 'soc', feeds: [...FEEDS].reverse().concat(FEEDS[0] ?? ''), target: 'kibana' }));
    expect(again).toBe(first);
  });

  it('keeps the ids of a target identical in the other target, so both overwrite the same objects', () => {
    const ids = (target: 'kibana' | 'dashboards') => buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target }).map((o) => o.id);
    expect(ids('dashboards')).toEqual(ids('kibana'));
  });

  it('gives feeds whose slugs collide distinct ids', () => {
    const objects = buildSavedObjects({ prefix: 'soc', feeds: ['CERTFR 2021', 'certfr-2021'], target: 'kibana' });
    const feedIds = objects.filter((o) => o.id.includes('-feed-')).map((o) => o.id);
    expect(feedIds).toHaveLength(2);
    expect(new Set(feedIds).size).toBe(2);
  });

  it('titles objects without a suffix for the default prefix', () => {
    const titles = buildSavedObjects({ prefix: 'iochunt', feeds: ['CERTFR-2021-IOC-003'], target: 'kibana' }).map((o) => o.attributes.title);
    expect(titles).toEqual([
      'iochunt-alerts',
      'logs-*,filebeat-*,packetbeat-*,winlogbeat-*',
      'iochunt – all findings',
      'iochunt – CERTFR-2021-IOC-003',
      'iochunt – live-tagged events',
    ]);
  });

  it('uses the given events pattern, trimmed, for the tagged-events data view', () => {
    const [, events] = buildSavedObjects({ prefix: 'soc', feeds: [], target: 'dashboards', eventsPattern: ' logs-fw-* , winlogbeat-* ' });
    expect(events?.attributes.title).toBe('logs-fw-*,winlogbeat-*');
  });

  it('writes a KQL query that reads back as the exact feed name', () => {
    const misp = buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target: 'kibana' }).find((o) => o.id === MISP_ID);
    const source = JSON.parse(String((misp?.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON)) as {
      query: { query: string; language: string };
    };
    expect(source.query).toEqual({ query: 'threat.enrichments.feed.name : "MISP event: APT31 \\"routers\\""', language: 'kuery' });
  });

  it('does not mutate the feed list it is given', () => {
    const feeds = [...FEEDS, FEEDS[0] ?? ''];
    const copy = [...feeds];
    buildSavedObjects({ prefix: 'soc', feeds, target: 'kibana' });
    expect(feeds).toEqual(copy);
  });

  it('refuses an invalid prefix and an empty events pattern', () => {
    expect(() => buildSavedObjects({ prefix: 'Bad Prefix', feeds: [], target: 'kibana' })).toThrow(UsageError);
    expect(() => buildSavedObjects({ prefix: 'soc', feeds: [], target: 'kibana', eventsPattern: ' , ' })).toThrow(UsageError);
  });

  for (const target of ['kibana', 'dashboards'] as const) {
    describe(`${target} objects`, () => {
      const objects = buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target });

      it('carry every field the import API requires', () => {
        for (const object of objects) {
          expect(object).toEqual(
            expect.objectContaining({ id: expect.any(String), type: expect.any(String), attributes: expect.any(Object), references: expect.any(Array) }),
          );
          if (target === 'kibana') {
            expect(object).toEqual(expect.objectContaining({ coreMigrationVersion: expect.any(String), typeMigrationVersion: expect.any(String) }));
            expect(object.migrationVersion).toBeUndefined();
          } else {
            expect(object.migrationVersion).toEqual({ [object.type]: expect.any(String) });
            expect(object.coreMigrationVersion).toBeUndefined();
          }
        }
      });

      it('reference only data views that are in the same export, and come after them', () => {
        const seen = new Set<string>();
        for (const object of objects) {
          for (const reference of object.references) {
            expect(reference.type).toBe('index-pattern');
            expect(seen.has(reference.id)).toBe(true);
          }
          if (object.type === 'index-pattern') seen.add(object.id);
        }
        const searches = objects.filter((o) => o.type === 'search');
        expect(searches).toHaveLength(4);
        for (const search of searches) {
          const source = JSON.parse((search.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { indexRefName: string };
          expect(search.references.map((r) => r.name)).toEqual([source.indexRefName]);
        }
      });

      it('serialise to NDJSON that parses back line by line', () => {
        const ndjson = toNdjson(objects);
        expect(ndjson.endsWith('}\n')).toBe(true);
        const lines = ndjson.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(objects.length);
        expect(lines.map((line) => JSON.parse(line) as SavedObject)).toEqual(objects);
      });
    });
  }

  for (const [target, real] of [
    ['kibana', REAL_KIBANA],
    ['dashboards', REAL_DASHBOARDS],
  ] as const) {
    describe(`${target} objects, against a real ${target === 'kibana' ? 'Kibana 8.x' : 'OpenSearch Dashboards 2.x'} export`, () => {
      const objects = buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target });
      const realOf = (type: string) => real.find((o) => o.type === type);

      it('has one real data view and one real saved search to compare with', () => {
        expect(real.map((o) => o.type).sort()).toEqual(['index-pattern', 'search']);
      });

      it('has the real top-level keys of its type, less the ones the server writes itself', () => {
        for (const object of objects) {
          const expected = sortedKeys(realOf(object.type) ?? {}).filter((key) => !SERVER_BOOKKEEPING.includes(key));
          expect(sortedKeys(object), `${object.type} ${object.id}`).toEqual(expected);
        }
      });

      it('has the real attribute keys of its type, less only the optional ones it leaves out', () => {
        for (const object of objects) {
          const left = OPTIONAL_LEFT_OUT[target][object.type] ?? [];
          const expected = sortedKeys(realOf(object.type)?.attributes ?? {}).filter((key) => !left.includes(key));
          expect(sortedKeys(object.attributes), `${object.type} ${object.id}`).toEqual(expected);
        }
      });

      it('has the real searchSourceJSON keys and reference name and type', () => {
        const search = realOf('search');
        const realSource = JSON.parse((search?.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as Record<string, unknown>;
        for (const object of objects.filter((o) => o.type === 'search')) {
          const source = JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as Record<string, unknown>;
          expect(sortedKeys(source)).toEqual(sortedKeys(realSource));
          expect(object.references.map((r) => [r.name, r.type])).toEqual((search?.references ?? []).map((r) => [r.name, r.type]));
        }
      });

      it('claims no newer migration version than the real export', () => {
        const major = (version: unknown) => Number(String(version).split('.')[0]);
        for (const object of objects) {
          const match = realOf(object.type);
          if (target === 'kibana') {
            expect(object.coreMigrationVersion).toBe(match?.coreMigrationVersion);
            expect(major(object.typeMigrationVersion)).toBeLessThanOrEqual(major(match?.typeMigrationVersion));
          } else {
            expect(object.migrationVersion).toEqual(match?.migrationVersion);
          }
        }
      });
    });
  }
});
