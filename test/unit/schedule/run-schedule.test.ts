import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InterruptedError } from '../../../src/errors.js';
import { runHunt, type HuntOptions } from '../../../src/io/hunt/run-hunt.js';
import { runSchedule } from '../../../src/io/schedule/run-schedule.js';
import { ScheduleLock } from '../../../src/io/schedule/schedule-lock.js';
import { LOCK_ID, type ScheduleLockRecord } from '../../../src/io/store/state-records.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

// The tick's hunt is replaced: these tests are about the lock around it, not the hunt.
vi.mock('../../../src/io/hunt/run-hunt.js', () => ({ runHunt: vi.fn() }));

const PREFIX = 't-sched';
const STATE = `${PREFIX}-state`;
/**
 * The heartbeat beats every max(1 s, TTL / 3): 1 s here, so a 2.4 s lock outlives one missed beat
 * but not a tick of twice its length without renewals.
 */
const TTL_MS = 2_400;

type Summary = Awaited<ReturnType<typeof runHunt>>;
const SUMMARY = { runId: 'run-1', newIocs: 0, progress: { alertsCreated: 0 }, totals: { findings: 0 } } as unknown as Summary;

/** A hunt that takes `ms`, or stops like the real one (InterruptedError) when its signal fires. */
function slowHunt(ms: number, during?: () => Promise<void>): (engine: unknown, options?: HuntOptions) => Promise<Summary> {
  return async (_engine, options) => {
    const work = sleep(ms, undefined, { signal: options?.signal }).then(
      () => SUMMARY,
      () => {
        throw new InterruptedError('hunt stopped at a checkpoint');
      },
    );
    await during?.();
    return work;
  };
}

const lockDoc = (engine: FakeEngine): ScheduleLockRecord | undefined => engine.docs(STATE).get(LOCK_ID) as ScheduleLockRecord | undefined;

describe('runSchedule and its lock', () => {
  beforeEach(() => {
    vi.mocked(runHunt).mockReset();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('renews the lock while a tick outlasts its expiry: a rival is refused past the first expiry, and the lock is released after', async () => {
    const engine = new FakeEngine();
    let rivalSaw: Awaited<ReturnType<ScheduleLock['acquire']>> | undefined;
    let expiryDuringTick: string | undefined;
    vi.mocked(runHunt).mockImplementation(
      slowHunt(4_500, async () => {
        await sleep(3_000); // past the first expiry (2.4 s)
        expiryDuringTick = lockDoc(engine)?.expires_at;
        rivalSaw = await new ScheduleLock(engine, STATE, 'rival', TTL_MS).acquire();
      }),
    );
    const started = Date.now();
    const records = await runSchedule(engine, { prefix: PREFIX, every: '1s', maxTicks: 1, lockTtlMs: TTL_MS });

    expect(records.map((r) => r.action)).toEqual(['hunted']);
    expect(rivalSaw).toMatchObject({ acquired: false, holder: { owner: records[0]!.owner } });
    expect(Date.parse(expiryDuringTick!)).toBeGreaterThan(started + TTL_MS);
    expect(engine.calls.filter((c) => c === `bulk index ${STATE}/${LOCK_ID}`).length).toBeGreaterThanOrEqual(2);
    expect(lockDoc(engine)).toBeUndefined();
  }, 15_000);

  it("stops the tick's hunt when a renewal finds the lock taken over, and says so", async () => {
    const engine = new FakeEngine();
    vi.mocked(runHunt).mockImplementation(
      slowHunt(10_000, async () => {
        await sleep(200);
        // Another scheduler takes the lock over (as after an expiry): a new write, a new sequence number.
        engine.seed(STATE, { [LOCK_ID]: { ...lockDoc(engine)!, owner: 'usurper' } });
      }),
    );
    const started = Date.now();
    const records = await runSchedule(engine, { prefix: PREFIX, every: '1s', maxTicks: 1, lockTtlMs: TTL_MS });

    expect(records).toMatchObject([{ action: 'failed', error: expect.stringMatching(/^lost the schedule lock \(expired and taken over\); /) as unknown }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lockDoc(engine)?.owner).toBe('usurper');
  }, 15_000);

  it('skips a tick while another owner holds the lock, naming the holder', async () => {
    const engine = new FakeEngine();
    await new ScheduleLock(engine, STATE, 'other', 60_000).acquire();
    const records = await runSchedule(engine, { prefix: PREFIX, every: '1s', maxTicks: 1, lockTtlMs: TTL_MS });
    expect(records).toMatchObject([{ action: 'skipped', lockHolder: 'other' }]);
    expect(runHunt).not.toHaveBeenCalled();
  });

  it('returns the ticks done when stopped while idle between ticks, without throwing', async () => {
    const engine = new FakeEngine();
    vi.mocked(runHunt).mockImplementation(slowHunt(0));
    const stop = new AbortController();
    const records = await runSchedule(engine, {
      prefix: PREFIX,
      every: '1h',
      lockTtlMs: TTL_MS,
      signal: stop.signal,
      onTick: () => setTimeout(() => stop.abort(), 50),
    });
    expect(records.map((r) => r.action)).toEqual(['hunted']);
    expect(lockDoc(engine)).toBeUndefined();
  });
});
