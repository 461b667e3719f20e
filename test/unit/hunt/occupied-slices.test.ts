import { describe, expect, it } from 'vitest';
import { keepOccupiedUnits } from '../../../src/core/hunt/occupied-slices.js';
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
