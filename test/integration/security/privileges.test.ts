import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { connect } from '../../../src/io/engine/connect.js';
import { REFRESH_SUSPENSION_ID } from '../../../src/io/store/state-records.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';
import { useTempFiles } from '../../helpers/temp-files.js';

/**
 * The users come from the local Elasticsearch's file realm, created by `npm run test:all`
 * (scripts/with-engines.ts) from docker/iochunt-role.json for the prefixes `t-priv-*`:
 * iochunt-hunter has exactly that role, iochunt-readonly the same without writes on alerts.
 */
function testUser(kind: 'hunter' | 'readonly'): [string, string] {
  const password = process.env[`IOCHUNT_TEST_ES_${kind.toUpperCase()}_PASSWORD`];
  if (!password) {
    throw new Error(
      `no IOCHUNT_TEST_ES_${kind.toUpperCase()}_PASSWORD: run the tests with "npm run test:all", which starts Elasticsearch with the file-realm users iochunt-hunter and iochunt-readonly`,
    );
  }
  return [`iochunt-${kind}`, password];
}

const { file } = useTempFiles('priv');

describe('least privileges on Elasticsearch (security on)', () => {
  const fx = useEngine('elasticsearch');
  const prefix = uniqueName('priv');
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs-*`;
  let indices: string[] = [];

  beforeAll(async () => {
    await syncCorpusFeeds(fx.engine, prefix);
    indices = await writeCorpus(fx.engine, prefix, 800);
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('a user with exactly the documented role (docker/iochunt-role.json) can run hunt', async () => {
    const [user, password] = testUser('hunter');
    const run = await runIochunt(['hunt', '--url', fx.endpoint.url, '--user', user, '--password', password, '--prefix', prefix, '--index', logs, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).totals.findings).toBe(8);
  });

  it('a user with the documented role syncs without bulk-load mode, which needs manage on the IOC index', async () => {
    const [user, password] = testUser('hunter');
    const other = uniqueName('priv');
    const otherNames = buildResourceNames(other);
    const source = file('ips.txt', '198.51.100.1\n198.51.100.2\n198.51.100.3\n198.51.100.4\n198.51.100.5\n');
    const engine = await connect({ url: fx.endpoint.url, user, password });
    let asked = 0; // settings reads: the refusal is taken once, not once per batch
    const counting = new Proxy(engine, {
      get(target, key) {
        if (key === 'fetchRefreshInterval') asked += 1;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const report = await syncIocs(counting, { sources: [source], prefix: other, feed: 'x', allowPrivate: true, batchSize: 2, bulkLoadAfter: 1 });
      expect(report.totals.added).toBe(5);
      expect(asked).toBe(1);
      expect(await fx.engine.fetchRefreshInterval(otherNames.iocs)).toBe('1s');
      expect(await fx.engine.fetchDocument(otherNames.state, REFRESH_SUSPENSION_ID)).toBeUndefined();
    } finally {
      await engine.close();
      await fx.engine.deleteIndices([otherNames.iocs, otherNames.state]);
    }
  });

  it('a user without write on the alerts index gets one clear line, exit 1, and no alert is written', async () => {
    const other = uniqueName('priv');
    const otherNames = buildResourceNames(other);
    await syncCorpusFeeds(fx.engine, other);
    const [user, password] = testUser('readonly');
    try {
      const run = await runIochunt(['hunt', '--url', fx.endpoint.url, '--user', user, '--password', password, '--prefix', other, '--index', logs]);
      expect(run.code).toBe(1);
      const lines = stderrLines(run).filter((l) => !l.startsWith('iochunt: hunt run') && !l.startsWith('iochunt: warning:'));
      expect(lines).toEqual([expect.stringMatching(/^iochunt: permission denied .* is unauthorized for user \[iochunt-readonly\]/)]);
      expect(run.stderr).not.toContain(password);
      const [alerts] = await fx.engine.fetchIndexSummaries([otherNames.alerts]);
      expect(alerts?.exists).toBe(false);
      const state = await fx.engine.search(otherNames.state, { query: { term: { kind: 'hunt-run' } }, size: 5 });
      const runs = (state.hits as { hits: { _source: { status: string } }[] }).hits.map((h) => h._source.status);
      expect(runs, run.stderr).toEqual(['failed']);
    } finally {
      await fx.engine.deleteIndices([otherNames.iocs, otherNames.state]);
    }
  });
});
