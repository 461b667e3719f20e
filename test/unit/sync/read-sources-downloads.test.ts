/**
 * Downloads of `iochunt sync` against loopback servers: a chunked answer that never ends stops
 * at the size limit, and every failure (a refused connection, a port fetch refuses, a port no
 * URL can have) is one SourceError line that says why.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { DEFAULT_MAX_SOURCE_BYTES, readSources } from '../../../src/io/sync/read-sources.js';
import { MiB, rejectionOf, streamHugeBody, withPeakRss, type StreamStats } from '../../helpers/huge-body.js';
import { useLoopbackServer } from '../../helpers/loopback-server.js';

let streamed: Promise<StreamStats> | undefined;

const loopback = useLoopbackServer((request, response) => {
  if (request.url === '/small.txt') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('198.51.100.7\n');
    return;
  }
  // Chunked, so no content-length tells the client in advance; 128 MiB at most, so a client that never stops still ends.
  streamed = streamHugeBody(response, { maxBytes: 128 * MiB, headers: { 'content-type': 'text/plain' }, prefix: '', suffix: '' });
});

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function failureOf(sources: string[], options: Parameters<typeof readSources>[1] = {}): Promise<Error> {
  return readSources(sources, { timeoutMs: 10_000, ...options }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('downloads of sync sources', () => {
  it('reads a small download', async () => {
    const [text] = await readSources([`${loopback.url}/small.txt`]);
    expect(text?.text).toBe('198.51.100.7\n');
  });

  it('stops a chunked answer without content-length at the limit, in one line naming --max-download', async () => {
    const { outcome, rssGrowth } = await withPeakRss(() => readSources([`${loopback.url}/feed.txt`], { maxBytes: 8 * MiB, timeoutMs: 30_000 }));
    const error = rejectionOf(outcome);

    expect(DEFAULT_MAX_SOURCE_BYTES).toBe(256 * MiB);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe(`${loopback.url}/feed.txt: larger than 8 MiB (the size limit): raise it with --max-download BYTES, or split the source`);
    const stats = await streamed;
    expect(stats?.cutByClient).toBe(true);
    expect(stats?.sent).toBeLessThan(40 * MiB);
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });

  it('a refused connection says so, with its code', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/feed.txt`;
    const error = await failureOf([url]);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe(`cannot download ${url}: connection refused (ECONNREFUSED): check the URL and the network`);
  });

  it('a port fetch refuses to use is named, not "(TypeError)"', async () => {
    const error = await failureOf(['http://127.0.0.1:6000/feed.txt']);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe(
      'cannot download http://127.0.0.1:6000/feed.txt: port 6000 is one fetch refuses to connect to (bad port): check the URL and the network',
    );
  });

  it('port 99999 is one SourceError line, without the credentials of the URL', async () => {
    const error = await failureOf(['http://feeds:S3cret-pw@127.0.0.1:99999/feed.txt']);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe('cannot download http://127.0.0.1:99999/feed.txt: invalid port 99999 (ports go up to 65535): fix the URL');
  });
});
