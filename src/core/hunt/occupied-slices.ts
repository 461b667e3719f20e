import type { HuntPlan, HuntUnit, TimeSlice } from './plan-hunt.js';

/** `2021-03` -> the instants that month starts and ends, UTC. */
function monthBounds(month: string): { start: number; end: number } | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return undefined;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { start: Date.UTC(year, index, 1), end: Date.UTC(year, index + 1, 1) };
}

/**
 * The plan without the units whose (index group, time slice) holds no event: `months` gives, per
 * group (its index in `plan.groups`), the UTC months (`yyyy-MM`) in which the group has events
 * inside the plan's range (a date histogram of the plan's timestamp field). A slice is kept for a
 * group when one of those months overlaps it, so no event in range loses its unit, whatever the
 * slicing (month, year, none); a group missing from `months` keeps all its units. Unit keys do not
 * change, so checkpoints, `--resume` and reruns stay exact: a resumed run re-plans from the data,
 * and a unit that held events before still holds them.
 */
export function keepOccupiedUnits(plan: HuntPlan, months: ReadonlyMap<number, readonly string[]>): HuntPlan {
  const occupied = new Set<string>();
  const slices = plan.slices.map((slice) => ({ from: Date.parse(slice.from), until: Date.parse(slice.until) }));
  for (const [group, keys] of months) {
    for (const key of keys) {
      const month = monthBounds(key);
      if (!month) continue;
      slices.forEach((slice, s) => {
        if (slice.from < month.end && slice.until > month.start) occupied.add(`${group}:${s}`);
      });
    }
  }
  return { ...plan, units: plan.units.filter((unit) => !months.has(unit.group) || occupied.has(`${unit.group}:${unit.slice}`)) };
}

/** Events of one group in one UTC month (`yyyy-MM`), from the plan's date histogram. */
export interface MonthCount {
  month: string;
  count: number;
}

/**
 * Events per unit the default slicing (`--slice auto`) aims at: large enough that a hunt over
 * many small indices costs a few queries, as the engine's own best would, small enough that a
 * resumed run redoes little.
 */
export const DEFAULT_EVENTS_PER_UNIT = 5_000_000;

/**
 * The plan with time ranges sized by event volume (`--slice auto`, README `iochunt hunt`): per
 * group, its consecutive slices that hold events are merged while their events stay within
 * `target` (a single slice past it stays alone), and slices without events get no unit. A
 * merged range is named after its first and last slice (`2021-01..2021-09`), so a unit key
 * always says the range it covers: a resumed run whose data moved plans other keys and redoes
 * those units (alerts are idempotent); it never skips one. Groups missing from `counts` keep
 * every unit. `plan.slices` becomes the ranges the units use, in time order. Pure.
 */
export function sizeSlicesByVolume(plan: HuntPlan, counts: ReadonlyMap<number, readonly MonthCount[]>, target = DEFAULT_EVENTS_PER_UNIT): HuntPlan {
  const bounds = plan.slices.map((slice) => ({ from: Date.parse(slice.from), until: Date.parse(slice.until) }));
  const slices = new Map<string, TimeSlice>();
  const ranges = new Map<number, TimeSlice[]>();
  for (const [g] of plan.groups.entries()) {
    const months = counts.get(g);
    if (!months) {
      const own = [...new Set(plan.units.filter((u) => u.group === g).map((u) => u.slice))].map((s) => plan.slices[s]!);
      ranges.set(g, own);
      continue;
    }
    const events = bounds.map(() => 0);
    for (const { month, count } of months) {
      const span = monthBounds(month);
      if (!span || !(count > 0)) continue;
      const s = bounds.findIndex((b) => b.from < span.end && b.until > span.start);
      if (s >= 0) events[s]! += count;
    }
    const merged: TimeSlice[] = [];
    let first = -1;
    let last = -1;
    let total = 0;
    const close = (): void => {
      if (first < 0) return;
      const a = plan.slices[first]!;
      const b = plan.slices[last]!;
      merged.push(first === last ? a : { key: `${a.key}..${b.key}`, from: a.from, until: b.until });
      first = -1;
      total = 0;
    };
    events.forEach((n, s) => {
      if (n === 0) return;
      if (first >= 0 && total + n > target) close();
      if (first < 0) first = s;
      last = s;
      total += n;
    });
    close();
    ranges.set(g, merged);
  }
  for (const list of ranges.values()) for (const slice of list) slices.set(slice.key, slice);
  const ordered = [...slices.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.key < b.key ? -1 : 1));
  const at = new Map(ordered.map((slice, i) => [slice.key, i]));
  const units: HuntUnit[] = [];
  for (const [g, group] of plan.groups.entries()) {
    for (const slice of ranges.get(g) ?? []) {
      plan.batches.forEach((batch, b) => units.push({ key: `${group.key}:${slice.key}:${batch.key}`, group: g, slice: at.get(slice.key)!, batch: b }));
    }
  }
  return { ...plan, slices: ordered, units };
}
