import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterError } from '../../../src/errors.js';
import { DEFAULT_RETRY } from '../../../src/io/engine/retry.js';
import { REFRESH_SUSPENSION_ID, SET_VERSION_ID } from '../../../src/io/store/state-records.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

const STATE = 't-store-state';
const NOW = '2026-01-01T00:00:00.000Z';
const REJECTED = { status: 429, errorType: 'es_rejected_execution_exception' };
const BLOCKED = { status: 429, errorType: 'cluster_block_exception' };

async function thrown(promise: Promise<unknown>): Promise<ClusterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClusterError) return error;
    throw error;
  }
  throw new Error('expected a ClusterError, got none');
}

describe('StateStore', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // bulkOne's backoff waits 0 ms
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('the IOC-set version', () => {
    it('is 0 before the first sync, then created, then moved only from the version read', async () => {
      const engine = new FakeEngine();
      const store = new StateStore(engine, STATE);
      const first = await store.fetchSetVersion();
      expect(first).toEqual({ version: 0 });
      await store.commitSetVersion(first, 1, NOW);
      expect(engine.calls).toEqual([`bulk create ${STATE}/${SET_VERSION_ID}`]);
      const second = await store.fetchSetVersion();
      expect(second).toMatchObject({ version: 1, seqNo: expect.any(Number) as unknown, primaryTerm: 1 });
      await store.commitSetVersion(second, 2, NOW);
      expect((await store.fetchSetVersion()).version).toBe(2);
    });

    it('refuses to overwrite a version another sync moved since it was read', async () => {
      const engine = new FakeEngine();
      const store = new StateStore(engine, STATE);
      await store.commitSetVersion(await store.fetchSetVersion(), 1, NOW);
      const seen = await store.fetchSetVersion();
      await store.commitSetVersion(seen, 2, NOW); // the other sync
      const error = await thrown(store.commitSetVersion(seen, 2, NOW));
      expect(error.message).toBe('another sync changed the IOC set at the same time: run sync again');
      expect(error.details).toMatchObject({ statusCode: 409, type: 'version_conflict_engine_exception' });
    });

    it('refuses a second first version (two first syncs at once)', async () => {
      const engine = new FakeEngine();
      const store = new StateStore(engine, STATE);
      const seen = await store.fetchSetVersion();
      await store.commitSetVersion(seen, 1, NOW);
      await expect(store.commitSetVersion(seen, 1, NOW)).rejects.toThrow('another sync changed the IOC set at the same time');
    });

    it('is written again while the write queue rejects it with 429, within the retry budget', async () => {
      const engine = new FakeEngine();
      engine.itemFault = ({ request }) => (request < DEFAULT_RETRY.attempts - 1 ? REJECTED : undefined);
      const store = new StateStore(engine, STATE);
      await store.commitSetVersion({}, 1, NOW);
      expect(engine.bulkBodies).toHaveLength(DEFAULT_RETRY.attempts);
      expect((await store.fetchSetVersion()).version).toBe(1);
    });

    it('fails with the 429 once the retry budget is spent', async () => {
      const engine = new FakeEngine();
      engine.itemFault = () => REJECTED;
      const error = await thrown(new StateStore(engine, STATE).commitSetVersion({}, 1, NOW));
      expect(engine.bulkBodies).toHaveLength(DEFAULT_RETRY.attempts);
      expect(error.message).toBe('could not record the IOC-set version: es_rejected_execution_exception');
      expect(error.details).toMatchObject({ statusCode: 429 });
    });

    it('does not retry a block: one attempt, the block named', async () => {
      const engine = new FakeEngine();
      engine.itemFault = () => BLOCKED;
      const error = await thrown(new StateStore(engine, STATE).commitSetVersion({}, 1, NOW));
      expect(engine.bulkBodies).toHaveLength(1);
      expect(error.message).toBe('could not record the IOC-set version: cluster_block_exception');
      expect(error.details).toMatchObject({ statusCode: 429, type: 'cluster_block_exception' });
    });
  });

  it('deletes a record through a 429 too (the bulk-load record a sync must not leave behind)', async () => {
    const engine = new FakeEngine();
    const store = new StateStore(engine, STATE);
    await store.writeRefreshSuspension({ kind: 'sync-refresh-suspension', updated_at: NOW, details: { index: 'iocs', previous: null } });
    engine.itemFault = ({ request }) => (request === 0 ? REJECTED : undefined);
    await store.deleteRefreshSuspension();
    expect(engine.calls.filter((c) => c === `bulk delete ${STATE}/${REFRESH_SUSPENSION_ID}`)).toHaveLength(2);
    expect(await store.fetchRefreshSuspension()).toBeUndefined();
  });

  it('reads no tagging records from a state index that does not exist', async () => {
    const engine = new FakeEngine();
    const store = new StateStore(engine, STATE);
    expect(await store.fetchTagPipeline('t-tag')).toBeUndefined();
    expect(await store.fetchAttachments()).toEqual([]);
    expect(await store.exists()).toBe(false);
  });

  it('lists runs of a kind newest first, up to the limit', async () => {
    const engine = new FakeEngine();
    const store = new StateStore(engine, STATE);
    for (const [id, started] of [['r1', '2026-01-01'], ['r3', '2026-01-03'], ['r2', '2026-01-02']] as const) {
      await store.writeRun({ kind: 'hunt-run', run_id: id, status: 'completed', started_at: started, updated_at: started } as never);
    }
    expect((await store.fetchRuns('hunt-run', 2)).map((r) => r.run_id)).toEqual(['r3', 'r2']);
  });
});
