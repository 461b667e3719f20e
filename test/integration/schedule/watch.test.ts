/**
 * `iochunt watch` on both engines (issue 15, item 3): a new matching event indexed while the
 * watch runs is alerted within its interval plus the settle delay; an idle tick costs two read
 * requests (counted by a proxy in front of the engine) and writes nothing; a busy tick whose
 * lock another watcher holds is skipped and hunted once the lock is free; a window on
 * `@timestamp` says that late events can be missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { runWatch } from '../../../src/io/schedule/run-watch.js';
import { ScheduleLock } from '../../../src/io/schedule/schedule-lock.js';
import type { TickRecord } from '../../../src/io/schedule/tick-loop.js';
import { stateIds } from '../../../src/io/store/state-records.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { connectionFor, uniqueName } from '../../helpers/engines.js';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../../helpers/fault-proxy.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';

const INTERVAL_MS = 2_000;
const HOUR_AGO = (): string => new Date(Date.now() - 3_600_000).toISOString();

/** The sample-logs mapping (it maps `event.ingested` as a date) refreshed every second, as the engines do by default. */
function liveIndexBody(): Record<string, unknown> {
  const body = loadResource('mappings', 'sample-logs') as { settings: Record<string, unknown> };
  body.settings.refresh_interval = '1s';
  return body;
}

