import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../src/io/engine/retry.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('withRetry', () => {
  it('retries a retryable failure until it succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('busy');
        return 'ok';
      },
      () => true,
      fast,
    );
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('gives up after the given number of attempts and throws the last error', async () => {
    let calls = 0;
    const retried: number[] = [];
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new Error(`fail ${calls}`);
        },
        () => true,
        { ...fast, onRetry: (_e, attempt) => retried.push(attempt) },
      ),
    ).rejects.toThrow('fail 4');
    expect(retried).toEqual([1, 2, 3]);
  });

  it('starts no attempt later than maxElapsedMs after the first: a stalled cluster fails in bounded time (issue 12)', async () => {
    let calls = 0;
    const started = Date.now();
    const stalled = async (): Promise<never> => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 40)); // each attempt "times out" after 40 ms
      throw new Error(`timeout ${calls}`);
    };
    await expect(withRetry(stalled, () => true, { attempts: 50, baseDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 100 })).rejects.toThrow(/^timeout [2-4]$/);
    expect(calls).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not retry what the predicate refuses', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new Error('bad request');
        },
        () => false,
        fast,
      ),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = withRetry(
      async () => {
        throw new Error('busy');
      },
      () => true,
      { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, signal: controller.signal, onRetry: () => controller.abort() },
    );
    await expect(run).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
