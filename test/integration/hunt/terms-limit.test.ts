/**
 * A million IOCs (issue 13, item 3): batches are as large as the engines' own `terms` limit
 * (`index.max_terms_count`, 65,536 by default). An index whose limit was lowered would refuse
 * such a query: the hunt reads the smallest limit set on the hunted indices and cuts its
 * batches to it, and finds every hit, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';

describe.each(['opensearch', 'elasticsearch'] as const)('a batch past an index\'s max_terms_count, on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('terms-limit');
  const names = buildResourceNames(prefix);
  const index = `${prefix}-logs`;
  const hits = ANSSI_IPS.slice(0, 12);

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    const sample = loadResource('mappings', 'sample-logs') as { settings?: Record<string, unknown> };
    // 161 IOCs would be one batch of 161 values; this index takes 20 terms per query.
    await fx.engine.createIndex(index, { ...sample, settings: { ...sample.settings, 'index.max_terms_count': 20 } });
    const lines = hits.map((ip, i) => `${JSON.stringify({ index: { _index: index, _id: `e${i}` } })}\n${JSON.stringify({ '@timestamp': '2022-03-04T10:00:00.000Z', destination: { ip } })}\n`);
    await fx.engine.bulk(lines.join(''), { refresh: true });
  }, 60_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([index, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('cuts the 161 IOCs into batches of the index\'s 20 terms, and finds every hit', async () => {
    const summary = await runHunt(fx.engine, { prefix, index: [index], since: '2022-01-01', until: '2022-12-01T00:00:00Z' });
    // One month holds events: one unit per batch, ceil(161 / 20) = 9 batches.
    expect(summary.units).toMatchObject({ total: Math.ceil(161 / 20), done: Math.ceil(161 / 20) });
    expect(summary.totals.findings).toBe(hits.length);
    expect(summary.progress.alertsCreated).toBe(hits.length);
  });
});
