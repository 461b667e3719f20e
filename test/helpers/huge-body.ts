/**
 * Endless answers for the response-limit tests: a loopback server streams a body in 64 KiB
 * chunks, with backpressure, until the client goes away or `maxBytes` are sent (so a client
 * that never stops still ends the test), and counts what it sent. A sampler keeps the peak RSS
 * of this process while a request runs, so a test can prove the client stopped reading early.
 */
import type { ServerResponse } from 'node:http';

export const MiB = 1024 * 1024;

const CHUNK = Buffer.alloc(64 * 1024, 'x');

export interface StreamStats {
  /** Bytes handed to the socket so far. */
  sent: number;
  /** Whether the client closed the connection before the server ended the body. */
  cutByClient: boolean;
}

/**
 * Streams `prefix`, then `x` characters, then `suffix`, without a content-length (chunked) unless
 * the headers give one. Resolves with the stats once the body ended or the client hung up.
 */
export function streamHugeBody(
  response: ServerResponse,
  options: { maxBytes: number; headers?: Record<string, string>; prefix?: string; suffix?: string },
): Promise<StreamStats> {
  const stats: StreamStats = { sent: 0, cutByClient: false };
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(stats);
    };
    response.on('close', () => {
      if (!response.writableFinished) stats.cutByClient = true;
      finish();
    });
    response.writeHead(200, { 'content-type': 'application/json', ...options.headers });
    response.write(options.prefix ?? '{"padding":"');
    const pump = (): void => {
      while (!response.destroyed && stats.sent < options.maxBytes) {
        stats.sent += CHUNK.length;
        if (!response.write(CHUNK)) {
          response.once('drain', pump);
          return;
        }
      }
      if (!response.destroyed) response.end(options.suffix ?? '"}');
    };
    pump();
  });
}

/** Runs `fn` while sampling this process's RSS every 10 ms; returns its outcome and the peak growth in bytes. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; rssGrowth: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const [outcome] = await Promise.allSettled([fn()]);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { outcome: outcome as PromiseSettledResult<T>, rssGrowth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** The error a settled promise rejected with; fails the test if it resolved. */
export function rejectionOf<T>(outcome: PromiseSettledResult<T>): Error {
  if (outcome.status === 'fulfilled') throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.reason as Error;
}
