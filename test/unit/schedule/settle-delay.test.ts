import { describe, expect, it } from 'vitest';
import { buildSettleDelay } from '../../../src/core/schedule/build-settle-delay.js';
import { clockSkewBound } from '../../../src/core/schedule/clock-skew-bound.js';

describe('clockSkewBound', () => {
  it('bounds each node offset by the round trip around its reading, whichever way the clock is off', () => {
    // Sent at 1000, answered at 1040 (local). A node reading 1020 may be 20 ms either way.
    expect(clockSkewBound({ sentAt: 1_000, receivedAt: 1_040, nodeTimes: [1_020] })).toBe(20);
    // A node 500 ms ahead: at most 540 (it read its clock right at the send).
    expect(clockSkewBound({ sentAt: 1_000, receivedAt: 1_040, nodeTimes: [1_520] })).toBe(520);
    // A node 3 s behind.
    expect(clockSkewBound({ sentAt: 10_000, receivedAt: 10_010, nodeTimes: [7_005] })).toBe(3_005);
  });

  it('takes the worst node: any ingest node may stamp event.ingested', () => {
    expect(clockSkewBound({ sentAt: 1_000, receivedAt: 1_010, nodeTimes: [1_005, 2_005, 995] })).toBe(1_005);
  });

  it('rounds up to whole milliseconds, never below the truth', () => {
    expect(clockSkewBound({ sentAt: 1_000.4, receivedAt: 1_001.2, nodeTimes: [1_000] })).toBe(2);
  });
});

describe('buildSettleDelay: refresh interval + clock skew + margin', () => {
  it('is the engines default refresh (1 s) plus skew and the 2 s margin for indices that set none', () => {
    const delay = buildSettleDelay({ refreshIntervals: new Map([['logs-a', '1s'], ['logs-b', undefined]]), skewMs: 35 });
    expect(delay).toEqual({ ms: 3_035, refreshMs: 1_000, skewMs: 35, marginMs: 2_000, warnings: [] });
  });

  it('takes the longest refresh interval of the hunted indices and names its index', () => {
    const delay = buildSettleDelay({ refreshIntervals: new Map([['logs-a', '1s'], ['logs-b', '30s'], ['logs-c', '5s']]), skewMs: 0, marginMs: 500 });
    expect(delay).toEqual({ ms: 30_500, refreshMs: 30_000, slowestIndex: 'logs-b', skewMs: 0, marginMs: 500, warnings: [] });
  });

  it('leaves indices with refresh disabled out of the maximum and warns that their late events can be missed', () => {
    const names = ['logs-1', 'logs-2', 'logs-3', 'logs-4', 'logs-5'];
    const delay = buildSettleDelay({ refreshIntervals: new Map([...names.map((n) => [n, '-1'] as [string, string]), ['logs-x', '2s']]), skewMs: 10 });
    expect(delay.ms).toBe(2_000 + 10 + 2_000);
    expect(delay.warnings).toEqual([
      'refresh is disabled on logs-1, logs-2, logs-3 and 2 more (index.refresh_interval -1): their events become searchable only when something refreshes them, so events that show late can be missed there',
    ]);
  });

  it('names a setting it cannot read rather than guessing a value for it', () => {
    const delay = buildSettleDelay({ refreshIntervals: new Map([['logs-a', 'soon']]), skewMs: 0 });
    expect(delay.refreshMs).toBe(1_000);
    expect(delay.warnings).toEqual(['cannot read the refresh interval of logs-a ("soon"): left out of the settle delay']);
  });

  it('says that a remote cluster behind a pattern has its refresh intervals and clocks assumed, not read', () => {
    expect(buildSettleDelay({ refreshIntervals: new Map(), skewMs: 0, remotePatterns: ['eu:logs-*'] }).warnings).toEqual([
      "the refresh intervals and clocks behind eu:logs-* are a remote cluster's and not read: the settle delay assumes they are no slower than this cluster's",
    ]);
  });

  it('with no index (nothing matches the patterns yet) still gives the default delay', () => {
    expect(buildSettleDelay({ refreshIntervals: new Map(), skewMs: 3.2 }).ms).toBe(1_000 + 4 + 2_000);
  });
});
