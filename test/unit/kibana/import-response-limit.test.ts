/**
 * `kibana import` reads at most 64 MiB of an answer: a loopback server that answers the import
 * with a body that never ends (or declares one of 2 GiB) must give one KibanaError line, with
 * the client reading little of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildSavedObjects, toNdjson } from '../../../src/core/kibana/build-saved-objects.js';
import { KibanaError } from '../../../src/errors.js';
import { DEFAULT_MAX_IMPORT_RESPONSE_BYTES, importSavedObjects } from '../../../src/io/kibana/import-saved-objects.js';
import { MiB, rejectionOf, streamHugeBody, withPeakRss, type StreamStats } from '../../helpers/huge-body.js';
import { useLoopbackServer } from '../../helpers/loopback-server.js';

const NDJSON = toNdjson(buildSavedObjects({ prefix: 'soc', feeds: ['CERTFR-2021-IOC-003'], target: 'kibana' }));

/** Past the 64 MiB limit, and bounded, so a client that never stops still ends the test. */
const SERVER_BOUND = 192 * MiB;

let streamed: Promise<StreamStats> | undefined;
let declare: string | undefined;

function handle(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  request.on('end', () => {
    streamed = streamHugeBody(response, { maxBytes: SERVER_BOUND, ...(declare ? { headers: { 'content-length': declare } } : {}) });
  });
}

const loopback = useLoopbackServer(handle);

describe('the answer limit of kibana import', () => {
  it('stops reading an endless answer at 64 MiB: one KibanaError line, little memory', async () => {
    declare = undefined;
    const { outcome, rssGrowth } = await withPeakRss(() => importSavedObjects({ kibanaUrl: loopback.url, ndjson: NDJSON, target: 'kibana', timeoutMs: 30_000 }));
    const error = rejectionOf(outcome);

    expect(DEFAULT_MAX_IMPORT_RESPONSE_BYTES).toBe(64 * MiB);
    expect(error).toBeInstanceOf(KibanaError);
    expect((error as KibanaError).code).toBe('kibana_server');
    expect(error.message).toBe(
      `${loopback.url} answered the saved objects import with more than 64 MiB (an import answer is a few KB): check --kibana-url`,
    );
    expect(error.message).not.toContain('\n');
    const stats = await streamed;
    expect(stats?.cutByClient).toBe(true);
    // 64 MiB read, plus what the loopback socket buffers held: well short of the 192 MiB the server would send.
    expect(stats?.sent).toBeLessThan(96 * MiB);
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });

  it('refuses a declared length past the limit without reading it', async () => {
    declare = String(2 * 1024 * MiB);
    const error = await importSavedObjects({ kibanaUrl: loopback.url, ndjson: NDJSON, target: 'dashboards', timeoutMs: 30_000, maxResponseBytes: MiB }).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );

    expect(error).toBeInstanceOf(KibanaError);
    expect(error?.message).toBe(`${loopback.url} answered the saved objects import with more than 1 MiB (an import answer is a few KB): check --kibana-url`);
    expect((await streamed)?.sent).toBeLessThan(32 * MiB);
  });
});
