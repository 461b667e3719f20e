import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { InputError } from '../../../src/errors.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { connect } from '../../../src/io/engine/connect.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { connectionFor, uniqueName } from '../../helpers/engines.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { file } = useTempFiles('sync-hostile');

/** `n` documentation-range addresses (TEST-NET-2, so loaded with allowPrivate), one per line. */
const addresses = (n: number, third = 100): string =>
  Array.from({ length: n }, (_, i) => `198.51.${third + Math.floor(i / 250)}.${(i % 250) + 1}`).join('\n');

/** Serves `body` with 200 at /feed?apikey=...: a feed server, or its maintenance page. */
let body = '';
let server: Server;
let feedUrl = '';
beforeAll(async () => {
  server = createServer((_request, response) => response.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.txt?apikey=T0kenValue`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('sync on hostile and careless sources (issue 12)', () => {
  const fx = useEngine('opensearch');
  let prefix = '';
  afterEach(async () => {
    const names = buildResourceNames(prefix);
    await fx.engine.deleteIndices([names.iocs, names.state]);
  });
  const activeCount = async (): Promise<number> => {
    const { iocs } = buildResourceNames(prefix);
    await fx.engine.refresh(iocs);
    return fx.engine.countDocuments(iocs, { term: { 'iochunt.active': true } });
  };

  it('--replace refuses a maintenance page served with 200: exit 2, nothing deactivated, the run recorded as failed', async () => {
    prefix = uniqueName('replace');
    body = `${addresses(40)}\n`;
    await syncIocs(fx.engine, { sources: [feedUrl], prefix, feed: 'vendor', allowPrivate: true, replace: true });
    expect(await activeCount()).toBe(40);

    body = '<html>\n<head><title>Down for maintenance</title></head>\n<body>back soon</body>\n</html>\n';
    const refused = syncIocs(fx.engine, { sources: [feedUrl], prefix, feed: 'vendor', allowPrivate: true, replace: true });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(
      /--replace refused for feed "vendor": this load lists 0 IOC\(s\) and would deactivate 40 of its 40 active IOC\(s\) \(100%, above --max-drop 50%\); 4 entries were rejected; nothing was changed/,
    );
    expect(await activeCount()).toBe(40);
    const runs = await new StateStore(fx.engine, buildResourceNames(prefix).state).fetchRuns('sync-run');
    expect(runs.map((run) => run.status).sort()).toEqual(['completed', 'failed']);
  });

  it('--replace refuses losing most of a feed at once, and --max-drop lets it through', async () => {
    prefix = uniqueName('replace');
    await syncIocs(fx.engine, { sources: [file('full.txt', addresses(40))], prefix, feed: 'vendor', allowPrivate: true });
    const truncated = file('truncated.txt', addresses(10));
    await expect(syncIocs(fx.engine, { sources: [truncated], prefix, feed: 'vendor', allowPrivate: true, replace: true })).rejects.toThrow(/would deactivate 30 of its 40 active IOC\(s\) \(75%/);
    expect(await activeCount()).toBe(40);
    const report = await syncIocs(fx.engine, { sources: [truncated], prefix, feed: 'vendor', allowPrivate: true, replace: true, maxDropPercent: 80 });
    expect(report.totals).toMatchObject({ unchanged: 10, deactivated: 30 });
    expect(await activeCount()).toBe(10);
  });

  it('--replace with a renewed feed of the same size goes through: the refusal counts IOCs lost, not the size', async () => {
    prefix = uniqueName('replace');
    await syncIocs(fx.engine, { sources: [file('v1.txt', addresses(20))], prefix, feed: 'vendor', allowPrivate: true });
    const renewed = file('v2.txt', `${addresses(15)}\n${addresses(5, 120)}`);
    const report = await syncIocs(fx.engine, { sources: [renewed], prefix, feed: 'vendor', allowPrivate: true, replace: true });
    expect(report.totals).toMatchObject({ added: 5, unchanged: 15, deactivated: 5 });
  });

  it('a CSV with a bad quote far into the file fails before anything is written, naming the line', async () => {
    prefix = uniqueName('late-error');
    const rows = Array.from({ length: 25_002 }, (_, i) => `198.${51 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1},c2`);
    const csv = file('late.csv', `value,comment\n${rows.join('\n')}\n198.51.100.9,"unclosed\n`);
    await expect(syncIocs(fx.engine, { sources: [csv], prefix, chunkLines: 20_000, allowPrivate: true })).rejects.toThrow(/late\.csv:line 25004: malformed CSV/);
    expect(await fx.engine.resolveIndices([buildResourceNames(prefix).iocs])).toEqual([]);
  });

  it('a source URL token is not stored in the run record', async () => {
    prefix = uniqueName('token');
    body = `${addresses(3)}\n`;
    await syncIocs(fx.engine, { sources: [feedUrl], prefix, feed: 'vendor', allowPrivate: true });
    const runs = await new StateStore(fx.engine, buildResourceNames(prefix).state).fetchRuns('sync-run');
    const stored = JSON.stringify(runs);
    expect(stored).toContain('apikey=***');
    expect(stored).not.toContain('T0kenValue');
  });

  it('a load that wrote its IOCs but failed before committing the set version: the rerun commits it', async () => {
    prefix = uniqueName('uncommitted');
    const source = file('uncommitted.txt', `${addresses(5)}\n`);
    const names = buildResourceNames(prefix);
    const proxy = await startFaultProxy({ target: fx.endpoint.url });
    const viaProxy = await connect(connectionFor(fx.endpoint, { url: proxy.url }));
    try {
      // The IOCs are written; the one request that moves the set version is refused.
      proxy.addFault({ match: { path: /^\/_bulk/, bodyIncludes: '"ioc-set-version"' }, fault: { kind: 'status', status: 400 } });
      await expect(syncIocs(viaProxy, { sources: [source], prefix, allowPrivate: true })).rejects.toThrow();
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
    const state = new StateStore(fx.engine, names.state);
    expect(await activeCount()).toBe(5);
    expect((await state.fetchSetVersion()).version).toBe(0);
    // The same load again: every IOC is unchanged, yet the version the first one stamped is committed.
    const rerun = await syncIocs(fx.engine, { sources: [source], prefix, allowPrivate: true });
    expect(rerun.totals.unchanged).toBe(5);
    expect(rerun.setVersion).toBe(1);
    expect((await state.fetchSetVersion()).version).toBe(1);
    // And once committed, a further identical load moves nothing.
    const third = await syncIocs(fx.engine, { sources: [source], prefix, allowPrivate: true });
    expect(third.setVersion).toBe(1);
  });
});
