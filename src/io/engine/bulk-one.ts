import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkItemResult, Engine } from './engine.js';
import { backoffDelay, DEFAULT_RETRY } from './retry.js';

/**
 * One `_bulk` action (a conditional create, index or delete on the state index) whose item is
 * sent again while the cluster rejects it with 429 (a full write queue), like the bulk writer's
 * items; a block (`cluster_block_exception`) is not retried. Returns the item's final result.
 */
export async function bulkOne(engine: Engine, ndjson: string, options: { refresh?: boolean } = {}): Promise<BulkItemResult | undefined> {
  for (let attempt = 1; ; attempt++) {
    const [item] = await engine.bulk(ndjson, options);
    if (item?.status !== 429 || item.errorType === 'cluster_block_exception' || attempt >= DEFAULT_RETRY.attempts) return item;
    await sleep(backoffDelay(attempt, DEFAULT_RETRY));
  }
}
