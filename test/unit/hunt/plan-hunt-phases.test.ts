import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_FIELDS } from '../../../src/core/hunt/match-fields.js';
import { earliestHuntFrom, planHuntPhases, type VersionedIoc } from '../../../src/core/hunt/plan-hunt-phases.js';
import type { PlanIndex } from '../../../src/core/hunt/plan-hunt.js';
import { deepFreeze, makeIoc } from './hunt-fixtures.js';

function index(name: string, fieldTypes: Record<string, string>): PlanIndex {
  return { name, closed: false, fieldTypes: new Map(Object.entries(fieldTypes)) };
}

const WITH_INGESTED = index('logs-a', { '@timestamp': 'date', 'event.ingested': 'date', 'source.ip': 'ip' });
const WITHOUT_INGESTED = index('logs-b', { '@timestamp': 'date', 'source.ip': 'ip' });

/** IOCs of two feeds: the ANSSI bulletin (hunt from 2021), a partner feed synced later (hunt from 2023). */
const OLD = makeIoc('105.154.12.165', { huntFrom: '2021-01-01T00:00:00.000Z' });
const NEW = makeIoc('45.83.10.1', { feed: 'partner', huntFrom: '2023-06-01T00:00:00.000Z' });
const IOCS: VersionedIoc[] = [
  { ioc: OLD, setVersion: 1 },
  { ioc: NEW, setVersion: 3 },
];
const UNTIL = '2026-12-01T00:00:00.000Z';

describe('planHuntPhases', () => {
  it('a full run hunts every IOC once, from the earliest hunt_from of all feeds', () => {
    const { phases, since, newIocs } = planHuntPhases({ iocs: IOCS, indices: [WITH_INGESTED], fields: DEFAULT_MATCH_FIELDS, until: UNTIL, slice: 'year' });
    expect(phases.map((p) => p.name)).toEqual(['history']);
    expect(since).toBe('2021-01-01T00:00:00.000Z');
    expect(phases[0]!.plan.since).toBe('2021-01-01T00:00:00.000Z');
    expect(phases[0]!.iocs.map((i) => i.value)).toEqual(['105.154.12.165', '45.83.10.1']);
    expect(newIocs).toBeUndefined();
  });

  it('the earliest hunt_from wins whatever the order of the IOCs (not the latest, not the first)', () => {
    expect(earliestHuntFrom([NEW, OLD])).toBe('2021-01-01T00:00:00.000Z');
    expect(earliestHuntFrom([OLD, NEW])).toBe('2021-01-01T00:00:00.000Z');
    expect(earliestHuntFrom([])).toBe('2021-01-01T00:00:00.000Z');
    expect(earliestHuntFrom([NEW])).toBe('2023-06-01T00:00:00.000Z');
  });

  it('--since overrides the IOCs own start', () => {
    const { phases } = planHuntPhases({ iocs: IOCS, indices: [WITH_INGESTED], fields: DEFAULT_MATCH_FIELDS, since: '2024-01-01T00:00:00.000Z', until: UNTIL, slice: 'none' });
    expect(phases[0]!.plan.slices).toEqual([{ key: expect.any(String), from: '2024-01-01T00:00:00.000Z', until: UNTIL }]);
  });

  it('an incremental run hunts the IOCs newer than the watermark over their history, and every IOC over the new-events window', () => {
    const watermark = { setVersion: 2, eventsUntil: '2026-11-30T12:00:00.000Z' };
    const input = deepFreeze({ iocs: IOCS, indices: [WITH_INGESTED], fields: DEFAULT_MATCH_FIELDS, until: UNTIL, slice: 'month' as const, watermark });
    const { phases, since, newIocs } = planHuntPhases(input);
    expect(phases.map((p) => p.name)).toEqual(['history', 'new-events']);
    expect(newIocs?.map((i) => i.value)).toEqual(['45.83.10.1']);
    // The new IOC's history starts at its own hunt_from, not the other feed's.
    expect(phases[0]!.plan.since).toBe('2023-06-01T00:00:00.000Z');
    expect(phases[0]!.iocs.map((i) => i.value)).toEqual(['45.83.10.1']);
    // The window: one slice from the watermark less the default hour of overlap, on event.ingested.
    expect(phases[1]!.plan.slices).toEqual([{ key: expect.any(String), from: '2026-11-30T11:00:00.000Z', until: UNTIL }]);
    expect(phases[1]!.plan.timestampField).toBe('event.ingested');
    expect(phases[1]!.iocs).toHaveLength(2);
    expect(since).toBe('2023-06-01T00:00:00.000Z');
  });

  it('an incremental run with nothing new plans only the window, on @timestamp when an index lacks event.ingested', () => {
    const watermark = { setVersion: 3, eventsUntil: '2026-11-30T12:00:00.000Z' };
    const { phases, newIocs, since } = planHuntPhases({
      iocs: IOCS,
      indices: [WITH_INGESTED, WITHOUT_INGESTED],
      fields: DEFAULT_MATCH_FIELDS,
      until: UNTIL,
      slice: 'month',
      watermark,
      overlapMs: 60_000,
    });
    expect(phases.map((p) => p.name)).toEqual(['new-events']);
    expect(newIocs).toEqual([]);
    expect(phases[0]!.plan.timestampField).toBe('@timestamp');
    expect(since).toBe('2026-11-30T11:59:00.000Z');
  });

  it('a near-live run (settleMs) starts its window where the previous settled view ended, not an hour back', () => {
    const watermark = { setVersion: 3, eventsUntil: '2026-11-30T11:59:57.000Z', runStartedAt: '2026-11-30T12:00:00.000Z' };
    const input = { iocs: IOCS, indices: [WITH_INGESTED], fields: DEFAULT_MATCH_FIELDS, until: UNTIL, slice: 'month' as const, watermark };
    expect(planHuntPhases({ ...input, settleMs: 3_000 }).phases[0]!.plan.since).toBe('2026-11-30T11:59:57.000Z');
    // A longer delay than the previous run's reaches back by the difference; overlapMs is not used.
    expect(planHuntPhases({ ...input, settleMs: 10_000, overlapMs: 60_000 }).phases[0]!.plan.since).toBe('2026-11-30T11:59:50.000Z');
  });
});
