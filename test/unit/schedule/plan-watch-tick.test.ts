import { describe, expect, it } from 'vitest';
import { settledWindowStart } from '../../../src/core/hunt/plan-hunt-phases.js';
import { lateEventsWarning, planWatchTick } from '../../../src/core/schedule/plan-watch-tick.js';
import { deepFreeze } from '../hunt/hunt-fixtures.js';

const at = (iso: string): number => Date.parse(iso);

describe('settledWindowStart', () => {
  it('after a near-live run with the same delay: exactly where the previous window ended, no overlap', () => {
    // That run started at 12:00:15 and ended its window 3 s before: 12:00:12.
    const watermark = { setVersion: 1, eventsUntil: '2026-12-01T12:00:12.000Z', runStartedAt: '2026-12-01T12:00:15.000Z' };
    expect(settledWindowStart(watermark, 3_000)).toBe('2026-12-01T12:00:12.000Z');
  });

  it('after a run that ended its window at its own start (hunt --mode incremental, schedule): back by the whole delay', () => {
    const watermark = { setVersion: 1, eventsUntil: '2026-12-01T12:00:15.000Z', runStartedAt: '2026-12-01T12:00:15.000Z' };
    expect(settledWindowStart(watermark, 3_000)).toBe('2026-12-01T12:00:12.000Z');
  });

  it('when the delay grew (an index now refreshes every 30 s): back by the difference', () => {
    const watermark = { setVersion: 1, eventsUntil: '2026-12-01T12:00:12.000Z', runStartedAt: '2026-12-01T12:00:15.000Z' };
    expect(settledWindowStart(watermark, 32_000)).toBe('2026-12-01T11:59:43.000Z');
  });

  it('for a watermark recorded before near-live runs (no start): back by the whole delay', () => {
    expect(settledWindowStart({ setVersion: 1, eventsUntil: '2026-12-01T12:00:15.000Z' }, 3_000)).toBe('2026-12-01T12:00:12.000Z');
  });
});

describe('planWatchTick', () => {
  const watermark = { setVersion: 4, eventsUntil: '2026-12-01T12:00:12.000Z', runStartedAt: '2026-12-01T12:00:15.000Z' };

  it('hunts without counting when there is no watermark yet: the first hunt is a full one', () => {
    expect(planWatchTick({ now: at('2026-12-01T12:00:30.000Z'), settleMs: 3_000, setVersion: 4 })).toEqual({ kind: 'hunt', reason: 'first hunt' });
  });

  it('hunts without counting when the IOC set is newer than the watermark: the new IOCs history is due', () => {
    expect(planWatchTick({ now: at('2026-12-01T12:00:30.000Z'), settleMs: 3_000, setVersion: 5, watermark })).toEqual({ kind: 'hunt', reason: 'new IOCs' });
  });

  it('otherwise counts the window the hunt would search, on event.ingested or @timestamp, so a count of 0 is a proof', () => {
    const input = deepFreeze({ now: at('2026-12-01T12:00:30.000Z'), settleMs: 3_000, setVersion: 4, watermark });
    const range = { gte: '2026-12-01T12:00:12.000Z', lt: '2026-12-01T12:00:27.000Z', format: 'strict_date_optional_time' };
    expect(planWatchTick(input)).toEqual({
      kind: 'check',
      window: { from: '2026-12-01T12:00:12.000Z', until: '2026-12-01T12:00:27.000Z' },
      query: { bool: { should: [{ range: { 'event.ingested': range } }, { range: { '@timestamp': range } }], minimum_should_match: 1 } },
    });
  });

  it('a set version older than the watermark (a rewritten state) is no reason to hunt history', () => {
    expect(planWatchTick({ now: at('2026-12-01T12:00:30.000Z'), settleMs: 3_000, setVersion: 3, watermark }).kind).toBe('check');
  });

  it('is idle without a request when the window is empty (this host clock went back)', () => {
    expect(planWatchTick({ now: at('2026-12-01T12:00:14.000Z'), settleMs: 3_000, setVersion: 4, watermark })).toEqual({
      kind: 'idle',
      window: { from: '2026-12-01T12:00:12.000Z', until: '2026-12-01T12:00:11.000Z' },
    });
  });
});

describe('lateEventsWarning', () => {
  it('says late events can be missed only when the window is not on event.ingested', () => {
    expect(lateEventsWarning('event.ingested')).toBeUndefined();
    expect(lateEventsWarning('@timestamp')).toBe(
      'the window is on @timestamp (event.ingested is not mapped as a date on every hunted index): events that arrive late, with an older @timestamp, can be missed',
    );
  });
});
