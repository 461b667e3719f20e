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

/** A Kibana 8.x export recorded from the docs and public exports: one data view, one saved search. */
const RECORDED = readFileSync(new URL('../../fixtures/kibana/kibana-8-export.ndjson', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string; attributes: Record<string, unknown> });

/**
 * Written by Kibana on every write, not by an export's author: the import drops `version`
 * (core's create_saved_objects.ts, "filter out the 'version' field") and stamps
 * `created_at`/`updated_at` itself. Our objects leave them out rather than invent values.
 */
const SERVER_BOOKKEEPING = ['created_at', 'updated_at', 'version'];

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

  describe('against a recorded Kibana 8.x export', () => {
    const objects = buildSavedObjects({ prefix: 'soc', feeds: FEEDS, target: 'kibana' });

    it('holds one data view and one saved search', () => {
      expect(RECORDED.map((o) => o.type)).toEqual(['index-pattern', 'search']);
    });

    it('has the recorded top-level keys, less the ones Kibana writes itself', () => {
      for (const object of objects) {
        const recorded = RECORDED.find((o) => o.type === object.type);
        const expected = sortedKeys(recorded ?? {}).filter((key) => !SERVER_BOOKKEEPING.includes(key));
        expect(sortedKeys(object)).toEqual(expected);
      }
    });

    it('has the recorded attribute keys per type', () => {
      for (const object of objects) {
        const recorded = RECORDED.find((o) => o.type === object.type);
        expect(sortedKeys(object.attributes)).toEqual(sortedKeys(recorded?.attributes ?? {}));
      }
    });

    it('has the recorded searchSourceJSON keys and reference name', () => {
      const recorded = RECORDED.find((o) => o.type === 'search');
      const recordedMeta = recorded?.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
      const recordedSource = JSON.parse(recordedMeta.searchSourceJSON) as Record<string, unknown>;
      for (const search of objects.filter((o) => o.type === 'search')) {
        const source = JSON.parse((search.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as Record<string, unknown>;
        expect(sortedKeys(source)).toEqual(sortedKeys(recordedSource));
        expect(search.references.map((r) => [r.name, r.type])).toEqual((recorded?.references as { name: string; type: string }[]).map((r) => [r.name, r.type]));
      }
    });

    it('claims no newer version than the recorded export', () => {
      for (const object of objects) {
        const recorded = RECORDED.find((o) => o.type === object.type);
        expect(object.coreMigrationVersion).toBe(recorded?.coreMigrationVersion);
        const major = (version: unknown) => Number(String(version).split('.')[0]);
        expect(major(object.typeMigrationVersion)).toBeLessThanOrEqual(major(recorded?.typeMigrationVersion));
      }
    });
  });
});
