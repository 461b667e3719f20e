import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { installTagPipeline } from '../../../src/io/live/install-tag-pipeline.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const IOC = '105.154.12.165';
const { file } = useTempFiles('times');

/**
 * The table, one event per form a `date` field accepts by default, each touching the
 * IOC; plus one without @timestamp and one whose @timestamp the engine cannot read (kept by
 * `ignore_malformed`). Expected instants written by hand.
 */
const EVENTS: { id: string; timestamp?: unknown; expected?: string }[] = [
  { id: 'zoned', timestamp: '2023-05-08T05:05:05.123+02:00', expected: '2023-05-08T03:05:05.123Z' },
  { id: 'no-zone', timestamp: '2023-05-05T05:05:05', expected: '2023-05-05T05:05:05.000Z' },
  { id: 'date-only', timestamp: '2023-05-06', expected: '2023-05-06T00:00:00.000Z' },
  { id: 'millis-text', timestamp: '1683500000000', expected: '2023-05-07T22:53:20.000Z' },
  { id: 'millis-number', timestamp: 1683400000000, expected: '2023-05-06T19:06:40.000Z' },
  { id: 'absent' },
  { id: 'unreadable', timestamp: 'yesterday' },
];

function source(event: (typeof EVENTS)[number]): Record<string, unknown> {
  return { ...(event.timestamp === undefined ? {} : { '@timestamp': event.timestamp }), destination: { ip: IOC }, host: { name: event.id } };
}

describe.each(['opensearch', 'elasticsearch'] as const)('event times on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName(`times-${flavor.slice(0, 2)}`);
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs`;
  const custom = `${prefix}-custom`;

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [file(`ioc-${flavor}.txt`, `${IOC}\n`)], prefix, feed: 'times' });
    // Default format; ignore_malformed keeps the unreadable event (its @timestamp is not indexed).
    await fx.engine.createIndex(logs, { mappings: { properties: { '@timestamp': { type: 'date', ignore_malformed: true }, destination: { properties: { ip: { type: 'ip' } } } } } });
    await fx.engine.createIndex(custom, { mappings: { properties: { '@timestamp': { type: 'date', format: 'yyyy/MM/dd HH:mm:ss' }, destination: { properties: { ip: { type: 'ip' } } } } } });
    const body = [
      ...EVENTS.map((e) => `${JSON.stringify({ index: { _index: logs, _id: e.id } })}\n${JSON.stringify(source(e))}\n`),
      `${JSON.stringify({ index: { _index: custom, _id: 'custom' } })}\n${JSON.stringify({ '@timestamp': '2023/05/07 05:05:05', destination: { ip: IOC }, host: { name: 'custom' } })}\n`,
    ].join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((i) => i.status)).toEqual(items.map(() => 201));
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([logs, custom, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('hunts every form the engine reads, writes ISO @timestamp on the alerts (the original kept), and names the events it cannot time', async () => {
    const warnings: string[] = [];
    const summary = await runHunt(fx.engine, { prefix, index: [logs, custom], since: '2023-01-01', until: '2024-01-01', onWarning: (w) => warnings.push(w) });
    await fx.engine.refresh(names.alerts);
    const alerts: Record<string, { at: unknown; original: unknown }> = {};
    for await (const page of fx.engine.scanDocuments({ index: names.alerts, source: ['@timestamp', 'host.name', 'iochunt.event'] })) {
      for (const hit of page) {
        const s = hit.source as { '@timestamp': unknown; host: { name: string }; iochunt: { event: { timestamp?: unknown } } };
        alerts[s.host.name] = { at: s['@timestamp'], original: s.iochunt.event.timestamp };
      }
    }
    expect(alerts).toEqual({
      zoned: { at: '2023-05-08T03:05:05.123Z', original: '2023-05-08T05:05:05.123+02:00' },
      'no-zone': { at: '2023-05-05T05:05:05.000Z', original: '2023-05-05T05:05:05' },
      'date-only': { at: '2023-05-06T00:00:00.000Z', original: '2023-05-06' },
      'millis-text': { at: '2023-05-07T22:53:20.000Z', original: '1683500000000' },
      'millis-number': { at: '2023-05-06T19:06:40.000Z', original: 1683400000000 },
      // The mapping's own format, read by the engine.
      custom: { at: '2023-05-07T05:05:05.000Z', original: '2023/05/07 05:05:05' },
    });
    expect(summary.totals.findings).toBe(6);
    expect(summary.untimed).toEqual([{ index: logs, count: 2, samples: expect.arrayContaining(['absent', 'unreadable']) }]);
    expect(warnings).toContain(`${logs}: 2 event(s) touching hunted IOCs have no readable @timestamp and cannot be hunted (e.g. _id ${summary.untimed[0]!.samples.join(', ')})`);
    expect(summary.warnings).toContain(warnings.find((w) => w.includes('no readable @timestamp')));
  });
});

describe('live tagging of every event time on OpenSearch (script strategy)', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('times-live');
  const names = buildResourceNames(prefix);
  const index = `${prefix}-events`;

  beforeAll(async () => {
    // Valid from 2023 on, so the validity window decides, not only the presence of the IOC.
    await syncIocs(fx.engine, { sources: [file('ioc-live.txt', `${IOC}\n`)], prefix, feed: 'times', huntFrom: '2023-01-01' });
    await installTagPipeline(fx.engine, { prefix });
    await fx.engine.createIndex(index, {
      settings: { 'index.final_pipeline': names.tagPipeline },
      mappings: { properties: { '@timestamp': { type: 'date', ignore_malformed: true }, destination: { properties: { ip: { type: 'ip' } } } } },
    });
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([index, names.iocs, names.state]);
    await fx.engine.deletePipeline(names.tagPipeline);
  });

  it('tags the forms the hunt finds, uses the ingest time without @timestamp, marks an unreadable one, and keeps an event before hunt_from untagged', async () => {
    const events = [...EVENTS, { id: 'before', timestamp: '2022-12-31T23:59:59Z' }];
    const body = events.map((e) => `${JSON.stringify({ index: { _index: index, _id: e.id } })}\n${JSON.stringify(source(e))}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((i) => i.status)).toEqual(events.map(() => 201));
    const docs = await fx.engine.fetchDocuments(index, events.map((e) => e.id));
    const state = Object.fromEntries(
      events.map((e) => {
        const doc = docs.get(e.id)!.source as { tags?: string[]; iochunt?: { error?: string }; threat?: { enrichments: unknown[] } };
        return [e.id, { tags: doc.tags ?? [], enrichments: doc.threat?.enrichments.length ?? 0, ...(doc.iochunt?.error ? { error: doc.iochunt.error } : {}) }];
      }),
    );
    const tagged = { tags: ['iochunt-match'], enrichments: 1 };
    expect(state).toEqual({
      zoned: tagged,
      'no-zone': tagged,
      'date-only': tagged,
      'millis-text': tagged,
      'millis-number': tagged,
      absent: tagged,
      unreadable: { tags: ['iochunt-error'], enrichments: 0, error: 'unreadable @timestamp "yesterday": not strict_date_optional_time or epoch_millis; the event was not matched' },
      before: { tags: [], enrichments: 0 },
    });
  });
});
