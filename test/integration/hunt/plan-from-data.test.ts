/**
 * A hunt plans units only where the data is (issue 13, item 2): per index group one histogram of
 * the months that hold events, so six years of monthly slices over data in three months cost
 * three units per IOC batch, not seventy-odd, and by default (`--slice auto`) one, the months
 * merged by volume, with the same findings, and a rerun stays exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';

/** Events in three months of 2022 and 2024, two indices of one mapping (one group). */
const EVENTS = [
  { index: '2022', at: '2022-03-04T10:00:00.000Z', ip: ANSSI_IPS[0]! },
  { index: '2022', at: '2022-03-20T10:00:00.000Z', ip: '203.0.113.9' },
  { index: '2022', at: '2022-11-30T23:59:59.000Z', ip: ANSSI_IPS[1]! },
  { index: '2024', at: '2024-07-01T00:00:00.000Z', ip: ANSSI_IPS[2]! },
];

describe.each(['opensearch', 'elasticsearch'] as const)('units only where the data is, on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('plan-data');
  const names = buildResourceNames(prefix);
  const indices = [`${prefix}-logs-2022`, `${prefix}-logs-2024`];

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    for (const index of indices) await fx.engine.createIndex(index, loadResource('mappings', 'sample-logs'));
    const lines = EVENTS.map((e, i) => `${JSON.stringify({ index: { _index: `${prefix}-logs-${e.index}`, _id: `e${i}` } })}\n${JSON.stringify({ '@timestamp': e.at, destination: { ip: e.ip } })}\n`);
    await fx.engine.bulk(lines.join(''), { refresh: true });
  }, 60_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('with month slices, plans one unit per month holding events, finds every hit, and a rerun writes nothing', async () => {
    const first = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`], since: '2021-01-01', until: '2026-12-01T00:00:00Z', slice: 'month' });
    // 71 monthly slices in range; events in 2022-03, 2022-11 and 2024-07 only; 161 IOCs: one batch.
    expect(first.phases).toEqual([{ name: 'history', units: 3, slices: 71 }]);
    expect(first.units).toMatchObject({ total: 3, done: 3 });
    expect(first.totals.findings).toBe(3);
    const again = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`], since: '2021-01-01', until: '2026-12-01T00:00:00Z', slice: 'month' });
    expect(again.progress.alertsCreated).toBe(0);
    expect(again.totals.findings).toBe(3);
  });

  it('by default sizes the range by volume: the three event months are one unit, the same findings, a rerun writes nothing', async () => {
    const sized = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`], since: '2021-01-01', until: '2026-12-01T00:00:00Z' });
    expect(sized.phases).toEqual([{ name: 'history', units: 1, slices: 1 }]);
    expect(sized.units).toMatchObject({ total: 1, done: 1 });
    expect(sized.totals.findings).toBe(3);
    // The month test ran first: every finding is already there.
    expect(sized.progress.alertsCreated).toBe(0);
    expect(sized.progress.alreadyFound).toBe(3);
  });

  it('with year slices, the two years that hold events', async () => {
    const plan = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`], since: '2021-01-01', until: '2026-12-01T00:00:00Z', slice: 'year', dryRun: true });
    expect(plan.phases).toEqual([{ name: 'history', units: 2, slices: 6 }]);
  });
});
