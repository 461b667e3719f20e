import { translateClusterError } from './cluster-errors.js';
import { isRetryable } from './cluster-errors.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';

export interface CallContext {
  /** Cluster URL (credentials are stripped before printing). */
  url: string;
  user?: string;
  /** Never printed: password, API key. */
  secrets: readonly (string | undefined)[];
  retry?: Partial<RetryOptions>;
}

/**
 * `call("reading cluster health", () => client.cluster.health())`: retried, then translated.
 * `{ retry: false }` for a request that is not safe to send twice (a scroll page: the cluster
 * may have advanced the cursor before the answer was lost).
 */
export type ClusterCall = <T>(action: string, fn: () => Promise<T>, options?: { retry?: boolean }) => Promise<T>;

/** One policy for every request of an engine: bounded retries, then one clear error. */
export function makeClusterCall(context: CallContext): ClusterCall {
  const retry = { ...DEFAULT_RETRY, ...context.retry };
  return async (action, fn, options) => {
    try {
      return await withRetry(fn, isRetryable, options?.retry === false ? { ...retry, attempts: 1 } : retry);
    } catch (error) {
      throw translateClusterError(error, { ...context, action });
    }
  };
}
