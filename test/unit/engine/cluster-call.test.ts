import { errors } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { makeClusterCall } from '../../../src/io/engine/cluster-call.js';

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

/** A call that fails with `error` the first `failures` times, then answers "ok"; counts its attempts. */
function flaky(error: Error, failures = 1): { fn: () => Promise<string>; attempts: () => number } {
  let attempts = 0;
  return {
    fn: async () => {
      attempts += 1;
      if (attempts <= failures) throw error;
      return 'ok';
    },
    attempts: () => attempts,
  };
}

describe('makeClusterCall', () => {
  const refused = new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9204', undefined as never);
  const hangUp = new errors.ConnectionError('socket hang up', undefined as never);

  it('tries a request that is not safe to send twice on another node when its connection was refused (no byte of it left)', async () => {
    const call = makeClusterCall({ url: 'http://127.0.0.1:9202', secrets: [], nodes: 3, retry: FAST });
    const page = flaky(refused);
    await expect(call('reading a scroll page', page.fn, { retry: false })).resolves.toBe('ok');
    expect(page.attempts()).toBe(2);
  });

  it('never re-sends such a request after a connection lost mid-request, nor on a single node', async () => {
    const several = makeClusterCall({ url: 'http://127.0.0.1:9202', secrets: [], nodes: 3, retry: FAST });
    const lost = flaky(hangUp);
    await expect(several('reading a scroll page', lost.fn, { retry: false })).rejects.toThrow(/ECONNRESET/);
    expect(lost.attempts()).toBe(1);

    const single = makeClusterCall({ url: 'http://127.0.0.1:9202', secrets: [], nodes: 1, retry: FAST });
    const alone = flaky(refused);
    await expect(single('reading a scroll page', alone.fn, { retry: false })).rejects.toThrow(/ECONNREFUSED/);
    expect(alone.attempts()).toBe(1);
  });

  it('retries an ordinary request after a lost connection, within its attempts', async () => {
    const call = makeClusterCall({ url: 'http://127.0.0.1:9202', secrets: [], nodes: 1, retry: FAST });
    const search = flaky(hangUp, 2);
    await expect(call('searching', search.fn)).resolves.toBe('ok');
    expect(search.attempts()).toBe(3);
  });
});
