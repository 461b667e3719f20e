import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterError } from '../../../src/errors.js';
import { REFRESH_SUSPENSION_ID } from '../../../src/io/store/state-records.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { RefreshSuspension } from '../../../src/io/sync/refresh-suspension.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

const IOCS = 't-rs-iocs';
const STATE = 't-rs-state';
const NOW = '2026-01-01T00:00:00.000Z';
const forbidden = (): ClusterError => new ClusterError('forbidden', `action [indices:admin/settings/update] is unauthorized on [${IOCS}]`);

function setup(): { engine: FakeEngine; state: StateStore; suspension: RefreshSuspension } {
  const engine = new FakeEngine();
  engine.seed(IOCS, {});
  const state = new StateStore(engine, STATE);
  return { engine, state, suspension: new RefreshSuspension(engine, IOCS, state) };
}

describe('RefreshSuspension', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('records the previous interval before turning refresh off, and puts it back then forgets it', async () => {
    const { engine, state, suspension } = setup();
    engine.refreshIntervals.set(IOCS, '5s');
    expect(await suspension.suspend(NOW)).toBe(true);
    expect(engine.calls).toEqual([`indexDocument ${STATE}/${REFRESH_SUSPENSION_ID}`, `writeRefreshInterval ${IOCS} -1`]);
    expect(await state.fetchRefreshSuspension()).toEqual({ kind: 'sync-refresh-suspension', updated_at: NOW, details: { index: IOCS, previous: '5s' } });

    await suspension.restore();
    expect(engine.calls.slice(2)).toEqual([`writeRefreshInterval ${IOCS} 5s`, `bulk delete ${STATE}/${REFRESH_SUSPENSION_ID}`]);
    expect(engine.refreshIntervals.get(IOCS)).toBe('5s');
    expect(await state.fetchRefreshSuspension()).toBeUndefined();
  });

  it("restores the engine's default (no setting) when the index had none", async () => {
    const { engine, suspension } = setup();
    expect(await suspension.suspend(NOW)).toBe(true);
    expect(engine.refreshIntervals.get(IOCS)).toBe('-1');
    await suspension.restore();
    expect(engine.refreshIntervals.has(IOCS)).toBe(false);
    expect(engine.calls).toContain(`writeRefreshInterval ${IOCS} null`);
  });

  it('asks the cluster only once, however many batches call it', async () => {
    const { engine, suspension } = setup();
    expect(await suspension.suspend(NOW)).toBe(true);
    expect(await suspension.suspend(NOW)).toBe(true);
    expect(engine.calls.filter((c) => c.startsWith('writeRefreshInterval'))).toHaveLength(1);
  });

  it('leaves an index whose refresh is already off alone', async () => {
    const { engine, suspension } = setup();
    engine.refreshIntervals.set(IOCS, '-1');
    expect(await suspension.suspend(NOW)).toBe(false);
    await suspension.restore();
    expect(engine.calls).toEqual([]);
  });

  it('loads at normal speed, recording nothing, for a user who may not read the settings', async () => {
    const { engine, suspension } = setup();
    engine.failNext('fetchRefreshInterval', forbidden());
    expect(await suspension.suspend(NOW)).toBe(false);
    expect(await suspension.suspend(NOW)).toBe(false);
    expect(engine.calls).toEqual([]);
  });

  it('forgets its record when it may not change the settings', async () => {
    const { engine, state, suspension } = setup();
    engine.failNext('writeRefreshInterval', forbidden());
    expect(await suspension.suspend(NOW)).toBe(false);
    expect(engine.calls).toEqual([`indexDocument ${STATE}/${REFRESH_SUSPENSION_ID}`, `bulk delete ${STATE}/${REFRESH_SUSPENSION_ID}`]);
    expect(await state.fetchRefreshSuspension()).toBeUndefined();
    await suspension.restore();
    expect(engine.calls).toHaveLength(2);
  });

  it('forgets its record and fails on any other settings error', async () => {
    const { engine, state, suspension } = setup();
    engine.failNext('writeRefreshInterval', new ClusterError('server', 'cluster unavailable'));
    await expect(suspension.suspend(NOW)).rejects.toThrow('cluster unavailable');
    expect(await state.fetchRefreshSuspension()).toBeUndefined();
  });

  it('turns nothing off when the record cannot be written first', async () => {
    const { engine, suspension } = setup();
    engine.failNext('indexDocument', new ClusterError('server', 'state index unavailable'));
    await expect(suspension.suspend(NOW)).rejects.toThrow('state index unavailable');
    expect(engine.calls.filter((c) => c.startsWith('writeRefreshInterval'))).toEqual([]);
    expect(engine.refreshIntervals.has(IOCS)).toBe(false);
  });

  it('repairs what a sync killed while suspended left: the recorded index gets its interval back', async () => {
    const { engine, state } = setup();
    expect(await new RefreshSuspension(engine, IOCS, state).suspend(NOW)).toBe(true); // then the process dies, refresh still off
    expect(engine.refreshIntervals.get(IOCS)).toBe('-1');
    const next = new RefreshSuspension(engine, 'another-index', state);
    expect(await next.recover()).toBe(true);
    expect(engine.refreshIntervals.has(IOCS)).toBe(false);
    expect(await state.fetchRefreshSuspension()).toBeUndefined();
    expect(await next.recover()).toBe(false);
  });
});