describe.each(['opensearch', 'elasticsearch'] as const)('iochunt watch on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName(`watch-${flavor.slice(0, 2)}`);
  const names = buildResourceNames(prefix);
  const live = `${prefix}-logs-live`;
  const plain = `${prefix}-plain-live`;
  const patterns = [`${prefix}-logs-*`];
  let proxy: FaultProxy;
  let viaProxy: Engine;

  /** One event, as a shipper whose pipeline stamps `event.ingested` sends it. */
  async function indexEvent(index: string, id: string, event: { at: string; ip: string; ingested?: string }, refresh = false): Promise<number> {
    const source = { '@timestamp': event.at, ...(event.ingested ? { event: { ingested: event.ingested } } : {}), destination: { ip: event.ip } };
    await fx.engine.bulk(`${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify(source)}\n`, { refresh });
    return Date.now();
  }

  async function alertExists(index: string, eventId: string, ip: string): Promise<boolean> {
    const id = buildAlertId(index, eventId, buildIocId('ipv4-addr', ip));
    return (await fx.engine.fetchDocuments(`${names.alerts}-000001`, [id])).has(id);
  }

  /** Runs a watch until `done` says so for a record (or `maxTicks`); returns its records. */
  async function watchUntil(engine: Engine, done: (record: TickRecord) => boolean, options: { maxTicks: number; index?: string[]; onTick?: (record: TickRecord) => void }): Promise<TickRecord[]> {
    const stop = new AbortController();
    return runWatch(engine, {
      prefix,
      every: `${INTERVAL_MS / 1000}s`,
      maxTicks: options.maxTicks,
      hunt: { index: options.index ?? patterns, concurrency: 1 },
      lockTtlMs: 30_000,
      signal: stop.signal,
      onTick: (record) => {
        options.onTick?.(record);
        if (done(record)) stop.abort();
      },
    });
  }

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    await fx.engine.createIndex(live, liveIndexBody());
    // History: decoys, and one hit from 2023 the first (full) hunt must find. Ingested an hour
    // ago, so no later window holds them.
    const ingested = HOUR_AGO();
    for (let i = 0; i < 20; i++) await indexEvent(live, `old-${i}`, { at: '2023-05-06T07:08:09.000Z', ip: `203.0.113.${i + 1}`, ingested });
    await indexEvent(live, 'old-hit', { at: '2023-05-06T07:08:09.000Z', ip: ANSSI_IPS[0]!, ingested }, true);
    proxy = await startFaultProxy({ target: fx.endpoint.url });
    viaProxy = await connect(connectionFor(fx.endpoint, { url: proxy.url }));
  }, 60_000);
  afterAll(async () => {
    await viaProxy?.close();
    await proxy?.close();
    await fx.engine.deleteIndices([live, plain, ...prefixIndices(prefix)]);
  });

  it('alerts a new matching event within its interval and the settle delay; an idle tick costs two reads and writes nothing', async () => {
    const ticks: { record: TickRecord; requests: ProxiedRequest[] }[] = [];
    let mark = proxy.requests.length;
    let newEvent: Promise<number> | undefined;
    await watchUntil(viaProxy, (record) => newEvent !== undefined && record.action === 'hunted' && (record.hunt?.alertsCreated ?? 0) > 0, {
      maxTicks: 15,
      onTick: (record) => {
        ticks.push({ record, requests: proxy.requests.slice(mark) });
        mark = proxy.requests.length;
        // After the first idle tick, an event arrives (indexed directly, not through the proxy),
        // stamped at ingest as a shipper's pipeline does, and left to the index's own refresh.
        if (record.action === 'idle' && !newEvent) {
          const now = new Date().toISOString();
          newEvent = indexEvent(live, 'new-hit', { at: now, ip: ANSSI_IPS[1]!, ingested: now });
        }
      },
    });
    const indexedAt = await newEvent!;

    expect(ticks[0]!.record).toMatchObject({ action: 'hunted', reason: 'first hunt', hunt: { alertsCreated: 1 } });
    expect(await alertExists(live, 'old-hit', ANSSI_IPS[0]!)).toBe(true);

    const idle = ticks.filter((t) => t.record.action === 'idle');
    expect(idle.length).toBeGreaterThanOrEqual(1);
    for (const tick of idle) {
      // The IOC-set version and the watermark in one _mget, one _count of the window; no lock, no write.
      expect(tick.requests.map((r) => r.path.split('/').pop())).toEqual(['_mget', '_count']);
      expect(tick.record.window).toEqual({ from: expect.any(String) as unknown, until: expect.any(String) as unknown });
    }

    const alerted = ticks.at(-1)!.record;
    expect(alerted).toMatchObject({ action: 'hunted', reason: expect.stringMatching(/^\d+ event\(s\) in the window$/) as unknown, hunt: { alertsCreated: 1 }, window: { field: 'event.ingested' } });
    expect(alerted.warnings).toBeUndefined();
    // The index refreshes every second; this host is the cluster's: the skew is the round trip.
    expect(alerted.settle).toMatchObject({ refreshMs: 1_000, marginMs: 2_000 });
    expect(alerted.settle!.skewMs).toBeLessThan(1_000);
    expect(await alertExists(live, 'new-hit', ANSSI_IPS[1]!)).toBe(true);
    // Within its interval: at worst the tick after the one that found it still unsettled, and its hunt.
    const latencyMs = Date.parse(alerted.finishedAt!) - indexedAt;
    expect(latencyMs).toBeLessThanOrEqual(alerted.settle!.ms + 2 * INTERVAL_MS + 5_000);

    // Nothing was written by the idle ticks: one run record per hunting tick, and the watermark is the last hunt's.
    await fx.engine.refresh(names.state);
    const hunted = ticks.filter((t) => t.record.action === 'hunted');
    expect(await fx.engine.countDocuments(names.state, { term: { kind: 'hunt-run' } })).toBe(hunted.length);
    const watermark = await fx.engine.fetchDocument(names.state, stateIds.watermark({ index: patterns, feeds: [] }));
    expect(watermark?.run_id).toBe(hunted.at(-1)!.record.hunt!.runId);
  });

  it('skips a busy tick while another watcher holds the lock, then hunts it once the lock is free', async () => {
    const other = new ScheduleLock(fx.engine, names.state, 'another-watcher', 60_000);
    expect(await other.acquire()).toEqual({ acquired: true });
    const now = new Date().toISOString();
    await indexEvent(live, 'locked-hit', { at: now, ip: ANSSI_IPS[2]!, ingested: now }, true);
    try {
      const blocked = await watchUntil(fx.engine, (record) => record.action === 'skipped', { maxTicks: 6 });
      expect(blocked.at(-1)).toMatchObject({ action: 'skipped', lockHolder: 'another-watcher' });
      expect(blocked.map((r) => r.action).filter((a) => a !== 'idle' && a !== 'skipped')).toEqual([]);
      expect(await alertExists(live, 'locked-hit', ANSSI_IPS[2]!)).toBe(false);
    } finally {
      await other.release();
    }
    const freed = await watchUntil(fx.engine, (record) => record.action === 'hunted', { maxTicks: 2 });
    expect(freed.at(-1)).toMatchObject({ action: 'hunted', hunt: { alertsCreated: 1 } });
    expect(await alertExists(live, 'locked-hit', ANSSI_IPS[2]!)).toBe(true);
  });

  it('on indices that do not map event.ingested, hunts on @timestamp and says that late events can be missed', async () => {
    await fx.engine.createIndex(plain, { settings: { refresh_interval: '1s' }, mappings: { properties: { '@timestamp': { type: 'date' }, destination: { properties: { ip: { type: 'ip' } } } } } });
    let arrived: Promise<number> | undefined;
    const records = await watchUntil(fx.engine, (record) => record.action === 'hunted' && record.reason !== 'first hunt', {
      maxTicks: 8,
      index: [`${prefix}-plain-*`],
      onTick: () => {
        arrived ??= indexEvent(plain, 'plain-hit', { at: new Date().toISOString(), ip: ANSSI_IPS[3]! });
      },
    });
    await arrived;
    expect(records[0]).toMatchObject({ action: 'hunted', reason: 'first hunt' });
    expect(records.at(-1)).toMatchObject({ action: 'hunted', hunt: { alertsCreated: 1 }, window: { field: '@timestamp' } });
    expect(records.at(-1)!.warnings).toEqual([
      'the window is on @timestamp (event.ingested is not mapped as a date on every hunted index): events that arrive late, with an older @timestamp, can be missed',
    ]);
  });
});
