import type { HuntPlan } from './plan-hunt.js';

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
