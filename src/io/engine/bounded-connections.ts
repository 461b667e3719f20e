import { constants as bufferConstants } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { createUnzip } from 'node:zlib';
import { Connection as OpenSearchConnection, errors as openSearchErrors } from '@opensearch-project/opensearch';
import { UsageError } from '../../errors.js';
import { ResponseTooLargeError } from './cluster-errors.js';
import type { ConnectionOptions } from './connection-options.js';

/*
 * Both clients' connections (Elasticsearch's in bounded-elastic-connection.ts, loaded only for
 * an Elasticsearch cluster), with every answer's body read bounded (README "Untrusted input"):
 * a wrong --url or a hostile server streaming gigabytes fails in one line instead of
 * exhausting memory or V8's string limit.
 */

/**
 * The largest answer iochunt reads from a cluster, unless `maxResponseBytes` says otherwise:
 * 256 MiB. The largest answers it asks for are a search page (`--page-size`, 1,000 hits by
 * default, at most the engines' `index.max_result_window` of 10,000) and the `mget` of a sync
 * batch (20,000 IOC documents of a few KB): 10,000 hits of 20 KB `_source` are 200 MB. Past
 * that the answer is not one iochunt asked for (a wrong `--url`, a hostile server), and
 * reading on ends in V8's string limit (~512 MiB) or gigabytes of heap.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** Both clients keep the decoded answer in one string, which V8 caps at this many characters. */
const MAX_RESPONSE_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** A header's value, whatever shape the client gives it in. */
export function headerOf(headers: Record<string, unknown> | null | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? String(value[0]) : value === undefined || value === null ? undefined : String(value);
}

/** The response limit of these options, checked. */
export function responseLimitOf(options: ConnectionOptions): number {
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RESPONSE_BYTES) {
    throw new UsageError(`--max-response: ${String(limit)} is not a size in bytes from 1 to ${MAX_RESPONSE_BYTES} (the longest string Node.js holds)`);
  }
  return limit;
}

/** Whether an answer's body is gzip or deflate (iochunt never asks for either; a proxy may send it anyway). */
function isCompressed(headers: Record<string, unknown>): boolean {
  const encoding = headerOf(headers, 'content-encoding')?.toLowerCase() ?? '';
  return encoding.includes('gzip') || encoding.includes('deflate');
}

/** The headers of an answer whose body is handed on inflated. */
export function inflatedHeaders<T extends Record<string, unknown>>(headers: T): T {
  if (!isCompressed(headers)) return headers;
  const copy = { ...headers };
  delete copy['content-encoding'];
  delete copy['content-length'];
  return copy;
}

/**
 * The body of an answer, at most `limit` bytes (inflated, if it is compressed: a 256 MiB gzip
 * of zeros inflates to 256 GB). A declared content-length past the limit is refused unread;
 * otherwise reading stops at the limit. Either way the body is destroyed without an error,
 * which closes the socket: an error would reach listeners we do not own (the OpenSearch client
 * prints "ignoring error after response" with a stack on stdout).
 */
export function readLimited(
  body: Readable,
  { method, headers }: { method: string | undefined; headers: Record<string, unknown> },
  limit: number,
  connectionError: (message: string) => Error,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const source: Readable = isCompressed(headers) ? body.pipe(createUnzip()) : body;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      body.destroy();
      if (source !== body) source.destroy();
      reject(error);
    };
    // Stays on after the end: undici's body emits an AbortError when destroyed unfinished.
    body.on('error', (error: Error) => fail(connectionError(error.message)));
    // Node's IncomingMessage, when the server cuts the body short (the client's own words for it).
    body.on('aborted', () => fail(connectionError('Response aborted while reading the body')));
    if (source !== body) source.on('error', fail);
    // A HEAD answer's content-length is the length of the GET answer, whose body is not sent.
    if (method !== 'HEAD' && Number(headerOf(headers, 'content-length') ?? 0) > limit) {
      fail(new ResponseTooLargeError(limit));
      return;
    }
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new ResponseTooLargeError(limit));
      else chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks);
    });
  });
}

/**
 * The OpenSearch client has no response size option (only a `memoryCircuitBreaker`, which reads
 * `content-length`, which a streamed answer does not send), so its connection reads the body
 * itself, bounded, and hands the client a stream of what it read. An error given to the
 * client's callback reaches the caller as it is (ResponseTooLargeError, not rewrapped).
 */
export function limitedOpenSearchConnection(limit: number): typeof OpenSearchConnection {
  return class LimitedOpenSearchConnection extends OpenSearchConnection {
    override request(...[params, callback]: Parameters<OpenSearchConnection['request']>): ReturnType<OpenSearchConnection['request']> {
      return super.request(params, (error, response) => {
        if (error !== null || response === null) {
          callback(error, response);
          return;
        }
        readLimited(response, { method: params.method, headers: response.headers }, limit, (message) => new openSearchErrors.ConnectionError(message)).then(
          (chunks) => {
            // Each chunk is let go once the client has read it.
            const replay = new Readable({
              read() {
                this.push(chunks.shift() ?? null);
              },
            });
            const meta = { statusCode: response.statusCode, statusMessage: response.statusMessage, headers: inflatedHeaders(response.headers) };
            callback(null, Object.assign(replay, meta) as unknown as IncomingMessage);
          },
          (failure: unknown) => callback(failure as Error, null),
        );
      });
    }
  };
}
