import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { runWatch } from '../../../src/io/schedule/run-watch.js';
import { ScheduleLock } from '../../../src/io/schedule/schedule-lock.js';
import { LOCK_ID, SET_VERSION_ID, stateIds } from '../../../src/io/store/state-records.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

// The tick's hunt is replaced: these tests are about what a watch tick decides around it.
vi.mock('../../../src/io/hunt/run-hunt.js', () => ({ runHunt: vi.fn() }));

const PREFIX = 't-watch';
const STATE = `${PREFIX}-state`;
const LOGS = 'logs-w';
type Summary = Awaited<ReturnType<typeof runHunt>>;
const SUMMARY = {
  runId: 'run-1',
  progress: { alertsCreated: 1 },
  totals: { findings: 1 },
  window: { field: 'event.ingested', from: '2026-12-01T12:00:00.000Z', until: '2026-12-01T12:00:12.000Z' },
} as unknown as Summary;

/** A fake with the hunted index, the IOC-set version 2 and a watermark a near-live run wrote a moment ago. */
function engineWithWatermark(setVersion = 2): FakeEngine {
  const engine = new FakeEngine();
  engine.seed(LOGS, { e1: { '@timestamp': '2026-12-01T12:00:00.000Z' } });
  const started = new Date(Date.now() - 1_000).toISOString();
  engine.seed(STATE, {
    [SET_VERSION_ID]: { kind: 'ioc-set-version', set_version: setVersion, updated_at: started },
    [stateIds.watermark({ index: [LOGS], feeds: [] })]: { kind: 'hunt-watermark', set_version: 2, events_until: new Date(Date.now() - 4_000).toISOString(), run_id: 'run-0', run_started_at: started, updated_at: started },
  });
  return engine;
}

const watch = (engine: FakeEngine, ticks = 1) => runWatch(engine, { prefix: PREFIX, every: '1s', maxTicks: ticks, hunt: { index: [LOGS] }, lockTtlMs: 60_000 });

describe('runWatch: what a tick decides', () => {
  beforeEach(() => {
    vi.mocked(runHunt).mockReset();
    vi.mocked(runHunt).mockResolvedValue(SUMMARY);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('an idle tick reads the set version and the watermark in one request, counts once, takes no lock and writes nothing', async () => {
    const engine = engineWithWatermark();
    const reads = vi.spyOn(engine, 'fetchDocuments');
    const count = vi.spyOn(engine, 'countDocuments').mockResolvedValue(0);
    const records = await watch(engine);
    expect(records).toMatchObject([{ action: 'idle', settle: { ms: expect.any(Number) as unknown } }]);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(count).toHaveBeenCalledTimes(1);
    expect(count.mock.calls[0]![0]).toBe(LOGS);
    expect(engine.calls).toEqual([]); // no lock, no run record, no watermark
    expect(runHunt).not.toHaveBeenCalled();
  });

  it('a tick that counts new events takes the lock, hunts with the settle delay and releases the lock', async () => {
    const engine = engineWithWatermark();
    vi.spyOn(engine, 'countDocuments').mockResolvedValue(3);
    const [record] = await watch(engine);
    expect(record).toMatchObject({ action: 'hunted', reason: '3 event(s) in the window', hunt: { runId: 'run-1', alertsCreated: 1 }, window: SUMMARY.window });
    // The fake's one node reads this host's clock: 1 s default refresh + a skew within the round trip + 2 s margin.
    expect(record!.settle).toMatchObject({ refreshMs: 1_000, marginMs: 2_000 });
    expect(record!.settle!.skewMs).toBeLessThan(50);
    expect(vi.mocked(runHunt).mock.calls[0]![1]).toMatchObject({ prefix: PREFIX, mode: 'incremental', index: [LOGS], settleMs: record!.settle!.ms });
    expect(engine.calls).toEqual([`bulk create ${STATE}/${LOCK_ID}`, `bulk delete ${STATE}/${LOCK_ID}`]);
  });

  it('hunts without a count when there is no watermark yet, or when the IOC set is newer than it', async () => {
    const fresh = new FakeEngine();
    fresh.seed(LOGS, {});
    const count = vi.spyOn(fresh, 'countDocuments');
    expect(await watch(fresh)).toMatchObject([{ action: 'hunted', reason: 'first hunt' }]);
    const synced = engineWithWatermark(3);
    const count2 = vi.spyOn(synced, 'countDocuments');
    expect(await watch(synced)).toMatchObject([{ action: 'hunted', reason: 'new IOCs' }]);
    expect(count).not.toHaveBeenCalled();
    expect(count2).not.toHaveBeenCalled();
  });

  it('skips a busy tick while another scheduler or watcher holds the lock, naming it, and hunts nothing', async () => {
    const engine = engineWithWatermark();
    vi.spyOn(engine, 'countDocuments').mockResolvedValue(1);
    await new ScheduleLock(engine, STATE, 'other', 60_000).acquire();
    expect(await watch(engine)).toMatchObject([{ action: 'skipped', lockHolder: 'other' }]);
    expect(runHunt).not.toHaveBeenCalled();
  });

  it('a count that fails costs a hunt, not a failed tick: the hunt decides which indices it can read', async () => {
    const engine = engineWithWatermark();
    vi.spyOn(engine, 'countDocuments').mockRejectedValue(new Error('no permissions for [indices:data/read/search]'));
    expect(await watch(engine)).toMatchObject([{ action: 'hunted', reason: 'the count failed, hunting instead: Error: no permissions for [indices:data/read/search]' }]);
  });

  it('re-reads the settle delay at every hunting tick: a refresh interval raised between ticks lengthens the next window', async () => {
    const engine = engineWithWatermark();
    vi.spyOn(engine, 'countDocuments').mockResolvedValue(1);
    vi.mocked(runHunt).mockImplementation(async () => {
      engine.refreshIntervals.set(LOGS, '30s'); // changed by someone while the first hunt ran
      return SUMMARY;
    });
    const records = await watch(engine, 2);
    expect(records.map((r) => [r.action, r.settle?.refreshMs, r.settle?.slowestIndex])).toEqual([
      ['hunted', 1_000, undefined],
      ['hunted', 30_000, LOGS],
    ]);
    expect(vi.mocked(runHunt).mock.calls[1]![1]?.settleMs).toBeGreaterThanOrEqual(32_000);
  }, 10_000);

  it('carries the settle warnings and the late-events warning of a window on @timestamp', async () => {
    const engine = engineWithWatermark();
    engine.refreshIntervals.set(LOGS, '-1');
    vi.spyOn(engine, 'countDocuments').mockResolvedValue(1);
    vi.mocked(runHunt).mockResolvedValue({ ...SUMMARY, window: { ...SUMMARY.window!, field: '@timestamp' } });
    const [record] = await watch(engine);
    expect(record!.warnings).toEqual([expect.stringMatching(/^refresh is disabled on logs-w /), expect.stringMatching(/^the window is on @timestamp /)]);
  });
});
