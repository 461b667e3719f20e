import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../../src/errors.js';
import { checkComplete, checkDocumentsComplete, lostContextError } from '../../../src/io/engine/check-complete.js';

const context = { action: 'scanning logs-*', url: 'http://alice:S3cret@es:9200' };

/** What OpenSearch 2.19 answers (HTTP 200) when a node holding a shard leaves mid-search. */
const LOST_SHARD = {
  took: 12,
  timed_out: false,
  _shards: {
    total: 3,
    successful: 2,
    skipped: 0,
    failed: 1,
    failures: [{ shard: 1, index: 'logs-2021.03', node: 'xk2', reason: { type: 'node_disconnected_exception', reason: '[node-2][127.0.0.1:9302] disconnected' } }],
  },
  hits: { hits: [] },
};

function thrown(fn: () => void): ClusterError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ClusterError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('checkComplete', () => {
  it('accepts an answer every shard gave', () => {
    expect(() => checkComplete({ timed_out: false, _shards: { total: 3, successful: 3, failed: 0 } }, context)).not.toThrow();
    expect(() => checkComplete({ count: 3, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } }, context)).not.toThrow();
  });

  it('refuses a failed shard in one line naming the index, the shard count and the reason, without credentials', () => {
    const error = thrown(() => checkComplete(LOST_SHARD, context));
    expect(error.kind).toBe('partial');
    expect(error.message).toBe(
      'scanning logs-* at http://es:9200: 1 of 3 shard(s) failed on logs-2021.03 (logs-2021.03 [1]: node_disconnected_exception: [node-2][127.0.0.1:9302] disconnected); their documents are missing from the answer',
    );
    expect(error.details).toEqual({ shards: { failed: 1, total: 3 }, indices: ['logs-2021.03'], type: 'node_disconnected_exception', rootCauses: ['node_disconnected_exception'] });
  });

  it('refuses a timed-out answer', () => {
    expect(thrown(() => checkComplete({ timed_out: true, _shards: { total: 1, successful: 1, failed: 0 } }, context)).message).toMatch(/timed out on some shards/);
  });

  it('refuses a failed shard even without a failures list', () => {
    expect(thrown(() => checkComplete({ _shards: { total: 2, successful: 1, failed: 1 } }, context)).details.shards).toEqual({ failed: 1, total: 2 });
  });

  it('refuses a cross-cluster answer that left a remote cluster out (skip_unavailable), though every shard it asked answered', () => {
    // OpenSearch 2.19, a remote cluster with skip_unavailable: true whose seeds do not answer: HTTP 200.
    const skipped = { _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, _clusters: { total: 2, successful: 1, skipped: 1 }, hits: { hits: [] } };
    const error = thrown(() => checkComplete(skipped, context));
    expect(error.kind).toBe('partial');
    expect(error.message).toBe(
      'scanning logs-* at http://es:9200: 1 of 2 cluster(s) did not answer (a remote cluster with skip_unavailable left out); their documents are missing from the answer',
    );
    expect(() => checkComplete({ _shards: { total: 3, successful: 3, failed: 0 }, _clusters: { total: 2, successful: 2, skipped: 0 } }, context)).not.toThrow();
  });
});

describe('lostContextError', () => {
  it('turns a lost scroll (404 search_context_missing) into a partial answer the caller starts again', () => {
    const lost = new ClusterError('server', 'scanning failed with HTTP 404', { statusCode: 404, type: 'search_phase_execution_exception', rootCauses: ['search_phase_execution_exception', 'search_context_missing_exception'] });
    const error = lostContextError(lost, context) as ClusterError;
    expect(error.kind).toBe('partial');
    expect(error.message).toMatch(/scroll or point in time was lost/);
  });

  it('leaves other errors alone', () => {
    const other = new ClusterError('forbidden', 'permission denied', { statusCode: 403 });
    expect(lostContextError(other, context)).toBe(other);
    const plain = new Error('x');
    expect(lostContextError(plain, context)).toBe(plain);
  });
});

describe('checkDocumentsComplete', () => {
  it('refuses documents a failed shard could not return: such a document is not absent', () => {
    const docs = [{ _id: 'a', found: true }, { _id: 'b', error: { type: 'no_shard_available_action_exception', reason: 'No shard available for [get [iocs][b]]' } }];
    const error = thrown(() => checkDocumentsComplete(docs, { action: 'reading 2 documents of iocs', url: 'http://es:9200' }));
    expect(error.kind).toBe('partial');
    expect(error.message).toMatch(/1 document\(s\) could not be read \(no_shard_available_action_exception/);
    expect(() => checkDocumentsComplete([{ _id: 'a' }], { action: 'x', url: 'http://es:9200' })).not.toThrow();
  });
});
