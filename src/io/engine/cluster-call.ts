import { isRefused, isRetryable, translateClusterError } from './cluster-errors.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';

export interface CallContext {
  /** Cluster URL (credentials are stripped before printing). */
  url: string;
  user?: string;
  /** Never printed: password, API key. */
  secrets: readonly (string | undefined)[];
  retry?: Partial<RetryOptions>;
  /** How many node URLs the client has: with more than one, a refused connection is tried on another. */
  nodes?: number;
  /** One line per retry (see ConnectionOptions.onRetry). */
  onRetry?: (message: string) => void;
}

/**
 * `call("reading cluster health", () => client.cluster.health())`: retried, then translated.
 * `{ retry: false }` for a request that is not safe to send twice (a scroll page: the cluster
 * may have advanced the cursor before the answer was lost). Such a request is still tried on
 * another node when its connection was refused: a refused connection carried no byte of it
 * (a killed node, while the scroll's shards live on the others).
 */
export type ClusterCall = <T>(action: string, fn: () => Promise<T>, options?: { retry?: boolean }) => Promise<T>;

/** One policy for every request of an engine: bounded retries, then one clear error. */
export function makeClusterCall(context: CallContext): ClusterCall {
  const retry = { ...DEFAULT_RETRY, ...context.retry };
  const several = (context.nodes ?? 1) > 1;
  const refusedElsewhere = (error: unknown): boolean => several && isRefused(error);
  const retryable = (error: unknown): boolean => isRetryable(error) || refusedElsewhere(error);
  return async (action, fn, options) => {
    const onRetry = context.onRetry
      ? (error: unknown, attempt: number, delayMs: number): void =>
          context.onRetry?.(`${translateClusterError(error, { ...context, action }).message}; retry ${attempt}/${retry.attempts - 1} in ${delayMs} ms`)
      : undefined;
    const once = options?.retry === false;
    const policy: RetryOptions = { ...retry, ...(onRetry ? { onRetry } : {}) };
    try {
      return await withRetry(fn, once ? refusedElsewhere : retryable, policy);
    } catch (error) {
      throw translateClusterError(error, { ...context, action });
    }
  };
}
