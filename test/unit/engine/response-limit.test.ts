/**
 * The response limit of both clients, against a loopback fake of a cluster: `GET /` answers as
 * OpenSearch 2.19.0 or Elasticsearch 8.19.0 (with `X-Elastic-Product`, which the Elasticsearch
 * client checks on every answer), then `GET /_cluster/health` answers what the test says: a
 * body that never ends, a huge declared content-length, or a small gzip that inflates to a lot.
 * Each failure must be one ClusterError line, sent once (not retried), with the client reading
 * little of the body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, UsageError } from '../../../src/errors.js';
import { isRetryable, ResponseTooLargeError } from '../../../src/io/engine/cluster-errors.js';
import { connect, DEFAULT_MAX_RESPONSE_BYTES } from '../../../src/io/engine/connect.js';
import type { Engine, Flavor } from '../../../src/io/engine/engine.js';
import { MiB, rejectionOf, streamHugeBody, withPeakRss, type StreamStats } from '../../helpers/huge-body.js';
import { useLoopbackServer } from '../../helpers/loopback-server.js';

const HEALTH = { cluster_name: 'fake', status: 'green', number_of_nodes: 1, active_shards: 3, relocating_shards: 0, unassigned_shards: 0 };

/** What `GET /_cluster/health` answers. */
type HealthAnswer = 'normal' | 'normal-gzip' | 'endless' | 'declared-huge' | 'gzip-bomb';

let flavor: Flavor = 'opensearch';
let answer: HealthAnswer = 'normal';
let healthRequests = 0;
let streamed: Promise<StreamStats> | undefined;
/** 64 MiB of zeros, gzipped to ~64 KB: an answer that is small on the wire and huge inflated. */
let gzipBomb: Buffer;

/** The client stops at 4 MiB; the server would send 128 MiB before giving up on its own. */
const LIMIT = 4 * MiB;
const SERVER_BOUND = 128 * MiB;

function productHeaders(): Record<string, string> {
  return flavor === 'elasticsearch' ? { 'x-elastic-product': 'Elasticsearch' } : {};
}

function rootBody(): Record<string, unknown> {
  return flavor === 'elasticsearch'
    ? { name: 'node-1', cluster_name: 'fake', version: { number: '8.19.0', build_flavor: 'default' }, tagline: 'You Know, for Search' }
    : { name: 'node-1', cluster_name: 'fake', version: { distribution: 'opensearch', number: '2.19.0' }, tagline: 'The OpenSearch Project: https://opensearch.org/' };
}

function json(response: ServerResponse, body: unknown, gzip = false): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(200, {
    'content-type': 'application/json; charset=UTF-8',
    ...productHeaders(),
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(gzip ? gzipSync(bytes) : bytes);
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/') return json(response, rootBody());
  // An index exists: HEAD gives the length its GET answer would have, and no body.
  if (path === '/big-index' && request.method === 'HEAD') {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * MiB), ...productHeaders() });
    response.end();
    return;
  }
  if (path === '/big-index/_count') return json(response, { count: 7, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
  if (path !== '/_cluster/health') {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{}');
    return;
  }
  healthRequests += 1;
  if (answer === 'normal' || answer === 'normal-gzip') return json(response, HEALTH, answer === 'normal-gzip');
  if (answer === 'gzip-bomb') {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', ...productHeaders() });
    response.end(gzipBomb);
    return;
  }
  // A declared length of 300 MiB, past the default limit: the client must refuse it unread.
  const headers = answer === 'declared-huge' ? { ...productHeaders(), 'content-length': String(300 * MiB) } : productHeaders();
  streamed = streamHugeBody(response, { maxBytes: SERVER_BOUND, headers });
}

const loopback = useLoopbackServer(handle);

beforeAll(async () => {
  gzipBomb = gzipSync(Buffer.alloc(64 * MiB));
});

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  streamed = undefined;
  healthRequests = 0;
  answer = 'normal';
});

async function connectTo(as: Flavor, maxResponseBytes?: number): Promise<Engine> {
  flavor = as;
  engine = await connect({ url: loopback.url, requestTimeoutMs: 10_000, ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }) });
  expect(engine.info.flavor).toBe(as);
  return engine;
}

