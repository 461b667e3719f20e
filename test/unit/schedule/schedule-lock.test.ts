import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScheduleLock } from '../../../src/io/schedule/schedule-lock.js';
import { LOCK_ID, type ScheduleLockRecord } from '../../../src/io/store/state-records.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

const STATE = 't-lock-state';
const TTL = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const REJECTED = { status: 429, errorType: 'es_rejected_execution_exception' };

const lockDoc = (engine: FakeEngine): ScheduleLockRecord | undefined => engine.docs(STATE).get(LOCK_ID) as ScheduleLockRecord | undefined;

describe('ScheduleLock', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // bulkOne's backoff waits 0 ms
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is taken by one owner; another is refused and told who holds it until when', async () => {
    const engine = new FakeEngine();
    const a = new ScheduleLock(engine, STATE, 'owner-a', TTL);
    const b = new ScheduleLock(engine, STATE, 'owner-b', TTL);
    expect(await a.acquire(T0)).toEqual({ acquired: true });
    const refused = await b.acquire(T0 + 1_000);
    expect(refused).toMatchObject({ acquired: false, holder: { owner: 'owner-a', expires_at: new Date(T0 + TTL).toISOString() } });
    expect(lockDoc(engine)?.owner).toBe('owner-a');
  });

  it('renewal moves the expiry forward and keeps the acquisition time, so a rival stays refused past the first expiry', async () => {
    const engine = new FakeEngine();
    const a = new ScheduleLock(engine, STATE, 'owner-a', TTL);
    const b = new ScheduleLock(engine, STATE, 'owner-b', TTL);
    await a.acquire(T0);
    expect(await a.renew(T0 + TTL / 2)).toBe(true);
    expect(lockDoc(engine)).toMatchObject({ acquired_at: new Date(T0).toISOString(), expires_at: new Date(T0 + TTL / 2 + TTL).toISOString() });
    expect(await b.acquire(T0 + TTL + 1)).toMatchObject({ acquired: false, holder: { owner: 'owner-a' } });
  });

  it('an expired lock is taken over; the old holder learns it at its next renewal and its release leaves the new lock alone', async () => {
    const engine = new FakeEngine();
    const a = new ScheduleLock(engine, STATE, 'owner-a', TTL);
    const b = new ScheduleLock(engine, STATE, 'owner-b', TTL);
    await a.acquire(T0);
    expect(await b.acquire(T0 + TTL + 1)).toEqual({ acquired: true });
    expect(lockDoc(engine)?.owner).toBe('owner-b');
    expect(await a.renew(T0 + TTL + 2)).toBe(false);
    await a.release();
    expect(lockDoc(engine)?.owner).toBe('owner-b');
    await b.release();
    expect(lockDoc(engine)).toBeUndefined();
  });

  it('renewing a lock never acquired is refused without writing', async () => {
    const engine = new FakeEngine();
    expect(await new ScheduleLock(engine, STATE, 'owner-a', TTL).renew(T0)).toBe(false);
    expect(engine.bulkBodies).toEqual([]);
  });

  it('a lock write rejected with 429 is sent again until it is taken', async () => {
    const engine = new FakeEngine();
    engine.itemFault = ({ request }) => (request < 2 ? REJECTED : undefined);
    expect(await new ScheduleLock(engine, STATE, 'owner-a', TTL).acquire(T0)).toEqual({ acquired: true });
    expect(engine.calls.filter((c) => c === `bulk create ${STATE}/${LOCK_ID}`)).toHaveLength(3);
  });

  it('a lock write that keeps failing otherwise is an error naming the status, not "taken by someone"', async () => {
    const engine = new FakeEngine();
    engine.itemFault = () => ({ status: 403, errorType: 'cluster_block_exception' });
    await expect(new ScheduleLock(engine, STATE, 'owner-a', TTL).acquire(T0)).rejects.toThrow('schedule lock: HTTP 403 cluster_block_exception');
    expect(engine.bulkBodies).toHaveLength(1);
  });
});
