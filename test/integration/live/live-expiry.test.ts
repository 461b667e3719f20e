/**
 * Issue 15, item 4, "Expiry while live": an IOC whose `valid_until` passes stops tagging without a
 * new sync. The pipeline carries each IOC's `valid_until` and compares it, plus the grace, with
 * the event's time (`pipelines/tag-reshape.painless`), so nothing needs refreshing when an IOC
 * expires: this test syncs and installs once, lets `valid_until` pass, and indexes the same events
 * again. OpenSearch only (script strategy): the local Elasticsearch build has neither the
 * ingest-common nor the enrich module, so it cannot run the pipeline; the enrich strategy runs the
 * same reshape script (`strategies-agree.test.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import type { IngestPipeline } from '../../../src/io/engine/engine.js';
import { installTagPipeline } from '../../../src/io/live/install-tag-pipeline.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const EXPIRING = '185.220.101.7';
const LASTING = '45.155.205.77';
/** Long enough for the in-process sync, install and first indexing; short enough to wait for. */
const LIFETIME_MS = 3_000;

const { file } = useTempFiles('expiry');

type Tagged = { tags?: string[]; threat?: { enrichments: { matched: { atomic: string; id: string; type: string } }[] } } & Record<string, unknown>;
type Phase = 'before' | 'after';
type Which = 'expiring' | 'lasting';
/** An event as sent and as the engine stored it after the pipeline. */
type Indexed = { sent: Record<string, unknown>; stored: Tagged };

/** The grace the installed pipeline adds to every `valid_until` (its one script's params, which the reshape reads). */
function graceOf(pipeline: IngestPipeline): number {
  const reshape = pipeline.processors.find((p) => (p.script as { tag?: string } | undefined)?.tag === 'iochunt-lookup');
  return (reshape?.script as { params: { graceMs: number } }).params.graceMs;
}

describe('expiry while live on OpenSearch (script strategy)', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('expiry');
  const names = buildResourceNames(prefix);
  const index = `${prefix}-events`;
  let validUntil = 0;
  let installed: IngestPipeline | undefined;
  let setVersion = 0;
  const docs = {} as Record<Phase, Record<Which, Indexed>>;

  /** Indexes one event per IOC with `@timestamp` now and reads them back as stored. */
  async function ingest(phase: Phase): Promise<void> {
    const now = new Date().toISOString();
    const sent: Record<Which, Record<string, unknown>> = {
      expiring: { '@timestamp': now, destination: { ip: EXPIRING }, host: { name: 'web-1' }, n: 1.5 },
      lasting: { '@timestamp': now, destination: { ip: LASTING }, host: { name: 'web-1' }, n: 1.5 },
    };
    const which = ['expiring', 'lasting'] as const;
    const body = which.map((w) => `${JSON.stringify({ index: { _index: index, _id: `${phase}-${w}` } })}\n${JSON.stringify(sent[w])}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((i) => i.status)).toEqual([201, 201]);
    const stored = await fx.engine.fetchDocuments(index, which.map((w) => `${phase}-${w}`));
    const read = (w: Which): Indexed => ({ sent: sent[w], stored: stored.get(`${phase}-${w}`)!.source as Tagged });
    docs[phase] = { expiring: read('expiring'), lasting: read('lasting') };
  }

  beforeAll(async () => {
    validUntil = Date.now() + LIFETIME_MS;
    const csv = `value,valid_until\n${EXPIRING},${new Date(validUntil).toISOString()}\n${LASTING},\n`;
    await syncIocs(fx.engine, { sources: [file('expiring.csv', csv)], prefix, feed: 'expiring', format: 'csv' });
    await installTagPipeline(fx.engine, { prefix });
    await fx.engine.createIndex(index, {
      settings: { number_of_shards: 1, number_of_replicas: 0, 'index.final_pipeline': names.tagPipeline },
      mappings: { properties: { destination: { properties: { ip: { type: 'ip' } } } } },
    });
    installed = await fx.engine.fetchPipeline(names.tagPipeline);
    setVersion = (await new StateStore(fx.engine, names.state).fetchSetVersion()).version;
    await ingest('before');
    const first = docs.before.expiring.sent['@timestamp'] as string;
    if (Date.parse(first) > validUntil) throw new Error(`setup took more than ${LIFETIME_MS} ms: the first event (${first}) was already after valid_until`);
    // No sync, no install from here on: only the clock moves past valid_until + grace.
    const deadline = validUntil + graceOf(installed!);
    while (Date.now() <= deadline) await new Promise((resolve) => setTimeout(resolve, Math.max(1, deadline + 1 - Date.now())));
    await ingest('after');
  }, 30_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([index, names.iocs, names.state]);
    await fx.engine.deletePipeline(names.tagPipeline);
  });

  it('installs the script strategy with the default grace of 0 ms, so the wait is only the IOC lifetime', () => {
    expect(installed?.processors.map((p) => Object.keys(p)[0])).toEqual(['script']);
    expect(graceOf(installed!)).toBe(0);
  });

  it('tags an event touching the IOC before its valid_until', () => {
    const { sent, stored } = docs.before.expiring;
    expect(stored).toEqual({
      ...sent,
      tags: ['iochunt-match'],
      threat: { enrichments: [expect.objectContaining({ matched: expect.objectContaining({ atomic: EXPIRING, field: 'destination.ip', type: 'iochunt_live_tag' }) })] },
    });
  });

  it('leaves the same event untagged, its _source unchanged, once valid_until + grace has passed', () => {
    const { sent, stored } = docs.after.expiring;
    expect(Date.parse(sent['@timestamp'] as string)).toBeGreaterThan(validUntil + graceOf(installed!));
    expect(stored).toEqual(sent);
  });

  it('keeps tagging an IOC without valid_until after the wait', () => {
    for (const phase of ['before', 'after'] as const) {
      const { sent, stored } = docs[phase].lasting;
      expect(stored.tags, phase).toEqual(['iochunt-match']);
      expect(stored.threat?.enrichments.map((e) => e.matched.atomic), phase).toEqual([LASTING]);
      expect({ ...stored, tags: undefined, threat: undefined }, phase).toEqual({ ...sent, tags: undefined, threat: undefined });
    }
  });

  it('needs no new sync or reinstall: the pipeline, the IOC-set version and the IOC are as they were', async () => {
    expect(await fx.engine.fetchPipeline(names.tagPipeline)).toEqual(installed);
    expect((await new StateStore(fx.engine, names.state).fetchSetVersion()).version).toBe(setVersion);
    // The IOC is still active with its valid_until: the pipeline's comparison stopped the tag.
    const id = docs.before.expiring.stored.threat!.enrichments[0]!.matched.id;
    const ioc = (await fx.engine.fetchDocuments(names.iocs, [id])).get(id)?.source as { iochunt: { active: boolean; valid_until: string } };
    expect(ioc.iochunt).toMatchObject({ active: true, valid_until: new Date(validUntil).toISOString() });
  });
});