describe.each(['opensearch', 'elasticsearch'] as const)('the response limit of the %s client', (as) => {
  it('reads a normal answer, plain or gzipped, under the limit', async () => {
    const connected = await connectTo(as, LIMIT);
    expect((await connected.fetchHealth()).status).toBe('green');
    answer = 'normal-gzip';
    expect((await connected.fetchHealth()).activeShards).toBe(3);
  });

  it('stops reading an endless body at the limit: one ClusterError line, sent once, little memory', async () => {
    const connected = await connectTo(as, LIMIT);
    answer = 'endless';

    const { outcome, rssGrowth } = await withPeakRss(() => connected.fetchHealth());
    const error = rejectionOf(outcome);

    expect(error).toBeInstanceOf(ClusterError);
    expect(error.message).toBe(
      `reading cluster health at ${loopback.url}: the answer is larger than 4 MiB (the response limit): check --url, or raise the limit with --max-response BYTES`,
    );
    expect(error.message).not.toContain('\n');
    expect(healthRequests).toBe(1);
    const stats = await streamed;
    expect(stats?.cutByClient).toBe(true);
    // What the client read, plus what the loopback socket buffers held: far below the 128 MiB the server would send.
    expect(stats?.sent).toBeLessThan(32 * MiB);
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });

  it('refuses a declared content-length past the default limit (256 MiB) without reading the body', async () => {
    const connected = await connectTo(as);
    answer = 'declared-huge';

    const error = await connected.fetchHealth().then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );

    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(256 * MiB);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error?.message).toBe(
      `reading cluster health at ${loopback.url}: the answer is larger than 256 MiB (the response limit): check --url, or raise the limit with --max-response BYTES`,
    );
    expect((await streamed)?.sent).toBeLessThan(32 * MiB);
  });

  it('a HEAD answer declaring a length past the limit is not refused: it has no body', async () => {
    const connected = await connectTo(as, LIMIT);
    expect(await connected.fetchIndexSummaries(['big-index'])).toEqual([{ name: 'big-index', exists: true, docs: 7 }]);
  });

  it('inflates a gzipped answer only up to the limit', async () => {
    const connected = await connectTo(as, LIMIT);
    answer = 'gzip-bomb';

    const { outcome, rssGrowth } = await withPeakRss(() => connected.fetchHealth());
    const error = rejectionOf(outcome);

    expect(error).toBeInstanceOf(ClusterError);
    expect(error.message).toBe(
      `reading cluster health at ${loopback.url}: the answer is larger than 4 MiB (the response limit): check --url, or raise the limit with --max-response BYTES`,
    );
    expect(healthRequests).toBe(1);
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });
});

describe('the response limit on the way in', () => {
  it('an oversized answer is never retried: the same request gets the same answer', () => {
    expect(isRetryable(new ResponseTooLargeError(LIMIT))).toBe(false);
  });

  it('a limit past what one string holds is a usage error, before anything is sent', async () => {
    await expect(connect({ url: loopback.url, maxResponseBytes: 2 ** 40 })).rejects.toThrow(UsageError);
    await expect(connect({ url: loopback.url, maxResponseBytes: 0 })).rejects.toThrow(/--max-response: 0 is not a size in bytes/);
  });

  it('GET / is bounded too: a root answer past the limit is one line naming the probe', async () => {
    const probeServer = createServer((_request, response) => {
      void streamHugeBody(response, { maxBytes: SERVER_BOUND });
    });
    await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(probeServer.address() as AddressInfo).port}`;
    try {
      const error = await connect({ url, maxResponseBytes: LIMIT }).then(
        () => undefined,
        (failure: unknown) => failure as Error,
      );
      expect(error).toBeInstanceOf(ClusterError);
      expect(error?.message).toBe(
        `reading GET / at ${url}: the answer is larger than 4 MiB (the response limit): check --url, or raise the limit with --max-response BYTES`,
      );
    } finally {
      probeServer.closeAllConnections();
      await new Promise<void>((resolve) => probeServer.close(() => resolve()));
    }
  });
});
