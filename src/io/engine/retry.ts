import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * No attempt starts later than this after the first one: a cluster that stalls every request
   * until the request timeout fails within a bounded time, not attempts × timeout.
   */
  maxElapsedMs?: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log "429 from cluster, retrying in 1.2s". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Up to 6 attempts, none started more than 2 minutes after the first (with the 60 s request timeout: at most 3 stalled ones). */
export const DEFAULT_RETRY: RetryOptions = { attempts: 6, baseDelayMs: 250, maxDelayMs: 15_000, maxElapsedMs: 120_000 };

/** The wait before attempt `attempt + 1`: exponential, capped, with full jitter. */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.round(Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Runs `fn` until it succeeds, `isRetryable` says no, or the attempts (or `maxElapsedMs`) are used up. Delays
 * grow exponentially with full jitter, so parallel writers that all got a 429 do not come
 * back in lockstep. An abort stops the waiting at once.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options);
      if (options.maxElapsedMs !== undefined && Date.now() - started + delay > options.maxElapsedMs) throw error;
      options.onRetry?.(error, attempt, delay);
      // An abort ends the wait with the failure being waited on, not a bare AbortError.
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => {
        throw error;
      });
    }
  }
}
