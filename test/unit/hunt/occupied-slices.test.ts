import { describe, expect, it } from 'vitest';
import { keepOccupiedUnits, type MonthCount, sizeSlicesByVolume } from '../../../src/core/hunt/occupied-slices.js';
import type { HuntPlan, HuntUnit, TimeSlice } from '../../../src/core/hunt/plan-hunt.js';

/** A plan of `groups` groups x these slices x 2 batches: only the parts keepOccupiedUnits reads. */
function plan(groups: number, slices: TimeSlice[]): HuntPlan {
  const units: HuntUnit[] = [];
  for (let g = 0; g < groups; g++) slices.forEach((slice, s) => [0, 1].forEach((b) => units.push({ key: `g${g}:${slice.key}:b${b}`, group: g, slice: s, batch: b })));
  return { since: slices[0]!.from, until: slices.at(-1)!.until, timestampField: '@timestamp', groups: [], slices, batches: [], units, skipped: [], warnings: [] };
}

const MONTHS: TimeSlice[] = [
  { key: '2021-01', from: '2021-01-15T00:00:00.000Z', until: '2021-02-01T00:00:00.000Z' },
  { key: '2021-02', from: '2021-02-01T00:00:00.000Z', until: '2021-03-01T00:00:00.000Z' },
  { key: '2021-03', from: '2021-03-01T00:00:00.000Z', until: '2021-03-10T12:00:00.000Z' },
];

describe('keepOccupiedUnits: units only where the data is', () => {
  it('keeps, per group, the slices its event months overlap, with their unit keys unchanged', () => {
    const kept = keepOccupiedUnits(plan(2, MONTHS), new Map([[0, ['2021-01', '2021-03']], [1, []]]));
    expect(kept.units.map((u) => u.key)).toEqual(['g0:2021-01:b0', 'g0:2021-01:b1', 'g0:2021-03:b0', 'g0:2021-03:b1']);
    expect(kept.slices).toEqual(MONTHS);
  });

  it('maps months onto year slices and onto one slice for the whole range', () => {
    const years: TimeSlice[] = [
      { key: '2021', from: '2021-06-01T00:00:00.000Z', until: '2022-01-01T00:00:00.000Z' },
      { key: '2022', from: '2022-01-01T00:00:00.000Z', until: '2023-01-01T00:00:00.000Z' },
    ];
    expect(keepOccupiedUnits(plan(1, years), new Map([[0, ['2022-12']]])).units.map((u) => u.key)).toEqual(['g0:2022:b0', 'g0:2022:b1']);
    const whole: TimeSlice[] = [{ key: 'all', from: '2021-01-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' }];
    expect(keepOccupiedUnits(plan(1, whole), new Map([[0, ['2024-07']]])).units).toHaveLength(2);
    expect(keepOccupiedUnits(plan(1, whole), new Map([[0, []]])).units).toHaveLength(0);
  });

  it('a group without an answer keeps every unit; an unreadable month key drops nothing it should keep', () => {
    expect(keepOccupiedUnits(plan(2, MONTHS), new Map([[1, ['2021-02']]])).units.filter((u) => u.group === 0)).toHaveLength(6);
    expect(keepOccupiedUnits(plan(1, MONTHS), new Map([[0, ['garbage', '2021-02']]])).units.map((u) => u.key)).toEqual(['g0:2021-02:b0', 'g0:2021-02:b1']);
  });
});

describe('sizeSlicesByVolume: time ranges sized by event volume (--slice auto)', () => {
  const month = (m: number): TimeSlice => {
    const from = new Date(Date.UTC(2021, m, 1)).toISOString();
    const until = new Date(Date.UTC(2021, m + 1, 1)).toISOString();
    return { key: from.slice(0, 7), from, until };
  };
  const YEAR = Array.from({ length: 12 }, (_, m) => month(m));
  /** planHunt's shape: groups and batches the units are made of. */
  function planned(groups: number): HuntPlan {
    const base = plan(groups, YEAR);
    return { ...base, groups: Array.from({ length: groups }, (_, g) => ({ key: `g${g}`, indices: [`logs-${g}`], fields: [] })), batches: [0, 1].map((b) => ({ key: `b${b}`, exactIps: [], cidrs: [], values: {}, iocCount: 1 })) };
  }
  const counts = (entries: [string, number][]): MonthCount[] => entries.map(([m, count]) => ({ month: m, count }));

  it('merges the months holding events into one range while they stay under the target, named by its first and last month', () => {
    const sized = sizeSlicesByVolume(planned(1), new Map([[0, counts([['2021-01', 10], ['2021-04', 20], ['2021-09', 5]])]]), 100);
    expect(sized.slices).toEqual([{ key: '2021-01..2021-09', from: '2021-01-01T00:00:00.000Z', until: '2021-10-01T00:00:00.000Z' }]);
    expect(sized.units.map((u) => u.key)).toEqual(['g0:2021-01..2021-09:b0', 'g0:2021-01..2021-09:b1']);
    expect(sized.units.every((u) => sized.slices[u.slice]?.key === '2021-01..2021-09')).toBe(true);
  });

  it('closes a range before the month that would pass the target; a month past it alone stays alone, under its own key', () => {
    const sized = sizeSlicesByVolume(planned(1), new Map([[0, counts([['2021-01', 60], ['2021-02', 30], ['2021-03', 20], ['2021-05', 500], ['2021-06', 1]])]]), 100);
    expect(sized.slices.map((s) => s.key)).toEqual(['2021-01..2021-02', '2021-03', '2021-05', '2021-06']);
    // Every event month is inside exactly one range, and the ranges do not overlap.
    for (const m of ['2021-01', '2021-02', '2021-03', '2021-05', '2021-06']) {
      const at = Date.parse(`${m}-15T00:00:00.000Z`);
      expect(sized.slices.filter((s) => Date.parse(s.from) <= at && at < Date.parse(s.until))).toHaveLength(1);
    }
  });

  it('sizes each group by its own volume, and keeps every unit of a group it has no counts for', () => {
    const sized = sizeSlicesByVolume(planned(3), new Map([[0, counts([['2021-02', 1], ['2021-03', 1]])], [1, []]]), 100);
    const keys = (g: number): string[] => sized.units.filter((u) => u.group === g).map((u) => u.key);
    expect(keys(0)).toEqual(['g0:2021-02..2021-03:b0', 'g0:2021-02..2021-03:b1']);
    expect(keys(1)).toEqual([]);
    expect(keys(2)).toHaveLength(24);
    expect(sized.units.every((u) => sized.slices[u.slice] !== undefined && u.key.includes(`:${sized.slices[u.slice]!.key}:`))).toBe(true);
    expect(sized.slices.map((s) => s.from)).toEqual([...sized.slices.map((s) => s.from)].sort());
  });

  it('plans the same keys for the same counts, and other keys (never fewer ranges covering the events) when the counts moved', () => {
    const before = sizeSlicesByVolume(planned(1), new Map([[0, counts([['2021-01', 50], ['2021-02', 40]])]]), 100);
    expect(sizeSlicesByVolume(planned(1), new Map([[0, counts([['2021-01', 50], ['2021-02', 40]])]]), 100)).toEqual(before);
    const grown = sizeSlicesByVolume(planned(1), new Map([[0, counts([['2021-01', 50], ['2021-02', 70]])]]), 100);
    expect(grown.slices.map((s) => s.key)).toEqual(['2021-01', '2021-02']);
    expect(before.slices.map((s) => s.key)).toEqual(['2021-01..2021-02']);
  });
});
