import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { RefreshSuspension } from '../../../src/io/sync/refresh-suspension.js';
import { REFRESH_SUSPENSION_ID } from '../../../src/io/store/state-records.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { InterruptedError } from '../../../src/errors.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const ANSSI = new URL('../../fixtures/iocs/CERTFR-2021-IOC-003-IOC.csv', import.meta.url).pathname;
const { dir, file } = useTempFiles('sync');

describe.each(['opensearch', 'elasticsearch'] as const)('iochunt sync on %s', (flavor) => {
  const fx = useEngine(flavor);
  let prefix = '';
  const fresh = (): string => (prefix = uniqueName('sync'));
  afterEach(async () => {
    const names = buildResourceNames(prefix);
    await fx.engine.deleteIndices([names.iocs, names.state]);
  });

  it('loads the ANSSI bulletin, and loading it twice changes nothing', async () => {
    fresh();
    const first = await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    expect(first.feeds.map((f) => [f.name, f.accepted])).toEqual([['CERTFR-2021-IOC-003', 161]]);
    expect(first.totals).toMatchObject({ added: 161, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.setVersion).toBe(1);
    const { iocs } = buildResourceNames(prefix);
    expect(await fx.engine.countDocuments(iocs)).toBe(161);

    const ids = (await scanIds(iocs)).sort();
    const before = await fx.engine.fetchDocuments(iocs, ids);
    const second = await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    expect(second.totals).toMatchObject({ added: 0, updated: 0, unchanged: 161 });
    expect(second.setVersion).toBe(1);
    const after = await fx.engine.fetchDocuments(iocs, ids);
    expect([...after.values()].map((d) => [d.id, d.seqNo, d.source])).toEqual([...before.values()].map((d) => [d.id, d.seqNo, d.source]));

    const doc = after.get(ids[0]!)!.source as unknown as IocDocument;
    expect(doc.threat.indicator.type).toBe('ipv4-addr');
    expect(doc.iochunt).toMatchObject({ active: true, active_feeds: ['CERTFR-2021-IOC-003'], hunt_from: '2021-01-01T00:00:00.000Z', set_version: 1 });
    expect(doc.threat.feed.name).toEqual(['CERTFR-2021-IOC-003']);
  });

  it('keeps one document listing both feeds when two feeds share an IOC', async () => {
    fresh();
    const a = file(`a-${flavor}.txt`, '198.51.100.77\nevil-a.example\n');
    const b = file(`b-${flavor}.txt`, '# feed b\n198[.]51.100.77\nevil-b.example\n');
    await syncIocs(fx.engine, { sources: [a], prefix, feed: 'feed-a', allowPrivate: true });
    const report = await syncIocs(fx.engine, { sources: [b], prefix, feed: 'feed-b', huntFrom: '2020-06-01', allowPrivate: true });
    expect(report.totals).toMatchObject({ added: 1, updated: 1 });
    const { iocs } = buildResourceNames(prefix);
    expect(await fx.engine.countDocuments(iocs)).toBe(3);
    const shared = (await fx.engine.fetchDocument(iocs, buildIocId('ipv4-addr', '198.51.100.77'))) as unknown as IocDocument;
    expect(shared.threat.feed.name).toEqual(['feed-a', 'feed-b']);
    expect(shared.iochunt.active_feeds).toEqual(['feed-a', 'feed-b']);
    expect(shared.iochunt.hunt_from).toBe('2020-06-01T00:00:00.000Z');
    expect(shared.iochunt.feeds.map((f) => [f.name, f.original])).toEqual([
      ['feed-a', undefined],
      ['feed-b', '198[.]51.100.77'],
    ]);
  });

  it('--replace deactivates what the feed dropped, never deletes it, and a reload reactivates it', async () => {
    fresh();
    const full = file(`full-${flavor}.txt`, '203.0.113.10\n203.0.113.11\n203.0.113.12\n');
    const less = file(`less-${flavor}.txt`, '203.0.113.10\n');
    await syncIocs(fx.engine, { sources: [full], prefix, feed: 'f', allowPrivate: true });
    const replaced = await syncIocs(fx.engine, { sources: [less], prefix, feed: 'f', replace: true, maxDropPercent: 100, allowPrivate: true });
    expect(replaced.totals).toMatchObject({ unchanged: 1, deactivated: 2 });
    expect(replaced.setVersion).toBe(2);
    const { iocs } = buildResourceNames(prefix);
    expect(await fx.engine.countDocuments(iocs)).toBe(3);
    expect(await fx.engine.countDocuments(iocs, { term: { 'iochunt.active': false } })).toBe(2);

    const again = await syncIocs(fx.engine, { sources: [less], prefix, feed: 'f', replace: true, allowPrivate: true });
    expect(again.totals).toMatchObject({ unchanged: 1, deactivated: 0 });

    const reload = await syncIocs(fx.engine, { sources: [full], prefix, feed: 'f', allowPrivate: true });
    expect(reload.totals).toMatchObject({ reactivated: 2, unchanged: 1 });
    expect(await fx.engine.countDocuments(iocs, { term: { 'iochunt.active': true } })).toBe(3);
  });

  it('records a failed run, with what was written, when the cluster refuses the writes', async () => {
    fresh();
    const names = buildResourceNames(prefix);
    await syncIocs(fx.engine, { sources: [file(`seed-${flavor}.txt`, '192.0.2.200\n')], prefix, feed: 'seed', allowPrivate: true });
    await setWriteBlock(names.iocs, true);
    try {
      await expect(syncIocs(fx.engine, { sources: [file(`blocked-${flavor}.txt`, '198.51.100.1\n198.51.100.2\n')], prefix, feed: 'x', allowPrivate: true })).rejects.toThrow(
        /2 IOC document\(s\) could not be written/,
      );
    } finally {
      await setWriteBlock(names.iocs, false);
    }
    const runs: Record<string, unknown>[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.state, query: { term: { kind: 'sync-run' } } })) runs.push(...page.map((h) => h.source));
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'failed']);
    expect(runs.find((r) => r.status === 'failed')).toMatchObject({ feed: ['x'], error: expect.stringContaining('could not be written') });
  });

  it('loads in bulk-load mode (refresh off) and puts the refresh interval back, also after an interruption', async () => {
    fresh();
    const names = buildResourceNames(prefix);
    const source = file(`bulk-${flavor}.txt`, Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`).join('\n'));
    const report = await syncIocs(fx.engine, { sources: [source], prefix, feed: 'bulk', allowPrivate: true, batchSize: 5, bulkLoadAfter: 10 });
    expect(report.totals.added).toBe(30);
    expect(await fx.engine.fetchRefreshInterval(names.iocs)).toBe('1s'); // as the mapping sets it
    expect(await fx.engine.countDocuments(names.iocs)).toBe(30); // refreshed at the end: all searchable
    expect(await fx.engine.fetchDocument(names.state, REFRESH_SUSPENSION_ID)).toBeUndefined();

    const controller = new AbortController();
    const more = file(`bulk-more-${flavor}.txt`, Array.from({ length: 30 }, (_, i) => `198.51.101.${i + 1}`).join('\n'));
    const stopped = syncIocs(fx.engine, {
      sources: [more],
      prefix,
      feed: 'more',
      allowPrivate: true,
      batchSize: 5,
      bulkLoadAfter: 5,
      signal: controller.signal,
      onProgress: (done) => done >= 15 && controller.abort(),
    });
    await expect(stopped).rejects.toBeInstanceOf(InterruptedError);
    expect(await fx.engine.fetchRefreshInterval(names.iocs)).toBe('1s');
    await fx.engine.refresh(names.iocs);
    expect(await fx.engine.countDocuments(names.iocs, { term: { 'threat.feed.name': 'more' } })).toBe(15); // what was read before the stop is written
    const runs = await new StateStore(fx.engine, names.state).fetchRuns('sync-run');
    expect(runs.find((r) => r.status === 'failed')).toMatchObject({ error: expect.stringContaining('sync interrupted after 15 IOC(s)') });
  });

  it('repairs the refresh interval a killed sync left off, on the next sync', async () => {
    fresh();
    const names = buildResourceNames(prefix);
    await syncIocs(fx.engine, { sources: [file(`seed2-${flavor}.txt`, '192.0.2.10\n')], prefix, feed: 'seed', allowPrivate: true });
    const state = new StateStore(fx.engine, names.state);
    // What a sync killed in bulk-load mode leaves behind: refresh off, and the record of the old value.
    expect(await new RefreshSuspension(fx.engine, names.iocs, state).suspend(new Date().toISOString())).toBe(true);
    expect(await fx.engine.fetchRefreshInterval(names.iocs)).toBe('-1');
    expect(await fx.engine.fetchDocument(names.state, REFRESH_SUSPENSION_ID)).toMatchObject({ details: { index: names.iocs, previous: '1s' } });

    await syncIocs(fx.engine, { sources: [file(`small-${flavor}.txt`, '192.0.2.11\n')], prefix, feed: 'small', allowPrivate: true });
    expect(await fx.engine.fetchRefreshInterval(names.iocs)).toBe('1s');
    expect(await fx.engine.fetchDocument(names.state, REFRESH_SUSPENSION_ID)).toBeUndefined();
  });

  async function scanIds(index: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of fx.engine.scanDocuments({ index, source: false })) ids.push(...page.map((h) => h.id));
    return ids;
  }

  async function setWriteBlock(index: string, on: boolean): Promise<void> {
    const client = (fx.engine as unknown as { client: { indices: { putSettings: (p: unknown) => Promise<unknown> } } }).client;
    await client.indices.putSettings(
      flavor === 'opensearch' ? { index, body: { 'index.blocks.write': on } } : { index, settings: { 'index.blocks.write': on } },
    );
  }
});

describe('iochunt sync (the built CLI)', () => {
  it('--dry-run --json on the ANSSI bulletin reports 161 ipv4-addr, none rejected, hunting from 2021-01-01', async () => {
    const run = await runIochunt(['sync', '--dry-run', '--json', ANSSI]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.status).toBe('dry-run');
    expect(report.feeds).toEqual([
      expect.objectContaining({ name: 'CERTFR-2021-IOC-003', formats: ['anssi-csv'], huntFrom: '2021-01-01T00:00:00.000Z', accepted: 161 }),
    ]);
    expect(report.feeds[0].byType).toEqual({ 'ipv4-addr': expect.objectContaining({ added: 161 }) });
    expect(report.totals).toMatchObject({ accepted: 161, rejected: 0 });
    expect(report.rejected).toEqual([]);
  });

  it('prints the whole of a --json answer larger than a pipe holds before it exits', async () => {
    // 5,000 rejected rows: a report of about 1 MB; a pipe takes 64 KiB at once, and exiting
    // before the rest was written cut it (JSON.parse: "Unexpected end of JSON input").
    const junk = file('junk.txt', `${Array.from({ length: 5_000 }, (_, i) => `not-an-ioc-${i} !!`).join('\n')}\n`);
    const run = await runIochunt(['sync', '--dry-run', '--json', junk]);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(512 * 1024);
    const report = JSON.parse(run.stdout);
    expect(report.totals).toMatchObject({ accepted: 0, rejected: 5_000 });
    expect(report.rejected).toHaveLength(5_000);
  });

  it('--strict with one bad row writes nothing and exits 2 with the row', async () => {
    const bad = file('strict.txt', '198.51.100.5\nnot an indicator at all\n198.51.100.6\n');
    const run = await runIochunt(['sync', '--strict', '--allow-private', '--url', 'http://127.0.0.1:1', bad]);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([expect.stringMatching(new RegExp(`^iochunt: ${bad}:line 2: --strict: rejected .*nothing was written`))]);
  });

  it('a missing source fails with one line before touching the cluster', async () => {
    const run = await runIochunt(['sync', '--url', 'http://127.0.0.1:1', join(dir, 'nope.csv')]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([`iochunt: ${join(dir, 'nope.csv')}: no such file or directory`]);
  });
});

describe('iochunt sync sources', () => {
  const fx = useEngine('opensearch');
  const os = fx.endpoint;

  it('loads a MISP feed directory as one feed named after the directory', async () => {
    const feedDir = join(dir, 'circl-osint');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(feedDir, { recursive: true });
    const fixtures = new URL('../../fixtures/iocs/', import.meta.url).pathname;
    copyFileSync(join(fixtures, 'misp-feed', 'manifest.json'), join(feedDir, 'manifest.json'));
    copyFileSync(join(fixtures, 'misp-event.json'), join(feedDir, '5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47.json'));
    writeFileSync(
      join(feedDir, '7c9e2b14-3a5d-4f6e-8b1c-0d2e3f4a5b61.json'),
      JSON.stringify({
        Event: {
          uuid: '7c9e2b14-3a5d-4f6e-8b1c-0d2e3f4a5b61',
          info: 'Emotet epoch 5 C2 servers',
          Attribute: [
            { uuid: 'a1b2c3d4-0000-4000-8000-000000000001', type: 'ip-dst|port', value: '45.76.159.10|443', to_ids: true },
            { uuid: 'a1b2c3d4-0000-4000-8000-000000000002', type: 'ip-dst', value: '51.75.33.120', to_ids: true },
          ],
        },
      }),
    );
    const dry = await syncIocs(undefined, { sources: [feedDir], dryRun: true });
    expect(dry.feeds.map((f) => [f.name, f.sources.length])).toEqual([['circl-osint', 2]]);
    const prefix = uniqueName('misp');
    try {
      const report = await syncIocs(fx.engine, { sources: [feedDir], prefix });
      expect(report.totals.added).toBe(dry.totals.accepted);
      expect(report.totals.added).toBeGreaterThan(2);
      expect(await fx.engine.countDocuments(`${prefix}-iocs`, { term: { 'iochunt.active_feeds': 'circl-osint' } })).toBe(report.totals.added);
    } finally {
      await fx.engine.deleteIndices([`${prefix}-iocs`, `${prefix}-state`]);
    }
  });

  it('refuses a MISP feed whose manifest lists a missing event, writing nothing', async () => {
    const feedDir = join(dir, 'broken-feed');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(feedDir, { recursive: true });
    copyFileSync(new URL('../../fixtures/iocs/misp-feed/manifest.json', import.meta.url).pathname, join(feedDir, 'manifest.json'));
    const run = await runIochunt(['sync', '--url', os.url, '--prefix', uniqueName('broken'), feedDir]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/manifest\.json lists event 5f3c9a2e-.* but 5f3c9a2e-.*\.json is missing$/)]);
  });

  it('downloads http sources, and fails in one line on HTTP errors', async () => {
    const { createServer } = await import('node:http');
    const { readFileSync } = await import('node:fs');
    const server = createServer((request, response) => {
      if (request.url === '/CERTFR-2021-IOC-003-IOC.csv') response.end(readFileSync(ANSSI));
      else response.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const ok = await runIochunt(['sync', '--dry-run', '--json', `http://127.0.0.1:${port}/CERTFR-2021-IOC-003-IOC.csv`]);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout).feeds).toEqual([expect.objectContaining({ name: 'CERTFR-2021-IOC-003', accepted: 161 })]);
      const missing = await runIochunt(['sync', '--dry-run', `http://user:s3cret@127.0.0.1:${port}/gone.csv`]);
      expect(missing.code).toBe(1);
      expect(stderrLines(missing)).toEqual([`iochunt: cannot download http://127.0.0.1:${port}/gone.csv: HTTP 404 Not Found`]);
    } finally {
      server.close();
    }
  });

  it('reads - from standard input', async () => {
    const run = await runIochunt(['sync', '--dry-run', '--json', '--feed', 'pasted', '-'], {}, 'hxxp://evil-update[.]com/a.exe\n5.188.86.114\n');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.feeds).toEqual([expect.objectContaining({ name: 'pasted', accepted: 2, formats: ['txt'] })]);
    expect(Object.keys(report.feeds[0].byType).sort()).toEqual(['ipv4-addr', 'url']);
  });

  it('a malformed JSON source exits 2 and creates nothing', async () => {
    const prefix = uniqueName('malformed');
    const bad = file('broken.json', '{"Event": {"Attribute": [ {"type": "ip-dst", "value": "5.188.86.114"');
    const run = await runIochunt(['sync', '--url', os.url, '--prefix', prefix, bad]);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toHaveLength(1);
    expect(run.stderr).toContain(bad);
    expect((await fx.engine.fetchIndexSummaries([`${prefix}-iocs`, `${prefix}-state`])).map((s) => s.exists)).toEqual([false, false]);
  });

  it('prints a per-type table and the rejected entries with file and line', async () => {
    const prefix = uniqueName('table');
    const mixed = file('mixed.txt', 'evil-update[.]com\n5.188.86.114\n10.0.0.1\nnot a thing\n');
    try {
      const run = await runIochunt(['sync', '--url', os.url, '--prefix', prefix, '--feed', 'mixed', mixed]);
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')).toEqual(
        expect.arrayContaining([
          'feed mixed (txt; 1 source(s); hunt from 2021-01-01)',
          '  type         added  updated  reactivated  unchanged  deactivated',
          '  ipv4-addr        1        0            0          0            0',
          '  domain-name      1        0            0          0            0',
          'rejected (2):',
          expect.stringMatching(new RegExp(`^  ${mixed}:3: "10.0.0.1": private`)),
          expect.stringMatching(new RegExp(`^  ${mixed}:4: "not a thing": `)),
        ]),
      );
    } finally {
      await fx.engine.deleteIndices([`${prefix}-iocs`, `${prefix}-state`]);
    }
  });
});
