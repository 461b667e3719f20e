import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/io/engine/connect.js';
import { createLogger } from '../../../src/logger.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { connectionFor, uniqueName } from '../../helpers/engines.js';

/**
 * A scan asks for no page past its last (issue 13, the layout benchmark): the empty page that
 * says "no more" runs the query again on every shard, a second search per part of an index
 * list. Counted here from the client's own request log.
 */
describe.each(['opensearch', 'elasticsearch'] as const)('the requests of a scan on %s', (flavor) => {
  const fx = useEngine(flavor);
  const index = uniqueName(`scan-req-${flavor.slice(0, 2)}`);

  beforeAll(async () => {
    const lines = Array.from({ length: 25 }, (_, i) => [JSON.stringify({ create: { _index: index, _id: `d${i}` } }), JSON.stringify({ n: i })]).flat();
    expect((await fx.engine.bulk(`${lines.join('\n')}\n`, { refresh: true })).every((item) => item.status === 201)).toBe(true);
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([index]);
  });

  async function scanCounting(pageSize: number): Promise<{ ids: string[]; searches: number }> {
    const paths: string[] = [];
    const log = createLogger('debug', 'json', (line) => {
      const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string };
      if (entry.msg === 'cluster request' && entry.method === 'POST' && entry.path?.includes('_search')) paths.push(entry.path);
    });
    const engine = await connect({ ...connectionFor(fx.endpoint), log });
    try {
      const ids: string[] = [];
      for await (const page of engine.scanDocuments({ index, source: false, pageSize })) ids.push(...page.map((hit) => hit.id));
      return { ids: ids.sort(), searches: paths.length };
    } finally {
      await engine.close();
    }
  }

  const all = Array.from({ length: 25 }, (_, i) => `d${i}`).sort();

  it('reads 25 hits of a page of 100 in one search', async () => {
    expect(await scanCounting(100)).toEqual({ ids: all, searches: 1 });
  });

  it('reads 25 hits in pages of 10 in three searches, none for an empty page', async () => {
    expect(await scanCounting(10)).toEqual({ ids: all, searches: 3 });
  });
});
